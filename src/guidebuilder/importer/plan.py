"""Where each read page goes, and what its related titles become, decided for the whole batch
before anything is written: a page may name an article imported later in the same run."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GuideError
from ..slugs import article_slug, pinyin_slug
from .library import Library
from .page import Page


@dataclass(frozen=True)
class Placement:
    page: Page
    path: Path
    new_folder: bool  # the category folder is created by this import: it needs a _category.yml


@dataclass(frozen=True)
class DroppedRelated:
    title: str
    line: int | None
    why: str


@dataclass(frozen=True)
class RelatedPlan:
    entries: tuple[Any, ...]  # as written: a source_url, a slug, {title, url}, or {title}
    dropped: tuple[DroppedRelated, ...]
    waiting: tuple[DroppedRelated, ...] = ()  # kept by title only: no article has it yet


class Taken:
    """What this batch's pages have been given so far: paths, slugs, and the articles
    themselves (by title and category, so that an HTML page and a text capture of the same
    article are written once)."""

    def __init__(self) -> None:
        self.paths: dict[Path, str] = {}
        self.slugs: dict[str, str] = {}
        self.articles: dict[tuple[str, str], str] = {}

    def add(self, path: Path, page: Page) -> None:
        self.paths[path] = page.source
        self.slugs.setdefault(path.stem, page.source)
        self.articles.setdefault(_same_article_key(page), page.source)


def _same_article_key(page: Page) -> tuple[str, str]:
    return re.sub(r"\s+", "", page.title or ""), page.category or ""


def place(page: Page, library: Library, taken: Taken) -> Placement:
    """The file for `page`, given what the batch's earlier pages have taken."""
    if not page.title:
        raise GuideError(f"no recognisable title: {page.why_no_title or 'none found'}; "
                         "the page is skipped")
    if not page.category:
        raise GuideError("no category found (in the breadcrumb or the byline); give it with "
                         "--category NAME; the page is skipped")
    if not page.body:
        raise GuideError("no article text found under the title; the page is skipped")
    existing = library.by_source_url(page.source_url) if page.source_url else None
    if existing is not None:
        path = existing.path
    else:
        folder = library.folders.get(page.category)
        if folder is None:
            folder = pinyin_slug(page.category) or "category"
            if (library.into / folder).exists() or folder in library.created:
                raise GuideError(f"the category '{page.category}' would need the folder "
                                 f"{folder}/, which holds another category; the page is skipped")
            library.folders[page.category] = folder
            library.created.add(folder)
        slug = article_slug(page.source_url, page.title) or _fallback_slug(page)
        path = library.into / folder / f"{slug}.md"
        holder = library.at(path)
        if holder is not None and holder.source_url and holder.source_url != page.source_url:
            raise GuideError(f"{path.name} in {folder}/ already holds another article "
                             f"({holder.source_url}); the page is skipped")
        same_slug = [p for p in library.with_slug(path.stem) if p != path]
        if same_slug:
            raise GuideError(f"the slug '{path.stem}' is taken by {same_slug[0]}; the page is skipped")
    if path in taken.paths:
        raise GuideError(f"the same article as {taken.paths[path]}, imported just before; "
                         "the page is skipped")
    if other := taken.articles.get(_same_article_key(page)):
        raise GuideError(f"the same article (same title and category) as {other}, imported "
                         "just before; the page is skipped")
    if other := taken.slugs.get(path.stem):
        raise GuideError(f"the slug '{path.stem}' is taken by {other}, imported just before; "
                         "the page is skipped")
    taken.add(path, page)
    return Placement(page, path, path.parent.name in library.created)


class RelatedIndex:
    """Every article the related titles may name: those already there and this batch's."""

    def __init__(self, library: Library, placements: list[Placement]) -> None:
        self.by_title: dict[str, dict[Path, str]] = {}  # title -> {path: key to write}
        self.urls: set[str] = set()
        imported = {p.path for p in placements}
        for article in library.articles:
            if article.path in imported:
                continue  # this import replaces it
            if article.title:
                self._add(article.title, article.path, article.source_url or article.slug)
            if article.source_url:
                self.urls.add(article.source_url)
        for placement in placements:
            page = placement.page
            self._add(page.title, placement.path, page.source_url or placement.path.stem)
            if page.source_url:
                self.urls.add(page.source_url)

    def _add(self, title: str, path: Path, key: str) -> None:
        self.by_title.setdefault(title, {})[path] = key

    def resolve(self, placement: Placement) -> RelatedPlan:
        page = placement.page
        own = {page.source_url, placement.path.stem}
        entries: list[Any] = []
        dropped: list[DroppedRelated] = []
        kept: list[DroppedRelated] = []
        for related in page.related:
            matches = self.by_title.get(related.title, {})
            if related.url and related.url in self.urls:
                key = related.url
            elif len(matches) == 1:
                key = next(iter(matches.values()))
            elif related.url:
                entries.append({"title": related.title, "url": related.url})
                continue
            elif not matches:  # kept: it links once that article is imported
                entries.append({"title": related.title})
                kept.append(DroppedRelated(related.title, related.line, "matches no article yet"))
                continue
            else:
                why = f"matches {len(matches)} articles by title"
                dropped.append(DroppedRelated(related.title, related.line, why))
                continue
            if key in own:
                dropped.append(DroppedRelated(related.title, related.line, "is this article itself"))
            elif key not in entries:
                entries.append(key)
        return RelatedPlan(tuple(entries), tuple(dropped), tuple(kept))


def _fallback_slug(page: Page) -> str:
    """For a title with nothing to spell in pinyin (only punctuation): never `.md`."""
    seed = page.source_url or f"{page.source}:{page.title}"
    return f"article-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"
