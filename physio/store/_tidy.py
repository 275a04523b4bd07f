"""Leftovers of interrupted work, cleaned up when a workspace opens.

A process killed while importing can leave a half-written copy (.part) or a kept original that no import
refers to (the transaction that would have recorded it never committed). Originals are only written while
holding the database's write lock, so with that lock held, anything in originals/ that no import names is such
a leftover. The export folder is put right by physio._atomic.recover_folder (both files of a plan, or neither).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from .._atomic import recover_folder
from ..errors import WorkspaceError
from ._schema import imports


class Tidy:
    """The tidy-up part of the Workspace (mixed in; uses its _read/_write)."""

    def tidy(self) -> list[str]:
        """Remove leftovers of interrupted work; returns what was removed (names only). Never waits for a writer:
        if another process is writing, the tidy-up is left for the next opening."""
        if self.read_only:  # type: ignore[attr-defined]
            return []
        removed: list[str] = []
        export = self.folder / "export"  # type: ignore[attr-defined]
        if export.is_dir():
            removed += recover_folder(export)
        if self.originals_in_database:  # type: ignore[attr-defined]  # kept in the database: nothing left over
            return removed
        if not self._originals_leftovers(self._referenced()):
            return removed
        try:
            with self._write(wait=False) as con:  # type: ignore[attr-defined]
                referenced = {Path(o).name for o in con.execute(select(imports.c.original)).scalars()}
                for f in self._originals_leftovers(referenced):
                    f.unlink(missing_ok=True)
                    removed.append(f"{f.parent.name}/{f.name}")
        except WorkspaceError:
            pass  # busy: another process is writing; the next opening tidies up
        return removed

    def _referenced(self) -> set[str]:
        with self._read() as con:  # type: ignore[attr-defined]
            return {Path(o).name for o in con.execute(select(imports.c.original)).scalars()}

    def _originals_leftovers(self, referenced: set[str]) -> list[Path]:
        folder: Path = self.originals  # type: ignore[attr-defined]
        if not folder.is_dir():
            return []
        return sorted(f for f in folder.iterdir() if f.is_file() and f.name not in referenced)
