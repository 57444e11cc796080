"""Articles + a guide definition -> the book: selection, parts in order, cross-references."""

from __future__ import annotations

import calendar
import datetime as dt

from .errors import Problems
from .model import (
    Article,
    Book,
    Category,
    Chapter,
    Corpus,
    Guide,
    Part,
    RelatedLink,
    RelatedRef,
    Unread,
)


class ArticleIndex:
    """Finds an article by source_url, slug or exact title, as `related:` and `include:` allow."""

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self._by_key: dict[str, list[Article]] = {}
        for article in articles:
            for key in {article.source_url, article.slug, article.title} - {None}:
                self._by_key.setdefault(key, []).append(article)

    def find(self, key: str) -> list[Article]:
        return self._by_key.get(key, []) or self._by_key.get(key.rstrip("/"), [])


REPRINT_NOTICE = "本文为转载文章，著作权归原作者所有。"
REPRINT_NOTICE_NAMING = "本文转载自《{title}》，著作权归原作者所有。"


def notice(article: Article, guide: Guide) -> str | None:
    """The notice printed after an article: its own, else the guide's — for a reprint the
    guide's reprint notice (by default one naming the original), never the firm's own."""
    if article.copyright:
        return article.copyright
    if not article.is_reprint:
        return guide.copyright.notice
    if guide.copyright.reprint_notice:
        return guide.copyright.reprint_notice
    original = article.reprinted_from
    if original and original.title and original.title != original.url:
        return REPRINT_NOTICE_NAMING.format(title=original.title.strip("《》"))
    return REPRINT_NOTICE


def check_sources(corpus: Corpus, problems: Problems) -> None:
    """Articles that would reach a client without their link, or with a notice that
    contradicts their origin, are reported once each."""
    for article in corpus.articles:
        if not article.source_url:
            problems.warn("no source_url: the guide prints this article without its link and "
                          "QR code (add its permalink, or set origin and source_url)",
                          article.path, 1)
        if article.is_reprint and article.copyright and "原创" in article.copyright:
            problems.warn("a reprint (origin: reprint) whose copyright notice says 原创: the "
                          "notice printed after it would be untrue", article.path, 1)


def check_related(corpus: Corpus, problems: Problems) -> ArticleIndex:
    """Every `related:` entry of the corpus must name exactly one other article."""
    index = ArticleIndex(corpus.articles)
    check_sources(corpus, problems)
    waiting: list[tuple[Article, RelatedRef]] = []
    for article in corpus.articles:
        for ref in article.related:
            if ref.key is None:
                continue
            found = index.find(ref.key)
            if not found and any(ref.key in u.keys for u in corpus.unread):
                continue
            if not found and ref.pending:
                waiting.append((article, ref))
            elif not found:
                problems.error(f"related '{ref.key}' matches no article (give its source_url, "
                               "slug or exact title, or {title, url} for an outside page)",
                               article.path, ref.line)
            elif len(found) > 1:
                problems.error(f"related '{ref.key}' matches {len(found)} articles; use a "
                               "source_url or slug", article.path, ref.line)
            elif found[0] is article:
                problems.warn("an article lists itself as related; ignored", article.path, ref.line)
    if waiting:  # said once, not once an article: they are expected after an import
        article, ref = waiting[0]
        problems.warn(f"{len(waiting)} related title(s) match no article yet and are not printed "
                      f"until those articles are imported (the first: '{ref.key}')",
                      article.path, ref.line)
    return index


def _find_category(corpus: Corpus, name: str) -> Category | None:
    return next((c for c in corpus.categories if name in (c.name, c.folder)), None)


def _selected(guide: Guide, article: Article) -> bool:
    if guide.tags and not set(guide.tags) & set(article.tags):
        return False
    if (guide.since or guide.until) and article.date is None:
        return False
    if guide.since and article.date < guide.since:
        return False
    if guide.until and article.date > guide.until:
        return False
    return True


