"""One WeasyPrint layout, as a job a worker process can run: HTML and stylesheets in, the PDF
and the facts about its pages out (where each anchor, link and bookmark is), so that chunks
laid out apart can be put together into one book.

WeasyPrint reports problems through its logger instead of raising; they are captured and
handed back as warnings (`Problem`s), a stylesheet's own named by its file and line. Its URL
fetcher is replaced by one that serves only `data:` URLs and files inside the allowed folders:
article HTML is untrusted.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import io
import logging
import mimetypes
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import Problem
from ..svg import SvgRefused, clean_svg
from . import cjk_justify

LAYOUT_VERSION = "2"
"""Changes when guidebuilder lays out the same input differently (cached layouts are then
stale): 2 = inter-character justification."""

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in CSS px from the page's top left


MAX_RESOURCE_BYTES = 32 * 1024 * 1024  # an image or stylesheet larger than this is refused
_MARKUP = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
"""How XML may begin. No raster image or font does: whatever else begins so is cleaned as an
SVG, since WeasyPrint parses an image that Pillow cannot read as one, whatever it is called."""


class ProjectFetcher(URLFetcher):
    """Serves `data:` URLs and regular files under the allowed folders; refuses everything else.

    A `file:` URL is reduced to the path WeasyPrint would open (query and fragment dropped,
    percent-escapes decoded, symlinks resolved), that path is checked, and the bytes served are
    read here from that same path: no spelling of a URL reaches a file the check did not see.
    Devices, FIFOs and files past MAX_RESOURCE_BYTES are refused. SVGs are served cleaned
    (guidebuilder.svg), so an SVG loads nothing and cannot multiply itself."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols=["data"], allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "file":
            real = self._allowed_file(url)
            data = read_resource(real, url)
            mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            served_url = real.as_uri()
        elif scheme == "data":
            response = super().fetch(url, headers)
            data = response.read(MAX_RESOURCE_BYTES + 1)
            if len(data) > MAX_RESOURCE_BYTES:
                raise ValueError(f"refused a data: URL larger than {MAX_RESOURCE_BYTES} bytes")
            mime = response.content_type or "application/octet-stream"
            served_url = url
        else:
            raise ValueError(f"refused {url[:80]}: a guide is built without the network")
        if mime == "image/svg+xml" or (mime != "text/css" and data.lstrip().startswith(_MARKUP)):
            try:
                data = clean_svg(data).data
            except SvgRefused as exc:
                raise ValueError(f"refused {url[:80]}: {exc}") from None
            mime = "image/svg+xml"
        return URLFetcherResponse(served_url, data, {"Content-Type": mime})

    def _allowed_file(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused {url[:80]}: a file on another host")
        real = Path(url2pathname(parts.path)).resolve()
        if not any(real.is_relative_to(folder) for folder in self.allowed):
            raise ValueError(f"refused {url[:80]}: outside the project's articles and theme")
        return real


def read_resource(path: Path, url: str) -> bytes:
    """The bytes of a regular file of at most MAX_RESOURCE_BYTES, opened without blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise ValueError(f"cannot read {url[:80]}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"refused {url[:80]}: not a regular file")
        if info.st_size > MAX_RESOURCE_BYTES:
            raise ValueError(f"refused {url[:80]}: larger than {MAX_RESOURCE_BYTES} bytes")
        return stream.read(MAX_RESOURCE_BYTES + 1)[:MAX_RESOURCE_BYTES]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())


@contextmanager
def captured_weasyprint_log() -> Iterator[list[str]]:
    """Every warning and error WeasyPrint logs while the block runs."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


@dataclass(frozen=True)
class LayoutJob:
    html: str
    stylesheets: tuple[Path, ...]
    extra_css: str  # the page size and whatever the caller overrides
    base_url: str
    allowed: tuple[Path, ...]  # the folders the HTML may load files from
    identity: str  # makes the PDF's file identifier

    def digest(self, files: tuple[Path, ...] = ()) -> str:
        """A key for everything that decides the output: the inputs, the stylesheets' and the
        given files' contents, every file of the theme folders (a `url()` may name any of
        them), and the WeasyPrint version. An SVG is served cleaned and references nothing, so
        its own bytes are all of it."""
        h = hashlib.sha256()
        for part in (weasyprint.__version__, LAYOUT_VERSION, self.html, self.extra_css, self.base_url,
                     self.identity):
            h.update(part.encode())
            h.update(b"\0")
        for path in (*self.stylesheets, *files, *self._theme_files()):
            h.update(str(path).encode())
            h.update(_file_bytes(path))
        return h.hexdigest()

    def _theme_files(self) -> list[Path]:
        folders = [f for f in self.allowed if f.as_uri() + "/" != self.base_url]
        return [p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()]


def _file_bytes(path: Path) -> bytes:
    """The SHA-256 of a file's bytes (remembered while its size and time stay the same: every
    chunk's key covers the theme's files)."""
    try:
        info = path.stat()
    except OSError:
        return b"(missing)"
    return _digest_of(path.resolve(), info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _digest_of(path: Path, size: int, mtime_ns: int) -> bytes:
    try:
        return hashlib.sha256(read_resource(path, str(path))).digest()
    except ValueError:
        return b"(refused)"


@dataclass(frozen=True)
class PageFacts:
    name: str  # the named page ("" for none)
    blank: bool  # made by a forced left/right break
    area: tuple[float, float]  # top left of the page area, CSS px


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document: its PDF and what is where on its pages (page indices from 0)."""

    pdf: bytes
    height: float  # of a page without bleed, CSS px
    pages: tuple[PageFacts, ...]
    anchors: dict[str, tuple[int, Box]]
    foreign_links: tuple[tuple[int, str, Box], ...]  # to anchors not in this document
    bookmarks: tuple[tuple[int, int, str, float, float], ...]  # page, level, label, x, y
    warnings: tuple[Problem, ...]


def _give_back_memory() -> None:
    """Return freed memory to the system (glibc keeps it otherwise), so that a worker's
    footprint is that of the chunk it lays out, not of the largest it has laid out."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


_NO_ANCHOR = re.compile(r"^No anchor #(.*) for internal URI reference$")
_AT_LINE = re.compile(r" at (\d+):\d+\b")


def weasyprint_warning(message: str, stylesheet: Path | None = None) -> Problem:
    """One of WeasyPrint's messages as a warning: a stylesheet's names that file, and the line
    WeasyPrint gives; any other has no file (the build names the guide)."""
    line = None
    if stylesheet is not None and (found := _AT_LINE.search(message)):
        line = int(found.group(1))
    return Problem(f"WeasyPrint: {message}", stylesheet, line, warning=True)


def _stylesheets(job: LayoutJob, fetcher: ProjectFetcher) -> tuple[list, list[Problem]]:
    """The job's stylesheets parsed, and WeasyPrint's warnings about each, named by its file."""
    css, warnings = [], []
    for path in job.stylesheets:
        with captured_weasyprint_log() as messages:
            css.append(weasyprint.CSS(filename=str(path), url_fetcher=fetcher))
        warnings += [weasyprint_warning(m, path) for m in messages]
    return css, warnings


def lay_out(job: LayoutJob) -> LaidOut:
    """Lay out and write one document (run in a worker process, or in this one)."""
    cjk_justify.install()
    fetcher = ProjectFetcher(list(job.allowed))
    css, warnings = _stylesheets(job, fetcher)
    with captured_weasyprint_log() as messages:
        css.append(weasyprint.CSS(string=job.extra_css, url_fetcher=fetcher))
        document = weasyprint.HTML(string=job.html, base_url=job.base_url,
                                   url_fetcher=fetcher).render(stylesheets=css)
        output = io.BytesIO()
        identifier = hashlib.sha256(job.identity.encode()).hexdigest()[:32]
        document.write_pdf(output, pdf_identifier=identifier.encode())
    anchors: dict[str, tuple[int, Box]] = {}
    pages, bookmarks, links = [], [], []
    for index, page in enumerate(document.pages):
        box = page._page_box  # the page area's position is not in the public Page API
        page_type = box.page_type
        pages.append(PageFacts(page_type.name or "", page_type.blank,
                               (box.content_box_x(), box.content_box_y())))
        for name, rect in page.anchors.items():
            anchors.setdefault(name, (index, tuple(rect)))
        bookmarks.extend((index, level, label, x, y) for level, label, (x, y), _ in page.bookmarks)
    for index, page in enumerate(document.pages):
        links.extend((index, target, tuple(rect)) for kind, target, rect, _ in page.links
                     if kind == "internal" and target not in anchors)
    warnings += [weasyprint_warning(m) for m in messages if not _NO_ANCHOR.match(m)]
    height = document.pages[0].height if document.pages else 0.0
    if len(pages) >= 20:
        del document
        gc.collect()  # a laid-out document is full of reference cycles: free it now
        _give_back_memory()
    return LaidOut(output.getvalue(), height, tuple(pages), anchors, tuple(links),
                   tuple(bookmarks), tuple(warnings))
