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
import yaml

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
        code, output = run(tmp_path, f"{site.url}/sitemap_index.xml", "--report", str(tmp_path / "report.json"),
                           capsys=capsys)
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
    assert agents == {f"guidebuilder/{__version__} (article import; +https://pypi.org/project/guidebuilder/)"}
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
            time.sleep(0.3)  # let the other worker finish the page it is on
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
