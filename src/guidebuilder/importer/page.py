"""What one saved page holds, once read: the article's fields, its body as blocks, and the
problems found on the way (each with the line of the saved file it was found on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FIELDS = ("title", "category", "author", "date", "source_url", "copyright", "related")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    markdown: str


@dataclass(frozen=True)
class ItemList:
    items: tuple[str, ...]  # inline Markdown, one per item
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Quote:
    markdown: str


Block = Heading | Paragraph | ItemList | Table | Quote


@dataclass(frozen=True)
class RelatedTitle:
    """A related article as the page lists it: a title, and a URL only where the page gives one."""

    title: str
    url: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Note:
    """Something the user should know about a page: damage, a field left out and why."""

    message: str
    line: int | None = None


@dataclass(frozen=True)
class Page:
    source: str  # the saved file's name, as `imported_from` records it
    kind: str  # "html" or "text"
    encoding: str
    profile: str = "generic"  # the CMS profile that read it (profiles.py)
    title: str | None = None
    category: str | None = None
    author: str | None = None
    date: dt.date | None = None
    source_url: str | None = None
    copyright: str | None = None
    related: tuple[RelatedTitle, ...] = ()
    body: tuple[Block, ...] = ()
    notes: tuple[Note, ...] = ()
    why_no_title: str | None = None  # what stood where the title should be, when it is not one
    images: tuple[str, ...] = ()  # a fetched page's article images, as the body links them

    def found(self) -> tuple[str, ...]:
        return tuple(name for name in FIELDS if getattr(self, name))

    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in FIELDS if not getattr(self, name))
