"""The make targets staff use instead of the virtualenv's path: each passes on what it is
given (GUIDE, EDITION, ARTICLE, SRC, AS_OF, PORT); `make test` lints before it tests. Checked
with `make -n`, which prints the commands a target would run."""

from __future__ import annotations

import subprocess

import pytest
from conftest import REPO


def planned(*arguments: str) -> list[str]:
    result = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed",
                             *arguments], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [" ".join(line.split()) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("arguments, command", [
    (["pdf"], ".venv/bin/guidebuilder build --format pdf --out build"),
    (["pdf", "GUIDE=xinyongka-zhaiwu"],
     ".venv/bin/guidebuilder build --format pdf xinyongka-zhaiwu --out build"),
    (["pdf", "GUIDE=xinyongka-zhaiwu", "EDITION=huaxin"],
     ".venv/bin/guidebuilder build --format pdf xinyongka-zhaiwu --edition huaxin --out build"),
    (["epub", "GUIDE=laodong-yonggong", "EDITION=ruifeng"],
     ".venv/bin/guidebuilder build --format epub laodong-yonggong --edition ruifeng --out build"),
    (["pdf", "GUIDE=xinyongka-zhaiwu", "ARTICLE=yuqi-houguo"],
     ".venv/bin/guidebuilder build --format pdf xinyongka-zhaiwu --article yuqi-houguo --out build"),
    (["import", "SRC=saved/", "AS_OF=2026-11-29"],
     ".venv/bin/guidebuilder import saved/ --as-of 2026-11-29"),
    (["serve"], ".venv/bin/guidebuilder serve --port 8000"),
    (["serve", "PORT=8001"], ".venv/bin/guidebuilder serve --port 8001"),
    (["init", "DIR=../my-guides"], ".venv/bin/guidebuilder init ../my-guides"),
])
def test_a_make_target_runs_guidebuilder_with_what_it_was_given(arguments, command):
    assert command in planned(*arguments)


def test_make_import_without_src_says_what_to_give():
    result = subprocess.run(["make", "-o", ".venv/.installed", "import"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "say which pages: make import SRC=saved/ [AS_OF=2026-11-29]" in result.stderr


def test_make_test_lints_then_tests_on_every_core():
    commands = planned("test")
    assert commands.index(".venv/bin/ruff check src tests bench") < \
        commands.index(".venv/bin/python -m pytest -n auto --dist loadfile")


def test_make_goldens_rewrites_the_expected_outputs_and_shows_what_changed():
    assert planned("goldens") == [
        "GUIDEBUILDER_GOLDENS=rewrite .venv/bin/python -m pytest -q -m golden",
        "git status --short -- tests/expected"]
