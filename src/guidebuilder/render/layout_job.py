"""What a layout is asked to do and what it gives back, as plain data: a `LayoutJob` (HTML,
stylesheets, the folders it may read) with the digest that keys the layout cache, and a
`LaidOut` document. Nothing here loads WeasyPrint, so a build that lays nothing out (an EPUB)
or only prepares jobs for other processes does not pay for it; `layout` runs the jobs."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..packed_text import pack, unpack, utf8

LAYOUT_VERSION = "4"
"""Changes when guidebuilder lays out the same input differently (cached layouts are then
stale): 2 = inter-character justification, 3 = placeholder fonts, 4 = QR codes drawn at
layout."""



@functools.cache
def weasyprint_version() -> str:
    """Read when a key is made, not on import: an e-book build does not need it."""
    from importlib.metadata import version

    return version("weasyprint")

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in CSS px from the page's top left
MAX_RESOURCE_BYTES = 32 * 1024 * 1024  # an image or stylesheet larger than this is refused


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


@dataclass(frozen=True)
class LayoutJob:
    packed_html: bytes
    """The HTML, packed (`of`, `html`): a book's chunks wait in memory as jobs while the book
    is laid out, and as text they took ~10 KB an article (100 MB of a 10,000-article book's
    build process)."""
    stylesheets: tuple[Path, ...]
    extra_css: str  # the page size and whatever the caller overrides
    base_url: str
    allowed: tuple[Path, ...]  # the folders the HTML may load files from
    identity: str  # makes the PDF's file identifier
    merged: bool = False
    """Put into a book whose fonts are re-subset (pdf.fontmerge): fonts are embedded as
    placeholders (font_placeholders)."""

    @classmethod
    def of(cls, html: str, *fields, **named) -> LayoutJob:
        return cls(pack(html), *fields, **named)

    @property
    def html(self) -> str:
        return unpack(self.packed_html)

    def digest(self, files: tuple[Path, ...] = ()) -> str:
        """A key for everything that decides the output: the inputs, the stylesheets' and the
        given files' contents, every file of the theme folders (a `url()` may name any of
        them), and the WeasyPrint version. An SVG is served cleaned and references nothing, so
        its own bytes are all of it."""
        h = hashlib.sha256()
        for part in (weasyprint_version().encode(), LAYOUT_VERSION.encode(),
                     utf8(self.packed_html), self.extra_css.encode(),
                     self.base_url.encode(), self.identity.encode(), str(self.merged).encode()):
            h.update(part)
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
    """A laid-out document: its PDF (or the file that holds it) and what is where on its
    pages (page indices from 0)."""

    pdf: bytes | Path
    height: float  # of a page without bleed, CSS px
    pages: tuple[PageFacts, ...]
    anchors: dict[str, tuple[int, Box]]
    foreign_links: tuple[tuple[int, str, Box], ...]  # to anchors not in this document
    bookmarks: tuple[tuple[int, int, str, float, float], ...]  # page, level, label, x, y
    warnings: tuple[Problem, ...]
    facts: Path | None = None
    """The file where `anchors`, `foreign_links` and `bookmarks` were put aside (they are then
    empty here): see `set_aside`."""

    def set_aside(self) -> LaidOut:
        """This layout with its anchors, links and bookmarks put in a file beside its PDF's
        (when its PDF is in a file), for `with_facts` to read back. A book's chunks hold
        about 4 KB of them an article (the headings' most of it), needed only once the book
        is all laid out: held in memory, a 10,000-article build process grew from 114 to
        172 MB while its book was laid out; put aside, 119 to 126 MB."""
        if not isinstance(self.pdf, Path) or self.facts is not None:
            return self
        file = self.pdf.with_suffix(".facts")
        file.write_bytes(pickle.dumps((self.anchors, self.foreign_links, self.bookmarks),
                                      protocol=pickle.HIGHEST_PROTOCOL))
        return dataclasses.replace(self, anchors={}, foreign_links=(), bookmarks=(), facts=file)

    def with_facts(self) -> LaidOut:
        """This layout with every fact in memory, read back if it was put aside."""
        if self.facts is None:
            return self
        anchors, links, bookmarks = pickle.loads(self.facts.read_bytes())
        return dataclasses.replace(self, anchors=anchors, foreign_links=links,
                                   bookmarks=bookmarks, facts=None)


class SharedValues:
    """The documents laid out for one book with their equal pages held as one object each. A
    book's chunks describe every page (~46,000 at 10,000 articles) with a few kinds of page;
    received from a layout process or read from the cache, each would be an object of its
    own. (Their anchors, links and bookmarks are put aside on disk: `LaidOut.set_aside`.)"""

    def __init__(self) -> None:
        self._pages: dict[PageFacts, PageFacts] = {}

    def __call__(self, laid_out: LaidOut) -> LaidOut:
        pages = self._pages
        return dataclasses.replace(
            laid_out, pages=tuple(pages.setdefault(page, page) for page in laid_out.pages))
