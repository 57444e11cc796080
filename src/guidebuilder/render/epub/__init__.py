"""The EPUB renderer: one e-book per edition, with ebooklib (`book`)."""

from __future__ import annotations

import logging
from typing import Iterator

from .. import Rendered, Request
from ..cover import PendingCover, start_cover_image
from ..processes import layout_pool
from .book import RenderedEpub, render_epub

__all__ = ["render", "RenderedEpub", "render_epub"]
log = logging.getLogger("guidebuilder")


def render(request: Request) -> Iterator[Rendered]:
    """Each edition's e-book. The covers are drawn in layout processes kept for every edition
    (two at most: starting one, and its first layout, cost more than a cover), the next
    edition's started before this edition is made, so that it is drawn meanwhile."""
    book, theme, root, clients = request.book, request.theme, request.root, request.clients
    pool = layout_pool(2 if len(clients) > 1 else 1)

    def started(index: int) -> PendingCover | None:
        if index == len(clients):
            return None
        return start_cover_image(book, theme, root, clients[index], pool)

    following = None
    try:
        following = started(0)
        for index, client in enumerate(clients):
            cover, following = following, started(index + 1)
            epub = render_epub(book, theme, root, client, cover)
            log.info("%s: %d documents", book.guide.name, epub.documents)
            yield Rendered(client, epub.data, epub.warnings)
    finally:
        if following is not None:
            following.close()
        pool.shutdown(wait=False, cancel_futures=True)
