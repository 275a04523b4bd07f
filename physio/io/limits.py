"""How big a returned log may be, checked before it is parsed: a file can be small and still unpack into
gigabytes (a "zip bomb"), or name one cell far down a sheet so that a reader builds a grid of billions.

Every limit is generous for a real log: a year of daily logging of ten exercises twice a day is about 7,300
rows, 13 columns and well under 1 MB. A file past a limit is refused with a sentence saying which limit.
With these limits an import stays under about 500 MB of memory and a few seconds (tests/test_limits.py).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from ..errors import LogImportError

MAX_LOG_BYTES = 20 * 1024 * 1024
"""Largest returned file we read (20 MiB): ~30 times a year of daily logging (team-default: a file this big is the
wrong file, and reading more would stall the notebook)."""

MAX_ROWS = 20_000
"""Most rows in the sheet or CSV we read: almost three years of ten exercises twice a day (team-default)."""

MAX_COLUMNS = 100
"""Most columns: our log has 13; a patient's own sheet may add a few dozen of its own (team-default)."""

MAX_CELLS = 1_000_000
"""Most cells of the grid a sheet spans (rows × columns up to its last cell), so the reader's grid stays
within ~100 MB (team-default)."""

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Most bytes a workbook may unpack into, all its parts together (team-default: real logs unpack to < 5 MB)."""

MAX_COMPRESSION_RATIO = 100
"""Most a workbook part may shrink when packed (unpacked ÷ packed size). Spreadsheet XML packs about 5-15 times;
a zip bomb packs a thousand times or more (team-default)."""

#: Parts smaller than this are not judged by their ratio (a few KB of blanks may pack very well, harmlessly).
_RATIO_FROM_BYTES = 1024 * 1024
MAX_PARTS = 1_000
"""Most files inside a workbook package (a real one has 10-40)."""

_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_TAG = re.compile(rb"<row\b")
_CHUNK = 1 << 20
#: Rows below which a sheet is safe by its row count (10,000 rows × 100 columns < MAX_CELLS).
_SAFE_ROWS = 10_000
#: A cell name past column CV (100) or row 9,999 anywhere in the text (a superset of the cells _CELL_REF reads).
_FAR_CELL = re.compile(rb'r="(?:[A-Z]{3}|[D-Z][A-Z]|C[W-Z]|[A-Z]{1,2}[0-9]{5})')


def _too_big(filename: str, what: str) -> LogImportError:
    return LogImportError(
        f"{filename} is too large to be a patient's log ({what}); it was not read. Check it is the right file; "
        "a real log is far smaller"
    )


def check_size(size: int, filename: str, max_bytes: int = MAX_LOG_BYTES) -> None:
    if size > max_bytes:
        raise LogImportError(
            f"{filename} is {size / 1024 / 1024:.1f} MB, more than the {max_bytes / 1024 / 1024:.0f} MB we read; "
            "a patient's log is far smaller, so this is probably the wrong file"
        )


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_workbook_package(content: bytes, filename: str) -> set[str]:
    """Refuse a workbook (.xlsx, .ods: a zip package) that would unpack or spread too far, before any reader
    builds anything from it: the declared sizes and ratios first, then each part unpacked with a cap (a part
    that unpacks to more than it declares is damaged), counting the rows and columns sheets reach.
    Returns the parts that may hold a formula (the reader checks a sheet's formulas only when it is one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            infos = z.infolist()
            _check_declared(infos, filename)
            return {info.filename for info in infos if _check_part(z, info, filename)}
    except LogImportError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as e:
        raise LogImportError(
            f"{filename} cannot be opened as a workbook: it is damaged or incomplete (perhaps cut off while "
            f"sending). Ask for the file again, or open and re-save it in Excel or LibreOffice ({e})"
        ) from None


def _check_declared(infos: list[zipfile.ZipInfo], filename: str) -> None:
    if len(infos) > MAX_PARTS:
        raise _too_big(filename, f"{len(infos)} parts inside the workbook, more than {MAX_PARTS}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise _too_big(filename, f"it unpacks to {total / 1024 / 1024:.0f} MB, more than "
                                 f"{MAX_UNPACKED_BYTES / 1024 / 1024:.0f} MB")
    for i in infos:
        if i.file_size > _RATIO_FROM_BYTES and i.file_size > MAX_COMPRESSION_RATIO * max(i.compress_size, 1):
            raise _too_big(filename, f"its part {i.filename} unpacks {i.file_size // max(i.compress_size, 1)} "
                                     f"times its packed size, more than {MAX_COMPRESSION_RATIO} times")


def _check_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str) -> bool:
    """Unpack one part in chunks (Python's reader stops at the declared size and checks the CRC); for a sheet,
    find the last row and column its cells name.

    A sheet within the plainly safe extent (fewer than 10,000 rows, cells named no farther than column 100 and
    row 9,999: fewer than MAX_CELLS) is let through after one scan for any farther cell name; only a sheet that
    may reach further is measured cell by cell, so its refusal names the exact extent. True for a part that
    may hold a formula (has_formula_tag)."""
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    rows = 0
    far = formula = False
    for block, text in _chunks(z, info):
        formula = formula or has_formula_tag(text)
        if is_sheet:
            rows += len(_ROW_TAG.findall(block))
            far = far or _FAR_CELL.search(text) is not None
    if is_sheet and (far or rows >= _SAFE_ROWS):
        _measure_sheet(z, info, filename)
    return formula


