"""`guidebuilder import` on pages built from the real templates of the CMSs Chinese firms run
(Z-BlogPHP's tpure theme, DedeCMS 5.7's default article template, PbootCMS's default news.html,
WordPress's Twenty Twenty-One), saved as UTF-8, GBK with and without a declared charset, and
Chrome MHTML, and captured as text with "select all, copy"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from goldens import golden, golden_text

from guidebuilder.importer import import_pages, sources_from
from guidebuilder.importer.dates import parse_as_of
from guidebuilder.importer.write import content_hash

PAGES = Path(__file__).parent / "pages" / "cms"
AS_OF = parse_as_of("2026-11-29")

# What each page becomes is in tests/expected/cms/ (`make goldens` rewrites it): <page>.html.md
# as saved in UTF-8, <page>.mhtml.md as saved by Chrome with the address it was saved from (its
# relative links resolve), <page>.txt.md as captured as text (no links: related titles that
# match nothing yet are kept by their title).
PROFILE = {"tpure/3105": "zblogphp-tpure", "dedecms/518": "dedecms", "pbootcms/76": "pbootcms",
           "wordpress/fangchan-fenge": "wordpress"}
# a capture keeps only the words of a CMS's default footer to tell it by
CAPTURE_PROFILE = {"tpure/3105": "zblogphp-tpure", "dedecms/518": "dedecms", "pbootcms/76": "generic",
                   "wordpress/fangchan-fenge": "wordpress"}
# each saved variant: how it is read, and which saved page it becomes the same article as
VARIANTS = {
    "{}.html": ("utf-8 (from <meta charset>)", "{}.html"),
    "{}-gbk.html": ("gbk (from <meta charset>)", "{}.html"),
    "{}-gbk-nocharset.html": ("gb18030 (detected)", "{}.html"),
    "{}.mhtml": ("utf-8 (from <meta charset>), from MHTML", "{}.mhtml"),
    "{}-complete.html": ("utf-8 (from <meta charset>)", "{}.mhtml"),  # Chrome's "Webpage, Complete"
}
FURNITURE = ["当前位置", "标签", "分享到", "返回列表", "上一篇", "下一篇", "相关文章", "您可能感兴趣",
             "访问量", "点击", "来源", "顶一下", "收藏", "Categorized", "min read", "明衡律师事务所",
             "全部", "Copyright", "评论"]


def without_hash(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^import_hash: ([0-9a-f]{16})\n", text, re.M)
    assert match, text
    rest = text[:match.start()] + text[match.end():]
    assert content_hash(rest) == match.group(1)
    return rest


def import_one(page: Path, into: Path):
    report = import_pages(sources_from([str(page)], lambda: b""), into, AS_OF)
    [result] = report.pages
    assert result.outcome == "new", [str(p) for p in result.problems]
    return result, without_hash(result.path)


def body_of(article: str) -> str:
    return article.split("\n---\n", 1)[1]


@pytest.mark.golden
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("page", list(PROFILE))
def test_every_saved_page_becomes_exactly_its_article(page, variant, tmp_path):
    saved = PAGES / variant.format(page)
    result, article = import_one(saved, tmp_path / "articles")
    encoding, same_as = VARIANTS[variant]
    same_as = same_as.format(page)
    # the same article as its page, but for the file it says it was imported from
    article = article.replace(f"\nimported_from: {saved.name}\n",
                              f"\nimported_from: {Path(same_as).name}\n")
    assert article == golden(f"cms/{same_as}.md", article)
    assert result.profile == PROFILE[page]
    assert result.encoding == encoding
    assert not [word for word in FURNITURE if word in body_of(article)]


@pytest.mark.golden
@pytest.mark.parametrize("page", list(PROFILE))
def test_every_text_capture_becomes_its_article(page, tmp_path):
    saved = PAGES / f"{page}.txt"
    result, article = import_one(saved, tmp_path / "articles")
    assert article == golden(f"cms/{page}.txt.md", article)
    assert result.profile == CAPTURE_PROFILE[page]
    assert not [word for word in FURNITURE if word in body_of(article)]


# --- the failures of issue 11, one by one -----------------------------------------------------

def read(html: str, tmp_path: Path, name: str = "page.html", as_of=AS_OF):
    saved = tmp_path / name
    saved.write_text(html, encoding="utf-8")
    report = import_pages(sources_from([str(saved)], lambda: b""), tmp_path / "articles", as_of)
    [result] = report.pages
    return result


def test_title_evidence_that_disagrees_is_reported(tmp_path):
    html = ("<html><head><meta charset='utf-8'><title>借条丢了怎么办 - 明衡律师事务所</title>"
            "<meta property='og:title' content='借条丢失后如何证明借款'></head><body>"
            "<div class='place'>当前位置:首页 > 金融债务 > 正文</div>"
            "<article><h1>借条丢了怎么办</h1><div class='article-content'><p>可以用转账记录证明。</p>"
            "</div></article></body></html>")
    result = read(html, tmp_path)
    assert result.outcome == "new"
    assert "title: 借条丢了怎么办\n" in result.path.read_text(encoding="utf-8")
    assert [p.message for p in result.problems] == [
        "title evidence disagrees: the article heading says '借条丢了怎么办', og:title says "
        "'借条丢失后如何证明借款'; the article heading is used"]


def test_a_page_without_a_recognisable_title_is_refused(tmp_path):
    html = ("<html><head><meta charset='utf-8'><title>首页</title></head><body>"
            "<div class='place'>当前位置:首页 > 金融债务 > 正文</div>"
            "<div class='content'><p>可以用转账记录证明借款。</p><p>地址:某市某路1号</p></div></body></html>")
    result = read(html, tmp_path)
    assert result.outcome == "failed"
    assert result.problems[-1].message.startswith("no recognisable title")
    assert not (tmp_path / "articles").exists() or not list((tmp_path / "articles").rglob("*.md"))


def test_the_author_comes_from_article_author_when_the_byline_has_none(tmp_path):
    html = (PAGES / "pbootcms/76.html").read_text(encoding="utf-8").replace(
        "<meta charset=\"utf-8\">", "<meta charset=\"utf-8\">\n\t<meta property=\"article:author\" content=\"吴律师\">")
    result = read(html, tmp_path)
    assert "\nauthor: 吴律师\ndate: 2026-05-18\n" in result.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("written, as_of, expected, why", [
    ("3天前", "2026-11-29", None, "spans more than one day"),
    ("3天前", "2026-11-29T08:00", None, "any day from 2026-11-25 to 2026-11-26"),
    ("3天前", "2026-11-29T12:00", None, "any day from 2026-11-26 to 2026-11-27"),
    ("5小时前", "2026-11-29T18:30", "2026-11-29", None),
    ("2周前<time class=\"datetime\"> (11-12)</time>", "2026-11-29", "2026-11-12", None),
    ("3个月前<time class=\"datetime\"> (09-05)</time>", "2026-11-29", "2026-09-05", None),
])
def test_tpure_rounds_its_relative_dates_so_a_day_count_is_left_out(tmp_path, written, as_of, expected, why):
    html = (PAGES / "tpure/3105.html").read_text(encoding="utf-8").replace(
        '1年前<time class="datetime"> (2025-05-03)</time>', written)
    result = read(html, tmp_path, as_of=parse_as_of(as_of))
    article = result.path.read_text(encoding="utf-8")
    if expected:
        assert f"\ndate: {expected}\n" in article
    else:
        assert "\ndate:" not in article
        [note] = [p.message for p in result.problems if p.message.startswith("date left out")]
        assert why in note


def capture(lines: list[str]) -> str:
    return "\n".join(["明衡律师事务所", "首页", "当前位置:首页 > 金融债务 > 正文内容", *lines]) + "\n"


@pytest.mark.parametrize("title_line, what", [
    ("地址:某市某区某路88号", "an address or contact line"),
    ("{dede:field name='title'/}", "a markup leftover"),
    ("借条丢失以后,出借人仍然可以用转账记录、聊天记录等证据证明借款关系的存在。", "a paragraph"),
    ("• 借条丢了怎么办", "a bullet"),
    ("阅读全文", "a button or menu label"),
    ("劳动纠纷 12", "a button or menu label"),
])
def test_a_capture_whose_title_line_is_not_a_title_is_refused(tmp_path, title_line, what):
    result = read(capture([title_line, "可以用转账记录证明。"]), tmp_path, "page.txt")
    assert result.outcome == "failed"
    assert f"where the title should be, is {what}; the page is skipped" in result.problems[-1].message


def test_a_related_list_at_the_top_does_not_empty_the_page(tmp_path):
    text = capture(["相关推荐", "借款到期不还怎么办", "出借人可以起诉...", "借条丢了怎么办",
                    "王律师 2026-01-26", "借条丢失以后,可以用转账记录证明借款。"])
    result = read(text, tmp_path, "page.txt")
    assert result.outcome == "new", [str(p) for p in result.problems]
    article = result.path.read_text(encoding="utf-8")
    assert "title: 借条丢了怎么办\n" in article
    assert article.endswith("---\n\n借条丢失以后,可以用转账记录证明借款。\n")


def test_a_related_heading_above_the_article_in_html_does_not_end_it(tmp_path):
    html = ("<html><head><meta charset='utf-8'><title>借条丢了怎么办 - 明衡律师事务所</title></head><body>"
            "<div class='content'><div class='side'><h3>相关推荐</h3><ul><li><a href='/a/1.html'>"
            "借款到期不还怎么办</a></li></ul></div>"
            "<div class='place'>当前位置:首页 > 金融债务 > 正文</div>"
            "<h1>借条丢了怎么办</h1><p>借条丢失以后,可以用转账记录证明借款。</p></div></body></html>")
    result = read(html, tmp_path)
    assert result.outcome == "new", [str(p) for p in result.problems]
    assert result.path.read_text(encoding="utf-8").endswith("---\n\n借条丢失以后,可以用转账记录证明借款。\n")


def test_the_same_article_from_a_page_and_its_capture_is_written_once(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    # the capture has no permalink, so it would get another file name than the page
    for name in ("a-capture.txt", "b-page.html"):  # the capture sorts first; the page still wins
        original = "fangchan-fenge" + Path(name).suffix
        (saved / name).write_bytes((PAGES / "wordpress" / original).read_bytes())
    report = import_pages(sources_from([str(saved)], lambda: b""), tmp_path / "articles", AS_OF)
    outcomes = {Path(p.source).name: p.outcome for p in report.pages}
    assert outcomes == {"a-capture.txt": "failed", "b-page.html": "new"}
    assert report.pages[0].problems[-1].message == (
        "the same article (same title and category) as b-page.html, imported just before; "
        "the page is skipped")
    [written] = (tmp_path / "articles").rglob("*.md")
    assert without_hash(written) == golden_text("cms/wordpress/fangchan-fenge.html.md").replace(
        "imported_from: fangchan-fenge.html", "imported_from: b-page.html")


def test_a_folder_of_mhtml_pages_is_read(tmp_path):
    found = [Path(s.shown).name for s in sources_from([str(PAGES / "tpure")], lambda: b"")]
    assert "3105.mhtml" in found


def test_report_json_groups_failures_by_reason(tmp_path):
    from conftest import run_cli
    import json

    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "tpure.html").write_bytes((PAGES / "tpure/3105.html").read_bytes())
    (saved / "no-title-1.txt").write_text(capture(["地址:某市某区某路88号", "正文。"]), encoding="utf-8")
    (saved / "no-title-2.txt").write_text(capture(["• 借条丢了怎么办", "正文。"]), encoding="utf-8")
    (saved / "no-category.txt").write_text("借条丢了还能起诉吗\n王律师 2026-01-26\n正文。\n", encoding="utf-8")
    result = run_cli("import", "saved", "--into", "articles", "--as-of", "2026-11-29",
                     "--report", "out/report.json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.endswith("report written to out/report.json\n")
    data = json.loads((tmp_path / "out/report.json").read_text(encoding="utf-8"))
    assert data["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "refused": 0, "failed": 3,
                              "skipped": 0}
    assert data["failures"] == {
        "no category (give --category)": ["saved/no-category.txt"],
        "no recognisable title": ["saved/no-title-1.txt", "saved/no-title-2.txt"],
    }
    [page] = [p for p in data["pages"] if p["outcome"] == "new"]
    assert (page["source"], page["profile"], page["reason"]) == ("saved/tpure.html", "zblogphp-tpure", None)
    assert page["missing"] == ["source_url", "copyright"]


# --- damage -----------------------------------------------------------------------------------

TRADITIONAL = ["當前位置:首頁 > 債務糾紛 > 正文內容", "借款到期不還,債權人可以怎麼做?", "林律師 2026-02-14",
               "債務人未依約清償時，債權人得聲請強制執行。", "起訴前應先整理借據與匯款紀錄。"]


def test_chinese_read_as_gbk_is_reported_with_what_it_said(tmp_path):
    garbled = TRADITIONAL[3].encode("utf-8").decode("gbk", errors="replace")  # and saved again
    text = "\n".join([*TRADITIONAL[:3], garbled, TRADITIONAL[4]]) + "\n"
    result = read(text, tmp_path, "tw.txt")
    assert result.outcome == "new"
    notes = [p.message for p in result.problems if p.line == 4]
    assert notes[0] == (f"garbled text '{garbled}' kept as it is (probably '債務人未依約清償時，債權人得聲請強制執\ufffd' "
                        "saved in the wrong encoding); fix it by hand")
    assert garbled in result.path.read_text(encoding="utf-8")  # kept: the user fixes it


def test_gbk_read_as_latin_is_reported(tmp_path):
    from guidebuilder.importer.damage import clean_line

    _, notes = clean_line("借款合同纠纷".encode("gbk").decode("cp1252"), 7)
    assert [n.message for n in notes] == ["garbled text '½è¿îºÏÍ¬¾À·×' kept as it is (probably "
                                          "'借款合同纠纷' saved in the wrong encoding); fix it by hand"]


def test_ooxml_escapes_are_removed_or_replaced():
    from guidebuilder.importer.damage import clean_line

    text, notes = clean_line("证据清单_x0008_见附件_x00B7_", 3)
    assert text == "证据清单见附件·"
    assert [n.message for n in notes] == [
        "OOXML escape '_x0008_' (control character) removed",
        "OOXML escape '_x00B7_' replaced by the character it stands for"]


def test_ordinary_words_are_not_garbled():
    from itertools import product

    from guidebuilder.importer.damage import clean_line

    common = "的一是了不在有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    flagged = [a + b + c for a, b, c in product(common, repeat=3) if clean_line(a + b + c, 1)[1]]
    assert flagged == []
    for page in PAGES.rglob("*.txt"):
        for number, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1):
            assert clean_line(line, number)[1] == [], (page, number)


# --- bylines and dates --------------------------------------------------------------------------

@pytest.mark.parametrize("line, author, date", [
    ("来源：明衡律师事务所作者：孙律师时间：2026-03-02Tag：借款点击：12", "孙律师", "2026-03-02"),
    ("时间：2026-05-18   访问量：1206", None, "2026-05-18"),
    ("日期 2026-05-18", None, "2026-05-18"),
    ("2026-05-18 作者:王律师", "王律师", "2026-05-18"),
    ("发布时间：2026年5月18日 发布人：钱律师", "钱律师", "2026-05-18"),
    ("By Zhou Min | March 5, 2026", "Zhou Min", "2026-03-05"),
    ("Posted on 5 March 2026 by Zhou Min", "Zhou Min", "2026-03-05"),
    ("周律师 | Mar 5, 20264 min read", "周律师", "2026-03-05"),
    ("March 5, 2026 | 4 min read", None, "2026-03-05"),
])
def test_bylines_with_labels_separators_and_english_dates(line, author, date):
    from guidebuilder.importer.cms import read_byline

    byline = read_byline(line, AS_OF)
    assert (byline.author, str(byline.date.date)) == (author, date)


def test_related_read_but_not_written_is_reported_as_not_found(tmp_path):
    text = capture(["借条丢了怎么办", "王律师 2026-01-26", "借条丢失以后,可以用转账记录证明借款。",
                    "相关文章", "借条丢了怎么办", "本文就是这一篇..."])
    result = read(text, tmp_path, "page.txt")
    assert "related" in result.missing and "related" not in result.found
    assert "related '借条丢了怎么办' is this article itself; not kept" in [p.message for p in result.problems]


def test_a_tpure_capture_is_told_by_its_footer_and_its_day_count_left_out(tmp_path):
    tpure = (PAGES / "tpure/3105.txt").read_text(encoding="utf-8").replace("1年前 (2025-05-03)", "3天前")
    result = read(tpure, tmp_path, "tpure.txt")
    assert result.profile == "zblogphp-tpure"
    assert "\ndate:" not in result.path.read_text(encoding="utf-8")
    assert any("rounded to the nearest whole number" in p.message for p in result.problems)
    # the firm's own theme counts calendar days
    plain = tpure.replace("Powered By Z-BlogPHP. Theme by TOYEAN.", "")
    (tmp_path / "plain").mkdir()
    result = read(plain, tmp_path / "plain", "plain.txt")
    assert result.profile == "generic"
    assert "\ndate: 2026-11-26\n" in result.path.read_text(encoding="utf-8")


def test_a_body_a_theme_wraps_in_a_list_tag_is_read_whole(tmp_path):
    """Some Z-BlogPHP themes print the article inside <ul class="infos">, with no <li>."""
    html = ("<html><head><meta charset='utf-8'><meta name='generator' content='Z-BlogPHP 1.7.3'>"
            "<title>借条丢了怎么办 - 明衡律师事务所</title></head><body>"
            "<div class='place'>当前位置:首页 > 金融债务 > 正文</div>"
            "<div class='panel-body'><h2 class='c_titile'>借条丢了怎么办</h2>"
            "<p class='box_c'><span class='d_time'>发布时间：2026-01-26</span></p>"
            "<ul class='infos'><p>借条丢失以后,可以用转账记录证明借款。</p><h3>一、证据</h3>"
            "<ol><li>银行流水;</li><li>聊天记录.</li></ol></ul>"
            "<div class='keybq'><p><span>关键字</span>：<a href='/tags-1.html'>借条</a></p></div>"
            "</div></body></html>")
    result = read(html, tmp_path)
    assert result.outcome == "new", [str(p) for p in result.problems]
    body = body_of(without_hash(result.path))
    assert body.startswith("\n借条丢失以后,可以用转账记录证明借款。\n\n## 一、证据\n\n1. 银行流水;\n"), body


def test_a_byline_without_a_class_is_found_under_the_title(tmp_path):
    html = ("<html><head><meta charset='utf-8'><title>借条丢了怎么办 - 明衡律师事务所</title></head><body>"
            "<div class='place'>当前位置:首页 > 金融债务 > 正文</div><div class='main'>"
            "<h1>借条丢了怎么办</h1>\n<p>日期：2026-01-26　作者：王律师</p>\n"
            "<p>借条丢失以后,可以用转账记录证明借款。</p></div></body></html>")
    result = read(html, tmp_path)
    assert result.outcome == "new", [str(p) for p in result.problems]
    assert without_hash(result.path) == (
        "---\ntitle: 借条丢了怎么办\ncategory: 金融债务\nauthor: 王律师\ndate: 2026-01-26\n"
        "imported_from: page.html\n---\n\n借条丢失以后,可以用转账记录证明借款。\n")


def test_placing_looks_pages_up_in_indexes_not_by_scanning_the_library(tmp_path):
    """Scanning every article for every page made 30,000 against 30,000 take most of an hour;
    bench/import_bench.py measures it, this checks no scan is left."""
    from guidebuilder.importer.library import ExistingArticle, Library
    from guidebuilder.importer.page import Page, Paragraph
    from guidebuilder.importer.plan import Taken, place

    class NoScan(list):
        def __iter__(self):
            raise AssertionError("the library was scanned")

    library = Library(tmp_path / "articles", folders={"信用卡": "xinyongka"})
    for n in range(3):
        library.add(ExistingArticle(tmp_path / f"articles/xinyongka/{n}.md", f"文章{n}",
                                    f"https://law.example/xinyongka/{n}.html"))
    library.articles = NoScan(library.articles)
    taken = Taken()
    pages = [Page(source=f"{n}.html", kind="html", encoding="utf-8", title=f"文章{n}", category="信用卡",
                  source_url=f"https://law.example/xinyongka/{n}.html", body=(Paragraph("正文。"),))
             for n in (1, 7)]
    paths = [place(page, library, taken).path.name for page in pages]
    assert paths == ["1.md", "7.md"]


def test_the_site_name_is_never_the_title(tmp_path):
    html = ("<html><head><meta charset='utf-8'><title>明衡律师事务所</title></head><body>"
            "<div class='logo'><a href='/'>明衡律师事务所</a></div>"
            "<div class='place'>当前位置:首页 > 金融债务 > 正文</div>"
            "<div class='content'><p>可以用转账记录证明借款。</p></div></body></html>")
    result = read(html, tmp_path)
    assert result.outcome == "failed"
    assert result.problems[-1].message == (
        "no recognisable title: the page has no article heading, og:title or <title> that reads "
        "as a title (the site's name is not one); the page is skipped")


def test_mhtml_says_where_the_page_was_saved_from_so_relative_related_links_resolve(tmp_path):
    result, article = import_one(PAGES / "dedecms/518.mhtml", tmp_path / "articles")
    assert "\nsource_url:" not in article  # where it was saved from is not its permalink
    assert article.split("related:\n")[1].startswith(
        "  - title: 借给别人的钱,多久不要就要不回来了?\n    url: https://www.mingheng-law.example/a/jinrong/517.html\n")


def test_a_folder_of_complete_saves_imports_the_pages_not_their_files(tmp_path):
    """Chrome's "Webpage, Complete" puts the page's styles, scripts and images in a
    `<name>_files/` folder beside it: importing the folder takes the pages only."""
    from guidebuilder.importer import sources_from

    sources = sources_from([str(PAGES)], lambda: b"")
    names = [s.name for s in sources]
    assert any(name.endswith("3105-complete.html") for name in names)
    assert not [name for name in names if "_files" in name]
    assert list((PAGES / "tpure" / "3105-complete_files").iterdir())  # there is something to skip
