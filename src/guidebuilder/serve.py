"""`guidebuilder serve`: the guides as web pages, following every saved change.

A standard-library HTTP server on 127.0.0.1 (loopback only, unless --host says otherwise).
Each page carries the project's fingerprint (`preview_pages.project_stamp`); a small script
asks `/__stamp` every 0.7 s and reloads the page, keeping its scroll position, when the
fingerprint has changed. Nothing is cached across a change, so there is nothing to restart.

Articles are untrusted, so the server answers only for its own pages, article images inside
`articles/` (known by their content) and the guide's PDF, which it builds on demand into
`.cache/preview/` and keeps until a file changes. Pages forbid scripts other than its own
(Content-Security-Policy), and a request naming another host is refused (DNS rebinding).
"""

from __future__ import annotations

import re
import shutil
import threading
from dataclasses import dataclass
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .build import build
from .errors import GuideError
from .images import image_kind
from .preview_pages import Page, PreviewSite, guide_page, html_document, index_page, problem_list
from .sanitize import IMAGE_TYPES

LOOPBACK = "127.0.0.1"
POLL_SECONDS = 0.7
PAGE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
               "script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
               "frame-ancestors 'none'")
IMAGE_TYPES_BY_KIND = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                       "WEBP": "image/webp", "SVG": "image/svg+xml"}
RELOAD_SCRIPT = f"""\
(function () {{
  var stamp = document.documentElement.getAttribute("data-stamp");
  var key = "gb-scroll:" + location.pathname + location.search;
  var kept = sessionStorage.getItem(key);
  if (kept !== null) {{ sessionStorage.removeItem(key); window.scrollTo(0, parseInt(kept, 10)); }}
  function poll() {{
    fetch("/__stamp", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }})
      .then(function (now) {{
        if (now.trim() !== stamp) {{
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
        }} else {{ setTimeout(poll, {int(POLL_SECONDS * 1000)}); }}
      }}, function () {{ setTimeout(poll, 2000); }});
  }}
  setTimeout(poll, {int(POLL_SECONDS * 1000)});
  var picker = document.querySelector(".gb-edition select");
  if (picker) {{ picker.addEventListener("change", function () {{ picker.form.submit(); }}); }}
}})();
"""
_GUIDE_PATH = re.compile(r"^/guide/([A-Za-z0-9_.-]+)(?:/|/(pdf)|/(sources)|/part/([^/]+)|/article/([^/]+))?$")


