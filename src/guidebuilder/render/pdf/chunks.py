"""The book cut into chunks that WeasyPrint lays out on their own, in parallel and cached.

Every article and part opener starts on a new page, so the pages of a chunk do not depend on
what comes before it. What does depend on it (page numbers, running headers, the numbers in
the contents and in "see page N") is left out of the chunk and drawn afterwards: see
`pdf_furniture`. Cuts fall at part openers and, inside a long part, after articles chosen by
their slug, not by position, so that editing one article changes one chunk, not every chunk
after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

from markupsafe import Markup

from ...model import PAGE_SIZES, Book, Chapter, Part
from ...theme import Theme
from .. import book_lists
from ..book_lists import Span
from ..context import render_template, visible_text
from ..contract import APPENDIX_SOURCES, OWN_ID_PREFIX, PAGE_REF

MIN_CHARS = 20_000   # about 40 A5 pages of Chinese: below this a chunk costs more than it saves
MAX_CHARS = 60_000   # about 120 pages: bounds a worker's memory
FRONT_CHARS = 2_000  # the cover, title and copyright pages, counted as text
TOC_CHARS = 60       # what one article adds to the contents (and to its part opener's list)
CUT_ONE_IN = 6       # inside a part, about one article in six ends a chunk


@dataclass(frozen=True)
class Item:
    """One thing a chunk lays out: a part opener, an article, or the sources appendix."""

    kind: str  # "part", "article" or "appendix"
    part: Part | None = None
    number: int = 0  # of the part, from 1
    chapter: Chapter | None = None
    rows: Span | None = None  # of a long appendix, the rows of this piece

    @property
    def anchor(self) -> str:
        if self.kind == "article":
            return self.chapter.article.anchor
        return self.part.anchor if self.kind == "part" else APPENDIX_SOURCES


@dataclass(frozen=True)
class Chunk:
    """Consecutive items of the book. `front`: the cover, title, copyright and contents pages.
    `next`: the kind of the item that opens the following chunk, laid out as an empty last
    page so that the chunk ends as it would in the whole book (blank versos included).
    `contents`: of long contents, the rows of this piece (after the first piece, a chunk of
    its own)."""

    items: tuple[Item, ...] = ()
    front: bool = False
    next: str | None = None
    contents: Span | None = None


@dataclass
class PageRefs:
    """The page-number slots of one chunk's HTML, in order: slot id -> (anchor, style)."""

    digits: int
    slots: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __call__(self, anchor: str, style: str) -> Markup:
        slot = f"{OWN_ID_PREFIX}ref-{len(self.slots)}"
        self.slots[slot] = (anchor, style)
        return Markup('<span class="{0} {0}-{1}" id="{2}">{3}</span>').format(
            PAGE_REF, style, slot, "0" * self.digits)


def _weight(chapter: Chapter) -> int:
    return len(visible_text(chapter.article.body_html)) + 400


def _ends_chunk(chapter: Chapter) -> bool:
    digest = hashlib.sha256(chapter.article.slug.encode()).digest()
    return digest[0] % CUT_ONE_IN == 0


def plan_chunks(book: Book) -> list[Chunk]:
    """The book's chunks, in order; the same book always gives the same chunks.

    A chunk ends once it holds MIN_CHARS of text, before a part opener, the appendix, or an
    article that follows one of the articles chosen to end chunks; or before it would grow past
    MAX_CHARS. So a short book is a few chunks (each costs a document's set-up), and a long
    one is cut at the same articles whatever is edited around them. Like the contents, a
    sources appendix of MIN_CHARS or more is a chunk of its own, however short the chunk
    before it: so a long one is laid out in pieces (`long_lists`), never whole. A part opener
    weighs the list of its articles that a theme may print there (the default theme does):
    with 2,000 articles in a part, that list and the articles after it made one document of
    180,000 characters of HTML, where a usual chunk has 40,000 to 70,000."""
    groups: list[list[Item]] = [[]]
    size = FRONT_CHARS + TOC_CHARS * len(book.chapters)

    def add(item: Item, weight: int, may_cut: bool, alone: bool = False) -> None:
        nonlocal size
        if groups[-1] or size:
            if alone or size >= MAX_CHARS or (size >= MIN_CHARS and may_cut):
                groups.append([])
                size = 0
        groups[-1].append(item)
        size += weight

    for number, part in enumerate(book.parts, start=1):
        add(Item("part", part, number), TOC_CHARS * len(part.chapters), True)
        for chapter in part.chapters:
            last = groups[-1][-1] if groups[-1] else None
            add(Item("article", part, number, chapter), _weight(chapter),
                last is not None and last.kind == "article" and _ends_chunk(last.chapter))
    appendix = TOC_CHARS * len(book.chapters)
    add(Item("appendix"), appendix, True, alone=appendix >= MIN_CHARS)
    return [Chunk(tuple(items), i == 0, groups[i + 1][0].kind if i + 1 < len(groups) else None)
            for i, items in enumerate(groups)]


def whole_book(book: Book) -> Chunk:
    """The whole book as one chunk."""
    items = [item for chunk in plan_chunks(book) for item in chunk.items]
    return Chunk(tuple(items), front=True)


CHARS_PER_PAGE = {size.name: size.chars_per_page for size in PAGE_SIZES.values()}


def page_digits(book: Book) -> int:
    """How many digits to reserve for a page number, before the pages are known: from an
    estimate of the page count."""
    chars = sum(len(visible_text(c.article.body_html)) for c in book.chapters)
    estimate = (8 + 2 * len(book.parts) + len(book.chapters)
                + chars // CHARS_PER_PAGE.get(book.guide.page_size, 500))
    return len(str(estimate))


def chunk_html(theme: Theme, book: Book, chunk: Chunk, digits: int,
               qr: Callable[[str], str] | None = None) -> tuple[str, PageRefs]:
    """The HTML of one chunk, through the theme's book.html, and its page-number slots."""
    refs = PageRefs(digits)
    rows = next((item.rows for item in chunk.items if item.kind == "appendix"), None)
    html = render_template(theme, "book.html", book, chunk=chunk, qr=qr, page_ref=refs,
                           contents=book_lists.contents(book, chunk.contents),
                           sources=book_lists.sources(book, rows))
    return html, refs
