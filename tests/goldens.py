"""Expected outputs kept as files in tests/expected/, mirroring the test pages they come from
(tests/pages/html/2041.html -> tests/expected/html/2041.html.md), so that a change to what
the importer writes is reviewed as a diff of those files.

A test compares with `assert actual == golden(name, actual)`. `make goldens` runs the tests
marked `golden` with GUIDEBUILDER_GOLDENS=rewrite: `golden` then writes `actual` to the file
first, and `git diff tests/expected` shows what changed."""

from __future__ import annotations

import os
from pathlib import Path

EXPECTED = Path(__file__).parent / "expected"
REWRITE = os.environ.get("GUIDEBUILDER_GOLDENS") == "rewrite"

_written: dict[Path, str] = {}


def golden_text(name: str) -> str:
    """The text of tests/expected/<name>."""
    path = EXPECTED / name
    assert path.is_file(), f"{path} is missing: `make goldens` writes it"
    return path.read_bytes().decode("utf-8")


def golden(name: str, actual: str) -> str:
    """The text of tests/expected/<name>; when rewriting, `actual` written there first (two
    tests that would write different text to one file are an error)."""
    if REWRITE:
        path = EXPECTED / name
        assert _written.setdefault(path, actual) == actual, f"{name}: two tests make different text"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    return golden_text(name)
