"""The one configured Markdown converter (Python-Markdown and its standard extensions)."""

from __future__ import annotations

import markdown
from markdown.extensions.toc import slugify_unicode


class Converter:
    """Markdown to HTML for one article at a time, reusing one configured Markdown instance."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "footnotes", "attr_list", "toc", "sane_lists"],
            extension_configs={
                "toc": {"slugify": slugify_unicode},
                "footnotes": {"BACKLINK_TEXT": "↑", "BACKLINK_TITLE": "返回正文"},
            },
            output_format="xhtml",
        )

    def convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)
