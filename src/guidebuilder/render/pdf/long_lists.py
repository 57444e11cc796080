"""The contents and the sources appendix of a long book, laid out in pieces.

Both lists grow with the book: laid out whole, each would be one WeasyPrint document of
hundreds of pages (at 10,000 articles, over a gigabyte each, and slower per page the longer
they get). So a list longer than a piece is laid out a piece at a time, each piece where the
last left off: the piece's last pages are dropped (from one that a row opens at its top, on
the side the piece began, so the next piece starts on that side) and the next piece starts
with that row, at the top of a page, as in the book laid out whole. The pieces of one list
are laid out one after another; the rest of the book beside the first of them.
"""

from __future__ import annotations

from dataclasses import replace

from ...model import Book
from ..book_lists import Span, contents_rows, row_id
from ..layout_job import LaidOut
from .chunks import Chunk, Item

CONTENTS_ROWS = 750
"""Rows of the contents in a piece: about 30 A5 pages. A contents page costs a layout process
several times the memory of an article's page (its rows, links and dot leaders): a piece of
3,000 rows (104 pages) took 552 MB, of 1,500 rows 368 MB, of 750 rows 275 MB, about what the
largest chunk of articles takes (260 MB)."""
SOURCES_ROWS = 800
"""Rows of the sources appendix in a piece: about 80 A5 pages, 262 MB (2,000 rows, laid out
whole, took 362 MB)."""


class RowsNotMarked(Exception):
    """The theme's toc.html or appendix.html does not give each row of a piece its id, or a
    piece did not fill a page: the list is laid out whole."""


def first_pieces(book: Book, chunks: list[Chunk]) -> list[Chunk]:
    """The chunks, with a long contents or sources appendix cut to its first piece (only
    where the list is a chunk of its own, as it is in any book long enough)."""
    result = []
    for chunk in chunks:
        if chunk.front and not chunk.items and contents_rows(book) > CONTENTS_ROWS:
            chunk = replace(chunk, contents=Span(0, CONTENTS_ROWS), next=None)
        elif chunk.items == (Item("appendix"),) and len(book.chapters) > SOURCES_ROWS:
            chunk = replace(chunk, items=(Item("appendix", rows=Span(0, SOURCES_ROWS)),),
                            next=None)
        result.append(chunk)
    return result


def _list_of(book: Book, chunk: Chunk) -> tuple[str, Span, int] | None:
    """The list a piece lays out: its kind, the piece's rows, and the list's length."""
    if chunk.contents is not None:
        return "contents", chunk.contents, contents_rows(book)
    for item in chunk.items:
        if item.rows is not None:
            return "sources", item.rows, len(book.chapters)
    return None


def next_piece(book: Book, piece: Chunk, text: LaidOut, last_next: str | None,
               ) -> tuple[Chunk, int] | None:
    """The piece that follows `piece` (the last one ends as the whole list's chunk did, with
    `last_next`), and how many of `piece`'s pages are the book's; None after the last."""
    found = _list_of(book, piece)
    if found is None:
        return None
    kind, rows, total = found
    if rows.end >= total:
        return None
    cut, first = _cut(text, kind, rows)
    span = Span(first, min(first + (rows.end - rows.first), total))
    following = Chunk(next=last_next if span.end >= total else None)
    if kind == "contents":
        following = replace(following, contents=span)
    else:
        following = replace(following, items=(Item("appendix", rows=span),))
    return following, cut


def _cut(text: LaidOut, kind: str, rows: Span) -> tuple[int, int]:
    """Where a piece is cut: the first of its pages that is not the book's, and the first row
    of the next piece. That row must open that page, at its top (so no row before it runs on
    there), on the same side as the piece's first page (so the next piece starts on that
    side too, as WeasyPrint starts it), and not be the piece's first."""
    starts = []
    for row in range(rows.first, rows.end):
        if (anchor := text.anchors.get(row_id(kind, row))) is None:
            raise RowsNotMarked(f"row {row} of the {kind} has no id {row_id(kind, row)}")
        page, (_, top, _, _) = anchor
        starts.append((page, top))
    last = len(text.pages) - 1
    for cut in range(last - last % 2, 0, -2):
        index = next((i for i, (page, _) in enumerate(starts) if page >= cut), None)
        if index == 0:
            break
        if index is not None and starts[index][0] == cut and \
                abs(starts[index][1] - text.pages[cut].area[1]) <= 0.01:
            return cut, rows.first + index
    raise RowsNotMarked(f"no page of a piece of the {kind} starts with one of its rows")