def has_formula_tag(xml: bytes) -> bool:
    """Whether the XML has a cell formula tag (<f>, <f t=...>, <f/>). A sheet's list rules (<formula1>, which
    our log's tick and pain cells have) are not cell formulas and need no look for uncalculated results."""
    return _FORMULA_TAG.search(xml) is not None


#: A cell formula's tag: "<f" and then the end of the tag name (XML white space, ">" or "/").
_FORMULA_TAG = re.compile(rb"<f[ \t\r\n>/]")


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A part unpacked in chunks: each chunk, and the chunk with the last 64 bytes before it (so a tag or cell
    name cut at a chunk's edge is still found whole)."""
    tail = b""
    with z.open(info) as f:
        while block := f.read(_CHUNK):
            yield block, tail + block
            tail = block[-64:]


def _measure_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str) -> None:
    """The rows and columns a sheet part's cells reach, each cell name read, checked against the limits."""
    rows = last_row = last_col = 0
    for block, text in _chunks(z, info):
        rows += len(_ROW_TAG.findall(block))
        for col, row in _CELL_REF.findall(text):
            last_row = max(last_row, int(row))
            last_col = max(last_col, _column_number(col))
    check_extent(max(rows, last_row), last_col, filename, f"sheet part {info.filename}")


def check_extent(rows: int, columns: int, filename: str, where: str = "") -> None:
    """Refuse a sheet or CSV that reaches past the row, column or cell limits."""
    at = f" ({where})" if where else ""
    if rows > MAX_ROWS:
        raise _too_big(filename, f"{rows:,} rows{at}, more than {MAX_ROWS:,}")
    if columns > MAX_COLUMNS:
        raise _too_big(filename, f"cells in column {columns:,}{at}, more than {MAX_COLUMNS} columns")
    if rows * columns > MAX_CELLS:
        raise _too_big(filename, f"{rows:,} rows × {columns:,} columns{at}, more than {MAX_CELLS:,} cells")


# ---------------------------------------------------------------- old .xls workbooks (Excel 97-2003)

#: BIFF records that place one cell (row and column in their first four bytes); MULRK and MULBLANK place a run.
_BIFF_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x00FD, 0x027E, 0x00BD, 0x00BE, 0x0208})
_BIFF_RUNS = frozenset({0x00BD, 0x00BE})
_BIFF_DIMENSIONS = 0x0200


def check_old_workbook(content: bytes, filename: str) -> None:
    """Refuse an old .xls whose cells reach past the limits, reading only the cell positions of its records:
    the spreadsheet reader builds the whole grid up to the farthest cell as soon as it opens the file."""
    import olefile

    try:
        ole = olefile.OleFileIO(content)
        try:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return  # no workbook stream: the reader says what the file is
            if ole.get_size(name) > MAX_UNPACKED_BYTES:
                raise _too_big(filename, f"its workbook stream is more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB")
            data = ole.openstream(name).read()
        finally:
            ole.close()
    except LogImportError:
        raise
    except Exception as e:  # olefile reports a damaged container with several exception types
        raise LogImportError(
            f"{filename} cannot be opened as a workbook: it is damaged or incomplete. Ask for the file again, or "
            f"open and re-save it in Excel or LibreOffice as .xlsx ({e})"
        ) from None
    rows, cols = _biff_extent(data)
    check_extent(rows, cols, filename, "old .xls workbook")


def _biff_extent(data: bytes) -> tuple[int, int]:
    """(rows, columns) the cells of a BIFF stream reach, and the sizes its DIMENSIONS records declare."""
    rows = cols = 0
    pos, end = 0, len(data)
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4:pos + 4 + length]
        pos += 4 + length
        if typ == _BIFF_DIMENSIONS and len(body) >= 14:
            _, last_row, _, last_col = struct.unpack_from("<IIHH", body)
            rows, cols = max(rows, last_row), max(cols, last_col)
        elif typ == _BIFF_DIMENSIONS and len(body) >= 10:
            _, last_row, _, last_col = struct.unpack_from("<HHHH", body)
            rows, cols = max(rows, last_row), max(cols, last_col)
        elif typ in _BIFF_CELLS and len(body) >= 4:
            r, c = struct.unpack_from("<HH", body)
            if typ in _BIFF_RUNS and len(body) >= 6:
                c = max(c, struct.unpack_from("<H", body, len(body) - 2)[0])
            rows, cols = max(rows, r + 1), max(cols, c + 1)
    return rows, cols
