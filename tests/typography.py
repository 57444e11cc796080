"""The typesetting of a PDF measured from its characters' positions (pdfplumber), as a
typographer would check it: lines that reach the measure, half-width punctuation in Chinese,
adjacent marks set at half width, one- and two-character last lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
HALF_WIDTH_NEXT_TO_HAN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff][,:;?!()]|[,:;?!()][\u3400-\u4dbf\u4e00-\u9fff]")
STOPS_AND_CLOSING = "，。、：；！？”’）》〉」』】〕"
OPENING = "“‘（《〈「『【〔"
MARKS = STOPS_AND_CLOSING + OPENING


@dataclass(frozen=True)
class Line:
    page: int  # from 1
    top: float
    x0: float
    x1: float
    size: float
    font: str
    chars: tuple[dict, ...]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


def lines(pdf: Path, first_page: int = 1) -> list[Line]:
    """Every line of text, page by page, top to bottom (characters of one size and baseline)."""
    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages[first_page - 1:], start=first_page):
            rows: dict[tuple[float, float], list[dict]] = {}
            for char in page.chars:
                key = (round(char["bottom"], 0), round(char["size"], 1))
                rows.setdefault(key, []).append(char)
            for (_, size), chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                found.append(Line(number, min(c["top"] for c in chars), chars[0]["x0"],
                                  chars[-1]["x1"], size, chars[0]["fontname"], tuple(chars)))
    return found


def body_lines(all_lines: list[Line], size: float, font: str = "Serif") -> list[Line]:
    return [line for line in all_lines if abs(line.size - size) < 0.05 and font in line.font]


def non_final(body: list[Line], line_height: float) -> list[Line]:
    """Lines followed, on the same page, by a line of the same paragraph: one line height
    below and not indented further."""
    result = []
    for line, following in zip(body, body[1:]):
        if (following.page == line.page and abs(following.top - line.top - line_height) < 0.3
                and following.x0 <= line.x0 + 0.5):
            result.append(line)
    return result


def reaching(measured: list[Line], right_edge: float, tolerance: float = 1.0) -> float:
    """The share of lines whose last character ends within `tolerance` pt of `right_edge`."""
    if not measured:
        return 0.0
    return sum(abs(line.x1 - right_edge) <= tolerance for line in measured) / len(measured)


def half_width_next_to_han(all_lines: list[Line]) -> list[str]:
    return [match.group() for line in all_lines
            for match in HALF_WIDTH_NEXT_TO_HAN.finditer(line.text)]


def mark_pairs(all_lines: list[Line]) -> tuple[int, int]:
    """(pairs set with one mark at half width, all pairs) of adjacent marks whose blank halves
    meet: a stop or closing mark before any mark, or two opening marks."""
    compressed = total = 0
    for line in all_lines:
        for first, second in zip(line.chars, line.chars[1:]):
            a, b = first["text"], second["text"]
            if (a in STOPS_AND_CLOSING and b in MARKS) or (a in OPENING and b in OPENING):
                total += 1
                compressed += second["x0"] - first["x0"] < 0.75 * first["size"]
    return compressed, total


def short_last_lines(body: list[Line], line_height: float, at_most: int = 2) -> list[Line]:
    """Paragraph-final lines of `at_most` characters or fewer."""
    continuing = {id(line) for line in non_final(body, line_height)}
    return [line for line in body if id(line) not in continuing
            and len(line.text.strip()) <= at_most and HAN.search(line.text)]
