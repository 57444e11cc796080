"""What each CMS prints around an article, declared once per CMS.

A profile names where a saved page of that CMS keeps the article's own heading, its byline and
its text, what it prints around them that is not the article (banners, tag lists, share bars),
and how it writes dates. Another CMS is one more profile here, and its test pages.

Which profile reads a page is decided from the page itself: its generator `<meta>`, then
markers of its markup (asset paths, class names the CMS's default template prints). A page that
matches none is read by the generic profile, which relies on what pages say (当前位置, 版权声明)
rather than on class names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import CALENDAR_DAYS, ROUNDED_ELAPSED, DateStyle


@dataclass(frozen=True)
class Profile:
    name: str
    generator: re.Pattern[str] | None = None  # matches the <meta name="generator"> content
    markers: tuple[str, ...] = ()  # substrings of the saved HTML only this CMS prints
    text_markers: tuple[str, ...] = ()  # what its default footer says, for text captures
    # the article's own heading, inside the content area (first match wins)
    title_selectors: tuple[str, ...] = ()
    # the element that holds the article text
    content_selectors: tuple[str, ...] = ()
    byline_selectors: tuple[str, ...] = ()
    breadcrumb_selectors: tuple[str, ...] = ()
    # elements around the article that are never part of it
    furniture_selectors: tuple[str, ...] = ()
    date_style: DateStyle = CALENDAR_DAYS
    # what <title> adds after the article title, besides the site name (og:site_name)
    title_suffixes: tuple[str, ...] = ()


_GENERIC_CONTENT = ("[itemprop=articleBody]", ".article-content", ".entry-content", ".post-content",
                    ".article-body", ".post-body", ".single-content", ".entry", ".content",
                    "#content", "article")
_GENERIC_BYLINE = (".byline", "[class*=meta]", "[class*=info]", "[class*=byline]")

TPURE = Profile(
    name="zblogphp-tpure",
    markers=("zb_users/theme/tpure/", "window.tpure="),
    text_markers=("Theme by TOYEAN",),
    title_selectors=(".post > h1",),
    content_selectors=(".single.postcon", ".postcon"),
    byline_selectors=(".post > .info",),
    breadcrumb_selectors=(".sitemap",),
    furniture_selectors=(".postcon > .tags", ".bdshare", ".pages", ".sidebar", ".relatecon .relateimg"),
    date_style=ROUNDED_ELAPSED,
)

ZBLOGPHP = Profile(
    name="zblogphp",
    generator=re.compile(r"Z-?Blog", re.I),
    markers=("zb_users/theme/", "zb_system/script/"),
    text_markers=("Powered By Z-BlogPHP",),
    title_selectors=("article h1", ".post h1", ".post-title"),
    content_selectors=_GENERIC_CONTENT,
    byline_selectors=_GENERIC_BYLINE,
)

DEDECMS = Profile(
    name="dedecms",
    generator=re.compile(r"DedeCMS", re.I),
    markers=("powered by dedecms", "/plus/count.php", "dedeajax2.js", 'class="placenav"'),
    text_markers=("Powered by DedeCms",),
    title_selectors=(".newsview .title h1", ".viewbox .title h2", ".article h1"),
    content_selectors=(".newsview .content", ".viewbox .content", ".content"),
    byline_selectors=(".newsview .info", ".viewbox .info", ".info"),
    breadcrumb_selectors=(".placenav", ".place"),
    furniture_selectors=(".cupage", ".actbar", ".context", ".comment", ".dede_pages"),
    title_suffixes=("powered by dedecms",),
)

PBOOTCMS = Profile(
    name="pbootcms",
    generator=re.compile(r"PbootCMS", re.I),
    markers=("pbootcms", "/static/upload/image/", 'class="sonsort', 'class="page-top'),
    text_markers=("Powered by PbootCMS",),
    title_selectors=(".pages > h2", ".pages > h1"),
    content_selectors=(".pages > .content", ".content"),
    byline_selectors=(".pages > .border-bottom", ".pages > .text-secondary"),
    breadcrumb_selectors=(".position",),
    furniture_selectors=(".page-top", ".sonsort", ".navbar"),
)

WORDPRESS = Profile(
    name="wordpress",
    generator=re.compile(r"WordPress", re.I),
    markers=("/wp-content/", "/wp-includes/"),
    text_markers=("Proudly powered by WordPress",),
    title_selectors=("article h1.entry-title", "h1.entry-title", ".entry-title"),
    content_selectors=(".entry-content", "[itemprop=articleBody]", "article"),
    byline_selectors=(".entry-meta", ".post-meta", ".byline"),
    breadcrumb_selectors=(".breadcrumbs", ".breadcrumb", "[class*=breadcrumb]"),
    furniture_selectors=(".sharedaddy", ".jp-relatedposts-headline", ".entry-footer",
                         ".post-navigation", ".comments-area", "#secondary"),
)

GENERIC = Profile(
    name="generic",
    title_selectors=("article h1",),
    content_selectors=_GENERIC_CONTENT,
    byline_selectors=_GENERIC_BYLINE,
)

# the order detection tries them: the most specific first
PROFILES: tuple[Profile, ...] = (TPURE, DEDECMS, PBOOTCMS, WORDPRESS, ZBLOGPHP)


def detect(html: str, generator: str | None) -> Profile:
    """The profile for a saved page, from its generator <meta> and the markup it prints."""
    lowered = html.lower()
    for profile in PROFILES:
        if any(marker.lower() in lowered for marker in profile.markers) and profile.generator is None:
            return profile  # a theme of a CMS: its markers say more than the generator
    if generator:
        for profile in PROFILES:
            if profile.generator is not None and profile.generator.search(generator):
                return profile
    for profile in PROFILES:
        if any(marker.lower() in lowered for marker in profile.markers):
            return profile
    return GENERIC


def detect_text(text: str) -> Profile:
    """The profile for a text capture: only the words a CMS's default footer prints are left."""
    lowered = text.lower()
    for profile in PROFILES:
        if any(marker.lower() in lowered for marker in profile.text_markers):
            return profile
    return GENERIC


def by_name(name: str) -> Profile:
    for profile in (*PROFILES, GENERIC):
        if profile.name == name:
            return profile
    raise KeyError(name)
