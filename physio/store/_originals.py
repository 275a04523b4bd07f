"""Kept originals: stored under a name the workspace makes (content hash); the sender's file name is only data.

A returned file's name comes from outside (an upload, an e-mail attachment) and may hold folders, '..', control
characters or thousands of characters. It is never used as a path: clean_filename() makes a short, printable
label of it for messages and the import list, and the bytes are kept as originals/<sha256><ext>.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

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
