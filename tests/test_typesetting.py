"""Chinese typesetting as a typographer would check it, measured from the characters'
positions in the PDF: on the sample guides and on a guide of messy web text
(tests/projects/messy: half-width punctuation, spaces between Han characters, mixed Latin and
digits, long URLs, pushed punctuation, footnotes, a reprint, an article without its link)."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import typography as t
from conftest import REPO, replace_in, run_cli
from epubbook import EpubBook, run_epubcheck
from pdfbook import PdfBook, squeeze

from guidebuilder.build import build
from guidebuilder.render.typeset import normalize_text, typeset_html

MESSY = REPO / "tests" / "projects" / "messy"
PT_PER_MM = 72 / 25.4
# (guide, page width pt, body size pt, characters in the measure) as the default theme sets them
MEASURES = {"A5": (148 * PT_PER_MM, 10.0, 32), "A4": (210 * PT_PER_MM, 11.0, 38)}
HAN_SPACE_HAN = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("messy") / "project"
    shutil.copytree(MESSY, root)
    outputs, warnings = build(root, [], ["pdf", "epub"], root / "build")
    assert [w.message.split(":")[0] for w in warnings] == ["no source_url"]
    return root


def pdf(messy: Path, name: str) -> Path:
    return messy / "build" / f"{name}.pdf"


def books(messy: Path, sample_books) -> dict[str, tuple[Path, str]]:
    """Every guide to measure: (PDF, page size)."""
    return {"messy-a5": (pdf(messy, "messy-a5"), "A5"), "messy-a4": (pdf(messy, "messy-a4"), "A4"),
            "xinyongka-zhaiwu": (sample_books["xinyongka-zhaiwu"].path, "A5"),
            "laodong-yonggong": (sample_books["laodong-yonggong"].path, "A4")}


def body_of(path: Path, size: str) -> tuple[list[t.Line], list[t.Line], float, float]:
    """(all lines, body lines, body size, right edge of the text block)."""
    width, body_size, characters = MEASURES[size]
    every = t.lines(path)
    return every, t.body_lines(every, body_size), body_size, (width + characters * body_size) / 2


# --- punctuation and spacing ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("根据第1165条,行为人应当承担责任.", "根据第1165条，行为人应当承担责任。"),
    ("金额为1,000元, 时间10:30,比例3:2", "金额为1,000元，时间10:30，比例3:2"),
    ("合同 违约 的 后果", "合同违约的后果"),
    ("第一行\n第二行", "第一行第二行"),
    ("(1)当事人;(2)第三人", "（1）当事人；（2）第三人"),
    ("民法典(2020年)规定", "民法典（2020年）规定"),
    ("使用Visa卡, 然后?", "使用Visa卡，然后？"),
    ("Hello, world (again): fine!", "Hello, world (again): fine!"),
    ("见 https://a.example/x?a=1,2:3 ,再说", "见 https://a.example/x?a=1,2:3，再说"),
    ("写信到 lawyer@firm.example ,谢谢", "写信到 lawyer@firm.example，谢谢"),
    ("文件名是合同.pdf", "文件名是合同.pdf"),
    ("他说: “好” 。", "他说：“好”。"),
    ('以"系统原因"为由, 他说"OK"', "以“系统原因”为由，他说\"OK\""),
    ('按"全额到期".下一句', "按“全额到期”。下一句"),
    ("请拨打（0000）. 参见《民法典》.", "请拨打（0000）。参见《民法典》。"),
    ("“全额到期”.Then (beta).", "“全额到期”.Then (beta)."),
])
def test_punctuation_in_chinese_context_is_full_width(text, expected):
    assert normalize_text(text) == expected


def test_code_urls_and_attributes_are_left_as_they_are():
    html = ('<p title="a,b">命令<code>a,b:c</code>,链接<a class="url" href="https://x.example/a,b">'
            'https://x.example/a,b</a>,就是这样</p><pre>x = (1, 2)</pre>')
    assert typeset_html(html) == (
        '<p title="a,b">命令<code>a,b:c</code>，链接<a class="url" href="https://x.example/a,b">'
        'https://x.example/a,b</a>，就<span class="gb-nobreak">是这样</span></p>'
        '<pre>x = (1, 2)</pre>')


def test_adjacent_marks_and_paragraph_ends_are_marked_for_the_theme():
    html = typeset_html("<p>他说：“不同。”“好”</p><p>（《民法典》）</p>")
    assert html == ('<p>他说<span class="gb-halt">：</span>“不同<span class="gb-halt">。</span>'
                    '<span class="gb-halt">”</span><span class="gb-nobreak">“好”</span></p>'
                    '<p>（<span class="gb-halt">《</span>民法<span class="gb-nobreak">典'
                    '<span class="gb-halt">》</span>）</span></p>')


def test_no_half_width_punctuation_or_spaces_next_to_han_in_any_guide(messy, sample_books):
    for name, (path, _) in books(messy, sample_books).items():
        every = t.lines(path)
        assert len(every) > 100, name  # the text was found, so the checks below mean something
        assert t.half_width_next_to_han(every) == [], name
        assert [line.text for line in every if HAN_SPACE_HAN.search(line.text)] == [], name


def test_numbers_urls_and_latin_are_untouched(messy):
    text = squeeze("".join(PdfBook(pdf(messy, "messy-a5")).body(n)
                           for n in range(1, PdfBook(pdf(messy, "messy-a5")).page_count + 1)))
    for kept in ("JPY286,000", "13,500元", "10:30", "9:15", "USD1,000", "CaseNo.20250817-0093",
                 "chargeback", "Visa,Mastercard，银联",  # Latin between Latin words stays Latin
                 "https://wenshu.court.example.test/website/wenshu/181217BMTKHNT2W0/index.html"
                 "?pageId=11c9f3a7b5e4d2&s21=%E5%80%9F%E8%B4%B7"):
        assert kept in text, kept


def test_the_article_files_stay_as_they_were_written(messy):
    sources = list((MESSY / "articles" / "shiwu").glob("*.md"))
    assert len(sources) == 6
    for source in sources:
        assert (messy / "articles" / "shiwu" / source.name).read_bytes() == source.read_bytes()
    manifest = (messy / "build" / "messy-a5.pdf.json").read_text(encoding="utf-8")
    digest = hashlib.sha256((MESSY / "articles/shiwu/01-banjiao.md").read_bytes()).hexdigest()
    assert digest in manifest


def test_the_guide_can_keep_the_punctuation_as_written(messy, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MESSY, root, ignore=shutil.ignore_patterns("build"))
    replace_in(root, "guides/messy-a5.yml", "page_size: A5", "page_size: A5\nnormalize_punctuation: false")
    outputs, _ = build(root, ["messy-a5"], ["pdf"], tmp_path / "out", edition="yuanhang")
    assert "停用了,还能恢复吗?" in squeeze(PdfBook(outputs[0]).text(5) + PdfBook(outputs[0]).text(6))


# --- justification, compression, last lines ---------------------------------------------------

def test_lines_reach_the_measure_and_the_text_is_unchanged(messy, sample_books):
    for name, (path, size) in books(messy, sample_books).items():
        _, body, body_size, right = body_of(path, size)
        measured = t.non_final(body, body_size * 1.75)
        assert len(measured) > 50, name
        share = t.reaching(measured, right, tolerance=1.0)
        assert share >= 0.95, (name, share)
    # justification moves glyphs; it adds no character to the text
    path = pdf(messy, "messy-a5")
    first_article = min(e.page for e in PdfBook(path).outline() if e.level == 2)
    for page in pypdf.PdfReader(path).pages[first_article - 1:]:
        body = [line for line in page.extract_text().splitlines()
                if not line.startswith("实务问答")]  # the running head: part and title apart
        assert not HAN_SPACE_HAN.search("\n".join(body))


def test_adjacent_marks_are_set_with_one_at_half_width(messy, sample_books):
    for name, (path, _) in books(messy, sample_books).items():
        compressed, pairs = t.mark_pairs(t.lines(path))
        assert pairs and compressed / pairs >= 0.9, (name, compressed, pairs)


def test_at_most_one_short_last_line_in_twenty_pages(messy, sample_books):
    for name, (path, size) in books(messy, sample_books).items():
        _, body, body_size, _ = body_of(path, size)
        pages = len(pypdf.PdfReader(path).pages)
        short = t.short_last_lines(body, body_size * 1.75)
        assert len(short) <= max(1, pages // 20), (name, [(s.page, s.text) for s in short])


def test_an_a4_guide_has_a_measure_of_its_own(messy):
    _, body, _, _ = body_of(pdf(messy, "messy-a4"), "A4")
    han_per_line = [len(t.HAN.findall(line.text)) for line in body]
    assert max(han_per_line) <= 38 and sorted(han_per_line)[len(han_per_line) // 2] >= 30


# --- footnotes, notices, furniture ----------------------------------------------------------

def test_footnotes_are_at_the_foot_of_the_page_that_calls_them(messy):
    """Each note below the text of its call's page, smaller, without the web's back-link.
    (Page 10 of this guide is where WeasyPrint would move note 1 to the next page to keep a
    paragraph's first two lines together: in an article with notes, the theme lets it not.)"""
    path = pdf(messy, "messy-a5")
    book = PdfBook(path)
    places = {}
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages, start=1):
            body = [c for c in page.chars if abs(c["size"] - 10) < 0.05]
            for c in page.chars:
                if c["text"] in "12" and abs(c["size"] - 6.5) < 0.05:
                    places.setdefault(c["text"], {})["call"] = number
            notes = [c for c in page.chars if abs(c["size"] - 8) < 0.05 and c["x0"] < 60
                     and c["text"] in "12" and c["top"] > page.height / 2]
            for note in notes:
                places.setdefault(note["text"], {})["note"] = number
                assert body and note["top"] > max(c["bottom"] for c in body)
    assert set(places) == {"1", "2"}
    assert all(p["note"] == p["call"] for p in places.values()), places
    assert "↑" not in "".join(book.text(n) for n in range(1, book.page_count + 1))


