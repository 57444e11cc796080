"""A small guide made in a temporary folder, built and opened as a reader would."""

from __future__ import annotations

import re

import pytest
from conftest import build_pdf, run_cli, write
from pdfbook import PdfBook, qr_codes, squeeze


@pytest.fixture
def tiny_book(tiny_project, tmp_path) -> PdfBook:
    return build_pdf(tiny_project, tmp_path / "out")["ceshi"]


def test_parts_and_articles_follow_the_guide(tiny_book):
    assert [(e.level, e.title) for e in tiny_book.outline()] == [
        (1, "信用卡"), (2, "如何协商还款"), (2, "信用卡逾期的后果"),
        (1, "金融债务"), (2, "民间借贷利率上限"), (1, "文章来源"),
    ]


def test_front_matter_pages(tiny_book):
    cover = squeeze(tiny_book.text(1))
    assert "测试指南" in cover and "测试律师事务所" in cover and "第1版" in cover
    copyright_page = squeeze(tiny_book.text(3))
    for expected in ("测试律师事务所", "第1版", "信息截至2026年6月1日", "©2026测试律师事务所", "仅供参考。"):
        assert expected in copyright_page


def _article_text(book: PdfBook, title: str) -> str:
    outline = book.outline()
    index = next(i for i, e in enumerate(outline) if e.title == title)
    end = outline[index + 1].page if index + 1 < len(outline) else book.page_count + 1
    return squeeze("".join(book.body(n) for n in range(outline[index].page, end)))


def test_related_in_the_guide_points_at_its_page(tiny_book):
    pages = {e.title: e.page for e in tiny_book.outline()}
    text = _article_text(tiny_book, "信用卡逾期的后果")
    match = re.search(r"民间借贷利率上限（见第(\d+)页）", text)
    assert match, text
    assert int(match.group(1)) == pages["民间借贷利率上限"]
    text = _article_text(tiny_book, "如何协商还款")
    match = re.search(r"信用卡逾期的后果（见第(\d+)页）", text)
    assert match and int(match.group(1)) == pages["信用卡逾期的后果"]


def test_related_outside_the_guide_prints_title_and_url(tiny_book):
    text = _article_text(tiny_book, "如何协商还款")
    assert "加班费怎么算https://law.example/ld/3.html" in text
    text = _article_text(tiny_book, "信用卡逾期的后果")
    assert "外部文章https://other.example/a.html" in text
    assert {"https://law.example/ld/3.html", "https://other.example/a.html"} <= set(tiny_book.uris())


def test_notice_source_link_and_reprint(tiny_book):
    """Each article's own notice, else the guide's; a reprint never gets the guide's notice
    but one naming the original. (Notices are set with full-width punctuation.)"""
    own = _article_text(tiny_book, "信用卡逾期的后果")
    assert own.endswith("版权声明：本文原创。本文链接：https://law.example/xyk/1.html扫码阅读原文")
    fallback = _article_text(tiny_book, "如何协商还款")
    assert "版权声明：默认声明。本文链接：https://law.example/xyk/2.html" in fallback
    reprint = _article_text(tiny_book, "民间借贷利率上限")
    assert "默认声明" not in reprint
    assert "本文转载自《法治周刊原文》，著作权归原作者所有。" in reprint
    assert "本文为转载文章，原文：法治周刊原文https://journal.example/p/9.html" in reprint
    assert tiny_book.uris().count("https://journal.example/p/9.html") == 1


def test_article_opening_shows_author_and_date(tiny_book):
    """更新于 only for an article that has `updated`: no date is made up."""
    text = _article_text(tiny_book, "信用卡逾期的后果")
    assert text.startswith("信用卡逾期的后果张律师·发布于2026年1月2日逾期会产生")
    assert "更新于" not in text


def test_same_input_gives_the_same_pdf_bytes(tiny_project, tmp_path):
    first = build_pdf(tiny_project, tmp_path / "a")["ceshi"].path.read_bytes()
    second = build_pdf(tiny_project, tmp_path / "b")["ceshi"].path.read_bytes()
    assert first == second


def test_cli_builds_a_project_anywhere_with_root(tiny_project, tmp_path):
    result = run_cli("build", "--root", str(tiny_project), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert PdfBook(tiny_project / "build" / "ceshi.pdf").page_count > 5


def test_list_shows_guides_and_categories(tiny_project):
    result = run_cli("list", cwd=tiny_project)
    assert result.returncode == 0
    assert "ceshi" in result.stdout and "测试指南" in result.stdout
    assert re.search(r"信用卡\s+xinyongka\s+2 articles", result.stdout)


def test_unknown_keys_are_kept_and_warned_about(tiny_project):
    path = tiny_project / "articles/xinyongka/yuqi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "reviewer: 王\ntitle:", 1),
                    encoding="utf-8")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 0
    assert "articles/xinyongka/yuqi.md:2: warning: unknown key 'reviewer'" in result.stderr


def test_weasyprint_warnings_reach_the_user(tiny_project):
    write(tiny_project / "themes/default/css/print.css", ".article-title { colour: red; }\n")
    write(tiny_project / "themes/default/theme.yml", "extends: default\n")
    result = run_cli("build", cwd=tiny_project)
    assert result.returncode == 0
    assert ("themes/default/css/print.css:1: warning: WeasyPrint: Ignored `colour: red`"
            in result.stderr)
    assert result.stderr.count("Ignored `colour: red`") == 1
    strict = run_cli("build", "--strict", cwd=tiny_project)
    assert strict.returncode == 1 and "Ignored `colour: red`" in strict.stderr


