"""A saved page cannot make the importer write a live link or image from inline code,
a file named `.md`, or text read in the wrong charset."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import run_cli

from guidebuilder.errors import Problems
from guidebuilder.importer import import_pages, sources_from
from guidebuilder.importer.dates import parse_as_of
from guidebuilder.reader import read_corpus


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}"><title>{title}</title></head><body><article>'
            f"<h1>{title}</h1>{body}</article></body></html>")


def _import(tiny_project: Path, tmp_path: Path, name: str, data: bytes):
    page = tmp_path / name
    page.write_bytes(data)
    result = run_cli("import", str(page), "--category", "测试", "--as-of", "2026-01-01",
                     cwd=tiny_project)
    return result, sorted((tiny_project / "articles").glob("*/*.md"))


@pytest.mark.parametrize("code", [
    "a`![x](http://127.0.0.1:9/x.png)`b",
    "``[link](http://127.0.0.1:9/)``",
    "`",
    "x``` ![y](file:///etc/passwd) ```z",
])
def test_inline_code_never_becomes_a_live_link_or_image(code, tiny_project, tmp_path):
    from html import escape

    body = f"<p>看这段代码：<code>{escape(code)}</code>，就这样。</p><p>第二段正文内容。</p>"
    result, _ = _import(tiny_project, tmp_path, "code.html", _page("代码文章", body).encode())
    assert result.returncode == 0, result.stdout + result.stderr
    problems = Problems()
    corpus = read_corpus(tiny_project, problems)
    [imported] = [a for a in corpus.articles if a.title == "代码文章"]
    assert "<img" not in imported.body_html and "<a " not in imported.body_html
    assert f"<code>{escape(code, quote=False)}</code>" in imported.body_html
    markdown = imported.path.read_text(encoding="utf-8")
    assert "![" not in markdown.replace(code, "") and "](" not in markdown.replace(code, "")


@pytest.mark.parametrize("title", ["？？？", "——", "【】！"])
def test_a_punctuation_title_never_writes_a_nameless_file(title, tiny_project, tmp_path):
    before = set((tiny_project / "articles").glob("*/*.md"))
    result, after = _import(tiny_project, tmp_path, "p.html",
                            _page(title, "<p>正文第一段内容。</p><p>第二段。</p>").encode())
    assert not any(p.name == ".md" for p in after)
    new = set(after) - before
    assert result.returncode != 0 or (len(new) == 1 and next(iter(new)).stem)


def test_a_gbk_page_with_a_few_bad_bytes_is_read_as_gbk(tiny_project, tmp_path):
    text = "借款合同纠纷的诉讼时效问题。" * 30
    data = bytearray(_page("民间借贷纠纷", f"<p>{text}</p><p>{text}</p>", "gbk").encode("gbk"))
    middle = data.index("诉讼".encode("gbk"))
    for offset in (0, 200, 400):  # three bytes that are not GBK
        data[middle + offset] = 0xFF
    result, after = _import(tiny_project, tmp_path, "gbk.html", bytes(data))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gbk" in result.stdout.lower()
    [written] = [p for p in after if "民间借贷纠纷" in p.read_text(encoding="utf-8")]
    assert "借款合同纠纷" in written.read_text(encoding="utf-8")


def _import_paragraphs(count: int, tmp_path: Path) -> tuple[float, Path]:
    """CPU seconds this process spent importing a page of `count` paragraphs (CPU time, so
    that other work on the machine does not count), and the article written."""
    folder = tmp_path / str(count)
    page = folder / "long.html"
    folder.mkdir()
    page.write_text(_page("很长的页面", "".join(f"<p>第{i}段。</p>" for i in range(count))),
                    encoding="utf-8")
    start = time.process_time()
    report = import_pages(sources_from([str(page)], lambda: b""), folder / "articles",
                          parse_as_of("2026-01-01"), category="测试")
    spent = time.process_time() - start
    [result] = report.pages
    assert result.outcome == "new", [str(p) for p in result.problems]
    return spent, result.path


def test_a_page_of_many_paragraphs_imports_in_linear_time(tmp_path):
    # eight times the paragraphs: about eight times the time (it is less, the page's fixed
    # cost being shared), where the quadratic importer took twenty times and more (and more
    # than six minutes for 200,000 paragraphs)
    _import_paragraphs(500, tmp_path)  # what the first import loads, loaded
    small, _ = _import_paragraphs(5_000, tmp_path)
    large, written = _import_paragraphs(40_000, tmp_path)
    assert large < 12 * small, (small, large)
    assert "第39999段。" in written.read_text(encoding="utf-8")
