"""Which text is the article's title.

A saved page says its title in up to three places: the article's heading inside the content
area, `og:title`, and `<title>` (with the site's name after it). The first one present is used;
the others check it, and a disagreement is reported. A text capture only has its lines: the
title is the line where the CMS puts it, if that line looks like a title at all. A line that
does not (an address, a markup leftover, a paragraph, a bullet, a button label) is never taken:
the page is refused and says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TITLE_MAX = 80
_SPACED_SEPARATOR = re.compile(r"\s+[-–—|_·]\s+|\s*[|｜_]\s*")
_TIGHT_SEPARATOR = re.compile(r"\s*[-–—]\s*")
_NOT_A_TITLE = (
    (re.compile(r"^(?:地址|电话|联系电话|手机|邮箱|传真|邮编|QQ|微信|Tel|Add(?:ress)?|E-?mail)\s*[:：]", re.I),
     "an address or contact line"),
    (re.compile(r"https?://|www\.|@\w+\.\w"), "an address or contact line"),
    (re.compile(r"[<>{}]|&\w+;|\[/?\w+\]"), "a markup leftover"),
    (re.compile(r"^[•·●▪■◆◇○▶►√✔*\-+]\s*"), "a bullet"),
    (re.compile(r"^(?:首页|返回|返回首页|返回列表|登录|注册|搜索|更多|阅读全文|查看全文|分享|收藏|打印|关闭|"
                r"上一篇|下一篇|点击|全部|Home|Menu|Search|Share|Print|Login|Read more)$", re.I),
     "a button or menu label"),
    # a category button with its count badge (PbootCMS's sub-category bar: `劳动纠纷 12`)
    (re.compile(r"^\S{1,12}\s+\(?\d{1,5}\)?$"), "a button or menu label"),
)


def why_not_a_title(text: str) -> str | None:
    """Why `text` cannot be an article's title, or None if it can."""
    text = text.strip()
    if not text:
        return "an empty line"
    for pattern, what in _NOT_A_TITLE:
        if pattern.search(text):
            return what
    if len(text) > TITLE_MAX or text.endswith(("。", "；", ";")) or text.count("。") >= 1:
        return "a paragraph"
    if len(text) < 4 and not re.search(r"[A-Za-z]{4}", text):
        return "too short for a title"
    return None


@dataclass(frozen=True)
class TitleEvidence:
    heading: str | None  # the article's own heading, inside the content area
    og_title: str | None
    document_title: str | None  # <title> less the site's suffix


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        text = text.translate(str.maketrans("？！：，（）", "?!:,()"))
        return re.sub(r"\s+", "", text).lower()
    a, b = norm(a), norm(b)
    return a.startswith(b) or b.startswith(a)


def choose_title(evidence: TitleEvidence, site_names: set[str] = frozenset()) -> tuple[str | None, list[str]]:
    """The title and what the evidence said against it. The site's own name is never a title."""
    said = [("the article heading", evidence.heading), ("og:title", evidence.og_title),
            ("<title>", evidence.document_title)]
    usable = [(where, text) for where, text in said
              if text and why_not_a_title(text) is None and text not in site_names]
    if not usable:
        return None, []
    where, title = usable[0]
    notes = [f"title evidence disagrees: {where} says '{title}', {other} says '{text}'; "
             f"{where} is used"
             for other, text in usable[1:] if not _same(text, title)]
    return title, notes


def title_less_suffix(document_title: str, site_name: str | None,
                      suffixes: tuple[str, ...] = ()) -> str:
    """`<title>` without what the site adds after the article title (` - 明衡律师事务所`)."""
    text = document_title.strip()
    for suffix in suffixes:
        text = re.sub(rf"\s*[-–—|_]?\s*{re.escape(suffix)}\s*$", "", text, flags=re.I)
    if site_name:
        text = re.sub(rf"\s*[-–—|_｜]\s*{re.escape(site_name)}\s*$", "", text)
    parts = [p for p in _SPACED_SEPARATOR.split(text) if p.strip()]
    if len(parts) == 1:
        parts = [p for p in _TIGHT_SEPARATOR.split(text) if p.strip()]
        if len(parts) > 1 and len(parts[0]) < 4:
            parts = [text]
    return parts[0].strip() if parts else ""
