"""Sitemaps (sitemaps.org): a `urlset` of pages with their `lastmod`, or a `sitemapindex`
naming further sitemaps; either may be gzip-compressed. Read with a cap on the unpacked size,
and refused if it declares a DTD (no entity expansion)."""

from __future__ import annotations

import gzip
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..errors import GuideError

MAX_UNPACKED = 50 * 1024 * 1024  # the protocol's own limit for one sitemap
_GZIP_MAGIC = b"\x1f\x8b"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None


@dataclass(frozen=True)
class Sitemap:
    pages: tuple[SitemapEntry, ...] = ()
    sitemaps: tuple[SitemapEntry, ...] = ()  # when it is an index


def looks_like_sitemap(body: bytes) -> bool:
    if body.startswith(_GZIP_MAGIC):
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<urlset" in body[:4096] or b"<sitemapindex" in body[:4096]) \
        or head.startswith((b"<urlset", b"<sitemapindex"))


def read_sitemap(body: bytes) -> Sitemap:
    if body.startswith(_GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as packed:
                body = packed.read(MAX_UNPACKED + 1)
        except (OSError, EOFError) as exc:
            raise GuideError(f"the sitemap's gzip data is damaged: {exc}") from None
        if len(body) > MAX_UNPACKED:
            raise GuideError("the sitemap unpacks to more than 50 MB; not read")
    root_at = min((i for i in (body.find(b"<urlset"), body.find(b"<sitemapindex")) if i >= 0),
                  default=len(body))
    if _DTD.search(body, 0, root_at):
        raise GuideError("the sitemap declares a DTD or entities; not read")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise GuideError(f"not a readable sitemap: {exc}", line=line) from None
    kind = _local(root.tag)
    if kind == "urlset":
        return Sitemap(pages=tuple(_entries(root, "url")))
    if kind == "sitemapindex":
        return Sitemap(sitemaps=tuple(_entries(root, "sitemap")))
    raise GuideError(f"not a sitemap: its root element is <{kind}>, not <urlset> or <sitemapindex>")


def _entries(root: ET.Element, item: str) -> list[SitemapEntry]:
    entries = []
    for element in root:
        if _local(element.tag) != item:
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in element}
        if fields.get("loc"):
            entries.append(SitemapEntry(fields["loc"], fields.get("lastmod") or None))
    return entries


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
