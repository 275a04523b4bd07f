"""Read a returned log into plain rows: our workbook, any other xlsx, or a CSV from any spreadsheet program.

The reader is chosen by the file's content, not its name (a ".csv" that is really a workbook is read as a
workbook). Nothing here judges the values: that is physio.validate. The reader only finds the sheet and the
header row, maps the columns onto our fields, and keeps each row with the row number the spreadsheet shows.
A file that cannot be read at all raises LogImportError saying why and what to do.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, NamedTuple

import python_calamine as pc

from ..cells import with_collector_paused
from ..errors import LogImportError
from ..models import META_SHEET
from ..models.log import READABLE_SCHEMA_VERSIONS
from .columns import FIELD_HEADER, guess_mapping, resolve_mapping
from .limits import (MAX_COLUMNS, MAX_LOG_BYTES, MAX_ROWS, check_extent, check_old_workbook, check_size,
                     check_workbook_package, has_formula_tag)


#: How far down a sheet we look for the header row (patients often put a title above the table).
HEADER_SEARCH_ROWS = 20

#: Names our log sheet has had, in every language: an old workbook's "Log", a Russian one's "Дневник".
LOG_SHEET_NAMES: tuple[str, ...] = ("Log", "Дневник")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_NOT_SPREADSHEETS = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"GIF8": "a GIF picture",
    b"{\\rtf": "a rich-text (RTF) document",
}


class TextRow(NamedTuple):
    """The text cells of one row of a sheet (or a CSV line), as the patient left them: nothing is judged here."""

    sheet: str | None
    #: Row number as the spreadsheet shows it (1-based).
    row: int
    #: (0-based column, text) of every cell holding text.
    cells: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class RawLog:
    """The rows of a returned log, mapped onto our fields but not yet judged."""

    #: File name as the therapist knows it (no folders), used in every message.
    file: str
    #: "workbook" (ours, with the hidden plan sheet), "xlsx" (any other workbook) or "csv".
    kind: str
    sheet: str | None
    #: Header texts as found in the file.
    headers: tuple[str, ...]
    #: Our fields present in the file, in the order of the values in each row.
    fields: tuple[str, ...]
    #: (row number as the spreadsheet shows it, values in `fields` order; blank cells are None).
    rows: list[tuple[int, tuple]]
    #: Our field → the header it was read from.
    mapping: dict[str, str]
    #: Key/value pairs of the hidden sheet of our workbook; None for any other file.
    meta: dict[str, str] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    #: Headers that were not mapped to any field (shown to the therapist, never silently used).
    unmapped: tuple[str, ...] = field(default=())
    #: Reads `texts` when they are first asked for: the red-flag search asks, showing or judging the log does not.
    read_texts: Callable[[], tuple[TextRow, ...]] = field(default=tuple, repr=False, compare=False)
    #: Row number (1-based) of the header row of the log table.
    header_row: int | None = None
    #: Rows of the weekly red-flag check sheet of our workbook (physio.io.xlsx), as (row number, values).
    check_rows: tuple[tuple[int, tuple], ...] = ()
    #: "sessions": one row per session and exercise (our old workbook, CSV, any other file); "days": our
    #: day-by-day log (physio.daylog), whose `fields` are the column keys written in the hidden sheet.
    layout: str = "sessions"
    #: The activities sheet (PSFS) of a day-by-day workbook: its name, the activities, and its rows under the
    #: header as (row number, values).
    psfs_sheet: str | None = None
    psfs_activities: tuple[str, ...] = ()
    psfs_rows: tuple[tuple[int, tuple], ...] = ()

    @functools.cached_property
    def texts(self) -> tuple[TextRow, ...]:
        """Every row with text in it, of every sheet (hidden ones too, but not our hidden plan sheet) or of the
        CSV: everything the patient may have written, for the red-flag search (physio.redflag_scan)."""
        return self.read_texts()

    @property
    def plan_id(self) -> str | None:
        return self.meta.get("plan_id") if self.meta else None

    @property
    def plan_version(self) -> int | None:
        v = self.meta.get("plan_version") if self.meta else None
        return int(v) if v not in (None, "") else None

    @property
    def patient_id(self) -> str | None:
        return self.meta.get("patient_id") if self.meta else None


def read_log(
    path: str | Path, *, mapping: Mapping[str, str] | None = None, max_bytes: int = MAX_LOG_BYTES
) -> RawLog:
    """Read a returned log from disk. The size is checked before a single byte is read."""
    content = read_bytes(path, max_bytes=max_bytes)
    return read_log_bytes(content, Path(path).name, mapping=mapping)


def read_bytes(path: str | Path, *, max_bytes: int = MAX_LOG_BYTES) -> bytes:
    """The file's bytes, refusing a missing, unreadable or oversized file with a plain message."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise LogImportError(f"{p}: there is no such file; check the name and the folder") from None
    except OSError as e:
        raise LogImportError(f"{p}: cannot be opened ({e.strerror or e})") from None
    if p.is_dir():
        raise LogImportError(f"{p} is a folder, not a file; choose the log file itself")
    check_size(size, p.name, max_bytes)
    try:
        return p.read_bytes()
    except OSError as e:
        raise LogImportError(f"{p}: cannot be read ({e.strerror or e})") from None


