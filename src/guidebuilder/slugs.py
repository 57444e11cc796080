"""File and folder names from Chinese text: pinyin, one syllable a word (`xin-yong-ka`)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from slugify import slugify

_ID_IN_QUERY = re.compile(r"(?:^|&)(?:id|aid|p|article_id)=(\d+)(?:&|$)")
_SLUG_MAX = 60


def pinyin_slug(text: str) -> str:
    from pypinyin import lazy_pinyin  # 60 MB of dictionaries: loaded only when needed

    return slugify(" ".join(lazy_pinyin(text)), max_length=_SLUG_MAX, word_boundary=True)


def article_slug(source_url: str | None, title: str) -> str:
    """The article id from its URL (`/xinyongka/1031.html` -> `1031`), else the title's pinyin."""
    if source_url:
        parts = urlsplit(source_url)
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        stem = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", last, flags=re.I)
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", stem) and stem.lower() not in ("index", "article", "view"):
            return slugify(stem)
        if match := _ID_IN_QUERY.search(parts.query):
            return match.group(1)
    return pinyin_slug(title)
