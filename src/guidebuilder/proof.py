"""A proof: a guide cut down to a few of its articles, for checking how they print in seconds
instead of building the whole book (`guidebuilder build GUIDE --article SLUG`)."""

from __future__ import annotations

import dataclasses

from .errors import Problems
from .model import Book, Chapter


def proof_book(book: Book, slugs: list[str], problems: Problems) -> Book:
    """The book with only the articles named (by slug, the file name without .md), in book
    order, under their part openers. A cross-reference to an article left out prints as its
    title and URL, as one to an article outside the guide does."""
    wanted = set(slugs)
    present = [c.article.slug for c in book.chapters]
    for slug in dict.fromkeys(slugs):
        if slug not in present:
            shown = ", ".join(present[:8]) + (", ..." if len(present) > 8 else "")
            problems.error(f"guide '{book.guide.name}' has no article '{slug}' (its articles: "
                           f"{shown or 'none'})", book.guide.path)
    parts = []
    for part in book.parts:
        chapters = tuple(_kept_links(c, wanted) for c in part.chapters if c.article.slug in wanted)
        if chapters:
            parts.append(dataclasses.replace(part, chapters=chapters))
    return dataclasses.replace(book, parts=tuple(parts))


def _kept_links(chapter: Chapter, wanted: set[str]) -> Chapter:
    related = tuple(link if link.target is None or link.target.slug in wanted
                    else dataclasses.replace(link, target=None) for link in chapter.related)
    return dataclasses.replace(chapter, related=related)
