"""The articles folder as it is before an import: its category folders and, for each article,
the few keys an import needs (title and source_url to match, import_hash to protect edits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GuideError
from ..frontmatter import parse_yaml_mapping, split
from ..reader import CATEGORY_FILE, read_text


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
    into: Path
    folders: dict[str, str] = field(default_factory=dict)  # category name -> folder name
    created: set[str] = field(default_factory=set)  # folders this import creates
    articles: list[ExistingArticle] = field(default_factory=list)

    def by_source_url(self, url: str) -> ExistingArticle | None:
        return next((a for a in self.articles if a.source_url == url), None)

    def at(self, path: Path) -> ExistingArticle | None:
        return next((a for a in self.articles if a.path == path), None)


def scan(into: Path) -> Library:
    library = Library(into)
    if not into.is_dir():
        return library
    for folder in sorted(p for p in into.iterdir() if p.is_dir() and not p.name.startswith(".")):
        library.folders.setdefault(_category_name(folder), folder.name)
        for path in sorted(folder.glob("*.md")):
            library.articles.append(_article(path))
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
    try:
        data = split(read_text(path), path).meta.data
    except GuideError:
        return ExistingArticle(path, readable=False)

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None

    return ExistingArticle(path, text("title"), text("source_url"), text("import_hash"))
