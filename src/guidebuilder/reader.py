"""Read a project's `articles/` folder into the model: front matter checked, Markdown rendered.

Every problem is collected, not raised one at a time, so `guidebuilder check` reports them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

from .errors import GuideError, Problems
from .frontmatter import Located, parse_yaml_mapping, split
from .markdown_ext import Converter
from .model import ARTICLE_KEYS, Article, Category, Corpus, Link, RelatedRef, Unread
from .packed_text import pack
from .sanitize import clean_article_html
from .svg import SvgRefused, clean_svg

CATEGORY_FILE = "_category.yml"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
WEB_URL = re.compile(r"https?://\S+$")

MAX_FILE_BYTES = 8 * 1024 * 1024  # an article, guide or theme file; past this it is refused
MAX_TITLE_CHARS = 200
MAX_NESTING = 40  # elements inside elements in an article body
MAX_ELEMENTS = 10_000
"""Elements in one article body. An article is laid out whole, by one worker: 9,000 list items
take 0.7 GB and a minute."""
MAX_BRACKETS = 500  # '[' in one paragraph: Markdown's link search is quadratic in them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A device, FIFO or terminal
    (a symlink to /dev/zero or /dev/stdin) is refused without reading or blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise GuideError(f"cannot read the file: {exc.strerror}", path) from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise GuideError("not a regular file (a device, pipe or folder): refused", path)
        if info.st_size > limit:
            raise GuideError(f"the file is larger than {limit // 1024 // 1024} MB: split it", path)
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise GuideError(f"the file is larger than {limit // 1024 // 1024} MB: split it", path)
    return data


def read_text(path: Path) -> str:
    """A UTF-8 text file, with a BOM dropped and CRLF line endings accepted."""
    return decode_text(read_regular(path), path)


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
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        raise GuideError(f"a control character (U+{ord(control.group()):04X}) is not text: "
                         "remove it", path, text.count("\n", 0, control.start()) + 1)
    return text


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
    try:
        data = read_regular(path)
        document = split(decode_text(data, path), path)
        meta = document.meta
        title = text_value(meta, "title", path, required=True)
        if title and len(title) > MAX_TITLE_CHARS:
            raise GuideError(f"the title is {len(title)} characters long; at most "
                             f"{MAX_TITLE_CHARS} fit a page", path, meta.line("title"))
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

    origin = guarded(text_value, meta, "origin", path) or ARTICLE_KEYS.default("origin")
    origin = origin.lower()
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
    for key in ARTICLE_KEYS.unknown(meta.data):
        problems.warn(f"unknown key '{key}' is kept but not used", path, meta.line(key))

    slug = path.stem
    if not _SLUG.fullmatch(slug):
        problems.error(f"file name '{path.name}' is the article's slug and may hold only ASCII "
                       "letters, digits, - and _ (e.g. xinyong-ka-yuqi.md)", path)
    try:
        clean = _body_html(document.body, document.body_line, slug, path, root, converter)
    except GuideError as exc:
        problems.extend(exc)
        return None
    for written in clean.missing:
        problems.error(f"image '{written}' not found", path,
                       _line_of(document.body, written, document.body_line))
    for written, wrong in clean.invalid:
        problems.error(f"image '{written}' {wrong}", path,
                       _line_of(document.body, written, document.body_line))
    removed = [(_line_of(document.body, written, document.body_line) or 0, written, what)
               for written, what in clean.removed]
    removed += _svg_problems(clean.images, document.body, document.body_line, root, path,
                             problems)
    for line, written, what in sorted(removed):
        problems.warn(f"removed {what} ('{written[:60]}'): an article may not load or run "
                      "anything", path, line or None)

    article = Article(
        path=path,
        slug=slug,
        category=guarded(text_value, meta, "category", path) or category.name,
        title=title or "",
        packed_body=pack(clean.html),
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


def _body_html(body: str, first_line: int, slug: str, path: Path, root: Path,
               converter: Converter):
    """The article body as clean HTML, or a located error if it is past what one article
    may be: so many '[' that Markdown takes minutes, nesting that would exhaust the stack,
    more elements than one worker can lay out. Ids get the prefix `article-<slug>.`: a slug
    holds no '.', so no heading id is ever another article's anchor."""
    for match in re.finditer(r"(?:[^\n]+\n?)+", body):
        if match.group().count("[") > MAX_BRACKETS:
            raise GuideError(f"more than {MAX_BRACKETS} '[' in one paragraph: Markdown cannot "
                             "read that in reasonable time", path,
                             first_line + body.count("\n", 0, match.start()))
    try:
        html = converter.convert(body)
        clean = clean_article_html(html, f"article-{slug}.", path.parent, root / "articles")
    except RecursionError:
        raise GuideError("the text is nested too deeply (quotes, lists, emphasis or HTML "
                         "inside one another) for Markdown to read", path, first_line) from None
    shape = body_shape(clean.html)
    if shape.deepest > MAX_NESTING:
        raise GuideError(f"quotes, lists or HTML elements nested {shape.deepest} deep (at most "
                         f"{MAX_NESTING})", path, _near(body, shape.deepest_text, first_line))
    if shape.elements > MAX_ELEMENTS:
        raise GuideError(f"{shape.elements} paragraphs, list items and other elements in one "
                         f"article (at most {MAX_ELEMENTS}): split it", path, first_line)
    return clean


