"""The one orchestrator: read everything, assemble each guide, render, write outputs safely."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble, check_related
from .config import guide_paths, read_guide
from .errors import GuideError, Problem, Problems
from .files import write_atomically
from .manifest import manifest
from .model import Book, Corpus, Guide
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


def build(root: Path, names: list[str], formats: list[str], out: Path,
          strict: bool = False) -> tuple[list[Path], list[Problem]]:
    """Build the named guides (all when none) in each format. Returns outputs and warnings.

    Every guide is assembled before anything is rendered, so a bad input stops the run before
    any output is touched.
    """
    problems = Problems()
    project = load_project(root, problems)
    guides = select_guides(project, names)
    problems.raise_if_errors()
    books: list[Book] = []
    for guide in guides:
        books.append(assemble(project.corpus, guide, problems))
    problems.raise_if_errors()
    warnings = list(problems.warnings)
    if strict and warnings:
        raise GuideError([Problem(p.message, p.path, p.line) for p in warnings])
    outputs = []
    for book in books:
        theme = load_theme(book.guide.theme, root)
        for fmt in formats:
            target = out / f"{book.guide.name}.{fmt}"
            data, found = _render(fmt, book, theme, root)
            warnings.extend(Problem(f"WeasyPrint: {m}", book.guide.path, warning=True) for m in found)
            if strict and warnings:
                raise GuideError([Problem(p.message, p.path, p.line) for p in warnings])
            write_atomically(target, data)
            write_atomically(manifest_path(target), manifest(book, target, data, root))
            outputs.append(target)
    return outputs, warnings


def _render(fmt: str, book: Book, theme, root: Path) -> tuple[bytes, list[str]]:
    if fmt == "pdf":
        from .render.pdf import render_pdf

        rendered = render_pdf(book, theme, root)
        log.info("%s: %d pages", book.guide.name, rendered.pages)
        return rendered.data, rendered.warnings
    if fmt == "epub":
        from .render.epub import render_epub

        rendered = render_epub(book, theme, root)
        log.info("%s: %d documents", book.guide.name, rendered.documents)
        return rendered.data, rendered.warnings
    raise GuideError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
