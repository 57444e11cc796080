"""The EPUB renderer: one e-book per edition, with ebooklib (`book`)."""

from __future__ import annotations

import logging
from typing import Iterator

from .. import Rendered, Request
from ..cover import PendingCover, start_cover_image
from .book import RenderedEpub, render_epub

__all__ = ["render", "RenderedEpub", "render_epub"]
log = logging.getLogger("guidebuilder")


def render(request: Request) -> Iterator[Rendered]:
    """Each edition's e-book. The next edition's cover is started before this edition is made:
    it is drawn in a layout process of its own meanwhile, instead of after (most of the time
    of an edition of a short guide)."""
    book, theme, root, clients = request.book, request.theme, request.root, request.clients

    def started(index: int) -> PendingCover | None:
        return start_cover_image(book, theme, root, clients[index]) if index < len(clients) else None

    following = started(0)
    try:
        for index, client in enumerate(clients):
            cover, following = following, started(index + 1)
            epub = render_epub(book, theme, root, client, cover)
            log.info("%s: %d documents", book.guide.name, epub.documents)
            yield Rendered(client, epub.data, epub.warnings)
    finally:
        if following is not None:
            following.close()
