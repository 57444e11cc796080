"""Layout jobs run on several cores (`processes`), through the cache, with a progress bar.

With a cluster address, the jobs not in the cache are all sent to that Dask cluster's workers
instead (`cluster`), whatever their number: its workers are already running."""

from __future__ import annotations

import dataclasses
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from .layout_cache import LayoutCache
from ..layout_job import LaidOut, LayoutJob, SharedValues
from ..processes import forkserver_started, layout_pool

PARALLEL_FROM = 150
"""Pages to lay out from which workers are started; below, that costs more than it saves
(unless the build started the forkserver early: then workers cost nothing to start)."""

class Workers:
    """`run` lays out jobs, in worker processes when there are `jobs` > 1 cores to use, or on
    the Dask cluster whose scheduler is at `cluster`.

    The PDFs laid out are kept in files, for as long as the block lasts, not in memory: a
    book's chunks together are as large as the book. So are their anchors, links and
    bookmarks, as each comes back (`LaidOut.set_aside`): together they grow with the book too."""

    def __init__(self, jobs: int, cache: LayoutCache | None, cluster: str | None = None,
                 scratch: Path | None = None) -> None:
        self.jobs = max(1, jobs)
        self.cache = cache
        self.cluster = cluster
        self.scratch = scratch  # where the block's folder is made (None: the system's)
        self._pool: ProcessPoolExecutor | None = None
        self._client = None
        self._folder: tempfile.TemporaryDirectory | None = None
        self._shared = SharedValues()

    def __enter__(self) -> Workers:
        self._folder = tempfile.TemporaryDirectory(prefix="guidebuilder-chunks-", dir=self.scratch)
        return self

    def __exit__(self, *exc) -> None:
        self.close()
        if self._folder is not None:
            self._folder.cleanup()

    def close(self) -> None:
        """Stop the worker processes (and give back their memory), or leave the cluster; `run`
        starts or joins again."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = layout_pool(self.jobs)
        return self._pool

    def run(self, jobs: list[LayoutJob], files: list[tuple[Path, ...]], stage: str,
            pages: list[int]) -> list[LaidOut]:
        """Each job laid out (or found in the cache); `files[i]` are the files job i reads and
        `pages[i]` about how many pages it makes."""
        keys = [job.digest(extra) for job, extra in zip(jobs, files)]
        results: list[LaidOut | None] = [None] * len(jobs)
        for i, key in enumerate(keys):
            if self.cache and (cached := self.cache.get(key)) is not None:
                results[i] = self._on_disk(key, cached)
        pending = [i for i, r in enumerate(results) if r is None]

        def done(i: int, laid_out: LaidOut) -> None:
            if self.cache:
                self.cache.put(keys[i], laid_out)
            results[i] = self._on_disk(keys[i], laid_out)
            bar.update()

        with tqdm(total=len(jobs), initial=len(jobs) - len(pending), desc=stage, unit="chunk",
                  disable=None, leave=False) as bar:
            if self.cluster and pending:
                if self._client is None:
                    self._client = connect_cluster(self.cluster)
                for i, laid_out in lay_out_on_cluster(self._client, self.cluster, pending,
                                                      jobs, files, keys, pages):
                    done(i, laid_out)
            elif self.jobs > 1 and (forkserver_started() or (
                    len(pending) > 1 and sum(pages[i] for i in pending) >= PARALLEL_FROM)):
                # the longest first, so that no worker is left with a long one at the end
                pending.sort(key=lambda i: -pages[i])
                futures: dict[int, Future] = {
                    i: self._executor().submit(lay_out, jobs[i]) for i in pending}
                for i in pending:
                    done(i, futures.pop(i).result())
            else:
                for i in pending:
                    done(i, lay_out(jobs[i]))
        return results  # type: ignore[return-value]

    def _on_disk(self, key: str, laid_out: LaidOut) -> LaidOut:
        """The same layout with its PDF, anchors, links and bookmarks in this block's folder
        (in memory outside a block), sharing its equal pages with the others'
        (`SharedValues`)."""
        laid_out = self._shared(laid_out)
        if self._folder is None:
            return laid_out
        path = Path(self._folder.name) / f"{key}.pdf"
        path.write_bytes(laid_out.pdf)
        return dataclasses.replace(laid_out, pdf=path).set_aside()


def lay_out(job: LayoutJob) -> LaidOut:
    """`layout.lay_out`, imported where it runs: a build whose layouts all run in the layout
    processes (or come from the cache) does not import WeasyPrint itself."""
    from .. import layout

    return layout.lay_out(job)


def connect_cluster(address: str):
    """`cluster.connect_cluster`: Dask is loaded only by a build that asks for a cluster."""
    from . import cluster

    return cluster.connect_cluster(address)


def lay_out_on_cluster(client, address: str, pending: list[int], jobs: list[LayoutJob],
                       files: list[tuple[Path, ...]], keys: list[str],
                       pages: list[int]) -> Iterator[tuple[int, LaidOut]]:
    """`cluster.lay_out_on_cluster`, imported when used."""
    from . import cluster

    return cluster.lay_out_on_cluster(client, address, pending, jobs, files, keys, pages)
