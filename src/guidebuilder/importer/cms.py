"""What the firm's CMS prints around an article, in both saved HTML and text captures: the
breadcrumb, the run-together byline, the QR-code line, the copyright notice, the permalink and
the related-articles heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import DATE_PATTERN, AsOf, DateReading, read_date

BREADCRUMB = re.compile(
    r"^\s*[•·●▪■◆>»\-*]?\s*(?:您当前的位置|您当前位置|您现在的位置|您的位置|当前位置|当前的位置|位置)"
    r"\s*[:：]\s*(?P<trail>.+)$")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>|＞|»|›|→|/)\s*")
_HOME = {"首页", "网站首页", "主页", "返回首页", "首 页"}
_HERE = {"正文内容", "正文", "内容", "文章正文", "阅读文章"}
QR_LINE = re.compile(r"^扫描二维码")
COPYRIGHT = re.compile(r"^版权声明\s*[:：]")
PERMALINK = re.compile(r"^本文链接\s*[:：]\s*(?P<url>\S*)")
RELATED_HEADING = re.compile(r"^(?P<title>.*?)(?:的)?相关(?:文章|阅读|推荐)\s*[:：]?$")
NAVIGATION = re.compile(r"^(?:上一篇|下一篇|上一篇文章|下一篇文章)\s*[:：]")
EXCERPT_END = ("...", "…", "……", "。。。")
URL = re.compile(r"https?://[^\s<>\"'，。；）)]+")
_AUTHOR_PREFIX = re.compile(r"^(?:作者|发布者|发布人|文\s*/)\s*[:：]?\s*")
_VIEWS = re.compile(r"^(?P<category>.*?)\s*(?:阅读|浏览|人气|views?)?\s*[(（:：]?\s*(?P<views>\d+)\s*[)）]?\s*(?:次|阅读|浏览|人阅读)?$")
BYLINE_MAX = 80


def breadcrumb_levels(trail: str) -> list[str]:
    """The levels of a breadcrumb without 首页 and 正文内容."""
    levels = [level.strip() for level in _CRUMB_SEPARATOR.split(trail) if level.strip()]
    if levels and levels[0] in _HOME:
        levels = levels[1:]
    if levels and levels[-1] in _HERE:
        levels = levels[:-1]
    return levels


def category_from_levels(levels: list[str], title: str | None) -> str | None:
    if levels and title and levels[-1] == title:
        levels = levels[:-1]
    return levels[-1] if levels else None


@dataclass(frozen=True)
class Byline:
    author: str | None
    date: DateReading
    category: str | None


def read_byline(text: str, as_of: AsOf | None) -> Byline | None:
    """`张律师3个月前 (01-17)信用卡4` or `张律师 2026-01-26 01:15 9`: author, date, category, views.
    None when the line has no date, or is too long to be a byline."""
    text = text.strip()
    match = DATE_PATTERN.search(text)
    if not match or len(text) > BYLINE_MAX or text.endswith("。"):
        return None
    author = _AUTHOR_PREFIX.sub("", text[:match.start()]).strip(" |·•-—:：") or None
    rest = text[match.end():].strip(" |·•-—")
    views = _VIEWS.match(rest)
    category = (views.group("category") if views else rest).strip(" |·•-—") or None
    return Byline(author=author, date=read_date(match, as_of), category=category)


def is_excerpt(text: str) -> bool:
    return text.rstrip().endswith(EXCERPT_END)
