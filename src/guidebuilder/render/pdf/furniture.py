"""Page furniture: the running headers, the page numbers, and the page numbers in the contents
and cross-references, for a run of laid-out pages whose place in the book is now known.

It is laid out by WeasyPrint with the theme's own @page rules, from the theme's
furniture.html: one empty block per page, in the same named page, on the same side, so the
theme's margin boxes come out exactly as in a book laid out in one piece. The result is drawn
over the chunk's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import GuideError
from ...model import Book, Chapter, Part
from ...theme import Theme
from .chunks import Chunk, PageRefs
from ..context import render_template
from ..contract import PAGE_REF

if TYPE_CHECKING:
    from ..layout_job import LaidOut

MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "right-top", "right-middle", "right-bottom", "bottom-right-corner",
                "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner",
                "left-bottom", "left-middle", "left-top")

WITHOUT_FURNITURE = ("@page { %s }\n.%s { color: transparent !important; }\n"
                     % (" ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES),
                        PAGE_REF))
"""Added to a chunk's stylesheets: its pages carry the text only."""

FURNITURE_ONLY = ("@page { background: none !important; marks: none !important; }\n"
                  "html, body { background: none !important; }\n")
"""Added to the furniture's stylesheets: nothing that the text pages already draw."""


@dataclass(frozen=True)
class Ref:
    style: str
    left: float
    top: float
    width: float
    number: int


@dataclass(frozen=True)
class FurniturePage:
    """What furniture.html needs to know about one page."""

    name: str
    break_before: str
    section: str  # "front", "part", "article" or "appendix"
    part: Part | None = None
    chapter: Chapter | None = None
    refs: tuple[Ref, ...] = ()
    opens: bool = False  # a part, an article or the appendix starts on this page


class OnePieceNeeded(Exception):
    """The theme's pages cannot be laid out in chunks: an article does not start a new page,
    or left and right pages have different page areas (a chunk laid out from a right-hand page
    cannot be used where the book puts it on a left-hand page). Its message says which."""


@dataclass(frozen=True)
class ChunkPages:
    """A laid-out chunk at its place in the book."""

    chunk: Chunk
    text: LaidOut
    refs: PageRefs
    first: int  # the book's page number of its first page, from 1
    kept: int  # how many of its pages are the book's


def group_pages(placed: list[ChunkPages], size: int, slots: int) -> list[list[ChunkPages]]:
    """Consecutive chunks in groups of about `size` pages or `slots` page-number slots,
    whichever comes first, one furniture document each."""
    groups: list[list[ChunkPages]] = [[]]
    for chunk in placed:
        group = groups[-1]
        if group and (sum(c.kept for c in group) >= size
                      or sum(len(c.refs.slots) for c in group) >= slots):
            groups.append([])
        groups[-1].append(chunk)
    return groups


def furniture_pages(group: list[ChunkPages], pages_of: dict[str, int]) -> tuple[list[FurniturePage], int]:
    """The furniture of consecutive chunks, and how many leading pages of it to drop (they
    only put the first page on its side: WeasyPrint starts every document on the right)."""
    first = group[0].first
    lead = 0 if first == 1 else (1 if first % 2 == 0 else 2)
    result = [FurniturePage("", "auto", "front")] if lead else []
    previous_blank = False
    for placed in group:
        text = placed.text.with_facts()
        # (page, what it is in, whether it opens there): a piece of a long appendix after
        # the first goes on from its first page
        where = [(0, FurniturePage("", "", item.kind), False) if item.rows and item.rows.continued
                 else (text.anchors[item.anchor][0],
                       FurniturePage("", "", item.kind, item.part,
                                     item.chapter if item.kind == "article" else None), True)
                 for item in placed.chunk.items]
        slots: dict[int, list[Ref]] = {}
        for slot, (anchor, style) in placed.refs.slots.items():
            page, (x1, y1, x2, _) = text.anchors[slot]
            area_x, area_y = text.pages[page].area
            slots.setdefault(page, []).append(
                Ref(style, round(x1 - area_x, 3), round(y1 - area_y, 3), round(x2 - x1, 3),
                    pages_of[anchor]))
        current = FurniturePage("", "", "front")
        for index in range(placed.kept):
            opens = False
            while where and where[0][0] <= index:
                opens = opens or (where[0][0] == index and where[0][2])
                current = where.pop(0)[1]
            if text.pages[index].blank:
                previous_blank = True
                continue
            number = placed.first + index
            if number == first:
                breaking = "right" if lead == 2 else ("page" if lead else "auto")
            elif previous_blank:
                breaking = "right" if number % 2 else "left"
            else:
                breaking = "page"
            previous_blank = False
            result.append(FurniturePage(text.pages[index].name, breaking, current.section,
                                        current.part, current.chapter, tuple(slots.get(index, ())),
                                        opens))
    if previous_blank:  # a blank page is made only by what follows it
        number = group[-1].first + group[-1].kept
        result.append(FurniturePage("", "right" if number % 2 else "left", "front"))
    return result, lead


def furniture_html(theme: Theme, book: Book, pages: list[FurniturePage]) -> str:
    return render_template(theme, "furniture.html", book, pages=pages)


def furniture_css(first: int, lead: int) -> str:
    return FURNITURE_ONLY + f"@page :first {{ counter-reset: page {first - lead}; }}\n"


def check_furniture(theme: Theme, group: list[ChunkPages], furniture: LaidOut, lead: int) -> None:
    """The furniture must have one page over each page of the text, of the same kind."""
    text_pages = [page for placed in group for page in placed.text.pages[:placed.kept]]
    over = furniture.pages[lead:lead + len(text_pages)]
    if len(over) != len(text_pages) or len(furniture.pages) > lead + len(text_pages) + 1:
        raise GuideError(f"theme '{theme.name}': furniture.html made {len(furniture.pages) - lead} "
                         f"pages for {len(text_pages)} pages of text: it must make one "
                         "block per page, as the built-in theme's does")
    for text, page in zip(text_pages, over):
        if (text.name, text.blank) != (page.name, page.blank):
            raise GuideError(f"theme '{theme.name}': furniture.html does not follow the "
                             "named pages of the text: keep its `page:` and `break-before:`")
        if text.area != page.area:
            raise OnePieceNeeded("its left- and right-hand pages have different page areas")
