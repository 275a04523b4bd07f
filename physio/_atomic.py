"""Write files all-or-nothing: a reader sees the old file or the complete new one, never half of it."""

from __future__ import annotations

import os
import tempfile
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


def write_atomic(path: str | Path, data: bytes, *, error: type[PhysioError] = PhysioError) -> Path:
    """Write `data` to `path` through a temporary file in the same folder, then rename it into place."""
    path = Path(path)
    check_writable_folder(path.parent if str(path.parent) else Path("."), error=error)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
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
