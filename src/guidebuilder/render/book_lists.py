"""The book's two lists that grow with it, the contents and the sources appendix, as the
templates see them: whole, or one piece of a long one.

A long list is laid out in pieces (see `pdf/long_lists.py`), each a document of about a
chunk's length, so that no document grows with the book. A piece shows the rows from `first`
to `end`; after the first piece, the list's heading is left out and its numbering goes on.
Each row of a piece carries an id, by which the pages its rows fell on are found; the whole
list (a short book, the EPUB, the preview) has none, and is written as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Book, Chapter, Part
from .contract import OWN_ID_PREFIX


@dataclass(frozen=True)
class Span:
    """The rows of a list that one piece lays out: from `first` up to, not including, `end`."""

    first: int
    end: int

    @property
    def continued(self) -> bool:
        return self.first > 0


def row_id(kind: str, row: int) -> str:
    """The id of a row of a piece of the list `kind` ("contents" or "sources")."""
    return f"{OWN_ID_PREFIX}{kind}-{row}"


def contents_rows(book: Book) -> int:
    """Rows of the contents: each part's heading, its articles, and the sources appendix."""
    return len(book.parts) + len(book.chapters) + 1


@dataclass(frozen=True)
class ContentsPart:
    part: Part
    heading: str | None  # the id of its heading's row; None when the heading is not shown
    chapters: tuple[tuple[Chapter, str], ...]  # with each row's id
    continued: bool  # its heading was in the piece before


@dataclass(frozen=True)
class Contents:
    """What partials/toc.html shows: the title (unless `continued`), the parts (each with
    its heading if shown and its articles), and the sources row if `sources` is not None."""

    continued: bool
    parts: tuple[ContentsPart, ...]
    sources: str | None  # the id of the sources row; None when it is not shown


def contents(book: Book, span: Span | None = None) -> Contents:
    ids = span is not None
    span = span or Span(0, contents_rows(book))

    def shown(row: int) -> str | None:
        return (row_id("contents", row) if ids else "") if span.first <= row < span.end else None

    parts, row = [], 0
    for part in book.parts:
        heading = shown(row)
        chapters = tuple((chapter, shown(row + 1 + i)) for i, chapter in enumerate(part.chapters))
        chapters = tuple((chapter, rid) for chapter, rid in chapters if rid is not None)
        if heading is not None or chapters:
            parts.append(ContentsPart(part, heading, chapters, heading is None))
        row += 1 + len(part.chapters)
    return Contents(span.continued, tuple(parts), shown(row))


@dataclass(frozen=True)
class Sources:
    """What partials/appendix.html lists: the articles from number `start` (from 1), each with
    its row's id, after the heading and introduction unless `continued`."""

    continued: bool
    start: int
    chapters: tuple[tuple[Chapter, str], ...]


def sources(book: Book, span: Span | None = None) -> Sources:
    ids = span is not None
    span = span or Span(0, len(book.chapters))
    return Sources(span.continued, span.first + 1,
                   tuple((chapter, row_id("sources", row) if ids else "")
                         for row, chapter in enumerate(book.chapters[span.first:span.end],
                                                       start=span.first)))