#: How a therapist tells the reader which column is which, in the notebook and on the command line.
_MAPPING_HINT = 'the column choices in the review notebook, or --map date="their header" on the command line'


@with_collector_paused
def read_log_bytes(content: bytes, filename: str, *, mapping: Mapping[str, str] | None = None) -> RawLog:
    """Read a returned log from its bytes; the reader is chosen by what the bytes are."""
    if not content:
        raise LogImportError(f"{filename} is empty (0 bytes); ask the patient to send the file again")
    check_size(len(content), filename)
    head = content[:8]
    if head.startswith(_OLE2):
        if _ENCRYPTED_MARK in content[:1 << 20] or _ENCRYPTED_MARK in content:
            raise LogImportError(
                f"{filename}: this workbook is password-protected; open it, save it without a password "
                "(File → Info → Protect → remove the password) and import that copy"
            )
        check_old_workbook(content, filename)  # rows and columns its cells reach, before any reader runs
        return _read_workbook(content, filename, mapping)  # an old .xls (Excel 97-2003)
    if head.startswith(_ZIP):
        # sizes, ratios, rows and columns, before any reader runs
        formulas = check_workbook_package(content, filename)
        return _read_workbook(content, filename, mapping, formula_parts=formulas)
    for magic, what in _NOT_SPREADSHEETS.items():
        if head.startswith(magic):
            raise LogImportError(
                f"{filename} is {what}, not a spreadsheet; import the log as .xlsx or .csv"
            )
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise LogImportError(
            f"{filename} is named like an Excel workbook but is not one (renamed, or damaged while sending); "
            "ask the patient to send the workbook again"
        )
    return _read_csv(content, filename, mapping)


# ---------------------------------------------------------------- workbooks


def _read_workbook(content: bytes, filename: str, mapping: Mapping[str, str] | None, *,
                   formula_parts: set[str] | None = None) -> RawLog:
    """Read a workbook; `formula_parts`: the package's parts that may hold a formula, when already known."""
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except pc.PasswordError:
        raise LogImportError(
            f"{filename}: this workbook is password-protected; save it without a password and import that copy"
        ) from None
    except Exception as e:  # calamine reports zip/xml damage with several exception types
        raise LogImportError(
            f"{filename} cannot be opened as a workbook: it is damaged or incomplete (perhaps cut off while "
            f"sending). Ask for the file again, or open and re-save it in Excel or LibreOffice. Detail: {e}"
        ) from None
    try:
        meta = _read_meta(wb, filename)
        sheet_name, grid = _choose_sheet(wb, filename, meta)
    except LogImportError:
        raise
    except Exception as e:
        raise LogImportError(f"{filename}: a sheet could not be read; the file may be damaged. Detail: {e}") from None
    _refuse_uncalculated_formulas(content, sheet_name, filename, formula_parts)
    grids = {sheet_name: grid}  # the sheets read so far, for the red-flag search to read no sheet twice
    if meta is not None and meta.get("log_layout") == "days":
        raw = _day_log(grid, filename, sheet_name, meta)
        raw = dataclasses.replace(raw, **_psfs(wb, filename, meta, grids))
    else:
        where = f"{filename}, sheet '{sheet_name}'"
        raw = _mapped(grid, filename, "workbook" if meta else "xlsx", sheet_name, where, mapping, meta=meta)
    check_sheet = (meta or {}).get("check_sheet")
    check_rows = _check_rows(_grid(wb, check_sheet, grids)) if check_sheet else ()
    return dataclasses.replace(raw, check_rows=check_rows, read_texts=functools.partial(_every_text, wb, grids))


