"""A text capture ("select all, copy" of an article page) -> Page.

Top to bottom: navigation leftovers, the breadcrumb, the title, the byline, the body, then the
tail: the QR-code line, the copyright notice, the permalink and the related block (a heading line,
then pairs of lines: a related title and its excerpt ending in `...`). Lines after the related
block (the site's footer) are dropped.
"""

from __future__ import annotations

from . import cms
from .body import Line, blocks
from .damage import clean_line
from .dates import AsOf
from .page import Note, Page, RelatedTitle
from .profiles import detect_text
from .titles import why_not_a_title

_HEAD_SEARCH = 80  # how far down the breadcrumb or byline is looked for (a site menu may be long)


def read_text_capture(text: str, source: str, encoding: str, as_of: AsOf | None) -> Page:
    profile = detect_text(text)
    style = profile.date_style
    notes: list[Note] = []
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        cleaned, found = clean_line(raw, number)
        notes.extend(found)
        if cleaned.strip():
            lines.append((number, cleaned.strip()))

    position = 0
    category = None
    crumb_at = _find(lines[:_HEAD_SEARCH], lambda t: cms.BREADCRUMB.match(t) is not None)
    levels: list[str] = []
    if crumb_at is not None:
        levels = cms.breadcrumb_levels(cms.BREADCRUMB.match(lines[crumb_at][1]).group("trail"))
        position = crumb_at + 1
        # sub-category buttons may stand between the breadcrumb and the title: the byline,
        # if it comes soon, says where the title is
        near = _find(lines[position + 1:position + 6], lambda t: cms.read_byline(t, as_of, style) is not None)
        if near is not None:
            position += near
    else:
        byline_at = _find(lines[:_HEAD_SEARCH], lambda t: cms.read_byline(t, as_of, style) is not None)
        if byline_at:
            position = byline_at - 1
    title = why_no_title = None
    if position < len(lines):
        number, candidate = lines[position]
        if (what := why_not_a_title(candidate)) is None:
            title = candidate
        else:
            why_no_title = f"line {number} ('{_short(candidate)}'), where the title should be, is {what}"
        position += 1
    else:
        why_no_title = "nothing after the breadcrumb"
    category = cms.category_from_levels(levels, title)

    author = date = None
    if position < len(lines) and (byline := cms.read_byline(lines[position][1], as_of, style)):
        byline_line = lines[position][0]
        author, date = byline.author, byline.date.date
        if byline.date.why_not:
            notes.append(Note(f"date left out: {byline.date.why_not}", byline_line))
        if byline.category and not category:
            category = byline.category
        elif byline.category and byline.category != category:
            notes.append(Note(f"the byline says category '{byline.category}', the breadcrumb "
                              f"'{category}'; the breadcrumb is used", byline_line))
        position += 1

    position = _skip_related_block(lines, position, notes)
    body_end = _find(lines[position:], _ends_body)
    body_end = len(lines) if body_end is None else position + body_end
    body = blocks(Line(text, number) for number, text in lines[position:body_end])
    copyright, source_url, related = _tail(lines[body_end:], notes)
    if category is None:
        category = next((m.group("name").strip() for _, t in lines[body_end:]
                         if (m := cms.CATEGORY_LINE.match(t))), None)
    return Page(source=source, kind="text", encoding=encoding, profile=profile.name,
                title=title, category=category,
                author=author, date=date, source_url=source_url, copyright=copyright,
                related=related, body=body, notes=tuple(sorted(notes, key=_by_line)),
                why_no_title=why_no_title)


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def _skip_related_block(lines: list[tuple[int, str]], position: int, notes: list[Note]) -> int:
    """A related list printed above the article (a sidebar copied first) is not its end."""
    if position >= len(lines) or not cms.RELATED_HEADING.match(lines[position][1]):
        return position
    notes.append(Note("a related-articles list above the article text is left out", lines[position][0]))
    position += 1
    while position + 1 < len(lines) and cms.is_excerpt(lines[position + 1][1]):
        position += 2
    return position


def _by_line(note: Note) -> int:
    return note.line or 0


def _find(lines: list[tuple[int, str]], test) -> int | None:
    return next((i for i, (_, text) in enumerate(lines) if test(text)), None)


def _ends_body(text: str) -> bool:
    return bool(cms.QR_LINE.match(text) or cms.COPYRIGHT.match(text) or cms.PERMALINK.match(text)
                or cms.RELATED_HEADING.match(text) or cms.NAVIGATION.match(text)
                or cms.FURNITURE_END.match(text) or cms.CATEGORY_LINE.match(text))


def _tail(lines: list[tuple[int, str]], notes: list[Note]):
    copyright = source_url = None
    related: list[RelatedTitle] = []
    index = 0
    while index < len(lines):
        number, text = lines[index]
        index += 1
        if cms.COPYRIGHT.match(text) and copyright is None:
            copyright = text
        elif (match := cms.PERMALINK.match(text)) and source_url is None:
            url = match.group("url")
            if cms.URL.fullmatch(url):
                source_url = url
            else:
                notes.append(Note(f"本文链接 '{url}' is not an http(s) URL; source_url left out", number))
        elif cms.RELATED_HEADING.match(text) and not related:
            while index + 1 < len(lines) and cms.is_excerpt(lines[index + 1][1]) \
                    and not cms.is_excerpt(lines[index][1]):
                related.append(RelatedTitle(lines[index][1], line=lines[index][0]))
                index += 2
            if not related:  # titles only, one a line
                while index < len(lines) and _related_title(lines[index][1]):
                    related.append(RelatedTitle(lines[index][1], line=lines[index][0]))
                    index += 1
            if not related:
                notes.append(Note("a related-articles heading with no titles under it", number))
    return copyright, source_url, tuple(related)


_FOOTER = ("©", "copyright", "备案", "icp", "网站地图", "联系我们", "版权所有", "上一篇", "下一篇")


def _related_title(text: str) -> bool:
    """A line of a related list that gives titles only (no excerpts)."""
    return why_not_a_title(text) is None and not _ends_body(text) \
        and not any(word in text.lower() for word in _FOOTER)
