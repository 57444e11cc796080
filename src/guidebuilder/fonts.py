"""Which characters the theme's fonts really have, so a guide never prints a tofu box.

Pango would silently fall back to any installed font (or draw a box); instead, every character
of the book is checked against the cmaps of the theme's declared families before rendering.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from .errors import GuideError

_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Zs"}


@functools.cache
def _installed() -> tuple[tuple[str, str, int], ...]:
    """(family, file, index) of every font fontconfig knows."""
    if not shutil.which("fc-list"):
        raise GuideError("fontconfig's fc-list is not installed; run 'make install'")
    listing = subprocess.run(
        ["fc-list", "--format", "%{family}\t%{file}\t%{index}\n"],
        capture_output=True, text=True, check=True,
    ).stdout
    fonts = []
    for row in listing.splitlines():
        families, file, index = row.split("\t")
        for family in families.split(","):
            fonts.append((family.strip(), file, int(index or 0)))
    return tuple(sorted(set(fonts)))


@functools.cache
def _cmap(file: str, index: int) -> frozenset[int]:
    if Path(file).suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(file, lazy=True)[index]
    else:
        font = TTFont(file, lazy=True, fontNumber=index)
    return frozenset(font.getBestCmap() or {})


@functools.cache
def covered(families: tuple[str, ...]) -> frozenset[int]:
    """Code points that at least one of the families draws."""
    points: set[int] = set()
    for family in families:
        files = [(f, i) for name, f, i in _installed() if name == family]
        if not files:
            raise GuideError(f"font '{family}' is not installed; run 'make install' "
                             "(or change 'fonts' in the theme's theme.yml)")
        for file, index in files:
            points |= _cmap(file, index)
    return frozenset(points)


def missing(text: str, families: tuple[str, ...]) -> set[str]:
    """Visible characters of `text` that none of the families has."""
    have = covered(families)
    return {c for c in set(text) if ord(c) not in have and unicodedata.category(c) not in _INVISIBLE}
