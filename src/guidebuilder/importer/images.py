"""A fetched article's images: fetched from the same site, checked by their content (Pillow
must read them as PNG, JPEG, GIF or WebP, whatever the address or the server says), kept in
`.cache/import/images/`, and copied beside the article as `images/<slug>-<n>.<ext>`, where its
Markdown then points. An image that cannot be had is left out of the body, and the report says why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..errors import GuideError
from ..files import write_atomically
from .html_body import IMAGE_MARK
from .page import Block, Heading, ItemList, Note, Page, Paragraph, Quote, Table

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}


@dataclass(frozen=True)
class FetchedImage:
    url: str
    file: Path | None = None  # in .cache/import/images/, when it could be had
    why_not: str | None = None


def image_extension(data: bytes) -> str:
    """The extension of the image these bytes are, read from the bytes themselves."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise GuideError("not an image Pillow can read") from None
    if kind not in EXTENSIONS:
        raise GuideError(f"a {kind} image (PNG, JPEG, GIF or WebP are taken)")
    if width * height > MAX_PIXELS:
        raise GuideError(f"{width}×{height} pixels, more than {MAX_PIXELS // 1_000_000} million")
    return EXTENSIONS[kind]


def cached_image_file(folder: Path, url: str) -> Path | None:
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]
    return next(iter(sorted((folder / "images").glob(f"{key}.*"))), None)


def keep_image(folder: Path, url: str, data: bytes) -> Path:
    """Check the image and keep it in the cache; its file there."""
    extension = image_extension(data)
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]
    path = folder / "images" / f"{key}{extension}"
    write_atomically(path, data)
    return path


def with_local_images(page: Page, fetched: tuple[FetchedImage, ...],
                      article: Path) -> tuple[Page, list[tuple[Path, Path]]]:
    """The page with its images pointing beside `article`, and the (cache file, target) pairs
    to copy there; an image not had is taken out, with a note."""
    by_url = {image.url: image for image in fetched}
    targets: dict[str, str] = {}
    copies: list[tuple[Path, Path]] = []
    notes = list(page.notes)
    in_body = [m.group("url") for block in page.body for text in _markdown_of(block)
               for m in _IMAGE.finditer(text)]
    for url in dict.fromkeys(in_body):
        image = by_url.get(url)
        if image is None or image.file is None:
            why = image.why_not if image is not None else "not fetched"
            notes.append(Note(f"image {url} not imported: {why}"))
            continue
        name = f"{article.stem}-{len(copies) + 1}{image.file.suffix}"
        targets[url] = f"images/{name}"
        copies.append((image.file, article.parent / "images" / name))

    def local(markdown: str) -> str:
        def swap(match: re.Match[str]) -> str:
            target = targets.get(match.group("url"))
            return f"![{match.group('alt')}]({target})" if target else ""
        return _IMAGE.sub(swap, markdown)

    body = tuple(block for block in (_map(block, local) for block in page.body) if block is not None)
    return dataclasses.replace(page, body=body, notes=tuple(notes), images=()), copies


def copy_images(copies: list[tuple[Path, Path]]) -> None:
    for cached, target in copies:
        data = cached.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            write_atomically(target, data)


_IMAGE = re.compile(r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\(<(?P<url>[^>]*)>\)")


def _markdown_of(block: Block) -> list[str]:
    if isinstance(block, (Paragraph, Quote)):
        return [block.markdown]
    if isinstance(block, ItemList):
        return list(block.items)
    if isinstance(block, Table):
        return [*block.header, *(cell for row in block.rows for cell in row)]
    return []


def _map(block: Block, change) -> Block | None:
    if isinstance(block, Paragraph):
        text = change(block.markdown).strip()
        return Paragraph(text) if text else None
    if isinstance(block, Quote):
        return Quote(change(block.markdown))
    if isinstance(block, ItemList):
        return ItemList(tuple(change(item) for item in block.items), block.ordered)
    if isinstance(block, Table):
        return Table(tuple(change(c) for c in block.header),
                     tuple(tuple(change(c) for c in row) for row in block.rows))
    if isinstance(block, Heading):  # its text is plain: an image in it is only its mark
        return Heading(block.level, block.text.replace(IMAGE_MARK, "").strip())
    return block
