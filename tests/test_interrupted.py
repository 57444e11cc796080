"""Builds killed at any moment, or run twice at once, never leave a broken or stray file."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import run_cli
from guidebuilder.files import scratch_folder

BUILD = [sys.executable, "-m", "guidebuilder", "build", "--format", "all"]


def _outputs(folder):
    """Every file but the manifests, which carry the build time."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.suffix != ".json" and not p.is_dir()}


def test_a_build_killed_at_any_point_leaves_the_previous_outputs(tiny_project, tmp_path):
    out = tiny_project / "build"
    assert run_cli("build", "--format", "all", cwd=tiny_project).returncode == 0
    before = _outputs(out)
    path = tiny_project / "articles/xinyongka/yuqi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("五年", "五年整"), encoding="utf-8")
    assert run_cli("build", "--format", "all", "--out", str(tmp_path / "new"),
                   cwd=tiny_project).returncode == 0
    after = _outputs(tmp_path / "new")
    assert before != after
    for delay in (0.2, 0.6, 1.0, 1.4, 1.8, 2.4):
        process = subprocess.Popen(BUILD, cwd=tiny_project, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        for name, data in _outputs(out).items():
            if not name.endswith(".part"):
                assert data in (before[name], after[name]), (delay, name)
    assert run_cli("build", "--format", "all", cwd=tiny_project).returncode == 0
    assert _outputs(out) == after  # and no temporary file of a killed build is left
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".json") == \
        ["ceshi.epub.json", "ceshi.pdf.json"]
    assert not [p for p in out.iterdir() if p.is_dir()]  # nor its scratch folder


def test_a_killed_builds_temporary_files_are_removed_but_a_live_ones_are_kept(tiny_project):
    out = tiny_project / "build"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    (out / f".ceshi.pdf.{dead}.x1y2.part").write_bytes(b"%PDF-half")
    (out / f".guidebuilder.{dead}.k3j4.scratch" / "chunks").mkdir(parents=True)
    live = out / f".ceshi.pdf.{os.getpid()}.a1b2.part"
    live.write_bytes(b"%PDF-in-progress")
    live_scratch = out / f".guidebuilder.{os.getpid()}.m5n6.scratch"
    live_scratch.mkdir()
    assert run_cli("build", cwd=tiny_project).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == \
        [live.name, live_scratch.name, "ceshi.pdf", "ceshi.pdf.json"]


def test_two_builds_at_once_do_not_corrupt_each_other(tiny_project, tmp_path):
    assert run_cli("build", "--format", "all", "--out", str(tmp_path / "alone"),
                   cwd=tiny_project).returncode == 0
    expected = _outputs(tmp_path / "alone")
    processes = [subprocess.Popen(BUILD, cwd=tiny_project, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read()
    assert _outputs(tiny_project / "build") == expected


def test_a_build_that_fails_leaves_no_folder_it_made(tmp_path):
    out = tmp_path / "guides" / "build"
    with pytest.raises(RuntimeError), scratch_folder(out) as scratch:
        (scratch / "book.pdf").write_bytes(b"%PDF-half")
        assert scratch.parent == out and scratch.name.endswith(".scratch")
        raise RuntimeError("a layout failed")
    assert list(tmp_path.iterdir()) == []
