"""Every character a guide will print must be in the theme's fonts: Pango would otherwise
fall back to some other font, or draw a box. Checked before anything is laid out, for the
book, the theme's generated text and every client edition."""

from __future__ import annotations

import re

from .. import fonts
from ..errors import GuideError, Problem
from ..locate import line_containing
from ..model import Book, Edition
from ..theme import Theme
from .pdf.chunks import chunk_html, whole_book
from .context import visible_text
from .typeset import FULL_WIDTH_FORMS, normalizes_punctuation

_CSS_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def _chars(chars: list[str]) -> str:
    return "characters " + ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars)


def _printed_characters(book: Book, theme: Theme) -> str:
    """Every character the book prints (and a few it may not): the templates' own text, from
    the book rendered without its article bodies, and the bodies' characters, read from them
    directly: rendering and setting all of their text again only to learn which characters it
    holds was most of a check. Setting the text makes a half-width mark full-width only where
    the guide normalizes punctuation, so the full-width forms are added only then."""
    hollow = book.with_bodies(lambda body: "")
    characters = set(visible_text(chunk_html(theme, hollow, whole_book(hollow), 1)[0]))
    for chapter in book.chapters:
        characters.update(visible_text(chapter.article.body_html))
    if normalizes_punctuation(book.guide, theme):
        characters.update(full for half, full in FULL_WIDTH_FORMS.items() if half in characters)
        if '"' in characters:
            characters.update("“”")
    return "".join(sorted(characters))


def check_text(book: Book, theme: Theme, clients: list[Edition | None]) -> None:
    """Raise one problem per article (and per edition) with characters the fonts lack."""
    stylesheets = theme.stylesheets("print") + theme.stylesheets("epub")
    generated = "".join("".join(m) for css in stylesheets
                        for m in _CSS_STRING.findall(css.read_text(encoding="utf-8")))
    absent = fonts.missing(_printed_characters(book, theme) + generated, theme.fonts)
    in_fonts = f"not in the fonts ({', '.join(theme.fonts)})"
    problems = []
    remaining = set(absent)
    for chapter in book.chapters if absent else ():
        article = chapter.article
        text = " ".join(filter(None, [article.title, article.summary, article.author,
                                      chapter.copyright, visible_text(article.body_html),
                                      *(link.title for link in chapter.related)]))
        here = sorted(c for c in absent if c in text)
        if here:
            remaining -= set(here)
            problems.append(Problem(f"{_chars(here)} {in_fonts}", article.path,
                                    line_containing(article.path, here)))
    if remaining:
        problems.append(Problem(f"{_chars(sorted(remaining))} {in_fonts}, in the guide or "
                                "theme text", book.guide.path,
                                line_containing(book.guide.path, sorted(remaining))))
    for client in clients:
        if client is None:
            continue
        text = " ".join(filter(None, [client.name, client.lawyer, client.contact,
                                      client.edition_id, client.watermark]))
        if lacking := sorted(fonts.missing(text, theme.fonts)):
            problems.append(Problem(f"edition '{client.slug}': {_chars(lacking)} {in_fonts}",
                                    client.source or book.guide.path, client.line))
    if problems:
        raise GuideError(problems)