def _keys(guide: Guide, key: str, index: ArticleIndex, problems: Problems,
          unread: tuple[Unread, ...] = ()) -> set[str]:
    """The slugs named by a guide's `include:` or `exclude:` list (an article that could not
    be read has had its errors reported: naming it is not another one)."""
    slugs = set()
    for i, name in enumerate(getattr(guide, key)):
        found = index.find(name)
        if not found and any(name in u.keys for u in unread):
            continue
        if len(found) != 1:
            problems.error(f"{key} '{name}' matches {'no' if not found else 'more than one'} "
                           "article", guide.path, guide.line(key, i))
        else:
            slugs.add(found[0].slug)
    return slugs


def _related(article: Article, ref: RelatedRef, index: ArticleIndex,
             in_book: set[str]) -> RelatedLink | None:
    if ref.link is not None:
        return RelatedLink(title=ref.link.title, url=ref.link.url)
    found = index.find(ref.key or "")
    if len(found) != 1 or found[0] is article:
        return None
    target = found[0]
    return RelatedLink(title=target.title, url=target.source_url,
                       target=target if target.slug in in_book else None)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` earlier, or that month's last day if it is shorter
    (2026-08-31 minus 6 months: 2026-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def _warn_stale(guide: Guide, articles: list[Article], problems: Problems) -> None:
    """Articles not updated within the guide's `stale_after_months` before its date."""
    if not guide.stale_after_months or not guide.date:
        return
    limit = months_before(guide.date, guide.stale_after_months)
    for article in articles:
        current = article.updated or article.date
        if current is not None and current < limit:
            problems.warn(f"last updated {current.isoformat()}, more than "
                          f"{guide.stale_after_months} months before the guide's date "
                          f"{guide.date.isoformat()} (guide {guide.name})", article.path)


def assemble(corpus: Corpus, guide: Guide, problems: Problems) -> Book:
    """The book for one guide. Errors go to `problems`; the caller raises if there are any.
    (The corpus's `related:` entries are checked once for all guides, by check_related.)"""
    index = ArticleIndex(corpus.articles)
    included = _keys(guide, "include", index, problems, corpus.unread)
    excluded = _keys(guide, "exclude", index, problems, corpus.unread)
    selected: list[tuple[Category, list[Article]]] = []
    for i, name in enumerate(guide.categories):
        category = _find_category(corpus, name)
        line = guide.line("categories", i)
        if category is None:
            known = ", ".join(c.name for c in corpus.categories) or "none"
            problems.error(f"unknown category '{name}' (categories: {known})", guide.path, line)
            continue
        if any(category is chosen for chosen, _ in selected):
            problems.error(f"category '{name}' is listed twice", guide.path, line)
            continue
        articles = [a for a in corpus.in_category(category.name)
                    if (_selected(guide, a) or a.slug in included) and a.slug not in excluded]
        if not corpus.in_category(category.name):
            if any(u.category == category.name for u in corpus.unread):
                continue
            problems.error(f"category '{name}' has no articles", guide.path, line)
        elif not articles:
            problems.error(f"no article of category '{name}' matches the guide's selection",
                           guide.path, line)
        selected.append((category, articles))
    chosen = {a.slug for _, articles in selected for a in articles}
    for slug in sorted(included - chosen):
        article = index.find(slug)[0]
        problems.error(f"include '{slug}' is in category '{article.category}', which is not "
                       "one of the guide's categories", guide.path, guide.line("include"))
    _warn_stale(guide, [a for _, articles in selected for a in articles], problems)
    if guide.require_source_url:
        for article in (a for _, articles in selected for a in articles if not a.source_url):
            problems.error(f"guide '{guide.name}' requires a source_url on every article "
                           "(require_source_url: true)", article.path, 1)
    parts = []
    for category, articles in selected:
        chapters = tuple(
            Chapter(
                article=a,
                related=tuple(r for ref in a.related if (r := _related(a, ref, index, chosen))),
                copyright=notice(a, guide),
            )
            for a in articles
        )
        parts.append(Part(category=category, chapters=chapters))
    return Book(guide=guide, parts=tuple(parts))
