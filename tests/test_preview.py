"""`guidebuilder serve`: the guides as web pages that follow every saved change, seen as a
user sees them, in a real browser (Debian's chromium, driven by Playwright), and over HTTP
for what a browser would not show (what the server refuses to serve)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import replace_in, write

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
YUQI = "articles/xinyongka/yuqi.md"
WAIT_MS = 20_000  # how long the browser may take to notice; the test passes as soon as it does


@pytest.fixture
def preview(tiny_project):
    """`guidebuilder serve --port 0` in the tiny project; yields its address."""
    process = subprocess.Popen([sys.executable, "-m", "guidebuilder", "serve", "--port", "0"],
                               cwd=tiny_project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, (line, process.stderr.read() if process.poll() else "")
        yield line.split(" at ", 1)[1].split()[0].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str, host: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api as playwright_api

    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed: `make install` installs it (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def test_saving_an_article_updates_the_open_page(preview, tiny_project, browser):
    page = browser.new_page()
    page.goto(f"{preview}/")
    page.click("text=测试指南")
    page.click("nav.toc >> text=信用卡逾期的后果")
    assert page.locator("h1.article-title").inner_text() == "信用卡逾期的后果"
    assert "逾期记录会保留五年。" in page.locator(".article-body").inner_text()
    # the theme's own partials: the notice, the permalink, the related article in the guide
    # (set as the book sets it: full-width punctuation)
    assert page.locator(".source .notice").inner_text() == "版权声明：本文原创。"
    page.click(".related >> text=民间借贷利率上限")
    assert page.locator("h1.article-title").inner_text() == "民间借贷利率上限"
    page.go_back()

    replace_in(tiny_project, YUQI, "逾期记录会保留五年。", "逾期记录自结清之日起保留五年。")
    expect(page.locator(".article-body")).to_contain_text("自结清之日起", timeout=WAIT_MS)
    assert "逾期记录会保留五年。" not in page.locator(".article-body").inner_text()
    page.close()


def test_a_broken_article_shows_its_error_in_the_page_then_recovers(preview, tiny_project, browser):
    page = browser.new_page()
    page.goto(f"{preview}/guide/ceshi/article/yuqi")
    replace_in(tiny_project, YUQI, "author: 张律师", "author: [张律师")
    page.wait_for_selector(".gb-problems", timeout=WAIT_MS)
    assert (f"{YUQI}:3: invalid YAML: a '[' opened on this line is not closed with ']'"
            in page.locator(".gb-problems").inner_text())
    replace_in(tiny_project, YUQI, "author: [张律师", "author: 王律师")
    page.wait_for_selector(".article-meta >> text=王律师", timeout=WAIT_MS)
    assert page.locator(".gb-problems").count() == 0
    page.close()


def test_editing_the_guide_and_choosing_a_client_edition(preview, tiny_project, browser):
    write(tiny_project / "clients/huaxin.yml", "client: 华信商贸有限公司\nid: HX-7\nlawyer: 张明律师\n")
    page = browser.new_page()
    page.goto(f"{preview}/guide/ceshi/")
    assert page.locator(".titlepage-title").inner_text() == "测试指南"
    assert page.locator(".titlepage-client").count() == 0  # the firm's own edition
    page.select_option(".gb-edition select", "huaxin")
    page.wait_for_selector(".titlepage-client", timeout=WAIT_MS)
    assert "本版本专为华信商贸有限公司编制" in page.locator(".titlepage-client").inner_text()
    assert "edition=huaxin" in page.locator("a.gb-pdf").get_attribute("href")
    replace_in(tiny_project, "guides/ceshi.yml", "title: 测试指南", "title: 信用卡实务指南")
    expect(page.locator(".titlepage-title")).to_have_text("信用卡实务指南", timeout=WAIT_MS)
    assert "本版本专为华信商贸有限公司编制" in page.locator(".titlepage-client").inner_text()
    page.close()


def test_saving_a_theme_file_restyles_the_open_page(preview, tiny_project, browser):
    write(tiny_project / "themes/suo/theme.yml", "name: suo\n")
    write(tiny_project / "themes/suo/css/epub.css", ".article-title { color: rgb(0, 90, 0); }\n")
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "page_size: A5\ntheme: suo")
    page = browser.new_page()
    page.goto(f"{preview}/guide/ceshi/article/xieshang")
    expect(page.locator("h1.article-title")).to_have_css("color", "rgb(0, 90, 0)")
    write(tiny_project / "themes/suo/css/epub.css", ".article-title { color: rgb(150, 0, 0); }\n")
    expect(page.locator("h1.article-title")).to_have_css("color", "rgb(150, 0, 0)", timeout=WAIT_MS)
    # and a template of the theme, too
    write(tiny_project / "themes/suo/templates/partials/article_meta.html",
          '<p class="article-meta">作者：{{ article.author }}</p>\n')
    expect(page.locator(".article-meta")).to_have_text("作者：李律师", timeout=WAIT_MS)
    page.close()


def test_an_article_in_no_guide_can_be_seen_under_all_articles(preview, tiny_project, browser):
    # laodong.md is in a category that the tiny project's only guide leaves out
    page = browser.new_page()
    page.goto(f"{preview}/")
    page.click("text=全部文章")
    page.click("nav.toc >> text=加班费怎么算")
    expect(page.locator(".article-body")).to_contain_text("工作日加班按百分之一百五十支付。")
    assert page.locator("a.gb-pdf").count() == 0
    replace_in(tiny_project, "articles/laodong/laodong.md", "百分之一百五十", "不低于百分之一百五十")
    expect(page.locator(".article-body")).to_contain_text("不低于百分之一百五十", timeout=WAIT_MS)
    page.close()


def test_part_openers_and_the_sources_appendix_are_pages_of_their_own(preview, browser):
    page = browser.new_page()
    page.goto(f"{preview}/guide/ceshi/")
    page.click("nav.toc >> text=金融债务")
    assert page.locator(".part-title").inner_text() == "金融债务"
    assert "民间借贷利率上限" in page.locator(".part-contents").inner_text()
    page.go_back()
    page.click("nav.toc >> text=文章来源")
    assert page.locator(".appendix-title").inner_text() == "文章来源"
    assert "https://law.example/zw/2.html" in page.locator(".sources").inner_text()
    page.close()


def test_a_guide_that_cannot_be_read_shows_why_instead_of_a_blank_page(preview, tiny_project):
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "  page_size: A5")
    status, kind, body = fetch(f"{preview}/guide/ceshi/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert ("guides/ceshi.yml:8: invalid YAML: this line is indented more than the one above"
            in body.decode())
    status, _, body = fetch(f"{preview}/guide/ceshi/pdf")
    assert status == 422 and "guides/ceshi.yml:8: invalid YAML" in body.decode()


def test_the_pdf_link_gives_the_real_pdf_and_keeps_it_until_a_change(preview, tiny_project):
    status, kind, first = fetch(f"{preview}/guide/ceshi/pdf")
    assert (status, kind) == (200, "application/pdf") and first.startswith(b"%PDF")
    kept = list((tiny_project / ".cache/preview").iterdir())
    assert len(kept) == 1
    mtime = next(kept[0].glob("ceshi.pdf")).stat().st_mtime_ns
    assert fetch(f"{preview}/guide/ceshi/pdf")[2] == first
    assert next(kept[0].glob("ceshi.pdf")).stat().st_mtime_ns == mtime  # not built again
    assert not (tiny_project / "build").exists()


def test_the_server_serves_article_images_and_nothing_else(preview, tiny_project):
    write(tiny_project / "articles/xinyongka/images/liucheng.svg",
          '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n')
    (tiny_project / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    status, kind, _ = fetch(f"{preview}/articles/xinyongka/images/liucheng.svg")
    assert (status, kind) == (200, "image/svg+xml")
    for path in ("/articles/xinyongka/yuqi.md", "/articles/../secret.png", "/articles/%2e%2e/secret.png",
                 "/guides/ceshi.yml", "/articles/xinyongka/_category.yml", "/etc/passwd"):
        assert fetch(f"{preview}{path}")[0] == 404, path
    # another site's page cannot read the preview through a name that points here
    assert fetch(f"{preview}/", host="attacker.example")[0] == 403


def test_the_preview_listens_on_this_machine_only(preview):
    assert preview.startswith("http://127.0.0.1:")


def test_ctrl_c_stops_the_preview_quietly(tiny_project):
    process = subprocess.Popen([sys.executable, "-m", "guidebuilder", "serve", "--port", "0"],
                               cwd=tiny_project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert "http://127.0.0.1:" in process.stdout.readline()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert out.strip() == "Preview stopped." and err == ""


def test_a_broken_theme_template_is_shown_with_its_file_and_line(preview, tiny_project):
    write(tiny_project / "themes/suo/theme.yml", "name: suo\n")
    write(tiny_project / "themes/suo/templates/partials/article_meta.html",
          '<p class="article-meta">\n{{ article.author </p>\n')
    replace_in(tiny_project, "guides/ceshi.yml", "page_size: A5", "page_size: A5\ntheme: suo")
    status, _, body = fetch(f"{preview}/guide/ceshi/article/yuqi")
    text = body.decode()
    assert status == 200  # a page that says what to fix, as for any other mistake
    assert ('<li class="error">themes/suo/templates/partials/article_meta.html:2: theme '
            '&#x27;suo&#x27;: template error') in text
    assert "Traceback" not in text
