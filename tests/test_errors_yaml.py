"""A hand-edited guide or article with a YAML mistake: the line to change, what to do, in
words, and nothing else (no false errors about what could not be read)."""

from __future__ import annotations

import pytest
from conftest import replace_in, run_cli, write

GUIDE_FILE = "guides/ceshi.yml"
YUQI = "articles/xinyongka/yuqi.md"


def _messages(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if not line.startswith(("0 error", "1 error"))]


def test_an_indent_too_deep_in_a_guide_names_its_line_and_no_false_client_error(tiny_project):
    write(tiny_project / "clients/ruifeng.yml", "client: 瑞丰科技\nid: RF-1\nguides: [ceshi]\n")
    # line 8 of the guide, 'page_size:', pushed two spaces in under 'categories:'
    replace_in(tiny_project, GUIDE_FILE, "page_size: A5", "  page_size: A5")
    for command in (["check"], ["build"], ["build", "ceshi"]):
        result = run_cli(*command, cwd=tiny_project)
        assert result.returncode == 1
        assert _messages(result) == [
            f"{GUIDE_FILE}:8: invalid YAML: this line is indented more than the one above: "
            "line it up with the key it belongs beside"], command
    assert "no guide named" not in result.stderr
    assert "Traceback" not in result.stderr


def test_an_indent_too_deep_at_the_end_of_a_long_guide_points_at_that_line(tiny_project):
    text = (tiny_project / GUIDE_FILE).read_text(encoding="utf-8")
    lines = text.splitlines() + [f"# 备注第{n}行" for n in range(1, 4)] + ["print_mode: false",
                                                                          "  theme: default"]
    (tiny_project / GUIDE_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", cwd=tiny_project)
    assert f"{GUIDE_FILE}:{len(lines)}: invalid YAML: this line is indented more" in result.stderr


CASES = {
    "unclosed bracket": ("author: 张律师", "author: [张律师",
                         f"{YUQI}:3: invalid YAML: a '[' opened on this line is not closed with ']'"),
    "unclosed quote": ("author: 张律师", "author: '张律师",
                       f"{YUQI}:3: invalid YAML: a quote opened on this line is not closed"),
    "no space after colon": ("author: 张律师", "author:张律师",
                             f"{YUQI}:3: invalid YAML: put a space after the ':' on this line"),
    "Chinese colon": ("author: 张律师", "author：张律师",
                      f"{YUQI}:3: invalid YAML: this line has a Chinese colon '：' after its key"),
    "tab": ("author: 张律师", "\tauthor: 张律师",
            f"{YUQI}:3: invalid YAML: this line has a tab: indent with spaces only"),
    "second colon": ("title: 信用卡逾期的后果", "title: 信用卡逾期: 后果",
                     f"{YUQI}:2: invalid YAML: this line has a second ': ' in its value: "
                     "put the value in quotes"),
    "key written twice": ("author: 张律师", "author: 张律师\nauthor: 李律师",
                          f"{YUQI}:4: 'author' is written twice (also on line 3): keep one"),
}


@pytest.mark.parametrize("case", CASES)
def test_article_front_matter_mistakes_are_said_in_words_at_their_line(tiny_project, case):
    old, new, expected = CASES[case]
    replace_in(tiny_project, YUQI, old, new)
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert expected in result.stderr
    # the article could not be read: that is the only error (no "related ... matches no article")
    assert len([m for m in _messages(result) if "warning:" not in m]) == 1, result.stderr


def test_a_guide_that_includes_an_unreadable_article_adds_no_false_error(tiny_project):
    replace_in(tiny_project, GUIDE_FILE, "page_size: A5", "page_size: A5\ninclude: [yuqi]")
    replace_in(tiny_project, YUQI, "author: 张律师", "author: '张律师")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert [m for m in _messages(result) if "warning:" not in m] == [
        f"{YUQI}:3: invalid YAML: a quote opened on this line is not closed"]


GUIDE_CASES = {
    "a list item deeper than the one above": (
        "categories: [信用卡, 金融债务]", "categories:\n  - 信用卡\n   - 金融债务",
        f"{GUIDE_FILE}:9: invalid YAML: this line is read as more of the text above, not as a "
        "new list item: line up the '-' of every item, each on its own line"),
    "a key less indented than its neighbours": (
        "  rights: © 2026 测试律师事务所", " rights: © 2026 测试律师事务所",
        f"{GUIDE_FILE}:11: invalid YAML: this line is indented less than the one above, but not "
        "as little as a key it could belong beside: line it up"),
    "a value starting with @": (
        "subtitle: 小小的一本", "subtitle: @小小的一本",
        f"{GUIDE_FILE}:2: invalid YAML: a value cannot start with '@': put the whole value in "
        "quotes, e.g. subtitle: '@…'"),
    "quotes inside quotes": (
        "subtitle: 小小的一本", 'subtitle: "小小的"一本""',
        f"{GUIDE_FILE}:2: invalid YAML: there is more text after a closing quote on this line"),
}


@pytest.mark.parametrize("case", GUIDE_CASES)
def test_guide_mistakes_are_said_in_words_at_their_line(tiny_project, case):
    old, new, expected = GUIDE_CASES[case]
    replace_in(tiny_project, GUIDE_FILE, old, new)
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    errors = [m for m in _messages(result) if "warning:" not in m]
    assert len(errors) == 1 and errors[0].startswith(expected), result.stderr
