"""QR codes of the articles' source links, for print.

A chunk's HTML carries a placeholder for each code (the link, and segno's version) rather
than the code itself: the layout cache's key is then known without drawing any code, and the
codes are drawn by the processes that lay the chunks out (`layout.lay_out`), in parallel and
only for chunks not found in the cache. (segno takes about 4 ms a code, mostly choosing
the mask: 4 s for a thousand articles, spent in every build before the placeholders.)"""

from __future__ import annotations

import functools
import html
import re
from importlib.metadata import version

import segno

SEGNO_VERSION = version("segno")
_PLACEHOLDER = re.compile(r'<gb-qr data-url="([^"]*)" data-segno="[^"]*"></gb-qr>')


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """A QR code of `url` as inline SVG: vector, so it stays crisp at any print size. (Each
    is ~2 KB and a layout process meets most URLs once: 4,096 cached, as before, came to
    ~8 MB in every layout process of a 10,000-article build.)"""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(border=4, omitsize=True, dark="#000000", light="#ffffff")


def qr_placeholder(url: str) -> str:
    """Where `with_qr_codes` puts the QR code of `url`."""
    return (f'<gb-qr data-url="{html.escape(url, quote=True)}" '
            f'data-segno="{SEGNO_VERSION}"></gb-qr>')


def with_qr_codes(markup: str) -> str:
    """The markup with each placeholder replaced by its QR code."""
    if "<gb-qr " not in markup:
        return markup
    return _PLACEHOLDER.sub(lambda match: qr_svg(html.unescape(match.group(1))), markup)
