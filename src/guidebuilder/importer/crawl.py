"""One site's crawl: which article addresses a sitemap or listing page leads to, and each
of them fetched, or read from `.cache/import/` when the site says it has not changed.

A page comes out as the same `Source` a saved file gives; an address that gave none is one
line of the batch's report (failed, or skipped when it was not asked or is a listing page).
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from ..errors import GuideError, Problem
from . import PageReport, Progress, Source, read_page
from .crawl_cache import CachedPage, CrawlCache
from .fetch import Fetcher, FetchPolicy, Origin, Response
from .images import MAX_IMAGE_BYTES, FetchedImage, cached_image_file, keep_image
from .listing import Listing, read_listing
from .robots import Robots, read_robots
from .sitemap import MAX_UNPACKED, SitemapEntry, looks_like_sitemap, read_sitemap

HTML_TYPES = {"text/html", "application/xhtml+xml"}
XML_TYPES = {"application/xml", "text/xml", "application/gzip", "application/x-gzip"}
MAX_SITEMAP_DEPTH = 3
MAX_LISTING_PAGES = 500
DOWNLOADED, NOT_MODIFIED, NOT_ASKED = "downloaded", "not modified", "not asked"


def listing_note(count: int) -> str:
    return (f"a listing page ({count} article link(s)), not an article; give its address as "
            "SRC to import the articles it lists")


@dataclass(frozen=True)
class WebOptions:
    allowed_hosts: tuple[str, ...] = ()
    include: re.Pattern[str] | None = None
    limit: int | None = None
    policy: FetchPolicy = FetchPolicy()


@dataclass
class WebBatch:
    """What the site gave: pages to import, and a report line for each address that gave none."""

    sources: list[Source] = field(default_factory=list)
    reports: list[PageReport] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)  # address -> its place in the report
    left_out_by_include: int = 0
    fetched: int = 0  # pages downloaded
    not_modified: int = 0  # pages the site said had not changed (304)
    not_asked: int = 0  # pages read from the cache without a request

    def note(self, url: str) -> None:
        self.order.setdefault(url, len(self.order))

    def fail(self, url: str, message: str, outcome: str = "failed") -> None:
        self.note(url)
        self.reports.append(PageReport(source=url, outcome=outcome,
                                       problems=(Problem(message, url),)))


class SiteCrawl:
    """The addresses one start address leads to, and their pages."""

    def __init__(self, fetcher: Fetcher, robots: dict[Origin, Robots], cache: CrawlCache,
                 options: WebOptions, batch: WebBatch, interrupted_run: float | None) -> None:
        self.fetcher = fetcher
        self.robots = robots  # each host's, read when first needed (an --allow-host one)
        self.robots_lock = threading.Lock()
        self.cache = cache
        self.options = options
        self.batch = batch
        self.interrupted_run = interrupted_run
        self.start_page: Response | None = None  # the address given, when it is an article

    def _refusal(self, url: str) -> str | None:
        if why := self.fetcher.gate.refusal(url):
            return why
        origin = Origin.of(url)
        with self.robots_lock:
            if origin not in self.robots:
                try:
                    self.robots[origin] = read_robots(self.fetcher, url)
                except GuideError as exc:
                    return exc.problems[0].message
            robots = self.robots[origin]
        if not robots.allows(url):
            return "robots.txt asks robots to keep out of it; not asked"
        return None

    def _get(self, url: str, sitemap: bool = False) -> Response | None:
        """A sitemap or listing page, always asked anew; None (reported) if it fails. A
        sitemap may be as large as the protocol allows, more than a page."""
        if why := self._refusal(url):
            self.batch.fail(url, why)
            return None
        try:
            return self.fetcher.get(url, max_bytes=MAX_UNPACKED if sitemap else None)
        except GuideError as exc:
            self.batch.fail(url, exc.problems[0].message)
            return None

    # --- which pages ----------------------------------------------------------------------

    def discover(self, start_url: str) -> list[SitemapEntry] | None:
        path = urlsplit(start_url).path.lower()
        response = self._get(start_url, sitemap=path.endswith((".xml", ".xml.gz", ".gz")))
        if response is None:
            return None
        xml = response.content_type in XML_TYPES or response.body[:512].lstrip().startswith(b"<?xml")
        if looks_like_sitemap(response.body) or (xml and not _is_html(response)):
            found = self._sitemap(start_url, response.body, 0, set())
        elif _is_html(response):
            found = self._listing(start_url, response)
        else:
            self.batch.fail(start_url, f"neither a sitemap nor an HTML page "
                                       f"({response.content_type or 'no content type'})")
            return None
        return self._filtered(found)

    def _sitemap(self, url: str, body: bytes, depth: int, seen: set[str]) -> list[SitemapEntry]:
        seen.add(url)
        try:
            sitemap = read_sitemap(body)
        except GuideError as exc:
            problem = exc.problems[0]
            where = f"line {problem.line}: " if problem.line else ""
            self.batch.fail(url, where + problem.message)
            return []
        entries = list(sitemap.pages)
        for child in sitemap.sitemaps:
            if child.url in seen:
                continue
            if depth + 1 >= MAX_SITEMAP_DEPTH:
                self.batch.fail(child.url, f"a sitemap nested more than {MAX_SITEMAP_DEPTH} deep; not read")
                continue
            response = self._get(child.url, sitemap=True)
            if response is not None:
                entries += self._sitemap(child.url, response.body, depth + 1, seen)
        return entries

    def _listing(self, start_url: str, first: Response) -> list[SitemapEntry]:
        try:
            listing = read_listing(first.body, first.final_url)
        except GuideError as exc:
            self.batch.fail(start_url, exc.problems[0].message)
            return []
        if not listing.articles:  # not a listing: the page is an article itself
            self.start_page = first
            return [SitemapEntry(start_url)]
        articles = list(listing.articles)
        wanted = {u for u in articles if self._wanted(u)}
        seen = {start_url, first.final_url}
        queue = [u for u in listing.more_pages if u not in seen]
        while queue and len(seen) < MAX_LISTING_PAGES:
            if self.options.limit is not None and len(wanted) >= self.options.limit:
                break
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if self._refusal(url):
                continue  # a listing page the site keeps robots out of is just not read
            response = self._get(url)
            if response is None or not _is_html(response):
                continue
            try:
                more = read_listing(response.body, response.final_url)
            except GuideError as exc:
                self.batch.fail(url, exc.problems[0].message)
                continue
            articles += more.articles
            wanted.update(u for u in more.articles if u not in wanted and self._wanted(u))
            queue += [u for u in more.more_pages if u not in seen]
        return [SitemapEntry(u) for u in articles]

    def _wanted(self, url: str) -> bool:
        include = self.options.include
        return (include is None or bool(include.search(url))) and self._refusal(url) is None

    def _filtered(self, entries: list[SitemapEntry]) -> list[SitemapEntry]:
        kept: dict[str, SitemapEntry] = {}
        for entry in entries:
            url = urldefrag(entry.url.strip())[0]
            if url in kept or url in self.batch.order:
                continue
            if self.options.include is not None and not self.options.include.search(url):
                self.batch.left_out_by_include += 1
                continue
            if why := self._refusal(url):
                self.batch.fail(url, why, outcome="skipped")
                continue
            if self.options.limit is not None and len(kept) >= self.options.limit:
                continue
            kept[url] = SitemapEntry(url, entry.lastmod)
            self.batch.note(url)
        return list(kept.values())

    # --- the pages themselves -------------------------------------------------------------

    def fetch_pages(self, entries: list[SitemapEntry], progress: Progress) -> None:
        workers = max(1, self.options.policy.concurrency)
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            results = pool.map(self._page, entries)
            for entry, (result, how) in progress(zip(entries, results), len(entries), "fetching"):
                if isinstance(result, Source):
                    self.batch.sources.append(result)
                elif isinstance(result, Listing):
                    self.batch.fail(entry.url, listing_note(len(result.articles)), "skipped")
                else:
                    self.batch.fail(entry.url, result)
                if how == DOWNLOADED:
                    self.batch.fetched += 1
                elif how == NOT_MODIFIED:
                    self.batch.not_modified += 1
                elif how == NOT_ASKED:
                    self.batch.not_asked += 1
        finally:  # interrupted: the pages not yet begun are not asked for
            pool.shutdown(wait=False, cancel_futures=True)

    def _page(self, entry: SitemapEntry) -> tuple[Source | Listing | str, str]:
        """The page as a source; or, when it is a listing page rather than an article, what
        it lists; or why it could not be had. And how it was had."""
        if self.start_page is not None and self.start_page.url == entry.url:
            response = self.start_page
            page = CachedPage(entry.url, response.final_url, response.content_type,
                              response.etag, response.last_modified, None, time.time(), response.body)
            self._keep(page)
            return self._with_images(_source(page)), DOWNLOADED
        cached = self.cache.get(entry.url)
        if cached is not None and self._fresh(cached, entry):
            return self._article(cached), NOT_ASKED
        try:
            if cached is not None:
                response = self.fetcher.get(entry.url, cached.etag, cached.last_modified)
            else:
                response = self.fetcher.get(entry.url)
        except GuideError as exc:
            return exc.problems[0].message, "failed"
        if response.status == 304 and cached is not None:
            how = NOT_MODIFIED
            page = CachedPage(**{**cached.__dict__, "lastmod": entry.lastmod, "fetched_at": time.time()})
        else:
            if not _is_html(response):
                return (f"not an HTML page ({response.content_type or 'no content type'}); "
                        "not imported"), "failed"
            how = DOWNLOADED
            page = CachedPage(entry.url, response.final_url, response.content_type or "text/html",
                              response.etag, response.last_modified, entry.lastmod, time.time(),
                              response.body)
        self._keep(page)
        return self._article(page), how

    def _article(self, page: CachedPage) -> Source | Listing:
        """The page to import, unless a CMS's list template says it is a listing page."""
        listing = listing_of(page.body, page.final_url)
        if listing is not None and listing.by_template and listing.is_listing:
            return listing
        return self._with_images(_source(page))

    def _keep(self, page: CachedPage) -> None:
        try:
            self.cache.put(page)
        except GuideError:
            pass  # a cache that cannot be written costs the next run a download, nothing more

    def _with_images(self, source: Source) -> Source:
        """The page with its article images fetched (or why not), when it has any."""
        if b"<img" not in source.data and b"<IMG" not in source.data:
            return source
        try:
            page = read_page(source, None)
        except Exception:  # noqa: BLE001 - the import reads the page again and reports it
            return source
        if not page.images:
            return source
        images = tuple(self._image(url) for url in dict.fromkeys(page.images))
        return dataclasses.replace(source, images=images)

    def _image(self, url: str) -> FetchedImage:
        if why := self._refusal(url):
            return FetchedImage(url, why_not=why)
        folder = self.cache.folder
        if (kept := cached_image_file(folder, url)) is not None:
            return FetchedImage(url, kept)
        try:
            response = self.fetcher.get(url, max_bytes=MAX_IMAGE_BYTES)
            return FetchedImage(url, keep_image(folder, url, response.body))
        except GuideError as exc:
            return FetchedImage(url, why_not=exc.problems[0].message)

    def _fresh(self, cached: CachedPage, entry: SitemapEntry) -> bool:
        """Whether the cached page can be used without asking the site."""
        if entry.lastmod and cached.lastmod == entry.lastmod:
            return True
        return self.interrupted_run is not None and cached.fetched_at >= self.interrupted_run


def listing_of(body: bytes, address: str) -> Listing | None:
    try:
        return read_listing(body, address)
    except GuideError:
        return None  # the import reads the page again and says what is wrong with it


def _source(page: CachedPage) -> Source:
    return Source(page.url, page.url, data=page.body, content_type=page.content_type,
                  address=page.final_url)


def _is_html(response: Response) -> bool:
    if response.content_type in HTML_TYPES:
        return True
    if response.content_type:
        return False
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
