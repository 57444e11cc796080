"""The book is laid out in chunks and put together: a reader must not be able to tell.

The sample guide is cut as finely as possible (every article its own chunk) and built on one
core and on two; both must give the same bytes, and the same pages as the whole book laid out
in one WeasyPrint pass with page numbers, contents and running headers done the plain CSS way
(bench/baseline.css): same text on every page, header and footer included, same outline,
every link landing where its target is.
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import weasyprint
from conftest import REPO, article, replace_in, run_cli, write
from pdfbook import PdfBook, squeeze

from guidebuilder.build import build, load_project, prepare
from guidebuilder.cli import main
from guidebuilder.errors import Problems
from guidebuilder.model import Article, Book, Category, Chapter, Guide, Part
from guidebuilder.packed_text import pack
from guidebuilder.render.book_lists import Span
from guidebuilder.render.pdf import book as pdf_book
from guidebuilder.render.pdf import chunks, long_lists, merge, workers
from guidebuilder.render.pdf.book_writer import BookWriter
from guidebuilder.render.pdf.chunks import chunk_html, whole_book
from guidebuilder.render.context import visible_text
from guidebuilder.render.pdf.book import for_print
from guidebuilder.render.qr import qr_svg
from guidebuilder.render.print_job import print_stylesheets

GUIDE = "xinyongka-zhaiwu"
_LEADER = re.compile(r"\.{2,}")


@pytest.fixture
def finely_cut(monkeypatch):
    """Every article its own chunk, and workers even for a small book."""
    monkeypatch.setattr(chunks, "MIN_CHARS", 0)
    monkeypatch.setattr(chunks, "CUT_ONE_IN", 1)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    for folder in ("articles", "guides", "themes"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def plan_of(root: Path, name: str):
    problems = Problems()
    project = load_project(root, problems)
    (plan,) = prepare(project, [g for g in project.guides if g.name == name], problems)
    return plan


def single_pass(root: Path, name: str, out: Path) -> PdfBook:
    """The whole book in one WeasyPrint pass, numbers and headers done by WeasyPrint."""
    plan = plan_of(root, name)
    book = for_print(plan.book)
    html, _ = chunk_html(plan.theme, book, whole_book(book), 1, qr=qr_svg)
    sheets = print_stylesheets(plan.book, plan.theme)
    css = [weasyprint.CSS(filename=str(s)) for s in sheets]
    css += [weasyprint.CSS(string=f"@page {{ size: {plan.book.guide.page_size}; }}"),
            weasyprint.CSS(filename=str(REPO / "bench" / "baseline.css"))]
    weasyprint.HTML(string=html, base_url=(root / "articles").as_uri() + "/").write_pdf(
        out, stylesheets=css)
    return PdfBook(out)


def built(root: Path, out: Path, jobs: int, name: str = GUIDE,
          warnings: tuple[str, ...] = ()) -> PdfBook:
    """The guide built, with exactly the given warnings (paths from the project folder)."""
    outputs, said = build(root, [name], ["pdf"], out, jobs=jobs, cache=False)
    assert [str(w).replace(f"{root.resolve()}/", "") for w in said] == list(warnings)
    return PdfBook(next(p for p in outputs if p.name == f"{name}.pdf"))


def pages_as_read(book: PdfBook) -> list[tuple[str, str, str]]:
    """Header, body and footer of every page, without spaces or leader dots."""
    return [tuple(_LEADER.sub("", squeeze(region)) for region in
                  (book.header(n), book.body(n), book.footer(n)))
            for n in range(1, book.page_count + 1)]


def assert_reads_like(book: PdfBook, reference: PdfBook) -> None:
    """Same header, body and footer on every page; where a part or an article opens, the book
    has no running head (the one-pass reference has one)."""
    assert book.page_count == reference.page_count
    opening = {entry.page for entry in book.outline()}
    for number, (ours, theirs) in enumerate(zip(pages_as_read(book), pages_as_read(reference)), 1):
        if number in opening:
            assert ours[0] == "", f"page {number}"
            ours, theirs = ours[1:], theirs[1:]
        assert ours == theirs, f"page {number}"


def link_landings(book: PdfBook) -> list[tuple[int, str, int]]:
    """(page of the link, its target, the page it lands on) for every internal link."""
    with pikepdf.open(book.path) as pdf:
        names = {}
        tree = pikepdf.NameTree(pdf.Root.Names.Dests)
        pages = {page.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        for name, dest in tree.items():
            names[name] = pages[dest[0].objgen]
        landings = []
        for number, page in enumerate(pdf.pages, start=1):
            for annot in page.obj.get("/Annots", []):
                if "/Dest" in annot:
                    landings.append((number, str(annot.Dest), names[str(annot.Dest)]))
        return landings


def test_one_core_and_two_give_the_same_bytes(project, tmp_path, finely_cut):
    one = built(project, tmp_path / "one", jobs=1)
    two = built(project, tmp_path / "two", jobs=2)
    assert one.path.read_bytes() == two.path.read_bytes()


def test_chunked_book_reads_like_one_laid_out_in_one_pass(project, tmp_path, finely_cut):
    assert len(chunks.plan_chunks(plan_of(project, GUIDE).book)) > 10
    book = built(project, tmp_path / "chunked", jobs=2)
    reference = single_pass(project, GUIDE, tmp_path / "reference.pdf")
    assert_reads_like(book, reference)
    assert book.outline() == reference.outline()


def test_every_link_lands_where_its_target_is(project, tmp_path, finely_cut):
    book = built(project, tmp_path / "chunked", jobs=2)
    landings = link_landings(book)
    contents = [page for page in range(1, book.page_count + 1) if "目录" in squeeze(book.body(page))]
    outline = {entry.title: entry.page for entry in book.outline()}
    assert {lands for page, _, lands in landings if page in contents} == set(outline.values())
    # "see page N" links, between chunks: the number printed is where the link lands
    articles = {chapter.article.anchor for chapter in plan_of(project, GUIDE).book.chapters}
    xrefs = [(page, lands) for page, target, lands in landings
             if page not in contents and target in articles]
    assert len({lands for _, lands in xrefs}) > 5
    for page, lands in xrefs:
        assert f"见第{lands}页" in squeeze(book.body(page))


def test_each_font_is_embedded_once(project, tmp_path, finely_cut):
    book = built(project, tmp_path / "chunked", jobs=2)
    with pikepdf.open(book.path) as pdf:
        programs = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == "/FontDescriptor"]
        faces = [str(d.FontName).split("+")[-1] for d in programs]
    assert len(faces) == len(set(faces)), faces


def test_the_book_is_put_together_a_few_pages_at_a_time(project, tmp_path, finely_cut,
                                                        monkeypatch):
    """Each furniture group's chunks are opened, written into the book and closed before the
    next group's: with groups of six pages, the book reads as with the usual groups."""
    usual = built(project, tmp_path / "usual", jobs=1)
    monkeypatch.setattr(pdf_book, "MIN_FURNITURE_PAGES", 6)
    monkeypatch.setattr(pdf_book, "FURNITURE_PAGES", 6)
    opened: list[int] = []  # PDFs opened for each group in turn
    real_open, real_write = merge._open, BookWriter.write_pages

    def counting_open(laid_out):
        opened[-1] += 1
        return real_open(laid_out)

    def writing(self, pdf, pages):
        opened.append(0)
        return real_write(self, pdf, pages)

    opened.append(0)
    monkeypatch.setattr(merge, "_open", counting_open)
    monkeypatch.setattr(BookWriter, "write_pages", writing)
    book = built(project, tmp_path / "small", jobs=1)
    groups = opened[:-1]
    assert len(groups) >= usual.page_count // 12
    assert max(groups) < sum(groups) / 3
    assert pages_as_read(book) == pages_as_read(usual)
    assert book.outline() == usual.outline()
    assert link_landings(book) == link_landings(usual)


