"""The one orchestrator: read everything, assemble each guide, render, write outputs safely."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble, check_related
from .config import add_client_editions, guide_paths, read_guide
from .errors import GuideError, Problem, Problems
from .files import StagedFiles, scratch_folder
from .images import content_problem
from .manifest import manifest
from .proof import proof_book
from .model import Book, Corpus, Edition, Guide
from .reader import read_corpus
from .render import Request, default_jobs, renderer
from .render.glyph_check import check_text
from .render.processes import start_forkserver
from .render.template_check import check_templates
from .render.typeset import normalizes_punctuation, typeset_book
from .theme import Theme, load_theme

log = logging.getLogger("guidebuilder")


@dataclass(frozen=True)
class Project:
    root: Path
    corpus: Corpus
    guides: tuple[Guide, ...]


def load_project(root: Path, problems: Problems, read_article=None) -> Project:
    """Read every article and guide of a project; problems are collected, not raised."""
    corpus = read_corpus(root, problems, read_article)
    guides, unread = [], set()
    for path in guide_paths(root):
        guide = read_guide(path, problems)
        if guide is not None:
            guides.append(guide)
        else:
            unread.add(path.stem)
    guides = add_client_editions(guides, root, problems, frozenset(unread))
    return Project(root=root, corpus=corpus, guides=tuple(guides))


@dataclass(frozen=True)
class Plan:
    """One guide, ready to render: its book, its theme and the editions to make."""

    book: Book
    theme: Theme
    clients: tuple[Edition | None, ...]


def prepare(project: Project, guides: list[Guide], problems: Problems,
            edition: str | None = None) -> list[Plan]:
    """Everything that can be known before rendering, checked for every guide at once: the
    selection, the theme, the fonts against every character, the cover, the output names.
    Problems go to `problems`; a plan is returned for each guide that could be prepared."""
    check_related(project.corpus, problems)
    plans = []
    for guide in guides:
        book = assemble(project.corpus, guide, problems)
        try:
            theme = load_theme(guide.theme, project.root)
        except GuideError as exc:
            problems.items.extend(
                p if p.path else Problem(p.message, guide.path, guide.line("theme"))
                for p in exc.problems)
            continue
        if normalizes_punctuation(guide, theme):
            book = typeset_book(book)
        try:
            clients = _editions(guide, edition)
            check_text(book, theme, clients)
            check_templates(book, theme, clients)
        except GuideError as exc:
            problems.extend(exc)
            continue
        if guide.cover is not None:
            _check_cover(project.root, guide, problems)
        plans.append(Plan(book, theme, tuple(clients)))
    _check_output_names(plans, problems)
    return plans


def _check_cover(root: Path, guide: Guide, problems: Problems) -> None:
    cover = root / guide.cover
    if not cover.is_file():
        problems.error(f"cover '{guide.cover}' not found (a path from the project folder "
                       f"{root}, e.g. covers/cover.png)", guide.path, guide.line("cover"))
    elif wrong := content_problem(cover, ("PNG", "JPEG")):
        problems.error(f"cover '{guide.cover}' {wrong}", guide.path, guide.line("cover"))


def _check_output_names(plans: list[Plan], problems: Problems) -> None:
    written: dict[str, Guide] = {}
    for plan in plans:
        for client in plan.clients:
            name = output_name(plan.book.guide, client, "pdf")
            other = written.setdefault(name, plan.book.guide)
            if other is not plan.book.guide:
                problems.error(f"guides '{other.name}' and '{plan.book.guide.name}' would both "
                               f"write {name}: rename a guide or an edition slug",
                               plan.book.guide.path, plan.book.guide.line("editions"))


def check(root: Path) -> Problems:
    """Validate every article and guide without laying anything out; every problem, at once."""
    problems = Problems()
    project = load_project(root, problems)
    if not guide_paths(root):
        problems.warn(f"no guides in {root / 'guides'}")
    prepare(project, list(project.guides), problems)
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
    return [by_name[n] for n in dict.fromkeys(names)]


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


def output_name(guide: Guide, client: Edition | None, fmt: str, proof: bool = False) -> str:
    stem = f"{guide.name}-{client.slug}" if client else guide.name
    return f"{stem}-proof.{fmt}" if proof else f"{stem}.{fmt}"


def cache_folder(root: Path) -> Path:
    """Where laid-out chunks are kept between builds (`make clean` removes it)."""
    return root / ".cache" / "layout"


EARLY_FORKSERVER_BYTES = 200_000
"""Markdown in articles/ (~150 printed pages) from which a build starts its layout processes'
forkserver before it reads anything, to import WeasyPrint on another core meanwhile."""


def _markdown_bytes(root: Path) -> int:
    try:
        return sum(entry.stat().st_size for folder in os.scandir(root / "articles")
                   if folder.is_dir() for entry in os.scandir(folder.path)
                   if entry.name.endswith(".md"))
    except OSError:
        return 0  # read_corpus says what is wrong


def build(root: Path, names: list[str], formats: list[str], out: Path,
          strict: bool = False, edition: str | None = None, jobs: int | None = None,
          cache: bool = True, articles: list[str] | None = None,
          cluster: str | None = None) -> tuple[list[Path], list[Problem]]:
    """Build the named guides (all when none) in each format, for the firm and for every client
    edition (or only `edition`), laying out on `jobs` cores (all when None) and reusing the
    chunks of earlier builds unless `cache` is false, or on the Dask cluster whose scheduler
    is at `cluster`. Returns the outputs and the warnings.

    Everything is checked before anything is laid out, and every output is staged in a
    temporary file and renamed into place only when all of them are made: a run that fails
    changes nothing on disk. A guide is laid out once; client editions reuse that layout.
    """
    jobs = jobs or default_jobs()
    if jobs > 1 and cluster is None and _markdown_bytes(root) >= EARLY_FORKSERVER_BYTES:
        start_forkserver()
    problems = Problems()
    project = load_project(root, problems)
    problems.raise_if_errors()  # first: a guide that failed to read is not "no guide named"
    guides = select_guides(project, names)
    plans = prepare(project, guides, problems, edition)
    if articles:  # a proof of a few articles: --article, the firm's edition unless --edition
        plans = [dataclasses.replace(plan, book=proof_book(plan.book, articles, problems),
                                     clients=plan.clients if edition else (None,))
                 for plan in plans]
    problems.raise_if_errors()
    warnings = list(problems.warnings)
    if strict and warnings:
        raise GuideError([Problem(p.message, p.path, p.line) for p in warnings])
    outputs = []
    with scratch_folder(out) as scratch, StagedFiles() as staged:
        for plan in plans:
            book = plan.book
            request = Request(book, plan.theme, plan.clients, root, scratch, jobs,
                              cache_folder(root) if cache else None, cluster)
            for fmt in formats:
                for rendered in renderer(fmt)(request):
                    client, data = rendered.client, rendered.data
                    for warning in rendered.warnings:
                        if warning.path is None:
                            warning = dataclasses.replace(warning, path=book.guide.path)
                        if warning not in warnings:  # every edition's pages load the theme's CSS
                            warnings.append(warning)
                    if strict and warnings:
                        raise GuideError([Problem(p.message, p.path, p.line) for p in warnings])
                    target = out / output_name(book.guide, client, fmt, proof=bool(articles))
                    staged.stage(target, data)
                    staged.stage(manifest_path(target), manifest(book, target, data, root, client))
                    outputs.append(target)
                    # WeasyPrint's laid-out documents are full of reference cycles: collect
                    # them now, or fifty client editions hold fifty layouts (1.8 GB, not 0.4)
                    gc.collect()
        staged.commit()
    return outputs, warnings
