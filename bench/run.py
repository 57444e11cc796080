"""`make bench`: guidebuilder against a plain WeasyPrint pass (and pandoc's EPUB, where pandoc
is installed) on a synthetic corpus, on this machine, in one run.

Every measurement runs in its own process; its peak RSS is the largest sum, sampled every
20 ms, of the resident memory of that process and all its worker processes. Prints a table
and writes the results to JSON so runs can be compared between commits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pypdf

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Result:
    name: str
    seconds: float
    peak_rss_mb: float
    output_mb: float | None = None
    pages: int | None = None

    @property
    def pages_per_second(self) -> float | None:
        return self.pages / self.seconds if self.pages else None


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                parents[int(entry.name)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry.name}/statm") as statm:
                rss[int(entry.name)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(p, 0) for p in tree)


def measure(name: str, command: list[str], cwd: Path, output: Path | None = None) -> Result:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read()
    process.wait()
    sampler.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{name} failed: {stderr.decode()[-2000:]}")
    result = Result(name, seconds, peak[0] / 1024)
    if output is not None and output.exists():
        result.output_mb = output.stat().st_size / 2**20
        if output.suffix == ".pdf":
            result.pages = len(pypdf.PdfReader(output).pages)
    print(f"  {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return result


def baseline_html(root: Path, work: Path) -> list[str]:
    """The same book as one HTML file, and the stylesheets: what a plain WeasyPrint run gets."""
    from guidebuilder.assemble import assemble
    from guidebuilder.build import load_project
    from guidebuilder.errors import Problems
    from guidebuilder.render.pdf.chunks import chunk_html, whole_book
    from guidebuilder.render.pdf.book import qr_svg
    from guidebuilder.render.print_job import print_stylesheets
    from guidebuilder.theme import load_theme

    problems = Problems()
    project = load_project(root, problems)
    guide = next(g for g in project.guides if g.name == "bench")
    book = assemble(project.corpus, guide, problems)
    theme = load_theme(guide.theme, root)
    html, _ = chunk_html(theme, book, whole_book(book), 1, qr=qr_svg)
    (work / "book.html").write_text(html, encoding="utf-8")
    (work / "page.css").write_text("@page { size: A5; }", encoding="utf-8")
    sheets = [str(p) for p in print_stylesheets(book, theme)] + [
        str(work / "page.css"), str(Path(__file__).with_name("baseline.css"))]
    return [arg for sheet in sheets for arg in ("-s", sheet)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--editions", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("build/bench"))
    args = parser.parse_args()
    work = args.out.resolve()
    shutil.rmtree(work, ignore_errors=True)
    root = write_corpus(work / "project", args.articles)
    guides = root / "guides"
    editions = (guides / "bench.yml").read_text(encoding="utf-8") + "editions:\n" + "".join(
        f"  - client: 客户{i:02d}有限公司\n    slug: e{i:02d}\n" for i in range(1, args.editions + 1))
    (guides / "bench-editions.yml").write_text(editions.replace("基准测试指南", "基准测试指南(客户版)"),
                                               encoding="utf-8")
    tool = [str(BIN / "guidebuilder"), "--root", str(root), "build"]
    out = root / "build"
    print(f"{args.articles} articles, {args.editions} editions, in {work}", file=sys.stderr)

    results = [measure("WeasyPrint, one pass (baseline)",
                       [str(BIN / "weasyprint"), *baseline_html(root, work), "-u",
                        (root / "articles").as_uri() + "/", str(work / "book.html"),
                        str(work / "baseline.pdf")], root, work / "baseline.pdf")]
    if shutil.which("pandoc"):
        sources = sorted(str(p) for p in (root / "articles").glob("*/*.md"))
        results.append(measure("pandoc EPUB (baseline)",
                               ["pandoc", "-o", str(work / "pandoc.epub"), "--metadata",
                                "title=基准测试指南", *sources], root, work / "pandoc.epub"))
    results.append(measure("guidebuilder PDF, cold", [*tool, "bench"], root, out / "bench.pdf"))
    results.append(measure("guidebuilder EPUB, cold", [*tool, "bench", "--format", "epub"], root,
                           out / "bench.epub"))
    changed = sorted((root / "articles").glob("*/a00007.md"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充一段新的说明。\n", encoding="utf-8")
    results.append(measure("guidebuilder PDF, one article changed", [*tool, "bench"], root,
                           out / "bench.pdf"))
    # both edition runs without the cache, so that they compare like with like
    results.append(measure("guidebuilder PDF, one client edition (no cache)",
                           [*tool, "bench-editions", "--edition", "e01", "--no-cache"], root,
                           out / "bench-editions-e01.pdf"))
    results.append(measure(f"guidebuilder PDF, firm + {args.editions} client editions (no cache)",
                           [*tool, "bench-editions", "--no-cache"], root,
                           out / "bench-editions-e01.pdf"))
    report(results, args, work)


def report(results: list[Result], args, work: Path) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\n{args.articles} articles on {machine}\n")
    print("| run | wall (s) | pages | pages/s | peak RSS (MB) | output (MB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        pps = f"{r.pages_per_second:.1f}" if r.pages_per_second else "–"
        size = f"{r.output_mb:.1f}" if r.output_mb is not None else "–"
        print(f"| {r.name} | {r.seconds:.1f} | {r.pages or '–'} | {pps} | {r.peak_rss_mb:.0f} | {size} |")
    by = {r.name: r for r in results}
    base, cold = results[0], by["guidebuilder PDF, cold"]
    checks = [
        ("PDF build ≤ 0.6 × baseline", cold.seconds / base.seconds, 0.6),
        ("PDF peak RSS ≤ 1 GB", cold.peak_rss_mb / 1024, 1.0),
        ("PDF size ≤ 1.15 × baseline", (cold.output_mb or 0) / (base.output_mb or 1), 1.15),
        ("rebuild ≤ 20 % of cold", by["guidebuilder PDF, one article changed"].seconds / cold.seconds, 0.2),
        (f"{args.editions} editions ≤ 2 × one edition",
         by[f"guidebuilder PDF, firm + {args.editions} client editions (no cache)"].seconds
         / by["guidebuilder PDF, one client edition (no cache)"].seconds, 2.0),
    ]
    if "pandoc EPUB (baseline)" in by:
        checks.append(("EPUB ≤ pandoc", by["guidebuilder EPUB, cold"].seconds
                       / by["pandoc EPUB (baseline)"].seconds, 1.0))
    print("\n| target | measured | limit | met |\n| --- | ---: | ---: | --- |")
    for name, value, limit in checks:
        print(f"| {name} | {value:.2f} | {limit} | {'yes' if value <= limit else 'no'} |")
    record = {"articles": args.articles, "editions": args.editions, "machine": machine,
              "results": [asdict(r) | {"pages_per_second": r.pages_per_second} for r in results],
              "targets": [{"target": n, "measured": v, "limit": lim, "met": v <= lim}
                          for n, v, lim in checks]}
    (work / "results.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    print(f"\nresults: {work / 'results.json'}")


if __name__ == "__main__":
    main()
