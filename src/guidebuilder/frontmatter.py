"""Split YAML front matter from Markdown and parse it, keeping line numbers.

python-frontmatter splits and parses too, but it discards where each key was written; errors
here must name the line, so the split is done here (a dozen lines) and PyYAML's node marks are
kept. YAML's implicit timestamps are disabled: dates stay strings until the reader validates
them, so '2026-13-45' becomes a located error instead of a crash inside PyYAML.

libyaml's parser (where PyYAML has it) reads the YAML that both parsers read alike, ten times
faster; anything else, and every mistake, is read again by PyYAML's own parser, whose messages
and marks the errors are made of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import GuideError
from .yaml_errors import continued_item, duplicate_key, explain

FENCE = "---"


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_CLoader = None
if yaml.__with_libyaml__:
    class _CLoader(yaml.CSafeLoader):
        """_Loader with libyaml's parser."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

_PYYAML_ONLY = re.compile(r"[\t{?]|[|>][-+0-9]*#")
"""Where libyaml reads what PyYAML refuses, or marks nodes elsewhere: tabs, flow mappings,
explicit keys, a comment right after a block scalar's '|' or '>'."""
_NESTING = "[-:"
MAX_LIBYAML_NESTING = 100
"""Past this many of the characters that open a nested list or mapping, libyaml (which nests
up to 1,000 deep) could read what PyYAML cannot (it runs out of stack first)."""


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (with the marks the messages need) and its value, parsed once."""
    if _CLoader is not None and _libyaml_reads_alike(text):
        try:
            return _parse_with(_CLoader, text)
        except Exception:  # PyYAML says what is wrong, below
            pass
    return _parse_with(_Loader, text)


def _libyaml_reads_alike(text: str) -> bool:
    return (not _PYYAML_ONLY.search(text)
            and sum(text.count(char) for char in _NESTING) <= MAX_LIBYAML_NESTING)


def _parse_with(loader_class: type, text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Located:
    """A parsed YAML mapping with the line of every key (and of every list item under a key)."""

    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)

    def line(self, key: str, index: int | None = None) -> int | None:
        if index is not None and index < len(self.item_lines.get(key, [])):
            return self.item_lines[key][index]
        return self.key_lines.get(key)


def parse_yaml_mapping(text: str, path: Path, first_line: int = 1) -> Located:
    """Parse YAML text that must be a mapping; `first_line` is the file line the text starts on."""
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mistake = explain(exc, text)
        raise GuideError(f"invalid YAML: {mistake.message}", path,
                         first_line + mistake.line - 1) from None
    except yaml.YAMLError as exc:
        raise GuideError(f"invalid YAML: {exc}", path, first_line) from None
    except RecursionError:
        raise GuideError("invalid YAML: lists or mappings nested too deeply", path,
                         first_line) from None
    if data is None:
        return Located({})
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise GuideError("expected a mapping of 'key: value' lines", path, first_line)
    continued = continued_item(node, text)
    if continued is not None:
        raise GuideError(f"invalid YAML: {continued.message}", path,
                         first_line + continued.line - 1)
    twice = duplicate_key(node)
    if twice is not None:
        key, first, second = twice
        raise GuideError(f"'{key}' is written twice (also on line {first_line + first}): "
                         "keep one", path, first_line + second)
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        key_lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [first_line + item.start_mark.line for item in value_node.value]
    return Located({str(k): v for k, v in data.items()}, key_lines, item_lines)


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its front matter and its body."""

    meta: Located
    body: str
    body_line: int


def split(text: str, path: Path) -> Document:
    """Split `---` fenced front matter from the body. A file must start with front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise GuideError("the file must start with '---' and YAML front matter (title: ...)", path, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            meta = parse_yaml_mapping("\n".join(lines[1:index]), path, first_line=2)
            return Document(meta, "\n".join(lines[index + 1:]), index + 2)
    raise GuideError("front matter is not closed: add a line '---' after it", path, 1)
