"""PyYAML's parser errors, said in words a person editing a guide can act on, at the line
that needs the change.

PyYAML reports two places: where the broken construct started (the "context") and where it
noticed (the "problem"). For an unclosed bracket or quote the start is what to fix; for
everything else (an indent too deep, a missing space after ':') it is the line it noticed,
or the line just above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:#]*:[^\s/]")
_KEY_LIKE = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:#]*\s*$")


@dataclass(frozen=True)
class YamlMistake:
    """Where to look (1-based line in the text given) and what to do."""

    line: int
    message: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_lines(lines: list[str], before: int) -> list[int]:
    """Indexes of the non-blank, non-comment lines before index `before`, nearest first."""
    return [i for i in range(before - 1, -1, -1)
            if lines[i].strip() and not lines[i].lstrip().startswith("#")]


def explain(exc: yaml.MarkedYAMLError, text: str) -> YamlMistake:
    """The line to fix and a message in words for a PyYAML error in `text`."""
    lines = text.split("\n")
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    at = mark.line if mark else 0
    line_text = lines[at] if at < len(lines) else ""
    above = _content_lines(lines, at)
    previous = lines[above[0]] if above else ""

    def said(index: int, words: str) -> YamlMistake:
        return YamlMistake(index + 1, words)

    start = exc.context_mark.line if exc.context_mark else at
    if "flow sequence" in context:
        return said(start, "a '[' opened on this line is not closed with ']'")
    if "flow mapping" in context:
        return said(start, "a '{' opened on this line is not closed with '}'")
    if "quoted scalar" in context:
        return said(start, "a quote opened on this line is not closed")
    if "'\\t'" in problem:
        return said(at, "this line has a tab: indent with spaces only")
    if "cannot start any token" in problem or any(
            what in context for what in ("an alias", "an anchor", "a tag", "a block scalar")):
        first = line_text[mark.column - (0 if "cannot start" in problem else 1):][:1] if mark else ""
        key = line_text.split(":", 1)[0].strip() if ":" in line_text else "title"
        return said(at, f"a value cannot start with '{first}': put the whole value in quotes, "
                        f"e.g. {key}: '{first}…'")
    if "mapping values are not allowed" in problem:
        if previous and (_KEY_WITHOUT_SPACE.match(previous) or _KEY_LIKE.match(previous)) \
                and _indent(line_text) <= _indent(previous):
            return said(above[0], _key_without_colon(previous))
        if previous and _indent(line_text) > _indent(previous):
            return said(at, "this line is indented more than the one above: "
                            "line it up with the key it belongs beside")
        return said(at, "this line has a second ': ' in its value: put the value in quotes, "
                        "e.g. title: '甲: 乙'")
    if "block end" in problem or "block mapping" in context or "block collection" in context:
        if mark and mark.column > _indent(line_text) and "<scalar>" in problem:
            return said(at, "there is more text after a closing quote on this line: put the "
                            "whole value in quotes of the other kind (' or \"), or write the "
                            "inner quotes as “ ” or 「 」")
        if previous and _indent(line_text) > _indent(previous):
            return said(at, "this line is indented more than the one above: "
                            "line it up with the key it belongs beside")
        if previous and _indent(line_text) < _indent(previous):
            return said(at, "this line is indented less than the one above, but not as "
                            "little as a key it could belong beside: line it up")
        return said(at, "this line's indentation does not match the lines above: "
                        "keys of the same level start in the same column")
    if "could not find expected ':'" in problem:
        return said(start, _key_without_colon(lines[start] if start < len(lines) else ""))
    return said(at, "this line cannot be read")


def _key_without_colon(line: str) -> str:
    """What is wrong with a line that should be `key: value` and is not."""
    if _KEY_WITHOUT_SPACE.match(line):
        return "put a space after the ':' on this line (key: value)"
    if "：" in line and ":" not in line:
        return "this line has a Chinese colon '：' after its key: use ':' followed by a space"
    return "this line has no ':' after its key (key: value)"


def duplicate_key(node: yaml.MappingNode) -> tuple[str, int, int] | None:
    """(key, first line, second line) of a key written twice at the top level, 0-based lines:
    PyYAML would silently keep the second."""
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        if key in seen:
            return key, seen[key], key_node.start_mark.line
        seen[key] = key_node.start_mark.line
    return None


def continued_item(node: yaml.Node, text: str) -> YamlMistake | None:
    """A line like `   - 金融债务` indented more than the list item above it is not an error
    to YAML: it continues that item's text ('信用卡 - 金融债务'). Nobody means that."""
    lines = text.split("\n")
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            stack.extend(value for pair in current.value for value in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.ScalarNode) and not current.style:  # plain: None, or libyaml's ''
            for index in range(current.start_mark.line + 1, current.end_mark.line + 1):
                if index < len(lines) and lines[index].lstrip().startswith("- "):
                    return YamlMistake(index + 1, "this line is read as more of the text "
                                                  "above, not as a new list item: line up the "
                                                  "'-' of every item, each on its own line")
    return None
