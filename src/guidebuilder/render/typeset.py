"""Chinese text as it is set, at render time: the article files stay as they were written.

Real web text mixes half-width punctuation into Chinese (`第3条,如下:`), puts spaces between
Han characters, and ends paragraphs on a line of one character. Following W3C clreq:

- `,:;?!()` next to a Han character become `，：；？！（）` (and `"…"` around Chinese
  `“…”`), and spaces (and line breaks of
  the source) between Chinese characters and around full-width marks go; never inside URLs,
  code, numbers (`1,000`, `10:30`) or Latin text;
- of two adjacent marks whose blank halves meet (`”“`, `》，`, `。”`), one is set at half
  width (`<span class="gb-halt">`, the fonts' `halt` feature): the first, or the second of two
  opening marks;
- the last characters of a paragraph are kept together (`<span class="gb-nobreak">`), so
  that its last line is never one or two characters long;
- a long URL in running text may break anywhere (`<span class="gb-url">`), so that the line
  before it is not left short.

`typeset_html` applies them to a rendered document (every template goes through it);
`normalize_text` applies the first to plain text (e-book navigation labels, metadata), and
`breakable_urls` lets long URLs break in print.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .contract import HALT, NOBREAK, PAGE_REF, URL, URL_TEXT, VERBATIM

if TYPE_CHECKING:
    from ..model import Book, Guide
    from ..theme import Theme

HAN = (r"\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
       r"\uf900-\ufaff\U00020000-\U0003ffff")
CLOSING = "”’）》〉」』】〕〗〙"
STOPS_AND_CLOSING = "，。、：；！？" + CLOSING
"""Marks set in the left half of their square (GB/T 15834 positions): the blank is after."""
OPENING = "“‘（《〈「『【〔〖〘"
"""Marks set in the right half: the blank is before."""
FULL_WIDTH_MARKS = STOPS_AND_CLOSING + OPENING
KEEP_LAST = 3
"""Characters of a paragraph's end kept on one line."""
LONG_URL = 24
"""A URL in running text this long or longer may break anywhere (`<span class="gb-url">`)."""

