"""A clinic-year of returned logs: read, validated and summarised. Prints figures and whether targets are met.

500 patients × 364 days × 8 exercises ≈ 1.5 M rows, written once as workbooks shaped like our export (Log sheet
+ hidden meta sheet) into a cache folder outside the repository (PHYSIO_BENCH_CACHE, default: the system temp
folder). Targets (issue 5): reading ≥ 5× faster per row than pandas.read_excel(engine="openpyxl") on the same
files (a subset), and summarising 1.5 M rows in ≤ 3 s. Summarise reads the accepted rows as the table validate()
builds beside the LogEntry list (the real path); the same summaries from the LogEntry list are timed for comparison.

Run: .venv/bin/python benchmarks/bench_import.py [--patients N] [--baseline-files N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from physio.adherence import summarise  # noqa: E402
from physio.io.logs import read_log  # noqa: E402
from physio.models import (  # noqa: E402
    LOG_COLUMNS, META_SHEET, WORKBOOK_SCHEMA_VERSION, Dose, Exercise, Limit, PatientRef, Plan, PlannedExercise,
)
from physio.models.protocol import AdvanceWhen, Progression, RedFlag, StepBackWhen, StopRule  # noqa: E402
from physio.planning import schedule  # noqa: E402
from physio.validate import validate  # noqa: E402

START = dt.date(2025, 1, 6)
WEEKS = 52
EXERCISES = 8
SEED = 20260907
READ_TARGET = 5.0
SUMMARISE_TARGET_S = 3.0
CACHE_VERSION = "v1"


def make_plan(i: int) -> Plan:
    lim = Limit(hard=(1, 900), usual=(1, 900), source="team-default: benchmark")
    exercises = []
    for k in range(EXERCISES):
        dose = Dose(duration_s=120, days_per_week=7) if k % 4 == 0 else Dose(sets=2, reps=10, days_per_week=7)
        ex = Exercise(id=f"exercise-{k}", name=f"Exercise {k}", aim="Aim.", starting_position="Lying.",
                      regions=["lumbar"], steps=["Do it."], breathing="Breathe.", tags=["supine"],
                      source="article: benchmark")
        exercises.append(PlannedExercise(exercise=ex, dose=dose, protocol_dose=dose, dose_source="article: bench",
                                         limits={p: lim for p in dose.values()}))
    return Plan(
        id=f"patient-{i:03d}-bench", version=1, patient=PatientRef(id=f"patient-{i:03d}", name=f"Patient {i}",
                                                                    birth_year=1970 + i % 40),
        therapist="Dr Bench", protocol_id="bench", protocol_title="Bench", protocol_version="1.0",
        condition="low-back-pain", phase_id="one", phase_name="One", phase_goal="Goal.", phase_index=0,
        phase_count=2, start=START, weeks=WEEKS, exercises=exercises,
        stop_rules=[StopRule(text="Stop at 6.", source="T1: bench")],
        red_flags=[RedFlag(id="cauda-equina", text="Emergency.", words_en=["bladder", "saddle"],
                           words_ru=["седл"], source="BP1: bench")],
        progression=Progression(advance=AdvanceWhen(min_adherence=0.7, max_pain=3, min_weeks=2, source="MI1"),
                                step_back=StepBackWhen(min_pain=6, pain_rise=2, source="T1")),
    )


def write_workbook(args: tuple[int, str]) -> str:
    """One patient's year, filled the way patients fill it: mostly yes, some blanks, some pain scores and notes."""
    i, path = args
    plan = make_plan(i)
    rnd = random.Random(SEED + i)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Log")
    ws.append(list(LOG_COLUMNS))
    names = {pe.exercise.id: (pe.exercise.name, pe.dose.summary(), pe.dose.duration_s) for pe in plan.exercises}
    keen = rnd.uniform(0.5, 0.95)
    for s in schedule(plan):
        name, dose, duration = names[s.exercise_id]
        r = rnd.random()
        done = "yes" if r < keen else ("no" if r < keen + 0.05 else None)
        filled = done is not None
        ws.append([
            s.date, s.session, name, s.exercise_id, dose, done,
            2 if filled and not duration else None, 10 if filled and not duration else None,
            round(rnd.uniform(1, 2.5), 1) if filled and duration else None, None,
            rnd.randint(0, 5) if filled else None, rnd.randint(0, 5) if filled else None,
            "felt fine" if filled and rnd.random() < 0.02 else None,
        ])
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for k, v in [("schema_version", WORKBOOK_SCHEMA_VERSION), ("plan_id", plan.id), ("plan_version", plan.version),
                 ("patient_id", plan.patient.id), ("protocol_id", plan.protocol_id),
                 ("protocol_version", plan.protocol_version), ("phase_id", plan.phase_id),
                 ("start", plan.start.isoformat()), ("weeks", plan.weeks)]:
        meta.append([k, v])
    tmp = path + ".part"
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def cached_files(n: int) -> list[Path]:
    folder = Path(os.environ.get("PHYSIO_BENCH_CACHE") or Path(tempfile.gettempdir()) / "physio-bench-import")
    folder = folder / CACHE_VERSION
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"patient-{i:03d}.xlsx" for i in range(n)]
    todo = [(i, str(f)) for i, f in enumerate(files) if not f.exists()]
    if todo:
        t = time.perf_counter()
        print(f"writing {len(todo)} workbooks into {folder} (once; cached for later runs)...", flush=True)
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(write_workbook, todo, chunksize=8))
        print(f"  written in {time.perf_counter() - t:.1f} s", flush=True)
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=500)
    ap.add_argument("--baseline-files", type=int, default=5)
    args = ap.parse_args()
    files = cached_files(args.patients)

    # One patient at a time, as a clinic would work: only that patient's plan, schedule and log are in memory.
    plans = [make_plan(i) for i in range(args.patients)]
    read_s = validate_s = summarise_s = summarise_cpu = from_list_s = 0.0
    rows = accepted = 0
    for plan, f in zip(plans, files):
        sessions = schedule(plan)
        t0 = time.perf_counter()
        raw = read_log(f)
        t1 = time.perf_counter()
        checked = validate(raw, plan, sessions, patient_id=plan.patient.id)
        t2 = time.perf_counter()
        c2 = time.process_time()
        summary = summarise(plan, sessions, checked.frame)
        summarise_cpu += time.process_time() - c2
        t3 = time.perf_counter()
        if summarise(plan, sessions, checked.entries) != summary:
            raise SystemExit(f"summaries from the table and from the LogEntry list differ for {plan.id}")
        from_list_s += time.perf_counter() - t3
        read_s += t1 - t0
        validate_s += t2 - t1
        summarise_s += t3 - t2
        rows += len(raw.rows)
        accepted += checked.rows_accepted
    base_files = files[: args.baseline_files]
    t = time.perf_counter()
    base_rows = sum(len(pd.read_excel(f, sheet_name="Log", engine="openpyxl")) for f in base_files)
    base_s = time.perf_counter() - t

    ours = rows / read_s
    ours_full = rows / (read_s + validate_s)
    base = base_rows / base_s
    print(f"files: {len(files)} workbooks, {rows:,} rows ({accepted:,} reported sessions accepted)")
    print(f"read (physio.io.logs.read_log, calamine): {read_s:.1f} s, {ours:,.0f} rows/s")
    print(f"read + validate into LogEntry:           {read_s + validate_s:.1f} s, {ours_full:,.0f} rows/s")
    print(f"baseline pandas.read_excel(openpyxl) on {len(base_files)} files: {base_s:.1f} s, {base:,.0f} rows/s")
    ratio, ratio_full = ours / base, ours_full / base
    print(f"read speed-up per row: {ratio:.1f}× (target ≥ {READ_TARGET:g}×: {'MET' if ratio >= READ_TARGET else 'NOT MET'})")
    print(f"read + validate speed-up per row: {ratio_full:.1f}× "
          f"({'also ≥' if ratio_full >= READ_TARGET else 'below'} {READ_TARGET:g}×)")
    scaled = summarise_s * (1_500_000 / max(rows, 1))  # per 1.5 M log rows (the clinic-year's rows)
    print(f"summarise {len(plans)} plans ({rows:,} log rows, {accepted:,} reported entries): {summarise_s:.2f} s "
          f"(≈ {scaled:.2f} s per 1.5 M rows; target ≤ {SUMMARISE_TARGET_S:g} s: "
          f"{'MET' if scaled <= SUMMARISE_TARGET_S else 'NOT MET'})")
    print(f"  the same from the LogEntry list (for comparison): {from_list_s:.2f} s "
          f"(≈ {from_list_s * 1_500_000 / max(rows, 1):.2f} s per 1.5 M rows)")
    # Wall time is the target; CPU time shows the code's own cost when other programs share the machine.
    print(f"summarise CPU time of this process: {summarise_cpu:.2f} s "
          f"(≈ {summarise_cpu * 1_500_000 / max(rows, 1):.2f} s per 1.5 M rows; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")

if __name__ == "__main__":
    main()
