"""Chunks laid out separately and concatenated share one embedded subset per font face."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import weasyprint
from PIL import Image, ImageChops

from guidebuilder.errors import GuideError
from guidebuilder.render.font_placeholders import placeholder_fonts
from guidebuilder.render.pdf import fontmerge
from guidebuilder.render.pdf.book_writer import BookWriter

STYLE = """
@page { size: A6; margin: 10mm }
body { font-family: "Noto Serif CJK SC"; font-size: 11pt }
h1 { font-family: "Noto Sans CJK SC"; font-weight: bold; font-size: 16pt }
.faded { opacity: 0.5 }
"""
# Shared text, then characters (and Latin letters) that only one chunk has.
COMMON = "我们的法律指南介绍借款合同和还款的基本规则。"
FIRST_ONLY = ("春夏秋冬", "梅兰竹菊", "Quick")
SECOND_ONLY = ("东南西北", "琴棋书画", "Zebra")


def chunk(heading: str, body: str) -> bytes:
    html = f"""<html lang="zh-CN"><head><style>{STYLE}</style></head><body>
        <h1>{heading}</h1><p>{COMMON}{body}</p>
        <h1 style="break-before: page">{heading}续</h1>
        <p class="faded">{body}{COMMON}</p></body></html>"""
    return weasyprint.HTML(string=html).write_pdf()


@pytest.fixture(scope="module")
def chunks() -> list[bytes]:
    return [chunk(f"第一章{FIRST_ONLY[0]}", "".join(FIRST_ONLY)),
            chunk(f"第二章{SECOND_ONLY[0]}", "".join(SECOND_ONLY))]


def concatenate(chunks: list[bytes], merge: bool) -> bytes:
    """The chunks one after the other, as the book is written (`merge`) or as pikepdf
    concatenates them, every copy of a font kept."""
    return written(chunks)[0] if merge else pikepdf_concatenation(chunks)


def pikepdf_concatenation(chunks: list[bytes]) -> bytes:
    merged = pikepdf.new()
    for data in chunks:
        merged.pages.extend(pikepdf.open(io.BytesIO(data)).pages)
    out = io.BytesIO()
    merged.save(out, deterministic_id=True)
    return out.getvalue()


def written(chunks: list[bytes]) -> tuple[bytes, tuple]:
    """The chunks written as the book is, and the warnings about fonts."""
    out = io.BytesIO()
    book = BookWriter(out)
    for data in chunks:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            book.write_pages(pdf, list(pdf.pages))
    warnings = book.finish({}, [])
    return out.getvalue(), warnings


@pytest.fixture(scope="module")
def naive(chunks) -> bytes:
    return concatenate(chunks, merge=False)


@pytest.fixture(scope="module")
def placeholder_chunks() -> list[bytes]:
    """The same chunks with placeholder font programs, as the book's chunks are laid out."""
    with placeholder_fonts(True):
        return [chunk(f"第一章{FIRST_ONLY[0]}", "".join(FIRST_ONLY)),
                chunk(f"第二章{SECOND_ONLY[0]}", "".join(SECOND_ONLY))]


@pytest.fixture(scope="module")
def merged(chunks) -> bytes:
    return concatenate(chunks, merge=True)


def embedded_fonts(data: bytes) -> tuple[dict[str, int], int]:
    """Type 0 fonts by BaseFont, and the number of distinct font programs, reachable from the
    pages through any object (resources, forms, annotations)."""
    pdf = pikepdf.open(io.BytesIO(data))
    fonts: dict[str, set[tuple[int, int]]] = {}
    programs: set[tuple[int, int]] = set()
    seen: set[tuple[int, int]] = set()

    def walk(obj: object) -> None:
        if not isinstance(obj, pikepdf.Object):
            return
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if obj.get("/Subtype") == pikepdf.Name.Type0:
                fonts.setdefault(str(obj.BaseFont), set()).add(obj.objgen)
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    programs.add(obj[key].objgen)
            for key in sorted(obj.keys()):
                if key != "/Parent":
                    walk(obj[key])
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                walk(item)

    for page in pdf.pages:
        walk(page.obj)
    return {name: len(copies) for name, copies in fonts.items()}, len(programs)


def test_each_face_is_embedded_once(naive, merged):
    fonts, programs = embedded_fonts(naive)
    assert sorted(name.split("+")[1] for name in fonts) == [
        "Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"]
    assert set(fonts.values()) == {2} and programs == 4
    assert embedded_fonts(merged) == ({name: 1 for name in fonts}, 2)


def test_merged_file_is_clearly_smaller(naive, merged):
    assert len(merged) < 0.7 * len(naive)


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def test_text_is_unchanged(naive, merged):
    before = page_texts(naive)
    assert len(before) == 4
    assert all(part in before[0] for part in FIRST_ONLY)
    assert all(part in before[2] for part in SECOND_ONLY)
    assert page_texts(merged) == before


def rasterise(data: bytes, folder: Path) -> list[Image.Image]:
    folder.mkdir()
    (folder / "in.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "in.pdf", "page"], cwd=folder, check=True)
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils' pdftoppm")
def test_pages_look_the_same(naive, merged, tmp_path):
    before, after = rasterise(naive, tmp_path / "naive"), rasterise(merged, tmp_path / "merged")
    assert len(before) == len(after) == 4
    for page, (old, new) in enumerate(zip(before, after), 1):
        assert old.size == new.size, page
        assert ImageChops.difference(old, new).getbbox() is None, page


def test_output_is_deterministic(chunks, merged):
    assert concatenate(chunks, merge=True) == merged


def test_fonts_not_installed_are_left_alone(chunks, naive, monkeypatch):
    monkeypatch.setattr(fontmerge, "_original", lambda postscript_name, version: None)
    data, warnings = written(chunks)
    assert [str(w) for w in warnings] == [
        "warning: fonts not installed as they were embedded, left unmerged: "
        "NotoSansCJKsc-Bold, NotoSerifCJKsc-Regular"]
    assert embedded_fonts(data) == embedded_fonts(naive)
    assert page_texts(data) == page_texts(naive)


def test_chunks_with_placeholder_fonts_merge_into_the_same_file(chunks, placeholder_chunks, merged):
    sizes = [len(data) for data in placeholder_chunks]
    assert all(size < len(data) / 4 for size, data in zip(sizes, chunks))  # no real subsets
    assert concatenate(placeholder_chunks, merge=True) == merged


def test_a_face_with_a_glyph_it_lacks_is_subset_as_weasyprint_does(expect_logs):
    """WeasyPrint writes such a face itself (with an outline for the missing glyph): it gets
    no placeholder, and its font file is read whole for that, as without placeholders."""
    html = (f"<html lang='zh-CN'><head><style>{STYLE}</style></head>"
            "<body><p>借款合同\ue000还款规则</p></body></html>")
    plain = weasyprint.HTML(string=html).write_pdf()
    with placeholder_fonts(True):
        placed = weasyprint.HTML(string=html).write_pdf()
    assert placed == plain
    with placeholder_fonts(True):
        other = weasyprint.HTML(string=html.replace("\ue000", "")).write_pdf()
    assert len(plain) > 2 * len(other)  # a real subset of the face, not a placeholder


def test_a_placeholder_font_that_cannot_be_merged_is_an_error(placeholder_chunks, monkeypatch):
    monkeypatch.setattr(fontmerge, "_original", lambda postscript_name, version: None)
    with pytest.raises(GuideError, match="is not installed here"):
        written(placeholder_chunks)
