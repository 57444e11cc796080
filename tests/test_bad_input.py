"""Bad input: one line per problem naming file and line, exit status 1, no traceback, and no
output touched."""

from __future__ import annotations

import shutil

import pytest
from conftest import replace_in, run_cli, write

YUQI = "articles/xinyongka/yuqi.md"


def _bad_yaml(root):
    replace_in(root, YUQI, "author: 张律师", "author: [张律师")


def _no_title(root):
    replace_in(root, YUQI, "title: 信用卡逾期的后果\n", "")


def _empty_title(root):
    replace_in(root, YUQI, "title: 信用卡逾期的后果", "title: ''")


def _bad_date(root):
    replace_in(root, YUQI, "date: 2026-01-02", "date: 2026-13-45")


def _unknown_category(root):
    replace_in(root, "guides/ceshi.yml", "[信用卡, 金融债务]", "[信用卡, 金融]")


def _related_matches_nothing(root):
    replace_in(root, YUQI, "https://law.example/zw/2.html", "https://law.example/zw/404.html")


def _not_utf8(root):
    path = root / YUQI
    path.write_bytes(path.read_bytes().replace("逾期会".encode(), "逾期会".encode("gbk")))


def _not_a_mapping(root):
    write(root / YUQI, "---\n- 一\n- 二\n---\n正文\n")


def _glyph_missing(root):
    replace_in(root, YUQI, "逾期记录会保留五年。", "逾期记录会保留五年。नमस्ते")


def _empty_file(root):
    (root / YUQI).write_text("")


CASES = {
    "invalid YAML": (_bad_yaml, f"{YUQI}:3: invalid YAML"),
    "missing title": (_no_title, f"{YUQI}:1: 'title' is missing or empty"),
    "empty title": (_empty_title, f"{YUQI}:2: 'title' is missing or empty"),
    "bad date": (_bad_date, f"{YUQI}:4: date '2026-13-45' is not a valid date (YYYY-MM-DD)"),
    "unknown category": (_unknown_category, "guides/ceshi.yml:7: unknown category '金融'"),
    "related matches nothing": (_related_matches_nothing,
                                f"{YUQI}:8: related 'https://law.example/zw/404.html' matches no article"),
    "not UTF-8": (_not_utf8, f"{YUQI}:12: not valid UTF-8 (byte offset"),
    "front matter not a mapping": (_not_a_mapping, f"{YUQI}:2: expected a mapping"),
    "empty file": (_empty_file, f"{YUQI}: the file is empty"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_located_line_and_exit_1(tiny_project, case):
    spoil, expected = CASES[case]
    spoil(tiny_project)
    for command in (["check"], ["build"]):
        result = run_cli(*command, cwd=tiny_project)
        assert result.returncode == 1, (command, result.stderr)
        assert expected in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (tiny_project / "build").exists()


def test_missing_glyphs_stop_the_build_and_name_the_article(tiny_project):
    _glyph_missing(tiny_project)
    result = run_cli("build", cwd=tiny_project)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{YUQI}:16: characters ")
    assert "'न' (U+0928)" in result.stderr and "'म' (U+092E)" in result.stderr
    assert "not in the fonts (Noto Serif CJK SC, Noto Sans CJK SC)" in result.stderr
    assert not (tiny_project / "build").exists()


def test_check_reports_every_problem_at_once(tiny_project):
    _bad_date(tiny_project)
    _unknown_category(tiny_project)
    replace_in(tiny_project, "articles/xinyongka/xieshang.md", "title: 如何协商还款\n", "")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": " in line and "warning" not in line]
    assert len(errors) == 3, result.stderr
    assert "3 error(s)" in result.stderr


def test_a_failed_build_leaves_the_earlier_output_untouched(tiny_project):
    assert run_cli("build", cwd=tiny_project).returncode == 0
    output = tiny_project / "build" / "ceshi.pdf"
    before = output.read_bytes()
    _glyph_missing(tiny_project)
    assert run_cli("build", cwd=tiny_project).returncode == 1
    assert output.read_bytes() == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["ceshi.pdf", "ceshi.pdf.json"]


def test_crlf_and_bom_are_accepted(tiny_project):
    path = tiny_project / YUQI
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 0, result.stderr


def test_duplicate_slug_and_source_url(tiny_project):
    write(tiny_project / "articles/jinrong-zhaiwu/yuqi.md", "---\ntitle: 重名的文章\n"
          "source_url: https://law.example/xyk/2.html\n---\n正文。\n")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "duplicate slug 'yuqi' (also in" in result.stderr
    assert "duplicate source_url 'https://law.example/xyk/2.html' (also in" in result.stderr


def test_missing_theme_names_the_folders_searched(tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "page_size: A5\ntheme: nope")
    for command in ("check", "build"):
        result = run_cli(command, cwd=tiny_project)
        assert result.returncode == 1
        assert "theme 'nope' not found (searched " in result.stderr
        assert f"{tiny_project / 'themes' / 'nope'}" in result.stderr


def test_missing_template_names_the_folders_searched(tiny_project):
    write(tiny_project / "themes/bare/theme.yml", "extends: null\n")
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "page_size: A5\ntheme: bare")
    result = run_cli("build", cwd=tiny_project)
    assert result.returncode == 1
    assert "theme 'bare': template 'book.html' not found (searched " in result.stderr
    assert "Traceback" not in result.stderr


