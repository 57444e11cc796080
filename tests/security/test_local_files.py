"""A file the build user can read must not reach a client's book, whatever spelling
of a `file:` URL carries it (a #fragment or ?query that steers the inside-the-project test,
a relative href from an SVG, a symlink) and wherever it comes from (an SVG in articles/, a
data: SVG in an article, a theme's url()). Devices are refused, not read."""

from __future__ import annotations

import base64
import os

import pytest
from conftest import article, write

from .helpers import epub_leaks, pdf_leaks, run_limited, svg

YUQI = "articles/xinyongka/yuqi.md"


def _article_with(root, body: str) -> None:
    write(root / YUQI, article("信用卡逾期的后果", body, date="2026-01-02",
                               source_url="https://law.example/xyk/1.html"))


def _svg_file(root, outside, inner: str) -> None:
    write(root / "articles/xinyongka/pic.svg", svg(inner))
    _article_with(root, "逾期会产生利息。\n\n![图](pic.svg)\n")


def svg_absolute_fragment(root, outside):
    steer = f"#/../../{root.name}/articles/xinyongka/x"
    _svg_file(root, outside, f'<image href="file://{outside}/secret.jpg{steer}" width="40" height="40"/>')


def svg_relative_fragment(root, outside):
    steer = f"#/../../{root.name}/articles/xinyongka/x"
    _svg_file(root, outside, f'<image xlink:href="../../../outside/secret.jpg{steer}" '
                             'width="40" height="40"/>')


def svg_query(root, outside):
    _svg_file(root, outside, f'<image href="file://{outside}/secret.jpg?/../../{root.name}/'
                             'articles/xinyongka/x" width="40" height="40"/>')


def svg_symlinked_image(root, outside):
    os.symlink(outside / "secret.jpg", root / "articles/xinyongka/link.jpg")
    _svg_file(root, outside, '<image href="link.jpg#/../x" width="40" height="40"/>'
                             '<image href="link.jpg" width="40" height="40"/>')


def data_svg_in_article(root, outside):
    inner = svg(f'<image href="file://{outside}/secret.jpg#/../../{root.name}/articles/x" '
                'width="40" height="40"/>')
    encoded = base64.b64encode(inner.encode()).decode()
    _article_with(root, f'逾期会产生利息。\n\n<img src="data:image/svg+xml;base64,{encoded}" alt="图">\n')


def theme_url(root, outside):
    steer = f"#/../../{root.name}/themes/hostile/x"
    write(root / "themes/hostile/css/print.css",
          f'@import url("file://{outside}/secret.css{steer}");\n'
          f'.article-body {{ background: url("file://{outside}/secret.jpg{steer}"); }}\n'
          f'.article-title::after {{ content: url("file://{outside}/secret.svg{steer}"); }}\n')
    guide = root / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: hostile\n", encoding="utf-8")


def theme_device(root, outside):
    """/dev/zero through a theme: read, it would fill memory to the limit."""
    write(root / "themes/hostile/css/print.css",
          f'.article-body {{ background: url("file:///dev/zero#/../../{root}/themes/hostile/x"); }}\n'
          f'.article-title {{ background: url("zero.png"); }}\n')
    os.symlink("/dev/zero", root / "themes/hostile/css/zero.png")
    os.mkfifo(root / "themes/hostile/css/fifo.png")
    write(root / "themes/hostile/css/epub.css", '.a { background: url("fifo.png"); }\n')
    guide = root / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: hostile\n", encoding="utf-8")


@pytest.mark.parametrize("attack", [svg_absolute_fragment, svg_relative_fragment, svg_query,
                                    svg_symlinked_image, data_svg_in_article, theme_url,
                                    theme_device])
def test_no_local_file_reaches_the_book(attack, tiny_project, outside, server, tmp_path):
    attack(tiny_project, outside)
    out = tmp_path / "out"
    result = run_limited("build", "--format", "all", "--jobs", "1", "--no-cache", "--out",
                         str(out), cwd=tiny_project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert pdf_leaks(out / "ceshi.pdf") == []
    assert epub_leaks(out / "ceshi.epub", "file:", "/dev/zero") == []
    assert server.requests == []
    assert "warning" in result.stderr  # the refusal is said, not silent
    strict = run_limited("build", "--strict", "--jobs", "1", "--no-cache", "--out",
                         str(tmp_path / "strict"), cwd=tiny_project)
    assert strict.returncode == 1, strict.stderr[-3000:]
    assert not (tmp_path / "strict" / "ceshi.pdf").exists()


@pytest.mark.parametrize("disguise", ["utf-8", "utf-16"])
def test_an_svg_named_png_is_cleaned_too(disguise, tiny_project, tmp_path):
    """WeasyPrint reads an image Pillow cannot read as an SVG, whatever its name says: a
    `<use>` bomb called bg.png is refused like one called bomb.svg, not drawn for minutes."""
    levels = ['<g id="l0"><rect width="1" height="1"/></g>'] + [
        f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>' for i in range(1, 21)]
    text = svg("<defs>" + "".join(levels) + '</defs><use href="#l20"/>')
    data = text.encode("utf-16") if disguise == "utf-16" else b"\xef\xbb\xbf" + text.encode()
    write(tiny_project / "themes/hostile/css/print.css", '.article-body { background: url("bg.png"); }\n')
    (tiny_project / "themes/hostile/css/bg.png").write_bytes(data)
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: hostile\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_limited("build", "--jobs", "1", "--no-cache", "--out", str(out), cwd=tiny_project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "draw more than" in result.stderr
