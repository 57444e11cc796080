"""`.cache/import/`: every fetched page with its ETag, Last-Modified and sitemap `lastmod`,
so that the next run asks only "has it changed?" and reads an unchanged page from here.

One file per address, written whole or not at all (a temporary file renamed into place): a run
killed half-way leaves only complete pages. A run journal records when an unfinished run
started; the run after it (within a day) takes every page fetched since then as fresh, without
asking again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..files import write_atomically

RESUMABLE_FOR = 24 * 3600  # seconds: an older interrupted run's pages are asked about again


@dataclass(frozen=True)
class CachedPage:
    url: str
    final_url: str
    content_type: str
    etag: str | None
    last_modified: str | None
    lastmod: str | None  # as the sitemap gave it when the page was fetched
    fetched_at: float  # seconds since the epoch
    body: bytes


class CrawlCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, url: str) -> Path:
        return self.folder / "pages" / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".page")

    def get(self, url: str) -> CachedPage | None:
        try:
            data = self._file(url).read_bytes()
            head, _, body = data.partition(b"\n")
            fields = json.loads(head)
        except (OSError, ValueError):
            return None
        if fields.get("url") != url or fields.get("size") != len(body):
            return None
        fields.pop("size")
        return CachedPage(body=body, **fields)

    def put(self, page: CachedPage) -> None:
        fields = asdict(page)
        body = fields.pop("body")
        fields["size"] = len(body)
        head = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")
        write_atomically(self._file(page.url), head + b"\n" + body)

    # --- the run journal ----------------------------------------------------------------

    def _journal(self, start_urls: list[str]) -> Path:
        key = hashlib.sha256("\n".join(sorted(start_urls)).encode("utf-8")).hexdigest()[:40]
        return self.folder / "runs" / f"{key}.json"

    def begin_run(self, start_urls: list[str]) -> float | None:
        """Start a run; the time the unfinished run of the same addresses began, if one was
        interrupted (its pages are taken as fresh)."""
        journal = self._journal(start_urls)
        try:
            interrupted = float(json.loads(journal.read_text(encoding="utf-8"))["started"])
        except (OSError, ValueError, KeyError, TypeError):
            interrupted = None
        if interrupted is not None and time.time() - interrupted > RESUMABLE_FOR:
            interrupted = None
        started = interrupted if interrupted is not None else time.time()
        write_atomically(journal, json.dumps({"started": started, "start_urls": start_urls}).encode("utf-8"))
        return interrupted

    def end_run(self, start_urls: list[str]) -> None:
        self._journal(start_urls).unlink(missing_ok=True)
