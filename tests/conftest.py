from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pdfbook import PdfBook

from guidebuilder.build import build
from guidebuilder.errors import Problems
from guidebuilder.reader import read_corpus

REPO = Path(__file__).resolve().parents[1]


WATCHED_LOGGERS = ("guidebuilder", "weasyprint")
QUIET_LOGGERS = ("weasyprint.progress",)  # WeasyPrint's steps, not problems


def _watched(name: str) -> bool:
    def under(prefixes: tuple[str, ...]) -> bool:
        return any(name == p or name.startswith(p + ".") for p in prefixes)
    return under(WATCHED_LOGGERS) and not under(QUIET_LOGGERS)


class _LoggedWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if _watched(record.name):
            self.records.append(record)


@pytest.fixture(scope="session", autouse=True)
def _logged_warnings():
    """Listens from the session's start, so what session fixtures log is heard too. It listens
    at the root logger: a warning that guidebuilder captures (WeasyPrint's, while laying out)
    does not get there, and is not a log but a Problem."""
    handler = _LoggedWarnings()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


@pytest.fixture(autouse=True)
def no_unexpected_logs(request, _logged_warnings):
    """Fails a test if guidebuilder or WeasyPrint logs a warning during it (or while setting up
    what it uses) that nothing captured: every warning must reach the user through the build.
    A test that expects such warnings asks for `expect_logs`."""
    yield _logged_warnings
    logged = [f"{r.name}: {r.levelname}: {r.getMessage()}" for r in _logged_warnings]
    _logged_warnings.clear()
    if "expect_logs" not in request.fixturenames:
        assert logged == [], "unexpected warnings logged"


@pytest.fixture
def expect_logs(no_unexpected_logs) -> list[logging.LogRecord]:
    """The warnings logged during the test, for a test that expects some (it may check them)."""
    return no_unexpected_logs


def build_pdf(root: Path, out: Path, *guides: str) -> dict[str, PdfBook]:
    """Build guides and fail on any warning: WeasyPrint's or ours."""
    outputs, warnings = build(root, list(guides), ["pdf"], out)
    assert [str(w) for w in warnings] == []
    return {path.stem: PdfBook(path) for path in outputs}


@pytest.fixture(scope="session")
def sample_books(tmp_path_factory) -> dict[str, PdfBook]:
    return build_pdf(REPO, tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def sample_corpus():
    problems = Problems()
    corpus = read_corpus(REPO, problems)
    assert problems.items == []
    return corpus


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def replace_in(root: Path, relative: str, old: str, new: str) -> None:
    """Edit a project file in place; the text to replace must be there."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def article(title: str, body: str = "正文第一段。\n", **meta: str) -> str:
    lines = [f"title: {title}"] + [f"{k}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body).lstrip("\n")


GUIDE = """\
title: 测试指南
subtitle: 小小的一本
publisher: 测试律师事务所
author: 测试团队
edition: 第1版
date: 2026-06-01
categories: [信用卡, 金融债务]
page_size: A5
copyright:
  notice: 版权声明:默认声明。
  rights: © 2026 测试律师事务所
disclaimer: 仅供参考。
"""


@pytest.fixture
def tiny_project(tmp_path) -> Path:
    """Two categories, four articles: related links in and out of the guide, and a reprint."""
    root = tmp_path / "project"
    write(root / "articles/xinyongka/_category.yml", "name: 信用卡\ndescription: 信用卡问题。\n")
    write(root / "articles/xinyongka/yuqi.md", article(
        "信用卡逾期的后果", """
        逾期会产生利息和违约金。

        ## 一、征信影响

        逾期记录会保留五年。

        ## 二、总结

        及时还款最重要。
        """,
        author="张律师", date="2026-01-02", source_url="https://law.example/xyk/1.html",
        copyright="版权声明:本文原创。",
        related="\n  - https://law.example/zw/2.html\n  - title: 外部文章\n    url: https://other.example/a.html"))
    write(root / "articles/xinyongka/xieshang.md", article(
        "如何协商还款", "先和银行沟通。\n\n- 准备材料\n- 说明困难\n",
        author="李律师", date="2026-02-03", source_url="https://law.example/xyk/2.html",
        related="[yuqi, laodong]"))
    write(root / "articles/jinrong-zhaiwu/_category.yml", "name: 金融债务\n")
    write(root / "articles/jinrong-zhaiwu/jiedai.md", article(
        "民间借贷利率上限", "利率不得超过一年期LPR的四倍。\n", date="2025-05-06",
        source_url="https://law.example/zw/2.html", origin="reprint",
        reprinted_from="\n  title: 法治周刊原文\n  url: https://journal.example/p/9.html"))
    write(root / "articles/laodong/laodong.md", article(
        "加班费怎么算", "工作日加班按百分之一百五十支付。\n", date="2024-03-04",
        source_url="https://law.example/ld/3.html"))
    write(root / "guides/ceshi.yml", GUIDE)
    return root


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidebuilder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
