"""Writing an imported article without losing anyone's work.

The file records a hash of what the import wrote (`import_hash`, over the file without that
line). If the file no longer matches its hash, someone has edited it since, and it is only
replaced with --force. Every file is written to a temporary file beside it and renamed into
place, so a failure never leaves half an article.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..files import write_atomically

HASH_KEY = "import_hash"
_HASH_LINE = re.compile(rf"^{HASH_KEY}:[ \t]*(\S*)[ \t]*\n", re.M)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def with_hash(text_without_hash: str) -> str:
    """Insert `import_hash` as the last front-matter line (the closing `---` follows)."""
    digest = content_hash(text_without_hash)
    head, sep, rest = text_without_hash[4:].partition("\n---\n")
    return f"---\n{head}\n{HASH_KEY}: {digest}{sep}{rest}"


def edited_since_import(path: Path) -> str | None:
    """Why the file at `path` must not be replaced without --force, or None if it may be."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return "it cannot be read as UTF-8 text"
    front_matter_end = text.find("\n---", 4)
    match = _HASH_LINE.search(text, 0, front_matter_end + 1 if front_matter_end > 0 else len(text))
    if match is None:
        return f"it was not written by an import (no {HASH_KEY})"
    without = text[:match.start()] + text[match.end():]
    if content_hash(without) != match.group(1):
        return "it has been edited since it was imported"
    return None


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))
