"""The ids and classes guidebuilder relies on are in one module, which README lists, and a
theme's templates get them from it."""

from __future__ import annotations

import re

from conftest import REPO, write
from epubbook import EpubBook

from guidebuilder.build import build
from guidebuilder.render import contract

LISTED = re.compile(r"^- `contract\.(\w+)` = `([^`]+)`", re.M)


def test_readme_lists_the_contract():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert dict(LISTED.findall(readme)) == contract.NAMES


def test_every_name_of_the_contract_is_said_what_relies_on_it():
    source = (REPO / "src/guidebuilder/render/contract.py").read_text(encoding="utf-8")
    for name in contract.NAMES:
        assert re.search(rf'^{name} = "[^"]*"\n"""', source, re.M), name


def test_a_theme_template_names_the_copyright_page_through_the_contract(tiny_project, tmp_path):
    write(tiny_project / "themes/plain/theme.yml", "name: plain\n")
    write(tiny_project / "themes/plain/templates/partials/copyright.html",
          '<section class="copyright-page" id="{{ contract.COPYRIGHT_PAGE }}">'
          "<p>{{ guide.copyright.notice }}</p></section>\n")
    guide = tiny_project / "guides/ceshi.yml"
    guide.write_text(guide.read_text(encoding="utf-8") + "theme: plain\n", encoding="utf-8")
    outputs, warnings = build(tiny_project, [], ["epub"], tmp_path / "out")
    assert [str(w) for w in warnings] == []
    book = EpubBook(outputs[0])
    assert "copyright-page" in book.ids("copyright.xhtml")
    assert "默认声明" in book.text("copyright.xhtml")
