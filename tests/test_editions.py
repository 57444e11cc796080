"""Client editions: who the guide is for on the cover, a footer line and a watermark on every
page, the client in the metadata, and the book itself laid out once for all of them."""

from __future__ import annotations

import json
import shutil

import pytest
import weasyprint
from conftest import run_cli, write
from epubbook import EpubBook, run_epubcheck
from pdfbook import PdfBook, squeeze

from guidebuilder.build import build
from guidebuilder.render.pdf import workers

EDITIONS = """\
editions:
  - client: 华信商贸有限公司
    slug: huaxin
    id: MH-2026-0117
    lawyer: 张明律师
    contact: 010-8888 6666
    watermark: 华信商贸 内部参考
"""


@pytest.fixture
def edition_project(tiny_project):
    guide = tiny_project / "guides" / "ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + EDITIONS, encoding="utf-8")
    write(tiny_project / "clients" / "ruifeng.yml",
          "client: 瑞丰科技股份有限公司\nid: MH-2026-0203\nlawyer: 李华律师\n")
    return tiny_project


@pytest.fixture
def built(edition_project, tmp_path):
    outputs, warnings = build(edition_project, [], ["pdf", "epub"], tmp_path)
    assert [str(w) for w in warnings] == []
    return {p.name: p for p in outputs}


def test_every_edition_is_written(built):
    assert sorted(built) == ["ceshi-huaxin.epub", "ceshi-huaxin.pdf", "ceshi-ruifeng.epub",
                             "ceshi-ruifeng.pdf", "ceshi.epub", "ceshi.pdf"]


def test_cover_and_title_page_say_who_the_edition_is_for(built):
    book = PdfBook(built["ceshi-huaxin.pdf"])
    cover, title = squeeze(book.text(1)), squeeze(book.text(2))
    assert "专为华信商贸有限公司编制" in cover and "承办律师：张明律师" in cover
    assert "本版本专为华信商贸有限公司编制" in title and "版本编号：MH-2026-0117" in title
    firm = PdfBook(built["ceshi.pdf"])
    assert "专为" not in squeeze(firm.text(1) + firm.text(2))


def test_every_page_but_the_cover_has_the_client_footer_line(built):
    book = PdfBook(built["ceshi-ruifeng.pdf"])
    line = "本指南专为瑞丰科技股份有限公司编制·承办律师：李华律师·编号MH-2026-0203"
    assert line not in squeeze(book.text(1))
    for page in range(2, book.page_count + 1):
        assert line in squeeze(book.footer(page)), page


def test_the_book_is_otherwise_the_firms_edition(built):
    """Same pages, outline and text (the watermark is an image, so extraction is unchanged)."""
    firm, client = PdfBook(built["ceshi.pdf"]), PdfBook(built["ceshi-huaxin.pdf"])
    assert client.page_count == firm.page_count
    assert [(e.level, e.title, e.page) for e in client.outline()] == \
        [(e.level, e.title, e.page) for e in firm.outline()]
    for page in range(3, firm.page_count + 1):
        assert client.body(page) == firm.body(page)
        assert client.header(page) == firm.header(page)
    assert set(client.uris()) == set(firm.uris())


def test_watermark_is_one_image_on_every_page_only_where_asked(built):
    def images(path):
        """The image objects each page draws, through any nesting of form XObjects."""
        def walk(resources, found):
            for xobject in ((resources or {}).get("/XObject") or {}).values():
                obj = xobject.get_object()
                if obj.get("/Subtype") == "/Image":
                    found.add(xobject.idnum)
                else:
                    walk(obj.get("/Resources"), found)
            return found

        return [frozenset(walk(page.get("/Resources"), set())) for page in PdfBook(path).reader.pages]

    watermarked = images(built["ceshi-huaxin.pdf"])
    assert len(set(watermarked)) == 1 and len(watermarked[0]) == 1
    assert set(images(built["ceshi-ruifeng.pdf"])) == {frozenset()}


def test_pdf_and_epub_metadata_name_the_client_and_edition(built):
    info = PdfBook(built["ceshi-huaxin.pdf"]).metadata
    assert info["/GuidebuilderClient"] == "华信商贸有限公司"
    assert info["/GuidebuilderEditionID"] == "MH-2026-0117"
    assert info["/Title"] == "测试指南"
    epub = EpubBook(built["ceshi-huaxin.epub"])
    assert "MH-2026-0117" in epub.metadata("identifier")
    assert epub.metadata("dcterms:audience") == ["华信商贸有限公司"]
    assert "专为华信商贸有限公司编制" in squeeze(epub.text("titlepage.xhtml"))
    firm = EpubBook(built["ceshi.epub"])
    assert firm.metadata("identifier")[0] != epub.metadata("identifier")[0]
    assert run_epubcheck(epub.path) == []


