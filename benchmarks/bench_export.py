"""How fast plans become files: one patient's handout + workbook, and a batch of 500 patients.

Targets (issue 4, on a 2-core machine): one 6-week, 8-exercise plan in <= 150 ms median; 500 patients <= 60 s.
Issue 18: 500 patients <= 30 s on every core, >= 1.7x faster than one worker (both measured in this run).
Prints its figures (and the machine's load, which they depend on); asserts nothing.

Issue 18: one patient's handout + workbook <= 60 ms median, in the large-print layout; the baseline is the same
plan built without reportlab's C helpers (rl-accel), as before they were a dependency (a subprocess of this script).
One patient is measured with every picture drawn afresh (as in a fresh process; the figure that counts) and with
the pictures kept from the run before (as in a batch); the process's CPU time is printed beside the time taken, as
it is less disturbed by other work on a busy machine (the target is on the time taken). The workbook alone is measured beside openpyxl writing the
same sheets (the writer before XlsxWriter).

Run: .venv/bin/python benchmarks/bench_export.py [--patients N] [--one-only] [--without-rl-accel]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
if "--without-rl-accel" in sys.argv:
    sys.modules["_rl_accel"] = None  # reportlab falls back to its pure-Python helpers

from export_helpers import make_plan  # noqa: E402

from physio.io.batch import export_all  # noqa: E402
from physio.io.pdf import handout_bytes  # noqa: E402
from physio.io.xlsx import workbook_bytes  # noqa: E402
from physio.models import Patient  # noqa: E402
from physio.store import Workspace  # noqa: E402

ONE_TARGET_MS = 150
ONE_TARGET_LARGE_MS = 60
BATCH_TARGET_S = 30
SPEEDUP_TARGET = 1.7
BATCH = 500
RUNS = 15


def clear_figure_caches() -> None:
    """Forget every exercise picture drawn so far (drawings and PNGs), as in a fresh process: one patient's export
    pays for its own pictures."""
    import physio.figures as figures
    import physio.figures.backends as backends
    import physio.figures.draw as draw

    figures._CACHE.clear()
    backends._PNG_CACHE.clear()
    draw._SCENES.clear()


def openpyxl_bytes(plan) -> bytes:
    """Baseline: the same sheets (cells, styles, widths, heights, merges, lists, pictures, print set-up) written
    by openpyxl, as the workbook was before XlsxWriter wrote it (each style made once and copied: openpyxl at its
    fastest)."""
    import io
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from physio.io.xlsx import _sheets

    wb = Workbook()
    wb.remove(wb.active)
    made: dict = {}

    def side(edge):
        return Side(style=edge[0], color=edge[1]) if edge else Side()

    for sheet in _sheets(plan, ()):
        ws = wb.create_sheet(sheet.name)
        for (r, c), (value, st) in sheet.cells.items():
            cell = ws.cell(row=r, column=c, value=value)
            if st in made:  # each style made once, then copied (openpyxl's fastest way to style many cells)
                cell._style = copy(made[st])
                continue
            cell.font = Font(name="Calibri", size=st.size, bold=st.bold, color=st.color)
            cell.fill = PatternFill("solid", fgColor=st.fill) if st.fill else PatternFill()
            cell.border = Border(left=side(st.left), right=side(st.right), top=side(st.top), bottom=side(st.bottom))
            cell.alignment = Alignment(horizontal=st.align, vertical={"vcenter": "center"}.get(st.valign, st.valign),
                                       wrap_text=st.wrap, text_rotation=st.rotation)
            cell.protection, cell.number_format = Protection(locked=st.locked), st.number_format or "General"
            made[st] = copy(cell._style)
        for c, width in sheet.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = width
        for r, height in sheet.heights.items():
            ws.row_dimensions[r].height = height
        for r1, c1, r2, c2 in sheet.merged:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for v in sheet.validations:
            dv = DataValidation(type="whole" if v.options["validate"] == "integer" else v.options["validate"])
            for where in v.ranges:
                dv.add(where)
            ws.add_data_validation(dv)
        for p in sheet.pictures:
            img = Image(io.BytesIO(p.png))
            img.width, img.height = p.width_px, p.height_px
            ws.add_image(img, f"{get_column_letter(p.col)}{p.row}")
        if sheet.freeze:
            ws.freeze_panes = f"{get_column_letter(sheet.freeze[1])}{sheet.freeze[0]}"
        ws.protection.sheet = sheet.protected
        if sheet.page:
            ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 9, 1, 0
        ws.sheet_state = "hidden" if sheet.hidden else "visible"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook_baseline() -> None:
    """The workbook alone: XlsxWriter against openpyxl writing the same sheets, pictures kept (both warm)."""
    plan = make_plan(n_exercises=8, weeks=6).model_copy(update={"larger_print": True})
    timings = {}
    for name, write in (("openpyxl (baseline)", openpyxl_bytes), ("XlsxWriter", workbook_bytes)):
        write(plan)
        runs = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            write(plan)
            runs.append((time.perf_counter() - t0) * 1000)
        timings[name] = statistics.median(runs)
    print("workbook alone, 6 weeks x 8 exercises, pictures kept: " + ", ".join(
        f"{name} {ms:.1f} ms" for name, ms in timings.items()) + f" (median of {RUNS})")


def one_patient(label: str, larger_print: bool) -> float:
    """Median of RUNS exports of one plan, pictures drawn afresh each time (the figure that counts); the same with
    the pictures kept from the previous run (a batch, or a second export in the same session) beside it."""
    plan = make_plan(n_exercises=8, weeks=6).model_copy(update={"larger_print": larger_print})
    t0 = time.perf_counter()
    handout_bytes(plan)
    workbook_bytes(plan)
    cold = (time.perf_counter() - t0) * 1000
    medians = {}
    for pictures_kept in (False, True):
        pdf_ms, xlsx_ms, both_ms, cpu_ms = [], [], [], []
        for _ in range(RUNS):
            if not pictures_kept:
                clear_figure_caches()
            c0 = time.process_time()
            t0 = time.perf_counter()
            handout_bytes(plan)
            t1 = time.perf_counter()
            workbook_bytes(plan)
            t2 = time.perf_counter()
            cpu_ms.append((time.process_time() - c0) * 1000)
            pdf_ms.append((t1 - t0) * 1000)
            xlsx_ms.append((t2 - t1) * 1000)
            both_ms.append((t2 - t0) * 1000)
        medians[pictures_kept] = statistics.median(both_ms)
        how = "pictures kept from the run before" if pictures_kept else "pictures drawn afresh each run"
        print(f"one patient, 6 weeks x 8 exercises, {label}, {how} ({RUNS} runs): median "
              f"{medians[pictures_kept]:.1f} ms (handout {statistics.median(pdf_ms):.1f} ms, workbook "
              f"{statistics.median(xlsx_ms):.1f} ms; CPU time {statistics.median(cpu_ms):.1f} ms)")
    print(f"  first call incl. font loading {cold:.1f} ms")
    return medians[False]


def one_patient_figures(accel: bool) -> None:
    helpers = "with rl-accel" if accel else "baseline: without rl-accel"
    regular = one_patient(f"regular print, {helpers}", larger_print=False)
    large = one_patient(f"large print, {helpers}", larger_print=True)
    if accel:
        print(f"  target <= {ONE_TARGET_MS} ms (regular): {'met' if regular <= ONE_TARGET_MS else 'NOT met'}; "
              f"target <= {ONE_TARGET_LARGE_MS} ms (large print): {'met' if large <= ONE_TARGET_LARGE_MS else 'NOT met'} "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def baseline_without_accel() -> None:
    subprocess.run([sys.executable, __file__, "--one-only", "--without-rl-accel"], check=True)


def batch(patients: int) -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        ws.add_patients([Patient(id=f"b{i:04d}", name=f"Пациент {i}", birth_year=1960 + i % 40,
                                 therapist="Dr. Maria Ivanova") for i in range(patients)])
        for i in range(patients):
            ws.issue(make_plan(n_exercises=8, weeks=6, patient_id=f"b{i:04d}", patient_name=f"Пациент {i}"),
                     issued_by="Dr. Maria Ivanova")
        seconds = {}
        for workers in (1, cores):
            out = Path(tmp) / f"out-{workers}"
            out.mkdir()
            t0 = time.perf_counter()
            result = export_all(ws, out, progress=False, workers=workers)
            seconds[workers] = time.perf_counter() - t0
            print(f"{patients} patients through export_all on {workers} worker(s) (reading the workspace, all three "
                  f"files written): {seconds[workers]:.1f} s ({seconds[workers] / patients * 1000:.0f} ms per patient; "
                  f"{len(result.exported)} exported, {len(result.failed)} failed)")
    speedup = seconds[1] / seconds[cores]
    print(f"  speed-up on {cores} cores over one worker: {speedup:.2f}x "
          f"(load average during the run: {os.getloadavg()[0]:.1f} on {cores} cores)")
    print(f"  target <= {BATCH_TARGET_S} s for 500 on every core: "
          f"{'met' if patients == BATCH and seconds[cores] <= BATCH_TARGET_S else 'NOT met'}; "
          f"target speed-up >= {SPEEDUP_TARGET}x: {'met' if speedup >= SPEEDUP_TARGET else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=BATCH)
    parser.add_argument("--one-only", action="store_true", help="one patient's figures only")
    parser.add_argument("--without-rl-accel", action="store_true", help="reportlab's pure-Python helpers")
    args = parser.parse_args()
    if args.without_rl_accel:
        one_patient_figures(accel=False)
    else:
        baseline_without_accel()
        one_patient_figures(accel=True)
        workbook_baseline()
        if not args.one_only:
            batch(args.patients)
