"""Processes that lay out, forked from a `forkserver` that has imported WeasyPrint once: a
worker starts without importing it again (with `spawn`, each spent half a second of CPU on
that) and holds only what it lays out. The process that asks for them need not import
WeasyPrint at all. A worker whose build dies (kill -9 of the build alone) notices within a
second and exits, instead of waiting on its queue for minutes."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.context
import os
import select
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver

PARENT_POLL_SECONDS = 0.5
PRELOADED = ("guidebuilder.render.layout",)


def layout_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` layout processes. (Not `max_tasks_per_child`: with it, Python
    3.11's pool can hang, gh-115634.)"""
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_start_worker, initargs=(os.getpid(),))


def start_forkserver() -> None:
    """Start the forkserver now rather than with the first layout process: it imports
    WeasyPrint (a second of CPU) on another core while this process reads the articles, and
    the first layout process then starts at once instead of waiting for that."""
    global _started
    _context()
    forkserver.ensure_running()
    _started = True


def forkserver_started() -> bool:
    """Whether `start_forkserver` was called: layout processes then start in milliseconds."""
    return _started


_started = False


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOADED))
    return context


def _start_worker(build: int) -> None:
    """Run in each worker: a thread that ends the worker once the build process is gone, and
    the imported modules frozen, so that collecting a laid-out document's garbage does not
    walk them each time. (The build, not the forkserver: the forkserver lives as long as any
    of its workers does.)"""

    def watch() -> None:
        try:
            select.select([os.pidfd_open(build)], [], [])  # readable once the build has ended
        except ProcessLookupError:
            pass
        except (AttributeError, OSError):  # no pidfd (an old kernel): look now and then
            while _running(build):
                time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    gc.freeze()


def _running(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
