"""Writing files so that nothing is ever half-written: a temporary file beside the target,
then a rename. Used for every output and every imported article."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path


def _temporary_prefix(path: Path, pid: int) -> str:
    return f".{path.name}.{pid}."


def remove_stale_temporaries(path: Path) -> None:
    """Temporary files left beside `path` by a build that was killed (its process is gone).
    A live build's temporary file is left alone, so concurrent builds never disturb each other."""
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        pid = candidate.name.removeprefix(f".{path.name}.").split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            candidate.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=_temporary_prefix(path, os.getpid()),
                                     suffix=".part")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