@dataclass
class PdfCache:
    """The last PDF built for each guide and edition, and the stamp it was built at."""

    folder: Path
    lock: threading.Lock
    built: dict[tuple[str, str | None], tuple[str, Path]]


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str = LOOPBACK, port: int = 8000) -> None:
        self.site = PreviewSite(root)
        self.pdfs = PdfCache(root / ".cache" / "preview", threading.Lock(), {})
        self.loopback_only = host in (LOOPBACK, "localhost", "::1")
        super().__init__((host, port), PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "guidebuilder-preview"

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for problems
        pass

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"wrong host\n", "text/plain; charset=utf-8")
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        edition = (parse_qs(parts.query).get("edition") or [None])[0] or None
        site = self.server.site
        try:
            if path == "/__stamp":
                self._send(HTTPStatus.OK, site.snapshot().stamp.encode(), "text/plain")
            elif path == "/__preview.js":
                self._send(HTTPStatus.OK, RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
            elif path == "/":
                snapshot = site.snapshot()
                self._page(index_page(snapshot), snapshot.stamp)
            elif path.startswith("/articles/"):
                self._image(path.removeprefix("/articles/"))
            elif match := _GUIDE_PATH.match(path):
                name, pdf, sources, part, article = match.groups()
                if pdf:
                    self._pdf(name, edition)
                    return
                view, key = (("sources", None) if sources else ("part", part) if part else
                             ("article", article) if article else ("contents", None))
                snapshot = site.snapshot()
                page = guide_page(site, snapshot, name, view, key, edition)
                if page is None:
                    self._not_found(snapshot.stamp)
                else:
                    self._page(page, snapshot.stamp)
            else:
                self._not_found(site.snapshot().stamp)
        except GuideError as exc:  # a theme template error, for one: shown, not a crash
            snapshot = site.snapshot()
            self._page(Page("错误", problem_list(exc.problems)), snapshot.stamp,
                       HTTPStatus.INTERNAL_SERVER_ERROR)
        except (BrokenPipeError, ConnectionResetError):  # the browser went away
            pass
        except Exception as exc:  # noqa: BLE001 — a bug of ours: said in the page, the server lives on
            message = (f"internal error: {exc.__class__.__name__}: {exc} (please report it)")
            self._page(Page("错误", f'<section class="gb-problems"><h2>{escape(message)}</h2>'
                                    '</section>'), site.snapshot().stamp,
                       HTTPStatus.INTERNAL_SERVER_ERROR)

    def _host_allowed(self) -> bool:
        if not self.server.loopback_only:
            return True
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("127.0.0.1", "localhost", "::1")

    def _send(self, status: HTTPStatus, data: bytes, kind: str, policy: str = PAGE_POLICY,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _page(self, page: Page, stamp: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, html_document(page, stamp).encode("utf-8"), "text/html; charset=utf-8")

    def _not_found(self, stamp: str) -> None:
        self._page(Page("没有这个页面", '<h1>没有这个页面</h1><p><a href="/">全部指南</a></p>'),
                   stamp, HTTPStatus.NOT_FOUND)

    def _image(self, relative: str) -> None:
        """An article image: a file inside articles/, of an image type by name and content."""
        articles = (self.server.site.root / "articles").resolve()
        target = (articles / relative).resolve()
        kind = None
        if target.is_relative_to(articles) and target.suffix.lower() in IMAGE_TYPES and target.is_file():
            kind = image_kind(target)
        if kind is None:
            self._not_found(self.server.site.snapshot().stamp)
            return
        self._send(HTTPStatus.OK, target.read_bytes(), IMAGE_TYPES_BY_KIND[kind],
                   policy="default-src 'none'; style-src 'unsafe-inline'")

    def _pdf(self, name: str, edition: str | None) -> None:
        """The guide's real PDF, built when first asked for after a change, then kept."""
        site, cache = self.server.site, self.server.pdfs
        with cache.lock:
            stamp = site.snapshot().stamp
            kept = cache.built.get((name, edition))
            if kept is None or kept[0] != stamp or not kept[1].is_file():
                try:
                    outputs, _ = build(site.root, [name], ["pdf"], cache.folder / stamp,
                                       edition=edition)
                except GuideError as exc:
                    self._page(Page("PDF", f"<h1>PDF 无法生成</h1>{problem_list(exc.problems)}"),
                               stamp, HTTPStatus.UNPROCESSABLE_ENTITY)
                    return
                wanted = f"{name}-{edition}.pdf" if edition else f"{name}.pdf"
                kept = (stamp, next(p for p in outputs if p.name == wanted))
                cache.built[(name, edition)] = kept
                current = {s for s, _ in cache.built.values()}
                for folder in cache.folder.iterdir():  # PDFs of earlier versions
                    if folder.is_dir() and folder.name not in current:
                        shutil.rmtree(folder, ignore_errors=True)
            data = kept[1].read_bytes()
        filename = kept[1].name
        self._send(HTTPStatus.OK, data, "application/pdf", policy="default-src 'none'",
                   extra={"Content-Disposition": f'inline; filename="{filename}"'})


def serve(root: Path, host: str = LOOPBACK, port: int = 8000, ready=print) -> None:
    """Serve until interrupted; `ready(message)` is told the address once it is listening."""
    try:
        server = PreviewServer(root, host, port)
    except OSError as exc:
        raise GuideError(f"cannot listen on {host}:{port}: {exc.strerror} "
                         "(another preview running? try --port 8001)") from None
    with server:
        try:
            ready(f"Previewing {root} at {server.url}  (save a file and the page follows; "
                  "Ctrl+C to stop)")
            server.serve_forever(poll_interval=0.5)
        except KeyboardInterrupt:  # the usual way to stop it: not an error
            ready("Preview stopped.")

