"""Finding the line of a source file that holds some text, for problems found after reading
(a character the fonts lack), so they too can say `file:line`."""

from __future__ import annotations

from pathlib import Path


def line_containing(path: Path, needles: list[str]) -> int | None:
    """The first line (1-based) of the UTF-8 file `path` holding any of `needles`."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return next((number for number, line in enumerate(lines, start=1)
                 if any(needle in line for needle in needles)), None)
