"""The article text of a saved page: its HTML -> body lines and blocks (headings, lists, data
tables, quotes), with inline bold, italics and links kept as Markdown. Elements that are page
furniture are skipped; one that marks the end of the article (the QR-code line, the copyright
notice, the related list) stops the walk."""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import urljoin

from bs4 import Comment, NavigableString, Tag

from . import cms
from .body import Line
from .markdown_out import code_span, escape
from .page import Block, ItemList, Note, Quote, Table

_SKIPPED = {"nav", "aside", "footer", "figure"}
HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
CONTAINERS = {"p", "div", "section", "article", "header", "main", "center", "dl", "dt", "dd",
              "figcaption", "address", "pre"}
_BLOCK_TAGS = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "section", "article"}
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*|[ \t]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
# what an image stands for in a line's plain text, so that a paragraph of one image is kept
IMAGE_MARK = "\ufffc"


def flat(text: str) -> str:
    """HTML text with its source line breaks undone: one next to a CJK character is no space."""
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text)).strip()


class BodyReader:
    """Walks the article's container. `chrome` and `ends` hold the id()s of the elements the
    page reader found to be furniture and the end of the article; `clean` removes damage from a
    piece of text and notes it."""

    def __init__(self, chrome: set[int], ends: set[int], clean: Callable[[str, int | None], str],
                 notes: list[Note], image_base: str | None = None) -> None:
        self.chrome, self.ends, self._clean, self.notes = chrome, ends, clean, notes
        self.stopped = False
        # a fetched page's address: its images are kept, as absolute addresses, to be fetched
        self.image_base = image_base
        self.images: list[str] = []

    def walk(self, element: Tag, out: list[Line | Block]) -> None:
        buffer: list[tuple[str, str]] = []
        first_line = [element.sourceline]

        def flush() -> None:
            plain = flat("".join(p for p, _ in buffer))
            markdown = flat("".join(m for _, m in buffer))
            if plain and not cms.NAVIGATION.match(plain):
                out.append(Line(plain, first_line[0], markdown))
            buffer.clear()

        for child in element.children:
            if self.stopped:
                break
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if not buffer:
                    first_line[0] = element.sourceline
                buffer.append(self._inline(child))
                continue
            if not isinstance(child, Tag):
                continue
            if id(child) in self.ends:
                flush()
                self.stopped = True
                break
            if id(child) in self.chrome or child.name in _SKIPPED:
                flush()
                continue
            if child.name in HEADINGS:
                flush()
                plain, markdown = self._inline(child)
                if flat(plain):
                    out.append(Line(flat(plain), child.sourceline, flat(markdown), HEADINGS[child.name]))
            elif child.name in ("ul", "ol"):
                flush()
                if child.find("li", recursive=False) is None:
                    self.walk(child, out)  # a theme's list tag around the body, not a list
                else:
                    self._list(child, out)
            elif child.name == "table":
                flush()
                if _is_layout_table(child):
                    for cell in child.find_all(["td", "th"]):
                        if cell.find_parent("table") is child:
                            self.walk(cell, out)
                else:
                    self._table(child, out)
            elif child.name == "blockquote":
                flush()
                _, markdown = self._inline(child)
                if flat(markdown):
                    out.append(Quote(flat(markdown)))
            elif child.name in ("br", "hr"):
                flush()
            elif child.name in CONTAINERS or child.name == "li":
                flush()
                self.walk(child, out)
            else:
                if not buffer:
                    first_line[0] = child.sourceline
                buffer.append(self._inline(child))
        flush()

    def _inline(self, node) -> tuple[str, str]:
        """Plain text and inline Markdown of a node (bold, italics, links kept)."""
        if isinstance(node, Comment):
            return "", ""
        if isinstance(node, NavigableString):
            text = self._clean(str(node), node.parent.sourceline if node.parent else None)
            return text, escape(text)
        if id(node) in self.chrome:
            return "", ""
        if node.name == "br":
            return "\n", "\n"
        if node.name == "img":
            source = (node.get("data-original") or node.get("data-src") or node.get("src") or "").strip()
            if self.image_base is not None and source and not source.startswith("data:"):
                address = urljoin(self.image_base, source).replace(" ", "%20").replace(
                    "<", "%3C").replace(">", "%3E")
                self.images.append(address)
                return IMAGE_MARK, f"![{escape(flat(node.get('alt', '')))}](<{address}>)"
            self.notes.append(Note(f"image '{source}' not imported: add it to the article by hand",
                                   node.sourceline))
            return "", ""
        parts = [self._inline(child) for child in node.children]
        plain = "".join(p for p, _ in parts)
        markdown = "".join(m for _, m in parts)
        inner = flat(markdown)
        if not inner:
            return plain, markdown
        if node.name in ("strong", "b"):
            markdown = f"**{inner}**"
        elif node.name in ("em", "i"):
            markdown = f"*{inner}*"
        elif node.name == "code":
            markdown = code_span(flat(plain))
        elif node.name == "a" and node.get("href"):
            if cms.URL.fullmatch(node["href"].strip()):
                markdown = f"[{inner}]({node['href'].strip()})"
        return plain, markdown

    def _list(self, element: Tag, out: list[Line | Block]) -> None:
        items = []
        for item in element.find_all("li", recursive=False):
            _, markdown = self._inline(item)
            if flat(markdown):
                items.append(flat(markdown))
        if items:
            out.append(ItemList(tuple(items), ordered=element.name == "ol"))

    def _table(self, element: Tag, out: list[Line | Block]) -> None:
        rows = []
        for row in element.find_all("tr"):
            cells = tuple(flat(self._inline(cell)[1]) for cell in row.find_all(["th", "td"]))
            if cells:
                rows.append(cells)
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + ("",) * (width - len(r)) for r in rows]
        out.append(Table(rows[0], tuple(rows[1:])))


def _is_layout_table(table: Tag) -> bool:
    """A table used to lay the page out, not to hold data: one cell, or cells holding blocks
    (paragraphs, headings, other tables), as DedeCMS's editors wrap whole articles."""
    cells = [c for c in table.find_all(["td", "th"]) if c.find_parent("table") is table]
    if len(cells) <= 1:
        return True
    return any(cell.find(_BLOCK_TAGS) is not None for cell in cells)
