"""Issue 12, point 3: every returned file is checked before it is parsed, and the bombs of the issue are refused
cleanly inside a process limited to 500 MB of address space, each in a few seconds."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from physio.io.limits import MAX_COLUMNS, MAX_LOG_BYTES, MAX_ROWS

from workspace_helpers import filled_bytes, tree, two_patients

XLS = Path(__file__).resolve().parent / "data" / "xls"
MEMORY_LIMIT = 500 * 1024 * 1024
TIME_LIMIT_S = 30.0  # per file, on a shared 2-core machine; each takes 1-3 s when the machine is idle

#: Runs one CLI command under the memory limit and reports its status, streams and time as JSON.
CHILD = r"""
import contextlib, io, json, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
t0 = time.monotonic()
err, out = io.StringIO(), io.StringIO()
with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
    from physio.cli import main
    try:
        code = main(sys.argv[2:])
    except SystemExit as e:
        code = e.code
print(json.dumps({"code": code, "err": err.getvalue(), "out": out.getvalue(), "s": time.monotonic() - t0}))
"""


def limited(*argv: str) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(MEMORY_LIMIT), *argv], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, f"the process died (status {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return two_patients(tmp_path_factory.mktemp("limits") / "ws")


def _workbook_with_sheet_body(ws, body_chunks, *, declared: int | None = None) -> bytes:
    """Our exported workbook, its Log sheet's rows replaced by `body_chunks` (written packed, as a zip bomb is).
    `declared` makes the package lie about the unpacked size of that part."""
    plan_bytes = filled_bytes(ws, "anna-k", {})
    src = zipfile.ZipFile(io.BytesIO(plan_bytes))
    sheets = [i for i in src.infolist() if i.filename.startswith("xl/worksheets/sheet")]
    log = max(sheets, key=lambda i: i.file_size)
    head = src.read(log).split(b"<sheetData>")[0] + b"<sheetData>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename != log.filename:
                z.writestr(info.filename, src.read(info))
                continue
            with z.open(log.filename, "w", force_zip64=False) as f:
                f.write(head)
                for chunk in body_chunks:
                    f.write(chunk)
                f.write(b"</sheetData></worksheet>")
    data = bytearray(out.getvalue())
    if declared is not None:
        _lie_about_size(data, log.filename.encode(), declared)
    return bytes(data)


def _lie_about_size(data: bytearray, name: bytes, declared: int) -> None:
    """Write `declared` as the unpacked size of part `name` in its local header and its central directory entry."""
    local = data.find(b"PK\x03\x04" + data[4:4])  # first local header; walk to the one with our name
    while local != -1:
        n = struct.unpack_from("<H", data, local + 26)[0]
        if bytes(data[local + 30:local + 30 + n]) == name:
            struct.pack_into("<I", data, local + 22, declared)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + n]) == name:
            struct.pack_into("<I", data, central + 24, declared)
            return
        central = data.find(b"PK\x01\x02", central + 4)
    raise AssertionError("part not found")


def _rows(total_mb: int):
    block = b"<row><c t=\"inlineStr\"><is><t>Bridge</t></is></c></row>" * 20_000
    for _ in range(total_mb * 1024 * 1024 // len(block)):
        yield block


def _far_cell() -> bytes:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["Date", "Exercise", "Done"])
    sheet.append(["07.09.2026", "Bridge", "yes"])
    sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bombs(ws, folder: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, words the refusal must contain)."""
    files = {
        "zip-bomb": (_workbook_with_sheet_body(ws, _rows(300)), "unpacks to"),
        "lying-zip-bomb": (_workbook_with_sheet_body(ws, _rows(60), declared=40_000), "damaged"),
        "far-cell": (_far_cell(), "rows"),
        "long-csv": (b"Date,Exercise,Done\n" + b"07.09.2026,Bridge,yes\n" * (MAX_ROWS * 3), "rows"),
        "wide-csv": (b"Date,Exercise,Done" + b",x" * (MAX_COLUMNS * 50) + b"\n07.09.2026,Bridge,yes\n", "columns"),
        "too-large": (b"Date,Exercise,Done\n" + b"," * (MAX_LOG_BYTES + 10), "MB"),
        # an old .xls (made by LibreOffice) of 5 KB with one cell at IV65536: its reader would build 16.7M cells
        "far-cell-xls": ((XLS / "far-cell.xls").read_bytes(), "65,536 rows"),
    }
    out = {}
    for name, (content, words) in files.items():
        path = folder / f"{name}.{'xlsx' if content.startswith(b'PK') else 'xls' if 'xls' in name else 'csv'}"
        path.write_bytes(content)
        out[name] = (path, words)
    return out


@pytest.mark.slow
def test_bombs_are_refused_cleanly_within_memory_and_time(ws, tmp_path):
    before = tree(ws.folder)
    for name, (path, words) in _bombs(ws, tmp_path).items():
        r = limited("--workspace", str(ws.folder), "import", "anna-k", str(path))
        assert r["code"] == 2, (name, r)
        assert words in r["err"] and "Traceback" not in r["err"] and "MemoryError" not in r["err"], (name, r["err"])
        assert r["err"].count("\n") == 1, (name, r["err"])  # one sentence
        assert r["s"] < TIME_LIMIT_S, (name, r["s"])
    assert tree(ws.folder) == before  # nothing stored, nothing half-written


@pytest.mark.slow
def test_a_log_at_the_row_limit_imports_within_memory(ws, tmp_path):
    """The limits are not too tight: a file just under them is read and stored under the same bounds."""
    rows = ["Date,Exercise,Done,Notes"]
    days = [f"{d:02d}.09.2026" for d in range(7, 28)]
    for i in range(MAX_ROWS - 10):
        rows.append(f"{days[i % len(days)]},Bridge,yes,set {i}")
    path = tmp_path / "long-but-fine.csv"
    path.write_text("\n".join(rows) + "\n")
    t0 = time.monotonic()
    r = limited("--workspace", str(ws.folder), "import", "boris-m", str(path))
    assert r["code"] == 0, r["err"]
    assert f"Rows read: {MAX_ROWS - 10} = {MAX_ROWS - 10} accepted + 0 rejected." in r["out"]
    assert time.monotonic() - t0 < 120


def test_an_old_xls_within_the_limits_is_still_read(ws):
    r = limited("--workspace", str(ws.folder), "import", "anna-k", str(XLS / "small-log.xls"))
    assert r["code"] == 0, r["err"]
    assert "Rows read: 2 = 2 accepted + 0 rejected." in r["out"]


def test_an_alias_bomb_in_a_protocol_file_is_refused_within_memory(tmp_path):
    from planning_helpers import write_library

    folder = write_library(tmp_path / "protocols")
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (folder / "exercises.yaml").write_text("\n".join(lines) + "\nexercises: *j\n")
    t0 = time.monotonic()
    r = limited("protocols", "validate", str(folder))
    assert r["code"] == 1, r  # validate found a problem
    assert "exercises.yaml:" in r["err"] and "expand to more than" in r["err"] and "Traceback" not in r["err"]
    assert time.monotonic() - t0 < TIME_LIMIT_S