def test_a_guide_naming_a_category_with_no_articles(tiny_project):
    write(tiny_project / "articles/kong/_category.yml", "name: 空类别\n")
    replace_in(tiny_project, "guides/ceshi.yml", "[信用卡, 金融债务]", "[信用卡, 空类别]")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "guides/ceshi.yml:7: category '空类别' has no articles" in result.stderr


def test_a_gbk_file_is_refused_with_its_byte_offset(tiny_project):
    path = tiny_project / YUQI
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert f"{YUQI}:2: not valid UTF-8 (byte offset 11); save the file as UTF-8" in result.stderr


def test_a_five_megabyte_article_is_accepted(tiny_project):
    paragraph = "信用卡逾期后应当及时与银行沟通,了解欠款金额与利息构成,保存好往来记录。" * 20
    body = "\n\n".join(f"## {i}、小节\n\n{paragraph}" for i in range(1, 2400))
    path = write(tiny_project / "articles/xinyongka/big.md", f"---\ntitle: 很长的文章\n---\n{body}\n")
    assert path.stat().st_size > 5_000_000
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 0, result.stderr


def test_a_file_name_that_is_not_a_slug(tiny_project):
    shutil.move(tiny_project / YUQI, tiny_project / "articles/xinyongka/02 有 空格.md")
    replace_in(tiny_project, "articles/xinyongka/xieshang.md", "[yuqi, laodong]", "[laodong]")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "articles/xinyongka/02 有 空格.md: file name '02 有 空格.md' is the article's slug" in result.stderr


def test_a_category_listed_twice(tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "[信用卡, 金融债务]", "[信用卡, 金融债务, xinyongka]")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "guides/ceshi.yml:7: category 'xinyongka' is listed twice" in result.stderr


def test_an_output_folder_that_is_a_file(tiny_project, tmp_path):
    (tmp_path / "afile").write_text("x")
    result = run_cli("build", "--out", str(tmp_path / "afile"), cwd=tiny_project)
    assert result.returncode == 1 and "cannot write" in result.stderr
    assert "internal error" not in result.stderr


def test_an_invalid_language(tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "page_size: A5\nlanguage: zh CN")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "guides/ceshi.yml:9: language 'zh CN' is not a language tag like zh-CN" in result.stderr


def test_a_cover_outside_the_project_is_refused_at_its_line(tiny_project, tmp_path):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for written in (str(tmp_path / "outside.png"), "../outside.png"):
        replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5",
                   f"page_size: A5\ncover: {written}")
        result = run_cli("check", cwd=tiny_project)
        assert result.returncode == 1, result.stderr
        assert (f"guides/ceshi.yml:9: cover '{written}' must be a file inside the project"
                in result.stderr), result.stderr
        replace_in(tiny_project, "guides/ceshi.yml", f"page_size: A5\ncover: {written}",
                   "page_size: A5")
