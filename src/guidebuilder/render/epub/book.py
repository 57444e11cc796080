"""The book as an EPUB 3, with ebooklib: one XHTML document per article, made from the same
theme partials as the PDF, with a nav document, an NCX, and a cover image.

The output is deterministic: ebooklib stamps zip entries with the current time, so the archive
is rewritten with fixed entry times, in the same order, with `mimetype` first and stored.
"""

from __future__ import annotations

import datetime as dt
import io
import mimetypes
import re
import uuid
import zipfile
from urllib.parse import quote
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Callable

import ebooklib
from ebooklib import epub

from ... import fonts
from ...errors import GuideError, Problem
from ...reader import read_regular
from ...svg import SvgRefused, clean_svg
from ...model import Article, Book, Chapter, Edition, Part
from ...theme import Theme
from ..cover import PendingCover, start_cover_image
from ..context import render_template, subject, visible_text
from ..contract import APPENDIX_SOURCES
from ..layout_job import MAX_RESOURCE_BYTES

STYLESHEET = "style/book.css"
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^)'\"]*)['\"]?\s*\)", re.I)
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)
_UNDESCRIBED_IMAGE = re.compile(r'<img\b(?![^>]*\balt="[^"]+")[^>]*>')


@dataclass(frozen=True)
class RenderedEpub:
    data: bytes
    documents: int
    warnings: list[Problem]


def chapter_file(article: Article) -> str:
    """`article-<slug>.xhtml`: the prefix keeps articles apart from cover, nav, part openers."""
    return f"{article.anchor}.xhtml"


def part_file(part: Part) -> str:
    return f"{part.anchor}.xhtml"


def chapter_link(article: Article) -> str:
    return f"{chapter_file(article)}#{article.anchor}"


def book_identifier(book: Book, client: Edition | None = None) -> str:
    """The same for every build of one guide and edition; a new edition (or a client's
    edition) gets its own."""
    name = f"guidebuilder:{book.guide.name}:{book.guide.edition or ''}"
    if client is not None:
        name += f":{client.slug}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def modified(book: Book) -> dt.datetime:
    """The guide's date, else its newest article's date: never the time of the build."""
    dates = [book.guide.date] if book.guide.date else [
        d for c in book.chapters for d in (c.article.updated, c.article.date) if d]
    day = max(dates) if dates else dt.date(2000, 1, 1)
    return dt.datetime.combine(day, dt.time())


def _metadata(ebook: epub.EpubBook, book: Book, theme: Theme, has_images: bool, described: bool,
              client: Edition | None = None) -> None:
    guide = book.guide
    ebook.set_identifier(book_identifier(book, client))
    if client is not None:
        ebook.add_metadata("DC", "identifier", client.edition_id, {"id": "client-edition"})
        ebook.add_metadata(None, "meta", client.name, {"property": "dcterms:audience"})
        if client.lawyer:
            ebook.add_metadata("DC", "contributor", client.lawyer, {"id": "lawyer"})
    ebook.set_title(guide.title)
    ebook.set_language(guide.language)
    ebook.add_author(guide.author or guide.publisher or guide.title)
    if guide.publisher:
        ebook.add_metadata("DC", "publisher", guide.publisher)
    if guide.copyright.rights:
        ebook.add_metadata("DC", "rights", guide.copyright.rights)
    if guide.date:
        ebook.add_metadata("DC", "date", guide.date.isoformat())
    ebook.add_metadata("DC", "description", subject(book))
    for part in book.parts:
        ebook.add_metadata("DC", "subject", part.category.name)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images and described:
        features.append("alternativeText")
    accessibility = [
        ("accessMode", "textual"),
        *([("accessMode", "visual")] if has_images else []),
        ("accessModeSufficient", "textual,visual" if has_images else "textual"),
        *(("accessibilityFeature", f) for f in features),
        ("accessibilityHazard", "none"),
        ("accessibilitySummary", theme.label("accessibility_summary_alt_text"
                                             if has_images and described
                                             else "accessibility_summary")),
    ]
    for name, value in accessibility:
        ebook.add_metadata(None, "meta", value, {"property": f"schema:{name}"})


