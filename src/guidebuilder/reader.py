"""Read a project's `articles/` folder into the model: front matter checked, Markdown rendered.

Every problem is collected, not raised one at a time, so `guidebuilder check` reports them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from .errors import GuideError, Problems
from .frontmatter import Located, parse_yaml_mapping, split
from .markdown_ext import Converter
from .model import Article, Category, Corpus, Link, RelatedRef, Unread
from .sanitize import clean_article_html

ARTICLE_KEYS = {
    "title", "category", "author", "date", "updated", "summary", "tags", "source_url",
    "copyright", "origin", "reprinted_from", "related", "imported_from", "import_hash",
}
CATEGORY_FILE = "_category.yml"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
WEB_URL = re.compile(r"https?://\S+$")


def read_text(path: Path) -> str:
    """A UTF-8 text file, with a BOM dropped and CRLF line endings accepted."""
    return decode_text(path.read_bytes(), path)


def decode_text(data: bytes, path: Path) -> str:
    if not data.strip():
        raise GuideError("the file is empty", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GuideError(
            f"not valid UTF-8 (byte offset {exc.start}); save the file as UTF-8", path, line
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_date(value: Any, key: str, path: Path, line: int | None) -> dt.date:
    """A YYYY-MM-DD date, or a located error."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise GuideError(f"{key} '{text}' is not a valid date (YYYY-MM-DD)", path, line)


def text_value(meta: Located, key: str, path: Path, *, required: bool = False) -> str | None:
    """A scalar front-matter value as text; lists and mappings are errors."""
    value = meta.data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise GuideError(f"'{key}' is missing or empty", path, meta.line(key) or 1)
        return None
    if isinstance(value, (dict, list)):
        raise GuideError(f"'{key}' must be text, not a list or mapping", path, meta.line(key))
    return str(value).strip()


def text_list(meta: Located, key: str, path: Path) -> tuple[str, ...]:
    value = meta.data.get(key)
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
        raise GuideError(f"'{key}' must be a list of words", path, meta.line(key))
    return tuple(str(v).strip() for v in value)


def _link(value: Any, key: str, path: Path, line: int | None) -> Link:
    if isinstance(value, str) and value.strip():
        text = value.strip()
        return Link(title=text, url=text if WEB_URL.match(text) else None)
    if isinstance(value, dict) and value.get("title"):
        url = str(value["url"]).strip() if value.get("url") else None
        if url and not WEB_URL.match(url):
            raise GuideError(f"'{key}' url '{url}' is not an http(s) URL", path, line)
        return Link(title=str(value["title"]).strip(), url=url)
    raise GuideError(f"'{key}' needs a title (and a url), e.g. {{title: ..., url: ...}}", path, line)


def _related(meta: Located, path: Path, problems: Problems) -> tuple[RelatedRef, ...]:
    value = meta.data.get("related")
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.error("'related' must be a list", path, meta.line("related"))
        return ()
    refs = []
    for index, item in enumerate(value):
        line = meta.line("related", index)
        if isinstance(item, dict):
            try:
                link = _link(item, "related", path, line)
            except GuideError as exc:
                problems.extend(exc)
                continue
            if not link.url:  # an article to come (an import keeps titles it cannot match yet)
                refs.append(RelatedRef(line=line, key=link.title, pending=True))
                continue
            refs.append(RelatedRef(line=line, link=link))
        elif isinstance(item, (str, int)) and str(item).strip():
            refs.append(RelatedRef(line=line, key=str(item).strip()))
        else:
            problems.error("a related entry is a source_url, slug or title, or {title, url}", path, line)
    return tuple(refs)


