"""The shortcuts taken for speed give what the careful paths give, on generated input: the
Markdown inline pass that passes over patterns, libyaml's parser beside PyYAML's, the
punctuation pass that looks only at half-width marks, the page furniture's drawing renamed as
written rather than parsed, the page styles computed once per kind of page, the layout without
Python's cycle collector."""

from __future__ import annotations

import random

import gc
import io
import subprocess
import sys

import markdown
import pikepdf
import pypdf
import pytest
import weasyprint
import yaml
from conftest import REPO
from markdown.extensions.toc import slugify_unicode
from weasyprint.layout import page as page_layout

from guidebuilder import frontmatter
from guidebuilder.markdown_ext import Converter
from guidebuilder.render import layout, page_styles, typeset
from guidebuilder.render.layout_job import LayoutJob
from guidebuilder.render.pdf import merge

MARKDOWN_ATOMS = [
    "合同", "违约", " ", "  ", "\n", "\n\n", "  \n", "*", "**", "_", "__", "`", "``", "\\", "\\*",
    "[", "]", "(", ")", "![", "[^1]", "[^1]: 注释", "[a]: http://x.example", "[TOC]", "\\[TOC\\]",
    "<", ">", "<b>", "</b>", "<http://a.example/c>", "<a@b.cn>", "&amp;", "&#20013;", "&",
    "# ", "## 标题", "- ", "1. ", "> ", "    code", "| a | b |\n|---|---|\n| 1 | 2 |",
    "{: #id .cls}", "{#x}", "a", "1", "!", ":", "<!-- c -->", "***", "---",
]
YAML_ATOMS = [
    "\ntitle: ", "\ntags:\n  - ", "\n  - ", "\n   - ", "\nsummary: >\n  ", "\t", "\nsummary: |-\n  ",
    "\nrelated:\n  - title: ", "\n    url: ", "\n  ", "\n", "title", "a", ":", ": ", " ", "- ", "[",
    "]", ",", "'", '"', "#", " #x", "|", ">", "&a", "*a", "!!str ", "信用卡", "金融 债务",
    "2026-01-02", "1.5", "yes", "null", "~", "https://x.example/z", "%", "@", "`", "\\", "：",
    "...", "---",
]
TEXT_ATOMS = list("合同违约的后果规定") * 3 + list(",.:;?!()\"") * 2 + [
    "“", "”", "（", "）", "《", "》", "。", "，", "、", "…", "—", " ", "\n", "\u00a0", "a", "Z",
    "1", "9", "١", "https://a.example/x?a=1,2", "x@firm.example"]
DRAWING_ATOMS = [
    " ", "\n", "q ", "Q ", "BT ", "ET ", "/F1 12 Tf ", "/F10 9 Tf ", "/a1.0 gs ", "/a1.0x gs ",
    "0.1 0.2 0.3 rg ", "1 0 0 -1 10 20 Tm ", "[<0016>0 <00ff>-5] TJ ", "<0a0b> Tj ",
    "/lab-d50 cs ", "/P0 scn ", "/Im1 Do ", "/Sh1 sh ", "(a /F1 b) Tj ", "% /F1 c\n",
    "/F#31 10 Tf ", "/Span << /F1 2 >> BDC ", "EMC ", "[/F1] 0 d ", "/F1/F1 d0 ",
]
DRAWING_NAMES = {key: pikepdf.Name("/gb-" + key[1:])
                 for key in ("/F1", "/a1.0", "/lab-d50", "/P0", "/Im1", "/Sh1")}


def _mixes(atoms: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(atoms) for _ in range(rng.randint(1, longest)))
            for _ in range(count)]


def test_markdown_passing_over_patterns_converts_as_markdown_does():
    plain = markdown.Markdown(
        extensions=["tables", "footnotes", "attr_list", "toc", "sane_lists"],
        extension_configs={"toc": {"slugify": slugify_unicode},
                           "footnotes": {"BACKLINK_TEXT": "↑", "BACKLINK_TITLE": "返回正文"}},
        output_format="xhtml")
    converter = Converter()
    texts = [path.read_text(encoding="utf-8") for path in sorted(REPO.glob("articles/**/*.md"))]
    for text in texts + _mixes(MARKDOWN_ATOMS, 400, 60, seed=1):
        plain.reset()
        assert converter.convert(text) == plain.convert(text), text


