"""`guidebuilder init DIR`: a new project that a paralegal can build and preview as it is."""

from __future__ import annotations

import os
import subprocess

from conftest import run_cli
from pdfbook import PdfBook


def test_init_makes_a_project_whose_make_pdf_builds_the_guide_and_the_client_edition(tmp_path):
    result = run_cli("init", "wo-de-zhinan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "wo-de-zhinan"
    assert "make serve" in result.stdout and "make pdf" in result.stdout
    for name in ("README.md", "Makefile", ".gitignore", "guides/hetong-shouce.yml",
                 "clients/shili.yml", "articles/hetong/_category.yml",
                 "articles/hetong/01-jiekuan-jietiao.md"):
        assert (project / name).is_file(), name
    assert (project / "covers").is_dir()

    checked = run_cli("check", cwd=project)
    assert checked.returncode == 0
    assert checked.stderr.strip() == "0 error(s), 0 warning(s)"

    # make runs this installation, whatever the shell's PATH holds
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    made = subprocess.run(["make", "pdf"], cwd=project, capture_output=True, text=True, env=env,
                          timeout=300)
    assert made.returncode == 0, made.stderr
    book = PdfBook(project / "build/hetong-shouce.pdf")
    assert book.find_pages("借钱给朋友，借条应当写清哪些内容？")
    client = PdfBook(project / "build/hetong-shouce-shili.pdf")
    assert client.find_pages("示例科技有限公司")
    assert "wrote build/hetong-shouce.pdf" in made.stdout


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("旧文件\n", encoding="utf-8")
    result = run_cli("init", "old", cwd=tmp_path)
    assert result.returncode == 1
    assert "old already exists and is not an empty folder" in result.stderr
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == ["notes.txt"]
