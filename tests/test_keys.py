"""Every key of a guide, a client edition, an article and a theme is declared once (beside
its dataclass), and everything else about it is derived: the reader, the dataclass default,
the unknown-key check and the README's tables. So a new key of a known kind is its
declaration, its dataclass field and a line here."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt

import pytest
from conftest import REPO, write

from guidebuilder import keys
from guidebuilder.config import read_guide
from guidebuilder.errors import Problems
from guidebuilder.keys import Kind
from guidebuilder.model import ARTICLE_KEYS, EDITION_KEYS, GUIDE_KEYS, Article, Edition, Guide
from guidebuilder.theme import THEME_KEYS

README = REPO / "README.md"
SOURCE = REPO / "src" / "guidebuilder"

# A value of each kind unlike the key's default, as a guide file would hold it.
SAMPLES = {
    Kind.TEXT: "写了",
    Kind.TEXTS: "[甲, 乙]",
    Kind.DATE: "2026-01-02",
    Kind.SWITCH: None,  # the other of true and false: see _sample
    Kind.MONTHS: "7",
    Kind.PAGE_SIZE: "Letter",
    Kind.LANGUAGE: "en-GB",
    Kind.THEME: "mingheng",
    Kind.RIGHTS: "© 2026 写了",
    Kind.PATH: "covers/cover.png",
    Kind.EDITIONS: "[{client: 华信商贸, slug: huaxin}]",
}


def _sample(key: keys.Key) -> str:
    if key.kind is Kind.SWITCH:
        return "false" if key.default else "true"
    return SAMPLES[key.kind]


def _fields(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def test_the_readme_tables_are_the_declarations():
    """Run `python -m guidebuilder.keys --readme README.md` after changing a declaration."""
    text = README.read_text(encoding="utf-8")
    assert sorted(keys.tables_in(text)) == sorted(k.title for k in keys.all_key_sets())
    assert keys.with_tables(text) == text, "python -m guidebuilder.keys --readme README.md"


def test_every_declared_key_is_in_its_readme_table():
    text = README.read_text(encoding="utf-8")
    for key_set in keys.all_key_sets():
        for key in key_set:
            assert f"| `{key.name}` |" in key_set.markdown()
        assert key_set.markdown() in text


@pytest.mark.parametrize("key_set, cls", [(GUIDE_KEYS, Guide), (EDITION_KEYS, Edition),
                                          (ARTICLE_KEYS, Article)], ids=["guide", "edition",
                                                                         "article"])
def test_every_key_fills_a_field_with_the_declared_default(key_set, cls):
    fields = _fields(cls)
    for key in key_set:
        if key.field == "":
            continue  # read by something else (the import, the clients/ folder)
        field = fields[key.field or key.name]
        if field.default is not dataclasses.MISSING:
            assert field.default == key.default, key.name


def test_every_guide_key_is_read_by_its_kind(tmp_path):
    """No guide key is read by code of its own: a key of a known kind needs no reader."""
    written = "\n".join(f"{key.name}: {_sample(key)}" for key in GUIDE_KEYS)
    path = write(tmp_path / "guides" / "every.yml", written + "\n")
    problems = Problems()
    guide = read_guide(path, problems)
    assert [str(p) for p in problems.items] == []
    for key in GUIDE_KEYS:
        assert getattr(guide, key.name) != key.default, key.name
    assert guide.extra == {}
    assert guide.page_size == "Letter" and guide.stale_after_months == 7
    assert guide.date == dt.date(2026, 1, 2) and guide.categories == ("甲", "乙")


def test_a_guide_without_optional_keys_gets_the_declared_defaults(tmp_path):
    path = write(tmp_path / "guides" / "bare.yml", "title: 书\ncategories: [甲]\n")
    guide = read_guide(path, Problems())
    for key in GUIDE_KEYS:
        if not key.required:
            assert getattr(guide, key.name) == key.default, key.name


def _string_sets(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
            words = {e.value for e in node.elts
                     if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            yield node.lineno, words


def test_no_key_set_is_written_by_hand_elsewhere():
    """Outside the declarations, no set, tuple or list names three keys of one kind."""
    declared = {SOURCE / "model.py", SOURCE / "theme.py"}
    names = [key_set.names for key_set in keys.all_key_sets()]
    found = []
    for path in SOURCE.rglob("*.py"):
        if path in declared or "importer" in path.parts:
            continue  # the importer writes articles: its key order is its output's
        for line, words in _string_sets(ast.parse(path.read_text(encoding="utf-8"))):
            if any(len(words & key_names) >= 3 for key_names in names):
                found.append(f"{path.relative_to(REPO)}:{line}")
    assert found == []


def test_the_markdown_command_prints_every_table(capsys):
    assert keys.main(["--markdown"]) == 0
    printed = capsys.readouterr().out
    for key_set in keys.all_key_sets():
        assert f"<!-- keys: {key_set.title} -->\n{key_set.markdown()}\n<!-- /keys -->" in printed


def test_a_declared_default_is_written_once():
    """"A5" and "zh-CN" are the declarations' words, nowhere else in the code."""
    for path in SOURCE.rglob("*.py"):
        if path.name == "model.py" or "importer" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert '"A5"' not in text, path
        assert 'default="zh-CN"' not in text and ': str = "zh-CN"' not in text, path


def test_theme_keys_are_what_a_theme_yml_may_hold():
    assert THEME_KEYS.names == {"name", "extends", "fonts", "options"}
    assert THEME_KEYS.default("fonts") == ("Noto Serif CJK SC", "Noto Sans CJK SC")


def test_unknown_keys_come_from_the_declaration():
    assert GUIDE_KEYS.unknown({"title": 1, "titel": 2, "page_size": 3}) == ["titel"]
    assert "reviewer" not in ARTICLE_KEYS and "title" in ARTICLE_KEYS


def test_readme_keeps_its_marked_tables_in_place(tmp_path):
    copy = tmp_path / "README.md"
    stale = README.read_text(encoding="utf-8").replace("| `page_size` |", "| `page_sizes` |")
    copy.write_text(stale, encoding="utf-8")
    assert keys.main(["--readme", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")


def test_page_sizes_are_declared_once():
    from guidebuilder.model import PAGE_SIZES
    from guidebuilder.render.pdf.chunks import CHARS_PER_PAGE
    from guidebuilder.render.pdf.edition import PAGE_MM

    assert list(PAGE_SIZES) == ["A4", "A5", "Letter"]
    assert PAGE_MM == {"A4": (210, 297), "A5": (148, 210), "Letter": (215.9, 279.4)}
    assert CHARS_PER_PAGE == {"A4": 1100, "A5": 500, "Letter": 1050}
    assert GUIDE_KEYS["page_size"].default in PAGE_SIZES


def test_readme_tables_are_found_where_guides_are_documented():
    text = README.read_text(encoding="utf-8")
    assert text.index("### Guides") < text.index("<!-- keys: guide -->") \
        < text.index("### Client editions") < text.index("<!-- keys: edition -->")
    assert text.index("## Themes") < text.index("<!-- keys: theme -->")
