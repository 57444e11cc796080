"""A category (listing) page -> the addresses of its articles and of its other pages.

Where a CMS's list template puts each article's link is declared once per CMS, as the article
profiles are; a page none of them matches is read by what a listing looks like: a list of
same-site links with titles for text. Pagination is the links inside the block the templates
name pagebar, pagelist, pagination or page-numbers, and any link that says 下一页 or next.
PbootCMS has no list markup of its own (each template writes its list its own way): its pages
are read by the general rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from .decode import decode

# the article link of each CMS's list template
ARTICLE_LINKS = (
    ".content .block .post h2 a",  # Z-BlogPHP tpure: catalog.php with post-multi.php
    ".post h2 a", "h2.post-title a",  # other Z-BlogPHP themes
    ".listbox ul.e2 li a.title", ".art_list li a", "ul.e2 li h3 a",  # DedeCMS list_article.htm
    "h2.entry-title a", ".entry-title a",  # WordPress archive
)
PAGINATION = (".pagebar", ".pagelist", ".dede_pages", ".pagination", ".page-numbers",
              ".nav-links", ".page-nav", ".pager")  # not .pages: PbootCMS wraps whole pages in it
_NEXT_TEXT = re.compile(r"^(?:下一页|下页|后页|下一頁|next(?:\s*page)?|older posts|[›»>]|>>)$", re.I)
# the site's own header and footer, not an article's (WordPress puts each title in a <header>)
_FURNITURE = ("body > header", "body > footer", ".site-header", ".site-footer", "#masthead",
              "#colophon", "nav", "aside", ".sidebar", ".menu", ".navbar", ".footer", ".header",
              ".relatecon", ".related")
_MIN_TITLE = 4


@dataclass(frozen=True)
class Listing:
    articles: tuple[str, ...]  # in the order the page lists them
    more_pages: tuple[str, ...]  # the other pages of the same listing
    by_template: bool = False  # the articles were found where a CMS's list template puts them

    @property
    def is_listing(self) -> bool:
        """Sure enough to say that the page lists articles rather than being one."""
        return len(self.articles) >= 2


def read_listing(body: bytes, page_url: str) -> Listing:
    text, _ = decode(body, html=True)
    soup = BeautifulSoup(text, "html.parser")
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, base["href"]) if base is not None else page_url
    site = urlsplit(page_url).netloc.lower()

    def address(link: Tag) -> str | None:
        href = link.get("href", "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            return None
        url = urldefrag(urljoin(base_url, href))[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != site:
            return None
        return url

    pager_links: list[str] = []
    for selector in PAGINATION:
        for block in soup.select(selector):
            pager_links += [u for a in block.find_all("a", href=True) if (u := address(a))]
    pager_links += [u for a in soup.find_all("a", href=True)
                    if _NEXT_TEXT.match(a.get_text(" ", strip=True)) and (u := address(a))]
    more = tuple(u for u in dict.fromkeys(pager_links) if u != urldefrag(page_url)[0])

    for selector in _FURNITURE:
        for element in soup.select(selector):
            element.decompose()
    for selector in ARTICLE_LINKS:
        links = [u for a in soup.select(selector) if (u := address(a))]
        if links:
            return Listing(tuple(dict.fromkeys(links)), more, by_template=True)
    if not more:
        return Listing((), ())  # no template's list, no pagination: not a listing page
    titled = [u for item in soup.find_all("li") for a in item.find_all("a", href=True)
              if len(a.get_text(strip=True)) >= _MIN_TITLE and (u := address(a)) and u not in more]
    return Listing(tuple(dict.fromkeys(titled)), more)
