"""The PDF renderer: the book laid out once (`book`), then each client edition made from that
layout (`edition`). Both are imported when a PDF is rendered, not before: they load WeasyPrint,
which a build of the EPUB alone does not need."""

from __future__ import annotations

import logging
from typing import Iterator

from .. import Rendered, Request

log = logging.getLogger("guidebuilder")


def render(request: Request) -> Iterator[Rendered]:
    from .book import render_pdf
    from .edition import render_edition_pdf
    from .layout_cache import LayoutCache

    book, theme, root = request.book, request.theme, request.root
    cache = LayoutCache(request.cache_folder) if request.cache_folder else None
    base = render_pdf(book, theme, root, request.scratch, request.jobs, cache, request.cluster)
    if cache:
        cache.prune()
    log.info("%s: %d pages", book.guide.name, base.pages)
    for client in request.clients:
        if client is None:
            yield Rendered(None, base.file, base.warnings)
        else:
            edition = render_edition_pdf(base, book, theme, root, client, request.scratch)
            shared = [] if None in request.clients else base.warnings  # else said with the firm's
            yield Rendered(client, edition.file, shared + edition.warnings)
            edition.file.unlink()
