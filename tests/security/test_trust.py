"""The trust boundaries of the README's Security section. A guide names a theme, not
a path; a cover is a real PNG or JPEG inside the project; articles, category folders and
`_category.yml` that are symlinks out of the project are refused; a theme's templates run in
Jinja2's sandbox and cannot include a file from outside their theme."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import article, write

from .helpers import MARKER, assert_located, run_limited

GUIDE = "guides/ceshi.yml"
ADDED = 13  # the line a key appended to the tiny guide is on


def _add_to_guide(root: Path, line: str) -> None:
    guide = root / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def theme_path(root, outside):
    _add_to_guide(root, "theme: ../../..")
    return f"{GUIDE}:{ADDED}: theme '../../..' must be a theme's name"


def theme_extends_path(root, outside):
    write(root / "themes/hostile/theme.yml", "extends: ../../../outside\n")
    _add_to_guide(root, "theme: hostile")
    return "themes/hostile/theme.yml:1: theme '../../../outside' must be a theme's name"


def theme_symlinked_out(root, outside):
    write(outside / "theme/css/print.css", "body { color: red }\n")
    (root / "themes").mkdir()
    os.symlink(outside / "theme", root / "themes/hostile")
    _add_to_guide(root, "theme: hostile")
    return "themes/hostile: theme 'hostile' is a symlink out of the project"


def cover_absolute(root, outside):
    _add_to_guide(root, f"cover: {outside}/secret.jpg")
    return f"{GUIDE}:{ADDED}: cover '{outside}/secret.jpg' must be a file inside the project"


def cover_escape(root, outside):
    _add_to_guide(root, "cover: ../outside/secret.jpg")
    return f"{GUIDE}:{ADDED}: cover '../outside/secret.jpg' must be a file inside the project"


def cover_symlink(root, outside):
    os.symlink(outside / "secret.jpg", root / "cover.jpg")
    _add_to_guide(root, "cover: cover.jpg")
    return f"{GUIDE}:{ADDED}: cover 'cover.jpg' must be a file inside the project"


def cover_device(root, outside):
    os.symlink("/dev/zero", root / "cover.png")
    _add_to_guide(root, "cover: cover.png")
    return f"{GUIDE}:{ADDED}: cover 'cover.png' must be a file inside the project"


def cover_fifo(root, outside):
    os.mkfifo(root / "cover.jpg")
    _add_to_guide(root, "cover: cover.jpg")
    return f"{GUIDE}:{ADDED}: cover 'cover.jpg' is not a regular file"


def article_symlink(root, outside):
    write(outside / "stolen.md", article("外部文章", MARKER))
    os.symlink(outside / "stolen.md", root / "articles/xinyongka/stolen.md")
    return "articles/xinyongka/stolen.md: a symlink to a file outside the project"


def category_symlink(root, outside):
    write(outside / "cat/stolen.md", article("外部文章", MARKER))
    os.symlink(outside / "cat", root / "articles/waibu")
    return "articles/waibu: a symlink to a folder outside the project"


def category_file_symlink(root, outside):
    write(outside / "category.yml", f"name: {MARKER}\n")
    (root / "articles/xinyongka/_category.yml").unlink()
    os.symlink(outside / "category.yml", root / "articles/xinyongka/_category.yml")
    return "articles/xinyongka/_category.yml: a symlink to a file outside the category folder"


@pytest.mark.parametrize("attack", [
    theme_path, theme_extends_path, theme_symlinked_out, cover_absolute, cover_escape,
    cover_symlink, cover_device, cover_fifo, article_symlink, category_symlink,
    category_file_symlink])
def test_what_a_guide_names_stays_in_the_project(attack, tiny_project, outside, tmp_path):
    where = attack(tiny_project, outside)
    assert_located(run_limited("check", cwd=tiny_project), where)
    out = tmp_path / "out"
    assert_located(run_limited("build", "--format", "all", "--out", str(out), cwd=tiny_project),
                   where)
    assert not out.exists()


TEMPLATE_ATTACKS = {
    "python objects": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os.popen('echo " + MARKER + "').read() }}",
    "format string": "{{ '{0.__class__.__init__.__globals__}'.format(article) }}",
    "include outside": "{% include 'stolen.html' %}",
}


@pytest.mark.parametrize("attack", TEMPLATE_ATTACKS)
def test_a_theme_template_cannot_run_code_or_read_files(attack, tiny_project, outside, tmp_path):
    templates = tiny_project / "themes/hostile/templates/partials"
    write(templates / "article_meta.html", TEMPLATE_ATTACKS[attack] + "\n")
    os.symlink(outside / "secret.txt", templates.parent / "stolen.html")
    _add_to_guide(tiny_project, "theme: hostile")
    out = tmp_path / "out"
    result = run_limited("build", "--format", "all", "--out", str(out), cwd=tiny_project)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and MARKER not in result.stderr
    assert "theme 'hostile'" in result.stderr or "themes/hostile" in result.stderr
    assert not out.exists()


def test_a_theme_stylesheet_symlinked_out_of_its_theme_is_refused(tiny_project, outside, tmp_path):
    (tiny_project / "themes/hostile/css").mkdir(parents=True)
    os.symlink(outside / "secret.css", tiny_project / "themes/hostile/css/print.css")
    _add_to_guide(tiny_project, "theme: hostile")
    out = tmp_path / "out"
    result = run_limited("build", "--format", "all", "--out", str(out), cwd=tiny_project)
    assert_located(result, "themes/hostile/css/print.css: theme 'hostile': a stylesheet")
    assert not out.exists()


@pytest.mark.parametrize("template", ["partials/running.html", "edition_pages.html",
                                      "cover_page.html"])
def test_check_finds_a_sandbox_violation_in_any_template(template, tiny_project):
    """Not only the book's templates: the furniture, cover and client-edition ones too, before
    anything is laid out."""
    write(tiny_project / "themes/hostile/templates" / template,
          "<p>\n" + TEMPLATE_ATTACKS["python objects"] + "\n</p>\n")
    _add_to_guide(tiny_project, "theme: hostile")
    _add_to_guide(tiny_project, "editions:\n  - client: 华信商贸有限公司\n    slug: huaxin")
    result = run_limited("check", cwd=tiny_project)
    assert_located(result, str(Path("themes/hostile/templates") / template))
