"""One renderer per output format, each a subpackage of this one (`pdf`, `epub`).

A renderer is the subpackage's `render(request)`: it turns one assembled guide into one output
per edition asked for and yields them as `Rendered`: in memory, or as a file in the request's
scratch folder when it is as large as a book's PDF can be. No output is put in place here;
`build` stages and commits them. To add a format, add a subpackage with `render`:
every subpackage of this package is an output format, named by its folder."""

from __future__ import annotations

import importlib
import os
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from ..errors import Problem
    from ..model import Book, Edition
    from ..theme import Theme

FORMATS = tuple(sorted(module.name for module in pkgutil.iter_modules(__path__) if module.ispkg))
"""The output formats, in the order `--format all` makes them (by name): each is a
subpackage's name, the file extension and a `--format`. They are found without importing
them, so a build of one format does not load the other's libraries."""


@dataclass(frozen=True)
class Request:
    """One guide to render: its book and theme, the editions to make (None is the firm's own),
    and how: the project folder, a folder for large intermediate files (removed after the
    build), the cores to use, the folder where a renderer keeps what it may reuse in the next
    build (None: reuse nothing), and the Dask scheduler to lay out on (None: this machine)."""

    book: Book
    theme: Theme
    clients: tuple[Edition | None, ...]
    root: Path
    scratch: Path
    jobs: int = 1
    cache_folder: Path | None = None
    cluster: str | None = None


@dataclass(frozen=True)
class Rendered:
    """One output: the edition it is for, its bytes (or the file in the scratch folder that
    holds them), and the renderer's warnings (a warning without a file is the guide's: `build`
    names it)."""

    client: Edition | None
    data: bytes | Path
    warnings: list[Problem]


def renderer(fmt: str) -> Callable[[Request], Iterator[Rendered]]:
    return importlib.import_module(f"{__name__}.{fmt}").render


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
