"""Embed each font face once in a PDF concatenated from separately laid-out chunks.

Every WeasyPrint chunk embeds its own subset of the same fonts. WeasyPrint subsets with
HarfBuzz's RETAIN_GIDS, so the CIDs in every chunk's content streams are the original font's
glyph ids: re-subsetting the original font with the union of the glyphs lets all chunks share
one font program without rewriting any content stream. Chunks may embed placeholders instead
of subsets (render/font_placeholders.py); every one of them is replaced here, or the merge
fails: a placeholder cannot draw the text.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, Stream

from ...errors import GuideError, Problem
from .pdf_writer import Copier, PdfWriter

Face = tuple[str, int]  # original font file and index in its collection
Number = int | Decimal

_DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT",
                "SVG ")
# WeasyPrint rewrites fonts with these tables after subsetting (variable instances, emoji), so
# the original file no longer describes what was embedded.
_REWRITTEN_TABLES = {"fvar", "CBDT", "COLR", "SVG ", "sbix"}
_HEX = r"<([0-9A-Fa-f]*)>"
_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass
class _Variant:
    """Copies of a face that can share one font dictionary (written as object `number`): no
    glyph has two widths or texts. `template` is the first copy, held by the merger's own PDF
    without its font program."""

    number: int
    template: Dictionary
    widths: dict[int, Number] = field(default_factory=dict)
    text: dict[int, str] = field(default_factory=dict)
    box: list[Number] = field(default_factory=list)

    def accepts(self, widths: dict[int, Number], text: dict[int, str]) -> bool:
        return (all(self.widths.get(gid, width) == width for gid, width in widths.items())
                and all(self.text.get(gid, chars) == chars for gid, chars in text.items()))

    def add(self, font: Dictionary, widths: dict[int, Number], text: dict[int, str]) -> None:
        self.widths.update(widths)
        self.text.update(text)
        box = list(font.DescendantFonts[0].FontDescriptor.FontBBox)
        self.box = box if not self.box else [min(self.box[0], box[0]), min(self.box[1], box[1]),
                                             max(self.box[2], box[2]), max(self.box[3], box[3])]


class FontMerger:
    """Gives every copy of a font face met in the chunks of a book (`number_for`) the number
    of the font dictionary that replaces it, and writes those dictionaries, sharing one new
    subset per face, once every chunk has been seen (`write`).

    Faces whose original font cannot be found on this system, or that HarfBuzz cannot subset,
    are left as they are (with a warning: the PDF is then larger than it need be).
    """

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.templates = pikepdf.new()
        self.variants: dict[Face, dict[tuple[object, ...], list[_Variant]]] = {}
        self.missing_glyphs: set[Face] = set()
        self.not_installed: set[str] = set()
        self.unmergeable: set[Face] = set()
        self.warnings: list[Problem] = []
        if _installed() is None:
            self.warnings.append(_warning("fc-list failed: embedded font subsets are left "
                                          "unmerged"))

    def number_for(self, font: pikepdf.Object) -> int | None:
        """The object number that stands for this font dictionary in the book, or None when
        it is copied as it is (not a font, or a face left unmerged)."""
        if (font_file := _font_file(font)) is None or (names := _names(font_file)) is None:
            return None
        face = _original(*names)
        if face is None or face in self.unmergeable or not self._subsets(face):
            if _is_placeholder(font):
                raise GuideError(f"font {names[0]} was laid out but is not installed here "
                                 "(or not the same version): install the same fonts "
                                 "('make install') where the book is put together")
            if face is None:
                self.not_installed.add(names[0])
            return None
        widths, text = _widths(font), _to_unicode(font)
        candidates = self.variants.setdefault(face, {}).setdefault(_signature(font), [])
        variant = next((v for v in candidates if v.accepts(widths, text)), None)
        if variant is None:
            variant = _Variant(self.writer.reserve(), self._template(font))
            candidates.append(variant)
        variant.add(font, widths, text)
        if font.get("/Encoding") != Name("/Identity-H"):
            self.missing_glyphs.add(face)
        return variant.number

    def write(self) -> tuple[Problem, ...]:
        """Write the merged font dictionaries; the warnings about faces left unmerged."""
        copier = Copier(self.writer, self.templates)
        for face in sorted(self.variants):
            variants = [v for group in self.variants[face].values() for v in group]
            glyphs = {gid for variant in variants for gid in (*variant.widths, *variant.text)}
            try:
                program = _subset(face, glyphs, face in self.missing_glyphs)
            except Exception as exc:
                raise GuideError(f"HarfBuzz could not subset the font {face[0]}: {exc}") from None
            font_file = Stream(self.templates, zlib.compress(program), Filter=Name.FlateDecode)
            if program[:4] == b"OTTO":
                font_file.Subtype = Name.OpenType
            else:
                font_file.Length1 = len(program)
            font_file = self.templates.make_indirect(font_file)
            for variant in variants:
                copier.write(variant.number, _font_dictionary(self.templates, variant, font_file))
        copier.flush()
        if self.not_installed:
            self.warnings.append(_warning("fonts not installed as they were embedded, left "
                                          "unmerged: " + ", ".join(sorted(self.not_installed))))
        return tuple(self.warnings)

    def _subsets(self, face: Face) -> bool:
        """Whether HarfBuzz can subset the face (asked once, with its first glyph)."""
        if face not in self.variants and face not in self.unmergeable:
            try:
                _subset(face, {0}, False)
            except Exception as exc:
                self.unmergeable.add(face)
                self.warnings.append(_warning(f"HarfBuzz could not subset {face[0]} ({exc}): "
                                              "its subsets are left unmerged"))
        return face not in self.unmergeable

    def _template(self, font: Dictionary) -> Dictionary:
        """A copy of `font` in the merger's own PDF without its font program, its other
        streams read now: the chunk it came from is closed before the merged fonts are made."""
        copied = self.templates.copy_foreign(font)
        descendant = copied.DescendantFonts[0]
        descriptor = descendant.FontDescriptor
        for key in _PROGRAMS:
            if key in descriptor:
                del descriptor[key]
        for holder in (copied, descendant, descriptor):
            for key in list(holder.keys()):
                if isinstance(holder[key], Stream):
                    holder[key] = self.templates.make_stream(holder[key].read_bytes())
        return copied


def _warning(message: str) -> Problem:
    return Problem(message, warning=True)


def _font_file(font: pikepdf.Object) -> Stream | None:
    """The embedded font program of a Type 0 font as WeasyPrint writes it, else None."""
    if not (isinstance(font, Dictionary) and font.is_indirect
            and font.get("/Subtype") == Name.Type0):
        return None
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) != 1:
        return None
    descriptor = descendants[0].get("/FontDescriptor", Dictionary())
    font_file = descriptor.get("/FontFile3", descriptor.get("/FontFile2"))
    return font_file if isinstance(font_file, Stream) else None


def _is_placeholder(font: Dictionary) -> bool:
    """Whether the font's embedded program lacks glyphs its text uses (a placeholder)."""
    try:
        program = TTFont(io.BytesIO(_font_file(font).read_bytes()), lazy=True)
        glyphs = program["maxp"].numGlyphs
    except Exception:
        return False
    return max(_widths(font), default=0) >= glyphs


