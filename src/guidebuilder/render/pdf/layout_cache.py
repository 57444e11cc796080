"""Laid-out documents kept on disk by the digest of their inputs, so that a rebuild lays out
only the chunks whose inputs changed. A damaged or half-written entry is a miss, never an
error: the PDF's SHA-256 is kept beside it and checked on every read, and entries are written
to a temporary file, synced to disk, and renamed into place."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from ...errors import Problem
from ...files import replace_synced
from ..layout_job import LaidOut, PageFacts, read_resource

KEEP_DAYS = 30  # entries unused for this long are removed


class LayoutCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.pdf", self.folder / f"{key}.json"

    def get(self, key: str) -> LaidOut | None:
        pdf, facts = self._paths(key)
        try:
            data = json.loads(read_resource(facts, str(facts)))
            if data.pop("check") != _check(data):
                return None
            laid_out = LaidOut(
                pdf=read_resource(pdf, str(pdf)),
                height=data["height"],
                pages=tuple(PageFacts(p["name"], p["blank"], tuple(p["area"]))
                            for p in data["pages"]),
                anchors={name: (page, tuple(box)) for name, (page, box) in data["anchors"].items()},
                foreign_links=tuple((page, target, tuple(box))
                                    for page, target, box in data["foreign_links"]),
                bookmarks=tuple(tuple(b) for b in data["bookmarks"]),
                warnings=tuple(Problem(w["message"], w["path"] and Path(w["path"]), w["line"],
                                       warning=True) for w in data["warnings"]),
            )
        except Exception:  # whatever is wrong with an entry, it is only a miss
            return None
        if (len(laid_out.pdf) != data.get("size")
                or hashlib.sha256(laid_out.pdf).hexdigest() != data.get("sha256")):
            return None
        now = time.time()
        for path in (pdf, facts):
            try:
                os.utime(path, (now, now))
            except OSError:
                pass
        return laid_out

    def put(self, key: str, laid_out: LaidOut) -> None:
        facts = {
            "size": len(laid_out.pdf),
            "sha256": hashlib.sha256(laid_out.pdf).hexdigest(),
            "height": laid_out.height,
            "pages": [{"name": p.name, "blank": p.blank, "area": p.area} for p in laid_out.pages],
            "anchors": laid_out.anchors,
            "foreign_links": laid_out.foreign_links,
            "bookmarks": laid_out.bookmarks,
            "warnings": [{"message": w.message, "path": w.path and str(w.path), "line": w.line}
                         for w in laid_out.warnings],
        }
        facts["check"] = _check(json.loads(json.dumps(facts)))
        pdf, facts_path = self._paths(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            replace_synced(pdf, laid_out.pdf)
            replace_synced(facts_path, json.dumps(facts, ensure_ascii=False).encode())
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


def _check(facts: dict) -> str:
    """A digest of an entry's facts, so that a damaged but well-formed file is a miss."""
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