def test_manifest_of_an_edition_names_the_client(built):
    record = json.loads(built["ceshi-ruifeng.pdf"].with_name("ceshi-ruifeng.pdf.json").read_text())
    assert record["client_edition"]["client"] == "瑞丰科技股份有限公司"
    assert record["client_edition"]["id"] == "MH-2026-0203"


def test_the_book_is_laid_out_once_for_all_editions(edition_project, tmp_path, monkeypatch):
    """Client editions reuse the firm's layout: only their own cover, title page and overlay
    are laid out for each of them."""
    chunks, own_pages = [], []
    lay_out, render = workers.lay_out, weasyprint.HTML.render

    def counting_chunks(job):
        chunks.append(job)
        return lay_out(job)

    def counting_pages(self, *args, **kwargs):
        document = render(self, *args, **kwargs)
        own_pages.append(len(document.pages))
        return document

    monkeypatch.setattr(workers, "lay_out", counting_chunks)
    build(edition_project, [], ["pdf"], tmp_path / "all", jobs=1, cache=False)
    with_editions = len(chunks)
    monkeypatch.setattr(weasyprint.HTML, "render", counting_pages)
    chunks.clear()
    build(edition_project, ["ceshi"], ["pdf"], tmp_path / "one", edition="ruifeng", jobs=1,
          cache=False)
    assert len(chunks) == with_editions  # the same chunks, however many editions
    # besides the chunks, one layout: the edition's cover, title page and overlay
    assert len(own_pages) == len(chunks) + 1


def test_one_edition_on_its_own(edition_project):
    result = run_cli("build", "ceshi", "--edition", "ruifeng", cwd=edition_project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (edition_project / "build").iterdir()) == \
        ["ceshi-ruifeng.pdf", "ceshi-ruifeng.pdf.json"]
    result = run_cli("build", "ceshi", "--edition", "nobody", cwd=edition_project)
    assert result.returncode == 1
    assert "guide 'ceshi' has no edition 'nobody' (editions: huaxin, ruifeng)" in result.stderr


def test_same_input_gives_the_same_edition_bytes(edition_project, tmp_path):
    first = build(edition_project, ["ceshi"], ["pdf"], tmp_path / "a", edition="huaxin")[0][0]
    second = build(edition_project, ["ceshi"], ["pdf"], tmp_path / "b", edition="huaxin")[0][0]
    assert first.read_bytes() == second.read_bytes()


def test_a_failing_edition_writes_nothing(tiny_project):
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8")
                     + "editions:\n  - client: 好公司\n  - client: 笑脸😀公司\n", encoding="utf-8")
    check = run_cli("check", cwd=tiny_project)
    assert check.returncode == 1
    assert "guides/ceshi.yml:15: edition 'xiao-lian-gong-si': characters '😀' (U+1F600)" in check.stderr
    result = run_cli("build", "--format", "all", cwd=tiny_project)
    assert result.returncode == 1
    assert not (tiny_project / "build").exists() or not list((tiny_project / "build").iterdir())


def test_two_guides_may_not_write_the_same_file(tiny_project):
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "editions:\n  - client: 北京\n",
                     encoding="utf-8")
    shutil.copy(guide, tiny_project / "guides/ceshi-bei-jing.yml")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "would both write ceshi-bei-jing.pdf" in result.stderr


def test_an_edition_slug_must_be_ascii(tiny_project):
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8")
                     + "editions:\n  - client: 华信商贸\n    slug: 华信\n", encoding="utf-8")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1, result.stderr
    assert ("guides/ceshi.yml:14: edition slug '华信' may hold only ASCII letters, digits, "
            "- and _") in result.stderr


def test_a_client_file_named_in_chinese_needs_an_ascii_slug(tiny_project):
    write(tiny_project / "clients/华信.yml", "client: 华信商贸\n")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1, result.stderr
    assert "clients/华信.yml:1: edition slug '华信' may hold only ASCII" in result.stderr
    write(tiny_project / "clients/华信.yml", "client: 华信商贸\nslug: huaxin\n")
    assert run_cli("check", cwd=tiny_project).returncode == 0
