"""The e-book's cover image: the guide's own, or the theme's printed cover made into a PNG.

The printed cover is laid out and drawn in a layout process (`processes`) while the e-book's
documents are made, so an e-book build neither waits for it nor imports WeasyPrint itself."""

from __future__ import annotations

import mimetypes
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import GuideError, Problem
from ..model import Book, Edition
from ..theme import Theme
from .context import render_template
from .cover_drawing import drawn_cover
from .print_job import layout_job
from .processes import layout_pool

COVER_TYPES = {"image/png", "image/jpeg"}


@dataclass(frozen=True)
class PendingCover:
    """A cover image being made: its file name now, its bytes and WeasyPrint's warnings from
    `result()`, which waits for them; `close()` stops whatever is still making it."""

    name: str
    result: Callable[[], tuple[bytes, list[Problem]]]
    close: Callable[[], object] = lambda: None


def start_cover_image(book: Book, theme: Theme, root: Path, client: Edition | None = None,
                      pool: ProcessPoolExecutor | None = None) -> PendingCover:
    """The guide's own cover, or its printed cover being drawn in `pool`'s layout processes
    (in a layout process of its own if None)."""
    guide = book.guide
    if guide.cover is not None and client is None:
        path = guide.cover if guide.cover.is_absolute() else root / guide.cover
        kind = mimetypes.guess_type(path.name)[0]
        if kind not in COVER_TYPES or not path.is_file():
            raise GuideError(f"cover '{guide.cover}' must be an existing PNG or JPEG file",
                             guide.path, guide.line("cover"))
        image = path.read_bytes()
        return PendingCover(f"images/cover{path.suffix.lower()}", lambda: (image, []))
    html = render_template(theme, "cover_page.html", book, client=client)
    job = layout_job(html, book, theme, root, "", print_mode=False, identity="cover")
    if pool is not None:
        future = pool.submit(drawn_cover, job)
        return PendingCover("images/cover.png", future.result, future.cancel)
    own = layout_pool(1)
    future = own.submit(drawn_cover, job)
    return PendingCover("images/cover.png", future.result,
                        lambda: own.shutdown(wait=False, cancel_futures=True))
