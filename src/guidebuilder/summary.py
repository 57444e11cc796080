"""The lines a build ends with: what was written, how many pages, how big, how long it took."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import shown_path


def _pages(path: Path) -> str:
    if path.suffix == ".pdf":
        import pypdfium2  # here: an e-book build does not load it

        document = pypdfium2.PdfDocument(path)
        try:
            return f"{len(document)} pages"
        finally:
            document.close()
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as archive:
            documents = sum(1 for name in archive.namelist() if name.endswith(".xhtml"))
        return f"{documents} documents"
    return ""


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{max(1, round(count / 1000))} kB"


def build_summary(outputs: list[Path], seconds: float, warnings: int = 0) -> list[str]:
    """One line per output (`wrote build/x.pdf  48 pages  1.2 MB`) and a closing total."""
    names = [shown_path(p) for p in outputs]
    width = max(map(len, names), default=0)
    lines = [f"wrote {name:<{width}}  {_pages(path):>13}  {_size(path.stat().st_size):>8}"
             for name, path in zip(names, outputs)]
    said = f", {warnings} warning(s) above" if warnings else ""
    lines.append(f"{len(outputs)} file(s) in {seconds:.1f} s{said}; each has its record "
                 "beside it (<file>.json)")
    return lines
