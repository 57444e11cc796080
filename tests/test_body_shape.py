"""An article body's shape (how many elements, how deep, the first text at that depth) read
with one expression over nh3's output, as Python's HTML parser reads it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from guidebuilder.errors import Problems
from guidebuilder.markdown_ext import Converter
from guidebuilder.reader import _VOID, MAX_NESTING, Shape, body_shape, read_corpus
from guidebuilder.sanitize import clean_article_html


class ParsedShape(HTMLParser):
    """The shape as HTMLParser reads it: the reader's earlier way, kept as the reference."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = self.deepest = self.elements = 0
        self.deepest_text = ""
        self.feed(markup)

    def handle_starttag(self, tag, attrs) -> None:
        self.elements += 1
        if tag not in _VOID:
            self.depth += 1
            if self.depth > self.deepest:
                self.deepest, self.deepest_text = self.depth, ""

    def handle_endtag(self, tag) -> None:
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data) -> None:
        if self.depth == self.deepest and not self.deepest_text and data.strip():
            self.deepest_text = data.strip()[:20]

    def shape(self) -> Shape:
        return Shape(self.elements, self.deepest, self.deepest_text)


def clean(markdown: str) -> str:
    articles = REPO / "articles"
    return clean_article_html(Converter().convert(markdown), "article-x.", articles / "xinyongka",
                              articles).html


def test_the_sample_articles():
    corpus = read_corpus(REPO, Problems())
    assert corpus.articles
    for article in corpus.articles:
        assert body_shape(article.body_html) == ParsedShape(article.body_html).shape(), article.path


@pytest.mark.parametrize("markdown", [
    "> " * 60 + "深处 &amp; 文字",
    "<div>" * 50 + "深&lt;div&gt;" + "</div>" * 50,
    '<p title="a > b </p> <div>">属性里的尖括号</p><div><div>里面</div></div>',
    "<p>一<br/>二<br>三</p><hr/><img alt=\"x\"><table><colgroup><col><col/></colgroup></table>",
    "<div><p>没有关上",
    "- 一\n    - 二\n        - 三\n\n正文 `<code>` 与 [链接](https://example.com/?a=1&b=2 \"题<>\")",
    "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n脚注[^1]\n\n[^1]: 注释 <span>内</span>",
    "",
])
def test_tricky_bodies(markdown):
    html = clean(markdown)
    assert body_shape(html) == ParsedShape(html).shape()


PIECES = st.sampled_from([
    "段落", "> ", "- ", "1. ", "    ", "\n", "\n\n", "**", "_", "`", "<div>", "</div>", "<span>",
    "</span>", "<br>", '<p class="a>b">', "</p>", "&amp;", "&lt;", "<!-- 注 -->", "[x](#y)",
    '<img src="nope.png" alt="图">', "| a | b |\n|---|---|\n", "<ul><li>", "</li></ul>", "##",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_generated_bodies(markdown):
    html = clean(markdown)
    assert body_shape(html) == ParsedShape(html).shape()


def test_past_the_limit_it_says_how_deep_and_where():
    html = clean("<div>" * (MAX_NESTING + 5) + "最深处" + "</div>" * (MAX_NESTING + 5))
    assert body_shape(html) == Shape(MAX_NESTING + 5, MAX_NESTING + 5, "最深处")
