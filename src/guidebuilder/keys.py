"""How a key of a YAML file (a guide, a client edition, an article, a theme) is declared:
name, kind, default and one line of help. The declarations sit beside the dataclass each set
fills (model.py, theme.py); the readers, the dataclass defaults, the unknown-key checks and the
README's key tables are derived from them.

`python -m guidebuilder.keys --markdown` prints the tables; `--readme README.md` rewrites the
README's tables in place."""

from __future__ import annotations

import argparse
import enum
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator


class Kind(enum.Enum):
    """What a key's value is; the value is how the README says it."""

    TEXT = "text"
    TEXTS = "list of text"
    DATE = "date (YYYY-MM-DD)"
    SWITCH = "true or false"
    MONTHS = "number of months"
    PAGE_SIZE = "page size"
    LANGUAGE = "language tag"
    THEME = "theme name"
    PATH = "path in the project"
    RIGHTS = "text or mapping"
    EDITIONS = "list of mappings"
    MAPPING = "mapping"
    LINK = "text or {title, url}"
    RELATED = "list"


@dataclass(frozen=True)
class Key:
    name: str
    kind: Kind
    help: str
    default: Any = None
    required: str | None = None  # what to tell the user when it is missing or empty
    field: str | None = None  # the dataclass field it fills, when not named alike


class KeySet:
    """The keys of one kind of file, in the order the README lists them."""

    def __init__(self, title: str, *keys: Key) -> None:
        self.title = title  # the README table's marker: <!-- keys: title -->
        self.keys = keys
        self._by_name = {key.name: key for key in keys}

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys)

    def __getitem__(self, name: str) -> Key:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def default(self, name: str) -> Any:
        return self._by_name[name].default

    def unknown(self, data: dict[str, Any]) -> list[str]:
        return sorted(set(data) - self.names)

    def markdown(self) -> str:
        rows = ["| key | value | default | meaning |", "| --- | --- | --- | --- |"]
        for key in self.keys:
            rows.append(f"| `{key.name}` | {key.kind.value} | {_shown_default(key)} | "
                        f"{key.help} |")
        return "\n".join(rows)


def _shown_default(key: Key) -> str:
    if key.required:
        return "required"
    if isinstance(key.default, bool):
        return f"`{str(key.default).lower()}`"
    if isinstance(key.default, tuple) and key.default:
        return f"`[{', '.join(key.default)}]`"
    if isinstance(key.default, str):
        return f"`{key.default}`"
    return "none"


def all_key_sets() -> tuple[KeySet, ...]:
    from .model import ARTICLE_KEYS, EDITION_KEYS, GUIDE_KEYS
    from .theme import THEME_KEYS

    return GUIDE_KEYS, EDITION_KEYS, ARTICLE_KEYS, THEME_KEYS


_TABLE = re.compile(r"(<!-- keys: (?P<title>[\w-]+) -->\n)(?:.*?\n)??(<!-- /keys -->)", re.S)


def with_tables(readme: str) -> str:
    """The README text with every marked table replaced by the one its declarations make."""
    by_title = {keys.title: keys for keys in all_key_sets()}

    def table(match: re.Match) -> str:
        return f"{match.group(1)}{by_title[match.group('title')].markdown()}\n{match.group(3)}"

    return _TABLE.sub(table, readme)


def tables_in(readme: str) -> list[str]:
    return [match.group("title") for match in _TABLE.finditer(readme)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guidebuilder.keys",
                                     description="The key tables made from the declarations.")
    parser.add_argument("--markdown", action="store_true", help="print every table")
    parser.add_argument("--readme", type=Path, help="rewrite the tables in this README")
    args = parser.parse_args(argv)
    if args.readme:
        text = args.readme.read_text(encoding="utf-8")
        args.readme.write_text(with_tables(text), encoding="utf-8")
    if args.markdown or not args.readme:
        for keys in all_key_sets():
            print(f"<!-- keys: {keys.title} -->\n{keys.markdown()}\n<!-- /keys -->\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
