"""Command line: the only place that prints problems and chooses exit codes.

Each command imports what it runs when it runs: a layout process imports this module again
(multiprocessing re-runs the main script in every worker) and needs none of it."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import time
import traceback
from pathlib import Path

from . import __version__
from .render import FORMATS
from .errors import GuideError, Problems, shown_path
from .summary import build_summary

EXIT_PROBLEMS = 1
EXIT_INTERNAL = 70


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                        help="project folder holding articles/ and guides/ (default: current folder)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="say more; show a traceback on internal errors")
    parser = argparse.ArgumentParser(
        prog="guidebuilder", parents=[common],
        description="Build printed guides (PDF) from a folder of articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", parents=[common], help="build guides")
    build_cmd.add_argument("guides", nargs="*", metavar="GUIDE",
                           help="guide names (files in guides/ without .yml); default: all")
    build_cmd.add_argument("--format", choices=[*FORMATS, "all"], default="pdf")
    build_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: build/)")
    build_cmd.add_argument("--edition", metavar="SLUG", default=None,
                           help="build only this client edition (of the guide named)")
    build_cmd.add_argument("--article", dest="articles", nargs="+", action="extend",
                           metavar="SLUG", default=None,
                           help="a proof of only these articles (of the guide named), "
                                "build/<guide>-proof.pdf")
    build_cmd.add_argument("--strict", action="store_true",
                           help="treat every warning as an error (nothing is written)")
    build_cmd.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                           help="lay out on N cores (default: all)")
    build_cmd.add_argument("--no-cache", dest="cache", action="store_false",
                           help="lay out every page anew, ignoring and not updating .cache/")
    build_cmd.add_argument("--cluster", metavar="ADDRESS", default=None,
                           help="lay out the PDF's pages on the Dask cluster whose scheduler is at "
                                "ADDRESS (tcp://host:8786); needs guidebuilder[cluster]")
    serve_cmd = commands.add_parser(
        "serve", parents=[common], help="preview the guides in a browser, live",
        description="Show the guides as web pages that follow every saved change.")
    serve_cmd.add_argument("--port", type=_port, default=8000,
                           help="port to listen on (default: 8000; 0: any free port)")
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1, this machine only)")
    init_cmd = commands.add_parser(
        "init", parents=[common], help="start a new project in a new folder",
        description="Make a project with one category, article, guide and client to start from.")
    init_cmd.add_argument("directory", type=Path, metavar="DIR", help="the new project's folder")
    commands.add_parser("list", parents=[common], help="list guides and categories")
    commands.add_parser("check", parents=[common],
                        help="validate every article and guide without rendering")
    import_cmd = commands.add_parser(
        "import", parents=[common], help="turn saved web pages, or the website's, into articles",
        description="Turn the firm's article pages (saved as HTML or text captures, or fetched "
                    "from its website) into articles.")
    import_cmd.add_argument("sources", nargs="+", metavar="SRC",
                            help="a saved page, a folder of them, - for standard input, or the "
                                 "address of the site's sitemap or of a listing page")
    import_cmd.add_argument("--into", type=Path, default=None,
                            help="the articles folder to write to (default: articles/ in --root)")
    import_cmd.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                            help="the day the pages were saved, for dates like 3天前 "
                                 "(add THH:MM for dates like 5小时前)")
    import_cmd.add_argument("--force", action="store_true",
                            help="replace articles even if they were edited since their import")
    import_cmd.add_argument("--category", default=None, metavar="NAME",
                            help="the category of pages that do not say theirs (no breadcrumb)")
    import_cmd.add_argument("--report", type=Path, default=None, metavar="FILE.json",
                            help="also write the report as JSON, failures grouped by reason")
    web = import_cmd.add_argument_group("fetching from the website (SRC is an http(s) address)")
    web.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                     help="also fetch from this host (the given address's host only by default)")
    web.add_argument("--rate", type=_rate, default=1.0, metavar="N",
                     help="at most N requests a second (default: 1)")
    web.add_argument("--include", type=_pattern, default=None, metavar="REGEX",
                     help="import only the article addresses this regular expression matches")
    web.add_argument("--limit", type=_positive_count, default=None, metavar="N",
                     help="import at most N articles")
    web.add_argument("--timeout", type=_rate, default=30.0, metavar="SECONDS",
                     help="give up on a page not fully received in this time (default: 30)")
    return parser


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number")
    return value


def _positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number (1, 2, ...)")
    return int(text)


def _pattern(text: str):
    import re

    try:
        return re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a regular expression: {exc}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of cores (1, 2, ...)")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)")
    return int(text)


def _serve(root: Path, args: argparse.Namespace) -> int:
    from .serve import serve

    serve(root, args.host, args.port, ready=lambda message: print(message, flush=True))
    return 0


def _init(args: argparse.Namespace) -> int:
    from .init_project import init_project

    written = init_project(args.directory)
    for path in written:
        print(f"wrote {shown_path(path)}")
    folder = shlex.quote(str(args.directory))
    print(f"\nNext: cd {folder} && make serve   (a preview at http://127.0.0.1:8000)\n"
          f"      cd {folder} && make pdf     (build/hetong-shouce.pdf; see {folder}/README.md)")
    return 0


def _report(problems, stream=sys.stderr) -> None:
    """Each problem once (an article in two guides is checked twice, and said once)."""
    for problem in dict.fromkeys(problems):
        print(problem, file=stream)


def _list(root: Path) -> int:
    from .build import load_project

    problems = Problems()
    project = load_project(root, problems)
    print("Guides:")
    for guide in project.guides:
        print(f"  {guide.name:<24} {guide.title}  [{', '.join(guide.categories)}]")
    if not project.guides:
        print("  (none)")
    print("Categories:")
    for category in project.corpus.categories:
        count = len(project.corpus.in_category(category.name))
        print(f"  {category.name:<12} {category.folder:<24} {count} articles")
    _report(problems.items)
    return EXIT_PROBLEMS if problems.errors else 0


def _check(root: Path) -> int:
    from .build import check

    problems = check(root)
    _report(problems.items)
    unique = list(dict.fromkeys(problems.items))
    errors = sum(not p.warning for p in unique)
    warnings = len(unique) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_PROBLEMS if errors else 0


def _build(root: Path, args: argparse.Namespace) -> int:
    from .build import build

    formats = list(FORMATS) if args.format == "all" else [args.format]
    out = args.out if args.out is not None else root / "build"
    if args.edition and len(args.guides) != 1:
        raise GuideError("--edition needs exactly one GUIDE: guidebuilder build GUIDE --edition SLUG")
    if args.articles and len(args.guides) != 1:
        raise GuideError("--article needs exactly one GUIDE: guidebuilder build GUIDE --article SLUG")
    started = time.monotonic()
    outputs, warnings = build(root, args.guides, formats, out, strict=args.strict,
                              edition=args.edition,
                              jobs=args.jobs, cache=args.cache, articles=args.articles,
                              cluster=args.cluster)
    _report(warnings)
    for line in build_summary(outputs, time.monotonic() - started, len(warnings)):
        print(line)
    return 0


def _import(root: Path, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .importer import import_pages, sources_from
    from .importer.dates import parse_as_of
    from .importer.fetch import FetchPolicy
    from .importer.web import WebOptions, fetch_sites, finish_sites, is_web_address, with_web_reports

    try:
        as_of = parse_as_of(args.as_of) if args.as_of else None
    except ValueError as exc:
        raise GuideError(str(exc)) from None
    into = args.into if args.into is not None else root / "articles"
    addresses = [a for a in args.sources if is_web_address(a)]
    sources = sources_from([a for a in args.sources if not is_web_address(a)],
                           lambda: sys.stdin.buffer.read())

    def progress(items, total, description):
        # a bar only where someone watches: tqdm stays silent when stderr is not a terminal
        return tqdm(items, total=total, desc=description, unit="page", file=sys.stderr,
                    disable=None, leave=False)

    category = args.category.strip() if args.category else None
    if args.category is not None and not category:
        raise GuideError("--category needs a name")
    batch = None
    if addresses:
        policy = FetchPolicy(rate=args.rate, timeout=args.timeout)
        options = WebOptions(tuple(args.allow_host), args.include, args.limit, policy)
        batch = fetch_sites(addresses, root / ".cache" / "import", options, progress)
        sources += batch.sources
    report = import_pages(sources, into, as_of, force=args.force, progress=progress,
                          category=category)
    if batch is not None:
        report = with_web_reports(report, batch)
        finish_sites(addresses, root / ".cache" / "import")
    for page in report.pages:
        where = f" -> {shown_path(page.path)}" if page.path else ""
        print(f"{page.source}: {page.outcome}{where}")
        if page.encoding:
            print(f"  read as {page.encoding}")
        if page.profile:
            print(f"  read by the {page.profile} profile")
        if page.found or page.missing:
            print(f"  found: {', '.join(page.found) or '-'}")
            print(f"  not found: {', '.join(page.missing) or '-'}")
        for problem in page.problems:
            print(f"  {problem}")
    counts = ", ".join(f"{report.count(o)} {o}" for o in
                       ("new", "updated", "unchanged", "refused", "failed", "skipped")
                       if report.count(o))
    print(f"{len(report.pages)} page(s): {counts or 'nothing done'}")
    if batch is not None:
        print(f"from the website: {batch.fetched} downloaded, {batch.not_modified} not changed "
              f"since the last run, {batch.not_asked} read from .cache/import/ without asking")
        if batch.left_out_by_include:
            print(f"{batch.left_out_by_include} address(es) left out by --include")
    if not as_of and any("--as-of" in str(p) for page in report.pages for p in page.problems):
        print("give --as-of YYYY-MM-DD (the day the pages were saved) to resolve relative dates")
    if args.report is not None:
        from .files import write_atomically
        from .importer.report_json import report_json

        try:
            write_atomically(args.report, report_json(report).encode("utf-8"))
        except OSError as exc:
            raise GuideError(f"cannot write the report {args.report}: {exc.strerror or exc}") from None
        print(f"report written to {shown_path(args.report)}")
    return 0 if report.ok else EXIT_PROBLEMS


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(getattr(args, "root", Path.cwd())).resolve()
    verbose = getattr(args, "verbose", False)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        if args.command == "list":
            return _list(root)
        if args.command == "check":
            return _check(root)
        if args.command == "import":
            return _import(root, args)
        if args.command == "init":
            return _init(args)
        if args.command == "serve":
            return _serve(root, args)
        return _build(root, args)
    except GuideError as exc:
        _report(exc.problems)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the CLI edge: never a traceback unless asked for
        if verbose:
            traceback.print_exc()
        print(f"internal error: {exc.__class__.__name__}: {exc} "
              "(run with --verbose for details, and report it)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
