"""The one configured Markdown converter (Python-Markdown and its standard extensions)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown import util
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify_unicode
from markdown.treeprocessors import InlineProcessor

NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "reference": ("[",),
    "link": ("[",), "image_link": ("![",), "image_reference": ("![",),
    "short_reference": ("[",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"),
}
"""For an inline pattern, by its registered name: strings one of which its expression needs."""


class SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, which tries every inline pattern on every text (most
    find nothing: the text of an article is mostly Chinese prose). A pattern whose expression
    needs a string the text does not hold is passed over as it would find nothing."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        registry = self.inlinePatterns
        needs: list[tuple[str, ...] | None] = [None] * len(registry)
        for name, strings in NEEDS.items():
            if name in registry:
                needs[registry.get_index_for_name(name)] = strings
        self._patterns = [(pattern, _any_of(need) if need else None)
                          for pattern, need in zip(registry, needs)]
        self._any_need = None if None in needs else _any_of(sum(needs, ()))

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString) or (
                self._any_need is not None and not self._any_need.search(data)):
            return data
        startIndex = 0
        while patternIndex < len(self._patterns):
            pattern, needs = self._patterns[patternIndex]
            if needs is not None and not needs.search(data):
                matched, startIndex = False, 0
            else:
                data, matched, startIndex = self._InlineProcessor__applyPattern(
                    pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


def _any_of(strings: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, strings)))


class HeadingIds(TocTreeprocessor):
    """The toc extension, for its heading ids and a `[TOC]` marker's list of contents: that
    list, which it builds and serialises for every article, is built only where the marker
    may be (Markdown's own `toc` attribute is not used)."""

    def run(self, doc: etree.Element) -> None:
        self._marker_may_be = bool(self.marker) and any(
            element.text and element.text.strip() == self.marker for element in doc.iter())
        super().run(doc)

    def build_toc_div(self, toc_list: list) -> etree.Element:
        if self._marker_may_be:
            return super().build_toc_div(toc_list)
        return etree.Element("div")

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self._marker_may_be:
            super().replace_marker(root, elem)


class _Toc(TocExtension):
    TreeProcessorClass = HeadingIds


class Converter:
    """Markdown to HTML for one article at a time, reusing one configured Markdown instance."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "footnotes", "attr_list", _Toc(slugify=slugify_unicode),
                        "sane_lists"],
            extension_configs={
                "footnotes": {"BACKLINK_TEXT": "↑", "BACKLINK_TITLE": "返回正文"},
            },
            output_format="xhtml",
        )
        self._md.treeprocessors.register(SkippingInlineProcessor(self._md), "inline", 20)

    def convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)
