"""Web pages -> articles: `guidebuilder import SRC...`.

Every page is read first, then placed and its related titles matched across the whole batch,
then written one by one. A page that fails at any stage is reported and skipped; the others go on.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from ..errors import GuideError, Problem
from ..reader import CATEGORY_FILE
from .dates import AsOf
from .decode import decode
from .html_page import read_html_page
from .images import FetchedImage, copy_images, with_local_images
from .library import scan
from .markdown_out import article_text, front_matter
from .mhtml import SUFFIXES as MHTML_SUFFIXES
from .mhtml import html_part, looks_like_mhtml
from .page import Note, Page
from .plan import Placement, RelatedIndex, Taken, place
from .text_capture import read_text_capture
from .write import edited_since_import, with_hash, write_text_atomically

log = logging.getLogger("guidebuilder.importer")
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
STDIN = "<stdin>"
T = TypeVar("T")
Progress = Callable[[Iterable[T], int, str], Iterable[T]]


@dataclass(frozen=True)
class Source:
    """One saved page: a file, or bytes read from standard input."""

    shown: str  # as the report names it
    name: str  # as `imported_from` records it
    path: Path | None = None
    data: bytes | None = None
    content_type: str | None = None  # a fetched page's, as the site sent it
    address: str | None = None  # a fetched page's address (after redirects)
    images: tuple[FetchedImage, ...] = ()  # a fetched page's images, fetched in turn


@dataclass(frozen=True)
class PageReport:
    source: str
    outcome: str  # new, updated, unchanged, refused, failed, or skipped (a web address not asked)
    path: Path | None = None
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    encoding: str | None = None
    problems: tuple[Problem, ...] = ()
    profile: str | None = None  # the CMS profile that read the page


@dataclass(frozen=True)
class ImportReport:
    pages: tuple[PageReport, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.pages if p.outcome == outcome)

    @property
    def ok(self) -> bool:
        """Nothing failed or refused, and something was imported (or found unchanged)."""
        done = any(p.outcome in ("new", "updated", "unchanged") for p in self.pages)
        return done and not any(p.outcome in ("failed", "refused") for p in self.pages)


def sources_from(arguments: list[str], read_stdin: Callable[[], bytes]) -> list[Source]:
    """SRC arguments -> pages: a file, every .html/.htm/.txt under a folder, or `-`."""
    sources: list[Source] = []
    for argument in arguments:
        if argument == "-":
            sources.append(Source(STDIN, STDIN, data=read_stdin()))
            continue
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_page(p, path))
            if not found:
                raise GuideError(f"no saved pages (.html, .htm, .mhtml, .txt) in {argument}")
            sources.extend(Source(str(p), p.name, path=p) for p in found)
        elif path.is_file():
            sources.append(Source(argument, path.name, path=path))
        else:
            raise GuideError(f"no such file or folder: {argument}")
    return sources


def _is_page(path: Path, top: Path) -> bool:
    relative = path.relative_to(top).parts
    hidden = any(part.startswith(".") or part.endswith("_files") for part in relative)
    return not hidden and path.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES | MHTML_SUFFIXES


_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s<>\"']+)\s*-->")


def saved_from_comment(text: str) -> str | None:
    """The address a browser's "Webpage, Complete" page says it was saved from (its first
    lines), to resolve the page's relative links; never taken as the permalink."""
    found = _SAVED_FROM.search(text[:2000])
    return found.group(1) if found else None


def read_page(source: Source, as_of: AsOf | None) -> Page:
    data = source.data if source.data is not None else source.path.read_bytes()
    if not data.strip():
        raise GuideError("the page is empty")
    suffix = source.path.suffix.lower() if source.path else ""
    if suffix in MHTML_SUFFIXES or (suffix not in HTML_SUFFIXES | TEXT_SUFFIXES and looks_like_mhtml(data)):
        page, charset, saved_from = html_part(data)
        text, encoding = decode(page, html=True, mime_charset=charset)
        return read_html_page(text, source.name, f"{encoding}, from MHTML", as_of, saved_from)
    fetched_html = source.content_type in ("text/html", "application/xhtml+xml")
    is_html = fetched_html or suffix in HTML_SUFFIXES or (
        suffix not in TEXT_SUFFIXES and data.lstrip()[:200].lower().startswith((b"<!doctype", b"<html", b"<head", b"<meta", b"<?xml")))
    text, encoding = decode(data, html=is_html)
    if source.address is not None and is_html:
        return read_html_page(text, source.name, encoding, as_of, source.address, fetched=True)
    if is_html:
        return read_html_page(text, source.name, encoding, as_of, saved_from_comment(text))
    return read_text_capture(text, source.name, encoding, as_of)


def _identity(items: Iterable[T], total: int, description: str) -> Iterable[T]:  # noqa: ARG001
    return items


