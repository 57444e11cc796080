"""`guidebuilder init DIR`: a new project that builds as it is, to change bit by bit.

One category, one article, one guide, one client, a Makefile whose `make pdf` runs this
installation of guidebuilder, and a README of its own. The files are in `skeleton/`.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from .errors import GuideError

SKELETON = Path(__file__).parent / "skeleton"
RENAMED = {"gitignore": ".gitignore"}  # a dotfile would be left out of the package


def command_line() -> str:
    """How the new project's Makefile runs guidebuilder: this Python, wherever the project is."""
    return f"{shlex.quote(sys.executable)} -m guidebuilder"


def init_project(target: Path) -> list[Path]:
    """Write the skeleton into `target` (new, or an empty folder); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise GuideError(f"{target} already exists and is not an empty folder: "
                         "name a new folder, e.g. guidebuilder init ../my-guides")
    sources = sorted(p for p in SKELETON.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    written = []
    try:
        for source in sources:
            relative = source.relative_to(SKELETON)
            path = target / relative.parent / RENAMED.get(relative.name, relative.name)
            text = source.read_text(encoding="utf-8")
            text = text.replace("@GUIDEBUILDER@", command_line())
            text = text.replace("@TITLE@", target.resolve().name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        (target / "covers").mkdir(exist_ok=True)
    except OSError as exc:
        raise GuideError(f"cannot write {target}: {exc.strerror}") from None
    return written
