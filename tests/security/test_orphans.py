"""`kill -9` of the build's main process alone (not its group) leaves no layout worker
and no resource tracker behind: each worker notices its parent is gone and exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import article, write

WORKER_WAIT = 120  # seconds for the workers to start on a loaded machine
ORPHAN_GRACE = 10  # seconds the orphans get to notice


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended meanwhile
        return b""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_exit_when_the_build_is_killed(tiny_project, tmp_path):
    paragraph = "信用卡逾期后应当及时与银行沟通，了解欠款金额与利息构成，保存好往来记录。" * 12
    for n in range(70):
        write(tiny_project / f"articles/xinyongka/extra{n:02d}.md",
              article(f"补充文章{n}", "\n\n".join([paragraph] * 6)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH")]))}
    build = subprocess.Popen([sys.executable, "-m", "guidebuilder", "build", "--jobs", "2",
                              "--no-cache", "--out", str(tmp_path / "out")], cwd=tiny_project,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + WORKER_WAIT
        while time.monotonic() < deadline and build.poll() is None:
            helpers = {pid for pid in _children(build.pid)  # the forkserver, resource tracker
                       if b"multiprocessing" in _cmdline(pid)}
            workers = {pid for helper in helpers for pid in _children(helper)}
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, "the build never started its layout workers"
        time.sleep(1)  # let them take work
        workers |= helpers | _children(build.pid)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + ORPHAN_GRACE
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.2)
        left = [pid for pid in workers if _running(pid)]
        assert left == [], f"still running after the build was killed: {left}"
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if build.poll() is None:
            build.kill()
            build.wait()
