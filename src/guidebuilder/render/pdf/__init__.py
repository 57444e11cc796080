"""The PDF renderer: the book laid out once (`book`), then each client edition made from that
layout (`edition`)."""

from __future__ import annotations

import logging
from typing import Iterator

from .. import Rendered, Request
from .book import RenderedPdf, render_pdf
from .edition import render_edition_pdf

__all__ = ["render", "RenderedPdf", "render_pdf"]
log = logging.getLogger("guidebuilder")


def render(request: Request) -> Iterator[Rendered]:
    book, theme, root = request.book, request.theme, request.root
    base = render_pdf(book, theme, root, request.jobs, request.cache)
    log.info("%s: %d pages", book.guide.name, base.pages)
    for client in request.clients:
        if client is None:
            yield Rendered(None, base.data, base.warnings)
        else:
            edition = render_edition_pdf(base, book, theme, root, client)
            shared = [] if None in request.clients else base.warnings  # else said with the firm's
            yield Rendered(client, edition.data, shared + edition.warnings)