_URL = re.compile(r"(?:(?:https?|ftp)://|www\.|mailto:)[^\s<>\"'，。；：！？（）《》“”【】]+"
                  r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
_URL_TRAILING = re.compile(r"[.,;:!?)\]]+$")
_HAN = re.compile(f"[{HAN}]")
_SPACES = "[ \t\r\n\u00a0]+"
_SPACES_BETWEEN_HAN = re.compile(f"(?<=[{HAN}]){_SPACES}(?=[{HAN}])")
_SPACES_AROUND_MARK = re.compile(
    f"(?<=[{re.escape(FULL_WIDTH_MARKS)}]){_SPACES}(?=\\S)|(?<=\\S){_SPACES}(?=[{re.escape(FULL_WIDTH_MARKS)}])")
_HALF_WIDTH = re.compile(r"[.,:;?!()]")
_HALF_WIDTH_OR_QUOTE = re.compile(r'[.,:;?!()"]')
_PAIRED = re.compile(r"\(([^()\n]*)\)")
_QUOTED = re.compile(r'"([^"\n]*)"')
FULL_WIDTH_FORMS = {".": "。", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}


_CHINESE = re.compile(f"[{HAN}{re.escape(FULL_WIDTH_MARKS)}…—]")
_MAY_CHANGE = re.compile('[.,:;?!()" \t\r\n\u00a0]')
"""A text without any of these is left as it is by normalize_text, whatever is around it."""


def _is_han(char: str) -> bool:
    return _HAN.match(char) is not None


def _is_chinese(char: str) -> bool:
    return _CHINESE.match(char) is not None


_VISIBLE = re.compile(r"\S")
_SPACE = re.compile(r"\s")


def _next_visible(text: str, index: int) -> str:
    match = _VISIBLE.search(text, index)
    return match.group() if match else ""


def _punctuation(text: str) -> str:
    """Half-width `,:;?!()` in Chinese context made full-width (text without URLs)."""
    if not _HALF_WIDTH_OR_QUOTE.search(text):
        return text

    def paired(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        inner = match.group(1)
        if _HAN.search(inner) or _is_chinese(before) or _is_han(after):
            return f"（{inner}）"
        return match.group()

    def quoted(match: re.Match) -> str:
        if _HAN.search(match.group(1)):
            return f"“{match.group(1)}”"
        return match.group()

    text = _QUOTED.sub(quoted, _PAIRED.sub(paired, text))
    return _HALF_WIDTH.sub(lambda match: _full_width(text, match.start()), text)


def _full_width(text: str, i: int) -> str:
    """The half-width mark text[i], or its full-width form where it is in Chinese context."""
    char = text[i]
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if char == ".":
        ends_chinese = _is_han(before) or before in CLOSING  # `“全额到期”.`
        if ends_chinese and (not after or after.isspace() or _is_chinese(after)):
            return "。"
        return char
    between_digits = before.isdigit() and after.isdigit()
    between_latin = before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
    chinese = (_is_chinese(before) or _is_han(_next_visible(text, i + 1))
               or (char in "()" and _is_han(after)))
    if chinese and not between_digits and not between_latin:
        return FULL_WIDTH_FORMS[char]
    return char


def _spacing(text: str) -> str:
    text = _SPACES_BETWEEN_HAN.sub("", text)
    return _SPACES_AROUND_MARK.sub("", text)


def normalize_text(text: str, before: str = "", after: str = "") -> str:
    """Chinese punctuation and spacing for plain text. `before` and `after` are the texts
    around it (in neighbouring elements): they decide its first and last marks, and are not
    changed."""
    if not _MAY_CHANGE.search(text):
        return text
    lead, trail = before.rstrip()[-1:], after.lstrip()[:1]
    pieces, last = [], 0
    for match in _URL.finditer(text):
        url = _URL_TRAILING.sub("", match.group())
        pieces += [(text[last:match.start()], False), (url, True)]
        last = match.start() + len(url)
    pieces.append((text[last:], False))
    result = []
    for index, (piece, is_url) in enumerate(pieces):
        if is_url or not piece:
            result.append(piece)
            continue
        head = lead if index == 0 else pieces[index - 1][0][-1:]
        tail = trail if index == len(pieces) - 1 else pieces[index + 1][0][:1]
        changed = _spacing(_punctuation(head + piece + tail))
        result.append(changed[len(head):len(changed) - len(tail)])
    return "".join(result)


def normalizes_punctuation(guide: Guide, theme: Theme) -> bool:
    """A guide's `normalize_punctuation`, else its theme's option of that name (default on)."""
    if guide.normalize_punctuation is not None:
        return guide.normalize_punctuation
    return theme.options.get("normalize_punctuation", True) is not False


def halt_positions(text: str) -> set[int]:
    """Indices of the marks to set at half width: of two adjacent marks whose blank halves
    meet, the first (a stop or closing mark before any mark), or the second of two opening
    marks."""
    found: set[int] = set()
    if not _TWO_MARKS.search(text):
        return found
    for i in range(len(text) - 1):
        side = _halt_side(text[i], text[i + 1])
        if side is not None:
            found.add(i + side)
    return found


def _halt_side(first: str, second: str) -> int | None:
    """Which of two adjacent marks is set at half width (0 or 1), or None."""
    if first in STOPS_AND_CLOSING and second in FULL_WIDTH_MARKS:
        return 0
    if first in OPENING and second in OPENING:
        return 1
    return None


_TWO_MARKS = re.compile(f"[{re.escape(FULL_WIDTH_MARKS)}]{{2}}")


# --- HTML ------------------------------------------------------------------------------

_TOKEN = re.compile(r"([^<]*)(?:<!--.*?-->|<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>|<[^>]*>)",
                    re.S)
"""The text before a comment, a tag or other markup, then that (a tag's groups: closing slash,
name, the rest: attributes and a self-closing slash). A tag ends at the first '>', as
`<[^>]*>` does. Only text after the last '>' may hold a '<': the document's tail, after the
last match."""
_VERBATIM = {"code", "pre", "kbd", "samp", "var", "tt", "svg", "math", "script", "style",
             "textarea"}
_ASIDE_CLASS = re.compile(r"""\bclass\s*=\s*["'][^"']*\bfootnote-text\b""")
_VERBATIM_CLASS = re.compile(r"""\bclass\s*=\s*["'][^"']*\b(?:%s)\b"""
                             % "|".join(map(re.escape, (URL_TEXT, PAGE_REF, VERBATIM))))
_PARAGRAPHS = {"p", "li", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _PARAGRAPHS | {"div", "section", "article", "aside", "nav", "header", "footer", "h1",
                         "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "table", "tr",
                         "td", "th", "body", "html", "br", "hr", "figure", "figcaption"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}


@dataclass(slots=True)
class _Text:
    text: str
    ends_paragraph: bool = False
    after_block: bool = False  # a block boundary lies between it and the text before
    aside: bool = False  # in a footnote call or note: not context for the text around it
    halts: set[int] = field(default_factory=set)


def _runs(markup: str) -> list:
    """The document as alternating runs: markup (with the text set as it is: whitespace, and
    verbatim elements' text), a _Text, markup, ..., ending with markup."""
    runs: list = []
    verbatim: list[str] = []
    aside: list[str] = []
    last_text: _Text | None = None
    block_since_text = True
    copied = 0  # where the markup not yet in runs starts

    def take(start: int, token: str) -> None:
        nonlocal copied, last_text, block_since_text
        last_text = _Text(html.unescape(token), after_block=block_since_text, aside=bool(aside))
        runs.extend((markup[copied:start], last_text))
        copied = start + len(token)
        block_since_text = False

    last = 0
    for match in _TOKEN.finditer(markup):
        last = match.end()
        token, closing, name, attributes = match.groups()
        if token and not verbatim and not token.isspace():
            take(match.start(), token)
        if name is None:
            continue
        name = name.lower()
        self_closing = attributes.rstrip().endswith("/")
        if verbatim:
            if name == verbatim[-1] and not self_closing and name not in _VOID:
                verbatim.pop() if closing else verbatim.append(name)
            continue
        opening = not closing and not self_closing
        if aside and name == aside[-1] and not self_closing:
            aside.pop() if closing else aside.append(name)
        elif opening and (name == "sup" or "footnote-text" in attributes
                          and _ASIDE_CLASS.search(attributes)):
            aside.append(name)
        if opening and name not in _VOID and (name in _VERBATIM or "class" in attributes
                                              and _VERBATIM_CLASS.search(attributes)):
            verbatim.append(name)
            last_text = None
            block_since_text = True
            continue
        if name in _BLOCKS:
            block_since_text = True
            if closing and name in _PARAGRAPHS and last_text is not None:
                last_text.ends_paragraph = True
            last_text = None
    tail = markup[last:]
    if tail and not verbatim and not tail.isspace():
        take(last, tail)
    runs.append(markup[copied:])
    return runs


def _keep_from(text: str) -> int | None:
    """Where the kept-together end of a paragraph starts: its last KEEP_LAST characters, if
    they are Chinese and the paragraph's last text holds more than that."""
    end = len(text.rstrip())
    if end <= KEEP_LAST + 1:
        return None
    tail = text[end - KEEP_LAST:end]
    if _SPACE.search(tail) or not _CHINESE.search(tail):
        return None
    return end - KEEP_LAST


def _long_urls(text: str) -> dict[int, int]:
    """Start -> end of the URLs in a text long enough to need breaking anywhere."""
    found = {}
    for match in _URL.finditer(text):
        url = _URL_TRAILING.sub("", match.group())
        if len(url) >= LONG_URL:
            found[match.start()] = match.start() + len(url)
    return found


def _emit(text: _Text, keep_last: bool) -> str:
    halts = text.halts
    keep_from = _keep_from(text.text) if keep_last and text.ends_paragraph else None
    urls = _long_urls(text.text) if "/" in text.text or "@" in text.text else {}
    source = text.text
    if not halts and not urls:
        if keep_from is None:
            return html.escape(source, quote=False)
        end = len(source.rstrip())
        return (f'{html.escape(source[:keep_from], quote=False)}<span class="{NOBREAK}">'
                f'{html.escape(source[keep_from:end], quote=False)}</span>'
                f'{html.escape(source[end:], quote=False)}')
    url_ends = set(urls.values())
    end = len(source.rstrip())
    keep_end = end if keep_from is not None else None
    cuts = sorted({0, len(source), *urls, *url_ends, *halts, *(h + 1 for h in halts),
                   *((keep_from, end) if keep_from is not None else ())})
    out = []
    for start, stop in zip(cuts, cuts[1:] + [None]):
        if start in url_ends:
            out.append("</span>")
        if start == keep_end:
            out.append("</span>")
        if stop is None:
            break
        if start in urls:
            out.append(f'<span class="{URL}">')
        if start == keep_from:
            out.append(f'<span class="{NOBREAK}">')
        escaped = html.escape(source[start:stop], quote=False)
        out.append(f'<span class="{HALT}">{escaped}</span>' if start in halts else escaped)
    return "".join(out)


def _context(texts: list[_Text], index: int) -> tuple[str, str]:
    """The texts before and after texts[index] in the same run of inline text, passing over
    footnote calls and notes (and, from within one, over the text around it)."""
    text = texts[index]

    def near(step: int) -> str:
        i = index
        while True:
            crossing = texts[i] if step < 0 else (texts[i + 1] if i + 1 < len(texts) else None)
            i += step
            if crossing is None or crossing.after_block or not 0 <= i < len(texts):
                return ""
            if texts[i].aside == text.aside:
                return texts[i].text

    return near(-1), near(1)


def typeset_html(markup: str, normalize: bool = True, compress: bool = True,
                 keep_last: bool = True) -> str:
    """A rendered HTML (or XHTML) document with its text set as the module describes; markup,
    attributes, and verbatim elements (code, URLs, SVG) are left as they are."""
    runs = _runs(markup)
    texts: list[_Text] = runs[1::2]
    if normalize:
        for i, text in enumerate(texts):
            if _MAY_CHANGE.search(text.text):
                text.text = normalize_text(text.text, *_context(texts, i))
    if compress:
        _compress(texts)
    runs[1::2] = [_emit(text, keep_last) for text in texts]
    return "".join(runs)


def _compress(texts: list[_Text]) -> None:
    """The halts of each text, within it and with the text after it in the same run."""
    for i, text in enumerate(texts):
        text.halts |= halt_positions(text.text)
        following = texts[i + 1] if i + 1 < len(texts) else None
        if (following and not following.after_block and following.aside == text.aside
                and text.text and following.text):
            side = _halt_side(text.text[-1], following.text[0])
            if side == 0:
                text.halts.add(len(text.text) - 1)
            elif side == 1:
                following.halts.add(0)


_URL_SPAN = re.compile(f'(<span class="{URL}">)(.*?)(</span>)', re.S)
_CHARACTER = re.compile(r"&#?\w+;|.", re.S)  # a character of escaped HTML text


def breakable_urls(markup: str) -> str:
    """For print: a zero-width space between the characters of each long URL, so that the
    line breaks where the measure ends (WeasyPrint breaks a word only when nothing else fits).
    It is not drawn, so the PDF's text is the URL; the e-book, where a URL is copied, has none."""
    def spaced(match: re.Match) -> str:
        text = match.group(2)
        if "<" in text:
            return match.group()
        return match.group(1) + "\u200b".join(_CHARACTER.findall(text)) + match.group(3)

    return _URL_SPAN.sub(spaced, markup)


def typeset_book(book: Book) -> Book:
    """The book with the plain text that reaches a reader outside the templates (e-book
    navigation, metadata, bookmarks) set as Chinese text too."""
    def text(value):
        return normalize_text(value) if value else value

    guide = book.guide
    guide = replace(guide, title=text(guide.title), subtitle=text(guide.subtitle),
                    disclaimer=text(guide.disclaimer),
                    copyright=replace(guide.copyright, rights=text(guide.copyright.rights)))
    parts = []
    for part in book.parts:
        category = replace(part.category, name=text(part.category.name),
                           description=text(part.category.description))
        chapters = tuple(
            replace(chapter,
                    article=replace(chapter.article, title=text(chapter.article.title),
                                    summary=text(chapter.article.summary)),
                    copyright=text(chapter.copyright),
                    related=tuple(replace(link, title=text(link.title)) for link in chapter.related))
            for chapter in part.chapters)
        parts.append(replace(part, category=category, chapters=chapters))
    return replace(book, guide=guide, parts=tuple(parts))