def _names(font_file: Stream) -> tuple[str, str | None] | None:
    """PostScript name and version string of an embedded font program."""
    try:
        names = TTFont(io.BytesIO(font_file.read_bytes()), lazy=True)["name"]
    except Exception:  # not an OpenType font program, or no name table
        return None
    postscript_name = names.getDebugName(6)
    return None if postscript_name is None else (postscript_name, names.getDebugName(5))


@functools.cache
def _original(postscript_name: str, version: str | None) -> Face | None:
    """The installed face an embedded subset was made from."""
    for file, index in (_installed() or {}).get(postscript_name, []):
        try:
            original = TTFont(file, fontNumber=index, lazy=True)
        except Exception:
            continue
        if (original["name"].getDebugName(5) == version
                and not _REWRITTEN_TABLES & set(original.keys())):
            return file, index
    return None


@functools.cache
def _installed() -> dict[str, list[Face]] | None:
    """Installed faces by PostScript name, from fontconfig (None when it cannot be asked)."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{postscriptname}|%{index}|%{file}\n"],
            capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    faces: dict[str, list[Face]] = {}
    for line in listing.splitlines():
        postscript_name, index, file = line.split("|", 2)
        if postscript_name and index.isdigit():
            faces.setdefault(postscript_name, []).append((file, int(index)))
    return {name: sorted(set(found)) for name, found in faces.items()}


def _signature(font: Dictionary) -> tuple[object, ...]:
    """What must be equal for two copies to share a font dictionary, besides glyph data."""
    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    encoding = font.get("/Encoding")
    return (
        str(font.get("/BaseFont")),
        encoding.objgen if encoding is not None and encoding.is_indirect else str(encoding),
        str(descendant.get("/Subtype")),
        descendant.get("/DW", 1000),
        descriptor.get("/Ascent"),
        descriptor.get("/Descent"),
        descriptor.get("/ItalicAngle"),
        int(descriptor.get("/Flags", 0)) & ~1,
    )


def _widths(font: Dictionary) -> dict[int, Number]:
    items = list(font.DescendantFonts[0].get("/W", Array()))
    widths: dict[int, Number] = {}
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            widths.update({first + k: width for k, width in enumerate(items[i + 1])})
            i += 2
        else:
            widths.update(dict.fromkeys(range(first, int(items[i + 1]) + 1), items[i + 2]))
            i += 3
    return widths


def _to_unicode(font: Dictionary) -> dict[int, str]:
    cmap = font.get("/ToUnicode")
    if not isinstance(cmap, Stream):
        return {}
    source = cmap.read_bytes().decode("latin-1")
    text: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", source, re.S):
        for gid, chars in re.findall(rf"{_HEX}\s*{_HEX}", block):
            text[int(gid, 16)] = _utf16(chars)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", source, re.S):
        for low, high, target in re.findall(rf"{_HEX}\s*{_HEX}\s*(<[^>]*>|\[[^\]]*\])", block):
            gids = range(int(low, 16), int(high, 16) + 1)
            if target.startswith("["):
                text.update(zip(gids, map(_utf16, re.findall(_HEX, target))))
            elif chars := _utf16(target[1:-1]):
                text.update((gid, chars[:-1] + chr(ord(chars[-1]) + k))
                            for k, gid in enumerate(gids))
    return text


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", "surrogatepass")


@functools.lru_cache(maxsize=8)
def _hb_face(face: Face) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(face[0]), face[1])


def _subset(face: Face, glyphs: set[int], notdef_outline: bool) -> bytes:
    """Subset like WeasyPrint does (with its default hinting=False)."""
    original = _hb_face(face)
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(sorted(gid for gid in glyphs if gid < original.glyph_count))
    subset_input.drop_table_tag_set.update(
        int.from_bytes(tag.encode(), "big") for tag in _DROP_TABLES)
    flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
             | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING)
    if notdef_outline:
        flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    subset_input.flags = flags
    return hb.subset(original, subset_input).blob.data


def _font_dictionary(pdf: pikepdf.Pdf, variant: _Variant, font_file: Stream) -> Dictionary:
    """A copy of the variant's first font dictionary with the shared program and its glyphs."""
    template = variant.template
    descriptor = Dictionary(template.DescendantFonts[0].FontDescriptor)
    opentype = font_file.get("/Subtype") == Name.OpenType
    descriptor["/FontFile3" if opentype else "/FontFile2"] = font_file
    descriptor.FontBBox = Array(variant.box)
    widths = variant.widths
    fixed_pitch = len(widths) > 1 and len(set(widths.values())) == 1
    descriptor.Flags = (int(descriptor.get("/Flags", 0)) & ~1) | int(fixed_pitch)
    if "/CIDSet" in descriptor and widths:
        bits = bytearray(max(widths) // 8 + 1)
        for gid in widths:
            bits[gid // 8] |= 0x80 >> gid % 8
        descriptor.CIDSet = pdf.make_stream(bytes(bits))

    descendant = Dictionary(template.DescendantFonts[0])
    descendant.W = _width_array(widths)
    descendant.FontDescriptor = pdf.make_indirect(descriptor)
    font = Dictionary(template)
    font.DescendantFonts = Array([pdf.make_indirect(descendant)])
    if "/ToUnicode" in template:
        font.ToUnicode = Stream(pdf, zlib.compress(_cmap(variant.text)),
                                Filter=Name.FlateDecode)
    return pdf.make_indirect(font)


def _width_array(widths: dict[int, Number]) -> Array:
    items: list[object] = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            items += [gid, []]
        items[-1].append(widths[gid])
    return Array(items)


def _cmap(text: dict[int, str]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes it."""
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", "<< /Registry (Adobe)", "/Ordering (UCS)", "/Supplement 0", ">> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    gids = sorted(text)
    for start in range(0, len(gids), 100):
        batch = gids[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar")
        lines += [f"<{gid:04x}> <{text[gid].encode('utf-16-be', 'surrogatepass').hex()}>"
                  for gid in batch]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()
