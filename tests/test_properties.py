"""Whatever front matter and Markdown an article holds, reading and assembling it either works
or fails with the project's own error: never a crash."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidebuilder.assemble import assemble
from guidebuilder.config import read_guide
from guidebuilder.errors import GuideError, Problems
from guidebuilder.reader import ARTICLE_KEYS, read_corpus

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), st.dates().map(str),
                    st.sampled_from(["2026-13-45", "https://law.example/x.html", "yuqi", "reprint"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=8)
front_matter = st.dictionaries(st.one_of(st.sampled_from(sorted(ARTICLE_KEYS.names)), st.text(max_size=10)),
                               values, max_size=8)
markdown_text = st.text(alphabet=string.printable + "一二三、。：，信用卡#*-|[]()!<>`\"'", max_size=400)
raw_front_matter = st.text(alphabet=string.printable + "：一", max_size=120)


def _read_and_assemble(root: Path, text: str) -> None:
    (root / "articles/xinyongka/generated.md").write_text(text, encoding="utf-8")
    problems = Problems()
    try:
        corpus = read_corpus(root, problems)
        guide = read_guide(root / "guides/g.yml", problems)
        assemble(corpus, guide, problems)
    except GuideError:
        pass


def _project() -> Path:
    root = Path(tempfile.mkdtemp())
    (root / "articles/xinyongka").mkdir(parents=True)
    (root / "guides").mkdir()
    (root / "guides/g.yml").write_text("title: 指南\ncategories: [xinyongka]\n", encoding="utf-8")
    return root


ROOT = _project()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter, markdown_text)
def test_generated_front_matter_and_markdown(meta, body):
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    _read_and_assemble(ROOT, text)


@settings(max_examples=200, deadline=None)
@given(raw_front_matter, markdown_text)
def test_generated_raw_text(head, body):
    _read_and_assemble(ROOT, f"---\n{head}\n---\n{body}")
