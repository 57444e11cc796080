"""The build manifest beside each output: which version of which article a client received."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from . import __version__
from .model import Book, Edition


def build_time() -> str:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit()
              else dt.datetime.now(dt.timezone.utc))
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _sha256(data: bytes | Path) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    with open(data, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def manifest(book: Book, output: Path, data: bytes | Path, root: Path,
             edition: Edition | None = None) -> bytes:
    guide = book.guide
    record = {
        "guide": guide.name,
        "title": guide.title,
        "edition": guide.edition,
        "client_edition": None if edition is None else {
            "id": edition.edition_id, "slug": edition.slug, "client": edition.name,
            "lawyer": edition.lawyer, "contact": edition.contact, "watermark": edition.watermark,
        },
        "format": output.suffix.lstrip("."),
        "file": output.name,
        "sha256": _sha256(data),
        "bytes": len(data) if isinstance(data, bytes) else data.stat().st_size,
        "built_at": build_time(),
        "generator": f"guidebuilder {__version__}",
        "articles": [
            {
                "path": chapter.article.path.relative_to(root).as_posix(),
                "title": chapter.article.title,
                "source_url": chapter.article.source_url,
                "date": chapter.article.date.isoformat() if chapter.article.date else None,
                "updated": chapter.article.updated.isoformat() if chapter.article.updated else None,
                "sha256": chapter.article.sha256,
            }
            for chapter in book.chapters
        ],
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
