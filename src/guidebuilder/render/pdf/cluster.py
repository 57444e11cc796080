"""Layout on a Dask cluster (`guidebuilder build --cluster tcp://host:8786`).

A worker on another machine has guidebuilder, WeasyPrint and the fonts installed, but not the
project's files. So each job is sent packed: with the bytes of every file it may read (the
theme folders' files and the job's own images), read here through the same confinement rules
as a local build, and laid out there through a fetcher that serves only those bytes. No
network and no file of the worker's is ever read for a guide.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .. import weasyprint_libraries  # noqa: F401  (before WeasyPrint)
import weasyprint
from weasyprint.urls import path2url

from ...errors import GuideError
from ..layout import ProjectFetcher, captured_weasyprint_log, lay_out
from ..layout_job import LaidOut, LayoutJob

CONNECT_SECONDS = 5
DASK_LOGGERS = ("distributed", "distributed.client")
"""Silenced in the building process: Dask's own lines there (reconnecting, its event loop's
tracebacks) are not for the user, who is told what went wrong by a GuideError."""
PARSED_SHEETS_KEPT = 64

_parsed_here: dict[tuple[str, str], tuple[weasyprint.CSS, tuple[str, ...]]] = {}
"""Stylesheets parsed in this worker process, by path and theme digest: as on this machine
(layout._stylesheet), the chunks of a book share their parsed stylesheets."""


@dataclass(frozen=True)
class PackedFile:
    """What a local build's fetcher would give for one path: the URL it serves the file as,
    its bytes and MIME type, or why it refuses (`refusal`, with `{url}` for the URL asked)."""

    url: str
    data: bytes = b""
    mime: str = ""
    refusal: str = ""


@dataclass(frozen=True)
class PackedJob:
    """A layout job with the files it may read, by absolute path as WeasyPrint asks for them."""

    job: LayoutJob
    files: dict[str, PackedFile]
    theme: str  # a digest of the theme's packed files: a worker parses its stylesheets once


def pack(job: LayoutJob, files: tuple[Path, ...]) -> PackedJob:
    """`job` with its stylesheets, the files of its theme folders and `files` (the images it
    shows), each read as the local fetcher reads it."""
    local = ProjectFetcher(list(job.allowed))
    packed: dict[str, PackedFile] = {}
    theme = hashlib.sha256()
    for path in (*job.stylesheets, *job._theme_files(), *files):
        url = Path(os.path.abspath(path)).as_uri()
        try:
            served, data, mime = local.file(url)
            entry = PackedFile(served, data, mime)
        except ValueError as exc:
            entry = PackedFile(url, refusal=str(exc).replace(url[:80], "{url}", 1))
        for spelling in {os.path.abspath(path), str(Path(path).resolve())}:
            packed.setdefault(spelling, entry)
        if path not in files:
            theme.update(repr((str(path), entry.url, entry.mime, entry.refusal)).encode())
            theme.update(hashlib.sha256(entry.data).digest())
    return PackedJob(job, packed, theme.hexdigest())


class PackedFetcher(ProjectFetcher):
    """A ProjectFetcher that serves a packed job's files from their bytes: a path that was not
    packed is refused, as one outside the allowed folders is."""

    def __init__(self, packed: PackedJob) -> None:
        super().__init__([])
        self.allowed = [Path(os.path.abspath(folder)) for folder in packed.job.allowed]
        self.packed = packed.files
        self.theme = packed.theme

    def file(self, url: str) -> tuple[str, bytes, str]:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused {url[:80]}: a file on another host")
        path = os.path.normpath(url2pathname(parts.path))
        entry = self.packed.get(path)
        if entry is None:
            inside = any(Path(path).is_relative_to(folder) for folder in self.allowed)
            raise ValueError(f"cannot read {url[:80]}: No such file or directory" if inside
                             else f"refused {url[:80]}: outside the project's articles and theme")
        if entry.refusal:
            raise ValueError(entry.refusal.replace("{url}", url[:80], 1))
        return entry.url, entry.data, entry.mime

    def stylesheet(self, path: Path) -> tuple[weasyprint.CSS, tuple[str, ...]]:
        key = (os.path.abspath(path), self.theme)
        if key not in _parsed_here:
            entry = self.packed.get(key[0])
            if entry is None or entry.refusal:
                raise FileNotFoundError(f"stylesheet {path} was not sent to the cluster")
            with captured_weasyprint_log() as messages:
                sheet = weasyprint.CSS(file_obj=io.BytesIO(entry.data),
                                       base_url=path2url(str(path)), url_fetcher=self)
            if len(_parsed_here) >= PARSED_SHEETS_KEPT:
                _parsed_here.clear()
            _parsed_here[key] = sheet, tuple(messages)
        return _parsed_here[key]


_one_layout_at_a_time = threading.Lock()
"""A worker started with several threads lays out one job at a time all the same: layout
swaps WeasyPrint functions for the duration of a job (font_placeholders), for the whole
process."""


def lay_out_packed(packed: PackedJob) -> LaidOut:
    """Run on a cluster worker: the job laid out from the bytes it carries."""
    with _one_layout_at_a_time:
        return lay_out(packed.job, PackedFetcher(packed))


def connect_cluster(address: str):
    """A `distributed.Client` of the scheduler at `address`, or a GuideError saying why not."""
    try:
        from distributed import Client
    except ImportError:
        raise GuideError("--cluster needs Dask: pip install 'guidebuilder[cluster]' "
                         "(or make install)") from None
    for name in DASK_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise GuideError(f"cannot reach the cluster scheduler at {address}: {exc}") from None


def lay_out_on_cluster(client, address: str, pending: list[int], jobs: list[LayoutJob],
                       files: list[tuple[Path, ...]], keys: list[str],
                       pages: list[int]) -> Iterator[tuple[int, LaidOut]]:
    """(i, job i laid out) for each i in `pending`, as the cluster finishes them. A task is
    named by its layout cache key (the same job twice is one task) and the longer jobs go first.
    If the scheduler is lost, or a job keeps stopping the workers that run it, a GuideError."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker, as_completed

    waiting: dict[str, list[int]] = {}
    for i in pending:
        waiting.setdefault(keys[i], []).append(i)
    futures = [client.submit(lay_out_packed, pack(jobs[same[0]], files[same[0]]),
                             key=f"lay_out-{key}", priority=pages[same[0]])
               for key, same in waiting.items()]
    try:
        for future in as_completed(futures, loop=client.loop):
            laid_out = future.result()
            for i in waiting[future.key.removeprefix("lay_out-")]:
                yield i, laid_out
    except CancelledError:
        raise GuideError(f"lost the cluster scheduler at {address} during the layout") from None
    except KilledWorker as exc:
        raise GuideError(f"a layout task stopped the cluster's workers several times: {exc}") from None
