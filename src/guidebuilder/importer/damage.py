"""Obvious damage in captured text, found line by line and reported with its line.

Leftovers of markup and terminals (a stray tag, an HTML entity, an escape code, an invisible or
icon-font character) are removed: they are not text, and saying so is enough. Garbled text (a
replacement character, a run of mojibake) is kept exactly as it is: what it should have said
cannot be known for sure, so the report says where it is and the user fixes it by hand.
"""

from __future__ import annotations

import html
import re
import unicodedata

from .page import Note

_ESCAPE_CODE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|(?<![\w\[])\[\d{1,3}(?:;\d{1,3})*m")
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,7}|#[xX][0-9A-Fa-f]{2,6});")
# UTF-8 read as Latin-1 / Windows-1252: the characters such a misreading produces
_LATIN_MOJIBAKE = re.compile(
    "[\u00c0-\u00ff][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\u00a0-\u00bf]+"
    "(?:[\u00c0-\u00ff][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\u00a0-\u00bf]+)*")
# GBK read as Windows-1252: every byte of it above 0x80
_LATIN_RUN = re.compile("[\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                        "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{4,}")
# what GBK makes of bytes that were never GBK: U+FFFD's UTF-8 bytes, unset memory
_GBK_SIGNATURES = re.compile(r"(?:锟斤拷)+|(?:烫){2,}|(?:屯){2,}")
# a run that may be UTF-8 Chinese read as GBK: any non-ASCII, including the U+FFFD a decoder
# puts where a character's last byte fell off
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\s]{3,}")
# what Excel and Word write for a character XML cannot hold: `_x0008_`
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_PUNCTUATION = set("，。；：？！、“”‘’（）《》【】—…·「」『』")


def clean_line(text: str, line: int | None) -> tuple[str, list[Note]]:
    """The line without markup and terminal leftovers, and a note for each thing found."""
    notes: list[Note] = []

    def removed(pattern: re.Pattern[str], what: str, value: str) -> str:
        def one(match: re.Match[str]) -> str:
            notes.append(Note(f"{what} '{_visible(match.group(0))}' removed", line))
            return ""
        return pattern.sub(one, value)

    def entity(match: re.Match[str]) -> str:
        character = html.unescape(match.group(0))
        if character == match.group(0):
            return character
        notes.append(Note(f"HTML entity '{match.group(0)}' replaced by the character it stands for", line))
        return " " if character == "\xa0" else character

    def ooxml(match: re.Match[str]) -> str:
        character = chr(int(match.group(1), 16))
        if _invisible(character):
            notes.append(Note(f"OOXML escape '{match.group(0)}' ({_describe(character)}) removed", line))
            return ""
        notes.append(Note(f"OOXML escape '{match.group(0)}' replaced by the character it stands for", line))
        return character

    text = removed(_ESCAPE_CODE, "terminal escape code", text)
    text = _OOXML_ESCAPE.sub(ooxml, text)
    text = _ENTITY.sub(entity, text)
    text = removed(_TAG, "stray HTML tag", text)

    garbled = _garbled_runs(text)
    for run, meant in garbled:
        guess = f" (probably '{meant}' saved in the wrong encoding)" if meant else ""
        notes.append(Note(f"garbled text '{_visible(run)}' kept as it is{guess}; fix it by hand", line))
    kept = {index for run, _ in garbled for start in _starts(text, run)
            for index in range(start, start + len(run))}
    if "\ufffd" in text:
        notes.append(Note("replacement character '\ufffd' kept as it is: text was lost when the "
                          "page was saved; fix it by hand", line))
    characters = []
    for index, character in enumerate(text):
        if index not in kept and _invisible(character):
            notes.append(Note(f"{_describe(character)} U+{ord(character):04X} removed", line))
            continue
        characters.append(character)
    return "".join(characters), notes


def _garbled_runs(text: str) -> list[tuple[str, str | None]]:
    runs: list[tuple[str, str | None]] = []
    for match in _LATIN_RUN.finditer(text):
        if meant := _gbk_read_as_latin(match.group(0)):
            runs.append((match.group(0), meant))
    for match in _LATIN_MOJIBAKE.finditer(text):
        if any(match.group(0) in run for run, _ in runs):
            continue
        meant = _redecode(match.group(0), "cp1252")
        if meant or len(match.group(0)) >= 4:
            runs.append((match.group(0), meant))
    for match in _GBK_SIGNATURES.finditer(text):
        runs.append((match.group(0), None))
    for match in _NON_ASCII_RUN.finditer(text):
        meant = _chinese_read_as_gbk(match.group(0))
        if meant and not any(match.group(0) in run for run, _ in runs):
            runs.append((match.group(0), meant))
    return runs


def _gbk_read_as_latin(run: str) -> str | None:
    """What `run` says if it is GBK Chinese that was read as Windows-1252 (`½è¿î` for 借款)."""
    try:
        meant = b"".join(_encode_char(c, "cp1252") for c in run).decode("gb18030")
    except (UnicodeError, ValueError):
        return None
    return meant if len(_CJK.findall(meant)) >= 2 and all(
        _CJK.match(c) or c in _CJK_PUNCTUATION for c in meant) else None


def _chinese_read_as_gbk(run: str) -> str | None:
    """What `run` says if it is UTF-8 Chinese that was read as GBK (and saved again), when
    that reading is Chinese text: `鍊熸鍥炴敹` is not Chinese anyone writes, `借款回收` is.
    A lost byte (U+FFFD) is kept as U+FFFD in what it says."""
    data = b""
    for index, piece in enumerate(run.split("\ufffd")):
        try:
            data += (b"\xff" if index else b"") + piece.encode("gb18030")
        except UnicodeEncodeError:
            return None
    meant = data.decode("utf-8", errors="replace")
    meant = re.sub("\ufffd+", "\ufffd", meant)
    chinese = len(_CJK.findall(meant))
    lost = meant.count("\ufffd")
    other = [c for c in meant if c != "\ufffd" and c not in _CJK_PUNCTUATION and not _CJK.match(c)]
    if chinese < 2 or other or lost > max(1, chinese // 4) or meant == run:
        return None
    return meant


def _redecode(run: str, misread_as: str) -> str | None:
    """What `run` says if it is UTF-8 that was read as `misread_as`, when that is plain text."""
    try:
        data = b"".join(_encode_char(c, misread_as) for c in run)
        meant = data.decode("utf-8")
    except (UnicodeError, ValueError):
        return None
    if meant == run or any(unicodedata.category(c) in ("Cc", "Co", "Cn") for c in meant):
        return None
    return meant


def _encode_char(character: str, codec: str) -> bytes:
    try:
        return character.encode(codec)
    except UnicodeEncodeError:
        if codec == "cp1252" and ord(character) < 256:
            return bytes([ord(character)])  # the five bytes cp1252 leaves undefined
        raise


def _starts(text: str, run: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(run), text)]


def _invisible(character: str) -> bool:
    if character in "\t\n":
        return False
    category = unicodedata.category(character)
    return category in ("Cc", "Co", "Cf") and character not in "\u200d"


def _describe(character: str) -> str:
    category = unicodedata.category(character)
    if category == "Co":
        return "icon-font (private use) character"
    if category == "Cf":
        return "invisible character"
    return "control character"


def _visible(text: str) -> str:
    """Text for a message: control characters shown as ESC or U+XXXX."""
    return "".join("ESC" if c == "\x1b" else f"U+{ord(c):04X}" if unicodedata.category(c) == "Cc"
                   else c for c in text)
