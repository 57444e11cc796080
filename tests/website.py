"""A small website on 127.0.0.1 for the import tests: the pages under tests/pages/site/ and the
CMS pages under tests/pages/cms/, with `{SITE}` (and the CMS pages' own host) replaced by the
server's address, ETag/Last-Modified answers to conditional requests, and a log of every request.
Misbehaving addresses (a redirect loop, a page that never ends, ...) are added per test."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

PAGES = Path(__file__).parent / "pages"
CMS_HOST = "https://www.mingheng-law.example"
LAST_MODIFIED = "Sat, 03 May 2025 01:12:00 GMT"

# address -> the file it serves, as the firm's site would
ROUTES = {
    "/robots.txt": "site/robots.txt",
    "/sitemap_index.xml": "site/sitemap_index.xml",
    "/sitemap-laodong.xml": "site/sitemap-laodong.xml",
    "/sitemap-other.xml.gz": "site/sitemap-other.xml",
    "/laodong/": "site/laodong/index.html",
    "/laodong/page_2.html": "site/laodong/page_2.html",
    "/laodong/3101.html": "site/laodong/3101.html",
    "/laodong/3102.html": "site/laodong/3102.html",
    "/laodong/3104.html": "site/laodong/3104.html",
    "/laodong/3105.html": "cms/tpure/3105.html",
    "/private/3103.html": "site/private/3103.html",
    "/plus/view.php?aid=518": "cms/dedecms/518.html",
    "/?p=41": "cms/wordpress/fangchan-fenge.html",
    "/news/76.html": "cms/pbootcms/76.html",
    # DedeCMS's static list pages: list_3_1.html is the first page under its own name
    "/a/jinrong/": "site/a/jinrong/index.html",
    "/a/jinrong/list_3_1.html": "site/a/jinrong/index.html",
    "/a/jinrong/list_3_2.html": "site/a/jinrong/list_3_2.html",
    "/a/jinrong/518.html": "cms/dedecms/518.html",
    "/a/jinrong/517.html": "site/a/jinrong/517.html",
    "/a/jinrong/509.html": "site/a/jinrong/509.html",
    # PbootCMS: its list pages are /news/, /news_2/, ...
    "/news/": "site/news/index.html",
    "/news_2/": "site/news/page_2.html",
    "/news/77.html": "site/news/77.html",
    # WordPress (Twenty Twenty-One) category archive, two pages
    "/category/hunyin/": "site/category/hunyin/index.html",
    "/category/hunyin/page/2/": "site/category/hunyin/page-2.html",
}
ARTICLES = ["/laodong/3105.html", "/laodong/3104.html", "/laodong/3102.html", "/laodong/3101.html",
            "/plus/view.php?aid=518", "/?p=41", "/news/76.html"]


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived
    status: int = 0


Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Site:
    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self, status: int | None = None) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests if status is None or r.status == status]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


def _content_type(path: str) -> str:
    if path.endswith(".gz"):
        return "application/gzip"
    if path.endswith(".xml"):
        return "application/xml"
    if path.endswith(".txt"):
        return "text/plain; charset=utf-8"
    return "text/html; charset=utf-8"


@contextmanager
def serve(robots: str | None = None, handlers: dict[str, Handler] | None = None):
    site = Site(handlers=dict(handlers or {}))

    class Answer(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            arrived = time.monotonic()
            status = self._answer()
            with site.lock:
                site.requests.append(Request(self.path, dict(self.headers.items()), arrived, status))

        def _answer(self) -> int:
            if self.path in site.handlers:
                try:
                    site.handlers[self.path](self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return getattr(self, "answered", 200)
            body = site.files.get(self.path)
            if body is None:
                self.send_error(404)
                return 404
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            asked_etag = self.headers.get("If-None-Match")
            if asked_etag == etag or (asked_etag is None and
                                      self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return 304
            self.send_response(200)
            self.send_header("Content-Type", _content_type(self.path))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(body)
            return 200

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    for path, relative in ROUTES.items():
        text = (PAGES / relative).read_text(encoding="utf-8")
        data = text.replace("{SITE}", site.url).replace(CMS_HOST, site.url).encode("utf-8")
        site.files[path] = gzip.compress(data, mtime=0) if path.endswith(".gz") else data
    if robots is not None:
        site.files["/robots.txt"] = robots.encode("utf-8")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
