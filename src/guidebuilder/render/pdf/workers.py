"""Layout jobs run on several cores, through the cache, with a progress bar.

Workers are forked from a `forkserver` that has imported WeasyPrint once, so a worker starts
without importing it again (with `spawn`, each worker spent half a second of CPU on that)
and holds only the chunks it lays out. (Not `max_tasks_per_child`: with it, Python 3.11's
pool can hang, gh-115634.) A worker whose parent dies (kill -9 of the build alone) notices
within a second and exits, instead of waiting on its queue for minutes."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from tqdm import tqdm

from .layout_cache import LayoutCache
from ..layout import LaidOut, LayoutJob, lay_out

PARENT_POLL_SECONDS = 0.5
PARALLEL_FROM = 150  # pages to lay out: below this, starting workers costs more than it saves


def _start_worker() -> None:
    """Run in each worker: a thread that ends the worker once the process that forked it is
    gone (the forkserver, which ends with the build), and the imported modules frozen, so
    that collecting a laid-out document's garbage does not walk them each time."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    gc.freeze()


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([lay_out.__module__])
    return context


class Workers:
    """`run` lays out jobs, in worker processes when there are `jobs` > 1 cores to use."""

    def __init__(self, jobs: int, cache: LayoutCache | None) -> None:
        self.jobs = max(1, jobs)
        self.cache = cache
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (and give back their memory); `run` starts new ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=_context(), initializer=_start_worker)
        return self._pool

    def run(self, jobs: list[LayoutJob], files: list[tuple[Path, ...]], stage: str,
            pages: list[int]) -> list[LaidOut]:
        """Each job laid out (or found in the cache); `files[i]` are the files job i reads and
        `pages[i]` about how many pages it makes."""
        keys = [job.digest(extra) for job, extra in zip(jobs, files)]
        results: list[LaidOut | None] = [self.cache.get(k) if self.cache else None for k in keys]
        pending = [i for i, r in enumerate(results) if r is None]
        with tqdm(total=len(jobs), initial=len(jobs) - len(pending), desc=stage, unit="chunk",
                  disable=None, leave=False) as bar:
            if (self.jobs > 1 and len(pending) > 1
                    and sum(pages[i] for i in pending) >= PARALLEL_FROM):
                # the longest first, so that no worker is left with a long one at the end
                pending.sort(key=lambda i: -pages[i])
                futures: dict[int, Future] = {
                    i: self._executor().submit(lay_out, jobs[i]) for i in pending}
                for i, future in futures.items():
                    results[i] = future.result()
                    bar.update()
            else:
                for i in pending:
                    results[i] = lay_out(jobs[i])
                    bar.update()
        if self.cache:
            for i in pending:
                self.cache.put(keys[i], results[i])
        return results  # type: ignore[return-value]
