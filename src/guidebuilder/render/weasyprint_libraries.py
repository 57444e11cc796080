"""WeasyPrint imported with its system libraries loaded by their file names alone.

WeasyPrint 70 tries several names for each library it loads (`libgobject-2.0-0`,
`gobject-2.0`, ..., `libgobject-2.0.so.0`), and cffi looks up each name that does not load as
it is with `ctypes.util.find_library`, which on Linux runs `ldconfig`, `gcc` and `ld`: 215
programs for one import on this machine kind, 0.3 CPU seconds and 0.4 s of wall time in every
process that imports WeasyPrint (the layout processes' forkserver, a Dask worker). Each list
holds the Linux file name (`libgobject-2.0.so.0`), which loads directly, so the search is
turned off while WeasyPrint is imported: the same libraries load, or fail to, as before.
Import this module before anything imports WeasyPrint."""

from __future__ import annotations

import ctypes.util
import sys


def _import_without_library_search() -> None:
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = search


if sys.platform.startswith("linux") and "weasyprint" not in sys.modules:
    _import_without_library_search()
