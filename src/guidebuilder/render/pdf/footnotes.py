"""Footnotes at the foot of their page, for print.

Python-Markdown collects an article's footnotes at its end, each with a link back to its call
(a web page's way). On paper a note belongs at the foot of the page that calls it: each note is
moved to its call as an element the theme floats there (`float: footnote`), and the back-link
goes. The e-book keeps the notes at the article's end, where a tap on the back-link helps.
"""

from __future__ import annotations

import re

_NOTES = re.compile(r'<div class="footnote">\s*<hr\s*/?>\s*<ol>(?P<notes>.*?)</ol>\s*</div>', re.S)
_NOTE = re.compile(r'<li id="(?P<id>[^"]+)">(?P<body>.*?)</li>', re.S)
_BACK_LINK = re.compile(r'(?:&nbsp;|&#160;|\u00a0)?<a class="footnote-backref"[^>]*>.*?</a>', re.S)
_CALL = re.compile(r'<sup id="[^"]*"><a class="footnote-ref" href="#(?P<id>[^"]+)">[^<]*</a></sup>')
_PARAGRAPH = re.compile(r"\s*</?p>\s*")


def _inline(body: str) -> str:
    """A note's paragraphs as inline content, one line break between them."""
    paragraphs = [p for p in _PARAGRAPH.split(_BACK_LINK.sub("", body)) if p.strip()]
    return "<br />".join(p.strip() for p in paragraphs)


def footnotes_at_calls(body_html: str) -> str:
    """An article's HTML with each footnote at its call, as `<span class="footnote-text">`."""
    block = _NOTES.search(body_html)
    if not block:
        return body_html
    notes = {m.group("id"): _inline(m.group("body")) for m in _NOTE.finditer(block.group("notes"))}
    body = body_html[:block.start()] + body_html[block.end():]

    def call(match: re.Match) -> str:
        note = notes.get(match.group("id"))
        return match.group() if note is None else f'<span class="footnote-text">{note}</span>'

    return _CALL.sub(call, body)