def test_while_the_book_is_laid_out_its_anchors_wait_on_disk(project, tmp_path, finely_cut,
                                                             monkeypatch):
    """The chunks' anchors, links and bookmarks (most of what a laid-out chunk is described
    by) are put aside in files as each chunk comes back, and read back for the furniture and
    the merge: the book still has every outline entry and link."""
    held, read_back = [], []
    real_merge = pdf_book.merge

    def merging(placed, furniture, file):
        held.extend(chunk.text for chunk in placed)
        read_back.extend(chunk.text.with_facts() for chunk in placed)
        return real_merge(placed, furniture, file)

    monkeypatch.setattr(pdf_book, "merge", merging)
    book = built(project, tmp_path / "out", jobs=2)
    assert len(held) > 10
    for text in held:
        assert (text.anchors, text.foreign_links, text.bookmarks) == ({}, (), ())
        assert text.facts is not None
    assert sum(len(text.bookmarks) for text in read_back) == len(book.outline())
    assert sum(len(text.foreign_links) for text in read_back) > 5
    assert len(link_landings(book)) > len(held)


def short_articles_book(count: int) -> Book:
    """A book of `count` articles of one short paragraph each, in one part."""
    category = Category("信用卡", "xinyongka")
    chapters = tuple(Chapter(Article(Path(f"articles/xinyongka/a{n}.md"), f"a{n}", category.name,
                                     f"第{n + 1}篇", pack(f"<p>第{n + 1}篇的正文只有一段。</p>")),
                             (), None) for n in range(count))
    guide = Guide("ceshi", Path("guides/ceshi.yml"), "测试", (category.name,))
    return Book(guide, (Part(category, chapters),))


