"""`guidebuilder import`: saved pages of the firm's website (HTML in UTF-8 and GBK, text captures,
a damaged capture) become articles that `check` accepts and a guide can print."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write
from goldens import golden, golden_text
from pdfbook import PdfBook, squeeze

from guidebuilder.build import build, check
from guidebuilder.errors import GuideError
from guidebuilder.importer import Source, import_pages, sources_from
from guidebuilder.importer.dates import DATE_PATTERN, AsOf, parse_as_of, read_date
from guidebuilder.importer.write import content_hash

PAGES = Path(__file__).parent / "pages"
AS_OF = "2026-11-29"

# --- what each sample page becomes, imported into `tiny_project` ----------------------------
# (the articles and the report are in tests/expected/: `make goldens` rewrites them)

DAMAGED_PATH = "articles/zheng-xin-yi-yi/zheng-xin-bao-gao-you-cuo-wu-ji-lu-ru-he-ti-chu-yi-yi.md"
ARTICLES = {
    "html/2041.html": "articles/xinyongka/2041.md",
    "html/2043.html": "articles/jinrong-zhaiwu/2043.md",
    "text/2042.txt": "articles/xinyongka/2042.md",
    "text/2044.txt": "articles/jinrong-zhaiwu/2044.md",
    "text/damaged.txt": DAMAGED_PATH,
}


# --- helpers --------------------------------------------------------------------------------

def without_hash(path: Path) -> str:
    """The article as written, minus its import_hash line, after checking that hash."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^import_hash: ([0-9a-f]{16})\n", text, re.M)
    assert match, text
    rest = text[:match.start()] + text[match.end():]
    assert content_hash(rest) == match.group(1)
    return rest


@pytest.fixture
def work(tiny_project: Path) -> Path:
    """A folder holding the tiny project and a copy of the sample pages beside it."""
    folder = tiny_project.parent
    shutil.copytree(PAGES, folder / "pages")
    return folder


