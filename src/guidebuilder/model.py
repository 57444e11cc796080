"""The data model, in one place: what was read (articles, categories, guides) and what was
assembled from it (the book). Frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from .render.contract import ARTICLE_ID, PART_ID
from .keys import Key, KeySet, Kind
from .packed_text import pack, unpack


@dataclass(frozen=True)
class PageSize:
    name: str
    width_mm: float
    height_mm: float
    chars_per_page: int  # of article text, roughly: to estimate a book's page count


PAGE_SIZES = {size.name: size for size in (
    PageSize("A4", 210, 297, 1100),
    PageSize("A5", 148, 210, 500),
    PageSize("Letter", 215.9, 279.4, 1050),
)}


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


ARTICLE_KEYS = KeySet(
    "article",
    Key("title", Kind.TEXT, "the article's title", required="is missing or empty"),
    Key("author", Kind.TEXT, "printed under the title"),
    Key("date", Kind.DATE, "first published"),
    Key("updated", Kind.DATE, "last updated (printed as 更新于)"),
    Key("summary", Kind.TEXT, "one sentence, printed under the title"),
    Key("tags", Kind.TEXTS, "words a guide can select articles by", default=()),
    Key("source_url", Kind.TEXT, "the permalink, printed with a QR code after the article"),
    Key("copyright", Kind.TEXT, "the article's notice (else the guide's)"),
    Key("origin", Kind.TEXT, "`original` or `reprint`", default="original"),
    Key("reprinted_from", Kind.LINK, "a reprint's original: {title: ..., url: ...}"),
    Key("related", Kind.RELATED, "articles by source_url, slug or title, or {title, url}",
        default=()),
    Key("category", Kind.TEXT, "the category's name, when not the folder's"),
    Key("imported_from", Kind.TEXT, "the saved page an import read (written by the import)",
        field=""),
    Key("import_hash", Kind.TEXT, "what the import wrote, so a re-import keeps edits",
        field=""),
)


@dataclass(frozen=True)
class Article:
    path: Path
    slug: str
    category: str
    title: str
    packed_body: bytes = field(repr=False)
    """The body's HTML, packed (`body_html`, `with_body`): the bodies are most of the model,
    which a build holds while it lays out the whole book; packed, they take about half the
    memory on real articles, a quarter on the bench corpus."""
    author: str | None = None
    date: dt.date | None = None
    updated: dt.date | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    source_url: str | None = None
    copyright: str | None = None
    origin: str = ARTICLE_KEYS.default("origin")
    reprinted_from: Link | None = None
    related: tuple[RelatedRef, ...] = ()
    images: tuple[str, ...] = ()
    sha256: str = ""  # of the source file's bytes, for the build manifest
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def body_html(self) -> str:
        return unpack(self.packed_body)

    def with_body(self, html: str) -> Article:
        return replace(self, packed_body=pack(html))

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


EDITION_KEYS = KeySet(
    "edition",
    Key("client", Kind.TEXT, "who the edition is for", required="is missing or empty",
        field="name"),
    Key("slug", Kind.TEXT, "file name part (ASCII): `build/<guide>-<slug>.pdf`; default: the "
        "pinyin of the client (in `clients/`, the file name)", field="slug"),
    Key("id", Kind.TEXT, "the edition id, in the PDF and EPUB metadata; default: "
        "`<guide>-<slug>`", field="edition_id"),
    Key("lawyer", Kind.TEXT, "by whom, on the cover and title page"),
    Key("contact", Kind.TEXT, "how to reach them, on the title page and every page's foot"),
    Key("watermark", Kind.TEXT, "a light diagonal watermark on every page"),
    Key("guides", Kind.TEXTS, "in `clients/` only: the guides it is made of; default: every "
        "guide", field=""),
)


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


GUIDE_KEYS = KeySet(
    "guide",
    Key("title", Kind.TEXT, "the book's title", required="is missing or empty"),
    Key("subtitle", Kind.TEXT, "under the title"),
    Key("publisher", Kind.TEXT, "the firm"),
    Key("author", Kind.TEXT, "the book's author"),
    Key("language", Kind.LANGUAGE, "the book's language", default="zh-CN"),
    Key("edition", Kind.TEXT, "e.g. 2026年第1版"),
    Key("date", Kind.DATE, "information current as of"),
    Key("categories", Kind.TEXTS, "the parts, in order (category names or folder names)",
        default=(), required="must list the guide's parts, e.g. [信用卡, 金融债务]"),
    Key("tags", Kind.TEXTS, "only articles with one of these tags", default=()),
    Key("since", Kind.DATE, "only articles dated from this day"),
    Key("until", Kind.DATE, "only articles dated up to this day"),
    Key("include", Kind.TEXTS, "slugs or URLs added even if the filters leave them out",
        default=()),
    Key("exclude", Kind.TEXTS, "slugs or URLs left out", default=()),
    Key("theme", Kind.THEME, "a theme's name: `themes/<name>` or a built-in theme",
        default="default"),
    Key("page_size", Kind.PAGE_SIZE, f"one of {', '.join(PAGE_SIZES)}", default="A5"),
    Key("copyright", Kind.RIGHTS, "the notice after articles without their own, or "
        "{notice, rights, reprint_notice}", default=Rights()),
    Key("require_source_url", Kind.SWITCH, "true: an article without source_url is an error, "
        "not a warning", default=False),
    Key("normalize_punctuation", Kind.SWITCH, "false: punctuation printed as the articles have "
        "it; default: as the theme says"),
    Key("disclaimer", Kind.TEXT, "printed on the copyright page"),
    Key("cover", Kind.PATH, "the e-book's cover image (PNG or JPEG), a path from the project "
        "folder"),
    Key("print_mode", Kind.SWITCH, "true: parts open on right-hand pages, 3 mm bleed and crop "
        "marks", default=False),
    Key("stale_after_months", Kind.MONTHS, "`check` warns about articles not updated for this "
        "long before the guide's date"),
    Key("editions", Kind.EDITIONS, "client editions: mappings of the edition keys below",
        default=()),
)


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
    language: str = GUIDE_KEYS.default("language")
    edition: str | None = None
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    theme: str = GUIDE_KEYS.default("theme")
    page_size: str = GUIDE_KEYS.default("page_size")
    copyright: Rights = GUIDE_KEYS.default("copyright")
    disclaimer: str | None = None
    cover: Path | None = None
    print_mode: bool = GUIDE_KEYS.default("print_mode")
    stale_after_months: int | None = None
    normalize_punctuation: bool | None = None  # None: as the theme says
    require_source_url: bool = GUIDE_KEYS.default("require_source_url")
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

    def with_bodies(self, change: Callable[[str], str]) -> Book:
        """The book with `change` applied to every article's body HTML (an article whose body
        it leaves as it was stays the same object)."""
        def changed(chapter: Chapter) -> Chapter:
            body = chapter.article.body_html
            new = change(body)
            return chapter if new == body else replace(chapter,
                                                       article=chapter.article.with_body(new))

        return replace(self, parts=tuple(
            replace(part, chapters=tuple(changed(chapter) for chapter in part.chapters))
            for part in self.parts))

    @property
    def keywords(self) -> tuple[str, ...]:
        seen: dict[str, None] = {p.category.name: None for p in self.parts}
        for chapter in self.chapters:
            seen.update(dict.fromkeys(chapter.article.tags))
        return tuple(seen)
