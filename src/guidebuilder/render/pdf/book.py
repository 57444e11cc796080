"""The book as a PDF, with WeasyPrint, laid out in chunks on every core.

The book is cut into chunks (`chunks`) that are laid out apart, in worker processes and
through a cache (`workers`, `layout_cache`). Once every chunk's page count is known, each
chunk's furniture (running headers, page numbers, the numbers of the contents and of "see
page N") is laid out with the right numbers (`pdf_furniture`), and everything is put together
into one PDF (`pdf_merge`). `--jobs 1` runs the same steps in this process and gives the same
bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ...errors import GuideError, Problem
from ...files import scratch_file
from ...model import Book
from ...theme import Theme
from ..contract import CHUNK_END, COPYRIGHT_PAGE
from ..layout_job import LaidOut
from ..print_job import layout_job, print_stylesheets
from ..qr import qr_placeholder
from .footnotes import footnotes_at_calls
from .chunks import Chunk, PageRefs, chunk_html, page_digits, plan_chunks, whole_book
from .long_lists import RowsNotMarked, first_pieces, next_piece
from .layout_cache import LayoutCache
from .furniture import (WITHOUT_FURNITURE, ChunkPages, OnePieceNeeded, check_furniture,
                            furniture_css, furniture_html, furniture_pages, group_pages)
from .merge import Furniture, book_anchors, merge
from .workers import Workers

FURNITURE_PAGES = 250  # pages of furniture laid out in one document, at most
FURNITURE_SLOTS = 2000
"""Page numbers drawn into slots (the contents', "see page N") by one furniture document, about:
each costs its layout process memory, more than a page does. 250 pages of a 10,000-article
book's contents (about 6,700 numbers) took 399 MB; a 2,000-article book's first 250 pages
(2,062 numbers) 239 MB, its contents alone (71 pages, 2,042) 218 MB, other furniture ~190 MB."""
FURNITURE_SHARES = 4
"""A short book's furniture is laid out in this many documents (of at least
MIN_FURNITURE_PAGES), so that it too is shared between cores. Never from the number of cores:
the same book gives the same documents, and the same bytes, on any machine."""
MIN_FURNITURE_PAGES = 40
HTML_PER_PAGE = 1500  # characters of a chunk's HTML per page, roughly, to share out work
EXACT_SLOTS_BELOW = 500
"""Page-number slots estimated wider than needed are narrowed (the chunks with slots laid out
again) in books shorter than this; in longer ones, a digit's space is cheaper than that."""


@dataclass(frozen=True)
class RenderedPdf:
    file: Path  # in the build's scratch folder
    pages: int
    front_pages: int  # the cover and title page, which a client edition replaces
    warnings: list[Problem]
    bare_pages: tuple[int, ...] = ()  # indices of the cover and blank pages: no client overlay


def for_print(book: Book) -> Book:
    """The book as it is printed: footnotes at the foot of their pages."""
    return book.with_bodies(footnotes_at_calls)


def render_pdf(book: Book, theme: Theme, root: Path, scratch: Path, jobs: int = 1,
               cache: LayoutCache | None = None, cluster: str | None = None) -> RenderedPdf:
    """The PDF, written in the `scratch` folder, with its warnings. Nothing else is written
    but the cache."""
    book = for_print(book)
    with Workers(jobs, cache, cluster, scratch) as workers:
        chunks = plan_chunks(book)
        if one_piece := _refers_across_pages(print_stylesheets(book, theme)):
            chunks = [whole_book(book)]
        digits = page_digits(book)
        exact = split = True
        whole_lists = None
        while True:
            try:
                result = _render_chunks(book, theme, root, scratch, chunks, digits, exact,
                                        workers, split)
            except RowsNotMarked as why:
                split = False
                whole_lists = Problem(f"theme '{theme.name}': {why}, so the contents and "
                                      "the sources appendix are each laid out whole (slow, "
                                      "and memory-hungry, for a long book)", warning=True)
                continue
            except OnePieceNeeded as why:
                if len(chunks) == 1:
                    raise GuideError(f"theme '{theme.name}': furniture.html does not match "
                                     "the pages of the book") from None
                one_piece = Problem(f"theme '{theme.name}': {why}, {ONE_PIECE}", warning=True)
                chunks = [whole_book(book)]
                continue
            if isinstance(result, RenderedPdf):
                said = [notice for notice in (one_piece, whole_lists) if notice]
                if said:
                    result = replace(result, warnings=[*said, *result.warnings])
                return result
            exact = exact and result > digits  # after narrowing once, wider slots will do
            digits = result


