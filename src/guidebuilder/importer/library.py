"""The articles folder as it is before an import: its category folders and, for each article,
the few keys an import needs (title and source_url to match, import_hash to protect edits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import re

import yaml

from ..errors import GuideError
from ..frontmatter import parse_yaml_mapping
from ..reader import CATEGORY_FILE, read_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
# libyaml when it is there: the import reads only three keys of every article, and a folder
# of 30,000 articles is read in seconds rather than half a minute
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ExistingArticle:
    path: Path
    title: str | None = None
    source_url: str | None = None
    import_hash: str | None = None
    readable: bool = True

    @property
    def slug(self) -> str:
        return self.path.stem


@dataclass
class Library:
    """The articles folder, indexed by what placing a page looks up (source_url, path, slug):
    each look-up is one dict access, so placing N pages against M articles is O(N + M)."""

    into: Path
    folders: dict[str, str] = field(default_factory=dict)  # category name -> folder name
    created: set[str] = field(default_factory=set)  # folders this import creates
    articles: list[ExistingArticle] = field(default_factory=list)
    _by_url: dict[str, ExistingArticle] = field(default_factory=dict, repr=False)
    _by_path: dict[Path, ExistingArticle] = field(default_factory=dict, repr=False)
    _by_slug: dict[str, list[Path]] = field(default_factory=dict, repr=False)

    def add(self, article: ExistingArticle) -> None:
        self.articles.append(article)
        if article.source_url:
            self._by_url.setdefault(article.source_url, article)
        self._by_path[article.path] = article
        self._by_slug.setdefault(article.slug, []).append(article.path)

    def by_source_url(self, url: str) -> ExistingArticle | None:
        return self._by_url.get(url)

    def at(self, path: Path) -> ExistingArticle | None:
        return self._by_path.get(path)

    def with_slug(self, slug: str) -> list[Path]:
        return self._by_slug.get(slug, [])


def scan(into: Path) -> Library:
    library = Library(into)
    if not into.is_dir():
        return library
    for folder in sorted(p for p in into.iterdir() if p.is_dir() and not p.name.startswith(".")):
        library.folders.setdefault(_category_name(folder), folder.name)
        for path in sorted(folder.glob("*.md")):
            library.add(_article(path))
    return library


def _category_name(folder: Path) -> str:
    info = folder / CATEGORY_FILE
    if info.is_file():
        try:
            name = parse_yaml_mapping(read_text(info), info).data.get("name")
            if isinstance(name, str) and name.strip():
                return name.strip()
        except GuideError:
            pass
    return folder.name


def _article(path: Path) -> ExistingArticle:
    """The keys an import needs; `check` reports what else is wrong with the file."""
    try:
        match = _FRONT_MATTER.match(read_text(path))
        data = yaml.load(match.group(1), Loader=_FAST_LOADER) if match else None
    except (GuideError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict):
        return ExistingArticle(path, readable=False)

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None

    return ExistingArticle(path, text("title"), text("source_url"), text("import_hash"))
