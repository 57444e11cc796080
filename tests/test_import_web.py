"""`guidebuilder import URL`: a site served on 127.0.0.1 from pages built on the CMS templates
(tests/pages/site/, tests/pages/cms/), read through its sitemap index or its listing pages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from website import ARTICLES, serve

from guidebuilder import __version__
from guidebuilder.cli import main

REPO = Path(__file__).resolve().parents[1]
FAST = ["--rate", "50", "--as-of", "2026-11-29", "--timeout", "5"]


def run(root: Path, *arguments: str, capsys) -> tuple[int, str]:
    code = main(["import", *arguments, "--root", str(root), *FAST])
    return code, capsys.readouterr().out


def articles(root: Path) -> dict[str, dict]:
    found = {}
    for path in sorted((root / "articles").rglob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        found[meta["title"]] = meta
    return found


def outcomes(output: str) -> dict[str, str]:
    return dict(re.findall(r"^(http\S+): (\w+)", output, re.M))


TITLES = {
    "劳动合同到期不续签,公司要给经济补偿吗?", "试用期被辞退,能要求赔偿吗?",
    "公司不交社保,员工能解除合同吗?", "加班费的计算基数怎么确定?",
    "朋友借钱不还,只有微信聊天记录能起诉吗?",
}


def test_sitemap_index_imports_every_allowed_page_once(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/sitemap_index.xml",
                           "--report", str(tmp_path / "report.json"), capsys=capsys)
        asked = site.paths()
        agents = {r.headers.get("User-Agent") for r in site.requests}
    assert code == 0, output
    found = articles(tmp_path)
    assert len(found) == len(ARTICLES)
    assert TITLES <= set(found)
    # every article address of the sitemaps was asked once; the robots.txt folder never
    assert Counter(asked) == Counter(["/robots.txt", "/sitemap_index.xml", "/sitemap-laodong.xml",
                                      "/sitemap-other.xml.gz", *ARTICLES])
    assert not any(p.startswith("/private/") for p in asked)
    assert agents == {f"guidebuilder/{__version__} (article import)"}
    pages = outcomes(output)
    assert pages[f"{site.url}/private/3103.html"] == "skipped"
    assert "robots.txt asks robots to keep out of it" in output
    assert Counter(pages.values()) == Counter({"new": 7, "skipped": 1})
    # source_url is the page's canonical link, imported_from the address it was fetched from
    wordpress = next(m for m in found.values() if m.get("source_url"))
    assert wordpress["source_url"] == f"{site.url}/2026/03/05/fangchan-fenge/"
    assert wordpress["imported_from"] == f"{site.url}/?p=41"
    assert found["劳动合同到期不续签,公司要给经济补偿吗?"]["imported_from"] == f"{site.url}/laodong/3105.html"
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["new"] == 7 and report["counts"]["skipped"] == 1
    assert report["failures"] == {"kept out by robots.txt": [f"{site.url}/private/3103.html"]}


def test_second_run_downloads_nothing_unchanged(tmp_path, capsys):
    with serve() as site:
        first, _ = run(tmp_path, f"{site.url}/sitemap_index.xml", capsys=capsys)
        written = {p: p.read_bytes() for p in (tmp_path / "articles").rglob("*.md")}
        site.clear()
        second, output = run(tmp_path, f"{site.url}/sitemap_index.xml", capsys=capsys)
        again = list(site.requests)
    assert first == 0 and second == 0, output
    pages = outcomes(output)
    assert Counter(pages.values()) == Counter({"unchanged": 7, "skipped": 1})
    articles_asked = [r for r in again if r.path in ARTICLES]
    # no article body came down again: a conditional request answered 304, or, for a page whose
    # sitemap lastmod did not change, no request at all
    assert {r.status for r in articles_asked} == {304}
    assert all("If-None-Match" in r.headers for r in articles_asked)
    assert {r.path for r in articles_asked} == set(ARTICLES) - {
        "/laodong/3105.html", "/laodong/3104.html", "/plus/view.php?aid=518"}
    assert "0 downloaded, 4 not changed since the last run, 3 read from .cache/import/" in output
    assert {p: p.read_bytes() for p in (tmp_path / "articles").rglob("*.md")} == written


def test_changed_page_is_downloaded_and_updated(tmp_path, capsys):
    with serve() as site:
        run(tmp_path, f"{site.url}/sitemap_index.xml", capsys=capsys)
        site.files["/laodong/3101.html"] = site.files["/laodong/3101.html"].replace(
            "不能低于当地最低工资标准".encode(), "不能低于当地最低工资标准(2026 年起)".encode())
        site.clear()
        code, output = run(tmp_path, f"{site.url}/sitemap_index.xml", capsys=capsys)
        downloaded = site.paths(status=200)
    assert code == 0, output
    assert outcomes(output)[f"{site.url}/laodong/3101.html"] == "updated"
    assert [p for p in downloaded if p in ARTICLES] == ["/laodong/3101.html"]


def test_listing_pages_and_their_pagination(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/laodong/", capsys=capsys)
        asked = site.paths()
    assert code == 0, output
    assert set(articles(tmp_path)) == {"劳动合同到期不续签,公司要给经济补偿吗?", "试用期被辞退,能要求赔偿吗?",
                                       "公司不交社保,员工能解除合同吗?", "加班费的计算基数怎么确定?"}
    # page 2 links back to page 1 and repeats the pinned article: each asked once all the same
    assert Counter(asked) == Counter(["/robots.txt", "/laodong/", "/laodong/page_2.html",
                                      "/laodong/3105.html", "/laodong/3104.html",
                                      "/laodong/3102.html", "/laodong/3101.html"])


def test_dedecms_listing_pages(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/a/jinrong/", capsys=capsys)
        asked = site.paths()
    assert code == 0, output
    found = articles(tmp_path)
    assert set(found) == {"朋友借钱不还,只有微信聊天记录能起诉吗?", "借给别人的钱,多久不要就要不回来了?",
                          "借条上没写利息,能要利息吗?"}
    assert Counter(asked) == Counter(["/robots.txt", "/a/jinrong/", "/a/jinrong/list_3_2.html",
                                      "/a/jinrong/list_3_1.html", "/a/jinrong/518.html",
                                      "/a/jinrong/517.html", "/a/jinrong/509.html"])
    # the related titles of 518 are the two other articles of the same import
    assert len(found["朋友借钱不还,只有微信聊天记录能起诉吗?"]["related"]) == 2
    assert all(isinstance(r, str) for r in found["朋友借钱不还,只有微信聊天记录能起诉吗?"]["related"])


def test_pbootcms_listing_pages(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/news/", capsys=capsys)
        asked = site.paths()
    assert code == 0, output
    assert set(articles(tmp_path)) == {"公司拖欠工资怎么办?劳动仲裁的流程", "工伤认定要在多长时间内申请?"}
    assert Counter(asked) == Counter(["/robots.txt", "/news/", "/news_2/", "/news/76.html", "/news/77.html"])


def test_wordpress_category_archive(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/category/hunyin/", capsys=capsys)
        asked = site.paths()
    assert code == 0, output
    assert set(articles(tmp_path)) == {"离婚时婚前买的房子怎么分?", "劳动合同到期不续签,公司要给经济补偿吗?"}
    assert Counter(asked) == Counter(["/robots.txt", "/category/hunyin/", "/category/hunyin/page/2/",
                                      "/?p=41", "/laodong/3105.html"])


def test_include_and_limit(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/sitemap_index.xml", "--include", r"/laodong/",
                           "--limit", "2", capsys=capsys)
        asked = site.paths()
    assert code == 0, output
    assert len(articles(tmp_path)) == 2
    assert [p for p in asked if p in ARTICLES] and all(p.startswith("/laodong/") for p in asked if p in ARTICLES)
    assert len([p for p in asked if p in ARTICLES]) == 2
    assert "4 address(es) left out by --include" in output  # 3 articles and the private page


def test_rate_spaces_requests(tmp_path, capsys):
    with serve() as site:
        code = main(["import", f"{site.url}/sitemap_index.xml", "--root", str(tmp_path),
                     "--rate", "5", "--as-of", "2026-11-29"])
        times = sorted(r.at for r in site.requests)
    capsys.readouterr()
    assert code == 0
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) == 11
    # 5 a second: 0.2 s apart, whichever of the two workers asks (a little slack for the clock)
    assert min(gaps) > 0.15, gaps
    assert times[-1] - times[0] >= 10 * 0.2 - 0.05


def test_robots_crawl_delay_slows_the_rate(tmp_path, capsys):
    with serve(robots="User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n") as site:
        code, output = run(tmp_path, f"{site.url}/laodong/", "--limit", "1", capsys=capsys)
        times = [r.at for r in site.requests]
    assert code == 0, output
    assert len(times) == 3  # robots.txt, the listing, one article
    assert times[2] - times[1] > 0.9  # --rate 50 asked for, the site's Crawl-delay wins


def test_retry_after_is_honoured(tmp_path, capsys):
    answers = []

    def busy_once(handler):
        if not answers:
            answers.append(time.monotonic())
            handler.answered = 429
            handler.send_response(429)
            handler.send_header("Retry-After", "1")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        answers.append(time.monotonic())
        body = site.files["/laodong/3101.html"]
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with serve(handlers={"/laodong/3101.html": busy_once}) as site:
        code, output = run(tmp_path, f"{site.url}/laodong/3101.html", capsys=capsys)
    assert code == 0, output
    assert len(answers) == 2 and answers[1] - answers[0] >= 0.95
    assert "加班费的计算基数怎么确定?" in articles(tmp_path)


def test_killed_run_resumes_without_refetching(tmp_path, capsys):
    stalled = threading.Event()
    release = threading.Event()

    def stall(handler):  # the fifth article: the run is killed while waiting for it
        stalled.set()
        release.wait(20)
        handler.answered = 503
        handler.send_error(503)

    with serve(handlers={"/?p=41": stall}) as site:
        command = [sys.executable, "-m", "guidebuilder", "import", f"{site.url}/sitemap_index.xml",
                   "--root", str(tmp_path), "--rate", "50", "--as-of", "2026-11-29"]
        process = subprocess.Popen(command, cwd=REPO, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert stalled.wait(60)
            # let the other worker keep the page it is on: every page sent is in the cache
            pages = tmp_path / ".cache" / "import" / "pages"
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                sent = [p for p in site.paths(status=200) if p in ARTICLES]
                if sent and len(list(pages.glob("*.page"))) >= len(sent):
                    break
                time.sleep(0.05)
            process.kill()
            process.wait(10)
        finally:
            release.set()
        had = [p for p in site.paths(status=200) if p in ARTICLES]
        assert not list((tmp_path / "articles").rglob("*.md"))  # killed before writing anything
        assert not list(tmp_path.rglob("*.part"))
        del site.handlers["/?p=41"]
        site.clear()
        code, output = run(tmp_path, f"{site.url}/sitemap_index.xml", capsys=capsys)
        asked_again = [p for p in site.paths() if p in ARTICLES]
    assert code == 0, output
    # pages without a sitemap lastmod too: the interrupted run's journal vouches for them
    assert {"/laodong/3102.html", "/laodong/3101.html"} <= set(had)
    assert not set(had) & set(asked_again)
    assert set(had) | set(asked_again) == set(ARTICLES)
    assert len(articles(tmp_path)) == len(ARTICLES)


# --- bad input: each ends with a line in the report, exit 1, nothing written ------------------

def assert_nothing_imported(root: Path, code: int, output: str) -> None:
    assert code == 1, output
    assert "Traceback" not in output
    assert not (root / "articles").exists() or not list((root / "articles").rglob("*.md"))
    assert not list(root.rglob("*.part"))


def redirect(to: str, status: int = 302):
    def answer(handler):
        handler.answered = status
        handler.send_response(status)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


def sitemap_of(*urls: str):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"  <url><loc>{u}</loc></url>\n" for u in urls) + "</urlset>\n").encode()

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


def test_redirect_loop(tmp_path, capsys):
    loop = {"/loop/a.html": redirect("/loop/b.html"), "/loop/b.html": redirect("/loop/a.html")}
    with serve(handlers=loop) as site:
        code, output = run(tmp_path, f"{site.url}/loop/a.html", capsys=capsys)
        asked = site.paths()
    assert_nothing_imported(tmp_path, code, output)
    assert f"{site.url}/loop/a.html: failed" in output
    assert (f"redirect loop: {site.url}/loop/a.html -> {site.url}/loop/b.html -> "
            f"{site.url}/loop/a.html") in output
    assert asked == ["/robots.txt", "/loop/a.html", "/loop/b.html"]


def test_page_that_never_finishes_is_given_up(tmp_path, capsys):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<!DOCTYPE html><html><body><p>")
        for _ in range(300):  # 30 s at most, if the client never hung up
            handler.wfile.write("很".encode())
            handler.wfile.flush()
            time.sleep(0.1)

    with serve(handlers={"/slow.html": trickle}) as site:
        started = time.monotonic()
        code = main(["import", f"{site.url}/slow.html", "--root", str(tmp_path), "--timeout", "1"])
        took = time.monotonic() - started
        output = capsys.readouterr().out
    assert_nothing_imported(tmp_path, code, output)
    assert f"{site.url}/slow.html: failed" in output
    assert "it did not finish within 1 s; given up" in output
    assert took < 15


def huge_page(with_length: bool):
    size = 50 * 1024 * 1024

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        if with_length:
            handler.send_header("Content-Length", str(size))
        handler.end_headers()
        chunk = b"<p>" + "很长的页面。".encode() * 5000 + b"</p>\n"
        sent = 0
        while sent < size:
            handler.wfile.write(chunk)
            sent += len(chunk)
    return answer


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "no-length"])
def test_50_mb_page_is_capped(tmp_path, capsys, with_length):
    with serve(handlers={"/huge.html": huge_page(with_length)}) as site:
        code, output = run(tmp_path, f"{site.url}/huge.html", capsys=capsys)
    assert_nothing_imported(tmp_path, code, output)
    assert f"{site.url}/huge.html: failed" in output
    if with_length:
        assert "it is 50.0 MB, more than the 10.0 MB allowed; not read" in output
    else:
        assert "it is more than 10.0 MB; not read to the end" in output
    assert not list((tmp_path / ".cache").rglob("*.page"))


def pdf(handler):
    body = b"%PDF-1.7\n" + b"0" * 2000
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_non_html_response(tmp_path, capsys):
    with serve(handlers={"/files/guide.pdf": pdf}) as site:
        handlers = {"/pdf-sitemap.xml": sitemap_of(f"{site.url}/files/guide.pdf")}
        site.handlers.update(handlers)
        code, output = run(tmp_path, f"{site.url}/pdf-sitemap.xml", capsys=capsys)
        direct, direct_output = run(tmp_path, f"{site.url}/files/guide.pdf", capsys=capsys)
    assert_nothing_imported(tmp_path, code, output)
    assert f"{site.url}/files/guide.pdf: failed" in output
    assert "not an HTML page (application/pdf); not imported" in output
    assert_nothing_imported(tmp_path, direct, direct_output)
    assert "neither a sitemap nor an HTML page (application/pdf)" in direct_output


def test_sitemap_pointing_at_other_hosts(tmp_path, capsys):
    with serve() as elsewhere, serve() as site:
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        site.handlers["/sitemap.xml"] = sitemap_of(f"{other}/laodong/3101.html",
                                                   f"{elsewhere.url}/laodong/3102.html",
                                                   "https://elsewhere.invalid/a/518.html",
                                                   f"{site.url}/moved.html")
        site.handlers["/moved.html"] = redirect(f"{elsewhere.url}/laodong/3104.html", 301)
        code, output = run(tmp_path, f"{site.url}/sitemap.xml", capsys=capsys)
        asked_elsewhere = elsewhere.paths()
    assert_nothing_imported(tmp_path, code, output)
    assert asked_elsewhere == []
    pages = outcomes(output)
    assert pages == {f"{other}/laodong/3101.html": "skipped",
                     f"{elsewhere.url}/laodong/3102.html": "skipped",
                     "https://elsewhere.invalid/a/518.html": "skipped",
                     f"{site.url}/moved.html": "failed"}
    port = elsewhere.url.rsplit(":", 1)[1]
    assert f"on another host (localhost:{port}); not asked (give --allow-host localhost:{port}" in output
    assert "on another host (elsewhere.invalid)" in output
    assert (f"redirected to {elsewhere.url}/laodong/3104.html, which is on another host "
            f"(127.0.0.1:{port})") in output


def test_allow_host_lets_a_named_host_in(tmp_path, capsys):
    with serve() as elsewhere, serve() as site:
        port = elsewhere.url.rsplit(":", 1)[1]
        site.handlers["/sitemap.xml"] = sitemap_of(f"{elsewhere.url}/laodong/3101.html")
        code, output = run(tmp_path, f"{site.url}/sitemap.xml", "--allow-host", f"127.0.0.1:{port}",
                           capsys=capsys)
        asked_elsewhere = elsewhere.paths()
    assert code == 0, output
    # the other host's robots.txt is read and obeyed too
    assert asked_elsewhere == ["/robots.txt", "/laodong/3101.html"]
    assert "加班费的计算基数怎么确定?" in articles(tmp_path)


def test_robots_txt_disallowing_everything(tmp_path, capsys):
    with serve(robots="User-agent: *\nDisallow: /\n") as site:
        code, output = run(tmp_path, f"{site.url}/sitemap_index.xml", capsys=capsys)
        asked = site.paths()
    assert_nothing_imported(tmp_path, code, output)
    assert asked == ["/robots.txt"]
    assert f"{site.url}/sitemap_index.xml: failed" in output
    assert "robots.txt asks robots to keep out of it; not asked" in output


def test_unreachable_host(tmp_path, capsys):
    from website import closed_port

    port = closed_port()
    code, output = run(tmp_path, f"http://127.0.0.1:{port}/sitemap.xml", capsys=capsys)
    assert_nothing_imported(tmp_path, code, output)
    assert f"http://127.0.0.1:{port}/sitemap.xml: failed" in output
    assert f"cannot reach 127.0.0.1:{port}" in output
    assert output.endswith("\n")


def test_article_images_are_fetched_checked_and_linked(tmp_path, capsys):
    import io

    from PIL import Image

    def image_bytes(kind: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 30, 30)).save(out, kind)
        return out.getvalue()

    def serve_bytes(data: bytes, content_type: str):
        def answer(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        return answer

    figures = ('<p>缴费记录可以在社保平台查询:</p>\n'
               '<p><img src="/zb_users/upload/2025/04/chart.png" alt="社保缴费记录"></p>\n'
               '<p>或者在手机上查询<img src="../zb_users/upload/2025/04/phone.jpg" alt="手机截图">。</p>\n'
               '<p><img src="/zb_users/upload/fake.png" alt="假图片"></p>\n'
               '<p><img src="/zb_users/upload/big.png" alt="太大的图片"></p>\n'
               '<p><img src="https://elsewhere.invalid/logo.png" alt="别处的图片"></p>\n')
    handlers = {
        "/zb_users/upload/2025/04/chart.png": serve_bytes(image_bytes("PNG"), "image/png"),
        "/zb_users/upload/2025/04/phone.jpg": serve_bytes(image_bytes("JPEG"), "application/octet-stream"),
        "/zb_users/upload/fake.png": serve_bytes(b"<html><body>not found</body></html>", "image/png"),
        "/zb_users/upload/big.png": serve_bytes(b"\x89PNG" + b"0" * (6 * 1024 * 1024), "image/png"),
    }
    with serve(handlers=handlers) as site:
        page = site.files["/laodong/3102.html"].decode("utf-8")
        site.files["/laodong/3106.html"] = page.replace(
            "<h2>二、解除前先留好证据</h2>", figures + "<h2>二、解除前先留好证据</h2>").encode("utf-8")
        code, output = run(tmp_path, f"{site.url}/laodong/3106.html", capsys=capsys)
        asked = site.paths()
        site.clear()
        again, again_output = run(tmp_path, f"{site.url}/laodong/3106.html", capsys=capsys)
        asked_again = site.paths()
    assert code == 0, output
    article = next((tmp_path / "articles").rglob("*.md"))
    text = article.read_text(encoding="utf-8")
    stem = article.stem
    assert f"![社保缴费记录](images/{stem}-1.png)" in text
    assert f"或者在手机上查询![手机截图](images/{stem}-2.jpg)。" in text
    assert "假图片" not in text and "太大的图片" not in text and "elsewhere" not in text
    images = sorted(p.name for p in (article.parent / "images").iterdir())
    assert images == [f"{stem}-1.png", f"{stem}-2.jpg"]
    assert "fake.png not imported: not an image Pillow can read" in output
    assert "big.png not imported: it is 6.0 MB, more than the 5.0 MB allowed; not read" in output
    assert "logo.png not imported: on another host (elsewhere.invalid)" in output
    assert "elsewhere" not in "".join(asked)
    # the second run has the images: it asks for none of them, and the article is unchanged
    assert again == 0 and "3106.html: unchanged" in again_output
    assert not [p for p in asked_again if p.startswith("/zb_users/upload/2025/")]


def answer_status(status: int, retry_after: str | None = None, log: list | None = None):
    def answer(handler):
        if log is not None:
            log.append(time.monotonic())
        handler.answered = status
        handler.send_response(status)
        if retry_after is not None:
            handler.send_header("Retry-After", retry_after)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


def test_server_errors_are_retried_then_given_up(tmp_path):
    from guidebuilder.importer.fetch import FetchPolicy
    from guidebuilder.importer.web import WebOptions, fetch_sites

    asked: list[float] = []
    with serve(handlers={"/laodong/3101.html": answer_status(503, log=asked)}) as site:
        options = WebOptions(policy=FetchPolicy(rate=50, retries=2, backoff=0.1, timeout=5))
        batch = fetch_sites([f"{site.url}/laodong/3101.html"], tmp_path / "cache", options)
    assert [(r.source, r.outcome) for r in batch.reports] == [(f"{site.url}/laodong/3101.html", "failed")]
    assert batch.reports[0].problems[0].message == \
        "the site answered 503 Service Unavailable 3 times; given up"
    assert len(asked) == 3
    # 0.1 s, then 0.2 s: the pause doubles
    assert asked[1] - asked[0] >= 0.09 and asked[2] - asked[1] >= 0.19


def test_retry_after_longer_than_allowed_gives_up_at_once(tmp_path, capsys):
    with serve(handlers={"/laodong/3101.html": answer_status(429, retry_after="3600")}) as site:
        started = time.monotonic()
        code, output = run(tmp_path, f"{site.url}/laodong/3101.html", capsys=capsys)
        took = time.monotonic() - started
    assert_nothing_imported(tmp_path, code, output)
    assert "the site answered 429 and asks to wait 3600 s, longer than 120 s; given up" in output
    assert took < 10


@pytest.mark.parametrize("body, message", [
    (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<urlset><url><loc>&lol;</loc></url></urlset>',
     "the sitemap declares a DTD or entities; not read"),
    (b'<?xml version="1.0"?>\n<urlset>\n<url><loc>x</loc>\n</urlset>',
     "line 4: not a readable sitemap: mismatched tag: line 4, column 2"),
    (b'<?xml version="1.0"?>\n<rss><channel></channel></rss>',
     "not a sitemap: its root element is <rss>, not <urlset> or <sitemapindex>"),
], ids=["entities", "broken", "rss"])
def test_unreadable_sitemaps(tmp_path, capsys, body, message):
    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with serve(handlers={"/sitemap.xml": answer}) as site:
        code, output = run(tmp_path, f"{site.url}/sitemap.xml", capsys=capsys)
    assert_nothing_imported(tmp_path, code, output)
    assert f"{site.url}/sitemap.xml: failed" in output
    assert message in output


@pytest.mark.parametrize("option, message", [
    (["--rate", "0"], "argument --rate: '0' is not a positive number"),
    (["--include", "(劳动"], "argument --include: '(劳动' is not a regular expression"),
    (["--limit", "-3"], "argument --limit: '-3' is not a number (1, 2, ...)"),
], ids=["rate", "include", "limit"])
def test_bad_options_are_refused_before_any_request(tmp_path, capsys, option, message):
    with serve() as site:
        with pytest.raises(SystemExit) as exit_:
            main(["import", f"{site.url}/sitemap_index.xml", "--root", str(tmp_path), *option])
        asked = site.paths()
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert asked == []


def test_not_a_web_address(tmp_path):
    from conftest import run_cli

    captured = run_cli("import", "http:///sitemap.xml", cwd=tmp_path)
    assert captured.returncode == 1
    assert captured.stderr == "http:///sitemap.xml: not a web address (http:// or https://)\n"


def test_listing_pages_in_a_sitemap_are_not_articles(tmp_path, capsys):
    with serve() as site:
        site.handlers["/sitemap.xml"] = sitemap_of(f"{site.url}/laodong/", f"{site.url}/a/jinrong/",
                                                   f"{site.url}/news/", f"{site.url}/laodong/3101.html")
        code, output = run(tmp_path, f"{site.url}/sitemap.xml", capsys=capsys)
    assert code == 0, output
    assert set(articles(tmp_path)) == {"加班费的计算基数怎么确定?"}
    pages = outcomes(output)
    assert pages == {f"{site.url}/laodong/": "skipped", f"{site.url}/a/jinrong/": "skipped",
                     f"{site.url}/news/": "skipped", f"{site.url}/laodong/3101.html": "new"}
    # by its template (tpure, DedeCMS), or, failing to be an article, by its pagination (PbootCMS)
    assert f"{site.url}/laodong/: a listing page (3 article link(s)), not an article" in output
    assert f"{site.url}/news/: a listing page (1 article link(s)), not an article" in output


def test_proxy_settings_do_not_send_requests_elsewhere(tmp_path, capsys, monkeypatch):
    with serve() as proxy, serve() as site:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        code, output = run(tmp_path, f"{site.url}/laodong/3101.html", capsys=capsys)
        asked_proxy = proxy.paths()
    assert code == 0, output
    assert asked_proxy == []


@pytest.mark.parametrize("saved, content_type", [
    ("tpure/3105-gbk.html", "text/html"),
    ("tpure/3105-gbk-nocharset.html", "text/html; charset=gbk"),
    ("dedecms/518-gbk-nocharset.html", "text/html"),
], ids=["meta-charset", "no-meta", "dedecms-no-meta"])
def test_gbk_pages_from_the_site(tmp_path, capsys, saved, content_type):
    data = (REPO / "tests/pages/cms" / saved).read_bytes()

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    with serve(handlers={"/gbk.html": answer}) as site:
        code, output = run(tmp_path, f"{site.url}/gbk.html", capsys=capsys)
    assert code == 0, output
    assert set(articles(tmp_path)) & {"劳动合同到期不续签,公司要给经济补偿吗?", "朋友借钱不还,只有微信聊天记录能起诉吗?"}
    assert "gb" in re.search(r"read as (\S+)", output).group(1).lower()


def test_missing_page_is_reported_and_the_others_imported(tmp_path, capsys):
    with serve() as site:
        site.handlers["/sitemap.xml"] = sitemap_of(f"{site.url}/laodong/3101.html",
                                                   f"{site.url}/laodong/gone.html")
        code, output = run(tmp_path, f"{site.url}/sitemap.xml", "--report",
                           str(tmp_path / "report.json"), capsys=capsys)
    assert code == 1
    assert outcomes(output) == {f"{site.url}/laodong/3101.html": "new",
                                f"{site.url}/laodong/gone.html": "failed"}
    assert f"{site.url}/laodong/gone.html: the site answered 404 Not Found" in output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["failures"] == {"error answer from the site": [f"{site.url}/laodong/gone.html"]}


def test_category_for_fetched_pages_that_do_not_say_theirs(tmp_path, capsys):
    with serve() as site:
        page = site.files["/laodong/3101.html"].decode("utf-8")
        start = page.index('<div class="sitemap">')
        end = page.index("</div>", start) + len("</div>")
        site.files["/nocat/3101.html"] = (page[:start] + page[end:]).replace(
            '<span class="cate"><a href="' + site.url + '/laodong/" target="_blank">劳动纠纷</a></span>', "").encode()
        refused, refused_output = run(tmp_path, f"{site.url}/nocat/3101.html", capsys=capsys)
        code, output = run(tmp_path, f"{site.url}/nocat/3101.html", "--category", "用工指南", capsys=capsys)
    assert refused == 1 and "no category found" in refused_output
    assert code == 0, output
    assert articles(tmp_path)["加班费的计算基数怎么确定?"]["category"] == "用工指南"


def test_saved_files_and_the_site_in_one_run(tmp_path, capsys):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "518.html").write_bytes((REPO / "tests/pages/cms/dedecms/518.html").read_bytes())
    with serve() as site:
        code, output = run(tmp_path, str(saved), f"{site.url}/laodong/", capsys=capsys)
    assert code == 0, output
    assert len(articles(tmp_path)) == 5
    assert output.index(f"{saved / '518.html'}: new") < output.index(f"{site.url}/laodong/3105.html: new")


def test_limit_stops_following_listing_pages(tmp_path, capsys):
    with serve() as site:
        code, output = run(tmp_path, f"{site.url}/laodong/", "--limit", "2", capsys=capsys)
        asked = site.paths()
    assert code == 0, output
    assert len(articles(tmp_path)) == 2
    assert "/laodong/page_2.html" not in asked  # page 1 lists enough
