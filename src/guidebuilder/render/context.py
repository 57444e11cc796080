"""The book as HTML through the theme's Jinja2 templates; shared by every renderer."""

from __future__ import annotations

import html
import re

from ..model import Article, Book
from ..theme import Theme
from . import book_lists, contract
from .typeset import normalizes_punctuation, typeset_html

_TAG = re.compile(r"<[^>]+>")


def subject(book: Book) -> str:
    """What the book is about, for metadata: its subtitle, or its parts."""
    return book.guide.subtitle or "、".join(p.category.name for p in book.parts)


def same_document_link(article: Article) -> str:
    """Where a cross-reference points when the whole book is one HTML document (the PDF)."""
    return f"#{article.anchor}"


def no_page_numbers(anchor: str, style: str) -> str:
    return ""


def render_template(theme: Theme, template: str, book: Book, **extra) -> str:
    """Render a theme template with the context every template can rely on:
    book, guide, subject, options, link_to(article) for cross-references, and qr(url), which
    gives an inline SVG QR code where the format has one (print) and is None elsewhere, and
    client, the client Edition the book is prepared for (None for the firm's own edition), and
    page_ref(anchor, style), the slot of the page number of `anchor` in a printed book (an
    empty string where pages have no numbers), and contract, the ids and classes guidebuilder
    relies on (`contract.COPYRIGHT_PAGE`, ...: render/contract.py), and contents and
    sources, the rows of the contents and of the sources appendix to show (all of them, but
    for a piece of a long list: render/book_lists.py).

    The result is set as Chinese text (`typeset`): punctuation, spacing, kept-together
    paragraph ends, compressed adjacent marks."""
    context = dict(book=book, guide=book.guide, subject=subject(book), options=theme.options,
                   link_to=same_document_link, qr=None, client=None, page_ref=no_page_numbers,
                   contract=contract.NAMES, contents=book_lists.contents(book),
                   sources=book_lists.sources(book))
    context.update(extra)
    return typeset_html(theme.render(template, **context),
                        normalize=normalizes_punctuation(book.guide, theme))


def visible_text(markup: str) -> str:
    """The text a reader sees in an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", markup))
