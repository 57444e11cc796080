"""Placeholder font programs for documents whose fonts are re-subset when they are merged.

WeasyPrint subsets every font of every document it writes: for a CJK face that is about
60 ms a face a document, which in a book laid out in dozens of chunks is spent for nothing,
since the merge (`pdf.fontmerge`) re-subsets each face once from the installed font for the
whole book. In such documents each face is embedded as a placeholder instead: the face cut
down to its .notdef glyph, keeping the name table by which the merge finds the installed face.
A placeholder cannot draw the text, and the merge refuses to leave one in a book.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import Iterator

import uharfbuzz as hb
from weasyprint.pdf import fonts as weasyprint_fonts

_SUBSET = weasyprint_fonts.Font.subset


def _placeholder_subset(font, to_unicode, hinting) -> None:
    if (not to_unicode or font.bitmap or font.png or font.svg or font.colr or font.missing
            or "fvar" in font.tables):
        return _SUBSET(font, to_unicode, hinting)  # rewritten after subsetting: kept whole
    content = font.file_content
    # the start of a font file holds its table directory, with every table's checksum
    key = (len(content), font.index, hashlib.sha256(content[:65536]).digest())
    if key not in _PLACEHOLDERS:
        subset_input = hb.SubsetInput()
        subset_input.glyph_set.add(0)
        subset_input.flags = hb.SubsetFlags.NO_HINTING
        _PLACEHOLDERS[key] = hb.subset(hb.Face(hb.Blob(content), font.index),
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
    try:
        yield
    finally:
        weasyprint_fonts.Font.subset = _SUBSET
