"""Client editions of the PDF, made from the firm's edition without laying the book out again.

The book is laid out once. For each client, only the cover and title page are laid out anew
(they say who the edition is for); they replace the first pages, and every page but the cover
and the blank pages (unless the theme's `edition_overlay_everywhere` option says so) gets an
overlay with the client's footer line and, if asked, a light diagonal watermark. The watermark
is an image, so the page text (and its extraction) stays exactly as it was.
"""

from __future__ import annotations

import base64
import io
import math
import re
import unicodedata
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from ... import fonts
from ...errors import GuideError
from ...files import scratch_file
from ...model import PAGE_SIZES, Book, Edition
from ...theme import Theme
from ..context import render_template, visible_text
from ..print_job import lay_out_alone
from .book import RenderedPdf
from .merge import draw_on_page

PAGE_MM = {size.name: (size.width_mm, size.height_mm) for size in PAGE_SIZES.values()}
WATERMARK_DPI = 100
EDITION_LINE_MAX_PT = 6.0
EDITION_LINE_MARGINS_MM = 24  # the line's side margins and a little air
_EDITION_LINE = re.compile(r'<p class="edition-line"[^>]*>(.*?)</p>', re.S)


def edition_line_size(html: str, page_size: str) -> float:
    """The font size (pt) at which the client's footer line fits the page's width on one
    line: at most 6pt, less for a long name or contact (an estimate: full-width characters
    one em, others about 0.6)."""
    found = _EDITION_LINE.search(html)
    if not found:
        return EDITION_LINE_MAX_PT
    text = " ".join(visible_text(found.group(1)).split())
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
    width_pt = (PAGE_MM[page_size][0] - EDITION_LINE_MARGINS_MM) / 25.4 * 72
    return round(min(EDITION_LINE_MAX_PT, width_pt / max(ems, 1.0)), 2)


def watermark_png(text: str, page_size: str, theme: Theme) -> bytes:
    """Light grey text repeated along diagonals, on a transparent page-sized image."""
    width_mm, height_mm = PAGE_MM[page_size]
    width, height = (round(v / 25.4 * WATERMARK_DPI) for v in (width_mm, height_mm))
    font_file = fonts.installed(theme.fonts[-1])[0]
    font = ImageFont.truetype(font_file.file, size=round(WATERMARK_DPI * 0.32),
                              index=font_file.index)
    side = math.ceil(math.hypot(width, height))
    canvas = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    step_x = round(draw.textlength(text, font=font)) + WATERMARK_DPI
    step_y = WATERMARK_DPI * 2
    for row, y in enumerate(range(0, side, step_y)):
        for x in range(-step_x + (row % 2) * step_x // 2, side, step_x):
            draw.text((x, y), text, font=font, fill=(110, 120, 132, 26))
    rotated = canvas.rotate(30, resample=Image.Resampling.BICUBIC)
    left, top = (side - width) // 2, (side - height) // 2
    output = io.BytesIO()
    rotated.crop((left, top, left + width, top + height)).save(output, format="PNG")
    return output.getvalue()


def render_edition_pdf(base: RenderedPdf, book: Book, theme: Theme, root: Path, client: Edition,
                       scratch: Path) -> RenderedPdf:
    """The client's edition, written in the `scratch` folder."""
    guide = book.guide
    image = None
    if client.watermark:
        image = "data:image/png;base64," + base64.b64encode(
            watermark_png(client.watermark, guide.page_size, theme)).decode("ascii")
    html = render_template(theme, "edition_pages.html", book, client=client,
                           watermark_image=image, edition_line_size=EDITION_LINE_MAX_PT)
    size = edition_line_size(html, guide.page_size)
    if size != EDITION_LINE_MAX_PT:
        html = render_template(theme, "edition_pages.html", book, client=client,
                               watermark_image=image, edition_line_size=size)
    pages = lay_out_alone(html, book, theme, root, f"{guide.name}\0{guide.edition}\0{client.slug}")
    if len(pages.pages) != base.front_pages + 1:
        raise GuideError(f"theme '{theme.name}': edition_pages.html makes {len(pages.pages)} "
                         f"pages; it must make the {base.front_pages} front pages of the book "
                         "and one overlay page")
    everywhere = theme.options.get("edition_overlay_everywhere", False) is True
    file = scratch_file(scratch, ".pdf")
    _compose(base.file, pages.pdf, base.front_pages, client,
             () if everywhere else base.bare_pages, file)
    return RenderedPdf(file, base.pages, base.front_pages, list(pages.warnings), base.bare_pages)


OVERLAY = pikepdf.Name("/GuidebuilderOverlay")


def _stamp(pdf: pikepdf.Pdf, form: pikepdf.Object, bare: tuple[int, ...]) -> None:
    """Draw `form` over every page but the `bare` ones (indices), scaled from its box to the
    page's. (pikepdf's add_overlay names the resource randomly, which would make the output
    differ from build to build.)"""
    box = pikepdf.Rectangle(form.BBox)
    resources = {"/XObject": pikepdf.Dictionary({str(OVERLAY): form})}
    shared: dict = {}
    skipped = set(bare)
    for index, page in enumerate(pdf.pages):
        if index in skipped:
            continue
        target = pikepdf.Rectangle(page.mediabox)
        sx, sy = target.width / box.width, target.height / box.height
        matrix = [sx, 0, 0, sy, target.llx - box.llx * sx, target.lly - box.lly * sy]
        draw = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") for v in matrix)
        draw_on_page(pdf, page, f"q {draw} cm {OVERLAY} Do Q\n".encode(), resources, shared,
                     OVERLAY)


def _compose(base: Path, edition_pages: bytes, front_pages: int, client: Edition,
             bare: tuple[int, ...], file: Path) -> None:
    with pikepdf.open(base) as pdf, pikepdf.open(io.BytesIO(edition_pages)) as new:
        for index in range(front_pages):
            pdf.pages[index] = new.pages[index]
        _stamp(pdf, pdf.copy_foreign(new.pages[front_pages].as_form_xobject()), bare)
        pdf.docinfo["/GuidebuilderClient"] = client.name
        pdf.docinfo["/GuidebuilderEditionID"] = client.edition_id
        if client.lawyer:
            pdf.docinfo["/GuidebuilderLawyer"] = client.lawyer
        pdf.save(file, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