def read_article(path: Path, root: Path, category: Category, converter: Converter,
                 problems: Problems) -> Article | None:
    """One article file; its problems go to `problems`, and None is returned if any is fatal."""
    before = len(problems.errors)
    data = path.read_bytes()
    try:
        document = split(decode_text(data, path), path)
        meta = document.meta
        title = text_value(meta, "title", path, required=True)
    except GuideError as exc:
        problems.extend(exc)
        return None

    guarded = problems.collect
    dates = {}
    for key in ("date", "updated"):
        if meta.data.get(key) is not None:
            dates[key] = guarded(parse_date, meta.data[key], key, path, meta.line(key))
    if dates.get("date") and dates.get("updated") and dates["updated"] < dates["date"]:
        problems.warn("'updated' is earlier than 'date'", path, meta.line("updated"))

    origin = (guarded(text_value, meta, "origin", path) or "original").lower()
    reprinted_from = None
    if origin not in ("original", "reprint"):
        problems.error(f"origin '{origin}' must be 'original' or 'reprint'", path, meta.line("origin"))
    if meta.data.get("reprinted_from") is not None:
        reprinted_from = guarded(_link, meta.data["reprinted_from"], "reprinted_from", path,
                                 meta.line("reprinted_from"))
    elif origin == "reprint":
        problems.error("a reprint must name 'reprinted_from' (title and url)", path, meta.line("origin"))

    source_url = guarded(text_value, meta, "source_url", path)
    if source_url and not WEB_URL.match(source_url):
        problems.error(f"source_url '{source_url}' is not an http(s) URL", path, meta.line("source_url"))
    for key in sorted(set(meta.data) - ARTICLE_KEYS):
        problems.warn(f"unknown key '{key}' is kept but not used", path, meta.line(key))

    slug = path.stem
    if not _SLUG.fullmatch(slug):
        problems.error(f"file name '{path.name}' is the article's slug and may hold only ASCII "
                       "letters, digits, - and _ (e.g. xinyong-ka-yuqi.md)", path)
    clean = clean_article_html(converter.convert(document.body), f"article-{slug}-",
                               path.parent, root / "articles")
    for written in clean.missing:
        problems.error(f"image '{written}' not found", path,
                       _line_of(document.body, written, document.body_line))
    for written, wrong in clean.invalid:
        problems.error(f"image '{written}' {wrong}", path,
                       _line_of(document.body, written, document.body_line))
    removed = [(_line_of(document.body, written, document.body_line) or 0, written, what)
               for written, what in clean.removed]
    for line, written, what in sorted(removed):
        problems.warn(f"removed {what} ('{written[:60]}'): an article may not load or run "
                      "anything", path, line or None)

    article = Article(
        path=path,
        slug=slug,
        category=guarded(text_value, meta, "category", path) or category.name,
        title=title or "",
        body_html=clean.html,
        author=guarded(text_value, meta, "author", path),
        date=dates.get("date"),
        updated=dates.get("updated"),
        summary=guarded(text_value, meta, "summary", path),
        tags=guarded(text_list, meta, "tags", path, default=()),
        source_url=source_url,
        copyright=guarded(text_value, meta, "copyright", path),
        origin=origin,
        reprinted_from=reprinted_from,
        related=_related(meta, path, problems),
        images=tuple(dict.fromkeys(clean.images)),
        sha256=hashlib.sha256(data).hexdigest(),
        extra={k: v for k, v in meta.data.items() if k not in ARTICLE_KEYS},
    )
    return article if len(problems.errors) == before else None


def _line_of(body: str, needle: str, first_line: int) -> int | None:
    index = body.find(needle)
    return first_line + body.count("\n", 0, index) if index >= 0 else None


def read_category(folder: Path, problems: Problems) -> Category:
    info = folder / CATEGORY_FILE
    if not info.is_file():
        return Category(name=folder.name, folder=folder.name)
    try:
        meta = parse_yaml_mapping(read_text(info), info)
        name = text_value(meta, "name", info) or folder.name
        return Category(name=name, folder=folder.name, description=text_value(meta, "description", info))
    except GuideError as exc:
        problems.extend(exc)
        return Category(name=folder.name, folder=folder.name)


def read_corpus(root: Path, problems: Problems, read=None) -> Corpus:
    """Every category folder under `root/articles` and every article in it, in file-name order.
    `read` stands in for read_article (the preview's reuses articles that did not change)."""
    read = read or read_article
    articles_dir = root / "articles"
    if not articles_dir.is_dir():
        raise GuideError(f"no 'articles' folder in {root} (use --root to name the project folder)")
    converter = Converter()
    categories: list[Category] = []
    articles: list[Article] = []
    unread: list[Unread] = []
    for folder in sorted(p for p in articles_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(folder.glob("*.md"))
        if not files and not (folder / CATEGORY_FILE).is_file():
            continue
        category = read_category(folder, problems)
        categories.append(category)
        if not _SLUG.fullmatch(folder.name):
            problems.error(f"folder name '{folder.name}' may hold only ASCII letters, digits, - "
                           "and _ (name the category in its _category.yml: name: 信用卡)", folder)
        for path in files:
            article = read(path, root, category, converter, problems)
            if article is not None:
                articles.append(article)
            else:
                unread.append(Unread(path, category.name, _keys_of_unread(path)))
    for path in sorted(articles_dir.glob("*.md")):
        problems.error("an article must be inside a category folder (articles/<category>/)", path)
    _check_unique(articles, problems)
    known = {c.name for c in categories}
    for article in articles:
        if article.category not in known:
            categories.append(Category(name=article.category, folder=article.category))
            known.add(article.category)
    return Corpus(root=root, categories=tuple(categories), articles=tuple(articles),
                  unread=tuple(unread))


def _keys_of_unread(path: Path) -> frozenset[str]:
    """The slug, and the title and source_url as far as a plain scan finds them."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    found = re.findall(r"^(?:title|source_url):[ \t]*['\"]?(.*?)['\"]?[ \t]*$", text, re.M)
    return frozenset([path.stem, *filter(None, found)])


def _check_unique(articles: list[Article], problems: Problems) -> None:
    first_by: dict[tuple[str, str], Article] = {}
    for article in articles:
        for kind, value in (("slug", article.slug), ("source_url", article.source_url)):
            if value is None:
                continue
            other = first_by.setdefault((kind, value), article)
            if other is not article:
                problems.error(f"duplicate {kind} '{value}' (also in {other.path})", article.path)
