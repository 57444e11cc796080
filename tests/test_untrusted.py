"""An article tries to read local files and reach the network; the guide carries none of it."""

from __future__ import annotations

import http.server
import os
import threading
import zipfile

import pytest
from conftest import article, replace_in, run_cli, write
from pdfbook import PdfBook

from guidebuilder.build import build

SECRET = "SECRET-7f3a9c-本机机密"


@pytest.fixture
def local_server():
    """A web server on loopback that counts the requests it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"p { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


@pytest.fixture
def hostile_project(tiny_project, tmp_path, local_server):
    url, _ = local_server
    outside = tmp_path / "outside"
    write(outside / "secret.txt", SECRET)
    write(outside / "secret.css", f'body::before {{ content: "{SECRET}" }}')
    (outside / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    images = tiny_project / "articles/xinyongka/images"
    images.mkdir(parents=True)
    os.symlink(outside / "photo.png", images / "link.png")
    body = f"""
    正文第一段。

    <img src="/etc/passwd" alt="passwd">
    <img src="../../../outside/photo.png" alt="escape">
    <img src="images/link.png" alt="symlink">
    <img src="{url}/remote.png" alt="remote">
    <img src="file://{outside}/photo.png" alt="file url">
    <link rel="attachment" href="{outside}/secret.txt">
    <a rel="attachment" href="{outside}/secret.txt">附件</a>
    <style>@import url("{outside}/secret.css"); @import url("{url}/import.css");
    p {{ background: url("{url}/bg.png") }}</style>
    <p style="background-image: url('{url}/inline.png'); color: red">红色文字</p>
    <script>document.write("{SECRET}")</script>
    <p onmouseover="alert(1)">悬停</p>
    <iframe src="{url}/frame.html"></iframe>
    """
    write(tiny_project / "articles/xinyongka/hostile.md", article(
        "不可信的文章", body, source_url="https://law.example/xyk/666.html"))
    return tiny_project


def test_nothing_from_outside_gets_into_the_pdf_or_epub(hostile_project, tmp_path, local_server):
    _, requests = local_server
    outputs, warnings = build(hostile_project, [], ["pdf", "epub"], tmp_path / "out")
    assert requests == []
    pdf_path, epub_path = outputs
    raw = pdf_path.read_bytes()
    assert b"/EmbeddedFile" not in raw and b"/FileAttachment" not in raw
    book = PdfBook(pdf_path)
    text = "".join(book.text(n) for n in range(1, book.page_count + 1))
    assert SECRET not in text and "root:" not in text
    assert "红色文字" in text and "悬停" in text
    for page in book.reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    with zipfile.ZipFile(epub_path) as epub:
        for name in epub.namelist():
            assert SECRET.encode() not in epub.read(name), name
            assert not name.endswith(("photo.png", "link.png", "secret.txt", "passwd"))
    hostile = [str(w) for w in warnings if "hostile.md" in str(w)]
    for removed in ("<script>", "<style>", "<link>", "<iframe>", "event handler",
                    "image outside articles/", "not a file inside articles/"):
        assert any(removed in w for w in hostile), (removed, hostile)
    assert any("images/link.png" in w for w in hostile)
    assert any(":11: warning: removed an image that is not a file inside articles/ ('file://" in w
               for w in hostile)


def test_strict_refuses_a_hostile_article(hostile_project):
    result = run_cli("build", "--strict", cwd=hostile_project)
    assert result.returncode == 1
    assert "articles/xinyongka/hostile.md:" in result.stderr
    assert not (hostile_project / "build").exists()


def test_warnings_name_the_article_and_line(hostile_project):
    result = run_cli("check", cwd=hostile_project)
    assert result.returncode == 0
    assert "articles/xinyongka/hostile.md:17: warning: removed a <script> element" in result.stderr
    assert "articles/xinyongka/hostile.md:7: warning: removed an image that is not a file inside articles/ ('/etc/passwd')" in result.stderr


def test_front_matter_links_must_be_web_links(tiny_project):
    replace_in(tiny_project, "articles/jinrong-zhaiwu/jiedai.md", "https://journal.example/p/9.html",
             "javascript:alert(1)")
    replace_in(tiny_project, "articles/xinyongka/yuqi.md", "https://other.example/a.html", "file:///etc/passwd")
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
