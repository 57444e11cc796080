"""The shipped sample guides, opened as a reader would open them."""

from __future__ import annotations

import re

import pytest
from conftest import REPO
from pdfbook import qr_codes, squeeze

from guidebuilder.render.context import visible_text

GUIDES = sorted(p.stem for p in (REPO / "guides").glob("*.yml"))
APPENDIX = "文章来源"


def test_there_are_at_least_two_sample_guides():
    assert len(GUIDES) >= 2


def test_sample_corpus_is_rich_enough(sample_corpus):
    categories = {a.category for a in sample_corpus.articles}
    assert len(sample_corpus.articles) >= 15 and len(categories) >= 3
    assert any(a.is_reprint for a in sample_corpus.articles)
    assert any("<table>" in a.body_html for a in sample_corpus.articles)
    assert any(a.images for a in sample_corpus.articles)
    assert all(a.source_url and a.copyright for a in sample_corpus.articles)


@pytest.mark.parametrize("name", GUIDES)
def test_outline_is_parts_then_articles_in_order(sample_books, name):
    book = sample_books[name]
    outline = book.outline()
    assert outline and outline[0].level == 1
    assert {e.level for e in outline} == {1, 2}
    pages = [e.page for e in outline]
    assert pages == sorted(pages)
    for entry in outline:
        assert squeeze(entry.title) in squeeze(book.body(entry.page)), entry


@pytest.mark.parametrize("name", GUIDES)
def test_contents_page_numbers_point_at_the_titles(sample_books, name):
    book = sample_books[name]
    toc_page = book.find_pages("目录")[0]
    entries = re.findall(r"^(.+?)\s*\.{3,}\s*(\d+)$", book.body(toc_page), re.M)
    outline = book.outline()
    assert [squeeze(t) for t, _ in entries] == [squeeze(e.title) for e in outline]
    for (title, number), entry in zip(entries, outline):
        assert int(number) == entry.page
        assert squeeze(title) in squeeze(book.body(int(number)))
        assert book.footer(int(number)).strip() == number


@pytest.mark.parametrize("name", GUIDES)
def test_every_article_carries_its_source_link_and_notice(sample_books, sample_corpus, name):
    book = sample_books[name]
    titles = [e.title for e in book.outline() if e.level == 2]
    articles = [a for a in sample_corpus.articles if a.title in titles]
    assert len(articles) == len(titles)
    uris = book.uris()
    for article in articles:
        assert article.source_url in uris
        pages = book.find_pages(article.source_url)
        assert pages, article.source_url
        assert squeeze(article.copyright) in squeeze(book.body(pages[0]) + book.body(pages[0] - 1))


BACK_LINK = re.compile(r'<a class="footnote-backref"[^>]*>.*?</a>')


@pytest.mark.parametrize("name", GUIDES)
def test_extracted_text_equals_the_source(sample_books, sample_corpus, name):
    book = sample_books[name]
    outline = book.outline()
    starts = [e.page for e in outline if e.level == 2] + [book.page_count + 1]
    titles = [e.title for e in outline if e.level == 2]
    by_title = {a.title: a for a in sample_corpus.articles}
    assert len(titles) >= 3
    for title, start, end in zip(titles, starts, starts[1:]):
        pdf_text = squeeze("".join(book.body(n) for n in range(start, end)))
        body = BACK_LINK.sub("", by_title[title].body_html)  # a web page's, not printed
        blocks = re.findall(r"<(p|li|h2|h3|td|th)>(.*?)</\1>", body, re.S)
        assert blocks
        for _, block in blocks:
            assert squeeze(visible_text(block)) in pdf_text, (title, block[:60])


@pytest.mark.parametrize("name", GUIDES)
def test_fonts_are_embedded_cjk_subsets(sample_books, name):
    fonts = sample_books[name].fonts()
    assert fonts and all(fonts.values()), fonts
    assert all(re.match(r"/[A-Z]{6}\+Noto-?(Serif|Sans)-?CJK-?SC", n) for n in fonts), fonts


@pytest.mark.parametrize("name", GUIDES)
def test_metadata(sample_books, name):
    book = sample_books[name]
    meta = book.metadata
    assert book.language == "zh-CN"
    assert meta["/Title"] and meta["/Author"] and meta["/Subject"] and meta["/Keywords"]


@pytest.mark.parametrize("name", GUIDES)
def test_running_headers_and_page_numbers(sample_books, name):
    book = sample_books[name]
    assert book.header(1).strip() == "" and book.footer(1).strip() == ""  # the cover
    part = None
    outline = book.outline()
    for entry, following in zip(outline, [*outline[1:], None]):
        assert squeeze(book.header(entry.page)) == ""  # no running head where anything opens
        assert book.footer(entry.page).strip() == str(entry.page)
        if entry.level == 1 and entry.title != APPENDIX:
            part = entry
            continue
        last = following.page - 1 if following else book.page_count
        for page in range(entry.page + 1, last + 1):
            header = squeeze(book.header(page))
            if entry.title == APPENDIX:
                assert header == APPENDIX
            else:
                assert squeeze(part.title) in header and squeeze(entry.title) in header, page


@pytest.mark.parametrize("name", GUIDES)
def test_appendix_lists_every_article_with_its_source(sample_books, sample_corpus, name):
    book = sample_books[name]
    outline = book.outline()
    assert outline[-1].title == APPENDIX and outline[-1].level == 1
    appendix = squeeze("".join(book.body(n) for n in range(outline[-1].page, book.page_count + 1)))
    by_title = {a.title: a for a in sample_corpus.articles}
    articles = [by_title[e.title] for e in outline if e.level == 2]
    position = 0
    for article in articles:
        entry = squeeze(article.title + (article.author or "")) 
        position = appendix.index(entry, position)
        assert squeeze(article.source_url) in appendix[position:]
        if article.updated:
            assert f"更新于{article.updated.year}年{article.updated.month}月{article.updated.day}日" in appendix[position:]


@pytest.mark.parametrize("name", GUIDES)
def test_every_article_has_a_qr_code_of_its_source_url(sample_books, sample_corpus, name):
    book = sample_books[name]
    by_title = {a.title: a for a in sample_corpus.articles}
    articles = [entry for entry in book.outline() if entry.level == 2]
    assert len(articles) >= 3
    for entry in articles:
        url = by_title[entry.title].source_url
        page = book.find_pages(url)[0]
        assert url in qr_codes(book.path, page), entry.title
