"""Import benchmark: how long reading a saved page takes, and placing a batch of pages
against a large articles folder (the issue asks for 30,000 against 30,000 in under a minute,
and at most 40 ms a page to read).

    python bench/import_bench.py                      # 30,000 pages against 30,000 articles
    python bench/import_bench.py --library 10000 --pages 1000 --scan

Placing is measured in memory (the folder's index built from synthetic articles); --scan also
writes the library to a temporary folder and times reading it back (front matter of every file).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from guidebuilder.importer import Source, read_page  # noqa: E402
from guidebuilder.importer.dates import parse_as_of  # noqa: E402
from guidebuilder.importer.library import ExistingArticle, Library, scan  # noqa: E402
from guidebuilder.importer.page import Page, Paragraph, RelatedTitle  # noqa: E402
from guidebuilder.importer.plan import RelatedIndex, Taken, place  # noqa: E402

PAGES = ROOT / "tests" / "pages"
CATEGORIES = ["信用卡", "金融债务", "劳动纠纷", "婚姻家事", "交通事故", "房产纠纷"]
FOLDERS = ["xinyongka", "jinrong", "laodong", "hunyin", "jiaotong", "fangchan"]


def time_parsing(rounds: int) -> list[tuple[str, float]]:
    as_of = parse_as_of("2026-11-29")
    pages = sorted(p for p in PAGES.rglob("*") if p.suffix in (".html", ".mhtml", ".txt"))
    results = []
    for page in pages:
        source = Source(str(page), page.name, path=page)
        read_page(source, as_of)  # warm up
        start = time.perf_counter()
        for _ in range(rounds):
            read_page(source, as_of)
        results.append((str(page.relative_to(PAGES)), (time.perf_counter() - start) / rounds * 1000))
    return results


def synthetic_library(into: Path, count: int) -> Library:
    library = Library(into)
    for category, folder in zip(CATEGORIES, FOLDERS):
        library.folders[category] = folder
    for n in range(count):
        folder = FOLDERS[n % len(FOLDERS)]
        library.add(ExistingArticle(into / folder / f"{n}.md", f"已有文章第{n}篇",
                                    f"https://law.example/{folder}/{n}.html"))
    return library


def synthetic_pages(count: int, library_size: int) -> list[Page]:
    pages = []
    for n in range(count):
        number = library_size + n if n % 2 else n  # half new, half re-imports
        folder = FOLDERS[number % len(FOLDERS)]
        related = (RelatedTitle(f"已有文章第{(n * 7) % max(library_size, 1)}篇"),
                   RelatedTitle(f"新文章第{(n + 1) % count}篇"))
        pages.append(Page(source=f"{n}.html", kind="html", encoding="utf-8",
                          title=f"新文章第{n}篇" if n % 2 else f"已有文章第{n}篇",
                          category=CATEGORIES[number % len(CATEGORIES)],
                          source_url=f"https://law.example/{folder}/{number}.html",
                          related=related, body=(Paragraph("正文。"),)))
    return pages


def time_placing(library_size: int, page_count: int) -> tuple[float, int]:
    library = synthetic_library(Path("/nonexistent/articles"), library_size)
    pages = synthetic_pages(page_count, library_size)
    start = time.perf_counter()
    taken = Taken()
    placements = [place(page, library, taken) for page in pages]
    index = RelatedIndex(library, placements)
    resolved = sum(len(index.resolve(p).entries) for p in placements)
    return time.perf_counter() - start, resolved


def time_scan(library_size: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        into = Path(folder) / "articles"
        for n in range(library_size):
            sub = into / FOLDERS[n % len(FOLDERS)]
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{n}.md").write_text(
                f"---\ntitle: 已有文章第{n}篇\nsource_url: https://law.example/{sub.name}/{n}.html\n"
                f"import_hash: 0123456789abcdef\n---\n\n正文。\n", encoding="utf-8")
        start = time.perf_counter()
        scan(into)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=int, default=30_000)
    parser.add_argument("--pages", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=20, help="reads of each test page")
    parser.add_argument("--scan", action="store_true", help="also time reading the folder from disk")
    args = parser.parse_args()

    parsed = time_parsing(args.rounds)
    for name, ms in parsed:
        print(f"parse {name:45s} {ms:7.2f} ms")
    times = [ms for _, ms in parsed]
    print(f"parse: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms a page "
          f"({len(times)} test pages, {args.rounds} rounds each)")
    seconds, resolved = time_placing(args.library, args.pages)
    print(f"place: {args.pages:,} pages against {args.library:,} articles in {seconds:.2f} s "
          f"({resolved:,} related entries resolved)")
    if args.scan:
        print(f"scan: reading {args.library:,} articles' front matter took {time_scan(args.library):.2f} s")


if __name__ == "__main__":
    main()
