"""The pages of the live preview: the project read afresh whenever a file changes, and each
guide's contents, part openers, articles and sources drawn through the theme's own partials
with its e-book stylesheet, links rewritten to preview addresses.

Problems are never a blank page: every error and warning of the project is listed at the top
of every page, as `file:line: message`, the same words `guidebuilder check` prints.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote, urlencode

from .build import Plan, Project, load_project, prepare
from .errors import GuideError, Problem, Problems
from .model import Article, Book, Chapter, Guide
from .reader import read_article
from .render.context import render_template
from .render.contract import APPENDIX_SOURCES
from .theme import BUILTIN_THEMES

WATCHED = ("articles", "guides", "clients", "themes", "covers")
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
_ANCHOR_HREF = re.compile(r'href="#([^"]+)"')


def project_stamp(root: Path) -> str:
    """A fingerprint of every file the preview shows (name, size, time of change): it
    changes when any of them is saved, added or removed."""
    digest = hashlib.sha1()
    for folder in [*(root / name for name in WATCHED), BUILTIN_THEMES]:
        if not folder.is_dir():
            continue
        for directory, subfolders, files in os.walk(folder):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class ReusingArticleReader:
    """reader.read_article, reusing the result for a file that has not changed since the last
    read (same size and time, same category, same images in articles/): after one save, only
    the saved article is read again, not the whole corpus."""

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[tuple, Article | None, list[Problem]]] = {}
        self._images = ""

    def start(self, root: Path) -> None:
        """Called before each reading of the corpus: an image added, changed or removed
        anywhere in articles/ can change any article's checks, so then nothing is reused."""
        digest = hashlib.sha1()
        for path in sorted((root / "articles").rglob("*")) if (root / "articles").is_dir() else ():
            if path.suffix != ".md" and path.is_file():
                info = path.stat()
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
        self._images = digest.hexdigest()

    def __call__(self, path: Path, root: Path, category, converter, problems: Problems):
        try:
            info = path.stat()
        except OSError:
            info = None
        key = (info and (info.st_size, info.st_mtime_ns), category, self._images)
        kept = self._kept.get(path)
        if kept is None or kept[0] != key:
            own = Problems()
            article = read_article(path, root, category, converter, own)
            kept = (key, article, own.items)
            self._kept[path] = kept
        problems.items.extend(kept[2])
        return kept[1]


@dataclass
class Snapshot:
    """The project as read at one stamp, and the guides prepared from it so far."""

    stamp: str
    project: Project | None
    problems: list[Problem]
    plans: dict[tuple[str, str | None], tuple[Plan | None, list[Problem]]] = field(default_factory=dict)


