"""The EPUB carries no active content. An article's SVG is cleaned as the PDF's is
(no script, handler, remote or `file:` reference, no entity); one that cannot be made safe is
a located error found by `check`; style values and data: SVGs refused for the PDF do not
reach the e-book; EPUBCheck finds nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import article, run_cli, write
from epubbook import run_epubcheck

from .helpers import assert_located, epub_leaks, run_limited, svg

YUQI = "articles/xinyongka/yuqi.md"
IMAGE_LINE = 8  # of the article below: the line with ![图](pic.svg)


def _with_svg(root, text: str, extra_body: str = "") -> None:
    write(root / "articles/xinyongka/pic.svg", text)
    write(root / YUQI, article("信用卡逾期的后果", "逾期会产生利息。\n\n![图](pic.svg)\n\n" + extra_body,
                               date="2026-01-02", source_url="https://law.example/xyk/1.html"))


def active_svg(url: str, outside) -> str:
    return svg(
        '<script>alert(1)</script><script xlink:href="{0}/s.js"/>'
        '<rect width="10" height="10" onload="alert(2)" onclick="alert(3)" '
        'style="fill:url({0}/f.svg#a)"/>'
        '<a href="javascript:alert(4)"><text y="20">x</text></a>'
        '<image href="{0}/remote.jpg" width="5" height="5"/>'
        '<image xlink:href="file://{1}/secret.jpg" width="5" height="5"/>'
        '<use href="{0}/sprite.svg#a"/>'
        '<style>@import url({0}/x.css); rect {{ fill: url({0}/g.svg#b) }}</style>'
        '<foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" '
        'src="{0}/frame.html"/></foreignObject>'
        '<set attributeName="href" to="{0}/set.jpg"/>'.format(url, outside))


def test_the_epub_carries_no_active_content(tiny_project, outside, server, tmp_path):
    hostile_html = (f'<span style="background-color: url({server.url}/a.png); color: red">红</span>'
                    f'<span style="color: expression(alert(1))">表达式</span>\n\n'
                    f'<img src="data:image/svg+xml,{quote(svg("<script>alert(5)</script>"))}" alt="数据">\n')
    _with_svg(tiny_project, active_svg(server.url, outside), hostile_html)
    checked = run_cli("check", cwd=tiny_project)
    assert checked.returncode == 0, checked.stderr
    assert f"{YUQI}:{IMAGE_LINE}: warning: removed a <script> element in the SVG" in checked.stderr
    out = tmp_path / "out"
    result = run_limited("build", "--format", "epub", "--out", str(out), cwd=tiny_project)
    assert result.returncode == 0, result.stderr[-3000:]
    book = out / "ceshi.epub"
    assert epub_leaks(book, "<script", "onload", "onclick", "javascript:", "127.0.0.1", "file:",
                      "expression", "foreignObject", "data:image/svg") == []
    assert run_epubcheck(book) == []
    assert server.requests == []


ENTITY_ATTACKS = {
    "external entity": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{outside}/secret.txt">]>',
    "billion laughs": '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;'
                      '&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    "parameter entity": '<!DOCTYPE svg [<!ENTITY % p SYSTEM "{server}/p.dtd"> %p;]>',
}


@pytest.mark.parametrize("attack", ENTITY_ATTACKS)
def test_an_svg_with_entities_is_a_located_error(attack, tiny_project, outside, server, tmp_path):
    head = ENTITY_ATTACKS[attack].format(outside=outside, server=server.url)
    _with_svg(tiny_project, svg('<text y="20">&x;&c;</text>' if "%" not in head else "", head))
    where = f"{YUQI}:{IMAGE_LINE}: image '"  # refused, by what it holds or by what it is
    assert_located(run_limited("check", cwd=tiny_project), where)
    assert_located(run_limited("build", "--format", "all", "--out", str(tmp_path / "out"),
                               cwd=tiny_project), where)
    assert not (tmp_path / "out").exists()
    assert server.requests == []


def test_an_svg_that_is_not_xml_is_a_located_error(tiny_project, tmp_path):
    _with_svg(tiny_project, "GIF89a, not an SVG at all")
    assert_located(run_limited("check", cwd=tiny_project), f"{YUQI}:{IMAGE_LINE}: image '")
