"""Placeholder font programs for documents whose fonts are re-subset when they are merged.

WeasyPrint subsets every font of every document it writes: for a CJK face that is about
60 ms a face a document, which in a book laid out in dozens of chunks is spent for nothing,
since the merge (`pdf.fontmerge`) re-subsets each face once from the installed font for the
whole book. In such documents each face is embedded as a placeholder instead: the face cut
down to its .notdef glyph, keeping the name table by which the merge finds the installed face.
A placeholder cannot draw the text, and the merge refuses to leave one in a book.

Nor is a face's font file copied out of HarfBuzz for such a document (`_FaceFile`): a
placeholder needs only its length and its first bytes, and copying a 20 MB CJK font file was
12 ms a face a document. A face that WeasyPrint itself handles is copied as before.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import Iterator

import uharfbuzz as hb
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.text.ffi import ffi, harfbuzz

_SUBSET = weasyprint_fonts.Font.subset
_FONT_INIT = weasyprint_fonts.Font.__init__
_OBJECT_DATA = weasyprint_fonts.get_hb_object_data


class _FaceFile:
    """A face's font file read in place, in HarfBuzz's memory: its length and slices."""

    def __init__(self, hb_face) -> None:
        self.blob = ffi.gc(harfbuzz.hb_face_reference_blob(hb_face), harfbuzz.hb_blob_destroy)
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(self.blob, length)
        self.view = b"" if data == ffi.NULL else ffi.buffer(data, length[0])

    def __len__(self) -> int:
        return len(self.view)

    def __getitem__(self, index):
        return self.view[index]


def _object_data(hb_object, ot_color=None, glyph=None):
    if ot_color is None:
        return _FaceFile(hb_object)
    return _OBJECT_DATA(hb_object, ot_color, glyph)


def _copied(font) -> None:
    if isinstance(font.file_content, _FaceFile):
        font.file_content = font.file_content[:]


def _font_init(font, *args, **kwargs) -> None:
    _FONT_INIT(font, *args, **kwargs)
    if _kept_whole(font):
        _copied(font)


def _kept_whole(font) -> bool:
    """Whether WeasyPrint reads or rewrites the face's file itself."""
    return bool(font.bitmap or font.png or font.svg or font.colr or "fvar" in font.tables)


def _placeholder_subset(font, to_unicode, hinting) -> None:
    if not to_unicode or font.missing or _kept_whole(font):
        _copied(font)
        _SUBSET(font, to_unicode, hinting)  # rewritten after subsetting: kept whole
        _copied(font)
        return
    content = font.file_content
    # the start of a font file holds its table directory, with every table's checksum
    key = (len(content), font.index, hashlib.sha256(content[:65536]).digest())
    if key not in _PLACEHOLDERS:
        subset_input = hb.SubsetInput()
        subset_input.glyph_set.add(0)
        subset_input.flags = hb.SubsetFlags.NO_HINTING
        _PLACEHOLDERS[key] = hb.subset(hb.Face(hb.Blob(content[:]), font.index),
                                       subset_input).blob.data
    font.file_content = _PLACEHOLDERS[key]


_PLACEHOLDERS: dict[tuple[int, int, bytes], bytes] = {}


@contextmanager
def placeholder_fonts(enabled: bool) -> Iterator[None]:
    """While the block writes a PDF, embed placeholders instead of subsets (if `enabled`)."""
    if not enabled:
        yield
        return
    weasyprint_fonts.Font.subset = _placeholder_subset
    weasyprint_fonts.Font.__init__ = _font_init
    weasyprint_fonts.get_hb_object_data = _object_data
    try:
        yield
    finally:
        weasyprint_fonts.Font.subset = _SUBSET
        weasyprint_fonts.Font.__init__ = _FONT_INIT
        weasyprint_fonts.get_hb_object_data = _OBJECT_DATA
