"""Kept originals: stored under a name the workspace makes (content hash); the sender's file name is only data.

A returned file's name comes from outside (an upload, an e-mail attachment) and may hold folders, '..', control
characters or thousands of characters. It is never used as a path: clean_filename() makes a short, printable
label of it for messages and the import list, and the bytes are kept as originals/<sha256><ext>.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from sqlalchemy import insert, select

from .._atomic import write_atomic
from ..errors import UnknownId, WorkspaceError
from ._schema import ORIGINALS, imports, original_files

#: Longest file name kept as data (characters); longer names are shortened in the middle.
MAX_NAME_CHARS = 120

_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def clean_filename(name: object) -> str:
    """A file name fit to show and store: no folders, no control or invisible characters, at most
    MAX_NAME_CHARS long (the extension kept); names in any script stay as they are."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
    text = " ".join(text.split()).strip(" .")
    if not text:
        return "returned file"
    if len(text) > MAX_NAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        ext = f".{ext}" if dot and _SUFFIX.fullmatch(f".{ext.lower()}") else ""
        keep = MAX_NAME_CHARS - len(ext) - 1
        text = (stem if ext else text)[:keep] + "…" + ext
    return text


#: Suffixes a kept original may carry (so it opens in a spreadsheet program); any other name gives '.bin'.
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"})


def original_name(sha256: str, filename: str) -> str:
    """'<sha256>.xlsx': the name of the kept copy, from the content and (for spreadsheets) the name's suffix."""
    suffix = Path(clean_filename(filename)).suffix.lower()
    return sha256 + (suffix if suffix in SPREADSHEET_SUFFIXES else ".bin")


class KeptOriginals:
    """Where the returned files are kept byte for byte: originals/ in the folder (SQLite), or the database's
    original_files table (a clinic's server, where no folder is shared). Mixed into the Workspace."""

    def _keep_original(self, con, name: str, sha256: str, content: bytes) -> bool:
        """Inside the import's write transaction: keep the bytes under `name`; True if a file was created (to
        be removed again should the transaction fail)."""
        if self.originals_in_database:  # type: ignore[attr-defined]
            if con.execute(select(original_files.c.name).where(original_files.c.name == name)).first() is None:
                con.execute(insert(original_files).values(name=name, sha256=sha256, content=content))
            return False
        path = self.originals / name  # type: ignore[attr-defined]
        if path.exists():
            return False
        self.originals.mkdir(exist_ok=True)  # type: ignore[attr-defined]
        write_atomic(path, content, error=WorkspaceError)
        return True

    def _original_path(self, name: str) -> Path | None:
        """The kept file on disk; None where originals are kept in the database."""
        return None if self.originals_in_database else self.originals / name  # type: ignore[attr-defined]

    def original(self, import_id: int) -> bytes:
        """The bytes of the file an import kept, exactly as the patient sent them (wherever they are kept)."""
        with self._read() as con:  # type: ignore[attr-defined]
            row = con.execute(select(imports.c.original).where(imports.c.id == import_id)).first()
            if row is None:
                where = self.where  # type: ignore[attr-defined]
                raise UnknownId(f"there is no import number {import_id} in the workspace {where}")
            name = Path(row[0]).name
            if self.originals_in_database:  # type: ignore[attr-defined]
                content = con.execute(select(original_files.c.content).where(original_files.c.name == name)).scalar()
                if content is not None:
                    return bytes(content)
        path = self.originals / name  # type: ignore[attr-defined]
        try:
            return path.read_bytes()
        except OSError:
            raise WorkspaceError(f"the kept original of import {import_id} ({ORIGINALS}/{name}) is missing from "
                                 f"{self.where}") from None  # type: ignore[attr-defined]

    def original_names(self) -> list[str]:
        """The names of every kept original (content hash and suffix), sorted."""
        if self.originals_in_database:  # type: ignore[attr-defined]
            with self._read() as con:  # type: ignore[attr-defined]
                return list(con.execute(select(original_files.c.name).order_by(original_files.c.name)).scalars())
        folder: Path = self.originals  # type: ignore[attr-defined]
        return sorted(f.name for f in folder.iterdir() if f.is_file()) if folder.is_dir() else []
