"""`guidebuilder build --cluster tcp://host:8786`: the PDF's layouts run on a Dask cluster's
workers, here a LocalCluster of two worker processes on 127.0.0.1, and the PDF has the same
bytes as one built on this machine."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli, write

from guidebuilder.build import build
from guidebuilder.render.layout_job import LayoutJob
from guidebuilder.render.pdf import chunks, cluster, workers

distributed = pytest.importorskip("distributed")

GUIDE = "xinyongka-zhaiwu"


@pytest.fixture(scope="module")
def dask_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=logging.ERROR) as local:
        with distributed.Client(local, set_as_default=False) as client:
            yield local, client


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The sample guides, every article its own chunk (many tasks for the cluster)."""
    monkeypatch.setattr(chunks, "MIN_CHARS", 0)
    monkeypatch.setattr(chunks, "CUT_ONE_IN", 1)
    root = tmp_path / "project"
    for folder in ("articles", "guides", "themes"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def built(root: Path, out: Path, **how) -> bytes:
    outputs, warnings = build(root, [GUIDE], ["pdf"], out, cache=False, **how)
    assert [str(w) for w in warnings] == []
    return next(p for p in outputs if p.name == f"{GUIDE}.pdf").read_bytes()


def test_a_cluster_build_has_the_bytes_of_a_local_one(project, tmp_path, dask_cluster):
    local_cluster, client = dask_cluster
    here = built(project, tmp_path / "here", jobs=1)
    with distributed.get_task_stream(client) as stream:
        there = built(project, tmp_path / "there", cluster=local_cluster.scheduler_address)
    assert there == here
    layouts = [task for task in stream.data if task["key"].startswith("lay_out-")]
    assert len(layouts) > 4  # the chunks and the furniture
    assert {task["worker"] for task in layouts} == set(client.scheduler_info()["workers"])


def test_the_layout_cache_is_filled_and_read_here(project, tmp_path, dask_cluster,
                                                  monkeypatch):
    """What the cluster laid out is in this machine's cache: a build here then lays out
    nothing, and a second build with --cluster sends nothing."""
    local_cluster, client = dask_cluster
    address = local_cluster.scheduler_address
    first = build(project, [GUIDE], ["pdf"], tmp_path / "first", cluster=address)[0][0]

    def no_layout_here(*_):
        raise AssertionError("laid out on this machine")

    monkeypatch.setattr(workers, "lay_out", no_layout_here)
    here = build(project, [GUIDE], ["pdf"], tmp_path / "here", jobs=1)[0][0]
    with distributed.get_task_stream(client) as stream:
        again = build(project, [GUIDE], ["pdf"], tmp_path / "again", cluster=address)[0][0]
    assert [task for task in stream.data if task["key"].startswith("lay_out-")] == []
    assert here.read_bytes() == first.read_bytes() == again.read_bytes()


def test_a_worker_lost_mid_build_changes_nothing(project, tmp_path, dask_cluster, monkeypatch):
    local_cluster, client = dask_cluster
    here = built(project, tmp_path / "here", jobs=1)
    lost: dict[str, list[str]] = {}  # the worker killed -> the tasks it was running

    def lay_out_losing_a_worker(*args):
        for result in lay_out_on_cluster(*args):
            if not lost:
                address, keys = next((w, keys) for w, keys in client.processing().items() if keys)
                nanny = next(n for n in local_cluster.workers.values()
                             if n.worker_address == address)
                os.kill(nanny.process.process.pid, signal.SIGKILL)
                lost[address] = list(keys)
            yield result

    lay_out_on_cluster = workers.lay_out_on_cluster
    monkeypatch.setattr(workers, "lay_out_on_cluster", lay_out_losing_a_worker)
    with distributed.get_task_stream(client) as stream:
        there = built(project, tmp_path / "there", cluster=local_cluster.scheduler_address)
    assert there == here
    ((address, keys),) = lost.items()
    ran_on = {task["key"]: task["worker"] for task in stream.data}
    assert keys and all(ran_on[key] != address for key in keys)


def test_a_scheduler_that_cannot_be_reached_is_a_clear_error(tiny_project):
    with socket.socket() as taken:  # bound, not listening: nothing answers there
        taken.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{taken.getsockname()[1]}"
        result = run_cli("build", "--cluster", address, cwd=tiny_project)
    assert result.returncode != 0
    assert f"cannot reach the cluster scheduler at {address}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tiny_project / "build").exists()


def test_a_scheduler_lost_mid_build_is_a_clear_error(project, tmp_path):
    scheduler_file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    quiet = {"cwd": tmp_path, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                 **quiet)
    worker = None
    try:
        while not scheduler_file.exists():
            assert scheduler.poll() is None
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        worker = subprocess.Popen([*dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                   "--no-dashboard", "--host", "127.0.0.1"], **quiet)
        build = subprocess.Popen([sys.executable, "-m", "guidebuilder", "build", GUIDE,
                                  "--no-cache", "--cluster", address], cwd=project,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with distributed.Client(address, set_as_default=False) as watching:
            while not any(watching.processing().values()):
                assert build.poll() is None
                time.sleep(0.1)
        scheduler.kill()
        _, stderr = build.communicate(timeout=120)
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
    assert build.returncode == 1
    assert stderr.strip() == f"lost the cluster scheduler at {address} during the layout"
    assert not (project / "build").exists()


def test_a_packed_job_serves_only_what_was_packed(tmp_path):
    """On a worker, a job reads the bytes it carries: no file of the worker's, no network."""
    articles, theme = tmp_path / "articles", tmp_path / "theme"
    shown = write(articles / "shown.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    write(articles / "not-shown.png", "a file the job does not show")
    secret = write(tmp_path / "secret.css", "p { color: red }")
    sheet = write(theme / "css/print.css", "p { color: black }")
    job = LayoutJob.of("<p>x</p>", (sheet,), "", articles.as_uri() + "/", (articles, theme), "t")
    fetcher = cluster.PackedFetcher(cluster.pack(job, (shown,)))
    served = fetcher.fetch((articles / "x/../shown.svg").as_uri())
    assert served.url == shown.resolve().as_uri()
    assert fetcher.fetch(sheet.as_uri()).read() == b"p { color: black }"
    for url, why in [((articles / "not-shown.png").as_uri(), "cannot read"),
                     (secret.as_uri(), "outside the project"),
                     ("file:///etc/passwd", "outside the project"),
                     ("http://127.0.0.1:1/x.png", "without the network")]:
        with pytest.raises(ValueError, match=why):
            fetcher.fetch(url)
