"""One error family. Every problem knows its file and line; the CLI turns them into exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the user's input, located as precisely as we can."""

    message: str
    path: Path | str | None = None  # a str is a web address, shown as it is
    line: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            shown = shown_path(self.path)
            where = f"{shown}:{self.line}: " if self.line else f"{shown}: "
        kind = "warning: " if self.warning else ""
        return f"{where}{kind}{self.message}"


def shown_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    if isinstance(path, str) and "://" in path:
        return path
    try:
        path = Path(path)  # the file's folder resolved, not the file: a symlink is named
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class GuideError(Exception):
    """Raised for anything the user must fix; carries one or more problems."""

    def __init__(self, problems: Problem | list[Problem] | str, path: Path | None = None,
                 line: int | None = None):
        if isinstance(problems, str):
            problems = Problem(problems, path, line)
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems across a whole run so `check` can report every one at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.items.append(Problem(message, path, line))

    def warn(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.items.append(Problem(message, path, line, warning=True))

    def extend(self, error: GuideError) -> None:
        self.items.extend(error.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def collect(self, fn, *args, default=None):
        """fn(*args), or `default` if it is None or raises GuideError (kept as a problem):
        so one bad value does not hide the others."""
        try:
            value = fn(*args)
        except GuideError as exc:
            self.extend(exc)
            return default
        return default if value is None else value

    def raise_if_errors(self) -> None:
        if self.errors:
            raise GuideError(self.errors)