def test_a_long_sources_appendix_is_a_chunk_of_its_own_whatever_comes_before():
    """However little the chunk before it holds, a sources appendix of MIN_CHARS or more is
    laid out apart, so that a long one is laid out in pieces (not whole: 2,000 rows took a
    layout process 362 MB)."""
    rows = long_lists.SOURCES_ROWS
    for count in (*range(chunks.MIN_CHARS // chunks.TOC_CHARS + 1, 500, 7), rows + 1, rows + 50):
        book = short_articles_book(count)
        planned = chunks.plan_chunks(book)
        assert planned[-1].items == (chunks.Item("appendix"),), count
        if count > rows:
            assert long_lists.first_pieces(book, planned)[-1].items[0].rows == Span(0, rows)


def test_a_part_opener_listing_many_articles_is_not_laid_out_with_a_full_chunk_after_it():
    """A part opener carries the list of its articles (the default theme prints it): with
    a thousand articles, that list alone is a chunk's worth, and the articles go on in the
    next chunk; with a few, the opener shares its chunk with the first of them as before."""
    def opener(count: int) -> list[str]:
        planned = chunks.plan_chunks(short_articles_book(count))
        return [item.kind for item in
                next(chunk.items for chunk in planned if "part" in [i.kind for i in chunk.items])]

    assert opener(1000) == ["part"]
    assert opener(30)[:2] == ["part", "article"]


TOPICS = ["信用卡年费", "最低还款", "分期手续费", "逾期罚息", "征信异议", "担保责任", "借条效力",
          "利息约定", "诉讼时效", "执行异议"]


@pytest.fixture
def many_articles(tiny_project) -> Path:
    """The tiny guide with seventy short articles more: contents and sources of several pages,
    titles of one line and of two."""
    for n in range(70):
        folder = "xinyongka" if n % 3 else "jinrong-zhaiwu"
        title = f"{TOPICS[n % 10]}问题{n + 1}" + ("：在协商、起诉和执行各个阶段应当注意哪些事项" * (n % 4 == 1))
        write(tiny_project / f"articles/{folder}/extra-{n:02d}.md", article(
            title, f"第{n + 1}篇的正文只有一段，说明{TOPICS[n % 10]}的基本规则。\n",
            author="王律师", date=f"2026-03-{n % 28 + 1:02d}",
            source_url=f"https://law.example/extra/{n}.html"))
    return tiny_project


@pytest.mark.parametrize("print_mode", [False, True])
def test_long_contents_and_sources_laid_out_in_pieces_read_as_whole(many_articles, tmp_path,
                                                                    finely_cut, monkeypatch,
                                                                    print_mode):
    """A contents or sources appendix longer than a piece is laid out a piece at a time, each
    going on where the last left off: the book reads as with each list laid out whole."""
    if print_mode:
        replace_in(many_articles, "guides/ceshi.yml", "page_size: A5",
                   "page_size: A5\nprint_mode: true")
    whole = built(many_articles, tmp_path / "whole", jobs=1, name="ceshi")
    monkeypatch.setattr(long_lists, "CONTENTS_ROWS", 60)
    monkeypatch.setattr(long_lists, "SOURCES_ROWS", 30)
    laid_out = []
    real_lay_out = workers.lay_out
    monkeypatch.setattr(workers, "lay_out", lambda job: laid_out.append(job.html)
                        or real_lay_out(job))
    pieces = built(many_articles, tmp_path / "pieces", jobs=1, name="ceshi")
    assert len([html for html in laid_out if "toc-continued" in html]) >= 1
    assert len([html for html in laid_out if "appendix-continued" in html]) >= 2
    assert pieces.page_count == whole.page_count > 20
    assert pages_as_read(pieces) == pages_as_read(whole)
    assert line_tops(pieces) == line_tops(whole)
    assert pieces.outline() == whole.outline()
    assert link_landings(pieces) == link_landings(whole)


def test_a_long_contents_has_its_page_numbers_drawn_by_several_furniture_documents(
        many_articles, tmp_path, finely_cut, monkeypatch):
    """Each page number drawn into a slot costs a furniture document memory: a long contents
    is numbered by several, each of a bounded number of slots, and reads the same."""
    laid_out = []
    real_lay_out = workers.lay_out
    monkeypatch.setattr(workers, "lay_out", lambda job: laid_out.append(job.html)
                        or real_lay_out(job))

    def furniture_documents(out: Path) -> tuple[PdfBook, int]:
        laid_out.clear()
        book = built(many_articles, out, jobs=1, name="ceshi")
        return book, len([html for html in laid_out if "furniture-page" in html])

    monkeypatch.setattr(long_lists, "CONTENTS_ROWS", 60)
    usual, documents = furniture_documents(tmp_path / "usual")
    monkeypatch.setattr(pdf_book, "FURNITURE_SLOTS", 10)
    bounded, more = furniture_documents(tmp_path / "bounded")
    assert more > documents
    assert pages_as_read(bounded) == pages_as_read(usual)
    assert link_landings(bounded) == link_landings(usual)


OLD_TOC = """\
<nav class="toc">
  <h1 class="toc-title">目　录</h1>
  <ol class="toc-parts">
    {% for part in book.parts %}
    <li class="toc-part">
      <a href="#{{ part.anchor }}">{{ part.category.name }}</a>{{ page_ref(part.anchor, "toc-part") }}
      <ol class="toc-articles">
        {% for chapter in part.chapters %}
        <li class="toc-article"><a href="#{{ chapter.article.anchor }}">{{ chapter.article.title }}</a>{{ page_ref(chapter.article.anchor, "toc") }}</li>
        {% endfor %}
      </ol>
    </li>
    {% endfor %}
  </ol>
</nav>
"""


def test_a_theme_whose_contents_rows_have_no_ids_gets_the_contents_whole(many_articles, tmp_path,
                                                                          finely_cut, monkeypatch):
    """A theme's own toc.html that lists `book.parts` itself, as themes did before the lists
    were laid out in pieces, is laid out whole, with a warning that says so."""
    old = many_articles / "themes/oldtoc/templates/partials/toc.html"
    write(many_articles / "themes/oldtoc/theme.yml", "name: oldtoc\n")
    write(old, OLD_TOC)
    replace_in(many_articles, "guides/ceshi.yml", "page_size: A5", "page_size: A5\ntheme: oldtoc")
    whole = built(many_articles, tmp_path / "whole", jobs=1, name="ceshi")
    monkeypatch.setattr(long_lists, "CONTENTS_ROWS", 60)
    pieces = built(many_articles, tmp_path / "pieces", jobs=1, name="ceshi", warnings=(
        "guides/ceshi.yml: warning: theme 'oldtoc': row 0 of the contents has no id "
        "gb-contents-0, so the contents and the sources appendix are each laid out whole "
        "(slow, and memory-hungry, for a long book)",))
    assert pages_as_read(pieces) == pages_as_read(whole)


def line_tops(book: PdfBook) -> list[list[float]]:
    """Where the lines of text stand on every page."""
    with pdfplumber.open(book.path) as pdf:
        return [sorted({round(char["top"], 1) for char in page.chars}) for page in pdf.pages]


def test_print_mode_across_chunks(project, tmp_path, finely_cut):
    replace_in(project, f"guides/{GUIDE}.yml", "page_size: A5", "page_size: A5\nprint_mode: true")
    book = built(project, tmp_path / "chunked", jobs=2)
    reference = single_pass(project, GUIDE, tmp_path / "reference.pdf")
    assert_reads_like(book, reference)
    assert book.outline()
    for entry in book.outline():
        assert entry.page % 2 == 1, f"{entry.title} opens on a left-hand page"


def test_a_rebuild_lays_out_only_the_chunk_that_changed(project, tmp_path, finely_cut,
                                                        monkeypatch):
    laid_out = []
    lay_out = workers.lay_out
    monkeypatch.setattr(workers, "lay_out", lambda job: laid_out.append(job) or lay_out(job))
    build(project, [GUIDE], ["pdf"], tmp_path / "first", jobs=1)
    first = len(laid_out)
    laid_out.clear()
    article = next((project / "articles" / "xinyongka").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n补充一段说明。\n", encoding="utf-8")
    outputs, _ = build(project, [GUIDE], ["pdf"], tmp_path / "second", jobs=1)
    texts = [job for job in laid_out if "furniture-page" not in job.html]
    assert texts and all("补充一段说明" in visible_text(job.html).replace(" ", "") for job in texts)
    assert len(laid_out) < first / 2
    fresh, _ = build(project, [GUIDE], ["pdf"], tmp_path / "fresh", jobs=1, cache=False)
    assert outputs[0].read_bytes() == fresh[0].read_bytes()


def test_jobs_and_cache_on_the_command_line(tiny_project, finely_cut, monkeypatch):
    bad = run_cli("build", "--jobs", "0", cwd=tiny_project)
    assert bad.returncode == 2 and "'0' is not a number of cores" in bad.stderr
    result = run_cli("build", "--jobs", "1", "--no-cache", cwd=tiny_project)
    assert result.returncode == 0, result.stderr
    assert not (tiny_project / ".cache").exists()
    # in this process, so that the tiny guide is cut finely enough for workers to start
    submitted = []
    submit = ProcessPoolExecutor.submit

    def counted(pool, fn, /, *args, **kwargs):
        submitted.append(fn.__name__)
        return submit(pool, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", counted)
    assert main(["build", "--jobs", "2", "--root", str(tiny_project)]) == 0
    assert len(submitted) >= 2, submitted  # chunks went to worker processes
    assert len(list((tiny_project / ".cache" / "layout").glob("*.pdf"))) >= len(submitted)


def test_a_theme_that_runs_articles_on_is_laid_out_in_one_piece(project, tmp_path, finely_cut):
    (project / "themes" / "runon" / "css").mkdir(parents=True)
    (project / "themes" / "runon" / "theme.yml").write_text("name: runon\n", encoding="utf-8")
    (project / "themes" / "runon" / "css" / "print.css").write_text(
        ".article { break-before: auto; margin-top: 12mm; }\n", encoding="utf-8")
    replace_in(project, f"guides/{GUIDE}.yml", "theme: default", "theme: runon")
    book = built(project, tmp_path / "runon", jobs=2, warnings=(
        f"guides/{GUIDE}.yml: warning: theme 'runon': an article or part does not start a new "
        "page, so the book is laid out in one piece, on one core (slow for a big book)",))
    reference = single_pass(project, GUIDE, tmp_path / "reference.pdf")
    # an article starts on the page where the one before it ends
    assert any("本文链接" in squeeze(book.body(entry.page)).split(squeeze(entry.title))[0]
               for entry in book.outline() if entry.level == 2)
    assert_reads_like(book, reference)
    assert book.outline() == reference.outline()


def test_a_theme_with_its_own_target_counter_is_laid_out_in_one_piece(project, tmp_path,
                                                                        finely_cut):
    (project / "themes" / "counting" / "css").mkdir(parents=True)
    (project / "themes" / "counting" / "theme.yml").write_text("name: counting\n", encoding="utf-8")
    (project / "themes" / "counting" / "css" / "print.css").write_text(
        '.related a.xref::before { content: "第" target-counter(attr(href url), page) "页 "; }\n',
        encoding="utf-8")
    replace_in(project, f"guides/{GUIDE}.yml", "theme: default", "theme: counting")
    book = built(project, tmp_path / "counting", jobs=2, warnings=(
        "themes/counting/css/print.css:1: warning: the theme's CSS uses target-counter(), so the "
        "book is laid out in one piece, on one core (slow for a big book)",))
    reference = single_pass(project, GUIDE, tmp_path / "reference.pdf")
    assert_reads_like(book, reference)
    assert any(re.search(r"第\d+页", squeeze(book.body(n))) for n in range(1, book.page_count + 1))