def _embedded_fonts(ebook: epub.EpubBook, theme: Theme, text: str) -> str:
    """Add the theme's fonts, cut down to the book's characters; return their @font-face rules."""
    rules = []
    for family in theme.fonts:
        for font in fonts.installed(family):
            style = "Bold" if font.weight >= 200 else "Regular"
            name = f"fonts/{family.replace(' ', '')}-{style}.otf"
            ebook.add_item(epub.EpubItem(uid=f"font-{len(ebook.items)}", file_name=name,
                                         media_type="font/otf", content=fonts.subset(font, text)))
            rules.append(f'@font-face {{ font-family: "{family}"; font-weight: '
                         f'{"bold" if style == "Bold" else "normal"}; src: url("../{name}"); }}')
    return "\n".join(rules)


def _document(ebook: epub.EpubBook, css: epub.EpubItem, uid: str, file_name: str, title: str,
              body: str, language: str) -> epub.EpubHtml:
    item = epub.EpubHtml(uid=uid, title=title, file_name=file_name, lang=language)
    item.content = body
    item.add_item(css)
    ebook.add_item(item)
    return item


def image_files(images: list[str]) -> dict[str, str]:
    """Each article image (a path under articles/) -> its name in the book, `images/001.png`:
    short, and safe in a zip and a URL whatever the original was called."""
    return {image: f"images/{n:03d}{Path(image).suffix.lower()}"
            for n, image in enumerate(images, start=1)}


def _loading_nothing(css: str) -> tuple[str, int]:
    """A theme's stylesheet for the e-book without @import and with every url() but a
    data: image replaced by `none`: an e-book reader would fetch what the PDF was not given."""
    css, removed = _CSS_IMPORT.subn("", css)
    refused: list[str] = []

    def replace(match: re.Match) -> str:
        if _DATA_IMAGE.match(match.group(1)):
            return match.group(0)
        refused.append(match.group(1))
        return "none"

    return _CSS_URL.sub(replace, css), removed + len(refused)


def _image_bytes(path: Path) -> bytes:
    """An article image as the book carries it: an SVG cleaned as for the PDF (no script,
    handler or reference out of itself), any image read only if it is a regular file."""
    data = read_regular(path, MAX_RESOURCE_BYTES)
    if path.suffix.lower() != ".svg":
        return data
    try:
        return clean_svg(data).data
    except SvgRefused as exc:
        raise GuideError(f"image refused: {exc}", path) from None


def _chapter_body(theme: Theme, book: Book, chapter: Chapter, names: dict[str, str]) -> str:
    body = render_template(theme, "partials/article.html", book, chapter=chapter,
                           link_to=chapter_link)
    by_src = {escape(quote(image)): name for image, name in names.items()}
    return _IMG_SRC.sub(lambda m: m.group(1) + by_src.get(m.group(2), m.group(2)) + m.group(3),
                        body)


def render_epub(book: Book, theme: Theme, root: Path, client: Edition | None = None,
                cover: PendingCover | None = None) -> RenderedEpub:
    """The EPUB in memory, with warnings. Nothing is written here. The cover image is made in
    another process meanwhile: `cover` if it was started already, else one started here. It
    is closed here either way."""
    cover = cover or start_cover_image(book, theme, root, client)
    try:
        images = sorted({image for chapter in book.chapters for image in chapter.article.images})
        described = not any(_UNDESCRIBED_IMAGE.search(c.article.body_html) for c in book.chapters)
        ebook = epub.EpubBook()
        _metadata(ebook, book, theme, has_images=bool(images), described=described,
                  client=client)
        return _epub(book, theme, root, client, ebook, cover)
    finally:
        cover.close()


