"""The book's PDF written as its pages come: pages from any number of PDFs in turn, each
closed once its pages are written, then the page tree, the named destinations, the outline,
the merged fonts and the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import pikepdf
from pikepdf import Dictionary, Name, String

from ...errors import Problem
from .fontmerge import FontMerger
from .pdf_writer import Copier, PdfWriter

SCALE = 0.75  # CSS px -> PDF points


def point(x: float, y: float, height: float) -> tuple[float, float]:
    """A point of a laid-out page in PDF space."""
    return round(SCALE * x, 4), round(SCALE * (height - y), 4)


@dataclass(frozen=True, slots=True)
class Bookmark:
    page: int  # in the book, from 0
    parent: int | None  # index of the parent bookmark
    label: str
    left: float
    top: float


@dataclass(frozen=True, slots=True)
class Anchor:
    page: int  # in the book, from 0
    left: float
    top: float


class BookWriter:
    def __init__(self, out: BinaryIO) -> None:
        self.writer = PdfWriter(out)
        self.fonts = FontMerger(self.writer)
        self.tree = self.writer.reserve()
        self.pages: list[int] = []
        self.info: int | None = None
        self.catalog = b""  # the first PDF's catalog entries that are the book's too
        self.names = b""  # and those of its name dictionary

    def write_pages(self, pdf: pikepdf.Pdf, pages: list[pikepdf.Page]) -> None:
        """Write `pages` of `pdf` as the book's next pages, with what they use (every font
        face one merged font). The first PDF gives the book its document information."""
        numbers = [self.writer.reserve() for _ in pages]
        copier = Copier(self.writer, pdf, lambda obj: _not_a_page(obj) or self.fonts.number_for(obj))
        for page, number in zip(pages, numbers):
            copier.assign(page.obj, number)
        if not self.pages:
            if "/Info" in pdf.trailer:
                self.info = copier.number(pdf.trailer.Info)
            self.catalog = _entries(copier, pdf.Root, _BOOK_CATALOG)
            self.names = _entries(copier, pdf.Root.get("/Names", Dictionary()), {"/Dests"})
        for page, number in zip(pages, numbers):
            entries = Dictionary({key: value for key, value in page.obj.items()
                                  if key != "/Parent"})
            for key in _INHERITED:
                if key not in entries and (value := _inherited(page.obj, key)) is not None:
                    entries[key] = value
            self.writer.add(number, copier.encode(entries)[:-2] + b"/Parent %d 0 R>>" % self.tree)
            copier.flush()
        self.pages += numbers

    def finish(self, anchors: dict[str, Anchor], bookmarks: list[Bookmark]) -> tuple[Problem, ...]:
        """Write the rest of the book; the warnings about fonts left unmerged."""
        warnings = self.fonts.write()
        kids = b" ".join(b"%d 0 R" % number for number in self.pages)
        self.writer.add(self.tree, b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(self.pages), kids))
        dests = self.writer.reserve()
        self.writer.add(dests, b"<</Names[%s]>>" % b" ".join(
            String(name).unparse() + self._destination(anchor)
            for name, anchor in sorted(anchors.items())))
        entries = b"/Type/Catalog/Pages %d 0 R/Names<</Dests %d 0 R %s>>" % (
            self.tree, dests, self.names)
        if bookmarks:
            entries += b"/Outlines %d 0 R" % self._outline(bookmarks)
        root = self.writer.reserve()
        self.writer.add(root, b"<<" + entries + self.catalog + b">>")
        self.writer.finish(root, self.info)
        return warnings

    def _destination(self, anchor: Anchor | Bookmark) -> bytes:
        return b"[%d 0 R/XYZ %s %s 0]" % (self.pages[anchor.page], _real(anchor.left),
                                          _real(anchor.top))

    def _outline(self, bookmarks: list[Bookmark]) -> int:
        """The outline's root: every item open, as WeasyPrint and pikepdf write them."""
        root = self.writer.reserve()
        numbers = [self.writer.reserve() for _ in bookmarks]
        children: dict[int | None, list[int]] = {}
        for index, mark in enumerate(bookmarks):
            children.setdefault(mark.parent, []).append(index)
        shown: dict[int | None, int] = {}
        for index in reversed(range(len(bookmarks))):  # children come after their parent
            shown[index] = sum(1 + shown[child] for child in children.get(index, ()))
        shown[None] = sum(1 + shown[child] for child in children.get(None, ()))

        def family(parent: int | None) -> bytes:
            kids = children.get(parent, [])
            if not kids:
                return b"/Count 0"
            return b"/Count %d/First %d 0 R/Last %d 0 R" % (shown[parent], numbers[kids[0]],
                                                            numbers[kids[-1]])

        for index, mark in enumerate(bookmarks):
            siblings = children[mark.parent]
            at = siblings.index(index)
            entries = [b"/Title " + String(mark.label).unparse(),
                       b"/Parent %d 0 R" % (root if mark.parent is None else numbers[mark.parent]),
                       b"/Dest" + self._destination(mark), family(index)]
            if at > 0:
                entries.append(b"/Prev %d 0 R" % numbers[siblings[at - 1]])
            if at + 1 < len(siblings):
                entries.append(b"/Next %d 0 R" % numbers[siblings[at + 1]])
            self.writer.add(numbers[index], b"<<" + b"".join(entries) + b">>")
        self.writer.add(root, b"<<" + family(None) + b"/Type/Outlines>>")
        return root


_BOOK_CATALOG = {"/Type", "/Pages", "/Names", "/Outlines", "/Dests"}
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _entries(copier: Copier, dictionary: Dictionary, leave_out: set[str]) -> bytes:
    return b"".join(Name(key).unparse() + b" " + copier.reference_or_value(dictionary[key]) + b" "
                    for key in sorted(dictionary.keys()) if key not in leave_out)


def _inherited(page: Dictionary, key: str) -> pikepdf.Object | None:
    node = page.get("/Parent")
    while isinstance(node, Dictionary):
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _not_a_page(obj: pikepdf.Object) -> bytes | None:
    """A page or page tree node that is not one of the book's pages is referred to as null."""
    if isinstance(obj, Dictionary) and obj.get("/Type") in (Name.Page, Name.Pages):
        return b"null"
    return None


def _real(value: float) -> bytes:
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode()
