"""A clinic-year of returned logs: read, validated and summarised. Prints figures and whether targets are met.

500 patients × 364 days × 8 exercises ≈ 1.5 M rows, written once as workbooks shaped like our export (Log sheet
+ hidden meta sheet) into a cache folder outside the repository (PHYSIO_BENCH_CACHE, default: the system temp
folder). Targets: read + validate ≥ 15× faster than pandas.read_excel(engine="openpyxl") reading the same files
(issue 18; reading alone ≥ 5×, issue 5), and summarising 1.5 M rows in ≤ 3 s. Read + validate gives what judging
a log gives: the accepted rows as a table and every rejected row with its reasons; the LogEntry objects are made
from the table when first asked for (storing asks), so that step is also timed with them made, beside the whole
judging of a file (judge_log: + weekly check and red-flag search) and the reader alone (the zip-bomb and far-cell
checks, and calamine reading the log sheet: the floor under any read + validate). The baseline reads a few of the
files, spread over the corpus, each right after ours read the same file and each on an equal footing (after a full
pass of the cycle collector, with the young pass over what it left included); the speed-up compares the time per
file on exactly those files, by wall-clock time (the target) and by this process's CPU time (less moved by other
programs on the machine). Summarise reads the accepted rows as a pandas frame made from the table (timed apart);
the same summaries from the LogEntry list are timed for comparison.

The same is measured on a second corpus, the workbooks patients return today: our day-by-day log (one row per day,
a tick per exercise, back and leg pain once a day; physio.daylog) exported for each plan and filled in through
openpyxl as a patient's spreadsheet program would save it (read + validate_days). A day-by-day year is 364 rows,
so a file's fixed costs (the zip-bomb check, the other sheets read for red flags) weigh more per row there.

Both corpora are also imported the way a clinic imports a folder of returned logs (physio.importing_batch, as
`physio import-folder` does, without storing): each file read, validated and searched for red flags in a pool of
one worker process per core, its entry objects made in this process (as storing does); the CPU time of the workers and of this process
is printed too, and what it would come to on idle cores.

Run: .venv/bin/python benchmarks/bench_import.py [--patients N] [--baseline-files N] [--day-patients N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import io
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine as pc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from physio.adherence import summarise  # noqa: E402
from physio.importing import JudgedLog, judge_log  # noqa: E402
from physio.importing_batch import PlanBook, judge_many  # noqa: E402
from physio.io.limits import check_workbook_package  # noqa: E402
from physio.io.logs import read_bytes, read_log  # noqa: E402
from physio.models import (  # noqa: E402
    LOG_COLUMNS, META_SHEET, WORKBOOK_SCHEMA_VERSION, Dose, Exercise, Limit, PatientRef, Plan, PlannedExercise,
)
from physio.models.protocol import AdvanceWhen, Progression, RedFlag, StepBackWhen, StopRule  # noqa: E402
from physio.planning import schedule  # noqa: E402
from physio.validate import validate  # noqa: E402
from physio.validate_days import validate_days  # noqa: E402

START = dt.date(2025, 1, 6)
WEEKS = 52
EXERCISES = 8
SEED = 20260907
READ_TARGET = 5.0
READ_VALIDATE_TARGET = 15.0
SUMMARISE_TARGET_S = 3.0
CACHE_VERSION = "v1"
DAYS_CACHE_VERSION = "days-v1"


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


def cached_files(n: int, version: str = CACHE_VERSION, write=write_workbook, what: str = "workbooks") -> list[Path]:
    """The corpus's first n files, written once into a cache folder (by `write`, on every core) and reused."""
    folder = Path(os.environ.get("PHYSIO_BENCH_CACHE") or Path(tempfile.gettempdir()) / "physio-bench-import")
    folder = folder / version
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"patient-{i:03d}.xlsx" for i in range(n)]
    todo = [(i, str(f)) for i, f in enumerate(files) if not f.exists()]
    if todo:
        t = time.perf_counter()
        print(f"writing {len(todo)} {what} into {folder} (once; cached for later runs)...", flush=True)
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(write, todo, chunksize=8))
        print(f"  written in {time.perf_counter() - t:.1f} s", flush=True)
    return files


