"""Images are known by their content, not their name.

A JPEG saved as `.png`, a WebP saved as `.jpg` or a text file called `cover.png` would pass a
check of the extension, and then make an EPUB whose declared media type is wrong (EPUBCheck
OPF-029, PKG-021). Pillow reads the first bytes and says what the file is; SVG, which Pillow
does not read, is recognised by its root element.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, UnidentifiedImageError

EXTENSIONS = {  # what a file's content is -> the extensions it may be saved with
    "PNG": (".png",),
    "JPEG": (".jpg", ".jpeg"),
    "GIF": (".gif",),
    "WEBP": (".webp",),
    "SVG": (".svg",),
}
_SVG_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg\b",
                       re.S | re.I)


def image_kind(path: Path) -> str | None:
    """'PNG', 'JPEG', 'GIF', 'WEBP' or 'SVG' as the file's content says, or None if it is
    none of these (not an image, or a kind e-books cannot show)."""
    with path.open("rb") as stream:
        head = stream.read(2048)
    if _SVG_ROOT.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "SVG"
    try:
        with Image.open(path) as image:
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return kind if kind in EXTENSIONS else None


def content_problem(path: Path, allowed: tuple[str, ...] = tuple(EXTENSIONS)) -> str | None:
    """What is wrong with an image file's content, in words, or None. `allowed` are the kinds
    accepted here (a cover: PNG or JPEG)."""
    kind = image_kind(path)
    names = ", ".join("WebP" if k == "WEBP" else k for k in allowed)
    if kind is None:
        return f"is not an image file ({names}) whatever its name says: open it and save it again as one"
    if kind not in allowed:
        return f"is a {kind} image; it must be {names}"
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS[kind]:
        return (f"is a {kind} image saved with the name '{path.name}': rename it to "
                f"'{path.stem}{EXTENSIONS[kind][0]}' (and the places that name it)")
    return None