def _read(loader: type, text: str):
    """What the front matter is made of: its value, every node's first line, and the last
    line of every plain scalar; or the error's kind."""
    try:
        node, data = frontmatter._parse_with(loader, text)
    except (yaml.YAMLError, RecursionError) as exc:
        return type(exc).__name__
    if data is None:
        return None
    marks, stack = [], [node]
    while stack:
        current = stack.pop()
        marks.append(current.start_mark.line)
        if isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif not current.style:
            marks.append(current.end_mark.line)
    return data, marks


@pytest.mark.skipif(frontmatter._CLoader is None, reason="PyYAML without libyaml")
def test_libyaml_reads_the_front_matter_it_is_given_as_pyyaml_does():
    read = 0
    for text in _mixes(YAML_ATOMS, 4000, 30, seed=2):
        if frontmatter._libyaml_reads_alike(text):
            fast = _read(frontmatter._CLoader, text)
            if not isinstance(fast, str):
                read += 1
                assert fast == _read(frontmatter._Loader, text), text
    assert read > 400


def _punctuation_char_by_char(text: str) -> str:
    """The punctuation pass as first written: every character looked at."""
    text = typeset._QUOTED.sub(
        lambda m: f"“{m.group(1)}”" if typeset._HAN.search(m.group(1)) else m.group(),
        typeset._PAIRED.sub(lambda m: _paired(text, m), text))
    return "".join(typeset._full_width(text, i) if char in ".,:;?!()" else char
                   for i, char in enumerate(text))


def _paired(text, match) -> str:
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if (typeset._HAN.search(match.group(1)) or typeset._is_chinese(before)
            or typeset._is_han(after)):
        return f"（{match.group(1)}）"
    return match.group()


def test_punctuation_looking_only_at_marks_sets_what_a_look_at_every_character_does():
    for text in _mixes(TEXT_ATOMS, 3000, 30, seed=3):
        assert typeset._punctuation(text) == _punctuation_char_by_char(text), text


def test_a_text_without_marks_or_spaces_is_one_normalisation_leaves_as_it_is():
    rng = random.Random(4)
    for text in _mixes(TEXT_ATOMS, 3000, 30, seed=5):
        text = typeset._MAY_CHANGE.sub("", text)
        if not text:
            continue
        lead, trail = rng.choice(TEXT_ATOMS)[-1:].strip(), rng.choice(TEXT_ATOMS)[:1].strip()
        changed = typeset._spacing(typeset._punctuation(lead + text + trail))
        assert changed[len(lead):len(changed) - len(trail)] == text


def _page(data: bytes) -> tuple[pikepdf.Pdf, pikepdf.Page]:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(data)
    return pdf, pdf.pages[0]


def _drawn(data: bytes, renamed: dict[str, pikepdf.Name]) -> list[bytes] | None:
    """What a drawing does, as pikepdf reads it, one instruction each, with the names in
    `renamed` replaced where they are operands; None if it cannot be read."""
    pdf, page = _page(data)
    try:
        return [pikepdf.unparse_content_stream([(
            [renamed.get(str(o), o) if isinstance(o, pikepdf.Name) else o for o in i.operands],
            i.operator)]) for i in pikepdf.parse_content_stream(page)]
    except pikepdf.PdfError:
        return None


def test_furniture_renamed_as_written_draws_what_it_does_renamed_when_parsed():
    written = {key[1:].encode(): str(new).encode() for key, new in DRAWING_NAMES.items()}
    as_written = 0
    for text in _mixes(DRAWING_ATOMS, 3000, 12, seed=6):
        expected = _drawn(text.encode(), DRAWING_NAMES)
        if expected is None:
            continue
        pdf, page = _page(text.encode())
        fast = merge._renamed_drawing(page, written)
        if fast is not None:
            as_written += 1
            assert _drawn(fast, {}) == expected, text
    assert as_written > 300


