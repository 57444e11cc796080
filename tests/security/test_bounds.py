"""Tiny articles that would hang a build, exhaust the machine or kill it with
an internal error. Each is a located error (file and line, exit status 1, no traceback) that
`check` finds as well as `build`, or is made safe; every run is held to a memory and time
limit in a child process, so a regression fails instead of taking the machine."""

from __future__ import annotations

import os

import pytest
from conftest import write

from .helpers import assert_located, run_limited, svg

BAD = "articles/xinyongka/bad.md"


def _article(root, body: str, title: str = "坏文章") -> None:
    write(root / BAD, f"---\ntitle: {title}\n---\n{body}\n")


def use_bomb(root):
    levels = ['<g id="l0"><rect width="1" height="1"/></g>'] + [
        f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>' for i in range(1, 21)]
    write(root / "articles/xinyongka/bomb.svg", svg("<defs>" + "".join(levels) + '</defs><use href="#l20"/>'))
    _article(root, "![炸弹](bomb.svg)")
    return f"{BAD}:4: image '"


def use_cycle(root):
    write(root / "articles/xinyongka/bomb.svg",
          svg('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'))
    _article(root, "![循环](bomb.svg)")
    return f"{BAD}:4: image '"


def brackets(root):
    _article(root, "[" * 20_000)
    return f"{BAD}:4: more than 500 '['"


def brackets_and_parens(root):
    _article(root, "正文\n\n" + "[a](" * 3_000)
    return f"{BAD}:6: more than 500 '['"


def long_title(root):
    _article(root, "正文。", title="很长" * 2_000)
    return f"{BAD}:2: the title is 4000 characters long"


def symlink_to_zero(root):
    os.symlink("/dev/zero", root / BAD)
    return f"{BAD}: "


def symlink_to_stdin(root):
    os.symlink("/dev/stdin", root / BAD)
    return f"{BAD}: "


def fifo_article(root):
    os.mkfifo(root / BAD)
    return f"{BAD}: not a regular file"


def huge_list(root):
    _article(root, "".join(f"- 第{i}项\n" for i in range(120_000)))
    return f"{BAD}:4: "


def nested_quotes(root):
    _article(root, ">" * 160 + " 深")
    return f"{BAD}:4: "


def nested_divs(root):
    _article(root, "<div>" * 300 + "深" + "</div>" * 300)
    return f"{BAD}:4: "


def nested_list(root):
    _article(root, "".join("    " * i + f"- x{i}\n" for i in range(100)))
    return f"{BAD}:"


def stars(root):
    _article(root, "*" * 2_000 + "x" + "*" * 2_000)
    return f"{BAD}:4: "


def control_character_in_title(root):
    _article(root, "正文。", title="标题\x07响铃")
    return f"{BAD}:2: a control character (U+0007)"


def control_character_in_body(root):
    _article(root, "第一段。\n\n第二\x1b[31m段。")
    return f"{BAD}:6: a control character (U+001B)"


def nested_front_matter(root):
    write(root / BAD, "---\ntitle: 坏\ntags: " + "[" * 5_000 + "\n---\n正文\n")
    return f"{BAD}:"


ATTACKS = [use_bomb, use_cycle, brackets, brackets_and_parens, long_title, symlink_to_zero,
           symlink_to_stdin, fifo_article, huge_list, nested_quotes, nested_divs, nested_list,
           stars, control_character_in_title, control_character_in_body, nested_front_matter]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_hostile_article_is_a_located_error(attack, tiny_project, tmp_path):
    where = attack(tiny_project)
    reading, writing = os.pipe()  # a standard input that never ends: /dev/stdin would block
    try:
        assert_located(run_limited("check", cwd=tiny_project, stdin=reading), where)
        out = tmp_path / "out"
        assert_located(run_limited("build", "--format", "all", "--out", str(out),
                                   cwd=tiny_project, stdin=reading), where)
    finally:
        os.close(reading)
        os.close(writing)
    assert not out.exists()


def test_a_huge_colspan_is_made_safe(tiny_project, tmp_path):
    cells = '<td colspan="1000000">宽</td><td rowspan="99999999999">高</td>'
    _article(tiny_project, f"<table><tr>{cells}</tr><tr><td>一</td></tr></table>")
    out = tmp_path / "out"
    result = run_limited("build", "--format", "all", "--out", str(out), cwd=tiny_project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{BAD}:4: warning: removed a colspan past 100" in result.stderr
    assert (out / "ceshi.pdf").stat().st_size > 0 and (out / "ceshi.epub").stat().st_size > 0
