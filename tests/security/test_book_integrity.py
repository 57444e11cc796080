"""No silently wrong book. No heading id is another article's anchor; the
layout cache's key covers every file a layout reads, and a damaged entry is a miss; the
outputs of a run are committed as a set, or not at all."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import article, write

from .helpers import assert_located, run_limited

from guidebuilder.errors import GuideError, Problems
from guidebuilder.files import StagedFiles
from guidebuilder.reader import read_corpus

CACHE = ".cache/layout"


def _ids(html: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', html)


@pytest.mark.parametrize("body, other", [
    ("## B\n\n正文。\n", "a-b"),  # a heading's id
    ("正文。{#x}\n\n## 标题 {#y}\n", "a-y"),  # an id written by hand
    ("正文[^1]。\n\n[^1]: 注释。\n", "a-fn"),  # footnote ids
])
def test_no_id_in_an_article_is_another_articles_anchor(body, other, tiny_project):
    folder = tiny_project / "articles/xinyongka"
    write(folder / "a.md", article("甲篇", body))
    write(folder / f"{other}.md", article("乙篇", "## B\n\n正文。\n"))
    problems = Problems()
    corpus = read_corpus(tiny_project, problems)
    assert problems.errors == []
    anchors = [a.anchor for a in corpus.articles]
    ids = [i for a in corpus.articles for i in _ids(a.body_html)]
    assert len(set(anchors + ids)) == len(anchors + ids), sorted(set(anchors) & set(ids))


def _theme_with_background(root: Path) -> Path:
    write(root / "themes/hostile/css/print.css", ".article-body { background: url(bg.png); }\n")
    guide = root / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: hostile\n", encoding="utf-8")
    return root / "themes/hostile/css/bg.png"


def _png(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


def theme_asset(root: Path):
    background = _theme_with_background(root)
    background.write_bytes(_png((250, 250, 200)))
    return lambda: background.write_bytes(_png((200, 250, 250)))


def svg_reference(root: Path):
    write(root / "articles/xinyongka/pic.svg",
          '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50">'
          '<image href="inner.png" width="50" height="50"/></svg>')
    (root / "articles/xinyongka/inner.png").write_bytes(_png((250, 0, 0)))
    yuqi = root / "articles/xinyongka/yuqi.md"
    yuqi.write_text(yuqi.read_text(encoding="utf-8") + "\n![图](pic.svg)\n", encoding="utf-8")
    return lambda: (root / "articles/xinyongka/inner.png").write_bytes(_png((0, 0, 250)))


def _build(root: Path, out: Path, *extra: str) -> bytes:
    result = run_limited("build", "--jobs", "1", "--out", str(out), *extra, cwd=root)
    assert result.returncode == 0, result.stderr[-3000:]
    return (out / "ceshi.pdf").read_bytes()


@pytest.mark.parametrize("change", [theme_asset, svg_reference])
def test_a_cached_build_is_the_book_a_fresh_build_makes(change, tiny_project, tmp_path):
    edit = change(tiny_project)
    _build(tiny_project, tmp_path / "first")
    edit()
    cached = _build(tiny_project, tmp_path / "cached")
    fresh = _build(tiny_project, tmp_path / "fresh", "--no-cache")
    assert cached == fresh


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


CORRUPTIONS = {
    "pdf byte flipped": lambda entry: _flip_a_byte(entry),
    "facts byte flipped": lambda entry: _flip_a_byte(entry.with_suffix(".json")),
    "facts well-formed but wrong": lambda entry: entry.with_suffix(".json").write_text(
        entry.with_suffix(".json").read_text().replace('"pages": [', '"pages": [7, ', 1)),
    "pdf is a folder": lambda entry: (entry.unlink(), entry.mkdir()),
    "pdf is a fifo": lambda entry: (entry.unlink(), os.mkfifo(entry)),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_damaged_cache_entry_is_a_miss(corruption, tiny_project, tmp_path):
    first = _build(tiny_project, tmp_path / "first")
    entries = sorted((tiny_project / CACHE).glob("*.pdf"))
    assert entries
    for entry in entries:
        CORRUPTIONS[corruption](entry)
    assert _build(tiny_project, tmp_path / "again") == first


def test_a_folder_in_the_way_changes_no_output(tiny_project, tmp_path):
    out = tmp_path / "out"
    (out / "ceshi.epub").mkdir(parents=True)
    (out / "ceshi.pdf").write_bytes(b"the previous book")
    result = run_limited("build", "--format", "all", "--jobs", "1", "--out", str(out),
                         cwd=tiny_project)
    assert_located(result, "cannot write")
    assert (out / "ceshi.pdf").read_bytes() == b"the previous book"
    assert not (out / "ceshi.pdf.json").exists()
    assert sorted(p.name for p in out.iterdir()) == ["ceshi.epub", "ceshi.pdf"]


def test_a_rename_that_fails_half_way_puts_the_previous_files_back(tmp_path, monkeypatch):
    first, second = tmp_path / "g.pdf", tmp_path / "g.pdf.json"
    first.write_bytes(b"old pdf")
    second.write_bytes(b"old manifest")
    real_replace = os.replace

    def failing_replace(source, target):
        if Path(target) == second:
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    with StagedFiles() as staged:
        staged.stage(first, b"new pdf")
        staged.stage(second, b"new manifest")
        monkeypatch.setattr(os, "replace", failing_replace)
        with pytest.raises(GuideError):
            staged.commit()
        monkeypatch.setattr(os, "replace", real_replace)
    assert first.read_bytes() == b"old pdf" and second.read_bytes() == b"old manifest"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.pdf", "g.pdf.json"]


def test_two_commits_into_one_folder_do_not_interleave(tmp_path, monkeypatch):
    """Two runs writing a PDF and its manifest into one folder: the first is slow between its
    two renames, the second comes in then. The folder's lock makes the second wait, so the
    manifest beside the PDF is always that PDF's."""
    import threading
    import time

    from guidebuilder import files

    rename = os.replace
    first_renamed = threading.Event()

    def slow_first(source, target):
        rename(source, target)
        if threading.current_thread().name == "first" and str(target).endswith(".pdf"):
            first_renamed.set()
            time.sleep(0.5)

    monkeypatch.setattr(files.os, "replace", slow_first)
    out = tmp_path / "out"

    def run(content: bytes) -> None:
        with StagedFiles() as staged:
            staged.stage(out / "g.pdf", content)
            staged.stage(out / "g.pdf.json", hashlib.sha256(content).hexdigest().encode())
            staged.commit()

    first = threading.Thread(target=run, args=(b"first book",), name="first")
    first.start()
    assert first_renamed.wait(10)
    second = threading.Thread(target=run, args=(b"second book",), name="second")
    second.start()
    first.join(10)
    second.join(10)
    pdf = (out / "g.pdf").read_bytes()
    assert (out / "g.pdf.json").read_bytes() == hashlib.sha256(pdf).hexdigest().encode()
