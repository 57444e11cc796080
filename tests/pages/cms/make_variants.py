"""Regenerate the saved-page variants of each CMS test page from its UTF-8 original:
GBK with its charset declared, GBK with no charset, Chrome's MHTML ("single file"), and
Chrome's "Webpage, Complete" (the page, with a `saved from` comment and its resources' links
pointing into a `<name>_files/` folder beside it).

    python tests/pages/cms/make_variants.py
"""

from __future__ import annotations

import quopri
import re
from pathlib import Path

HERE = Path(__file__).parent
_CHARSET = re.compile(r'(<meta[^>]*charset=)["\']?utf-8["\']?', re.I)
_BOUNDARY = "----MultipartBoundary--guidebuilderTestPage----"


def gbk(html: str, declared: bool) -> bytes:
    if declared:
        html = _CHARSET.sub(r"\1gbk", html, count=1)
    else:
        html = re.sub(r"<meta[^>]*charset=[^>]*>\n?", "", html, count=1, flags=re.I)
    return html.encode("gbk", errors="xmlcharrefreplace")  # as a GBK site writes &copy; etc.


def mhtml(html: str, url: str) -> bytes:
    body = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    return (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {url}\r\n"
        "Subject: =?utf-8?Q?saved_page?=\r\n"
        "Date: Sun, 29 Nov 2026 10:00:00 +0800\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n'
        f'\tboundary="{_BOUNDARY}"\r\n\r\n\r\n'
        f"--{_BOUNDARY}\r\n"
        "Content-Type: text/html\r\n"
        "Content-ID: <frame-0@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {url}\r\n\r\n"
        f"{body.replace(chr(10), chr(13) + chr(10))}\r\n\r\n"
        f"--{_BOUNDARY}\r\n"
        "Content-Type: image/png\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Location: https://www.mingheng-law.example/logo.png\r\n\r\n"
        "iVBORw0KGgo=\r\n\r\n"
        f"--{_BOUNDARY}--\r\n").encode("ascii")


_RESOURCE = re.compile(r'(<(?:link|script|img)\b[^>]*?\b(?:href|src)=")((?:https?://|/)[^"]+?\.(css|js|png|jpg|gif))(?:\?[^"]*)?(")')


def complete(html: str, url: str, folder: str) -> tuple[str, dict[str, bytes]]:
    """The page as "Webpage, Complete" saves it, and the files of its folder."""
    files: dict[str, bytes] = {}

    def local(match: re.Match) -> str:
        name = f"{len(files) + 1}-" + match.group(2).rsplit("/", 1)[1]
        files[name] = RESOURCES[match.group(3)]
        return f"{match.group(1)}./{folder}/{name}{match.group(4)}"

    html = _RESOURCE.sub(local, html)
    html = html.replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; '
                        'charset=UTF-8">', 1)
    return f"<!DOCTYPE html>\n<!-- saved from url=({len(url):04d}){url} -->\n" + \
        html.split("\n", 1)[1], files


RESOURCES = {"css": b"body { margin: 0; }\n", "js": b"/* a script the page loaded */\n",
             "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff\xe0", "gif": b"GIF89a"}


def main() -> None:
    for original in sorted(HERE.glob("*/*.html")):
        if original.stem.endswith(("-gbk", "-nocharset", "-complete")):
            continue
        html = original.read_text(encoding="utf-8")
        original.with_name(f"{original.stem}-gbk.html").write_bytes(gbk(html, declared=True))
        original.with_name(f"{original.stem}-gbk-nocharset.html").write_bytes(gbk(html, declared=False))
        url = f"https://www.mingheng-law.example/{original.parent.name}/{original.name}"
        original.with_name(f"{original.stem}.mhtml").write_bytes(mhtml(html, url))
        folder = f"{original.stem}-complete_files"
        page, files = complete(html, url, folder)
        original.with_name(f"{original.stem}-complete.html").write_text(page, encoding="utf-8")
        for name, data in files.items():
            (original.parent / folder).mkdir(exist_ok=True)
            (original.parent / folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
