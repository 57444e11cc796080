"""A theme's `theme.yml` is checked against THEME_KEYS: a mistake in it is one line naming the
file and the line, and exit status 1, never a traceback or an internal error."""

from __future__ import annotations

import pytest
from conftest import replace_in, run_cli, write

from guidebuilder.errors import GuideError
from guidebuilder.theme import load_theme, read_settings

THEME = "themes/eigen/theme.yml"


def _use_theme(root, text: str) -> None:
    write(root / THEME, text)
    replace_in(root, "guides/ceshi.yml", "page_size: A5", "page_size: A5\ntheme: eigen")


@pytest.mark.parametrize("text, where, said", [
    ("name: eigen\noptions: [x, y]\n", f"{THEME}:2:", "'options' is a mapping"),
    ("fonts:\n  - Noto Sans CJK SC\n  - [Noto Serif CJK SC]\n", f"{THEME}:1:",
     "'fonts' is a list of font family names"),
    ("name: eigen\nfont: Noto Sans CJK SC\n", f"{THEME}:2:", "unknown theme key 'font'"),
    ("extends: /etc\n", f"{THEME}:1:", "theme '/etc' must be a theme's name"),
], ids=["options as a list", "a font that is a list", "unknown key", "extends a path"])
def test_a_theme_yml_mistake_is_one_located_line(tiny_project, text, where, said):
    _use_theme(tiny_project, text)
    for command in ("check", "build"):
        result = run_cli(command, cwd=tiny_project)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert [line for line in result.stderr.splitlines() if line.startswith(where)] \
            and said in result.stderr, result.stderr


def test_fonts_as_one_name_is_a_list_of_one(tiny_project):
    _use_theme(tiny_project, "fonts: Noto Sans CJK SC\n")
    assert load_theme("eigen", tiny_project).fonts == ("Noto Sans CJK SC",)
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 0, result.stderr


def test_fonts_and_options_come_from_the_nearest_theme_that_gives_them(tiny_project):
    _use_theme(tiny_project, "fonts: [Noto Sans CJK SC]\noptions:\n  epub_embed_fonts: true\n")
    theme = load_theme("eigen", tiny_project)
    assert theme.fonts == ("Noto Sans CJK SC",)
    assert theme.options["epub_embed_fonts"] is True
    assert load_theme("default", tiny_project).fonts == ("Noto Serif CJK SC", "Noto Sans CJK SC")


def test_extends_null_is_no_parent_and_no_extends_is_default(tmp_path):
    assert read_settings(write(tmp_path / "a.yml", "extends: null\n")).says_extends
    assert not read_settings(write(tmp_path / "b.yml", "name: b\n")).says_extends


def test_an_unknown_key_is_a_guide_error_at_its_line(tmp_path):
    with pytest.raises(GuideError) as caught:
        read_settings(write(tmp_path / "theme.yml", "name: x\n\noptinos: {}\n"))
    assert caught.value.problems[0].line == 3
