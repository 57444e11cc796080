"""The book as a PDF, with WeasyPrint.

WeasyPrint reports problems through its logger instead of raising; they are captured here and
handed back as warnings. Its URL fetcher is replaced by one that serves only `data:` URLs and
files inside the project's articles/ and the theme's folders: article HTML is untrusted.
"""

from __future__ import annotations

import hashlib
import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.request import url2pathname

import segno
import weasyprint
from weasyprint.urls import URLFetcher

from ..model import Book
from ..theme import Theme
from .html import render_template


class ProjectFetcher(URLFetcher):
    """Serves `data:` URLs and files under the allowed folders; refuses everything else."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols=["data", "file"])
        self.allowed = [p.resolve() for p in allowed]

    def fetch(self, url: str, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(url.removeprefix("file:").split("?")[0]))
            real = path.resolve()
            if not any(real.is_relative_to(folder) for folder in self.allowed):
                raise ValueError(f"refused {url}: outside the project's articles and theme")
        elif not url.startswith("data:"):
            raise ValueError(f"refused {url}: a guide is built without the network")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())


@contextmanager
def captured_weasyprint_log() -> Iterator[list[str]]:
    """Every warning and error WeasyPrint logs while the block runs."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def qr_svg(url: str) -> str:
    """A QR code of `url` as inline SVG: vector, so it stays crisp at any print size."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(border=4, omitsize=True, dark="#000000", light="#ffffff")


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    front_pages: int  # the cover and title page, which a client edition replaces
    warnings: list[str]


def layout(html: str, book: Book, theme: Theme, root: Path, *,
           print_mode: bool | None = None) -> tuple[weasyprint.Document, list[str]]:
    """Lay out themed HTML with the theme's print stylesheets at the guide's page size."""
    guide = book.guide
    stylesheets = theme.stylesheets("print")
    if guide.print_mode if print_mode is None else print_mode:
        stylesheets += theme.stylesheets("print-mode")
    fetcher = ProjectFetcher([root / "articles", *theme.folders])
    with captured_weasyprint_log() as warnings:
        css = [weasyprint.CSS(filename=str(p), url_fetcher=fetcher) for p in stylesheets]
        css.append(weasyprint.CSS(string=f"@page {{ size: {guide.page_size}; }}"))
        document = weasyprint.HTML(string=html, base_url=(root / "articles").as_uri() + "/",
                                   url_fetcher=fetcher).render(stylesheets=css)
    return document, warnings


def pdf_bytes(document: weasyprint.Document, identity: str) -> bytes:
    """The PDF of a laid-out document, with a file identifier that depends only on `identity`."""
    identifier = hashlib.sha256(identity.encode()).hexdigest()[:32]
    output = io.BytesIO()
    with captured_weasyprint_log():
        document.write_pdf(output, pdf_identifier=identifier.encode())
    return output.getvalue()


def page_of(document: weasyprint.Document, anchor: str) -> int:
    """The 0-based index of the page holding `anchor`."""
    return next(i for i, page in enumerate(document.pages) if anchor in page.anchors)


def render_pdf(book: Book, theme: Theme, root: Path) -> RenderedPdf:
    """The PDF in memory, with WeasyPrint's warnings. Nothing is written here."""
    html = render_template(theme, "book.html", book, qr=qr_svg)
    document, warnings = layout(html, book, theme, root)
    data = pdf_bytes(document, f"{book.guide.name}\0{book.guide.edition}")
    return RenderedPdf(data, len(document.pages), page_of(document, "copyright-page"), warnings)