_VOID = {"br", "img", "hr", "col", "wbr"}
_TAG = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)(?:"[^"]*"|'[^']*'|[^"'>])*>""")


@dataclass(frozen=True)
class Shape:
    """How many the elements of an HTML fragment are, how deep they nest, and the first text
    at that depth (to find its line)."""

    elements: int
    deepest: int
    deepest_text: str


def body_shape(markup: str) -> Shape:
    """The shape of an article body as nh3 writes it, whose text holds no '<' and whose
    attribute values are quoted: each tag is one match of _TAG, and the text between two
    tags is what an HTML parser hands on as one piece. (Python's HTMLParser took as long as
    Markdown's block parser.)"""
    depth = deepest = elements = 0
    deepest_text = ""
    after = 0
    for tag in _TAG.finditer(markup):
        if depth == deepest and not deepest_text:
            deepest_text = unescape(markup[after:tag.start()]).strip()[:20]
        after = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if name in _VOID:
            elements += not closing
        elif closing:
            depth = max(0, depth - 1)
        else:
            elements += 1
            depth += 1
            if depth > deepest:
                deepest, deepest_text = depth, ""
            if tag.group().endswith("/>"):
                depth -= 1
    return Shape(elements, deepest, deepest_text)


def _near(body: str, text: str, first_line: int) -> int:
    return (_line_of(body, text, first_line) if text else None) or first_line


def _svg_problems(images: list[str], body: str, first_line: int, root: Path, path: Path,
                  problems: Problems) -> list[tuple[int, str, str]]:
    """An SVG that cannot be made safe is an error; what cleaning removes from one is
    returned as (line, as written, what) to warn about."""
    removed = []
    for image in dict.fromkeys(i for i in images if i.lower().endswith(".svg")):
        name = image.rsplit("/", 1)[-1]
        line = _line_of(body, name, first_line)
        try:
            cleaned = clean_svg(read_regular(root / "articles" / image, 2 * 1024 * 1024))
        except SvgRefused as exc:
            problems.error(f"image '{image}' is refused: {exc}", path, line)
            continue
        except GuideError as exc:
            problems.error(f"image '{image}': {exc.problems[0].message}", path, line)
            continue
        removed += [(line or 0, image, f"{what} in the SVG") for what in dict.fromkeys(cleaned.removed)]
    return removed


def _line_of(body: str, needle: str, first_line: int) -> int | None:
    index = body.find(needle)
    return first_line + body.count("\n", 0, index) if index >= 0 else None


def read_category(folder: Path, problems: Problems) -> Category:
    info = folder / CATEGORY_FILE
    if not info.is_file():
        return Category(name=folder.name, folder=folder.name)
    try:
        if not info.resolve().is_relative_to(folder.resolve()):
            raise GuideError("a symlink to a file outside the category folder: refused", info)
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
    inside = root.resolve()
    for folder in sorted(p for p in articles_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not folder.resolve().is_relative_to(inside):
            problems.error("a symlink to a folder outside the project: refused", folder)
            continue
        files = []
        for path in sorted(folder.glob("*.md")):
            if path.resolve().is_relative_to(inside):
                files.append(path)
            else:
                problems.error("a symlink to a file outside the project: refused", path)
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
    try:
        text = read_regular(path).decode("utf-8", errors="replace")
    except GuideError:
        return frozenset([path.stem])
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
