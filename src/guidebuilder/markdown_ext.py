"""The one configured Markdown converter, and the small extension that makes article HTML safe
to put many articles into one book: ids get the article's prefix, images are collected."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor


class _BookTreeprocessor(Treeprocessor):
    """Prefix every id and in-article `#fragment` link; rewrite relative image paths."""

    def run(self, root: Element) -> None:
        md = self.md
        prefix = md.id_prefix  # type: ignore[attr-defined]
        for element in root.iter():
            if "id" in element.attrib:
                element.set("id", f"{prefix}{element.get('id')}")
            href = element.get("href")
            if href and href.startswith("#") and len(href) > 1:
                element.set("href", f"#{prefix}{href[1:]}")
            if element.tag == "img" and element.get("src"):
                element.set("src", self._image(element.get("src", "")))

    def _image(self, src: str) -> str:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or src.startswith("/"):
            return src
        base = self.md.image_base  # type: ignore[attr-defined]
        relative = posixpath.normpath(posixpath.join(base, parts.path))
        self.md.images.append((src, relative))  # type: ignore[attr-defined]
        return relative


class BookExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_BookTreeprocessor(md), "guidebuilder-book", 0)


class Converter:
    """Markdown to HTML for one article at a time, reusing one configured Markdown instance."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "footnotes", "attr_list", "toc", "sane_lists", BookExtension()],
            extension_configs={
                "toc": {"slugify": slugify_unicode},
                "footnotes": {"BACKLINK_TEXT": "↑", "BACKLINK_TITLE": "返回正文"},
            },
            output_format="xhtml",
        )

    def convert(self, text: str, id_prefix: str, image_base: str) -> tuple[str, list[tuple[str, str]]]:
        """Return the HTML and the images as (src as written, path relative to articles/)."""
        md = self._md
        md.reset()
        md.id_prefix = f"{id_prefix}-"  # type: ignore[attr-defined]
        md.image_base = image_base  # type: ignore[attr-defined]
        md.images = []  # type: ignore[attr-defined]
        return md.convert(text), list(md.images)  # type: ignore[attr-defined]