def write_day_workbook(args: tuple[int, str]) -> str:
    """One patient's year in today's day-by-day log, exported by physio and filled in as patients fill it: most
    days ticked, some left empty, back and leg pain most days, now and then a note; saved by openpyxl."""
    from physio.io.logs import read_log_bytes
    from physio.io.xlsx import workbook_bytes

    i, path = args
    plan = make_plan(i)
    content = workbook_bytes(plan)
    raw = read_log_bytes(content, "log.xlsx")
    rnd = random.Random(SEED + i)
    keen = rnd.uniform(0.5, 0.95)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[raw.sheet]
    for row, _ in raw.rows:
        if rnd.random() < 0.1:
            continue  # a day not filled in
        for col, key in enumerate(raw.fields, 1):
            if key.startswith("tick:") and rnd.random() < keen:
                ws.cell(row, col).value = "✓"
            elif key.startswith("pain:"):
                ws.cell(row, col).value = rnd.randint(0, 5)
            elif key == "notes" and rnd.random() < 0.02:
                ws.cell(row, col).value = "felt fine"
    tmp = path + ".part"
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def day_corpus(n: int, baseline_files: int) -> None:
    """Read + validate of today's day-by-day workbooks, against pandas on the same files."""
    if n <= 0:
        return
    files = cached_files(n, DAYS_CACHE_VERSION, write_day_workbook, "day-by-day workbooks")
    warm_up(files[0], make_plan(0), read_log(files[0]).sheet, validate_days)
    step = max(1, len(files) // max(baseline_files, 1))
    baseline_at = set(range(0, len(files), step)[:baseline_files])
    read_s = validate_s = 0.0
    rows = entries = scores = 0
    for k, f in enumerate(files):
        plan = make_plan(k)
        sessions = schedule(plan)
        t0 = time.perf_counter()
        raw = read_log(f)
        t1 = time.perf_counter()
        days = validate_days(raw, plan, sessions, patient_id=plan.patient.id)
        t2 = time.perf_counter()
        read_s += t1 - t0
        validate_s += t2 - t1
        rows += len(raw.rows)
        entries += days.checked.rows_accepted
        scores += days.values_accepted
    ours, base = side_by_side(files, baseline_at, validate_days)
    print(f"day-by-day workbooks (today's log): {len(files)} files, {rows:,} rows ({entries:,} session reports and "
          f"{scores:,} pain scores accepted)")
    print(f"  read: {read_s / len(files) * 1000:.1f} ms per file; read + validate_days: "
          f"{(read_s + validate_s) / len(files) * 1000:.1f} ms per file, {rows / (read_s + validate_s):,.0f} rows/s")
    compare(ours, base)
    every_core(files, [make_plan(k) for k in range(len(files))], base, entries)


def every_core(files: list[Path], plans: list[Plan], base: dict[int, tuple[float, float, int]], accepted: int) -> None:
    """The same files imported as a clinic imports a folder of returned logs (physio.importing_batch): the bytes
    read here, each file read, validated and searched for red flags (judge_log) in a pool of one worker process
    per core, and its accepted entries rebuilt here. Timed from the pool's start to the last file's entries."""
    workers = os.cpu_count() or 1
    book = PlanBook({p.id: [p] for p in plans})
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    c, t = time.process_time(), time.perf_counter()
    jobs = [(k, f.name, read_bytes(f), p.patient.id) for k, (f, p) in enumerate(zip(files, plans))]
    got = sum(outcome.checked.rows_accepted for _, outcome in judge_many(jobs, book, None, workers)
              if isinstance(outcome, JudgedLog) and len(outcome.checked.entries) == outcome.checked.rows_accepted)
    wall, here = time.perf_counter() - t, time.process_time() - c
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    there = (done.ru_utime + done.ru_stime) - (children.ru_utime + children.ru_stime)
    if got != accepted:
        raise SystemExit(f"the batch on every core accepted {got:,} entries, one at a time {accepted:,}")
    per_file = wall / len(files)
    base_wall = sum(v[0] for v in base.values()) / len(base)
    ratio = base_wall / per_file
    print(f"  a folder import on every core ({workers} worker processes, judge_log: read + validate + red-flag "
          f"search): {wall:.1f} s for {len(files)} files, {per_file * 1000:.1f} ms per file; against pandas' "
          f"{base_wall * 1000:.0f} ms per file on one core: {ratio:.1f}× (target ≥ {READ_VALIDATE_TARGET:g}×: "
          f"{'MET' if ratio >= READ_VALIDATE_TARGET else 'NOT MET'}; load average {os.getloadavg()[0]:.1f})")
    print(f"    CPU time per file: {there / len(files) * 1000:.1f} ms in the workers + {here / len(files) * 1000:.1f} ms "
          f"here; on {workers} idle cores ≈ {(there + here) / len(files) / workers * 1000:.1f} ms per file, "
          f"{base_wall * workers * len(files) / (there + here):.1f}× pandas")


#: What is timed of ours on each baseline file, each against pandas reading the same file.
STEPS = {
    "read + validate": "accepted rows as a table, every rejection with its reason",
    "read + validate, entry objects made": "as above, plus a LogEntry object per accepted row, as storing needs",
    "judge_log": "the whole judging of a file: read, validate, weekly check, red-flag search",
    "reader alone": "the zip-bomb and far-cell checks and calamine reading the log sheet; nothing judged",
}


def side_by_side(files: list[Path], at: set[int], judge) -> tuple[dict[str, dict], dict]:
    """Ours (each of STEPS) and pandas on the same files, one after the other, each on an equal footing: it
    starts after a full pass of the cycle collector (not timed), and its time includes the young pass over
    what it left behind (ours defers the collector while it builds a log; that pass is its own cost)."""
    ours: dict[str, dict[int, tuple[float, float, int]]] = {step: {} for step in STEPS}
    base: dict[int, tuple[float, float, int]] = {}
    for k in sorted(at):
        plan = make_plan(k)
        sessions = schedule(plan)
        book = PlanBook({plan.id: [plan]})
        sheet = _sheet_of(files[k])  # found before anything is timed

        def validated(with_entries: bool) -> int:
            raw = read_log(files[k])
            outcome = judge(raw, plan, sessions, patient_id=plan.patient.id)
            if with_entries:
                checked = getattr(outcome, "checked", outcome)
                if len(checked.entries) != checked.rows_accepted:
                    raise SystemExit(f"{files[k].name}: {len(checked.entries)} entries for "
                                     f"{checked.rows_accepted} accepted rows")
            return len(raw.rows)

        def judged() -> int:
            outcome = judge_log(read_bytes(files[k]), files[k].name, plan.patient.id, book)
            if not isinstance(outcome, JudgedLog):
                raise SystemExit(f"{files[k].name} was refused: {outcome.error}")
            return len(outcome.raw.rows)

        def reader_alone() -> int:
            content = read_bytes(files[k])
            check_workbook_package(content, files[k].name)
            workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(content))
            return len(workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False))

        for step, run in zip(STEPS, (lambda: validated(False), lambda: validated(True), judged, reader_alone)):
            ours[step][k] = timed(run)
        base[k] = pandas_baseline(files[k], sheet)
    return ours, base


