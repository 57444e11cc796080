"""Chunks laid out apart, made into one PDF: their pages in order, each with its furniture
drawn over it, one named destination per anchor, the links between chunks, one outline, and
one embedded subset per font face. The pages are written out a furniture group at a time
(`book_writer`), so that the merge holds one group's documents, not the book."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from tqdm import tqdm

from ...errors import Problem
from ..contract import OWN_ID_PREFIX
from .book_writer import Anchor, Bookmark, BookWriter, point
from .furniture import ChunkPages
from ..layout_job import Box, LaidOut


@dataclass(frozen=True)
class Furniture:
    """A laid-out furniture document: its pages from `lead` on go over the book's pages from
    page `first` (from 1) on."""

    laid_out: LaidOut
    first: int
    lead: int
    count: int


@dataclass(frozen=True)
class Merged:
    missing_anchors: tuple[str, ...]  # link targets that are nowhere in the book
    warnings: tuple[Problem, ...] = ()


def book_anchors(placed: list[ChunkPages], only: set[str] | None = None,
                 ) -> dict[str, tuple[int, Box, float]]:
    """Every anchor of the book (or those named in `only`): name -> (page index in the book,
    box, page height). Facts put aside (`LaidOut.set_aside`) are read back a chunk at a time;
    equal boxes are held as one (2,000 articles: 24,000 anchors, 1,900 different boxes)."""
    anchors: dict[str, tuple[int, Box, float]] = {}
    boxes: dict[Box, Box] = {}
    for chunk in placed:
        for name, (page, box) in chunk.text.with_facts().anchors.items():
            if page < chunk.kept and not name.startswith(OWN_ID_PREFIX) and (
                    only is None or name in only):
                anchors.setdefault(name, (chunk.first - 1 + page, boxes.setdefault(box, box),
                                          chunk.text.height))
    return anchors


def merge(placed: list[ChunkPages], furniture: list[Furniture], file: Path) -> Merged:
    """The book, written into `file` one furniture group of pages at a time: only that group's
    chunks are open at once, and the book is never held in memory whole."""
    with open(file, "wb") as out:
        return _merge_into(out, placed, furniture)


def _merge_into(out: BinaryIO, placed: list[ChunkPages], furniture: list[Furniture]) -> Merged:
    book = BookWriter(out)
    anchors = book_anchors(placed)
    slots = _slots(placed)
    missing: dict[str, None] = {}
    with tqdm(total=sum(group.count for group in furniture), desc="merge", unit="page",
              disable=None, leave=False) as bar:
        for group in furniture:
            end = group.first + group.count
            chunks = [chunk for chunk in placed if group.first <= chunk.first < end]
            missing.update(dict.fromkeys(_merge_group(book, chunks, group, anchors, slots)))
            bar.update(group.count)
    font_warnings = book.finish(
        {name: Anchor(page, *point(x1, y1, height))
         for name, (page, (x1, y1, _, _), height) in anchors.items()},
        _bookmarks(placed))
    return Merged(tuple(missing), font_warnings)


def _merge_group(book: BookWriter, chunks: list[ChunkPages], group: Furniture,
                 anchors: dict[str, tuple[int, Box, float]],
                 slots: dict[int, tuple[Box, ...]]) -> tuple[str, ...]:
    """Write the pages of `chunks` with the furniture of `group` drawn on them; the link
    targets they name that are nowhere in the book."""
    sources = [_open(chunk.text) for chunk in chunks]
    over = _open(group.laid_out)
    try:
        pdf = sources[0]
        del pdf.pages[chunks[0].kept:]
        with warnings.catch_warnings():
            # named destinations are not copied with pages: the book's are made at the end
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            for chunk, source in zip(chunks[1:], sources[1:]):
                pdf.pages.extend(list(source.pages)[:chunk.kept])
        pages = list(pdf.pages)  # indexing pikepdf's page list is slow
        overlay = _Overlay(pdf, over)
        over_pages = list(over.pages)
        first = group.first - 1  # the book's index of pages[0]
        for index, page in enumerate(pages):
            overlay.draw(page, over_pages[group.lead + index], slots.get(first + index, ()))
        missing = _links_between_chunks(pages, pdf, chunks, anchors)
        book.write_pages(pdf, pages)
        return missing
    finally:
        for source in (*sources, over):
            source.close()


def _open(laid_out: LaidOut) -> pikepdf.Pdf:
    pdf = laid_out.pdf
    return pikepdf.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))


def _bookmarks(placed: list[ChunkPages]) -> list[Bookmark]:
    marks: list[Bookmark] = []
    stack: list[tuple[int, int | None]] = [(0, None)]
    for chunk in placed:
        for page, level, label, x, y in chunk.text.with_facts().bookmarks:
            if page >= chunk.kept:
                continue
            while stack[-1][0] >= level:
                stack.pop()
            marks.append(Bookmark(chunk.first - 1 + page, stack[-1][1], label,
                                  *point(x, y, chunk.text.height)))
            stack.append((level, len(marks) - 1))
    return marks


class _Overlay:
    """A furniture document whose pages are written into the book's pages: its drawing is
    appended to each page's own, in one content stream, with its resources renamed so that
    they cannot clash with the page's. (A form XObject a page would cost 0.4 KB a page.)"""

    CATEGORIES = ("/Font", "/ExtGState", "/XObject", "/Pattern", "/Shading", "/ColorSpace")

    def __init__(self, book: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
        self.book = book
        self.source = source
        self.renamed: dict[object, _Renamed] = {}
        self.merged: dict[tuple[object, object], Dictionary] = {}  # see draw_on_page

    def _resources(self, resources: Dictionary) -> _Renamed:
        if _identity(resources) not in self.renamed:
            names: dict[str, Name] = {}
            renamed: dict[str, Dictionary] = {}
            for category in self.CATEGORIES:
                entries = resources.get(category)
                if not isinstance(entries, Dictionary):
                    continue
                renamed[category] = Dictionary()
                for key in sorted(entries.keys()):
                    new = Name("/gb-" + key[1:])
                    names[key] = new
                    value = entries[key]
                    if not value.is_indirect:
                        value = self.source.make_indirect(value)
                    renamed[category][new] = self.book.copy_foreign(value)
            written = ({key[1:].encode(): str(new).encode() for key, new in names.items()}
                       if all(_PLAIN_NAME.fullmatch(key) for key in names) else None)
            self.renamed[_identity(resources)] = _Renamed(names, written, renamed)
        return self.renamed[_identity(resources)]

    def draw(self, page: pikepdf.Page, over: pikepdf.Page, slots: tuple[Box, ...] = ()) -> None:
        resources = self._resources(over.obj.Resources)
        drawing = None if slots else _renamed_drawing(over, resources.written)
        if drawing is None:
            names = resources.names
            ops = [([names.get(str(o), o) if isinstance(o, Name) else o for o in operands],
                    operator) for operands, operator in _parsed(over)]
            if slots:
                _put_numbers_in_slots(self.book, page, slots, _take_texts_in(ops, slots))
            drawing = pikepdf.unparse_content_stream(ops)
        draw_on_page(self.book, page, drawing, resources.resources, self.merged,
                     _identity(over.obj.Resources))


@dataclass(frozen=True)
class _Renamed:
    """A furniture page's resources as the book holds them: old name -> new name, the same
    as written in a drawing (None if a name would need escaping there), and the renamed
    resources (category -> new name -> object copied into the book)."""

    names: dict[str, Name]
    written: dict[bytes, bytes] | None
    resources: dict[str, Dictionary]


_NAME = re.compile(rb"/([^\0\s()<>\[\]{}/%]*)")
_NOT_PLAIN = re.compile(rb"[(%#]|<<|\[[^\]]*/|\bBI\b")
_PLAIN_NAME = re.compile(r"/(?:(?![()<>\[\]{}/%#])[!-~])+")


def _renamed_drawing(over: pikepdf.Page, names: dict[bytes, bytes] | None) -> bytes | None:
    """The furniture page's drawing as it was written, its resource names replaced, without
    parsing it (a fifth of the merge went to parsing and writing it out again). None when
    a name or the drawing holds what a name could hide in (literal strings, comments, escaped
    names, dictionaries, names in arrays, inline images): then it is parsed."""
    if names is None:
        return None
    drawing = _content(over.obj)
    if _NOT_PLAIN.search(drawing):
        return None
    return _NAME.sub(lambda m: names.get(m.group(1), m.group()), drawing)


def _content(page: Dictionary) -> bytes:
    """A page's drawing, its content streams joined."""
    contents = page.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return contents.read_bytes() if contents is not None else b""


def _slots(placed: list[ChunkPages]) -> dict[int, tuple[Box, ...]]:
    """The page-number slots of the book (contents, "see page N"), by page index."""
    found: dict[int, list[Box]] = {}
    for chunk in placed:
        anchors = chunk.text.with_facts().anchors if chunk.refs.slots else {}
        for slot in chunk.refs.slots:
            page, box = anchors[slot]
            if page < chunk.kept:
                found.setdefault(chunk.first - 1 + page, []).append(box)
    return {page: tuple(boxes) for page, boxes in found.items()}


_TEXT_STATE = {"gs", "rg", "g", "k", "cs", "scn", "sc"}
Ops = list[tuple[list, pikepdf.Operator]]


def _parsed(page: pikepdf.Page) -> Ops:
    """A page's content as (operands, operator) pairs: pikepdf's instructions are read by
    attribute, ten times faster than unpacked as sequences."""
    return [(i.operands, i.operator) for i in pikepdf.parse_content_stream(page)]


def _text_objects(ops: Ops, names: list[str]):
    """(start, end, x, y) of each text object (BT ... ET) and where its first Tm puts it;
    `names` are the operators' names."""
    start = None
    for index, name in enumerate(names):
        if name == "BT":
            start, where = index, None
        elif name == "Tm" and start is not None and where is None:
            operands = ops[index][0]
            where = (float(operands[4]), float(operands[5]))
        elif name == "ET" and start is not None:
            if where is not None:
                yield start, index, *where
            start = None


def _inside(x: float, y: float, slot: Box, exact_left: bool) -> bool:
    x1, y1, x2, y2 = slot
    return y1 <= y <= y2 and (abs(x - x1) < 0.5 if exact_left else x1 - 0.5 <= x <= x2 + 0.5)


def _take_texts_in(ops: Ops, slots: tuple[Box, ...]) -> list[Ops | None]:
    """For each slot in turn, remove from `ops` the first text object drawn in it and return
    it, with the colour and graphics state it is drawn in (None if there is none)."""
    names = [str(operator) for _, operator in ops]
    objects = list(_text_objects(ops, names))
    states = [i for i, name in enumerate(names) if name in _TEXT_STATE]
    taken: list[tuple[int, int]] = []
    found: list[Ops | None] = []
    for slot in slots:
        chosen = next(((start, end) for start, end, x, y in objects
                       if (start, end) not in taken and _inside(x, y, slot, exact_left=False)),
                      None)
        if chosen is None:
            found.append(None)
            continue
        start, end = chosen
        state = {}
        for i in states:
            if i >= start:
                break
            if not any(s <= i <= e for s, e in taken):
                state[names[i] if names[i] == "gs" else "colour"] = ops[i]
        taken.append(chosen)
        found.append(list(state.values()) + ops[start:end + 1])
    for start, end in sorted(taken, reverse=True):
        del ops[start:end + 1]
    return found


def _put_numbers_in_slots(pdf: pikepdf.Pdf, page: pikepdf.Page, slots: tuple[Box, ...],
                          numbers: list[Ops | None]) -> None:
    """Draw each page number where its slot's invisible placeholder was drawn, so that it is
    read (in content-stream order: text extraction, screen readers, search) where it stands."""
    ops = list(pikepdf.parse_content_stream(page))  # kept as instructions: unparsed as written
    objects = list(_text_objects(ops, [str(i.operator) for i in ops]))
    replaced: dict[int, tuple[int, Ops]] = {}
    unplaced: Ops = []
    for slot, number in zip(slots, numbers):
        placeholder = next(((start, end) for start, end, x, y in objects
                            if start not in replaced and _inside(x, y, slot, exact_left=True)),
                           None)
        if placeholder is None:  # drawn after the page's text, as furniture is
            unplaced += [([], pikepdf.Operator("q")), *(number or []), ([], pikepdf.Operator("Q"))]
            continue
        start, end = placeholder
        replaced[start] = (end, number or [])  # without one, the number is drawn with the furniture
    for start in sorted(replaced, reverse=True):
        end, number = replaced[start]
        ops[start:end + 1] = number
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops + unplaced))


