"""A read page -> the text of an article file: YAML front matter in the README's order, then the
body as Markdown with `##` / `###` headings."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .page import Block, Heading, ItemList, Page, Paragraph, Quote, Table

_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START_SPECIAL = re.compile(r"^(#|>|[-+*](?=\s)|=+\s*$|\d+(?=[.)]\s))")


def escape(text: str) -> str:
    """Plain text as inline Markdown that renders as the same text."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub("&amp;", text)
    return text.replace("<", "&lt;")


def code_span(text: str) -> str:
    """Text as one Markdown code span, whatever backticks it holds: the fence is one backtick
    longer than its longest run, so no backtick inside can close it early and leave the rest
    live Markdown (a link or an image)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def escape_line_start(markdown: str) -> str:
    """A paragraph that would otherwise open a heading, quote or list."""
    match = _LINE_START_SPECIAL.match(markdown)
    if not match:
        return markdown
    if match.group(0)[0].isdigit():
        end = match.end()
        return markdown[:end] + "\\" + markdown[end:]
    return "\\" + markdown


class _Dumper(yaml.SafeDumper):
    """Block style, with list items indented under their key as the README writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: ARG002
        return super().increase_indent(flow, False)


def front_matter(fields: dict[str, Any]) -> str:
    present = {k: v for k, v in fields.items() if v not in (None, "", [], ())}
    dumped = yaml.dump(present, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                       default_flow_style=False, width=10_000)
    return f"---\n{dumped}---\n"


# Markdown joins two lists that follow each other into one; an empty comment keeps them apart
# (the article sanitiser drops comments from the HTML).
LIST_SEPARATOR = "<!-- -->"


def body_markdown(blocks: tuple[Block, ...]) -> str:
    parts = []
    for index, block in enumerate(blocks):
        if index and isinstance(block, ItemList) and isinstance(blocks[index - 1], ItemList):
            parts.append(LIST_SEPARATOR)
        parts.append(_block(block))
    return "\n\n".join(parts) + "\n" if parts else ""


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {escape(block.text)}"
    if isinstance(block, Paragraph):
        return escape_line_start(block.markdown)
    if isinstance(block, ItemList):
        if block.ordered:
            return "\n".join(f"{n}. {item}" for n, item in enumerate(block.items, 1))
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Table):
        def row(cells: tuple[str, ...]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
        lines = [row(block.header), "| " + " | ".join("---" for _ in block.header) + " |"]
        return "\n".join(lines + [row(r) for r in block.rows])
    if isinstance(block, Quote):
        return f"> {block.markdown}"
    raise TypeError(f"unknown block {block!r}")


def article_text(page: Page, related: list[Any]) -> str:
    """The article file, without its import_hash. `related` holds the entries as written."""
    fields = {
        "title": page.title,
        "category": page.category,
        "author": page.author,
        "date": page.date,
        "source_url": page.source_url,
        "copyright": page.copyright,
        "related": related,
        "imported_from": page.source,
    }
    return front_matter(fields) + "\n" + body_markdown(page.body)