def _render_chunks(book: Book, theme: Theme, root: Path, scratch: Path, chunks: list[Chunk],
                   digits: int, exact: bool, workers: Workers, split: bool) -> RenderedPdf | int:
    """The book, or the number of digits its page numbers need when the slots laid out for
    them were too narrow (or, if `exact` and the book is short, wider than needed). With
    `split`, a long contents or sources appendix is laid out in pieces (`long_lists`)."""
    chunks, texts, slots, kept = _lay_out(book, theme, root, chunks, digits, workers, split)
    if None in kept:
        if len(chunks) == 1:
            raise GuideError(f"theme '{theme.name}': the book could not be laid out")
        raise OnePieceNeeded("an article or part does not start a new page")
    firsts = [1 + sum(kept[:i]) for i in range(len(chunks))]
    total = sum(kept)
    needed = len(str(total))
    if needed > digits or (exact and needed < digits and total < EXACT_SLOTS_BELOW):
        return needed
    placed = [ChunkPages(chunk, text, refs, first, n) for chunk, text, refs, first, n
              in zip(chunks, texts, slots, firsts, kept)]
    pages_of = _pages_of(placed)
    groups = group_pages(placed, min(FURNITURE_PAGES, max(MIN_FURNITURE_PAGES,
                                                          -(-total // FURNITURE_SHARES))),
                         FURNITURE_SLOTS)
    furniture_jobs, leads = [], []
    for group in groups:
        pages, lead = furniture_pages(group, pages_of)
        furniture_jobs.append(layout_job(furniture_html(theme, book, pages), book, theme, root,
                                         furniture_css(group[0].first, lead), merged=True))
        leads.append(lead)
    furniture = workers.run(furniture_jobs, [()] * len(groups), "page furniture",
                            [sum(c.kept for c in group) for group in groups])
    workers.close()  # before the merge, the most memory-hungry step of this process
    for group, over, lead in zip(groups, furniture, leads):
        check_furniture(theme, group, over, lead)
    file = scratch_file(scratch, ".pdf")
    merged = merge(placed, [Furniture(over, group[0].first, lead, sum(c.kept for c in group))
                            for group, over, lead in zip(groups, furniture, leads)], file)
    warnings = [w for laid_out in (*texts, *furniture) for w in laid_out.warnings]
    warnings += [Problem(f"WeasyPrint: No anchor #{name} for internal URI reference", warning=True)
                 for name in merged.missing_anchors]
    warnings += merged.warnings
    front = pages_of.get(COPYRIGHT_PAGE, 1) - 1
    laid_out = [page for placed_chunk in placed for page in placed_chunk.text.pages[:placed_chunk.kept]]
    bare = tuple(i for i, page in enumerate(laid_out) if page.blank or page.name == "cover")
    return RenderedPdf(file, total, front, list(dict.fromkeys(warnings)), bare)


def _lay_out(book: Book, theme: Theme, root: Path, chunks: list[Chunk], digits: int,
             workers: Workers, split: bool,
             ) -> tuple[list[Chunk], list[LaidOut], list[PageRefs], list[int | None]]:
    """Every chunk laid out: the chunks (with the pieces of long lists), their layouts and
    page-number slots, and how many of each one's pages are the book's (None when a chunk
    did not end as it should)."""
    pieces = [[chunk] for chunk in (first_pieces(book, chunks) if split else chunks)]
    laid: dict[tuple[int, int], tuple[LaidOut, PageRefs]] = {}
    kept: dict[tuple[int, int], int | None] = {}
    todo = [(at, 0) for at in range(len(chunks))]
    while todo:
        jobs, slots, pages = [], [], []
        for at, n in todo:  # each chunk's HTML kept only in its job, compressed
            html, refs = chunk_html(theme, book, pieces[at][n], digits, qr_placeholder)
            jobs.append(layout_job(html, book, theme, root, WITHOUT_FURNITURE, merged=True))
            slots.append(refs)
            pages.append(len(html) // HTML_PER_PAGE)
        images = [tuple(root / "articles" / image for item in pieces[at][n].items if item.chapter
                        for image in item.chapter.article.images) for at, n in todo]
        texts = workers.run(jobs, images, "contents, sources" if laid else "layout", pages)
        following = []
        for (at, n), refs, text in zip(todo, slots, texts):
            whole = text.with_facts()  # put aside on disk by `workers`: one chunk's, for now
            if (after := next_piece(book, pieces[at][n], whole, chunks[at].next)) is not None:
                pieces[at].append(after[0])
                kept[at, n] = after[1]
                following.append((at, n + 1))
            else:
                kept[at, n] = _kept(pieces[at][n], whole)
            laid[at, n] = text, refs
        todo = following
    keys = [(at, n) for at in range(len(pieces)) for n in range(len(pieces[at]))]
    return ([pieces[at][n] for at, n in keys], [laid[key][0] for key in keys],
            [laid[key][1] for key in keys], [kept[key] for key in keys])


def _pages_of(placed: list[ChunkPages]) -> dict[str, int]:
    """The page number of each anchor a page-number slot shows, and of the copyright page."""
    shown = {anchor for chunk in placed for anchor, _ in chunk.refs.slots.values()}
    shown.add(COPYRIGHT_PAGE)
    return {name: page + 1 for name, (page, _, _) in book_anchors(placed, shown).items()}


_ACROSS_PAGES = re.compile(r"(target-(?:counter|counters|text))\s*\(")
ONE_PIECE = "so the book is laid out in one piece, on one core (slow for a big book)"


def _refers_across_pages(stylesheets: tuple[Path, ...]) -> Problem | None:
    """Whether the theme's CSS itself looks up other elements' pages or text (target-counter,
    ...): a chunk cannot see the others, so such a theme is laid out in one piece. The warning
    that says so names the first place it does."""
    for path in stylesheets:
        text = path.read_text(encoding="utf-8")
        if found := _ACROSS_PAGES.search(text):
            return Problem(f"the theme's CSS uses {found.group(1)}(), {ONE_PIECE}",
                           path, text.count("\n", 0, found.start()) + 1, warning=True)
    return None


def _kept(chunk: Chunk, text: LaidOut) -> int | None:
    """How many of a chunk's pages are the book's: all but the one that the next chunk's
    opening made (None when it did not make a page of its own)."""
    if chunk.next is None:
        return len(text.pages)
    page, (_, y1, _, _) = text.anchors.get(CHUNK_END, (-1, (0, 0, 0, 0)))
    if page != len(text.pages) - 1 or page == 0 or abs(y1 - text.pages[page].area[1]) > 0.01:
        return None
    return page
