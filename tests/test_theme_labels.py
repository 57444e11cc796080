"""The words the renderers write outside the templates come from the theme (`options: labels:`
in theme.yml), label by label over the built-in theme's."""

from __future__ import annotations

import pytest
from conftest import write
from epubbook import EpubBook

from guidebuilder.build import build
from guidebuilder.errors import GuideError
from guidebuilder.preview_pages import PreviewSite, guide_page
from guidebuilder.theme import load_theme


@pytest.fixture
def relabelled(tiny_project):
    """The tiny guide in a theme that renames the sources appendix and nothing else."""
    write(tiny_project / "themes/relabelled/theme.yml", """
        name: relabelled
        options:
          labels:
            sources: 参考来源
        """)
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: relabelled\n", encoding="utf-8")
    return tiny_project


def test_the_e_book_uses_the_theme_s_labels(relabelled, tmp_path):
    outputs, warnings = build(relabelled, [], ["epub"], tmp_path / "out")
    assert [str(w) for w in warnings] == []
    book = EpubBook(outputs[0])
    assert (1, "参考来源", "appendix.xhtml") in book.nav()
    assert book.text("appendix.xhtml").split()[0] == "参考来源"
    copyright_title = book.xhtml("copyright.xhtml").find(".//{http://www.w3.org/1999/xhtml}title")
    assert copyright_title.text == "版权信息"  # the built-in theme's, not renamed here
    assert book.metadata("schema:accessibilitySummary") == [
        "本书为可重排文本，章节有标题结构与目录导航，阅读顺序与印刷版一致；不含闪烁、声音或动态内容。"]


def test_the_preview_uses_the_theme_s_labels(relabelled):
    site = PreviewSite(relabelled)
    page = guide_page(site, site.snapshot(), "ceshi", "sources", None, None)
    assert page.title == "参考来源"


def test_a_label_that_is_not_a_text_is_a_theme_error(tiny_project):
    write(tiny_project / "themes/odd/theme.yml", "options:\n  labels:\n    contents: [目, 录]\n")
    with pytest.raises(GuideError, match="labels: contents:` must be a text"):
        load_theme("odd", tiny_project).label("contents")