def timed(run) -> tuple[float, float, int]:
    """(wall s, CPU s, rows) of run(), on the footing side_by_side describes."""
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    rows = run()
    gc.collect(0)
    return time.perf_counter() - t0, time.process_time() - c0, rows


@functools.cache
def _sheet_of(f: Path) -> str:
    return read_log(f).sheet


def pandas_baseline(f: Path, sheet: str = "Log") -> tuple[float, float, int]:
    """(wall s, CPU s, rows) of pandas.read_excel(engine="openpyxl") reading the file's log sheet, on the same
    footing as ours (side_by_side)."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    rows = len(pd.read_excel(f, sheet_name=sheet, engine="openpyxl"))
    gc.collect(0)
    return time.perf_counter() - t, time.process_time() - c, rows


def warm_up(f: Path, plan: Plan, sheet: str = "Log", judge=validate) -> None:
    """Both readers once, not counted: the first call of a process pays for imports and caches, in both."""
    judge(read_log(f), plan, schedule(plan), patient_id=plan.patient.id)
    pandas_baseline(f, sheet)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=500)
    ap.add_argument("--baseline-files", type=int, default=5)
    ap.add_argument("--day-patients", type=int, default=None, help="day-by-day workbooks (default: --patients)")
    args = ap.parse_args()
    files = cached_files(args.patients)
    step = max(1, len(files) // max(args.baseline_files, 1))
    baseline_at = set(range(0, len(files), step)[: args.baseline_files])

    # One patient at a time, as a clinic would work: only that patient's plan, schedule and log are in memory.
    plans = [make_plan(i) for i in range(args.patients)]
    warm_up(files[0], plans[0])
    read_s = validate_s = frame_s = entries_s = summarise_s = summarise_cpu = from_list_s = 0.0
    rows = accepted = 0
    tables = []  # every patient's accepted rows, for summarise afterwards as the clinic overview does
    for k, (plan, f) in enumerate(zip(plans, files)):
        sessions = schedule(plan)
        t0 = time.perf_counter()
        raw = read_log(f)
        t1 = time.perf_counter()
        checked = validate(raw, plan, sessions, patient_id=plan.patient.id)
        t2 = time.perf_counter()
        frame = checked.frame  # the accepted rows' table as a pandas frame, made when first asked for
        t3 = time.perf_counter()
        c3 = time.process_time()
        summary = summarise(plan, sessions, frame)
        summarise_cpu += time.process_time() - c3
        t4 = time.perf_counter()
        entries = checked.entries  # made from the table when first asked for
        t5 = time.perf_counter()
        if summarise(plan, sessions, entries) != summary:
            raise SystemExit(f"summaries from the table and from the LogEntry list differ for {plan.id}")
        from_list_s += time.perf_counter() - t5
        read_s += t1 - t0
        validate_s += t2 - t1
        frame_s += t3 - t2
        summarise_s += t4 - t3
        entries_s += t5 - t4
        rows += len(raw.rows)
        accepted += checked.rows_accepted
        tables.append((plan, sessions, frame))
    ours, base = side_by_side(files, baseline_at, validate)
    report(files, rows, accepted, read_s, validate_s, ours, base)
    print(f"  made from the accepted rows' table when first asked for: a pandas frame for summarise "
          f"{frame_s / len(files) * 1000:.1f} ms per file; the LogEntry objects {entries_s / len(files) * 1000:.1f} ms "
          "per file")
    every_core(files, plans, base, accepted)
    scaled = summarise_s * (1_500_000 / max(rows, 1))  # per 1.5 M log rows (the clinic-year's rows)
    print(f"summarise {len(plans)} plans ({rows:,} log rows, {accepted:,} reported entries): {summarise_s:.2f} s "
          f"(≈ {scaled:.2f} s per 1.5 M rows; target ≤ {SUMMARISE_TARGET_S:g} s: "
          f"{'MET' if scaled <= SUMMARISE_TARGET_S else 'NOT MET'})")
    t = time.perf_counter()
    for plan, sessions, frame in tables:
        summarise(plan, sessions, frame)
    overview_s = time.perf_counter() - t
    print(f"  summarise in the loop above, just after each log is read, pays for the cycle collector's passes over "
          f"the log's objects; the same {len(tables)} plans summarised afterwards, as the clinic overview does: "
          f"{overview_s:.2f} s (≈ {overview_s * 1_500_000 / max(rows, 1):.2f} s per 1.5 M rows)")
    print(f"  the same from the LogEntry list (for comparison): {from_list_s:.2f} s "
          f"(≈ {from_list_s * 1_500_000 / max(rows, 1):.2f} s per 1.5 M rows)")
    # Wall time is the target; CPU time shows the code's own cost when other programs share the machine.
    print(f"summarise CPU time of this process: {summarise_cpu:.2f} s "
          f"(≈ {summarise_cpu * 1_500_000 / max(rows, 1):.2f} s per 1.5 M rows; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    day_corpus(args.day_patients if args.day_patients is not None else args.patients, args.baseline_files)


def report(files: list[Path], rows: int, accepted: int, read_s: float, validate_s: float,
           ours: dict[int, tuple[float, float, int]], base: dict[int, tuple[float, float, int]]) -> None:
    """Reading speed, and read + validate against pandas on the same files."""
    print(f"files: {len(files)} workbooks, {rows:,} rows ({accepted:,} reported sessions accepted); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"read (physio.io.logs.read_log, calamine): {read_s:.1f} s, {rows / read_s:,.0f} rows/s, "
          f"{read_s / len(files) * 1000:.1f} ms per file")
    print(f"read + validate:                         {read_s + validate_s:.1f} s, {rows / (read_s + validate_s):,.0f} "
          f"rows/s, {(read_s + validate_s) / len(files) * 1000:.1f} ms per file")
    base_wall, base_rows = sum(v[0] for v in base.values()), sum(v[2] for v in base.values())
    read_ratio = (rows / read_s) / (base_rows / base_wall)
    print(f"read speed-up per row: {read_ratio:.1f}× (target ≥ {READ_TARGET:g}×: "
          f"{'MET' if read_ratio >= READ_TARGET else 'NOT MET'})")
    compare(ours, base)


def compare(ours: dict[str, dict[int, tuple[float, float, int]]], base: dict[int, tuple[float, float, int]]) -> None:
    """Each of our STEPS against pandas reading the same files: time per file, by wall clock and by CPU."""
    n = len(base)
    base_wall, base_cpu, base_rows = (sum(v[i] for v in base.values()) for i in range(3))
    print(f"  baseline pandas.read_excel(openpyxl) on {n} of the same files (spread over the run): "
          f"{base_wall / n * 1000:.0f} ms per file (CPU {base_cpu / n * 1000:.0f} ms; {base_rows / n:,.0f} rows in "
          f"its frame)")
    for step, times in ours.items():
        wall, cpu = (sum(v[i] for v in times.values()) for i in range(2))
        target = (f" (target ≥ {READ_VALIDATE_TARGET:g}×: "
                  f"{'MET' if base_wall / wall >= READ_VALIDATE_TARGET else 'NOT MET'})") if step == "read + validate" else ""
        print(f"  {step} ({STEPS[step]}): {wall / n * 1000:.1f} ms per file (CPU {cpu / n * 1000:.1f} ms): "
              f"{base_wall / wall:.1f}× pandas by wall-clock time, {base_cpu / cpu:.1f}× by CPU time{target}")


if __name__ == "__main__":
    main()