def _meta_int(meta: dict[str, str], key: str, filename: str) -> int:
    try:
        return int(meta[key])
    except (KeyError, ValueError):
        raise LogImportError(
            f"{filename}: the hidden sheet '{META_SHEET}' lacks a readable '{key}'; the workbook was changed after "
            "export. Export a fresh workbook for the patient, or copy the patient's ticks into it"
        ) from None


def _meta_list(meta: dict[str, str], key: str, filename: str) -> list[str]:
    try:
        value = json.loads(meta.get(key, ""))
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LogImportError(
            f"{filename}: the hidden sheet '{META_SHEET}' lacks a readable '{key}'; the workbook was changed after "
            "export. Export a fresh workbook for the patient, or copy the patient's ticks into it"
        )
    return value


def _cells(row: list, n: int) -> tuple:
    return tuple((None if _blank(row[i]) else (row[i].strip() if isinstance(row[i], str) else row[i]))
                 if i < len(row) else None for i in range(n))


def _clean_column(column: list | tuple) -> list:
    """One column's cells as the rows keep them: text trimmed, a blank or empty cell None, anything else as it is.
    Each distinct text is looked at once (a log repeats the same words down a column)."""
    fix = {}
    for v in set(column):
        if isinstance(v, str):
            t = v.strip()
            if not t or t != v:
                fix[v] = t or None
    return list(map(fix.get, column, column)) if fix else list(column)


def _columns(grid: list[list], first: int, idx: list[int]) -> list[list]:
    """The cells of the columns `idx` from row index `first` down, cleaned (rows shorter than a column: None)."""
    body = grid[first:] if first >= 0 else [grid[r] for r in range(first, len(grid))]
    if not body:
        return [[] for _ in idx]
    widths = set(map(len, body))
    if len(widths) == 1 and max(idx, default=-1) < min(widths):
        everything = list(zip(*body))
        return [_clean_column(everything[i]) for i in idx]
    return [_clean_column([row[i] if i < len(row) else None for row in body]) for i in idx]


def _rows_from_columns(columns: list[list], first_row: int) -> list[tuple[int, tuple]]:
    """(row number, values) of every row with something in the columns; `first_row` is the first one's number."""
    if not columns:
        return []
    empty = (None,) * len(columns)
    return [(n, v) for n, v in zip(range(first_row, first_row + len(columns[0])), zip(*columns)) if v != empty]


def _filled_rows(grid: list[list], head: int, n: int) -> list[tuple[int, tuple]]:
    """(row number, first n values) of every row under the header row with something in those n cells."""
    return _rows_from_columns(_columns(grid, head, list(range(n))), head + 1)


def _day_log(grid: list[list], filename: str, sheet: str, meta: dict[str, str]) -> RawLog:
    """Our day-by-day log: the hidden sheet names its header row and the key of every column (physio.daylog)."""
    head = _meta_int(meta, "log_header_row", filename)
    keys = _meta_list(meta, "log_columns", filename)
    if len(grid) < head or "date" not in keys:
        raise LogImportError(
            f"{filename}, sheet '{sheet}': the header row {head} of the log is missing (rows were deleted); "
            "export a fresh workbook for the patient, or copy the patient's ticks into it"
        )
    headers = tuple(str(v).strip() if not _blank(v) else "" for v in _cells(grid[head - 1], len(keys)))
    rows = _filled_rows(grid, head, len(keys))
    return RawLog(file=filename, kind="workbook", sheet=sheet, headers=headers, fields=tuple(keys), rows=rows,
                  mapping=dict(zip(keys, headers)), meta=meta, header_row=head, layout="days")


