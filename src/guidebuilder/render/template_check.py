"""Every template a build renders, rendered once before anything is laid out: a template error
or a sandbox violation in a theme is found by `check`, not half-way through a build.

(`book.html`, which includes the partials the e-book uses too, is rendered by the glyph check.)
"""

from __future__ import annotations

from ..model import Book, Edition
from ..theme import Theme
from .context import render_template
from .pdf.furniture import FurniturePage, furniture_html


def check_templates(book: Book, theme: Theme, clients: list[Edition | None]) -> None:
    """Raise the first template error of the furniture, cover and edition templates."""
    part = book.parts[0] if book.parts else None
    chapter = part.chapters[0] if part and part.chapters else None
    furniture_html(theme, book, [FurniturePage("", "page", "article", part, chapter),
                                 FurniturePage("", "page", "article", part, chapter, opens=True)])
    for client in clients:
        render_template(theme, "cover_page.html", book, client=client)
        if client is not None:
            render_template(theme, "edition_pages.html", book, client=client,
                            watermark_image=None, edition_line_size=6)
