"""A new folder written whole or not at all (a backup, a restored workspace): refused unless new or empty, built
under a temporary name beside it, renamed into place when complete."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import WorkspaceError


def _empty_target(folder: Path, what: str) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise WorkspaceError(f"{folder} already exists and is not an empty folder; choose a new or empty folder "
                             f"for the {what}")
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WorkspaceError(f"cannot create {parent} for the {what}: {e.strerror or e}") from None


def _move_into_place(tmp: Path, folder: Path) -> None:
    if folder.exists():
        folder.rmdir()  # checked empty before
    os.replace(tmp, folder)


def _staging(folder: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
