"""The one orchestrator: read everything, assemble each guide, render, write outputs safely."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble, check_related
from .config import add_client_editions, guide_paths, read_guide
from .errors import GuideError, Problem, Problems
from .files import write_atomically
from .manifest import manifest
from .model import Book, Corpus, Edition, Guide
from .reader import read_corpus
from .theme import load_theme

log = logging.getLogger("guidebuilder")
FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Project:
    root: Path
    corpus: Corpus
    guides: tuple[Guide, ...]


def load_project(root: Path, problems: Problems) -> Project:
    """Read every article and guide of a project; problems are collected, not raised."""
    corpus = read_corpus(root, problems)
    guides = []
    for path in guide_paths(root):
        guide = read_guide(path, problems)
        if guide is not None:
            guides.append(guide)
    guides = add_client_editions(guides, root, problems)
    return Project(root=root, corpus=corpus, guides=tuple(guides))


def check(root: Path) -> Problems:
    """Validate every article and guide without rendering; every problem found, in one list."""
    problems = Problems()
    project = load_project(root, problems)
    if not guide_paths(root):
        problems.warn(f"no guides in {root / 'guides'}")
    check_related(project.corpus, problems)
    for guide in project.guides:
        guide_problems = Problems()
        assemble(project.corpus, guide, guide_problems)
        try:
            load_theme(guide.theme, root)
        except GuideError as exc:
            guide_problems.extend(exc)
        problems.items.extend(p for p in guide_problems.items if p not in problems.items)
    return problems


def select_guides(project: Project, names: list[str]) -> list[Guide]:
    if not names:
        if not project.guides:
            raise GuideError(f"no guides to build in {project.root / 'guides'}")
        return list(project.guides)
    by_name = {g.name: g for g in project.guides}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise GuideError(f"no guide named {', '.join(unknown)} (guides: {', '.join(by_name) or 'none'})")
    return [by_name[n] for n in names]


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + ".json")


def _editions(guide: Guide, edition: str | None) -> list[Edition | None]:
    """The firm's own edition and every client edition, or just the one asked for."""
    if edition is None:
        return [None, *guide.editions]
    chosen = guide.client_edition(edition)
    if chosen is None:
        known = ", ".join(e.slug for e in guide.editions) or "none"
        raise GuideError(f"guide '{guide.name}' has no edition '{edition}' (editions: {known})",
                         guide.path)
    return [chosen]


def output_name(guide: Guide, client: Edition | None, fmt: str) -> str:
    return f"{guide.name}-{client.slug}.{fmt}" if client else f"{guide.name}.{fmt}"


def build(root: Path, names: list[str], formats: list[str], out: Path,
          strict: bool = False, edition: str | None = None) -> tuple[list[Path], list[Problem]]:
    """Build the named guides (all when none) in each format, for the firm and for every client
    edition (or only `edition`). Returns the outputs and the warnings.

    Every guide is assembled before anything is rendered, so a bad input stops the run before
    any output is touched. A guide is laid out once; client editions reuse that layout.
    """
    problems = Problems()
    project = load_project(root, problems)
    guides = select_guides(project, names)
    problems.raise_if_errors()
    books = [assemble(project.corpus, guide, problems) for guide in guides]
    problems.raise_if_errors()
    targets = {book.guide.name: _editions(book.guide, edition) for book in books}
    warnings = list(problems.warnings)
    if strict and warnings:
        raise GuideError([Problem(p.message, p.path, p.line) for p in warnings])
    outputs = []
    for book in books:
        theme = load_theme(book.guide.theme, root)
        for fmt in formats:
            for client, data, found in _render(fmt, book, theme, root, targets[book.guide.name]):
                warnings.extend(Problem(f"WeasyPrint: {m}", book.guide.path, warning=True)
                                for m in found)
                if strict and warnings:
                    raise GuideError([Problem(p.message, p.path, p.line) for p in warnings])
                target = out / output_name(book.guide, client, fmt)
                write_atomically(target, data)
                write_atomically(manifest_path(target), manifest(book, target, data, root, client))
                outputs.append(target)
                # WeasyPrint's laid-out documents are full of reference cycles: collect them
                # now, or fifty client editions hold fifty layouts (1.8 GB measured, not 0.4)
                gc.collect()
    return outputs, warnings


def _render(fmt: str, book: Book, theme, root: Path, clients: list[Edition | None]):
    """(client, bytes, warnings) for each edition, rendered one at a time."""
    if fmt == "pdf":
        from .render.edition import render_edition_pdf
        from .render.pdf import render_pdf

        base = render_pdf(book, theme, root)
        log.info("%s: %d pages", book.guide.name, base.pages)
        for client in clients:
            if client is None:
                yield None, base.data, base.warnings
            else:
                rendered = render_edition_pdf(base, book, theme, root, client)
                yield client, rendered.data, rendered.warnings
    elif fmt == "epub":
        from .render.epub import render_epub

        for client in clients:
            rendered = render_epub(book, theme, root, client)
            log.info("%s: %d documents", book.guide.name, rendered.documents)
            yield client, rendered.data, rendered.warnings
    else:
        raise GuideError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
