"""Article HTML is untrusted: it comes from a website and from many hands.

After Markdown, every article body goes through nh3 (Ammonia) with an allow-list fit for
articles. No script, style, iframe, object, embed, form, link or meta; no event handlers; no
`rel` (WeasyPrint would embed `rel=attachment` targets); inline `style` keeps only properties
that cannot load anything, with plain values; a cell spans at most MAX_SPAN columns or rows.
The same pass makes the body safe to put into one book with other articles: every id gets the
article's prefix (and so do `#fragment` links), and images must be files inside `articles/`
(or `data:` raster images), rewritten relative to that folder.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import nh3

from .images import content_problem

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "lang", "title", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
}
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "text-align", "text-decoration",
    "text-indent", "vertical-align",
}
LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
_DROPPED_TAG = re.compile(r"<\s*(script|style|iframe|object|embed|form|link|meta|base|svg|math|input|"
                          r"button|textarea|frame|frameset|applet|audio|video|source|track)\b", re.I)
_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
_IMG_WITHOUT_SRC = re.compile(r"<img\b(?![^>]*\bsrc=)[^>]*>")
_RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)
_STYLE_VALUE = re.compile(r"[#%\w\s.,()+-]*")
MAX_SPAN = 100
_URL_SCHEME = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*([a-z][a-z0-9+.-]*):""", re.I)


@dataclass
class CleanArticle:
    html: str
    images: list[str] = field(default_factory=list)  # relative to articles/
    missing: list[str] = field(default_factory=list)  # image paths as written, not found
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (as written, what is wrong)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (as written, what it was)


def clean_article_html(html: str, id_prefix: str, article_dir: Path, articles_root: Path) -> CleanArticle:
    """The article body, sanitised, with ids prefixed and images checked and rewritten."""
    result = CleanArticle(html="")
    root = articles_root.resolve()
    base = article_dir.relative_to(articles_root).as_posix()

    def image(src: str) -> str | None:
        parts = urlsplit(src)
        if parts.scheme == "data":
            if _RASTER_DATA.match(src):
                return src
            result.removed.append((src[:40], "a data: URL that is not a PNG, JPEG, GIF or WebP "
                                             "image (save an SVG as a file in articles/)"))
            return None
        if parts.scheme or parts.netloc or src.startswith("/"):
            result.removed.append((src, "an image that is not a file inside articles/"))
            return None
        relative = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        real = (articles_root / relative).resolve()
        if not real.is_relative_to(root):
            result.removed.append((src, "an image outside articles/"))
            return None
        if not real.is_file():
            result.missing.append(src)
            return None
        if posixpath.splitext(relative)[1].lower() not in IMAGE_TYPES:
            result.removed.append((src, "an image type that e-book readers cannot show "
                                        f"(use {', '.join(sorted(IMAGE_TYPES))})"))
            return None
        wrong = content_problem(real)
        if wrong:
            result.invalid.append((src, wrong))
            return None
        result.images.append(relative)
        return quote(relative)

    def attribute(tag: str, name: str, value: str) -> str | None:
        if name == "id":
            return f"{id_prefix}{value}"
        if name == "style":
            return _safe_style(value, result)
        if name in ("colspan", "rowspan"):
            return _span(name, value, result)
        if tag == "a" and name == "href":
            if value.startswith("#"):
                return f"#{id_prefix}{value[1:]}" if len(value) > 1 else None
            if urlsplit(value).scheme.lower() in LINK_SCHEMES:
                return value
            result.removed.append((value, "a link that is not http, https or mailto"))
            return None
        if tag == "img" and name == "src":
            return image(value)
        return value

    for match in _DROPPED_TAG.finditer(html):
        result.removed.append((match.group(0), f"a <{match.group(1).lower()}> element"))
    for match in _EVENT_HANDLER.finditer(html):
        result.removed.append((match.group(0), "an event handler attribute"))
    for match in _URL_SCHEME.finditer(html):  # nh3 drops these before the filter sees them
        if match.group(1).lower() not in LINK_SCHEMES | {"data", "file"}:
            result.removed.append((match.group(1) + ":", f"a '{match.group(1)}:' URL"))
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=attribute,
        link_rel=None,
        # file: passes nh3 so that the filter above sees it, refuses it and says so
        url_schemes=LINK_SCHEMES | {"data", "file"},
        filter_style_properties=STYLE_PROPERTIES,
    )
    result.html = _IMG_WITHOUT_SRC.sub("", cleaned)  # its src was refused: nothing to show
    return result


def _safe_style(value: str, result: CleanArticle) -> str | None:
    """Only the allowed properties, with values of plain words, numbers and colours: no
    url(), escape, at-rule or expression, so the EPUB gets no more than the PDF shows."""
    kept = []
    for declaration in value.split(";"):
        name, colon, declared = declaration.partition(":")
        name, declared = name.strip().lower(), declared.strip()
        if not colon:
            continue
        lowered = declared.lower()
        if (name in STYLE_PROPERTIES and _STYLE_VALUE.fullmatch(declared)
                and not any(word in lowered for word in ("url(", "expression", "image", "var("))):
            kept.append(f"{name}: {declared}")
        else:
            result.removed.append((declaration.strip()[:60], "a style that is not allowed"))
    return "; ".join(kept) or None


def _span(name: str, value: str, result: CleanArticle) -> str | None:
    """A table cell spans 1 to MAX_SPAN columns or rows."""
    number = int(value) if value.strip().isdigit() else 1
    if number > MAX_SPAN:
        result.removed.append((f'{name}="{value[:20]}"', f"a {name} past {MAX_SPAN}"))
        return str(MAX_SPAN)
    return str(number) if number > 1 else None
