"""`build GUIDE --article SLUG`: a proof of one article with the guide's theme; and the
closing lines every build ends with (what was written, pages, size, time)."""

from __future__ import annotations

import re

from conftest import run_cli
from pdfbook import PdfBook


def test_a_proof_of_one_article_holds_that_article_only(tiny_project):
    result = run_cli("build", "ceshi", "--article", "xieshang", cwd=tiny_project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tiny_project / "build").glob("*.pdf")) == ["ceshi-proof.pdf"]
    proof = PdfBook(tiny_project / "build/ceshi-proof.pdf")
    assert proof.find_pages("先和银行沟通。")
    assert not proof.find_pages("利率不得超过一年期LPR的四倍。")
    assert not proof.find_pages("逾期记录会保留五年。")
    # its related article 信用卡逾期的后果 is not in the proof: printed with its URL, no page
    assert "https://law.example/xyk/1.html" in proof.uris()
    assert re.search(r"^wrote build/ceshi-proof\.pdf +\d+ pages +\d+ kB$", result.stdout, re.M)


def test_a_proof_of_an_article_not_in_the_guide_says_which_are(tiny_project):
    result = run_cli("build", "ceshi", "--article", "laodong", cwd=tiny_project)
    assert result.returncode == 1
    assert ("guides/ceshi.yml: guide 'ceshi' has no article 'laodong' (its articles: xieshang, "
            "yuqi, jiedai)") in result.stderr
    assert not (tiny_project / "build").exists()


def test_every_build_ends_with_what_it_wrote_pages_and_time(tiny_project):
    result = run_cli("build", "--format", "all", cwd=tiny_project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    pages = PdfBook(tiny_project / "build/ceshi.pdf").page_count
    assert re.fullmatch(r"wrote build/ceshi\.epub +\d+ documents +\d+ kB", lines[0]), lines
    assert re.fullmatch(rf"wrote build/ceshi\.pdf +{pages} pages +\d+ kB", lines[1]), lines
    assert re.fullmatch(r"2 file\(s\) in \d+\.\d s; each has its record beside it "
                        r"\(<file>\.json\)", lines[2]), lines
