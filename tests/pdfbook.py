"""Reading a built PDF the way a reader (and a reviewer) would: text, outline, links, fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pdfplumber
import pypdf

MARGIN = 20 * 72 / 25.4  # the theme's top and bottom page margins, in points
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Text without any whitespace: line breaks in a PDF fall anywhere in Chinese text."""
    return _SPACE.sub("", text)


@dataclass
class OutlineEntry:
    level: int
    title: str
    page: int  # 1-based, as printed


class PdfBook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.reader = pypdf.PdfReader(self.path)

    @cached_property
    def _regions(self) -> list[tuple[str, str, str]]:
        """(header, body, footer) text of every page."""
        regions = []
        with pdfplumber.open(self.path) as pdf:
            for page, info in zip(pdf.pages, self.reader.pages):
                x0, y0, x1, y1 = page.bbox
                # margins are measured from the trim box, which a bleed makes smaller
                media, trim = info.mediabox, info.trimbox
                top = y0 + float(media.top) - float(trim.top) + MARGIN
                bottom = y1 - (float(trim.bottom) - float(media.bottom)) - MARGIN
                regions.append((
                    page.crop((x0, y0, x1, top)).extract_text() or "",
                    # a raised footnote mark belongs to the line it is raised from
                    page.crop((x0, top, x1, bottom)).extract_text(y_tolerance=5) or "",
                    page.crop((x0, bottom, x1, y1)).extract_text() or "",
                ))
        return regions

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)

    def header(self, page: int) -> str:
        return self._regions[page - 1][0]

    def body(self, page: int) -> str:
        return self._regions[page - 1][1]

    def footer(self, page: int) -> str:
        return self._regions[page - 1][2]

    def text(self, page: int) -> str:
        return "\n".join(self._regions[page - 1])

    def find_pages(self, needle: str) -> list[int]:
        """Pages whose body holds `needle` (whitespace ignored)."""
        needle = squeeze(needle)
        return [n for n in range(1, self.page_count + 1) if needle in squeeze(self.body(n))]

    def outline(self) -> list[OutlineEntry]:
        entries: list[OutlineEntry] = []

        def walk(items, level):
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    page = self.reader.get_destination_page_number(item) + 1
                    entries.append(OutlineEntry(level, item.title, page))

        walk(self.reader.outline, 1)
        return entries

    def uris(self) -> list[str]:
        """Every external link target, page by page, in order."""
        found = []
        for page in self.reader.pages:
            for annotation in page.get("/Annots", []) or []:
                action = annotation.get_object().get("/A")
                if action and action.get("/S") == "/URI":
                    found.append(str(action["/URI"]))
        return found

    def fonts(self) -> dict[str, bool]:
        """Font name -> whether the font program is embedded."""
        found: dict[str, bool] = {}
        for page in self.reader.pages:
            resources = page.get("/Resources") or {}
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                target = descendants[0].get_object() if descendants else font
                descriptor = (target.get("/FontDescriptor") or {})
                descriptor = descriptor.get_object() if descriptor else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[str(font.get("/BaseFont"))] = embedded
        return found

    @property
    def metadata(self) -> dict[str, str]:
        return {k: str(v) for k, v in (self.reader.metadata or {}).items()}

    @property
    def language(self) -> str | None:
        lang = self.reader.trailer["/Root"].get("/Lang")
        return str(lang) if lang is not None else None


def qr_codes(path: Path, page: int, dpi: int = 200) -> list[str]:
    """What the QR codes on a page say, read from the rendered page as a phone would."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[page - 1].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [code.text for code in zxingcpp.read_barcodes(image)
            if code.format == zxingcpp.BarcodeFormat.QRCode]
