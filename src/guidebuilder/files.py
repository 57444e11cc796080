"""Writing files so that nothing is ever half-written: a temporary file beside the target,
then a rename. Used for every output and every imported article."""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import GuideError


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


def _file_mode() -> int:
    """What a plain open() would give a new file (mkstemp makes it private)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


COPY_BUFFER = 1 << 20


def synced_temporary(path: Path, data: bytes | Path) -> Path:
    """`data` (or the file it names) in a new temporary file beside `path`, synced to disk,
    with the mode a plain open() would give: ready to be renamed into place. Removed again if
    writing fails."""
    fd, name = tempfile.mkstemp(dir=path.parent, suffix=".part",
                                prefix=_temporary_prefix(path, os.getpid()))
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            if isinstance(data, Path):
                with open(data, "rb") as source:
                    shutil.copyfileobj(source, stream, COPY_BUFFER)
            else:
                stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def replace_synced(path: Path, data: bytes) -> None:
    """`path` holds `data`, or what it held before: never half of it, even after a crash
    (temporary file, rename, folder synced). Raises OSError."""
    temporary = synced_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class StagedFiles:
    """Files written to temporary files beside their targets as they are made, and renamed
    into place together by `commit()`. Leaving the block without committing removes the
    temporary files: a run that fails half-way changes nothing on disk."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def __enter__(self) -> "StagedFiles":
        return self

    def __exit__(self, *exc_info) -> None:
        for temporary, _ in self._staged:
            temporary.unlink(missing_ok=True)
        self._staged.clear()

    def stage(self, path: Path, data: bytes | Path) -> None:
        """`data`, or a copy of the file it names, to be put at `path` by `commit()`."""
        _check_replaceable(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(path)
            temporary = synced_temporary(path, data)
        except OSError as exc:
            raise GuideError(f"cannot write {path}: {exc.strerror}") from None
        self._staged.append((temporary, path))

    def commit(self) -> None:
        """Rename every staged file into place, as a set: with each target folder locked (so
        two runs writing into one folder do not interleave), every target checked first, and
        the previous files put back if a rename fails half-way."""
        folders = sorted({path.parent.resolve() for _, path in self._staged})
        locks = []
        replaced: list[tuple[Path, Path | None]] = []
        try:
            for folder in folders:
                locks.append(_lock(folder))
            for _, path in self._staged:
                _check_replaceable(path)
            for temporary, path in self._staged:
                backup = _keep_previous(path)
                try:
                    os.replace(temporary, path)
                except OSError as exc:
                    if backup is not None:
                        backup.unlink(missing_ok=True)
                    raise GuideError(f"cannot write {path}: {exc.strerror}") from None
                replaced.append((path, backup))
        except BaseException:
            for path, backup in reversed(replaced):
                if backup is not None:
                    os.replace(backup, path)
                else:
                    path.unlink(missing_ok=True)
            raise
        finally:
            for lock in locks:
                os.close(lock)
        for _, backup in replaced:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self._staged.clear()


def _check_replaceable(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        raise GuideError(f"cannot write {path}: a folder of that name is in the way")


def _lock(folder: Path) -> int:
    """An exclusive lock on a folder, held until its descriptor is closed."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        raise GuideError(f"cannot write into {folder}: {exc.strerror}") from None
    return fd


def _keep_previous(path: Path) -> Path | None:
    """A hard link to the file now at `path`, to put back if the set cannot be committed."""
    if not path.is_file() or path.is_symlink():
        return None
    backup = path.with_name(f"{_temporary_prefix(path, os.getpid())}previous.part")
    backup.unlink(missing_ok=True)
    try:
        os.link(path, backup)
    except OSError:
        return None
    return backup


_SCRATCH_SUFFIX = ".scratch"


@contextmanager
def scratch_folder(parent: Path) -> Iterator[Path]:
    """A new folder in `parent` for a build's large intermediate files (laid-out chunks, the
    book before it is staged), removed at the end of the block. On the outputs' disk, not in
    the system's temporary folder, which may be memory (tmpfs). One that a killed build left
    is removed by the next; the folders the block made for `parent` are removed again if
    left empty."""
    made = [folder for folder in (parent, *parent.parents) if not folder.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f".guidebuilder.*{_SCRATCH_SUFFIX}"):
            pid = stale.name.split(".")[2]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        folder = Path(tempfile.mkdtemp(dir=parent, prefix=f".guidebuilder.{os.getpid()}.",
                                       suffix=_SCRATCH_SUFFIX))
    except OSError as exc:
        raise GuideError(f"cannot write into {parent}: {exc.strerror}") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for made_folder in made:
            try:
                made_folder.rmdir()
            except OSError:
                break  # not empty: the outputs are there


def scratch_file(folder: Path, suffix: str) -> Path:
    """A new empty file in a scratch folder."""
    fd, name = tempfile.mkstemp(dir=folder, suffix=suffix)
    os.close(fd)
    return Path(name)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    with StagedFiles() as staged:
        staged.stage(path, data)
        staged.commit()
