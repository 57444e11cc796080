"""Images are known by their content: a file whose name says one kind and whose bytes say
another (or no image at all) is an error naming the file, never an EPUB that fails EPUBCheck.
A cover that is not there is "not found"."""

from __future__ import annotations

import io

from PIL import Image
from conftest import replace_in, run_cli
from epubbook import run_epubcheck
from pdfbook import PdfBook

from guidebuilder.build import build

GUIDE_FILE = "guides/ceshi.yml"
YUQI = "articles/xinyongka/yuqi.md"


def image_bytes(kind: str) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(output, format=kind)
    return output.getvalue()


def _with_cover(root, name: str, data: bytes | None) -> None:
    replace_in(root, GUIDE_FILE, "page_size: A5", f"page_size: A5\ncover: covers/{name}")
    if data is not None:
        (root / "covers").mkdir()
        (root / "covers" / name).write_bytes(data)


def test_a_missing_cover_is_not_found(tiny_project):
    _with_cover(tiny_project, "fengmian.png", None)
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert f"{GUIDE_FILE}:9: cover 'covers/fengmian.png' not found" in result.stderr


def test_a_jpeg_cover_named_png_is_an_error_naming_the_file(tiny_project):
    _with_cover(tiny_project, "fengmian.png", image_bytes("JPEG"))
    result = run_cli("build", "--format", "epub", cwd=tiny_project)
    assert result.returncode == 1
    assert (f"{GUIDE_FILE}:9: cover 'covers/fengmian.png' is a JPEG image saved with the name "
            "'fengmian.png': rename it to 'fengmian.jpg'") in result.stderr
    assert not (tiny_project / "build").exists()


def test_a_text_file_named_cover_png_is_not_an_image(tiny_project):
    _with_cover(tiny_project, "cover.png", "这不是图片。\n".encode())
    result = run_cli("check", cwd=tiny_project)
    assert f"{GUIDE_FILE}:9: cover 'covers/cover.png' is not an image file" in result.stderr


def test_a_webp_cover_is_refused_even_named_jpg(tiny_project):
    _with_cover(tiny_project, "cover.jpg", image_bytes("WEBP"))
    result = run_cli("check", cwd=tiny_project)
    assert f"{GUIDE_FILE}:9: cover 'covers/cover.jpg' is a WEBP image; it must be PNG, JPEG" \
        in result.stderr


def test_a_right_cover_passes(tiny_project):
    _with_cover(tiny_project, "cover.jpg", image_bytes("JPEG"))
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 0, result.stderr


def test_an_article_image_whose_content_is_another_kind_names_article_line_and_image(tiny_project):
    (tiny_project / "articles/xinyongka/images").mkdir()
    (tiny_project / "articles/xinyongka/images/liucheng.jpg").write_bytes(image_bytes("WEBP"))
    (tiny_project / "articles/xinyongka/images/tubiao.png").write_bytes(image_bytes("PNG"))
    replace_in(tiny_project, YUQI, "逾期记录会保留五年。",
               "逾期记录会保留五年。\n\n![流程](images/liucheng.jpg)\n\n![图表](images/tubiao.png)")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "images/" in line]
    assert errors == [f"{YUQI}:18: image 'images/liucheng.jpg' is a WEBP image saved with the "
                      "name 'liucheng.jpg': rename it to 'liucheng.webp' (and the places that "
                      "name it)"]


def test_image_names_with_spaces_and_odd_types(tiny_project, tmp_path):
    images = tiny_project / "articles/xinyongka/images"
    images.mkdir()
    (images / "with space.png").write_bytes(image_bytes("PNG"))
    (images / "old.bmp").write_bytes(b"BM" + bytes(60))
    replace_in(tiny_project, YUQI, "逾期会产生利息和违约金。",
             "逾期会产生利息和违约金。\n\n![流程](images/with%20space.png)\n\n![旧图](images/old.bmp)")
    outputs, warnings = build(tiny_project, [], ["pdf", "epub"], tmp_path)
    assert any("an image type that e-book readers cannot show" in str(w) for w in warnings)
    assert run_epubcheck(outputs[1]) == []
    pdf = PdfBook(outputs[0])
    assert any("/Image" in str(x.get_object().get("/Subtype"))
               for page in pdf.reader.pages
               for x in ((page.get("/Resources") or {}).get("/XObject") or {}).values())
