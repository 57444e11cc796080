"""Saved bytes -> text. A page's own `<meta charset>` is believed first; otherwise UTF-8 if the
bytes are valid UTF-8, and charset-normalizer's guess if not (GBK pages saved by older browsers)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..errors import GuideError

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# GB2312 and GBK pages are decoded as GB18030, their superset, as browsers do.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def declared_charset(data: bytes) -> str | None:
    """The charset a `<meta charset>` or `<meta http-equiv content=...charset=>` declares."""
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def decode(data: bytes, *, html: bool, mime_charset: str | None = None) -> tuple[str, str]:
    """The text and a description of how it was decoded, e.g. 'gbk (from <meta charset>)'."""
    if mime_charset:
        try:
            codec = _SUPERSETS.get(mime_charset.lower(), mime_charset)
            return _normalise(data.decode(codec)), f"{mime_charset.lower()} (from the MHTML part)"
        except (LookupError, UnicodeDecodeError):
            pass
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _normalise(data[len(bom):].decode(name, errors="replace")), f"{name} (byte-order mark)"
    declared = declared_charset(data) if html else None
    if declared:
        codec = _SUPERSETS.get(declared, declared)
        try:
            return _normalise(data.decode(codec)), f"{declared} (from <meta charset>)"
        except LookupError:
            pass  # an unknown charset name: fall through to detection
        except UnicodeDecodeError:
            pass  # damaged bytes, or the page lies about its charset: see below
    misdeclared = f"; its <meta charset> says {declared}, which does not fit the bytes" if declared else ""
    try:
        return _normalise(data.decode("utf-8")), "utf-8" + misdeclared
    except UnicodeDecodeError:
        pass
    if declared:
        mended = _with_few_bad_bytes(data, _SUPERSETS.get(declared, declared))
        if mended is not None:  # a few damaged bytes, not a wrong charset
            return _normalise(mended), f"{declared} (from <meta charset>; a few bad bytes replaced)"
    best = from_bytes(data).best()
    if best is None:
        raise GuideError("cannot tell the text encoding of this page; save it again as UTF-8")
    return _normalise(str(best)), f"{best.encoding} (detected){misdeclared}"


BAD_PER_MILLE = 10  # past this many undecodable places, a declared charset is a lie


def _with_few_bad_bytes(data: bytes, codec: str) -> str | None:
    """The text in the declared charset with its few undecodable bytes replaced, or None if
    there are too many for the declaration to be true."""
    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    return text if bad <= max(8, len(data) * BAD_PER_MILLE // 1000) else None


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