def with_category(page: Page, category: str | None) -> Page:
    """The page with `--category` for a page that does not say its own."""
    if not category or page.category:
        return page
    return dataclasses.replace(page, category=category, notes=(
        *page.notes, Note(f"category '{category}' from --category (the page does not say it)")))


def import_pages(sources: list[Source], into: Path, as_of: AsOf | None = None,
                 force: bool = False, progress: Progress = _identity,
                 category: str | None = None) -> ImportReport:
    reports: dict[int, PageReport] = {}
    pages: list[tuple[int, Source, Page]] = []
    for number, source in enumerate(progress(sources, len(sources), "reading")):
        try:
            pages.append((number, source, with_category(read_page(source, as_of), category)))
        except Exception as exc:  # one bad page must not stop a thousand
            reports[number] = _failed(source, exc)

    library = scan(into)
    placements: list[tuple[int, Source, Placement]] = []
    taken = Taken()
    # an HTML page says more than a text capture of the same article: it is placed first
    for number, source, page in sorted(pages, key=lambda item: (item[2].kind != "html", item[0])):
        try:
            placements.append((number, source, place(page, library, taken)))
        except GuideError as exc:
            reports[number] = _failed(source, exc, page)

    index = RelatedIndex(library, [p for _, _, p in placements])
    for number, source, placement in progress(placements, len(placements), "writing"):
        try:
            reports[number] = _write(source, placement, index, into, force)
        except Exception as exc:
            reports[number] = _failed(source, exc, placement.page)
    return ImportReport(tuple(reports[n] for n in sorted(reports)))


def _write(source: Source, placement: Placement, index: RelatedIndex, into: Path,
           force: bool) -> PageReport:
    page, path = placement.page, placement.path
    page, image_copies = with_local_images(page, source.images, path) if page.images else (page, [])
    related = index.resolve(placement)
    problems = [_problem(source, note.message, note.line) for note in page.notes]
    problems += [_problem(source, f"related '{d.title}' {d.why}; not kept", d.line)
                 for d in related.dropped]
    problems += [_problem(source, f"related '{d.title}' {d.why}; kept by its title (it links "
                          "once that article is imported)", d.line) for d in related.waiting]
    text = with_hash(article_text(page, list(related.entries)))
    found, missing = page.found(), page.missing()
    if page.related and not related.entries:  # read, but none of it written
        found = tuple(f for f in found if f != "related")
        missing = (*missing, "related")
    report = dict(source=source.shown, path=path, found=found, missing=missing,
                  encoding=page.encoding, profile=page.profile)
    if path.exists():
        reason = edited_since_import(path)
        if reason and not force:
            problems.append(Problem(f"{_relative(path, into)} is not replaced: {reason} "
                                    "(use --force to replace it)", _where(source)))
            return PageReport(outcome="refused", problems=tuple(problems), **report)
        if path.read_bytes() == text.encode("utf-8"):
            copy_images(image_copies)  # one removed by hand comes back
            return PageReport(outcome="unchanged", problems=tuple(problems), **report)
        outcome = "updated"
    else:
        outcome = "new"
    if placement.new_folder and not (path.parent / CATEGORY_FILE).exists():
        write_text_atomically(path.parent / CATEGORY_FILE, front_matter({"name": page.category})[4:-4])
    copy_images(image_copies)
    write_text_atomically(path, text)
    return PageReport(outcome=outcome, problems=tuple(problems), **report)


def _problem(source: Source, message: str, line: int | None) -> Problem:
    return Problem(message, _where(source), line, warning=True)


def _where(source: Source) -> Path | str:
    """A saved file's path, or a fetched page's address as it is."""
    return source.shown if "://" in source.shown else Path(source.shown)


def _failed(source: Source, exc: Exception, page: Page | None = None) -> PageReport:
    if isinstance(exc, GuideError):
        messages = [p.message for p in exc.problems]
    elif isinstance(exc, OSError):
        messages = [f"cannot read or write: {exc.strerror or exc}"]
    else:
        log.info("importing %s failed", source.shown, exc_info=True)  # shown with --verbose
        messages = [f"internal error: {exc.__class__.__name__}: {exc} (please report it)"]
    problems = []
    if page is not None:
        problems += [_problem(source, note.message, note.line) for note in page.notes]
    problems += [Problem(m, _where(source)) for m in messages]
    return PageReport(source=source.shown, outcome="failed",
                      found=page.found() if page else (),
                      missing=page.missing() if page else (),
                      encoding=page.encoding if page else None, problems=tuple(problems),
                      profile=page.profile if page else None)


def _relative(path: Path, into: Path) -> str:
    try:
        return str(path.relative_to(into.parent))
    except ValueError:
        return str(path)
