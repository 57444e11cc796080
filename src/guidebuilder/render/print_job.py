"""A WeasyPrint layout job for a guide: the theme's print stylesheets at the guide's page size,
URLs made breakable, and a fetcher confined to the articles and the theme's folders. Used for
the book's pages and for the short documents laid out alone (a cover, an edition's pages)."""

from __future__ import annotations

from pathlib import Path

from ..model import Book
from ..theme import Theme
from .layout_job import LaidOut, LayoutJob
from .typeset import breakable_urls


def print_stylesheets(book: Book, theme: Theme, print_mode: bool | None = None) -> tuple[Path, ...]:
    """The theme's print stylesheets for a guide: `print.css`, then the page size's own
    (`print-a5.css`, ...), then `print-mode.css` for a print shop."""
    stylesheets = theme.stylesheets("print") + theme.stylesheets(f"print-{book.guide.page_size.lower()}")
    if book.guide.print_mode if print_mode is None else print_mode:
        stylesheets += theme.stylesheets("print-mode")
    return tuple(stylesheets)


def layout_job(html: str, book: Book, theme: Theme, root: Path, extra_css: str,
               print_mode: bool | None = None, identity: str = "guidebuilder",
               merged: bool = False) -> LayoutJob:
    return LayoutJob.of(breakable_urls(html), print_stylesheets(book, theme, print_mode),
                     f"@page {{ size: {book.guide.page_size}; }}\n{extra_css}",
                     (root / "articles").as_uri() + "/",
                     (root / "articles", *theme.folders), identity, merged)


def lay_out_alone(html: str, book: Book, theme: Theme, root: Path, identity: str, *,
                  print_mode: bool | None = None) -> LaidOut:
    """Lay out a short document in one piece (a cover, an edition's own pages) with the
    theme's print stylesheets at the guide's page size."""
    from .layout import lay_out

    return lay_out(layout_job(html, book, theme, root, "", print_mode, identity))