def _epub(book: Book, theme: Theme, root: Path, client: Edition | None, ebook: epub.EpubBook,
          cover: PendingCover) -> RenderedEpub:
    guide = book.guide
    images = sorted({image for chapter in book.chapters for image in chapter.article.images})
    ebook.set_cover(cover.name, b"", create_page=False)  # its bytes go in with _normalised
    cover_name = cover.name
    warnings: list[Problem] = []
    embed = bool(theme.options.get("epub_embed_fonts"))
    kinds = ["epub", "epub-fonts"] if embed else ["epub"]
    sheets = []
    for path in (p for kind in kinds for p in theme.stylesheets(kind)):
        sheet, loads = _loading_nothing(read_regular(path).decode("utf-8", errors="replace"))
        sheets.append(sheet)
        if loads:
            warnings.append(Problem(f"theme '{theme.name}': {loads} url() or @import left out of "
                                    "the e-book's stylesheet (it carries no file but its fonts)",
                                    path, warning=True))
    stylesheet = "\n".join(sheets)
    css = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css")
    ebook.add_item(css)
    names = image_files(images)
    for image, name in names.items():
        ebook.add_item(epub.EpubItem(
            uid=f"image-{Path(name).stem}", file_name=name,
            media_type=mimetypes.guess_type(image)[0] or "application/octet-stream",
            content=_image_bytes(root / "articles" / image)))

    lang = guide.language
    spine: list = [_document(
        ebook, css, "cover", "cover.xhtml", guide.title,
        f'<div class="cover-image"><img src="{cover_name}" '
        f'alt="{escape(theme.label("cover_image") + guide.title)}"/></div>',
        lang)]
    spine.append(_document(ebook, css, "titlepage", "titlepage.xhtml", guide.title,
                           render_template(theme, "partials/titlepage.html", book, client=client),
                           lang))
    spine.append(_document(ebook, css, "copyright", "copyright.xhtml", theme.label("copyright"),
                           render_template(theme, "partials/copyright.html", book), lang))
    spine.append("nav")
    toc = []
    for number, part in enumerate(book.parts, start=1):
        opener = _document(ebook, css, part.anchor, part_file(part), part.category.name,
                           render_template(theme, "partials/part.html", book, part=part,
                                           part_number=number), lang)
        spine.append(opener)
        links = []
        for chapter in part.chapters:
            article = chapter.article
            spine.append(_document(ebook, css, article.anchor, chapter_file(article),
                                   article.title, _chapter_body(theme, book, chapter, names), lang))
            links.append(epub.Link(chapter_file(article), article.title, uid=article.anchor))
        toc.append((epub.Section(part.category.name, href=part_file(part)), links))
    spine.append(_document(ebook, css, APPENDIX_SOURCES, "appendix.xhtml", theme.label("sources"),
                           render_template(theme, "partials/appendix.html", book), lang))
    toc.append(epub.Link("appendix.xhtml", theme.label("sources"), uid=APPENDIX_SOURCES))
    ebook.toc = toc
    ebook.spine = spine
    if embed:
        text = stylesheet + "".join(visible_text(item.content) + item.title
                                    for item in spine if isinstance(item, epub.EpubHtml))
        fonts_css = _embedded_fonts(ebook, theme, text + theme.label("contents"))
        stylesheet = fonts_css + "\n" + stylesheet
    css.content = stylesheet.encode("utf-8")
    pages = _may_mark_pages(ebook)
    ebook.add_item(epub.EpubNcx())
    ebook.add_item(epub.EpubNav(title=theme.label("contents")))

    raw = io.BytesIO()
    # not compressed: the archive is compressed once, as it is rewritten
    epub.write_epub(raw, ebook, {"mtime": modified(book), "raise_exceptions": True,
                                 "compresslevel": 0, "epub3_pages": pages})
    data = _normalised(raw.getvalue(), modified(book), lang,
                       f"{ebook.FOLDER_NAME}/{cover_name}", lambda: cover.result()[0])
    cover_warnings = cover.result()[1]
    return RenderedEpub(data, documents=len(spine), warnings=cover_warnings + warnings)


def _may_mark_pages(ebook: epub.EpubBook) -> bool:
    """Whether a document may hold an element with an `epub:type` (and an id), which ebooklib
    lists in the navigation's page-list. It looks for them by parsing every document again,
    half its writing time, and finds none where no document names an epub:type."""
    return any("epub:type" in item.content.lower()
               for item in ebook.get_items_of_type(ebooklib.ITEM_DOCUMENT))


def _normalised(data: bytes, when: dt.datetime, language: str, cover_entry: str,
                cover_bytes: Callable[[], bytes]) -> bytes:
    """The same archive with fixed entry times and the package's xml:lang set, and the cover
    image's bytes in its entry (written empty): they are asked for only when the archive
    reaches it, so that the cover is drawn while ebooklib writes."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == cover_entry:
                content = cover_bytes()
            elif info.filename.endswith(".opf") and b"xml:lang=" not in content[:400]:
                content = content.replace(b"<package ", f'<package xml:lang="{language}" '.encode(), 1)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.external_attr = 0o644 << 16
            if info.filename == "mimetype":
                target.writestr(entry, content, compress_type=zipfile.ZIP_STORED)
            else:
                target.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return output.getvalue()
