"""Which characters the theme's fonts really have, so a guide never prints a tofu box.

Pango would silently fall back to any installed font (or draw a box); instead, every character
of the book is checked against the cmaps of the theme's declared families before rendering.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import uharfbuzz as hb

from .errors import GuideError

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Zs"}


@dataclass(frozen=True, order=True)
class InstalledFont:
    family: str
    weight: int  # fontconfig's scale: 80 regular, 200 bold
    file: str
    index: int


@functools.cache
def _installed() -> tuple[InstalledFont, ...]:
    """Every font fontconfig knows, one entry per family name."""
    if not shutil.which("fc-list"):
        raise GuideError("fontconfig's fc-list is not installed; run 'make install'")
    listing = subprocess.run(
        ["fc-list", "--format", "%{family}\t%{weight}\t%{file}\t%{index}\n"],
        capture_output=True, text=True, check=True,
    ).stdout
    fonts = set()
    for row in listing.splitlines():
        families, weight, file, index = row.split("\t")
        for family in families.split(","):
            fonts.add(InstalledFont(family.strip(), int(float(weight or 80)), file, int(index or 0)))
    return tuple(sorted(fonts))


def installed(family: str) -> list[InstalledFont]:
    found = [font for font in _installed() if font.family == family]
    if not found:
        raise GuideError(f"font '{family}' is not installed; run 'make install' "
                         "(or change 'fonts' in the theme's theme.yml)")
    return found


def _open(font: InstalledFont) -> TTFont:
    from fontTools.ttLib import TTCollection, TTFont  # here: checking coverage needs neither

    if Path(font.file).suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(font.file, lazy=True)
        loaded = collection[font.index]
    else:
        loaded = TTFont(font.file, lazy=True, fontNumber=font.index)
    return loaded


def _cmap(font: InstalledFont) -> frozenset[int]:
    """The code points the face maps, read by HarfBuzz (the same set as fontTools'
    getBestCmap for the Noto CJK faces, in a thirtieth of the time)."""
    return frozenset(hb.Face(hb.Blob.from_file_path(font.file), font.index).unicodes)


@functools.cache
def covered(families: tuple[str, ...]) -> frozenset[int]:
    """Code points that at least one of the families draws."""
    points: set[int] = set()
    for family in families:
        for font in installed(family):
            points |= _cmap(font)
    return frozenset(points)


def subset(font: InstalledFont, text: str) -> bytes:
    """The font cut down to the characters of `text`, as OpenType bytes (deterministic: the
    font's own timestamps are kept)."""
    import fontTools.subset

    loaded = _open(font)
    loaded.recalcTimestamp = False
    options = fontTools.subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = fontTools.subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(loaded)
    output = io.BytesIO()
    loaded.save(output)
    return output.getvalue()


def missing(text: str, families: tuple[str, ...]) -> set[str]:
    """Visible characters of `text` that none of the families has."""
    have = covered(families)
    return {c for c in set(text) if ord(c) not in have and unicodedata.category(c) not in _INVISIBLE}