def _identity(obj: pikepdf.Object) -> tuple[int, int] | bytes:
    return obj.objgen if obj.is_indirect else obj.unparse()


def draw_on_page(pdf: pikepdf.Pdf, page: pikepdf.Page, drawing: bytes,
                 resources: dict[str, Dictionary], shared: dict[tuple[object, object], Dictionary],
                 key: object) -> None:
    """Add `drawing` after the page's own, in its one content stream (more streams a page cost
    0.2 KB a page), with the `resources` it uses (category -> name -> object) added to the
    page's. Pages that had the same resources and get the same ones (`key`) share the result
    in `shared`."""
    page.obj.Contents = pdf.make_stream(b"q\n" + _content(page.obj) + b"\nQ\n" + drawing)
    both = (_identity(page.obj.Resources), key)
    if both not in shared:
        merged = Dictionary({k: v for k, v in page.obj.Resources.items()})
        for category, entries in resources.items():
            added = Dictionary({k: v for k, v in merged.get(category, {}).items()})
            for name, value in entries.items():
                added[name] = value
            merged[category] = added
        shared[both] = pdf.make_indirect(merged)
    page.obj.Resources = shared[both]


def _links_between_chunks(pages: list[pikepdf.Page], pdf: pikepdf.Pdf, chunks: list[ChunkPages],
                          anchors: dict[str, tuple[int, Box, float]]) -> tuple[str, ...]:
    """Links to other chunks, which WeasyPrint could not make, added to the pages of `chunks`
    (the first of them at `pages[0]`); the targets that are nowhere in the book."""
    missing: dict[str, None] = {}
    for chunk in chunks:
        height = chunk.text.height
        for page, target, (x1, y1, x2, y2) in chunk.text.with_facts().foreign_links:
            if page >= chunk.kept:
                continue
            if target not in anchors:
                missing[target] = None
                continue
            pdf_page = pages[chunk.first - chunks[0].first + page].obj
            if "/Annots" not in pdf_page:
                pdf_page.Annots = Array()
            pdf_page.Annots.append(pdf.make_indirect(Dictionary(
                Type=Name.Annot, Subtype=Name.Link, BS=Dictionary(W=0), Dest=String(target),
                Rect=Array([*point(x1, y2, height), *point(x2, y1, height)]))))
    return tuple(missing)
