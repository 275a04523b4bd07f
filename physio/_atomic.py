"""Write files all-or-nothing: a reader sees the old file or the complete new one, never half of it."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import PhysioError


def check_writable_folder(folder: Path, *, error: type[PhysioError] = PhysioError) -> None:
    """Refuse early, with a message a therapist can act on, when a file cannot be written there."""
    if not folder.exists():
        raise error(f"the folder {folder} does not exist; create it first or choose another folder")
    if not folder.is_dir():
        raise error(f"{folder} is a file, not a folder; choose a folder for the output")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"the folder {folder} cannot be written to (no permission); choose another folder")


@contextmanager
def _folder_lock(folder: Path, *, tidying: bool = False) -> Iterator[bool]:
    """Writers share the folder's lock; a tidy-up takes it alone, only when no writer holds it (else it yields
    False and tidies nothing: between a writer's steps its .part files may be unlocked, yet are not leftovers).
    Several processes exporting into one folder (physio/io/batch.py) never remove each other's files.
    Where folders cannot be locked (some network drives), yields True and works as before."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if tidying else fcntl.LOCK_SH)
            free = True
        except BlockingIOError:
            free = False
        except OSError:
            free = True
        yield free
    finally:
        os.close(fd)


def write_atomic(path: str | Path, data: bytes, *, error: type[PhysioError] = PhysioError) -> Path:
    """Write `data` to `path` through a temporary file in the same folder, then rename it into place."""
    path = Path(path)
    check_writable_folder(path.parent if str(path.parent) else Path("."), error=error)
    with _folder_lock(path.parent if str(path.parent) else Path(".")):
        return _write_atomic(path, data, error=error)


def _write_atomic(path: Path, data: bytes, *, error: type[PhysioError]) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # a tidy-up leaves a locked .part alone (see recover_folder)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise error(f"could not write {path}: {e.strerror or e}") from e
        raise
    return path


# ---------------------------------------------------------------- several files: all of them or none

#: Suffix of the note that lists the files of one all-or-nothing write while it is being put in place.
JOURNAL_SUFFIX = ".files.part"


def _locked(path: Path, mode: str = "wb"):
    """Open `path` and hold an exclusive lock on it for as long as it is open: a tidy-up that finds the lock
    taken knows a live process is still writing it (the lock goes when the process does, even on kill -9)."""
    f = open(path, mode)
    fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    return f


def _write_part(path: Path, data: bytes) -> Path:
    part = path.with_name(f".{path.name}.part")
    with _locked(part) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return part


def write_all_or_nothing(files: dict[Path, bytes], *, error: type[PhysioError] = PhysioError) -> None:
    """Write several files in one folder so that a reader (or the next tidy-up, after a crash) finds all of
    them new or none of them: every file is written in full first, then a journal names them, then they are
    renamed into place. A crash before the journal leaves only .part files (removed by recover_folder); after
    it, recover_folder finishes the renames."""
    paths = list(files)
    folder = paths[0].parent
    check_writable_folder(folder, error=error)
    with _folder_lock(folder):
        _write_all(files, paths, folder, error)


def _write_all(files: dict[Path, bytes], paths: list[Path], folder: Path, error: type[PhysioError]) -> None:
    journal = folder / f".{paths[0].stem}{JOURNAL_SUFFIX}"
    parts: list[Path] = []
    current, renamed = paths[0], False
    try:
        with _locked(journal, "ab") as lock:
            for path, data in files.items():
                current = path
                parts.append(_write_part(path, data))
            lock.write(json.dumps([p.name for p in paths]).encode())
            lock.flush()
            os.fsync(lock.fileno())
            for part, path in zip(parts, paths):
                current, renamed = path, True
                os.replace(part, path)
            journal.unlink(missing_ok=True)
    except BaseException as e:
        for part in parts:
            part.unlink(missing_ok=True)
        if renamed:  # some files of the set are already in place: take them all away (neither, not half)
            for path in paths:
                path.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise error(f"could not write {current.name}: {e.strerror or e}") from e
        raise


def _unlocked(path: Path) -> bool:
    """True when no live process holds the lock of this leftover (so it may be finished or removed)."""
    try:
        f = open(path, "rb")
    except OSError:
        return False
    with f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
    return True


def recover_folder(folder: str | Path) -> list[str]:
    """Put right what an interrupted write left in `folder`: finish the renames a complete journal names, remove
    every other leftover .part file. Files a live process is still writing are left alone. Returns the names
    finished or removed."""
    folder = Path(folder)
    with _folder_lock(folder, tidying=True) as alone:
        return _recover(folder) if alone else []


def _recover(folder: Path) -> list[str]:
    done: list[str] = []
    try:
        entries = [f for f in folder.iterdir() if f.name.startswith(".") and f.name.endswith(".part")]
    except OSError:
        return done
    for journal in (f for f in entries if f.name.endswith(JOURNAL_SUFFIX)):
        if not _unlocked(journal):
            continue
        try:
            names = json.loads(journal.read_bytes() or b"null")
        except (OSError, ValueError):
            names = None
        for name in names if isinstance(names, list) else []:
            part = folder / f".{name}.part"
            if isinstance(name, str) and "/" not in name and part.is_file():
                os.replace(part, folder / name)
                done.append(name)
        journal.unlink(missing_ok=True)
    for part in entries:
        if part.exists() and not part.name.endswith(JOURNAL_SUFFIX) and _unlocked(part):
            part.unlink(missing_ok=True)
            done.append(part.name)
    return done
