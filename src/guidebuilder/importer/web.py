"""A website address -> the pages to import: `guidebuilder import URL`.

The address is a sitemap (or sitemap index) or a listing page. The article addresses it leads
to are filtered (the site's host only, robots.txt, `--include`, `--limit`), then fetched, or
read from `.cache/import/` when the site says they have not changed (crawl.py). What comes out
is the same `Source` a saved file gives, so a fetched page is read, placed and reported like a
saved one; an address that could not be fetched, or was not asked for, gets its own line in the
report.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import GuideError, Problem
from . import ImportReport, PageReport, Progress, Source, _identity
from .crawl import SiteCrawl, WebBatch, WebOptions, listing_of, listing_note
from .crawl_cache import CrawlCache
from .fetch import Fetcher, Origin, SiteGate
from .robots import read_robots

__all__ = ["WebBatch", "WebOptions", "fetch_sites", "finish_sites", "is_web_address",
           "with_web_reports"]


def is_web_address(argument: str) -> bool:
    return argument.lower().startswith(("http://", "https://"))


def fetch_site(start_url: str, cache: CrawlCache, options: WebOptions,
               progress: Progress = _identity, batch: WebBatch | None = None) -> WebBatch:
    batch = batch if batch is not None else WebBatch()
    gate = SiteGate(start_url, options.allowed_hosts)
    with Fetcher(gate, options.policy) as fetcher:
        try:
            robots = read_robots(fetcher, start_url)
        except GuideError as exc:
            batch.fail(start_url, exc.problems[0].message)
            return batch
        if robots.crawl_delay:
            fetcher.rate.slow_to(robots.crawl_delay)
        crawl = SiteCrawl(fetcher, {Origin.of(start_url): robots}, cache, options, batch,
                           cache.begin_run([start_url]))
        entries = crawl.discover(start_url)
        if entries is None:
            return batch
        crawl.fetch_pages(entries, progress)
    return batch


def fetch_sites(start_urls: list[str], cache_folder: Path, options: WebOptions,
                progress: Progress = _identity) -> WebBatch:
    batch = WebBatch()
    cache = CrawlCache(cache_folder)
    for url in start_urls:
        fetch_site(url, cache, options, progress, batch)
    return batch


def finish_sites(start_urls: list[str], cache_folder: Path) -> None:
    """The run is over (its articles written): the next one is not a resumption."""
    cache = CrawlCache(cache_folder)
    for url in start_urls:
        cache.end_run([url])


def with_web_reports(report: ImportReport, batch: WebBatch) -> ImportReport:
    """The import's report with a line for each address that gave no page, all in the order
    the site listed them (saved files first)."""
    def place(page: PageReport) -> tuple[int, int]:
        return (1, batch.order[page.source]) if page.source in batch.order else (0, 0)

    fetched = {source.shown: source for source in batch.sources}
    pages = [_listing_failure(page, fetched[page.source]) if page.outcome == "failed"
             and page.source in fetched else page for page in report.pages]
    return ImportReport(tuple(sorted((*pages, *batch.reports), key=place)))


def _listing_failure(page: PageReport, source: Source) -> PageReport:
    """A page of a sitemap that could not be read as an article because it lists articles
    (a category page no template marks as one) is skipped, and said to be a listing."""
    listing = listing_of(source.data, source.address or source.shown)
    if listing is None or not listing.articles:  # found by no template: pagination and all
        return page
    return PageReport(source=page.source, outcome="skipped",
                      problems=(Problem(listing_note(len(listing.articles)), page.source),),
                      encoding=page.encoding, profile=page.profile)
