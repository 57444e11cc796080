"""The book as HTML through the theme's Jinja2 templates; shared by every renderer."""

from __future__ import annotations

import html
import re

from ..model import Book
from ..theme import Theme

_TAG = re.compile(r"<[^>]+>")


def subject(book: Book) -> str:
    """What the book is about, for metadata: its subtitle, or its parts."""
    return book.guide.subtitle or "、".join(p.category.name for p in book.parts)


def render_template(theme: Theme, template: str, book: Book, **extra) -> str:
    return theme.render(template, book=book, guide=book.guide, subject=subject(book),
                        options=theme.options, **extra)


def visible_text(markup: str) -> str:
    """The text a reader sees in an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", markup))
