"""Command line: the only place that prints problems and chooses exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from . import __version__
from .build import FORMATS, build, check, load_project
from .errors import GuideError, Problems

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
    build_cmd.add_argument("--strict", action="store_true",
                           help="treat every warning as an error (nothing is written)")
    commands.add_parser("list", parents=[common], help="list guides and categories")
    commands.add_parser("check", parents=[common],
                        help="validate every article and guide without rendering")
    return parser


def _report(problems, stream=sys.stderr) -> None:
    for problem in problems:
        print(problem, file=stream)


def _list(root: Path) -> int:
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
    problems = check(root)
    _report(problems.items)
    errors, warnings = len(problems.errors), len(problems.warnings)
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_PROBLEMS if errors else 0


def _build(root: Path, args: argparse.Namespace) -> int:
    formats = list(FORMATS) if args.format == "all" else [args.format]
    out = args.out if args.out is not None else root / "build"
    outputs, warnings = build(root, args.guides, formats, out, strict=args.strict)
    _report(warnings)
    for path in outputs:
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = getattr(args, "root", Path.cwd())
    verbose = getattr(args, "verbose", False)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        if args.command == "list":
            return _list(root)
        if args.command == "check":
            return _check(root)
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
