"""Every warning of a build reaches the user one way: as a Problem that `build` returns (and
`--strict` refuses), located at its file and line. Nothing is only logged: the test suite fails
on a warning that guidebuilder or WeasyPrint logs and nothing captured."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import weasyprint
from conftest import REPO, write

from guidebuilder.build import build
from guidebuilder.errors import GuideError


@pytest.fixture
def misspelt_css(tiny_project):
    """The tiny guide in a theme whose print.css misspells a property on its second line."""
    write(tiny_project / "themes/misspelt/theme.yml", "name: misspelt\n")
    write(tiny_project / "themes/misspelt/css/print.css", "h1 { color: black; }\n"
                                                          ".article-title { colour: red; }\n")
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: misspelt\n", encoding="utf-8")
    return tiny_project


def test_a_css_warning_names_the_theme_stylesheet_and_line(misspelt_css, tmp_path):
    outputs, warnings = build(misspelt_css, [], ["pdf", "epub"], tmp_path / "out")
    assert len(outputs) == 2
    stylesheet = misspelt_css / "themes/misspelt/css/print.css"
    assert [(w.path, w.line, w.warning) for w in warnings] == [(stylesheet, 2, True)]
    assert "Ignored `colour: red`" in warnings[0].message


def test_strict_refuses_a_css_warning(misspelt_css, tmp_path):
    with pytest.raises(GuideError) as raised:
        build(misspelt_css, [], ["pdf"], tmp_path / "out", strict=True)
    assert [(p.path.name, p.line) for p in raised.value.problems] == [("print.css", 2)]
    assert not (tmp_path / "out").exists()


def test_what_weasyprint_logs_outside_a_build_is_heard(expect_logs):
    weasyprint.CSS(string=".a { colour: red; }")
    assert [r.getMessage() for r in expect_logs] == [
        "Ignored `colour: red` at 1:6, unknown property."]


def test_a_test_that_does_not_expect_a_warning_fails_on_one(tmp_path):
    test = write(tmp_path / "test_logs.py", """
        import logging

        def test_logs():
            logging.getLogger("guidebuilder.render").warning("something went wrong")

        def test_progress_is_not_a_warning():
            logging.getLogger("weasyprint.progress").warning("Step 1")
        """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO / "tests"), str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest",
                             "-p", "no:cacheprovider", str(test)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    # test_logs passes, then errs in its teardown; progress messages are not warnings
    assert "2 passed, 1 error" in result.stdout, textwrap.shorten(result.stdout, 2000)
    assert "ERROR test_logs.py::test_logs - AssertionError: unexpected warnings" in result.stdout
    assert "guidebuilder.render: WARNING: something went wrong" in result.stdout
