"""The printed cover drawn as an image, in a layout process. A module of its own: a layout
process imports the module of the function it runs, and this one needs nothing but what the
drawing does (the forkserver has imported WeasyPrint already), not the templates and the
model that starting the cover takes."""

from __future__ import annotations

import io

from ..errors import Problem
from .layout_job import LayoutJob

COVER_HEIGHT_PX = 2000


def drawn_cover(job: LayoutJob) -> tuple[bytes, list[Problem]]:
    """The first page of the laid-out cover as a PNG COVER_HEIGHT_PX high."""
    import pypdfium2

    from .layout import lay_out

    laid_out = lay_out(job)
    document = pypdfium2.PdfDocument(laid_out.pdf)
    try:
        page = document[0]
        image = page.render(scale=COVER_HEIGHT_PX / page.get_height()).to_pil().convert("RGB")
    finally:
        document.close()
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue(), list(laid_out.warnings)
