"""Inter-character justification for WeasyPrint 70, as W3C clreq describes it.

WeasyPrint justifies a line only by widening its spaces (`layout/inline.py`, `justify_line`),
so a line of Han characters never reaches the end of the measure, and a line with one space
puts all that is left into it. Here a line that holds Chinese text is justified between its
characters instead: every Han character, full-width mark and space gets an equal share, as
Pango letter spacing, so that the glyphs move and no character is added to the text (text
extraction stays exact). A line without Chinese text is left to WeasyPrint.

The patch is narrow: `justify_line` of `weasyprint.layout.inline` is replaced, and
`Layout.set_text` of `weasyprint.text.line_break` adds the spacing when a line is drawn (the
laid-out Pango layout is dropped after layout and made again from its text for drawing).
`tests/test_typesetting.py` measures the result against the pinned WeasyPrint.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from ..errors import GuideError

__all__ = ["install", "is_justifiable"]

_WIDE_AMBIGUOUS = frozenset("“”‘’…—·")
WIDEST_SHARE = 0.15
"""Above this (in em) between Chinese characters, a line's Latin letters take a share too."""


def is_justifiable(char: str) -> bool:
    """Whether a justification opportunity is around `char`: a Han character, a full-width
    mark, or a space."""
    return (char in " \u00a0\u3000" or char in _WIDE_AMBIGUOUS
            or unicodedata.east_asian_width(char) in "WF")


def _has_chinese(box) -> bool:
    if isinstance(box, boxes.TextBox):
        return any(c != " " and is_justifiable(c) for c in box.text)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return any(_has_chinese(child) for child in box.children if child.is_in_normal_flow())
    return False


def _text_boxes(box):
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _opportunities(text: str, every: bool = False) -> list[int]:
    return [i for i, char in enumerate(text)
            if char != "\u200b" and (every or is_justifiable(char))]


def _spaced_layout(context, box, share: float, found: list[int]):
    """A Pango layout of the box's text with `share` of letter spacing on the characters at
    `found`, and the width it takes."""
    layout = line_break.create_layout(box.text, box.style, context, max_width=None,
                                      justification_spacing=0)
    sizes = [len(char.encode()) for char in box.text]
    starts = [0, *itertools.accumulate(sizes)]
    layout.character_spacing = (share, tuple((starts[i], starts[i] + sizes[i]) for i in found))
    layout.set_text(box.text, justify=True)
    line, _ = layout.get_first_line()
    width, _ = line_break.line_size(line, box.style)
    return layout, width


@dataclass
class _Share:
    """One text box of a line: its opportunities, and what it takes of the line's spacing."""

    box: object
    found: list[int]
    shares: float  # letter spacings inside the box (Pango drops the halves at its ends)
    edges: float  # halves before and after the box, given as space between boxes


def _plan(context, line, every: bool) -> list[_Share]:
    texts = list(_text_boxes(line))
    plans = []
    for box in texts:
        found = _opportunities(box.text, every)
        if not found:
            continue
        leads, trails = found[0] == 0, found[-1] == len(box.text) - 1
        shares = len(found) - 0.5 * leads - 0.5 * trails
        edges = 0.5 * (leads and box is not texts[0]) + 0.5 * (trails and box is not texts[-1])
        plans.append(_Share(box, found, shares, edges))
    return plans


def _spread(context, box, share: float, x_advance: float, plans: dict) -> float:
    """Move and widen the boxes of a line (as WeasyPrint's add_word_spacing does), giving
    each justifiable character `share` of letter spacing; returns the new x advance."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        plan = plans.get(id(box))
        if plan is None:
            return x_advance
        leads = plan.found[0] == 0 and plan.edges and box is not plans["first"]
        layout, width = _spaced_layout(context, box, share, plan.found)
        layout.deactivate()
        before = 0.5 * share if leads else 0.0
        after = share * plan.edges - before
        grown = width - box.width
        box.pango_layout = layout
        box.justification_spacing = 0
        box.position_x += before
        box.width = width
        return x_advance + before + grown + after
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        start = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, share, x_advance, plans)
        box.width += x_advance - start
        return x_advance
    box.translate(x_advance, 0)
    return x_advance


_weasyprint_justify_line = inline.justify_line
_weasyprint_set_text = line_break.Layout.set_text


def justify_line(context, line, extra_width):
    """Justify a line between its characters if it holds Chinese text, or if it has no space
    to widen (a line of a long URL); otherwise as WeasyPrint does."""
    if extra_width <= 0 or line.style["direction"] == "rtl":
        return _weasyprint_justify_line(context, line, extra_width)
    every = False
    if not _has_chinese(line):
        if inline.count_expandable_spaces(line):
            return _weasyprint_justify_line(context, line, extra_width)
        every = True
    plans = _plan(context, line, every)
    weight = sum(p.shares + p.edges for p in plans)
    if not every and weight > 0 and extra_width / weight > WIDEST_SHARE * line.style["font_size"]:
        every = True  # a few Chinese characters on a line of Latin: spread over all of them
        plans = _plan(context, line, every)
        weight = sum(p.shares + p.edges for p in plans)
    if weight <= 0:
        return _weasyprint_justify_line(context, line, extra_width)
    share = extra_width / weight
    texts = list(_text_boxes(line))
    _spread(context, line, share, 0, {"first": texts[0], **{id(p.box): p for p in plans}})


def set_text(self, text, justify=False):
    _weasyprint_set_text(self, text, justify)
    spacing = getattr(self, "character_spacing", None)
    if not justify or spacing is None or self.text != text:
        return
    share, ranges = spacing
    base = self.style["letter_spacing"]
    units = int(((0 if base == "normal" else base) + share) * TO_UNITS)
    attributes = pango.pango_layout_get_attributes(self.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    for start, end in ranges:
        attribute = pango.pango_attr_letter_spacing_new(units)
        attribute.start_index, attribute.end_index = start, end
        pango.pango_attr_list_change(attributes, attribute)
    pango.pango_layout_set_attributes(self.layout, attributes)


def install() -> None:
    """Switch WeasyPrint to inter-character justification (idempotent)."""
    if not weasyprint.__version__.startswith("70."):
        raise GuideError(f"guidebuilder's Chinese justification is written for WeasyPrint 70, "
                         f"and WeasyPrint {weasyprint.__version__} is installed: run 'make install'")
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text
