"""The article body: lines of text -> Markdown blocks, by the conventions the firm's editors use.

Numbered headings (`一、…` -> `##`, `1.1 …` -> `###`, `第一步:…` and `1、…` one level under the
`一、` sections), editor labels (`小编导语`, `小编总结`) alone on a line as headings, a run of
`1、` `2、` items as an ordered list, a run of bullets as a list, and a run of `label:text`
lines as a list with the labels in bold. Everything else is a paragraph, one per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .markdown_out import escape
from .page import Block, Heading, ItemList, Paragraph, Table

_CHINESE_NUMBER = "一二三四五六七八九十百零"
SECTION = re.compile(rf"^[{_CHINESE_NUMBER}]+[、.．]\s*(?=\S)")
SUBSECTION = re.compile(rf"^[(（][{_CHINESE_NUMBER}]+[)）]\s*(?=\S)")
DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)(?:\s+|、\s*)(?=\S)")
STEP = re.compile(rf"^第[{_CHINESE_NUMBER}\d]+步\s*[:：、.．]?\s*(?=\S)")
NUMBERED = re.compile(r"^(\d{1,2})(?:、|[.．](?!\d))\s*(?=\S)")
BULLET = re.compile(r"^[•·●▪■◆◇○▶►√✔]\s*(?=\S)|^[-*+]\s+(?=\S)")
EDITOR_LABEL = re.compile(r"^(小编导语|小编导读|小编总结|小编提示|小编寄语|小编有话说)\s*[:：]?$")
LABEL = re.compile(r"^(?P<label>[^\s:：,，。;；!！?？、()（）\"“”]{1,10})(?P<colon>[:：])\s*(?P<rest>\S.*)$")
_NOT_IN_HEADING = re.compile(r"[。；;]|[，,、]$")
HEADING_MAX = 40


@dataclass(frozen=True)
class Line:
    """One line of body text: its plain text, its line in the saved file, its inline Markdown
    (which keeps an HTML page's bold and links), and the heading level its HTML tag gave it."""

    text: str
    line: int | None = None
    markdown: str | None = None
    tag_level: int | None = None

    @property
    def inline(self) -> str:
        return self.markdown if self.markdown is not None else escape(self.text)


def heading_like(text: str) -> bool:
    return len(text) <= HEADING_MAX and not _NOT_IN_HEADING.search(text)


def blocks(items: Iterable[Line | Block]) -> tuple[Block, ...]:
    """Classify body lines; blocks already made (an HTML list or table) pass through."""
    items = [i for i in items if not isinstance(i, Line) or i.text.strip()]
    out: list[Block] = []
    sections_seen = False
    index = 0
    while index < len(items):
        item = items[index]
        if not isinstance(item, Line):
            out.append(item)
            index += 1
            continue
        text = item.text.strip()
        sub_level = 3 if sections_seen else 2
        level = _heading_level(text, sub_level)
        if item.tag_level is not None:
            out.append(Heading(level or item.tag_level, text))
            sections_seen |= bool(SECTION.match(text))
            index += 1
            continue
        run = _tab_run(items, index)
        if len(run) >= 2:  # a table copied from a page: its cells come tab-separated
            rows = [tuple(escape(cell.strip()) for cell in line.text.strip().split("\t")) for line in run]
            out.append(Table(rows[0], tuple(rows[1:])))
            index += len(run)
            continue
        run = _run(items, index, NUMBERED)
        if len(run) >= 2 and _counts_from_one(run):
            out.append(ItemList(tuple(_after(NUMBERED, line) for line in run), ordered=True))
            index += len(run)
            continue
        run = _run(items, index, BULLET)
        if run:
            out.append(ItemList(tuple(_after(BULLET, line) for line in run)))
            index += len(run)
            continue
        if level is not None:
            out.append(Heading(level, text))
            sections_seen |= bool(SECTION.match(text))
            index += 1
            continue
        run = _label_run(items, index)
        if len(run) >= 2:
            out.append(ItemList(tuple(_labelled(line) for line in run)))
            index += len(run)
            continue
        out.append(Paragraph(item.inline.strip()))
        index += 1
    return tuple(out)


def _heading_level(text: str, sub_level: int) -> int | None:
    if EDITOR_LABEL.match(text):
        return 2
    if not heading_like(text):
        return None
    if SECTION.match(text):
        return 2
    if match := DECIMAL.match(text):
        return min(2 + match.group(1).count("."), 4)
    if SUBSECTION.match(text) or STEP.match(text) or NUMBERED.match(text):
        return sub_level
    return None


def _from(items: list, start: int):
    """items[start:] without the copy: a copy per line made a page of 200,000 lines quadratic."""
    return (items[i] for i in range(start, len(items)))


def _run(items: list, start: int, pattern: re.Pattern[str]) -> list[Line]:
    run = []
    for item in _from(items, start):
        if not isinstance(item, Line) or item.tag_level is not None or not pattern.match(item.text.strip()):
            break
        run.append(item)
    return run


def _tab_run(items: list, start: int) -> list[Line]:
    """Lines with the same number (two or more) of tab-separated cells."""
    run: list[Line] = []
    for item in _from(items, start):
        if not isinstance(item, Line) or item.tag_level is not None or "\t" not in item.text.strip():
            break
        if run and item.text.strip().count("\t") != run[0].text.strip().count("\t"):
            break
        run.append(item)
    return run


def _label_run(items: list, start: int) -> list[Line]:
    run = []
    for item in _from(items, start):
        if not isinstance(item, Line) or item.tag_level is not None:
            break
        text = item.text.strip()
        label = LABEL.match(text)
        if not label or _heading_level(text, 2) is not None or EDITOR_LABEL.match(label.group("label")):
            break
        run.append(item)
    return run


def _counts_from_one(run: list[Line]) -> bool:
    numbers = [int(NUMBERED.match(line.text.strip()).group(1)) for line in run]
    return numbers == list(range(1, len(run) + 1))


def _after(pattern: re.Pattern[str], line: Line) -> str:
    """The item's inline Markdown without its number or bullet."""
    text = line.text.strip()
    marker = pattern.match(text).group(0)
    inline = line.inline.strip()
    escaped_marker = escape(marker)
    if inline.startswith(escaped_marker):
        return inline[len(escaped_marker):].strip()
    return escape(text[len(marker):].strip())


def _labelled(line: Line) -> str:
    match = LABEL.match(line.text.strip())
    return f"**{escape(match.group('label'))}**{match.group('colon')}{escape(match.group('rest'))}"
