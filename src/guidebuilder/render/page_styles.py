"""Page styles computed once per kind of page, not once per page, in WeasyPrint 70.

WeasyPrint cascades and computes the style of every page and of each of its margin boxes
anew for every page (`layout/page.py`, `set_page_type_computed_styles`), because a page's
type holds its index, which `@page :nth()` may select on. A book's stylesheets seldom use
`:nth()`; without it, two pages on the same side, equally blank, of the same named page and
equally first or not, match the same `@page` rules and get the same styles. Here the second
such page takes the first one's computed styles, as WeasyPrint itself already does for
elements whose cascade is the same (`css/__init__.py`, `StyleFor.__init__`). About 30 % of the
time of laying out the page furniture went to these styles.

Where a stylesheet does use `:nth()`, every page is styled by WeasyPrint as before.
"""

from __future__ import annotations

from weasyprint.layout import page as page_layout

__all__ = ["install"]

_weasyprint_styles = page_layout.set_page_type_computed_styles


def _shared_styles(style_for) -> dict | None:
    """This document's page styles by kind of page; None if a stylesheet selects pages by
    `:nth()`."""
    if not hasattr(style_for, "_guidebuilder_page_styles"):
        by_index = any(selector[2].index is not None
                       for sheet, _, _ in style_for._sheets
                       for _, selectors, _ in sheet.page_rules
                       for selector in selectors)
        style_for._guidebuilder_page_styles = None if by_index else {}
    return style_for._guidebuilder_page_styles


def set_page_type_computed_styles(page_type, html, style_for) -> None:
    shared = _shared_styles(style_for)
    if shared is None:
        _weasyprint_styles(page_type, html, style_for)
        return
    kind = (page_type.side, page_type.blank, page_type.name, page_type.index == 0)
    computed = style_for.get_computed_styles()
    if kind not in shared:
        _weasyprint_styles(page_type, html, style_for)
        shared[kind] = {pseudo_type: computed[page_type, pseudo_type]
                        for element, pseudo_type in style_for.get_cascaded_styles()
                        if element == page_type}
        shared[kind][None] = computed[page_type, None]
    for pseudo_type, style in shared[kind].items():
        computed[page_type, pseudo_type] = style


def install() -> None:
    """Share page styles between pages of the same kind (idempotent)."""
    page_layout.set_page_type_computed_styles = set_page_type_computed_styles
