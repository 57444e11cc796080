"""`make bench`: guidebuilder against a plain WeasyPrint pass (and pandoc's EPUB, where pandoc
is installed) on a synthetic corpus of each size asked for, on this machine, in one run.

Every measurement runs in its own process. Its CPU seconds are those of the process and all
its descendants (workers, the forkserver), and its peak RSS is the largest sum of their
resident memory, both sampled from /proc every 20 ms. Prints the tables and writes the
results to JSON so runs can be compared between commits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
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
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SINGLE_PASS = "WeasyPrint, one pass (baseline)"
PANDOC = "pandoc EPUB (baseline)"
COLD = "guidebuilder PDF, cold"
EPUB = "guidebuilder EPUB, cold"
REBUILD = "guidebuilder PDF, one article changed"


@dataclass
class Result:
    name: str
    articles: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    output_mb: float | None = None
    pages: int | None = None
    runs: int = 1  # the figures are the medians of this many runs

    @property
    def pages_per_second(self) -> float | None:
        return self.pages / self.seconds if self.pages else None


def tree_sample(pid: int) -> dict[int, tuple[float, int]]:
    """CPU seconds so far and resident KiB of a process and each of its descendants."""
    parents: dict[int, int] = {}
    usage: dict[int, tuple[float, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry.name}/statm") as statm:
                rss = int(statm.read().split()[1]) * PAGE_KB
        except (OSError, ValueError, IndexError):
            continue
        parents[int(entry.name)] = int(fields[1])
        usage[int(entry.name)] = ((int(fields[11]) + int(fields[12])) / TICKS, rss)
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return {p: usage[p] for p in tree if p in usage}


def measure(name: str, articles: int, command: list[str], cwd: Path,
            output: Path | None = None) -> Result:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, cpu = [0], {}

    def sample() -> None:
        while process.poll() is None:
            seen = tree_sample(process.pid)
            peak[0] = max(peak[0], sum(rss for _, rss in seen.values()))
            for p, (seconds, _) in seen.items():
                cpu[p] = max(cpu.get(p, 0.0), seconds)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read()
    process.wait()
    sampler.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{name} failed: {stderr.decode()[-2000:]}")
    result = Result(name, articles, seconds, sum(cpu.values()), peak[0] / 1024)
    if output is not None and output.exists():
        result.output_mb = output.stat().st_size / 2**20
        if output.suffix == ".pdf":
            result.pages = len(pypdf.PdfReader(output).pages)
    print(f"  {name}: {seconds:.1f} s, {result.cpu_seconds:.1f} CPU s", file=sys.stderr, flush=True)
    return result


def baseline_html(root: Path, work: Path) -> list[str]:
    """The same book as one HTML file, and the stylesheets: what a plain WeasyPrint run gets."""
    from guidebuilder.assemble import assemble
    from guidebuilder.build import load_project
    from guidebuilder.errors import Problems
    from guidebuilder.render.pdf.chunks import chunk_html, whole_book
    from guidebuilder.render.qr import qr_svg
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


def median(runs: list[Result]) -> Result:
    """The runs of one measurement as one: the median of each figure."""
    middle = statistics.median
    return Result(runs[0].name, runs[0].articles, middle(r.seconds for r in runs),
                  middle(r.cpu_seconds for r in runs), middle(r.peak_rss_mb for r in runs),
                  runs[-1].output_mb, runs[-1].pages, len(runs))


def bench_size(articles: int, editions: int, work: Path, extra: bool,
               repeat: int = 1) -> list[Result]:
    """The baselines, guidebuilder's cold builds and the rebuild after one article changed,
    for one corpus size; with `extra`, also the client editions and the cluster. The single
    pass, the cold build and the two EPUBs run `repeat` times, in turn, and count by their
    medians."""
    work.mkdir(parents=True)
    root = write_corpus(work / "project", articles)
    tool = [str(BIN / "guidebuilder"), "--root", str(root), "build"]
    out = root / "build"
    print(f"{articles} articles, in {work}", file=sys.stderr)
    single_pass = [str(BIN / "weasyprint"), *baseline_html(root, work), "-u",
                   (root / "articles").as_uri() + "/", str(work / "book.html"),
                   str(work / "baseline.pdf")]
    sources = sorted(str(p) for p in (root / "articles").glob("*/*.md"))
    pandoc = ["pandoc", "-o", str(work / "pandoc.epub"), "--metadata", "title=基准测试指南",
              *sources] if shutil.which("pandoc") else None
    runs: dict[str, list[Result]] = {SINGLE_PASS: [], PANDOC: [], COLD: [], EPUB: []}
    for _ in range(repeat):  # in turn, so that a slow spell of the machine hits both sides
        runs[SINGLE_PASS].append(measure(SINGLE_PASS, articles, single_pass, root,
                                         work / "baseline.pdf"))
        shutil.rmtree(root / ".cache", ignore_errors=True)
        runs[COLD].append(measure(COLD, articles, [*tool, "bench"], root, out / "bench.pdf"))
        if pandoc:
            runs[PANDOC].append(measure(PANDOC, articles, pandoc, root, work / "pandoc.epub"))
        runs[EPUB].append(measure(EPUB, articles, [*tool, "bench", "--format", "epub"], root,
                                  out / "bench.epub"))
    results = [median(measured) for measured in runs.values() if measured]
    changed = sorted((root / "articles").glob("*/a00007.md"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充一段新的说明。\n", encoding="utf-8")
    results.append(measure(REBUILD, articles, [*tool, "bench"], root, out / "bench.pdf"))
    if not extra:
        return results
    guides = root / "guides"
    (guides / "bench-editions.yml").write_text(
        (guides / "bench.yml").read_text(encoding="utf-8").replace("基准测试指南", "基准测试指南(客户版)")
        + "editions:\n" + "".join(f"  - client: 客户{i:02d}有限公司\n    slug: e{i:02d}\n"
                                   for i in range(1, editions + 1)), encoding="utf-8")
    # both edition runs without the cache, so that they compare like with like
    results.append(measure("guidebuilder PDF, one client edition (no cache)", articles,
                           [*tool, "bench-editions", "--edition", "e01", "--no-cache"], root,
                           out / "bench-editions-e01.pdf"))
    results.append(measure(f"guidebuilder PDF, firm + {editions} client editions (no cache)",
                           articles, [*tool, "bench-editions", "--no-cache"], root,
                           out / "bench-editions-e01.pdf"))
    results.extend(on_local_cluster(tool, articles, root, out))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, nargs="+", default=[50, 200, 400, 1000],
                        help="corpus sizes")
    parser.add_argument("--extras-at", type=int, default=None, metavar="N",
                        help="the size of the edition and cluster runs (default: the "
                        "largest; 0: none)")
    parser.add_argument("--editions", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=None, metavar="R",
                        help="how many times the single pass, the cold build and the EPUBs "
                        "run at each size (default: 3 up to 200 articles, 1 above): a ratio "
                        "of single runs moves by 5 %% from run to run on a small book")
    parser.add_argument("--out", type=Path, default=Path("build/bench"))
    args = parser.parse_args()
    work = args.out.resolve()
    shutil.rmtree(work, ignore_errors=True)
    sizes = sorted(set(args.articles))
    extras = sizes[-1] if args.extras_at is None else args.extras_at
    if extras and extras not in sizes:
        parser.error(f"--extras-at {extras} is not one of the sizes {sizes}")
    results = [r for n in sizes
               for r in bench_size(n, args.editions, work / f"n{n}", n == extras,
                                   args.repeat or (3 if n <= 200 else 1))]
    report(results, sizes, extras, args.editions, work)


def _ratio(a: Result | None, b: Result | None, field: str) -> float | None:
    return getattr(a, field) / getattr(b, field) if a and b else None


def report(results: list[Result], sizes: list[int], extras: int, editions: int,
           work: Path) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\n{machine}\n")
    print("| articles | run | wall (s) | CPU (s) | pages | pages/s | peak RSS (MB) | output (MB) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        pps = f"{r.pages_per_second:.1f}" if r.pages_per_second else "–"
        size = f"{r.output_mb:.1f}" if r.output_mb is not None else "–"
        name = r.name if r.runs == 1 else f"{r.name}, median of {r.runs} runs"
        print(f"| {r.articles} | {name} | {r.seconds:.1f} | {r.cpu_seconds:.1f} | "
              f"{r.pages or '–'} | {pps} | {r.peak_rss_mb:.0f} | {size} |")
    by = {(r.articles, r.name): r for r in results}
    print("\n| articles | pages | single pass wall / CPU (s) | guidebuilder wall / CPU (s) "
          "| wall ratio | CPU ratio | EPUB ÷ pandoc | rebuild ÷ cold |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    checks = []
    for n in sizes:
        base, cold = by[n, SINGLE_PASS], by[n, COLD]
        wall, cpu = _ratio(cold, base, "seconds"), _ratio(cold, base, "cpu_seconds")
        epub = _ratio(by.get((n, EPUB)), by.get((n, PANDOC)), "seconds")
        rebuild = _ratio(by[n, REBUILD], cold, "seconds")
        print(f"| {n} | {cold.pages} | {base.seconds:.1f} / {base.cpu_seconds:.1f} | "
              f"{cold.seconds:.1f} / {cold.cpu_seconds:.1f} | {wall:.2f} | {cpu:.2f} | "
              f"{'–' if epub is None else f'{epub:.2f}'} | {rebuild:.2f} |")
        checks.append((f"N={n}: PDF CPU seconds ≤ 1.1 × single pass", cpu, 1.1))
        checks.append((f"N={n}: PDF wall ≤ {1.0 if n < 200 else 0.6} × single pass", wall,
                       1.0 if n < 200 else 0.6))
        if n == 200 and epub is not None:
            checks.append(("N=200: EPUB ≤ pandoc", epub, 1.0))
        if n >= 1000:
            checks.append((f"N={n}: rebuild ≤ 10 % of cold", rebuild, 0.1))
    largest = sizes[-1]
    cold = by[largest, COLD]
    checks += [
        (f"N={largest}: PDF peak RSS ≤ 1 GB", cold.peak_rss_mb / 1024, 1.0),
        (f"N={largest}: PDF size ≤ 1.15 × single pass",
         (cold.output_mb or 0) / (by[largest, SINGLE_PASS].output_mb or 1), 1.15),
    ]
    if extras:
        checks.append((f"N={extras}: {editions} editions ≤ 2 × one edition",
                       by[extras, f"guidebuilder PDF, firm + {editions} client editions (no "
                                  "cache)"].seconds
                       / by[extras, "guidebuilder PDF, one client edition (no cache)"].seconds,
                       2.0))
    print("\n| target | measured | limit | met |\n| --- | ---: | ---: | --- |")
    for name, value, limit in checks:
        print(f"| {name} | {value:.2f} | {limit} | {'yes' if value <= limit else 'no'} |")
    record = {"sizes": sizes, "editions": editions, "machine": machine,
              "results": [asdict(r) | {"pages_per_second": r.pages_per_second} for r in results],
              "targets": [{"target": n, "measured": v, "limit": lim, "met": v <= lim}
                          for n, v, lim in checks]}
    (work / "results.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    print(f"\nresults: {work / 'results.json'}")


def on_local_cluster(tool: list[str], articles: int, root: Path, out: Path) -> list[Result]:
    """The cold PDF build with --cluster, on a Dask cluster of two worker processes started
    here on 127.0.0.1 (its workers' memory and CPU time are not in the row: they are not the
    build's processes). No row without Dask installed (make install installs it)."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  no Dask: pip install '.[cluster]' for the cluster row", file=sys.stderr)
        return []
    import logging

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        return [measure("guidebuilder PDF, cold, two-worker local cluster", articles,
                        [*tool, "bench", "--no-cache", "--cluster", cluster.scheduler_address],
                        root, out / "bench.pdf")]


if __name__ == "__main__":
    main()
