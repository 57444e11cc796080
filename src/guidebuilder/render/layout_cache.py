"""Laid-out documents kept on disk by the digest of their inputs, so that a rebuild lays out
only the chunks whose inputs changed. A damaged or half-written entry is a miss, never an
error: entries are written to a temporary file and renamed into place."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from .pdf_layout import LaidOut, PageFacts

KEEP_DAYS = 30  # entries unused for this long are removed


class LayoutCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.pdf", self.folder / f"{key}.json"

    def get(self, key: str) -> LaidOut | None:
        pdf, facts = self._paths(key)
        try:
            data = json.loads(facts.read_text(encoding="utf-8"))
            laid_out = LaidOut(
                pdf=pdf.read_bytes(),
                height=data["height"],
                pages=tuple(PageFacts(p["name"], p["blank"], tuple(p["area"]))
                            for p in data["pages"]),
                anchors={name: (page, tuple(box)) for name, (page, box) in data["anchors"].items()},
                foreign_links=tuple((page, target, tuple(box))
                                    for page, target, box in data["foreign_links"]),
                bookmarks=tuple(tuple(b) for b in data["bookmarks"]),
                warnings=tuple(data["warnings"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(laid_out.pdf) != data.get("size"):
            return None
        now = time.time()
        for path in (pdf, facts):
            os.utime(path, (now, now))
        return laid_out

    def put(self, key: str, laid_out: LaidOut) -> None:
        facts = {
            "size": len(laid_out.pdf),
            "height": laid_out.height,
            "pages": [{"name": p.name, "blank": p.blank, "area": p.area} for p in laid_out.pages],
            "anchors": laid_out.anchors,
            "foreign_links": laid_out.foreign_links,
            "bookmarks": laid_out.bookmarks,
            "warnings": laid_out.warnings,
        }
        pdf, facts_path = self._paths(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write(pdf, laid_out.pdf)
            _write(facts_path, json.dumps(facts, ensure_ascii=False).encode())
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def prune(self) -> None:
        """Remove entries unused for KEEP_DAYS days."""
        limit = time.time() - KEEP_DAYS * 86400
        for path in self.folder.glob("*.*") if self.folder.is_dir() else ():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass


def _write(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
