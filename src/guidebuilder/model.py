"""The data model, in one place: what was read (articles, categories, guides) and what was
assembled from it (the book). Frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .render.contract import ARTICLE_ID, PART_ID


@dataclass(frozen=True)
class Link:
    """A title and a URL: a reprint's original, or a related article outside the corpus."""

    title: str
    url: str | None = None


@dataclass(frozen=True)
class RelatedRef:
    """One `related:` entry as written: a key (source_url, slug or title) or an external link."""

    line: int | None
    key: str | None = None
    link: Link | None = None
    # `{title: ...}` without a url: an article not imported yet; it links once it is, and
    # until then it is not printed
    pending: bool = False


@dataclass(frozen=True)
class Category:
    """A folder of articles. Its name comes from `_category.yml` or, failing that, the folder."""

    name: str
    folder: str
    description: str | None = None


@dataclass(frozen=True)
class Article:
    path: Path
    slug: str
    category: str
    title: str
    body_html: str
    author: str | None = None
    date: dt.date | None = None
    updated: dt.date | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    source_url: str | None = None
    copyright: str | None = None
    origin: str = "original"
    reprinted_from: Link | None = None
    related: tuple[RelatedRef, ...] = ()
    images: tuple[str, ...] = ()
    sha256: str = ""  # of the source file's bytes, for the build manifest
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        """The id of the article's opening in an assembled book (unique: slugs are unique)."""
        return ARTICLE_ID.format(slug=self.slug)

    @property
    def is_reprint(self) -> bool:
        return self.origin == "reprint"


@dataclass(frozen=True)
class Unread:
    """An article file that could not be read. Kept so that its errors are reported once,
    not again as a related entry or a category that seem to match nothing."""

    path: Path
    category: str
    keys: frozenset[str]


@dataclass(frozen=True)
class Corpus:
    """Every article and category of a project, in a stable order."""

    root: Path
    categories: tuple[Category, ...]
    articles: tuple[Article, ...]
    unread: tuple[Unread, ...] = ()

    def in_category(self, name: str) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.category == name)


@dataclass(frozen=True)
class Rights:
    notice: str | None = None  # after an article without a notice of its own
    rights: str | None = None  # the book's rights line
    reprint_notice: str | None = None  # after a reprint without a notice of its own


@dataclass(frozen=True)
class Edition:
    """A client edition of a guide: who it is prepared for, by whom, and how it is marked."""

    slug: str
    name: str  # the client
    edition_id: str
    lawyer: str | None = None
    contact: str | None = None
    watermark: str | None = None
    source: Path | None = field(default=None, compare=False)  # where it was defined
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Guide:
    """A guide definition (`guides/<name>.yml`), validated."""

    name: str
    path: Path
    title: str
    categories: tuple[str, ...]
    subtitle: str | None = None
    publisher: str | None = None
    author: str | None = None
    language: str = "zh-CN"
    edition: str | None = None
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    theme: str = "default"
    page_size: str = "A5"
    copyright: Rights = Rights()
    disclaimer: str | None = None
    cover: Path | None = None
    print_mode: bool = False
    stale_after_months: int | None = None
    normalize_punctuation: bool | None = None  # None: as the theme says
    require_source_url: bool = False
    editions: tuple[Edition, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)

    def line(self, key: str, index: int | None = None) -> int | None:
        """The line of a key (or of item `index` of a list) in the guide file."""
        return self.lines.get(f"{key}.{index}") or self.lines.get(key)

    def client_edition(self, slug: str) -> Edition | None:
        return next((e for e in self.editions if e.slug == slug), None)


@dataclass(frozen=True)
class RelatedLink:
    """A related article as the reader sees it: in this book (`target`), or a title and URL."""

    title: str
    url: str | None = None
    target: Article | None = None


@dataclass(frozen=True)
class Chapter:
    article: Article
    related: tuple[RelatedLink, ...]
    copyright: str | None


@dataclass(frozen=True)
class Part:
    category: Category
    chapters: tuple[Chapter, ...]

    @property
    def anchor(self) -> str:
        return PART_ID.format(folder=self.category.folder)


@dataclass(frozen=True)
class Book:
    """One guide, assembled: its parts in order, every cross-reference resolved."""

    guide: Guide
    parts: tuple[Part, ...]

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(c for p in self.parts for c in p.chapters)

    @property
    def keywords(self) -> tuple[str, ...]:
        seen: dict[str, None] = {p.category.name: None for p in self.parts}
        for chapter in self.chapters:
            seen.update(dict.fromkeys(chapter.article.tags))
        return tuple(seen)