def test_notices_say_who_wrote_what(messy):
    book = PdfBook(pdf(messy, "messy-a5"))
    text = {entry.title: squeeze("".join(book.text(n) for n in range(entry.page, following.page)))
            for entry, following in zip(book.outline(), book.outline()[1:]) if entry.level == 2}
    reprint = text["租房押金不退，租客可以怎么办"]
    assert "原创" not in reprint
    assert "本文转载自《城市生活周刊：押金纠纷调查》，著作权归原作者所有。" in reprint
    own = text["信用卡被停用了，还能恢复吗？"]
    assert "版权声明：本文由测试律师事务所原创，转载请注明出处。" in own and "更新于2026年2月3日" in own
    assert "更新于" not in text["用Visa卡在境外消费被盗刷，怎么向银行申请拒付？"]
    unlinked = text["公司拖欠工资，员工离职后还能要回吗"]
    assert "本文链接" not in unlinked and "扫码阅读原文" not in unlinked


def test_check_names_the_article_without_a_link_and_a_guide_can_require_one(messy, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MESSY, root)
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 0
    assert "06-wulianjie.md:1: warning: no source_url" in result.stdout + result.stderr
    assert run_cli("build", "--root", str(root), "--strict", "--out", str(tmp_path / "s")).returncode == 1
    replace_in(root, "guides/messy-a5.yml", "page_size: A5", "page_size: A5\nrequire_source_url: true")
    result = run_cli("build", "messy-a5", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "06-wulianjie.md:1: guide 'messy-a5' requires a source_url" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_client_line_has_its_own_band_and_skips_the_cover(messy):
    path = pdf(messy, "messy-a5-yuanhang")
    folios = 0
    with pdfplumber.open(path) as document:
        cover = document.pages[0]
        assert [c for c in cover.chars if c["size"] <= 6.05 and c["top"] > cover.height * 0.9] == []
        for number, page in enumerate(document.pages[1:], start=2):
            line = [c for c in page.chars if c["size"] <= 6.05 and c["top"] > page.height * 0.9]
            assert line, number
            assert len({round(c["bottom"], 1) for c in line}) == 1, number  # one line
            assert min(c["x0"] for c in line) >= 0 and max(c["x1"] for c in line) <= page.width
            folio = [c for c in page.chars if abs(c["size"] - 8) < 0.05 and c["top"] > page.height * 0.9]
            if folio:  # the page number stands clear above the client's line
                folios += 1
                assert max(c["bottom"] for c in folio) < min(c["top"] for c in line), number
            body = [c for c in page.chars if c["top"] < page.height * 0.85]
            if body:
                assert max(c["bottom"] for c in body) < min(c["top"] for c in line), number
    assert folios >= 3, folios


def test_one_running_head_rule_and_none_where_an_article_opens(messy):
    path = pdf(messy, "messy-a5")
    book = PdfBook(path)
    opening = {entry.page for entry in book.outline()}
    headed = []
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages, start=1):
            top = 20 * PT_PER_MM
            rules = [r for r in page.rects + page.lines
                     if r["top"] < top and r["width"] > 100 and r["height"] < 5]
            head = [c for c in page.chars if c["top"] < top]
            if number in opening or number <= 4:
                assert rules == [] and head == [], number
            elif head:
                headed.append(number)
                assert len(rules) == 1 and rules[0]["height"] < 0.5, number
                assert rules[0]["width"] == pytest.approx(32 * 10, abs=0.5)
    assert len(headed) >= 3, headed  # pages that run on into an article have their head