def _guide(root, extra: str) -> None:
    path = root / "guides" / "ceshi.yml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


@pytest.mark.parametrize("selection, titles", [
    ("since: 2025-01-01\nuntil: 2026-01-31\n", ["信用卡逾期的后果", "民间借贷利率上限"]),
    ("until: 2025-12-31\ninclude: [xieshang]\n", ["如何协商还款", "民间借贷利率上限"]),
    ("since: 2026-01-15\ninclude: [jiedai]\n", ["如何协商还款", "民间借贷利率上限"]),
    ("exclude: [https://law.example/xyk/2.html, 信用卡逾期的后果]\n", None),
])
def test_selection_by_date_include_and_exclude(tiny_project, tmp_path, selection, titles):
    _guide(tiny_project, selection)
    if titles is None:  # excluding every article of a part is an error, not an empty part
        result = run_cli("check", cwd=tiny_project)
        assert result.returncode == 1
        assert "guides/ceshi.yml:7: no article of category '信用卡' matches the guide's selection" in result.stderr
        return
    book = build_pdf(tiny_project, tmp_path / "out")["ceshi"]
    assert [e.title for e in book.outline() if e.level == 2] == titles


def test_selection_by_tags(tiny_project, tmp_path):
    path = tiny_project / "articles/jinrong-zhaiwu/jiedai.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "tags: [利率]\ntitle:", 1),
                    encoding="utf-8")
    _guide(tiny_project, "tags: [利率]\n")
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("[信用卡, 金融债务]", "[金融债务]"),
                     encoding="utf-8")
    book = build_pdf(tiny_project, tmp_path / "out")["ceshi"]
    assert [e.title for e in book.outline()] == ["金融债务", "民间借贷利率上限", "文章来源"]


@pytest.mark.parametrize("size, points", [("A4", (595, 842)), ("A5", (420, 595)), ("Letter", (612, 792))])
def test_page_size(tiny_project, tmp_path, size, points):
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("page_size: A5", f"page_size: {size}"),
                     encoding="utf-8")
    book = build_pdf(tiny_project, tmp_path / "out")["ceshi"]
    box = book.reader.pages[5].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points


def test_print_mode_opens_parts_and_articles_on_right_hand_pages(tiny_project, tmp_path):
    _guide(tiny_project, "print_mode: true\n")
    book = build_pdf(tiny_project, tmp_path / "out")["ceshi"]
    outline = book.outline()
    assert all(entry.page % 2 == 1 for entry in outline), outline
    openers = {e.page for e in outline}
    blanks = [n for n in range(2, book.page_count + 1)
              if n not in openers and not squeeze(book.body(n))]
    assert blanks  # the tiny articles are one page each, so left pages stay blank
    for n in blanks:
        assert squeeze(book.header(n) + book.footer(n)) == ""
    page = book.reader.pages[5]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert float(media.width) >= float(bleed.width) > float(trim.width)
    assert round(float(trim.width)) == 420  # A5 after trimming


def test_check_warns_about_stale_articles(tiny_project):
    _guide(tiny_project, "stale_after_months: 6\n")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 0
    assert ("articles/jinrong-zhaiwu/jiedai.md: warning: last updated 2025-05-06, more than "
            "6 months before the guide's date 2026-06-01") in result.stderr
    assert "yuqi.md: warning: last updated" not in result.stderr


def test_every_source_link_has_a_qr_code_that_reads_back(tiny_book):
    outline = tiny_book.outline()
    articles = [e for e in outline if e.level == 2]
    expected = {"如何协商还款": "https://law.example/xyk/2.html",
                "信用卡逾期的后果": "https://law.example/xyk/1.html",
                "民间借贷利率上限": "https://law.example/zw/2.html"}
    assert sorted(e.title for e in articles) == sorted(expected)
    for entry in articles:
        page = tiny_book.find_pages(expected[entry.title])[0]
        assert qr_codes(tiny_book.path, page) == [expected[entry.title]]


def test_manifest_records_the_output_and_every_article_source(tiny_project, tmp_path):
    import hashlib
    import json

    build_pdf(tiny_project, tmp_path / "out")
    output = tmp_path / "out" / "ceshi.pdf"
    record = json.loads((tmp_path / "out" / "ceshi.pdf.json").read_text(encoding="utf-8"))
    assert record["guide"] == "ceshi" and record["edition"] == "第1版" and record["format"] == "pdf"
    assert record["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert record["built_at"].endswith("Z")
    assert [a["title"] for a in record["articles"]] == ["如何协商还款", "信用卡逾期的后果", "民间借贷利率上限"]
    for entry in record["articles"]:
        source = tiny_project / entry["path"]
        assert entry["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["articles"][1] == {
        "path": "articles/xinyongka/yuqi.md", "title": "信用卡逾期的后果",
        "source_url": "https://law.example/xyk/1.html", "date": "2026-01-02", "updated": None,
        "sha256": record["articles"][1]["sha256"]}


def test_a_relative_root_builds(tiny_project):
    result = run_cli("build", "--format", "all", "--root", tiny_project.name, cwd=tiny_project.parent)
    assert result.returncode == 0, result.stderr
    assert (tiny_project / "build" / "ceshi.epub").is_file()


def test_months_before_keeps_the_day_and_clamps_only_past_the_months_end():
    from datetime import date

    from guidebuilder.assemble import months_before

    assert months_before(date(2026, 6, 30), 6) == date(2025, 12, 30)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2024, 8, 31), 6) == date(2024, 2, 29)
    assert months_before(date(2026, 3, 15), 24) == date(2024, 3, 15)
