"""Saved HTML of an article page -> Page.

The CMS's markup is read by what it says rather than by one theme's class names: the breadcrumb
is the block that starts with 当前位置, the copyright block the one that starts with 版权声明, the
related list the links under a heading ending in 相关文章. Where a CMS puts the title, byline
and text comes from its profile (profiles.py); the text itself is walked in html_body.py.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from . import cms
from .body import Line, blocks
from .damage import clean_line
from .dates import DATE_PATTERN, AsOf, read_date
from .html_body import CONTAINERS, HEADINGS, BodyReader, flat
from .page import Block, Note, Page, RelatedTitle
from .profiles import GENERIC, Profile, detect
from .titles import TitleEvidence, choose_title, title_less_suffix

_DROPPED = ["script", "style", "noscript", "template", "svg", "iframe", "form", "button",
            "input", "select", "textarea", "link", "object", "embed"]
_BREAK = "\x00"
_LABEL_START = re.compile(r"(?:您当前的位置|您当前位置|您现在的位置|您的位置|当前位置|当前的位置|您現在的位置|當前位置|目前位置)\s*[:：]")


def read_html_page(text: str, source: str, encoding: str, as_of: AsOf | None,
                   saved_from: str | None = None, fetched: bool = False) -> Page:
    """`saved_from`: the address the page was saved from, where the file says it (MHTML), or
    fetched from; relative links are read against it, but it is not taken as the article's
    source_url. The images of a `fetched` page are kept in its body, to be fetched in turn."""
    return _PageReader(text, as_of).page(source, encoding, saved_from, fetched)


class _PageReader:
    def __init__(self, text: str, as_of: AsOf | None) -> None:
        self.soup = BeautifulSoup(text, "html.parser")
        generator = self.soup.find("meta", attrs={"name": re.compile("^generator$", re.I)})
        self.profile: Profile = detect(text, generator.get("content") if generator else None)
        self.meta = {key: flat(self._meta(key) or "") for key in
                     ("og:title", "og:site_name", "article:author", "author")}
        self.document_title = flat(self.soup.title.get_text("")) if self.soup.title else ""
        canonical = self.soup.find("link", attrs={"rel": "canonical"})
        self.canonical = next((url.strip() for url in (canonical.get("href", "") if canonical else "",
                                                       self._meta("og:url") or "")
                               if cms.URL.fullmatch(url.strip())), None)
        tagged = self.soup.find("a", attrs={"rel": "category"})  # WordPress: rel="category tag"
        self.tagged_category = flat(tagged.get_text("")) if tagged is not None else None
        for tag in self.soup(_DROPPED):
            tag.decompose()
        for selector in self.profile.furniture_selectors:
            for tag in self.soup.select(selector):
                tag.decompose()
        self.as_of = as_of
        self.notes: list[Note] = []
        self.chrome: set[int] = set()  # id()s of elements that are page furniture, not body
        self.ends: set[int] = set()  # id()s of elements at which the body has ended

    def page(self, source: str, encoding: str, saved_from: str | None = None,
             fetched: bool = False) -> Page:
        title = self._title()
        self.title_at = _position(self.title_element) if self.title_element is not None else None
        levels = self._breadcrumb()
        category = cms.category_from_levels(levels, title)
        author, date, byline_category = self._byline()
        byline_category = byline_category or self.tagged_category
        if byline_category and not category:
            category = byline_category
        elif byline_category and byline_category != category:
            self.notes.append(Note(f"the byline says category '{byline_category}', the "
                                   f"breadcrumb '{category}'; the breadcrumb is used"))
        source_url = self._permalink()
        copyright = self._copyright()
        related = self._related(source_url or saved_from)
        self._mark_ends()
        container = self._body_container()
        body: tuple[Block, ...] = ()
        images: list[str] = []
        if container is not None:
            items: list[Line | Block] = []
            reader = BodyReader(self.chrome, self.ends, self._clean, self.notes,
                                image_base=saved_from if fetched else None)
            reader.walk(container, items)
            body = blocks(items)
            images = reader.images
        why_no_title = None if title else ("the page has no article heading, og:title or <title> "
                                           "that reads as a title (the site's name is not one)")
        return Page(source=source, kind="html", encoding=encoding, profile=self.profile.name,
                    why_no_title=why_no_title,
                    title=title,
                    category=category, author=author, date=date, source_url=source_url,
                    copyright=copyright, related=related, body=body, images=tuple(images),
                    notes=tuple(sorted(self.notes, key=lambda n: n.line or 0)))

    # --- text helpers -------------------------------------------------------------------

    def _clean(self, text: str, line: int | None) -> str:
        cleaned, notes = clean_line(text, line)
        self.notes.extend(notes)
        return cleaned

    def _text(self, element: Tag) -> str:
        return flat(self._clean(element.get_text(""), element.sourceline))

    def _lines(self, element: Tag) -> list[str]:
        """The element's text, one entry per line as shown (split at <br> and blocks)."""
        parts = []
        for node in element.descendants:
            if isinstance(node, NavigableString) and not isinstance(node, Comment):
                parts.append(str(node))
            elif isinstance(node, Tag) and (node.name == "br" or node.name in CONTAINERS
                                            or node.name == "li"):
                parts.append(_BREAK)
        text = self._clean("".join(parts).replace(_BREAK, "\n\n"), element.sourceline)
        return [flat(p) for p in re.split(r"\n\s*\n", text) if flat(p)]

    def _block_of(self, node) -> Tag:
        element = node if isinstance(node, Tag) else node.parent
        while element.parent is not None and element.name not in CONTAINERS | {"li"} | set(HEADINGS):
            element = element.parent
        return element

    def _strings(self, pattern: re.Pattern[str]):
        return self.soup.find_all(string=lambda s: not isinstance(s, Comment) and bool(pattern.match(s.strip())))

    # --- the page's parts ---------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        found = self.soup.find("meta", attrs={"property": key}) or self.soup.find("meta", attrs={"name": key})
        return found.get("content") if found is not None else None

    def _title(self) -> str | None:
        """The article's title from the page's own evidence, in order: its heading inside the
        content area, og:title, <title> less the site's suffix; a disagreement is noted."""
        self.title_element = self._heading()
        heading = self._text(self.title_element) if self.title_element is not None else None
        evidence = TitleEvidence(
            heading=heading,
            og_title=self.meta["og:title"] or None,
            document_title=title_less_suffix(self.document_title, self.meta["og:site_name"],
                                             self.profile.title_suffixes) or None)
        title, notes = choose_title(evidence, self._site_names())
        line = self.title_element.sourceline if self.title_element is not None else None
        self.notes.extend(Note(message, line) for message in notes)
        if self.title_element is not None and title == heading:
            self.chrome.add(id(self.title_element))
        else:
            self.title_element = None
        return title

    def _site_names(self) -> set[str]:
        """What names the site rather than the article: og:site_name, the logo, the header."""
        names = {self.meta["og:site_name"]}
        for element in self.soup.select("header .site-title, .logo, [class*=logo], .site-title, "
                                        ".site-name, .navbar-brand, #logo"):
            names.add(flat(element.get_text("")))
        return names - {"", None}

    def _heading(self) -> Tag | None:
        """The article's own heading: where the CMS's template puts it, or a heading the
        page's og:title or <title> confirms."""
        for selector in self.profile.title_selectors:
            for element in self.soup.select(selector):
                if flat(element.get_text("")):
                    return element
        said = {self.meta["og:title"], title_less_suffix(self.document_title, self.meta["og:site_name"],
                                                         self.profile.title_suffixes)} - {"", None}
        for element in self.soup.find_all(["h1", "h2", "h3"]):
            text = flat(element.get_text(""))
            if text and (text in said or (len(text) >= 4 and self.document_title.startswith(text))):
                return element
        return None

    def _breadcrumb(self) -> list[str]:
        for string in self._strings(re.compile(rf"^[•·●>»*-]?\s*{_LABEL_START.pattern}")):
            element = self._block_of(string)
            self.chrome.add(id(element))
            match = cms.BREADCRUMB.match(self._text(element))
            if match is None:
                continue
            levels = cms.breadcrumb_levels(match.group("trail"))
            if len(levels) <= 1 and element.find("a"):
                # separators drawn by CSS: the links and the last bit of text are the levels
                trail = [flat(a.get_text("")) for a in element.find_all(["a", "span"]) if flat(a.get_text(""))]
                levels = cms.breadcrumb_levels(" > ".join(t for t in trail if not _LABEL_START.match(t)))
            return levels
        selectors = (*self.profile.breadcrumb_selectors, "[class*=breadcrumb]", "[class*=crumb]",
                     "[id*=breadcrumb]")
        crumbs = next((found for selector in selectors if (found := self.soup.select_one(selector))), None)
        if crumbs is None:
            return []
        self.chrome.add(id(crumbs))
        return cms.breadcrumb_levels(" > ".join(flat(a.get_text("")) for a in crumbs.find_all("a")))

    def _byline(self):
        selectors = (*self.profile.byline_selectors, *GENERIC.byline_selectors)
        meta_author = cms.author_name(self.meta["article:author"] or self.meta["author"])
        for selector in selectors:
            for element in self.soup.select(selector):
                if self.title_at and _position(element) < self.title_at:
                    continue
                found = self._read_byline(element)
                if found is not None:
                    author, date, category = found
                    return author or meta_author, date, category
        # no class says which it is: the first short line with a date right under the title
        if self.title_element is not None:
            for element in self.title_element.find_all_next(["p", "div", "span", "time"], limit=8):
                if element.find(["p", "div"]) is None and (found := self._read_byline(element)):
                    author, date, category = found
                    return author or meta_author, date, category
        return meta_author, None, None

    def _read_byline(self, element: Tag):
        text = self._text(element)
        time = element.find("time", attrs={"datetime": True})
        if len(text) > cms.BYLINE_MAX or not (time or DATE_PATTERN.search(text)):
            return None
        self.chrome.add(id(element))
        style = self.profile.date_style
        byline = cms.read_byline(text, self.as_of, style)
        author = self._part(element, "[rel~=author], [itemprop=author], [class*=author], .user")
        category = self._part(element, "a[rel~=category], [class*=categ], [class*=cat]")
        reading = None
        if time is not None and (match := DATE_PATTERN.search(time["datetime"])):
            reading = read_date(match, self.as_of, style)
        elif byline is not None:
            reading = byline.date
        if reading is not None and reading.why_not:
            self.notes.append(Note(f"date left out: {reading.why_not}", element.sourceline))
        author = cms.author_name(author) or (byline.author if byline else None)
        category = category or (byline.category if byline else None)
        return author, reading.date if reading else None, category

    def _part(self, element: Tag, selector: str) -> str | None:
        part = element.select_one(selector)
        if part is None:
            return None
        return re.sub(r"^(?:作者|分类|栏目|by)\s*[:：]?\s*", "", flat(part.get_text("")), flags=re.I) or None

    def _permalink(self) -> str | None:
        for string in self._strings(re.compile(r"^本文链接\s*[:：]")):
            element = self._block_of(string)
            self.ends.add(id(element))
            for link in element.find_all("a", href=True):
                if cms.URL.fullmatch(link["href"].strip()):
                    return link["href"].strip()
            for line in self._lines(element):
                if (match := cms.PERMALINK.match(line)) and cms.URL.fullmatch(match.group("url")):
                    return match.group("url")
        return self.canonical

    def _copyright(self) -> str | None:
        for string in self._strings(re.compile(r"^版权声明")):
            element = self._block_of(string)
            self.ends.add(id(element))
            for line in self._lines(element):
                if cms.COPYRIGHT.match(line):
                    return line
        return None

    def _mark_ends(self) -> None:
        for pattern in (cms.QR_LINE, cms.NAVIGATION):
            for string in self._strings(pattern):
                self.ends.add(id(self._block_of(string)))

    def _related(self, base: str | None) -> tuple[RelatedTitle, ...]:
        for string in self._strings(cms.RELATED_HEADING):
            if len(string.strip()) > 100:
                continue
            heading = self._block_of(string)
            if self.title_at and _position(heading) < self.title_at:
                # a sidebar's list above the article: furniture, not the article's end
                holder = heading.parent
                inside = holder is not None and self.title_element in holder.descendants
                self.chrome.add(id(heading if inside or holder is None else holder))
                continue
            self.ends.add(id(heading))
            links = []
            level = heading
            for _ in range(3):
                for sibling in level.find_next_siblings():
                    if sibling.name in HEADINGS or sibling.name in ("footer", "nav"):
                        break
                    links.extend(sibling.find_all("a", href=True) if sibling.name != "a" else [sibling])
                if links or level.parent is None:
                    break
                level = level.parent
            related, seen = [], set()
            for link in links:
                title = flat(link.get_text("")) or flat(link.get("title", ""))
                if not title or title in seen or cms.is_excerpt(title):
                    continue
                seen.add(title)
                url = urljoin(base, link["href"].strip()) if base else link["href"].strip()
                related.append(RelatedTitle(title, url if cms.URL.fullmatch(url) else None,
                                            link.sourceline))
            return tuple(related)
        return ()

    def _body_container(self) -> Tag | None:
        for selector in (*self.profile.content_selectors, *GENERIC.content_selectors):
            for element in self.soup.select(selector):
                if id(element) not in self.chrome and flat(element.get_text("")):
                    return element
        # no container any CMS names: the block that holds the title holds the text
        if self.title_element is not None and self.title_element.parent is not None:
            return self.title_element.parent
        return None


def _position(element: Tag) -> tuple[int, int]:
    return element.sourceline or 0, element.sourcepos or 0
