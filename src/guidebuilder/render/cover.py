"""The e-book's cover image: the guide's own, or the theme's printed cover made into a PNG."""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path

import pypdfium2

from ..errors import GuideError, Problem
from ..model import Book, Edition
from ..theme import Theme
from .context import render_template
from .print_job import lay_out_alone

COVER_HEIGHT_PX = 2000
COVER_TYPES = {"image/png", "image/jpeg"}


def cover_image(book: Book, theme: Theme, root: Path,
                client: Edition | None = None) -> tuple[str, bytes, list[Problem]]:
    """(file name, bytes, warnings) of the cover image."""
    guide = book.guide
    if guide.cover is not None and client is None:
        path = guide.cover if guide.cover.is_absolute() else root / guide.cover
        kind = mimetypes.guess_type(path.name)[0]
        if kind not in COVER_TYPES or not path.is_file():
            raise GuideError(f"cover '{guide.cover}' must be an existing PNG or JPEG file",
                             guide.path, guide.line("cover"))
        return f"images/cover{path.suffix.lower()}", path.read_bytes(), []
    html = render_template(theme, "cover_page.html", book, client=client)
    laid_out = lay_out_alone(html, book, theme, root, "cover", print_mode=False)
    document = pypdfium2.PdfDocument(laid_out.pdf)
    try:
        page = document[0]
        scale = COVER_HEIGHT_PX / page.get_height()
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    output = io.BytesIO()
    image.save(output, format="PNG")
    return "images/cover.png", output.getvalue(), list(laid_out.warnings)
