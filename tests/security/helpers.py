"""What the security tests share: a secret planted outside the project, a loopback server that
counts requests, a way to look for the secret in every byte and decoded stream of a book, and
a way to run the command line in a child process held to a memory and time limit."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
from PIL import Image

MARKER = "LEAKED-c41f9e2b"
MEMORY_LIMIT = 3 * 1024**3  # address space of one run, bytes
TIME_LIMIT = 240  # seconds of one run (wall clock, through the subprocess timeout)


def secret_jpeg() -> bytes:
    """A real JPEG with the marker in a comment: WeasyPrint embeds JPEG bytes as they are, so
    a JPEG read from outside the project would carry the marker into the PDF."""
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(out, format="JPEG", comment=MARKER.encode())
    return out.getvalue()


def plant_secrets(folder: Path) -> Path:
    """Secret files outside the project, each holding the marker."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.jpg").write_bytes(secret_jpeg())
    (folder / "secret.txt").write_text(MARKER, encoding="utf-8")
    (folder / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="0" y="20">'
        f"{MARKER}</text></svg>", encoding="utf-8")
    (folder / "secret.css").write_text(f'body::after {{ content: "{MARKER}" }}', encoding="utf-8")
    return folder


def pdf_leaks(path: Path) -> list[str]:
    """Where the marker is in a PDF: raw bytes, any decoded stream, any page's text."""
    found = []
    if MARKER.encode() in path.read_bytes():
        found.append("raw bytes")
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                for reader in (obj.read_raw_bytes, obj.read_bytes):
                    try:
                        if MARKER.encode() in reader():
                            found.append(f"stream {obj.objgen}")
                    except pikepdf.PdfError:
                        pass
    document = pypdfium2.PdfDocument(path)
    try:
        for index in range(len(document)):
            if MARKER in document[index].get_textpage().get_text_range():
                found.append(f"text of page {index + 1}")
    finally:
        document.close()
    return found


def epub_leaks(path: Path, *words: str) -> list[str]:
    """Entries of an EPUB holding the marker or any of `words`."""
    found = []
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            data = book.read(name)
            for word in (MARKER, *words):
                if word.encode() in data:
                    found.append(f"{name}: {word}")
    return found


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT))


def run_limited(*args: str, cwd: Path, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """The command line in a child process with at most MEMORY_LIMIT of address space and
    TIME_LIMIT seconds; running past the time is a test failure (TimeoutExpired)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "guidebuilder", *args], cwd=cwd, env=env,
                          stdin=stdin, capture_output=True, text=True, timeout=TIME_LIMIT,
                          preexec_fn=_limits)


def assert_located(result: subprocess.CompletedProcess, where: str) -> None:
    """Exit status 1, the problem located at `where` (path, or path:line), no traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert any(line.startswith(where) for line in result.stderr.splitlines()), result.stderr[-2000:]


class LoopbackServer:
    """A web server on 127.0.0.1 that counts the requests it gets."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                self.wfile.write(secret_jpeg())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def svg(inner: str, head: str = "") -> str:
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">{inner}</svg>')
