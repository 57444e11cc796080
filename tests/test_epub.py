"""The EPUB of the sample guides and of a small guide, opened as a checker and a reader would."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from xml.etree import ElementTree

import pytest
from conftest import REPO, replace_in, run_cli
from epubbook import NS, EpubBook, run_epubcheck
from pdfbook import squeeze

from guidebuilder.build import build

GUIDES = sorted(p.stem for p in (REPO / "guides").glob("*.yml"))


@pytest.fixture(scope="session")
def sample_epubs(tmp_path_factory) -> dict[str, EpubBook]:
    outputs, warnings = build(REPO, [], ["epub"], tmp_path_factory.mktemp("epubs"))
    assert [str(w) for w in warnings] == []
    return {path.stem: EpubBook(path) for path in outputs}


@pytest.fixture
def tiny_epub(tiny_project, tmp_path) -> EpubBook:
    outputs, warnings = build(tiny_project, [], ["epub"], tmp_path / "out")
    assert [str(w) for w in warnings] == []
    return EpubBook(outputs[0])


@pytest.mark.parametrize("name", GUIDES)
def test_epubcheck_finds_nothing(sample_epubs, name):
    messages = run_epubcheck(sample_epubs[name].path)
    assert messages == []


@pytest.mark.parametrize("name", GUIDES)
def test_nav_matches_the_pdf_outline(sample_epubs, sample_books, name):
    epub, pdf = sample_epubs[name], sample_books[name]
    assert [(level, title) for level, title, _ in epub.nav()] == \
        [(e.level, e.title) for e in pdf.outline()]
    ncx = ElementTree.fromstring(epub.read("toc.ncx"))
    labels = [p.find("ncx:navLabel/ncx:text", NS).text for p in ncx.iter(f"{{{NS['ncx']}}}navPoint")]
    assert labels == [e.title for e in pdf.outline()]


@pytest.mark.parametrize("name", GUIDES)
def test_spine_is_front_matter_then_parts_in_nav_order(sample_epubs, name):
    epub = sample_epubs[name]
    spine = epub.spine
    assert spine[:4] == ["cover.xhtml", "titlepage.xhtml", "copyright.xhtml", "nav.xhtml"]
    assert spine[4:] == [href for _, _, href in epub.nav()]


@pytest.mark.parametrize("name", GUIDES)
def test_package_metadata(sample_epubs, name):
    epub = sample_epubs[name]
    guide = (REPO / "guides" / f"{name}.yml").read_text(encoding="utf-8")
    assert epub.metadata("language") == ["zh-CN"]
    assert epub.package.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert epub.metadata("title")[0] in guide
    assert epub.metadata("identifier")[0].startswith("urn:uuid:")
    assert epub.metadata("rights") and epub.metadata("rights")[0] in guide
    assert epub.metadata("date") == ["2026-11-01"]
    assert epub.metadata("dcterms:modified") == ["2026-11-01T00:00:00Z"]
    assert set(epub.metadata("subject")) == {title for level, title, _ in epub.nav()
                                             if level == 1 and title != "文章来源"}
    for prop in ("accessMode", "accessModeSufficient", "accessibilityFeature",
                 "accessibilityHazard", "accessibilitySummary"):
        assert epub.metadata(f"schema:{prop}"), prop
    cover = [i for i in epub.manifest.values() if "cover-image" in i.get("properties", "")]
    assert len(cover) == 1 and cover[0]["media-type"] == "image/png"
    assert epub.read(cover[0]["href"]).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", GUIDES)
def test_internal_links_resolve_and_every_article_has_one_source_link(sample_epubs, sample_corpus, name):
    epub = sample_epubs[name]
    assert epub.dangling_links() == []
    by_title = {a.title: a for a in sample_corpus.articles}
    for level, title, href in epub.nav():
        if level == 2:
            article = by_title[title]
            assert epub.links(href).count(article.source_url) == 1
            assert squeeze(article.copyright) in squeeze(epub.text(href))


@pytest.mark.parametrize("name", GUIDES)
def test_chapter_text_is_the_article_text(sample_epubs, sample_corpus, name):
    epub = sample_epubs[name]
    by_title = {a.title: a for a in sample_corpus.articles}
    chapters = [(title, href) for level, title, href in epub.nav() if level == 2]
    assert len(chapters) >= 3
    for title, href in chapters:
        text = squeeze(epub.text(href))
        paragraphs = re.findall(r"<p>(.*?)</p>", by_title[title].body_html, re.S)
        assert paragraphs, title
        for paragraph in paragraphs[:3]:  # the text a reader sees, inline markup and all
            assert squeeze(html.unescape(re.sub(r"<[^>]+>", "", paragraph))) in text, title


def test_related_links_in_and_out_of_the_book(tiny_epub):
    chapter = "article-yuqi.xhtml"
    assert "article-jiedai.xhtml#article-jiedai" in tiny_epub.links(chapter)
    assert "https://other.example/a.html" in tiny_epub.links(chapter)
    assert "https://law.example/ld/3.html" in tiny_epub.links("article-xieshang.xhtml")
    assert "见第" not in tiny_epub.text(chapter)


def test_reprint_names_the_original(tiny_epub):
    text = squeeze(tiny_epub.text("article-jiedai.xhtml"))
    assert "本文为转载文章，原文：法治周刊原文" in text
    assert "https://journal.example/p/9.html" in tiny_epub.links("article-jiedai.xhtml")


def test_same_input_gives_the_same_epub_bytes(tiny_project, tmp_path):
    first = build(tiny_project, [], ["epub"], tmp_path / "a")[0][0].read_bytes()
    second = build(tiny_project, [], ["epub"], tmp_path / "b")[0][0].read_bytes()
    assert first == second
    names = EpubBook(tmp_path / "a" / "ceshi.epub").zip.infolist()
    assert names[0].filename == "mimetype" and names[0].compress_type == 0
    assert {i.date_time for i in names} == {(2026, 6, 1, 0, 0, 0)}


def test_identifier_is_stable_and_changes_with_the_edition(tiny_project, tmp_path):
    first = EpubBook(build(tiny_project, [], ["epub"], tmp_path / "a")[0][0])
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("第1版", "第2版"), encoding="utf-8")
    second = EpubBook(build(tiny_project, [], ["epub"], tmp_path / "b")[0][0])
    assert first.metadata("identifier") != second.metadata("identifier")


def test_format_all_writes_both(tiny_project):
    result = run_cli("build", "--format", "all", cwd=tiny_project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tiny_project / "build").iterdir()) == \
        ["ceshi.epub", "ceshi.epub.json", "ceshi.pdf", "ceshi.pdf.json"]


def test_modified_date_falls_back_to_the_newest_article(tiny_project, tmp_path):
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("date: 2026-06-01\n", ""),
                     encoding="utf-8")
    epub = EpubBook(build(tiny_project, [], ["epub"], tmp_path)[0][0])
    assert epub.metadata("dcterms:modified") == [f"{dt.date(2026, 2, 3).isoformat()}T00:00:00Z"]


def test_a_theme_can_embed_its_fonts(tiny_project, tmp_path):
    import io

    from conftest import write
    from fontTools.ttLib import TTFont

    write(tiny_project / "themes/embedded/theme.yml", "options:\n  epub_embed_fonts: true\n")
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: embedded\n", encoding="utf-8")
    epub = EpubBook(build(tiny_project, [], ["epub"], tmp_path)[0][0])
    fonts = [i for i in epub.manifest.values() if i["media-type"] == "font/otf"]
    assert len(fonts) == 4  # serif and sans, regular and bold
    css = epub.read("style/book.css").decode()
    assert css.count("@font-face") == 4 and 'font-family: "Noto Serif CJK SC"' in css
    for item in fonts:
        data = epub.read(item["href"])
        assert len(data) < 600_000
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        assert all(ord(c) in cmap for c in "信用卡逾期的后果民间借贷利率上限目录")
    assert run_epubcheck(epub.path) == []
    again = build(tiny_project, [], ["epub"], tmp_path / "again")[0][0]
    assert again.read_bytes() == epub.path.read_bytes()


def test_a_theme_that_marks_pages_gets_a_page_list(tiny_project, tmp_path):
    """ebooklib lists every element with an epub:type and an id in the nav's page-list; the
    renderer lets it look only where a document names an epub:type, and it still does."""
    from conftest import write

    from guidebuilder.theme import BUILTIN_THEMES

    copyright_page = (BUILTIN_THEMES / "default/templates/partials/copyright.html").read_text(
        encoding="utf-8")
    write(tiny_project / "themes/paged/theme.yml", "name: paged\n")
    write(tiny_project / "themes/paged/templates/partials/copyright.html", copyright_page.replace(
        "<dl>", '<span epub:type="pagebreak" id="page-ii" aria-label="ii"></span><dl>', 1))
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: paged\n", encoding="utf-8")
    epub = EpubBook(build(tiny_project, [], ["epub"], tmp_path)[0][0])
    nav = epub.read("nav.xhtml").decode()
    assert 'epub:type="page-list"' in nav and 'href="copyright.xhtml#page-ii">ii</a>' in nav


def test_a_guide_can_name_its_own_cover_image(tiny_project, tmp_path):
    import io

    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (600, 900), (120, 30, 30)).save(image, format="JPEG")
    (tiny_project / "covers").mkdir()
    (tiny_project / "covers" / "ceshi.jpg").write_bytes(image.getvalue())
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "cover: covers/ceshi.jpg\n", encoding="utf-8")
    epub = EpubBook(build(tiny_project, [], ["epub"], tmp_path)[0][0])
    [cover] = [i for i in epub.manifest.values() if "cover-image" in i.get("properties", "")]
    assert cover["media-type"] == "image/jpeg"
    assert epub.read(cover["href"]) == image.getvalue()
    assert run_epubcheck(epub.path) == []


def test_a_missing_cover_image_is_a_located_error(tiny_project):
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "cover: covers/nope.png\n", encoding="utf-8")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "guides/ceshi.yml:13: cover 'covers/nope.png' not found" in result.stderr


def test_file_names_that_would_collide_in_the_epub(tiny_project, tmp_path):
    shutil.copy(tiny_project / "articles/xinyongka/yuqi.md", tiny_project / "articles/xinyongka/nav.md")
    replace_in(tiny_project, "articles/xinyongka/nav.md", "xyk/1.html", "xyk/9.html")
    replace_in(tiny_project, "articles/xinyongka/nav.md", "信用卡逾期的后果", "目录同名的文章")
    epub = EpubBook(build(tiny_project, [], ["epub"], tmp_path)[0][0])
    assert "article-nav.xhtml" in epub.spine and "nav.xhtml" in epub.spine
    assert run_epubcheck(epub.path) == []


def test_every_renderer_subpackage_is_a_format():
    """A format is a subpackage of guidebuilder.render with `render`, and nothing more."""
    import importlib
    import pkgutil

    from guidebuilder import render

    subpackages = {m.name for m in pkgutil.iter_modules(render.__path__) if m.ispkg}
    assert render.FORMATS == ("epub", "pdf") and set(render.FORMATS) == subpackages
    for name in render.FORMATS:
        assert callable(importlib.import_module(f"guidebuilder.render.{name}").render)