class PreviewSite:
    """Reads the project when it has changed since the last request, and draws pages."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._reader = ReusingArticleReader()

    def snapshot(self) -> Snapshot:
        stamp = project_stamp(self.root)
        with self._lock:
            if self._snapshot is None or self._snapshot.stamp != stamp:
                problems = Problems()
                self._reader.start(self.root)
                try:
                    project = load_project(self.root, problems, self._reader)
                except GuideError as exc:
                    problems.extend(exc)
                    project = None
                self._snapshot = Snapshot(stamp, project, list(problems.items))
            return self._snapshot

    def plan(self, snapshot: Snapshot, guide: Guide, edition: str | None) -> tuple[Plan | None, list[Problem]]:
        """The guide prepared as for a build (selection, theme, fonts, cover), once per stamp."""
        key = (guide.name, edition)
        with self._lock:
            if key not in snapshot.plans:
                problems = Problems()
                try:
                    plans = prepare(snapshot.project, [guide], problems, edition)
                except GuideError as exc:
                    problems.extend(exc)
                    plans = []
                snapshot.plans[key] = (plans[0] if plans else None, list(problems.items))
            return snapshot.plans[key]


@dataclass(frozen=True)
class Page:
    title: str
    body: str
    stylesheet: str = ""


def _query(edition: str | None) -> str:
    return "?" + urlencode({"edition": edition}) if edition else ""


def article_url(guide: Guide, article: Article, edition: str | None) -> str:
    return f"/guide/{quote(guide.name)}/article/{quote(article.slug)}{_query(edition)}"


def _images_from_server(markup: str) -> str:
    """Article images are served from /articles/ (their src is relative to that folder)."""
    def fix(match: re.Match) -> str:
        src = match.group(2)
        return match.group(0) if src.startswith("data:") else f"{match.group(1)}/articles/{src}{match.group(3)}"
    return _IMG_SRC.sub(fix, markup)


def _book_links(markup: str, book: Book, edition: str | None) -> str:
    """`#anchor` links of the book (contents, cross-references) -> preview pages."""
    guide = book.guide
    targets = {APPENDIX_SOURCES: f"/guide/{quote(guide.name)}/sources{_query(edition)}"}
    for part in book.parts:
        targets[part.anchor] = f"/guide/{quote(guide.name)}/part/{quote(part.category.folder)}{_query(edition)}"
        for chapter in part.chapters:
            targets[chapter.article.anchor] = article_url(guide, chapter.article, edition)
    return _ANCHOR_HREF.sub(lambda m: f'href="{escape(targets[m.group(1)])}"'
                            if m.group(1) in targets else m.group(0), markup)


def problem_list(problems: list[Problem]) -> str:
    if not problems:
        return ""
    errors = [p for p in problems if not p.warning]
    items = "".join(f'<li class="{"warning" if p.warning else "error"}">{escape(str(p))}</li>'
                    for p in sorted(problems, key=lambda p: p.warning))
    heading = (f"{len(errors)} error(s): fix them and save, this page follows" if errors
               else f"{len(problems)} warning(s)")
    return f'<section class="gb-problems"><h2>{escape(heading)}</h2><ul>{items}</ul></section>'


def _edition_picker(guide: Guide, edition: str | None, action: str) -> str:
    if not guide.editions:
        return ""
    options = ['<option value="">本所版本（无客户）</option>'] + [
        f'<option value="{escape(e.slug)}"{" selected" if e.slug == edition else ""}>'
        f'{escape(e.name)}（{escape(e.slug)}）</option>' for e in guide.editions]
    return (f'<form class="gb-edition" method="get" action="{escape(action)}">'
            f'<label>客户版本 <select name="edition">{"".join(options)}</select></label>'
            f'<noscript><button>切换</button></noscript></form>')


def _stylesheet(plan: Plan) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in plan.theme.stylesheets("epub"))


def index_page(snapshot: Snapshot) -> Page:
    guides = snapshot.project.guides if snapshot.project else ()
    items = []
    for g in guides:
        editions = "".join(f' · <a href="/guide/{quote(g.name)}/{_query(e.slug)}">{escape(e.name)}</a>'
                           for e in g.editions)
        items.append(f'<li><a href="/guide/{quote(g.name)}/">{escape(g.title)}</a> '
                     f'<code>guides/{escape(g.path.name)}</code>{editions}</li>')
    if snapshot.project and all_articles_guide(snapshot.project):
        items.append(f'<li class="gb-all"><a href="/guide/{ALL_ARTICLES}/">全部文章</a> '
                     '（每个分类的每篇文章，含尚未编入指南的）</li>')
    items = "".join(items)
    body = (f'<h1>指南预览</h1>{problem_list(snapshot.problems)}'
            f'<ul class="gb-guides">{items or "<li>guides/ 中还没有可读的指南</li>"}</ul>')
    return Page("指南预览", body)


ALL_ARTICLES = "_articles"  # the preview's own "guide" of every article (a real guides/_articles.yml wins)


def all_articles_guide(project: Project) -> Guide | None:
    """Every category that has articles, as one book in the default theme: so an article can
    be seen (just imported, say) before any guide takes it in."""
    corpus = project.corpus
    names = tuple(c.name for c in corpus.categories if corpus.in_category(c.name))
    if not names:
        return None
    return Guide(name=ALL_ARTICLES, path=project.root / "articles", title="全部文章",
                 subtitle="预览：每个分类的每篇文章", categories=names)


def _find_guide(snapshot: Snapshot, name: str) -> Guide | None:
    if snapshot.project is None:
        return None
    found = next((g for g in snapshot.project.guides if g.name == name), None)
    if found is None and name == ALL_ARTICLES:
        return all_articles_guide(snapshot.project)
    return found


def guide_page(site: PreviewSite, snapshot: Snapshot, name: str, view: str, key: str | None,
               edition: str | None) -> Page | None:
    """A page of one guide: `contents`, `part` (key: category folder), `article` (key: slug)
    or `sources`. None when there is no such guide or page (and no error explains why)."""
    guide = _find_guide(snapshot, name)
    if guide is None:
        if snapshot.problems and (snapshot.project is None or
                                  any(p.path and p.path.stem == name for p in snapshot.problems)):
            return Page(name, f'<h1>{escape(name)}</h1>{problem_list(snapshot.problems)}')
        return None
    if edition and guide.client_edition(edition) is None:
        edition = None
    plan, guide_problems = site.plan(snapshot, guide, edition)
    problems = list(dict.fromkeys([*snapshot.problems, *guide_problems]))
    if plan is None:
        return Page(guide.title, f'<h1>{escape(guide.title)}</h1>{problem_list(problems)}')
    book = plan.book
    client = guide.client_edition(edition) if edition else None
    here = f"/guide/{quote(name)}/"
    nav = _navigation(book, edition, view, key)
    pdf = ("" if name == ALL_ARTICLES else
           f'<a class="gb-pdf" href="{here}pdf{_query(edition)}">PDF（按需生成）</a>')
    link_to = lambda article: article_url(guide, article, edition)  # noqa: E731
    if view == "contents":
        content = "".join(render_template(plan.theme, template, book, client=client, link_to=link_to)
                          for template in ("partials/titlepage.html", "partials/copyright.html",
                                           "partials/toc.html"))
        title = guide.title
    elif view == "part":
        numbered = [(n, p) for n, p in enumerate(book.parts, start=1) if p.category.folder == key]
        if not numbered:
            return None
        number, part = numbered[0]
        content = render_template(plan.theme, "partials/part.html", book, part=part,
                                  part_number=number, client=client, link_to=link_to)
        title = part.category.name
    elif view == "article":
        chapter = next((c for c in book.chapters if c.article.slug == key), None)
        if chapter is None:
            unread = any(u.path.stem == key for u in snapshot.project.corpus.unread)
            if not unread:
                return None
            content = f"<p>文章 <code>{escape(key or '')}</code> 无法读取，见上方的错误。</p>"
            title = key or ""
        else:
            content = _article(plan, book, chapter, client, link_to)
            title = chapter.article.title
    else:
        content = render_template(plan.theme, "partials/appendix.html", book, client=client,
                                  link_to=link_to)
        title = plan.theme.label("sources")
    content = _images_from_server(_book_links(content, book, edition))
    picker = _edition_picker(guide, edition, here if view == "contents" else "")
    body = (f'<header class="gb-bar"><a href="/">全部指南</a> › <a href="{here}{_query(edition)}">'
            f'{escape(guide.title)}</a> {picker} {pdf}</header>{problem_list(problems)}'
            f'<main class="gb-page">{content}</main>{nav}')
    return Page(title, body, _stylesheet(plan))


def _article(plan: Plan, book: Book, chapter: Chapter, client, link_to) -> str:
    return render_template(plan.theme, "partials/article.html", book, chapter=chapter,
                           client=client, link_to=link_to)


def _navigation(book: Book, edition: str | None, view: str, key: str | None) -> str:
    """Previous and next article, in book order."""
    if view != "article":
        return ""
    chapters = book.chapters
    slugs = [c.article.slug for c in chapters]
    if key not in slugs:
        return ""
    at = slugs.index(key)
    links = []
    if at > 0:
        links.append(f'<a rel="prev" href="{article_url(book.guide, chapters[at - 1].article, edition)}">'
                     f'← {escape(chapters[at - 1].article.title)}</a>')
    if at + 1 < len(chapters):
        links.append(f'<a rel="next" href="{article_url(book.guide, chapters[at + 1].article, edition)}">'
                     f'{escape(chapters[at + 1].article.title)} →</a>')
    return f'<nav class="gb-nav">{" ".join(links)}</nav>'


CHROME_CSS = """
.gb-bar { font: 14px/1.6 sans-serif; background: #eef2f6; padding: .5em .8em; margin: 0 -0.4em 1em; }
.gb-bar form { display: inline; margin-left: 1em; }
.gb-pdf { margin-left: 1em; }
.gb-page { max-width: 42em; margin: 0 auto; }
.gb-nav { max-width: 42em; margin: 2em auto; display: flex; justify-content: space-between; font: 14px sans-serif; }
.gb-problems { font: 14px/1.5 monospace; border: 2px solid #b3261e; background: #fdecea; padding: .5em 1em; margin: 0 0 1em; }
.gb-problems h2 { font: bold 15px sans-serif; margin: 0 0 .3em; color: #b3261e; }
.gb-problems li.warning { color: #7a5200; }
.gb-problems ul { margin: 0; padding-left: 1.2em; }
"""


def html_document(page: Page, stamp: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN" data-stamp="{escape(stamp)}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<title>{escape(page.title)}</title>'
            f'<style>{page.stylesheet}</style><style>{CHROME_CSS}</style>'
            f'<script src="/__preview.js" defer></script></head>'
            f'<body>{page.body}</body></html>\n')