def test_keep_rules_leave_no_page_a_third_empty(messy, sample_books):
    """A page that runs on into the same article is filled but for what must move together:
    a heading with the lines after it, a table row, the notice with the line or two before it."""
    for name, (path, size) in books(messy, sample_books).items():
        book = PdfBook(path)
        opening = sorted(entry.page for entry in book.outline())
        checked = 0
        with pdfplumber.open(path) as document:
            for number, page in enumerate(document.pages, start=1):
                following = number + 1
                if following in opening or following > len(document.pages) or number < opening[0]:
                    continue  # the last page of an article, or front matter
                text_bottom = page.height - (20 if size == "A5" else 24) * PT_PER_MM
                lowest = max((c["bottom"] for c in page.chars if c["bottom"] < text_bottom + 2),
                             default=0)
                text_height = text_bottom - (20 if size == "A5" else 24) * PT_PER_MM
                assert text_bottom - lowest < text_height / 3, (name, number)
                checked += 1
        assert checked, name  # some page runs on into the same article


def test_a_themes_colours_reach_every_heading(sample_books):
    path = sample_books["laodong-yonggong"].path
    brown, navy = (0.353, 0.227, 0.133), (0.122, 0.227, 0.373)
    with pdfplumber.open(path) as document:
        colours = {tuple(round(v, 3) for v in c["non_stroking_color"])
                   for page in document.pages for c in page.chars
                   if "Sans" in c["fontname"] and c["size"] >= 10.5
                   and isinstance(c["non_stroking_color"], tuple) and len(c["non_stroking_color"]) == 3}
    assert brown in colours and navy not in colours


