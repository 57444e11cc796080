"""A character the theme's fonts lack: said once, at the article's line, however many guides
hold the article."""

from __future__ import annotations

from conftest import replace_in, run_cli, write

YUQI = "articles/xinyongka/yuqi.md"


def test_a_character_the_fonts_lack_is_reported_once_at_its_line(tiny_project):
    write(tiny_project / "guides/zaici.yml", "title: 第二本指南\ncategories: [信用卡]\n")
    replace_in(tiny_project, YUQI, "及时还款最重要。", "及时还款最重要。ᚠ")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "U+16A0" in line]
    assert lines == [f"{YUQI}:20: characters 'ᚠ' (U+16A0) not in the fonts "
                     "(Noto Serif CJK SC, Noto Sans CJK SC)"]
    assert "1 error(s)" in result.stderr


def test_a_character_the_fonts_lack_in_the_guide_names_the_guide_line(tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "disclaimer: 仅供参考。", "disclaimer: 仅供参考。ᚢ")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert ("guides/ceshi.yml:12: characters 'ᚢ' (U+16A2) not in the fonts (Noto Serif CJK SC, "
            "Noto Sans CJK SC), in the guide or theme text") in result.stderr
