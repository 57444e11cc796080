"""Regenerate the saved-page variants of each CMS test page from its UTF-8 original:
GBK with its charset declared, GBK with no charset, and Chrome's MHTML ("single file").

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


def main() -> None:
    for original in sorted(HERE.glob("*/*.html")):
        if original.stem.endswith(("-gbk", "-nocharset")):
            continue
        html = original.read_text(encoding="utf-8")
        original.with_name(f"{original.stem}-gbk.html").write_bytes(gbk(html, declared=True))
        original.with_name(f"{original.stem}-gbk-nocharset.html").write_bytes(gbk(html, declared=False))
        url = f"https://www.mingheng-law.example/{original.parent.name}/{original.name}"
        original.with_name(f"{original.stem}.mhtml").write_bytes(mhtml(html, url))


if __name__ == "__main__":
    main()
