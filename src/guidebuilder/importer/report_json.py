"""The import report as data (`--report FILE.json`): every page with its outcome, fields and
problems, and the pages that failed or were refused grouped by reason, so that a batch of
thousands can be triaged by what went wrong rather than page by page."""

from __future__ import annotations

import json
import re
from typing import Any

from . import ImportReport, PageReport

OUTCOMES = ("new", "updated", "unchanged", "refused", "failed", "skipped")
# a reason is the kind of failure, without the page's own details (its title, its path)
_REASONS = (
    (re.compile(r"^no recognisable title"), "no recognisable title"),
    (re.compile(r"^no category found"), "no category (give --category)"),
    (re.compile(r"^no article text found"), "no article text"),
    (re.compile(r"^the page is empty"), "empty page"),
    (re.compile(r"^the same article"), "the same article as another page of this import"),
    (re.compile(r"^the slug '.*' is taken"), "file name taken by another article"),
    (re.compile(r"already holds another article"), "file name taken by another article"),
    (re.compile(r"would need the folder"), "category folder holds another category"),
    (re.compile(r"is not replaced: it has been edited"), "edited by hand since its import (use --force)"),
    (re.compile(r"is not replaced: it was not written by an import"), "a hand-written article is in the way"),
    (re.compile(r"is not replaced"), "not replaced"),
    (re.compile(r"^cannot tell the text encoding"), "unknown text encoding"),
    (re.compile(r"\.mhtml file"), "unreadable MHTML file"),
    (re.compile(r"^cannot read or write|^cannot write"), "cannot read or write a file"),
    (re.compile(r"^internal error"), "internal error (please report it)"),
    (re.compile(r"robots\.txt asks"), "kept out by robots.txt"),
    (re.compile(r"on another host"), "on another host (give --allow-host)"),
    (re.compile(r"^redirect loop"), "redirect loop"),
    (re.compile(r"more than \d+ redirects"), "too many redirects"),
    (re.compile(r"^it is .*more than"), "page too large"),
    (re.compile(r"did not finish within|no answer within"), "timed out"),
    (re.compile(r"^cannot reach|^the connection failed"), "site unreachable"),
    (re.compile(r"^the site answered"), "error answer from the site"),
    (re.compile(r"^not an HTML page|^neither a sitemap"), "not an HTML page"),
    (re.compile(r"sitemap"), "unreadable sitemap"),
)


def reason(page: PageReport) -> str | None:
    """Why a failed or refused page was not written: one of a few reasons."""
    if page.outcome not in ("failed", "refused", "skipped"):
        return None
    errors = [p.message for p in page.problems if not p.warning] or [p.message for p in page.problems]
    message = errors[-1] if errors else ""
    return next((name for pattern, name in _REASONS if pattern.search(message)), message or "unknown")


def report_data(report: ImportReport) -> dict[str, Any]:
    pages = []
    failures: dict[str, list[str]] = {}
    for page in report.pages:
        why = reason(page)
        if why:
            failures.setdefault(why, []).append(page.source)
        pages.append({
            "source": page.source,
            "outcome": page.outcome,
            "reason": why,
            "path": str(page.path) if page.path else None,
            "profile": page.profile,
            "encoding": page.encoding,
            "found": list(page.found),
            "missing": list(page.missing),
            "problems": [{"message": p.message, "line": p.line, "warning": p.warning}
                         for p in page.problems],
        })
    return {
        "pages": pages,
        "counts": {outcome: report.count(outcome) for outcome in OUTCOMES},
        "failures": {name: sorted(sources) for name, sources in sorted(failures.items())},
    }


def report_json(report: ImportReport) -> str:
    return json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n"
