"""What CMSs print around an article, in words (so it holds for saved HTML and text captures
alike): the breadcrumb, the byline and its labels, the QR-code line, the copyright notice, the
permalink, the related-articles heading. Where each CMS puts them is in profiles.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import CALENDAR_DAYS, DATE_PATTERN, AsOf, DateReading, DateStyle, read_date

BREADCRUMB = re.compile(
    r"^\s*[•·●▪■◆>»\-*]?\s*(?:您当前的位置|您当前位置|您现在的位置|您的位置|当前位置|当前的位置|您現在的位置|當前位置|目前位置|位置)"
    r"\s*[:：]\s*(?P<trail>.+)$")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>|＞|»|›|→|/)\s*")
_HOME = {"首页", "网站首页", "主页", "返回首页", "首 页", "首頁", "網站首頁", "主頁", "Home"}
_HERE = {"正文内容", "正文", "内容", "文章正文", "阅读文章", "正文內容", "內容"}
QR_LINE = re.compile(r"^扫描二维码")
COPYRIGHT = re.compile(r"^版权声明\s*[:：]")
PERMALINK = re.compile(r"^本文链接\s*[:：]\s*(?P<url>\S*)")
RELATED_HEADING = re.compile(
    r"^(?P<title>.*?)(?:的)?(?:相关(?:文章|阅读|推荐|资讯|内容|链接)|您?可能(?:还)?感兴趣的(?:文章|内容)?"
    r"|猜你喜欢|延伸阅读|推荐阅读|相关文章推荐|Related (?:posts|articles))\s*[:：]?$", re.I)
NAVIGATION = re.compile(r"^(?:(?:上一篇|下一篇|上一篇文章|下一篇文章)\s*[:：]|(?:Previous|Next) (?:post|article)$)", re.I)
# lines a CMS prints right after the article text: its tags, share buttons, action bar
FURNITURE_END = re.compile(r"^(?:(?:标签|Tags?)\s*[:：]|分享到\s*[:：]?$|返回列表$|\[收藏\]|顶一下$)", re.I)
# a category given on a line of its own (WordPress prints it under the article)
CATEGORY_LINE = re.compile(r"^(?:Categorized as|Posted in|分类\s*[:：]|所属分类\s*[:：]|所属栏目\s*[:：])\s*(?P<name>\S.*)$", re.I)
EXCERPT_END = ("...", "…", "……", "。。。")
URL = re.compile(r"https?://[^\s<>\"'，。；）)]+")
_AUTHOR_PREFIX = re.compile(r"^(?:作者|发布者|发布人|文\s*/|(?:posted\s+)?by\s)\s*[:：]?\s*", re.I)
# the labels a byline may print before each of its fields
AUTHOR_LABELS = ("作者", "发布者", "发布人", "撰稿", "撰文")
DATE_LABELS = ("发布时间", "发布日期", "发表时间", "更新时间", "发表于", "发布于", "时间", "日期")
CATEGORY_LABELS = ("所属栏目", "所属分类", "栏目", "分类")
OTHER_LABELS = ("来源", "点击", "点击数", "浏览", "浏览量", "访问量", "阅读", "阅读量", "人气", "Tag",
                "标签", "评论", "字数")
_ALL_LABELS = sorted(AUTHOR_LABELS + DATE_LABELS + CATEGORY_LABELS + OTHER_LABELS, key=len, reverse=True)
_LABEL = re.compile(rf"(?P<label>{'|'.join(_ALL_LABELS)})\s*[:：]", re.I)
LABEL_WORDS = frozenset(_ALL_LABELS) | {"posted on", "posted", "by", "on", "updated"}
_ENGLISH_BY = re.compile(r"(?:^|[\s|·•])by\s+(?P<name>[^|·•]+?)\s*(?=$|[|·•]|\s(?:on|in)\s)", re.I)
_POSTED = re.compile(r"^(?:posted|published|updated)(?:\s+on)?\s*[:：]?\s*", re.I)
_VIEWS = re.compile(r"^(?P<category>.*?)\s*(?:阅读|浏览|人气|views?)?\s*[(（:：]?\s*(?P<views>\d+)\s*[)）]?\s*(?:次|阅读|浏览|人阅读)?$")
BYLINE_MAX = 80


def breadcrumb_levels(trail: str) -> list[str]:
    """The levels of a breadcrumb without 首页 and 正文内容. DedeCMS prints its category link,
    a `|`, then the trail: the trail is what follows the last `|`."""
    if "|" in trail and trail.rsplit("|", 1)[1].strip():
        trail = trail.rsplit("|", 1)[1]
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


def read_byline(text: str, as_of: AsOf | None, style: DateStyle = CALENDAR_DAYS) -> Byline | None:
    """A byline: labelled (`来源：… 作者：张律师 时间：2026-03-02 点击：12`), run together
    (`张律师3个月前 (01-17)信用卡4`) or English (`By Zhang Wei | March 5, 2026`).
    None when the line has no date, or is too long to be a byline."""
    text = text.strip()
    match = DATE_PATTERN.search(text)
    if not match or len(text) > BYLINE_MAX or text.endswith("。"):
        return None
    date = read_date(match, as_of, style)
    labels = list(_LABEL.finditer(text))
    if labels:
        fields: dict[str, str] = {}
        for index, label in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
            fields.setdefault(label.group("label"), text[label.end():end].strip(" |·•-—"))
        author = next((fields[k] for k in AUTHOR_LABELS if fields.get(k)), None)
        category = next((fields[k] for k in CATEGORY_LABELS if fields.get(k)), None)
        return Byline(author=author_name(author), date=date, category=category or None)
    if english := _ENGLISH_BY.search(text):
        return Byline(author=author_name(english.group("name")), date=date, category=None)
    before = _POSTED.sub("", text[:match.start()])
    author = _AUTHOR_PREFIX.sub("", before).strip(" |·•-—:：") or None
    rest = text[match.end():].strip(" |·•-—")
    views = _VIEWS.match(rest)
    category = (views.group("category") if views else rest).strip(" |·•-—") or None
    if category and (DATE_PATTERN.search(category) or re.search(r"\d+\s*min", category)):
        category = None
    return Byline(author=author_name(author), date=date, category=category)


def author_name(text: str | None) -> str | None:
    """A name, or None for what only looks like one: a label, a number, a whole sentence."""
    if not text:
        return None
    text = _AUTHOR_PREFIX.sub("", text.strip()).strip(" |·•-—:：")
    if not text or text.lower() in LABEL_WORDS or text.isdigit() or len(text) > 30 \
            or URL.search(text) or re.search(r"[。；;！!？?]", text):
        return None
    return text


def is_excerpt(text: str) -> bool:
    return text.rstrip().endswith(EXCERPT_END)
