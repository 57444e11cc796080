"""The EPUB renderer: one e-book per edition, with ebooklib (`book`)."""

from __future__ import annotations

import logging
from typing import Iterator

from .. import Rendered, Request
from .book import RenderedEpub, render_epub

__all__ = ["render", "RenderedEpub", "render_epub"]
log = logging.getLogger("guidebuilder")


def render(request: Request) -> Iterator[Rendered]:
    for client in request.clients:
        epub = render_epub(request.book, request.theme, request.root, client)
        log.info("%s: %d documents", request.book.guide.name, epub.documents)
        yield Rendered(client, epub.data, epub.warnings)
