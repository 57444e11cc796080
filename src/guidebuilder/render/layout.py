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
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

from . import weasyprint_libraries  # noqa: F401  (before WeasyPrint)
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import Problem
from ..svg import SvgRefused, clean_svg
from . import cjk_justify, page_styles
from .font_placeholders import placeholder_fonts
from .qr import with_qr_codes
from .layout_job import MAX_RESOURCE_BYTES, Box, LaidOut, LayoutJob, PageFacts, read_resource

__all__ = ["Box", "LaidOut", "LayoutJob", "PageFacts", "ProjectFetcher", "lay_out",
           "captured_weasyprint_log", "read_resource"]

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
            served_url, data, mime = self.file(url)
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

    def file(self, url: str) -> tuple[str, bytes, str]:
        """A `file:` URL's file: the URL it is served as, its bytes and its MIME type."""
        real = self._allowed_file(url)
        data = read_resource(real, url)
        return real.as_uri(), data, mimetypes.guess_type(real.name)[0] or "application/octet-stream"

    def stylesheet(self, path: Path) -> tuple[weasyprint.CSS, tuple[str, ...]]:
        """A theme stylesheet parsed, with WeasyPrint's warnings about it."""
        return _stylesheet(path, tuple(self.allowed))

    def _allowed_file(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused {url[:80]}: a file on another host")
        real = Path(url2pathname(parts.path)).resolve()
        if not any(real.is_relative_to(folder) for folder in self.allowed):
            raise ValueError(f"refused {url[:80]}: outside the project's articles and theme")
        return real


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


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint lays out and writes a document: it
    would walk the growing box tree again and again, a tenth of the layout's time, to find
    little that is garbage before the document is dropped (and collected once) at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _give_back_memory() -> None:
    """Return freed memory to the system (glibc keeps it otherwise), so that a worker's
    footprint is that of the chunk it lays out, not of the largest it has laid out."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _stylesheet(path: Path, allowed: tuple[Path, ...]) -> tuple[weasyprint.CSS, tuple[str, ...]]:
    """A theme stylesheet parsed, with WeasyPrint's warnings about it; parsed once a process
    while the file stays the same (every chunk of a book uses the same sheets, and parsing
    them took a fifth of a small chunk's layout)."""
    info = path.stat()
    return _parsed(str(path), info.st_size, info.st_mtime_ns, allowed)


@functools.lru_cache(maxsize=64)
def _parsed(path: str, size: int, mtime_ns: int,
            allowed: tuple[Path, ...]) -> tuple[weasyprint.CSS, tuple[str, ...]]:
    with captured_weasyprint_log() as messages:
        sheet = weasyprint.CSS(filename=path, url_fetcher=ProjectFetcher(list(allowed)))
    return sheet, tuple(messages)


_NO_ANCHOR = re.compile(r"^No anchor #(.*) for internal URI reference$")
_AT_LINE = re.compile(r" at (\d+):\d+\b")


@functools.lru_cache(maxsize=8)
def _font_config(stylesheets: tuple[Path, ...]) -> FontConfiguration:
    """One font configuration for every document this process lays out with the same theme.
    WeasyPrint makes a new one for each document otherwise, and with it loads every face of
    the CJK fonts again and forgets what it had measured of them (a twentieth of the layout
    of a 50-article book's chunks). The fonts are those installed when the process started."""
    return FontConfiguration()


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
        sheet, messages = fetcher.stylesheet(path)
        css.append(sheet)
        warnings += [weasyprint_warning(m, path) for m in messages]
    return css, warnings


def lay_out(job: LayoutJob, fetcher: ProjectFetcher | None = None) -> LaidOut:
    """Lay out and write one document (run in a worker process, or in this one), reading its
    stylesheets and files through `fetcher` (by default, from the job's allowed folders)."""
    cjk_justify.install()
    page_styles.install()
    fetcher = fetcher or ProjectFetcher(list(job.allowed))
    css, warnings = _stylesheets(job, fetcher)
    with captured_weasyprint_log() as messages, _no_cycle_collection():
        css.append(weasyprint.CSS(string=job.extra_css, url_fetcher=fetcher))
        document = weasyprint.HTML(string=with_qr_codes(job.html), base_url=job.base_url,
                                   url_fetcher=fetcher).render(
            stylesheets=css, font_config=_font_config(job.stylesheets))
        output = io.BytesIO()
        identifier = hashlib.sha256(job.identity.encode()).hexdigest()[:32]
        with placeholder_fonts(job.merged):
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