PAGE_KINDS = """
@page { size: A6; margin: 18mm 12mm;
        @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页" } }
@page :first { @top-center { content: "first" } }
@page :left { margin-left: 16mm; @top-left { content: "left " string(head) } }
@page :right { @top-right { content: "right " string(head) } }
@page :blank { @top-center { content: "blank" } @bottom-center { content: none } }
@page note { margin: 10mm; @top-center { content: "note" } }
@page note:left { @bottom-left { content: "note-left" } }
h2 { string-set: head content(); break-before: right }
aside { page: note; break-before: page }
"""


def _page_kinds_html() -> str:
    sections = []
    for n in range(1, 7):
        paragraphs = "".join(f"<p>第{n}节第{i}段：合同约定的还款期限届满后，债务人仍未清偿的，"
                             "债权人可以依法主张逾期利息。</p>" for i in range(14 + 5 * (n % 3)))
        note = f"<aside>附注 {n}</aside>" if n % 2 else ""
        sections.append(f"<h2>第 {n} 节</h2>{paragraphs}{note}")
    return f'<html lang="zh-CN"><body>{"".join(sections)}</body></html>'


@pytest.mark.parametrize("extra", ["", "@page :nth(2) { @top-center { content: 'second' } }"],
                         ids=["by-kind", "nth-selects-pages"])
def test_page_styles_shared_by_kind_give_the_pdf_weasyprint_gives(tmp_path, monkeypatch, extra):
    """Pages on both sides, blank, first, named and named-and-left, with margin boxes that
    count pages and carry strings; with `:nth()`, every page is styled on its own."""
    sheet = tmp_path / "kinds.css"
    sheet.write_text(PAGE_KINDS + extra, encoding="utf-8")
    job = LayoutJob.of(_page_kinds_html(), (sheet,), "", tmp_path.as_uri() + "/", (tmp_path,), "k")
    shared = layout.lay_out(job)
    monkeypatch.setattr(page_styles, "install", lambda: None)
    monkeypatch.setattr(page_layout, "set_page_type_computed_styles",
                        page_styles._weasyprint_styles)
    own = layout.lay_out(job)
    assert shared.pdf == own.pdf
    heads = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(own.pdf)).pages]
    assert len(heads) > 12 and "first" in heads[0]
    assert any("blank" in h for h in heads) and any("note-left" in h for h in heads)
    assert sum("second" in h for h in heads) == (1 if extra else 0)


def test_layout_pauses_the_cycle_collector_and_gives_it_back(tmp_path, monkeypatch):
    """While WeasyPrint lays out and writes, the collector is off; after, as it was."""
    sheet = tmp_path / "plain.css"
    sheet.write_text("@page { size: A6 }", encoding="utf-8")
    job = LayoutJob.of("<p>文</p>", (sheet,), "", tmp_path.as_uri() + "/", (tmp_path,), "g")
    collecting = []

    def watching(original):
        def watched(*args, **kwargs):
            collecting.append(gc.isenabled())
            return original(*args, **kwargs)
        return watched

    monkeypatch.setattr(weasyprint.HTML, "render", watching(weasyprint.HTML.render))
    monkeypatch.setattr(weasyprint.Document, "write_pdf", watching(weasyprint.Document.write_pdf))
    assert gc.isenabled()
    layout.lay_out(job)
    assert collecting == [False, False] and gc.isenabled()
    with pytest.raises(TypeError):
        layout.lay_out(LayoutJob(None, (sheet,), "", tmp_path.as_uri() + "/", (tmp_path,), "g"))
    assert gc.isenabled()


WATCH_PROGRAMS = """
import subprocess, sys
started = []
real = subprocess.Popen.__init__
def watched(self, args, *rest, **named):
    started.append(args)
    real(self, args, *rest, **named)
subprocess.Popen.__init__ = watched
import guidebuilder.render.layout
from weasyprint.text import ffi
print(len(started), ffi.harfbuzz_subset is not None)
"""


def test_weasyprint_is_imported_without_running_a_compiler_to_find_its_libraries():
    """cffi's library search ran gcc and ldconfig some 200 times for each WeasyPrint import; the
    libraries load by their file names, HarfBuzz's subsetter (for fast font subsets) included."""
    result = subprocess.run([sys.executable, "-c", WATCH_PROGRAMS], capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["0", "True"]
