"""Inputs an ordinary user might give that once slipped through (found in review)."""

from __future__ import annotations

import shutil

from guidebuilder.build import build
from pdfbook import PdfBook

from conftest import article, replace_in, run_cli, write
from epubbook import EpubBook, run_epubcheck

YUQI = "articles/xinyongka/yuqi.md"


def test_a_relative_root_builds(tiny_project):
    result = run_cli("build", "--format", "all", "--root", tiny_project.name, cwd=tiny_project.parent)
    assert result.returncode == 0, result.stderr
    assert (tiny_project / "build" / "ceshi.epub").is_file()


def test_file_names_that_would_collide_in_the_epub(tiny_project, tmp_path):
    shutil.copy(tiny_project / YUQI, tiny_project / "articles/xinyongka/nav.md")
    replace_in(tiny_project, "articles/xinyongka/nav.md", "xyk/1.html", "xyk/9.html")
    replace_in(tiny_project, "articles/xinyongka/nav.md", "信用卡逾期的后果", "目录同名的文章")
    epub = EpubBook(build(tiny_project, [], ["epub"], tmp_path)[0][0])
    assert "article-nav.xhtml" in epub.spine and "nav.xhtml" in epub.spine
    assert run_epubcheck(epub.path) == []


def test_a_file_name_that_is_not_a_slug(tiny_project):
    shutil.move(tiny_project / YUQI, tiny_project / "articles/xinyongka/02 有 空格.md")
    replace_in(tiny_project, "articles/xinyongka/xieshang.md", "[yuqi, laodong]", "[laodong]")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "articles/xinyongka/02 有 空格.md: file name '02 有 空格.md' is the article's slug" in result.stderr


def test_a_category_listed_twice(tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "[信用卡, 金融债务]", "[信用卡, 金融债务, xinyongka]")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "guides/ceshi.yml:7: category 'xinyongka' is listed twice" in result.stderr


def test_front_matter_links_must_be_web_links(tiny_project):
    replace_in(tiny_project, "articles/jinrong-zhaiwu/jiedai.md", "https://journal.example/p/9.html",
             "javascript:alert(1)")
    replace_in(tiny_project, YUQI, "https://other.example/a.html", "file:///etc/passwd")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "jiedai.md:6: 'reprinted_from' url 'javascript:alert(1)' is not an http(s) URL" in result.stderr
    assert "yuqi.md:9: 'related' url 'file:///etc/passwd' is not an http(s) URL" in result.stderr


def test_script_links_in_the_body_are_removed_with_a_warning(tiny_project, tmp_path):
    write(tiny_project / "articles/xinyongka/lianjie.md", article(
        "链接", "[点我](javascript:alert%281%29) 和 <a href='vbscript:x'>这里</a>。\n"))
    result = run_cli("check", cwd=tiny_project)
    assert "lianjie.md:4: warning: removed a 'javascript:' URL" in result.stderr
    assert "lianjie.md:4: warning: removed a 'vbscript:' URL" in result.stderr
    outputs, _ = build(tiny_project, [], ["pdf", "epub"], tmp_path)
    assert not [u for u in PdfBook(outputs[0]).uris() if "script" in u]


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


def test_an_output_folder_that_is_a_file(tiny_project, tmp_path):
    (tmp_path / "afile").write_text("x")
    result = run_cli("build", "--out", str(tmp_path / "afile"), cwd=tiny_project)
    assert result.returncode == 1 and "cannot write" in result.stderr
    assert "internal error" not in result.stderr


def test_an_invalid_language(tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "page_size: A5\nlanguage: zh CN")
    result = run_cli("check", cwd=tiny_project)
    assert result.returncode == 1
    assert "guides/ceshi.yml:9: language 'zh CN' is not a language tag like zh-CN" in result.stderr


def test_image_names_with_spaces_and_odd_types(tiny_project, tmp_path):
    images = tiny_project / "articles/xinyongka/images"
    images.mkdir()
    (images / "with space.png").write_bytes(_png())
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


def _png() -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (40, 20), (40, 80, 120)).save(output, format="PNG")
    return output.getvalue()


def test_months_before_keeps_the_day_and_clamps_only_past_the_months_end():
    from datetime import date

    from guidebuilder.assemble import months_before

    assert months_before(date(2026, 6, 30), 6) == date(2025, 12, 30)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2024, 8, 31), 6) == date(2024, 2, 29)
    assert months_before(date(2026, 3, 15), 24) == date(2024, 3, 15)


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


def test_a_cover_outside_the_project_is_refused_at_its_line(tiny_project, tmp_path):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for written in (str(tmp_path / "outside.png"), "../outside.png"):
        replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5",
                   f"page_size: A5\ncover: {written}")
        result = run_cli("check", cwd=tiny_project)
        assert result.returncode == 1, result.stderr
        assert (f"guides/ceshi.yml:9: cover '{written}' must be a file inside the project"
                in result.stderr), result.stderr
        replace_in(tiny_project, "guides/ceshi.yml", f"page_size: A5\ncover: {written}",
                   "page_size: A5")