def test_the_e_book_is_set_the_same_way_and_passes_epubcheck(messy):
    path = messy / "build" / "messy-a5.epub"
    book = EpubBook(path)
    chapter = next(d for d in book.documents() if "01-banjiao" in d)
    text = book.text(chapter)
    assert "信用卡被停用了，还能恢复吗？" in text and "停卡并不等于永久销户" in text
    assert any('class="gb-halt"' in book.read(d).decode() for d in book.documents())
    assert "信用卡被停用了，还能恢复吗？" in [title for _, title, _ in book.nav()]
    assert run_epubcheck(path) == []


def test_page_numbers_are_read_where_they_stand(sample_books):
    """In content-stream order (pypdf, screen readers, search), each number of the contents
    follows its title and each "见第 N 页" has its number inside."""
    book = sample_books["xinyongka-zhaiwu"]
    reader = pypdf.PdfReader(book.path)
    contents = next(p for p in reader.pages if "目　录" in p.extract_text())
    entries = {entry.title: entry.page for entry in book.outline()}
    lines = [re.sub(r"[.\s]+", " ", line).strip() for line in contents.extract_text().splitlines()]
    for title, page in entries.items():
        assert f"{title} {page}" in lines, title
    xrefs = [m for p in reader.pages for m in re.finditer(r"（见第(\d*)页）", p.extract_text())]
    assert xrefs and all(m.group(1) for m in xrefs)


def test_blank_pages_of_a_print_edition_carry_no_client_line(messy, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MESSY, root, ignore=shutil.ignore_patterns("build"))
    replace_in(root, "guides/messy-a5.yml", "page_size: A5", "page_size: A5\nprint_mode: true")
    outputs, _ = build(root, ["messy-a5"], ["pdf"], tmp_path / "out", edition="yuanhang")
    with pdfplumber.open(outputs[0]) as document:
        blank = [n for n, page in enumerate(document.pages, start=1) if not page.chars]
        assert blank  # versos left blank so that articles open on the right
        for number, page in enumerate(document.pages, start=1):
            if number not in blank and number > 1:
                assert "zhou.lvshi" in (page.extract_text() or ""), number
        assert all(not document.pages[n - 1].images for n in blank)
