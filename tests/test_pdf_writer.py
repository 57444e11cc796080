"""The book's PDF is written object by object: what is copied reads back the same, with its
references renumbered and nothing else touched, in a file qpdf finds sound."""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from guidebuilder.render.pdf.pdf_writer import OBJECTS_PER_STREAM, Copier, PdfWriter


def source() -> tuple[pikepdf.Pdf, pikepdf.Object]:
    """A small PDF whose strings and names look like references."""
    pdf = pikepdf.new()
    shared = pdf.make_indirect(Dictionary(Kind=Name("/Shared"), Note=String("12 0 R (not one)")))
    drawing = pdf.make_stream(b"BT /F1 12 Tf (3 0 R) Tj ET")
    top = pdf.make_indirect(Dictionary(
        A=shared, B=Array([shared, 1.5, Name("/F1"), String("a\\b)c 7 0 R"), String("中文 1 0 R")]),
        C=drawing, D=pdf.make_indirect(Array([shared, drawing])),
        Many=Array([pdf.make_indirect(Dictionary(N=n)) for n in range(OBJECTS_PER_STREAM + 5)])))
    return pdf, top


def write(top: pikepdf.Object, pdf: pikepdf.Pdf, substitute=lambda obj: None) -> bytes:
    out = io.BytesIO()
    writer = PdfWriter(out)
    copier = Copier(writer, pdf, substitute)
    number = copier.number(top)
    copier.flush()
    root = writer.reserve()
    pages, page = writer.reserve(), writer.reserve()
    writer.add(page, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 100 100]/Resources<<>>>>" % pages)
    writer.add(pages, b"<</Type/Pages/Count 1/Kids[%d 0 R]>>" % page)
    writer.add(root, b"<</Type/Catalog/Pages %d 0 R/Top %d 0 R>>" % (pages, number))
    writer.finish(root, None)
    return out.getvalue()


def test_objects_read_back_the_same_and_the_file_is_sound():
    pdf, top = source()
    data = write(top, pdf)
    copy = pikepdf.open(io.BytesIO(data))
    assert copy.check_pdf_syntax() == []
    got = copy.Root.Top
    assert got.A.Note == String("12 0 R (not one)")
    assert got.A.objgen == got.B[0].objgen == got.D[0].objgen  # copied once, shared
    assert str(got.B[3]) == "a\\b)c 7 0 R" and str(got.B[4]) == "中文 1 0 R"
    assert got.B[2] == Name("/F1") and float(got.B[1]) == 1.5
    assert got.C.read_bytes() == b"BT /F1 12 Tf (3 0 R) Tj ET"
    assert got.C.Filter == Name.FlateDecode  # compressed on the way
    assert [int(d.N) for d in got.Many] == list(range(OBJECTS_PER_STREAM + 5))
    assert b"/ObjStm" in data and b"/Type/XRef" in data


def test_a_substitute_stands_for_an_object_met_by_reference():
    pdf, top = source()
    data = write(top, pdf, lambda obj: b"null" if obj.get("/Kind") == Name("/Shared") else None)
    copy = pikepdf.open(io.BytesIO(data))
    got = copy.Root.Top
    assert got.get("/A") is None
    assert got.B[0] is None and len(got.B) == 5


def test_the_same_objects_give_the_same_bytes():
    pdf, top = source()
    again, again_top = source()
    assert write(top, pdf) == write(again_top, again)