def _psfs(wb: pc.CalamineWorkbook, filename: str, meta: dict[str, str], grids: dict[str, list[list]]) -> dict:
    """The activities sheet (PSFS) of a day-by-day workbook, when it has one."""
    sheet = meta.get("psfs_sheet")
    if not sheet:
        return {}
    activities = _meta_list(meta, "psfs_activities", filename)
    head = _meta_int(meta, "psfs_header_row", filename)
    if sheet not in wb.sheet_names:
        raise LogImportError(
            f"{filename}: the sheet '{sheet}' with the patient's weekly activity scores is missing (deleted or "
            "renamed); ask the patient for the whole workbook"
        )
    grid = grids[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    rows = tuple(_filled_rows(grid, head, 2 + len(activities)))
    return {"psfs_sheet": sheet, "psfs_activities": tuple(activities), "psfs_rows": rows}


def _text_rows(grid: list[list], sheet: str | None) -> list[TextRow]:
    """Every row with text in it: (column, text) of its cells holding text that is not only blanks.

    Worked out column by column (a log repeats the same few words down each column): each column's distinct texts
    are found once, and only the columns holding any text are gathered row by row."""
    if len(set(map(len, grid))) > 1:
        return _text_rows_ragged(grid, sheet)
    picked = []
    for c, column in enumerate(zip(*grid)):
        cell_of = {v: (c, v) for v in set(column) if isinstance(v, str) and v.strip()}
        if cell_of:
            picked.append(list(map(cell_of.get, column)))
    if not picked:
        return []
    found = map(tuple, map(functools.partial(filter, None), zip(*picked)))
    return [TextRow(sheet, r, cells) for r, cells in enumerate(found, 1) if cells]


def _text_rows_ragged(grid: list[list], sheet: str | None) -> list[TextRow]:
    """_text_rows for a grid whose rows differ in length (a reader may give them so), one row at a time."""
    out = []
    for r, row in enumerate(grid, 1):
        cells = tuple((c, v) for c, v in enumerate(row) if isinstance(v, str) and v.strip())
        if cells:
            out.append(TextRow(sheet, r, cells))
    return out


def _grid(wb: pc.CalamineWorkbook, name: str, grids: dict[str, list[list]]) -> list[list] | None:
    """The cells of sheet `name` (read once, kept in `grids`); None when there is no such sheet or it cannot be
    read (a damaged extra sheet must not stop the log from being read)."""
    if name not in grids:
        try:
            grids[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - missing or damaged: calamine says so with several exception types
            return None
    return grids[name]


def _check_rows(grid: list[list] | None) -> tuple[tuple[int, tuple], ...]:
    """(row number, values) of every row with something in it: the weekly red-flag check sheet's rows."""
    return tuple((r + 1, tuple(None if _blank(v) else v for v in row)) for r, row in enumerate(grid or ())
                 if any(not _blank(v) for v in row))


def _every_text(wb: pc.CalamineWorkbook, grids: dict[str, list[list]]) -> tuple[TextRow, ...]:
    """The text rows of every sheet but our hidden plan sheet (`grids`: the sheets already read)."""
    texts: list[TextRow] = []
    for md in wb.sheets_metadata:
        if md.name == META_SHEET or md.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        grid = _grid(wb, md.name, grids)
        if grid is not None:
            texts += _text_rows(grid, md.name)
    return tuple(texts)


def _read_meta(wb: pc.CalamineWorkbook, filename: str) -> dict[str, str] | None:
    if META_SHEET not in wb.sheet_names:
        return None
    meta: dict[str, str] = {}
    for row in wb.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False):
        if len(row) >= 2 and str(row[0]).strip():
            v = row[1]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            meta[str(row[0]).strip()] = str(v).strip()
    version = meta.get("schema_version")
    if version not in {str(v) for v in READABLE_SCHEMA_VERSIONS}:
        raise LogImportError(
            f"{filename}: the hidden sheet '{META_SHEET}' says schema_version {version!r}, but this version of "
            f"physio reads schema_version {' or '.join(map(str, READABLE_SCHEMA_VERSIONS))}; export a fresh "
            "workbook for the patient"
        )
    missing = [k for k in ("plan_id", "plan_version", "patient_id") if not meta.get(k)]
    if missing:
        raise LogImportError(
            f"{filename}: the hidden sheet '{META_SHEET}' lacks {', '.join(missing)}; the workbook was changed "
            "after export. Import it as a plain spreadsheet by naming the plan (plan_id=...)"
        )
    return meta


def _choose_sheet(wb: pc.CalamineWorkbook, filename: str, meta: dict[str, str] | None = None
                  ) -> tuple[str, list[list]]:
    """The log sheet our hidden sheet names; else one named as our log in any language ("Log", "Дневник"); else
    the first visible sheet that has a header row we recognise."""
    named = [(meta or {}).get("log_sheet"), *LOG_SHEET_NAMES]
    for name in named:
        if name and name in wb.sheet_names:
            return name, _with_merged_filled(wb.get_sheet_by_name(name))
    looked: list[str] = []
    empty = 0
    for md in wb.sheets_metadata:
        if md.name == META_SHEET or md.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        if md.visible != pc.SheetVisibleEnum.Visible:
            continue
        sheet = wb.get_sheet_by_name(md.name)
        grid = _with_merged_filled(sheet)
        if _header_row(grid) is not None:
            return md.name, grid
        looked.append(md.name)
        empty += not any(not _blank(v) for row in grid for v in row)
    if not looked or empty == len(looked):
        raise LogImportError(f"{filename} has no data: every sheet is empty; ask the patient to send the filled log")
    raise LogImportError(
        f"{filename}: no sheet has a header row with a date column and an exercise column "
        f"(looked in: {', '.join(looked)}); expected headers such as {FIELD_HEADER['date']}, "
        f"{FIELD_HEADER['exercise']}, {FIELD_HEADER['done']} (or Дата, Упражнение, Выполнено)"
    )


def _with_merged_filled(sheet: pc.CalamineSheet) -> list[list]:
    """The sheet's cells, with each merged area's value repeated in every cell it covers.

    A patient who merges the date cell over a day's three exercises means that date for all three rows.
    """
    grid = sheet.to_python(skip_empty_area=False)
    ranges = sheet.merged_cell_ranges or []
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(grid):
            continue
        top = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = top
    return grid


_SHEET_REL = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_REV = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_FORMULA_CELL = re.compile(rb'<c\b([^>]*?)(?<!/)>(.*?)</c>', re.S)
_CELL_REF = re.compile(rb'r="([A-Z]+[0-9]+)"')


def _refuse_uncalculated_formulas(content: bytes, sheet_name: str, filename: str,
                                  formula_parts: set[str] | None = None) -> None:
    """Refuse a sheet whose formulas were never calculated (no stored result): we would read them as blank.

    Excel and LibreOffice store each formula's result, which we read; only files made by scripts lack it.
    `formula_parts` (when known) are the package's parts that may hold a formula: no other part is unpacked.
    """
    if not content.startswith(_ZIP) or formula_parts is not None and not formula_parts:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            workbook = z.read("xl/workbook.xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
            rid = None
            for name, r in _SHEET_REL.findall(workbook):
                if name.decode("utf-8", "replace") == sheet_name:
                    rid = r
            targets = dict(_REL.findall(rels)) or {i: t for t, i in _REL_REV.findall(rels)}
            target = targets.get(rid) if rid else None
            if target is None:
                return
            target_s = target.decode("utf-8", "replace")
            path = target_s.lstrip("/") if target_s.startswith("/") else "xl/" + target_s
            if formula_parts is not None and path not in formula_parts:
                return  # the sheet has no formula
            xml = z.read(path)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return  # not a standard xlsx layout (e.g. .ods); calamine has already read it
    if not has_formula_tag(xml):
        return
    missing: list[str] = []
    for attrs, inner in _FORMULA_CELL.findall(xml):
        if has_formula_tag(inner) and b"<v>" not in inner and b"<is>" not in inner:
            m = _CELL_REF.search(attrs)
            missing.append(m.group(1).decode() if m else "?")
    if missing:
        cells = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise LogImportError(
            f"{filename}, sheet '{sheet_name}': cells {cells} hold formulas whose results were never calculated, "
            "so we cannot read them; open the file in Excel or LibreOffice, save it, and import it again"
        )


# ---------------------------------------------------------------- CSV


def _decode(content: bytes, filename: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or Windows Cyrillic (cp1251), the encodings spreadsheet programs save."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = content.decode("cp1251", errors="replace")
    return text, "cp1251"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bad > max(4, len(sample) // 50)


def _delimiter(text: str) -> str:
    """Semicolon (Russian and most European Excel), comma, or tab: whichever splits the header lines best."""
    lines = [ln for ln in text.splitlines()[:HEADER_SEARCH_ROWS] if ln.strip()]
    best, best_score = ",", -1
    for d in (";", ",", "\t"):
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines[:10]]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = d, score
    return best


def read_every_text(content: bytes, filename: str) -> tuple[TextRow, ...]:
    """Every text cell of a file whose log table could not be read (a free-text diary, a sheet with no header
    we know): refused as a log, it is still read for red flags. Bounded like every returned file; raises
    LogImportError only when the file cannot be read at all."""
    if not content:
        return ()
    check_size(len(content), filename)
    if content[:8].startswith(_OLE2) or content[:8].startswith(_ZIP):
        if content[:8].startswith(_ZIP):
            check_workbook_package(content, filename)
        else:
            check_old_workbook(content, filename)
        try:
            wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(content))
        except Exception:  # noqa: BLE001 - damaged or password-protected: nothing can be read
            raise LogImportError(f"{filename} cannot be opened to read its text") from None
        return _every_text(wb, {})
    grid, _, _ = _csv_grid(content, filename)
    return tuple(_text_rows(grid, None))


def _csv_grid(content: bytes, filename: str) -> tuple[list[list[str]], str, str]:
    """The cells of a CSV file (bounded), its encoding and its delimiter."""
    text, encoding = _decode(content, filename)
    if _looks_binary(text):
        raise LogImportError(
            f"{filename} is not a spreadsheet or a text (CSV) file we can read; import the log as .xlsx or .csv"
        )
    if not text.strip():
        raise LogImportError(f"{filename} has no text in it; ask the patient to send the file again")
    lines = text.count("\n") + 1
    if lines > MAX_ROWS + HEADER_SEARCH_ROWS:
        check_extent(lines, 1, filename)
    delim = _delimiter(text)
    grid: list[list[str]] = []
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            if len(r) > MAX_COLUMNS:
                check_extent(len(grid) + 1, len(r), filename, f"line {len(grid) + 1}")
            grid.append(r)
    except csv.Error as e:
        raise LogImportError(f"{filename} is not a well-formed CSV file ({e}); re-save it from the spreadsheet program") from None
    check_extent(len(grid), max((len(r) for r in grid), default=0), filename)
    return grid, encoding, delim


def _read_csv(content: bytes, filename: str, mapping: Mapping[str, str] | None) -> RawLog:
    grid, encoding, delim = _csv_grid(content, filename)
    raw = _mapped(grid, filename, "csv", None, filename, mapping, encoding=encoding, delimiter=delim)
    return dataclasses.replace(raw, read_texts=functools.partial(_csv_texts, grid))


def _csv_texts(grid: list[list[str]]) -> tuple[TextRow, ...]:
    return tuple(_text_rows(grid, None))


# ---------------------------------------------------------------- shared: header row and mapping


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _header_row(grid: list[list], mapping: Mapping[str, str] | None = None) -> int | None:
    """Index of the first row (within the top rows) that names a date column and an exercise column."""
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found = guess_mapping(row)
        if "date" in found and ("exercise" in found or "exercise_id" in found):
            return i
        if mapping:
            texts = {str(c).strip() for c in row}
            if sum(1 for v in mapping.values() if v and str(v).strip() in texts) >= 2:
                return i
    return None


def _mapped(
    grid: list[list],
    filename: str,
    kind: str,
    sheet: str | None,
    where: str,
    correction: Mapping[str, str] | None,
    *,
    meta: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawLog:
    if not any(not _blank(v) for row in grid for v in row):
        raise LogImportError(f"{where} is empty: there is nothing to import")
    h = _header_row(grid, correction)
    if h is None:
        raise LogImportError(
            f"{where}: no header row with a date column and an exercise column in the first "
            f"{HEADER_SEARCH_ROWS} rows; expected headers such as {FIELD_HEADER['date']}, "
            f"{FIELD_HEADER['exercise']}, {FIELD_HEADER['done']} (or Дата, Упражнение, Выполнено), "
            f"or say which column is which ({_MAPPING_HINT})"
        )
    headers = [str(c).strip() if not _blank(c) else "" for c in grid[h]]
    cols = resolve_mapping(headers, correction, where=where)
    missing = [f for f in ("date",) if f not in cols]
    if "exercise" not in cols and "exercise_id" not in cols:
        missing.append("exercise")
    if missing:
        raise LogImportError(
            f"{where}: no column for {', '.join(missing)} in the header row (row {h + 1}: "
            f"{', '.join(x for x in headers if x) or 'empty'}); say which column holds it ({_MAPPING_HINT})"
        )
    fields = tuple(sorted(cols, key=cols.get))
    idx = [cols[f] for f in fields]
    rows = _rows_from_columns(_columns(grid, h + 1, idx), h + 2)
    used = set(idx)
    unmapped = tuple(x for i, x in enumerate(headers) if x and i not in used)
    return RawLog(
        file=filename,
        kind=kind,
        sheet=sheet,
        headers=tuple(headers),
        fields=fields,
        rows=rows,
        mapping={f: headers[cols[f]] for f in fields},
        meta=meta,
        encoding=encoding,
        delimiter=delimiter,
        unmapped=unmapped,
        header_row=h + 1,
    )