def import_cli(work: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("import", *args, "--root", "project", cwd=work)


def import_all(work: Path) -> subprocess.CompletedProcess:
    result = import_cli(work, "pages/html", "pages/text", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    return result


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --- the pages --------------------------------------------------------------------------------

@pytest.mark.golden
def test_every_page_becomes_exactly_its_article(work):
    import_all(work)
    root = work / "project"
    for page, relative in ARTICLES.items():
        article = without_hash(root / relative)
        assert article == golden(f"{page}.md", article), relative
    assert (root / "articles/zheng-xin-yi-yi/_category.yml").read_text(encoding="utf-8") == "name: 征信异议\n"
    assert files_under(root / "articles") == sorted([
        "jinrong-zhaiwu/2043.md", "jinrong-zhaiwu/2044.md", "jinrong-zhaiwu/_category.yml",
        "jinrong-zhaiwu/jiedai.md", "laodong/laodong.md",
        "xinyongka/2041.md", "xinyongka/2042.md", "xinyongka/_category.yml",
        "xinyongka/xieshang.md", "xinyongka/yuqi.md",
        "zheng-xin-yi-yi/_category.yml",
        "zheng-xin-yi-yi/zheng-xin-bao-gao-you-cuo-wu-ji-lu-ru-he-ti-chu-yi-yi.md",
    ])


@pytest.mark.golden
def test_the_report_names_fields_found_and_damage_by_line(work):
    result = import_all(work)
    assert result.stdout == golden("import-report.txt", result.stdout)
    assert result.stderr == ""


def test_check_passes_on_what_was_imported(work):
    import_all(work)
    problems = check(work / "project")
    assert [str(p) for p in problems.errors] == []
    # the one page saved without its permalink is imported without a source_url, and check
    # says that the guide would print it without a link; a related title waits for its
    # article to be imported (said once for the whole folder)
    assert sorted(p.message.split(":")[0] for p in problems.warnings) == [
        "1 related title(s) match no article yet and are not printed until those articles are "
        "imported (the first", "no source_url"]
    result = run_cli("check", "--root", "project", cwd=work)
    assert result.returncode == 0, result.stderr


XREF = r"[(（]见第(\d+)页[)）]"  # the theme's punctuation, half- or full-width


def _article_text(book: PdfBook, title: str) -> str:
    outline = book.outline()
    index = next(i for i, e in enumerate(outline) if e.title == title)
    end = outline[index + 1].page if index + 1 < len(outline) else book.page_count + 1
    return squeeze("".join(book.body(n) for n in range(outline[index].page, end)))


def test_imported_pages_build_into_a_guide_whose_related_links_resolve(work, tmp_path):
    """The imported text is kept as the site had it; the book sets its punctuation full-width."""
    import_all(work)
    outputs, warnings = build(work / "project", ["ceshi"], ["pdf"], tmp_path / "out")
    # the one related title whose article is not imported yet: said once, and not printed;
    # the page saved without its permalink: said once
    assert sorted(w.message.split(":")[0] for w in warnings) == [
        "1 related title(s) match no article yet and are not printed until those articles are "
        "imported (the first", "no source_url"]
    book = PdfBook(outputs[0])
    pages = {e.title: e.page for e in book.outline()}
    outline = [(e.level, e.title) for e in book.outline()]
    start = outline.index((1, "信用卡"))  # the two parts, whatever the book adds around them
    assert outline[start:start + 9] == [
        (1, "信用卡"),
        (2, "信用卡逾期被银行起诉怎么办？应诉要点全解析"),
        (2, "信用卡停息挂账需要准备哪些材料？"),
        (2, "如何协商还款"),
        (2, "信用卡逾期的后果"),
        (1, "金融债务"),
        (2, "民间借贷纠纷中，借条和收条有什么区别？"),
        (2, "借款到期不还，出借人应当怎样起诉？"),
        (2, "民间借贷利率上限"),
    ]
    sued = _article_text(book, "信用卡逾期被银行起诉怎么办？应诉要点全解析")
    for title in ("信用卡停息挂账需要准备哪些材料？", "信用卡逾期的后果"):
        match = re.search(re.escape(title) + XREF, sued)
        assert match and int(match.group(1)) == pages[title], sued
    assert "信用卡分期手续费能退吗？https://www.mingheng-law.example/xinyongka/2099.html" in sued
    assert "个性化分期申请被拒绝了怎么办" not in _article_text(book, "信用卡停息挂账需要准备哪些材料？")
    assert re.search("版权声明：本文由明衡律师事务所原创，转载请注明出处。本文链接[:：]"
                     "https://www.mingheng-law.example/xinyongka/2041.html", sued)
    lawsuit = _article_text(book, "借款到期不还，出借人应当怎样起诉？")
    match = re.search(r"民间借贷纠纷中，借条和收条有什么区别？" + XREF, lawsuit)
    assert match and int(match.group(1)) == pages["民间借贷纠纷中，借条和收条有什么区别？"]
    back = _article_text(book, "信用卡停息挂账需要准备哪些材料？")
    match = re.search(r"信用卡逾期被银行起诉怎么办？应诉要点全解析" + XREF, back)
    assert match and int(match.group(1)) == pages["信用卡逾期被银行起诉怎么办？应诉要点全解析"]


# --- dates ------------------------------------------------------------------------------------

def test_without_as_of_relative_dates_are_left_out_and_said_so(work):
    result = import_cli(work, "pages/text/2042.txt", "pages/html/2041.html")
    assert result.returncode == 0, result.stderr
    text = without_hash(work / "project/articles/xinyongka/2042.md")
    assert "date:" not in text
    assert text == golden_text("text/2042.txt.md").replace("date: 2026-08-17\n", "")
    assert "2041.md" in result.stdout and "date: 2026-03-14" in \
        (work / "project/articles/xinyongka/2041.md").read_text(encoding="utf-8")  # <time datetime>
    assert ("pages/text/2042.txt:8: warning: date left out: '3个月前 (08-17)' is relative to the "
            "day the page was saved: give --as-of") in result.stdout
    assert "  not found: date\n" in result.stdout


@pytest.mark.parametrize("written, as_of, expected", [
    ("2026-01-26 01:15", None, dt.date(2026, 1, 26)),
    ("2025年3月5日", None, dt.date(2025, 3, 5)),
    ("3个月前 (08-17)", "2026-11-29", dt.date(2026, 8, 17)),
    ("2个月前 (11-20)", "2026-01-29", dt.date(2025, 11, 20)),  # the year before the capture
    ("1年前 (03-05)", "2026-11-29", dt.date(2025, 3, 5)),
    ("3天前", "2026-11-29", dt.date(2026, 11, 26)),
    ("3天前 (11-26)", "2026-11-29", dt.date(2026, 11, 26)),
    ("昨天", "2026-03-01", dt.date(2026, 2, 28)),
    ("前天", "2026-11-29", dt.date(2026, 11, 27)),
    ("5小时前", "2026-11-29T03:00", dt.date(2026, 11, 28)),
    ("5小时前", "2026-11-29T18:00", dt.date(2026, 11, 29)),
    ("3个月前", "2026-11-29", None),  # no (MM-DD): which day is unknown
    ("5小时前", "2026-11-29", None),  # today or yesterday
    ("3个月前 (11-20)", None, None),  # no --as-of
    ("3个月前 (11-20)", "2026-11-29", None),  # the hint does not fit the count
    ("2026-02-30", None, None),
])
def test_dates_resolve_only_when_certain(written, as_of, expected):
    match = DATE_PATTERN.search(written)
    assert match and match.group(0).strip() == written
    reading = read_date(match, parse_as_of(as_of) if as_of else None)
    assert reading.date == expected
    assert (reading.why_not is None) == (expected is not None)


def test_bad_as_of_is_an_error_without_traceback(work):
    result = import_cli(work, "pages/text", "--as-of", "2026-13-01")
    assert result.returncode == 1
    assert result.stderr == "--as-of '2026-13-01' is not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM)\n"
    assert not (work / "project/articles/xinyongka/2042.md").exists()


def test_missing_source_is_an_error(work):
    result = import_cli(work, "pages/nothing-here")
    assert (result.returncode, result.stderr) == (1, "no such file or folder: pages/nothing-here\n")


# --- re-importing ---------------------------------------------------------------------------

def test_reimport_updates_the_same_file(work):
    import_all(work)
    article = work / "project/articles/jinrong-zhaiwu/2044.md"
    again = import_cli(work, "pages/text/2044.txt", "--as-of", AS_OF)
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == "pages/text/2044.txt: unchanged -> project/articles/jinrong-zhaiwu/2044.md"
    page = work / "pages/text/2044.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("王律师", "王明律师"), encoding="utf-8")
    changed = import_cli(work, "pages/text/2044.txt", "--as-of", AS_OF)
    assert changed.returncode == 0
    assert changed.stdout.splitlines()[0] == "pages/text/2044.txt: updated -> project/articles/jinrong-zhaiwu/2044.md"
    assert without_hash(article) == golden_text("text/2044.txt.md").replace("author: 王律师", "author: 王明律师")
    assert files_under(article.parent) == ["2043.md", "2044.md", "_category.yml", "jiedai.md"]


def test_reimport_finds_an_article_renamed_by_hand(work):
    import_all(work)
    folder = work / "project/articles/xinyongka"
    (folder / "2042.md").rename(folder / "01-tingxi-cailiao.md")
    result = import_cli(work, "pages/text/2042.txt", "--as-of", AS_OF)
    assert result.stdout.splitlines()[0] == \
        "pages/text/2042.txt: unchanged -> project/articles/xinyongka/01-tingxi-cailiao.md"
    assert not (folder / "2042.md").exists()


def test_an_article_edited_by_hand_is_not_overwritten_without_force(work):
    import_all(work)
    article = work / "project/articles/xinyongka/2041.md"
    edited = article.read_text(encoding="utf-8").replace("积极应诉", "积极、认真地应诉")
    article.write_text(edited, encoding="utf-8")
    refused = import_cli(work, "pages/html/2041.html", "--as-of", AS_OF)
    assert refused.returncode == 1
    assert refused.stdout.splitlines()[0] == "pages/html/2041.html: refused -> project/articles/xinyongka/2041.md"
    assert ("  pages/html/2041.html: articles/xinyongka/2041.md is not replaced: it has been "
            "edited since it was imported (use --force to replace it)") in refused.stdout.splitlines()
    assert refused.stdout.endswith("1 page(s): 1 refused\n")
    assert article.read_text(encoding="utf-8") == edited
    forced = import_cli(work, "pages/html/2041.html", "--as-of", AS_OF, "--force")
    assert forced.returncode == 0
    assert forced.stdout.splitlines()[0] == "pages/html/2041.html: updated -> project/articles/xinyongka/2041.md"
    assert without_hash(article) == golden_text("html/2041.html.md")


def test_a_hand_written_article_at_the_same_place_is_not_overwritten(work):
    root = work / "project"
    write(root / "articles/xinyongka/2042.md", "---\ntitle: 我自己写的\n---\n正文。\n")
    result = import_cli(work, "pages/text/2042.txt", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "is not replaced: it was not written by an import (no import_hash)" in result.stdout
    assert (root / "articles/xinyongka/2042.md").read_text(encoding="utf-8") == "---\ntitle: 我自己写的\n---\n正文。\n"


# --- failures ---------------------------------------------------------------------------------

def test_a_page_that_fails_is_reported_and_skipped(work):
    saved = work / "pages/text"
    (saved / "0-no-category.txt").write_text(
        "借条丢了还能起诉吗\n王律师 2026-01-26\n借条丢失以后,还可以用转账记录证明借款。\n", encoding="utf-8")
    (saved / "0-paragraph.txt").write_text("只有一段话,没有面包屑,也没有作者和日期。\n第二段。\n",
                                           encoding="utf-8")
    (saved / "1-empty.txt").write_bytes(b"  \n")
    result = import_cli(work, "pages/text", "--as-of", AS_OF)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "pages/text/0-no-category.txt: failed",
        "  read as utf-8",
        "  read by the generic profile",
        "  found: title, author, date",
        "  not found: category, source_url, copyright, related",
        "  pages/text/0-no-category.txt: no category found (in the breadcrumb or the byline); "
        "give it with --category NAME; the page is skipped",
    ]
    assert lines[6:12] == [
        "pages/text/0-paragraph.txt: failed",
        "  read as utf-8",
        "  read by the generic profile",
        "  found: -",
        "  not found: title, category, author, date, source_url, copyright, related",
        "  pages/text/0-paragraph.txt: no recognisable title: line 1 ('只有一段话,没有面包屑,也没有作者和日期。'), "
        "where the title should be, is a paragraph; the page is skipped",
    ]
    assert lines[12:14] == ["pages/text/1-empty.txt: failed", "  pages/text/1-empty.txt: the page is empty"]
    assert lines[-1] == "6 page(s): 3 new, 3 failed"
    articles = work / "project/articles"
    assert (articles / "xinyongka/2042.md").is_file()
    assert not [p for p in articles.rglob("*") if p.name.endswith(".part")]


def test_category_names_the_category_of_pages_without_one(work):
    saved = work / "pages/plain"
    saved.mkdir()
    (saved / "jietiao.txt").write_text(
        "借条丢了还能起诉吗\n王律师 2026-01-26\n借条丢失以后,还可以用转账记录证明借款。\n", encoding="utf-8")
    result = import_cli(work, "pages/plain", "--category", "金融债务")
    assert result.returncode == 0, result.stdout
    written = work / "project/articles/jinrong-zhaiwu/jie-tiao-diu-le-hai-neng-qi-su-ma.md"
    assert without_hash(written) == (
        "---\ntitle: 借条丢了还能起诉吗\ncategory: 金融债务\nauthor: 王律师\ndate: 2026-01-26\n"
        "imported_from: jietiao.txt\n---\n\n借条丢失以后,还可以用转账记录证明借款。\n")
    assert "warning: category '金融债务' from --category (the page does not say it)" in result.stdout
    assert import_cli(work, "pages/plain", "--category", " ").stderr == "--category needs a name\n"


def test_a_page_whose_write_fails_leaves_no_half_written_file(work, monkeypatch):
    into = work / "project/articles"
    real_replace = os.replace

    def failing_replace(source, target):
        if Path(target).name == "2043.md":
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    sources = sources_from([str(PAGES / "html")], lambda: b"")
    report = import_pages(sources, into, parse_as_of(AS_OF))
    outcomes = {Path(p.source).name: p.outcome for p in report.pages}
    assert outcomes == {"2041.html": "new", "2043.html": "failed"}
    failed = next(p for p in report.pages if p.outcome == "failed")
    [problem] = failed.problems
    assert problem.message.startswith("cannot write ") and problem.message.endswith(
        "jinrong-zhaiwu/2043.md: No space left on device")
    assert not report.ok
    assert files_under(into / "jinrong-zhaiwu") == ["_category.yml", "jiedai.md"]
    assert (into / "xinyongka/2041.md").is_file()


def test_a_folder_of_pages_shows_progress_through_the_given_bar(work):
    calls = []

    def progress(items, total, description):
        calls.append((description, total))
        return items

    sources = sources_from([str(work / "pages/html"), str(work / "pages/text")], lambda: b"")
    report = import_pages(sources, work / "project/articles", parse_as_of(AS_OF), progress=progress)
    assert calls == [("reading", 5), ("writing", 5)]
    assert [p.outcome for p in report.pages] == ["new"] * 5


# --- other inputs -----------------------------------------------------------------------------

def test_a_capture_on_standard_input(work):
    data = (PAGES / "text/2044.txt").read_bytes()
    result = subprocess.run([sys.executable, "-m", "guidebuilder", "import", "-", "--root", "project",
                             "--as-of", AS_OF], cwd=work, input=data, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines()[0] == "<stdin>: new -> project/articles/jinrong-zhaiwu/2044.md"
    expected = golden_text("text/2044.txt.md").replace("imported_from: 2044.txt", "imported_from: <stdin>")
    # 2043 is not in this project: its title is kept until it is imported
    expected = expected.replace("  - https://www.mingheng-law.example/jinrong/2043.html\n",
                                "  - title: 民间借贷纠纷中,借条和收条有什么区别?\n")
    assert without_hash(work / "project/articles/jinrong-zhaiwu/2044.md") == expected
    assert ("<stdin>:20: warning: related '民间借贷纠纷中,借条和收条有什么区别?' matches no article "
            "yet; kept by its title (it links once that article is imported)") in result.stdout.decode()


def test_a_gbk_capture_without_a_charset_is_detected(work, tmp_path):
    page = tmp_path / "2042-gbk.txt"
    page.write_bytes((PAGES / "text/2042.txt").read_text(encoding="utf-8").encode("gb18030"))
    into = tmp_path / "articles"
    report = import_pages(sources_from([str(page)], lambda: b""), into, parse_as_of(AS_OF))
    assert report.pages[0].encoding == "gb18030 (detected)"
    expected = golden_text("text/2042.txt.md").replace("imported_from: 2042.txt", "imported_from: 2042-gbk.txt")
    # the related article is not in this folder (kept by title), and the new category folder
    # is named by pinyin
    expected = expected.replace("  - https://www.mingheng-law.example/xinyongka/2041.html\n",
                                "  - title: 信用卡逾期被银行起诉怎么办?应诉要点全解析\n")
    assert without_hash(into / "xin-yong-ka/2042.md") == expected


def test_sources_are_pages_in_a_folder_not_their_assets(tmp_path):
    write(tmp_path / "saved/a.html", "<html></html>")
    write(tmp_path / "saved/a_files/style.css", "p{}")
    write(tmp_path / "saved/a_files/frame.html", "<html></html>")
    write(tmp_path / "saved/notes/b.txt", "x")
    write(tmp_path / "saved/readme.md", "x")
    found = [s.shown for s in sources_from([str(tmp_path / "saved")], lambda: b"")]
    assert found == [str(tmp_path / "saved/a.html"), str(tmp_path / "saved/notes/b.txt")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(GuideError, match="no saved pages"):
        sources_from([str(tmp_path / "empty")], lambda: b"")
    assert sources_from(["-"], lambda: b"data") == [Source("<stdin>", "<stdin>", data=b"data")]


def test_as_of_accepts_a_time(tmp_path):
    assert parse_as_of("2026-11-29T18:30") == AsOf(dt.date(2026, 11, 29), dt.time(18, 30))


def test_the_same_article_twice_in_one_import_is_written_once(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    for name in ("2042.txt", "2042-copy.txt"):
        shutil.copy(PAGES / "text/2042.txt", saved / name)
    report = import_pages(sources_from([str(saved)], lambda: b""), tmp_path / "articles",
                          parse_as_of(AS_OF))
    assert [(Path(p.source).name, p.outcome) for p in report.pages] == [
        ("2042-copy.txt", "new"), ("2042.txt", "failed")]
    assert report.pages[1].problems[-1].message == \
        "the same article as 2042-copy.txt, imported just before; the page is skipped"
    assert files_under(tmp_path / "articles") == ["xin-yong-ka/2042.md", "xin-yong-ka/_category.yml"]


def test_a_related_title_kept_for_later_resolves_once_its_article_is_imported(work):
    first = import_cli(work, "pages/text/2042.txt", "--as-of", AS_OF)
    assert "related '信用卡逾期被银行起诉怎么办?应诉要点全解析' matches no article yet; kept by its title" \
        in first.stdout
    assert "  - title: 信用卡逾期被银行起诉怎么办?应诉要点全解析\n" in \
        (work / "project/articles/xinyongka/2042.md").read_text(encoding="utf-8")
    waiting = [p.message for p in check(work / "project").warnings]
    assert waiting == ["2 related title(s) match no article yet and are not printed until those "
                       "articles are imported (the first: '信用卡逾期被银行起诉怎么办?应诉要点全解析')"]
    assert import_cli(work, "pages/html/2041.html", "--as-of", AS_OF).returncode == 0
    problems = check(work / "project")
    assert [p.message for p in problems.errors] == []
    assert [p.message for p in problems.warnings] == [
        "1 related title(s) match no article yet and are not printed until those articles are "
        "imported (the first: '个性化分期申请被拒绝了怎么办')"]
