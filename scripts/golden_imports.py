"""The golden record of what the importer accepts and rejects, file by file (tests/data/golden/imports.json).

For every returned log of the example corpus and of the test suite's committed files, the record keeps what the
importer makes of it: the accepted entries (every field), the rejected rows with their reasons and messages
(file, sheet, row, column, what was given, why), the counts, the accepted-entries table summarise reads, the
pain and activity scores read as outcome measures, the weekly check's answers and the red-flag notes. A change
to reading or validation must leave every one of them exactly as it is: tests/test_golden_imports.py compares.

Corpus:
  - patients_example/logs/*            against the example workspace's plans;
  - tests/data/old-layout/*.xlsx       workbooks the old writer made (the test plans of tests/adherence_helpers.py
                                       and the example plan of P001);
  - tests/data/xls/small-log.xls       an old .xls workbook (the test plan);
  - tests/data/workspace-v4/originals  files a schema-4 workspace kept, against that workspace's own plans;
  - tests/data/golden/imports/*        messy logs made once by `--make-inputs` (every rule, typed cells and text,
                                       our day-by-day workbook with ticks, pain, board angles and weekly scores);
                                       kept as they were made, like a patient's file, not remade by later writers.

Run: .venv/bin/python scripts/golden_imports.py              (rewrite imports.json from today's code)
     .venv/bin/python scripts/golden_imports.py --make-inputs (make the messy input files again, then rewrite)
Rewrite the record only for a change that is meant to change what is accepted or rejected, and say so.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

GOLDEN = REPO / "tests" / "data" / "golden" / "imports.json"
INPUTS = REPO / "tests" / "data" / "golden" / "imports"
V4 = REPO / "tests" / "data" / "workspace-v4"


# ---------------------------------------------------------------- plans


def test_plans() -> dict[tuple[str, int], object]:
    """The tests' own plans (tests/adherence_helpers.py), by (plan id, version)."""
    from adherence_helpers import make_plan

    plans = [make_plan(), make_plan(version=0), make_plan(weeks=12, start=dt.date(2026, 9, 1), plan_id="anna-k-long")]
    return {(p.id, p.version): p for p in plans}


def example_plans() -> dict[tuple[str, int], object]:
    """The example workspace's plans, by (plan id, version)."""
    from physio.example import issue_example_plans
    from physio.library import default_library
    from physio.store import Workspace, read_patients

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        ws.add_patients(read_patients(REPO / "patients_example" / "patients"))
        issue_example_plans(ws, default_library())
        return {(plan.id, plan.version): plan for p in ws.patients() for plan in ws.plans_for(p.id)}


def v4_files() -> list[tuple[str, bytes, object]]:
    """(file name, content, plan) of every original the schema-4 workspace kept, against its own plans."""
    from physio.store import Workspace

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        shutil.copytree(V4, folder)
        ws = Workspace(folder)
        for p in ws.patients():
            for rec in ws.imports(p.id):
                out.append((f"workspace-v4/{rec.filename}", ws.original(rec.id), ws.plan(rec.plan_id, rec.plan_version)))
    return out


# ---------------------------------------------------------------- the record of one file


def _frame_record(frame) -> dict:
    if frame is None:
        return None
    split = json.loads(frame.to_json(orient="split", date_format="iso", date_unit="s", default_handler=str))
    return {"dtypes": [str(t) for t in frame.dtypes], **split}


def record(name: str, content: bytes, plan, patient_id: str, entries_out: list | None = None) -> dict:
    """What the importer makes of one file for `plan`: everything import_bytes stores or reports, without a
    workspace (the same functions, in the same order). The LogEntry objects are added to `entries_out`."""
    from physio.errors import LimitExceeded, LogImportError
    from physio.importing import _ensure_plan_safe, _judge, _weekly_check
    from physio.io.logs import read_log_bytes
    from physio.io.xlsx import printed_texts
    from physio.redflag_scan import find_red_flag_notes

    out: dict = {"file": name, "plan": f"{plan.id} v{plan.version}"}
    try:
        raw = read_log_bytes(content, name)
        _ensure_plan_safe(plan)
        raw, checked, days = _judge(raw, plan, patient_id, None)
    except (LogImportError, LimitExceeded) as refusal:
        out["refused"] = str(refusal)
        return out
    answers, check_rejections = _weekly_check(raw, plan, patient_id)
    flags = find_red_flag_notes(raw, plan, checked, patient_id=patient_id, answers=answers,
                                printed=printed_texts(plan, raw.psfs_activities) if raw.kind == "workbook" else set())
    entries = [e.model_dump(mode="json") for e in checked.entries]
    if entries_out is not None:
        entries_out.extend(checked.entries)
    out.update(
        kind=raw.kind, layout=raw.layout, sheet=raw.sheet, header_row=raw.header_row, fields=list(raw.fields),
        mapping=raw.mapping, unmapped=list(raw.unmapped), raw_rows=len(raw.rows),
        rows_read=checked.rows_read, rows_accepted=checked.rows_accepted, rows_rejected=checked.rows_rejected,
        blank_rows=checked.blank_rows, extra_sessions=checked.extra_sessions, sessions_found=checked.sessions_found,
        rejected_rows=checked.rejected_rows,
        entry_fields=list(entries[0]) if entries else [],
        entries=[list(e.values()) for e in entries],
        rejections=[r.model_dump(mode="json") for r in checked.rejections],
        frame=_frame_record(checked.frame),
    )
    if days is not None:
        out.update(
            values_read=days.values_read, values_accepted=days.values_accepted,
            value_rejections=[r.model_dump(mode="json") for r in days.value_rejections],
            readings=[{"measure": r.measure_id, "on": r.on.isoformat(), "sheet": r.sheet, "row": r.row,
                       "answers": json.loads(json.dumps(r.answers, default=_plain))} for r in days.readings],
        )
    out.update(
        check_answers=[a.model_dump(mode="json") for a in answers],
        check_rejections=[r.model_dump(mode="json") for r in check_rejections],
        red_flags=[f.model_dump(mode="json") for f in flags],
    )
    return out


def _plain(o: object) -> object:
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    return str(o)


def corpus() -> list[tuple[str, bytes, object, str]]:
    """(name, content, plan, patient id) of every file of the corpus, in a fixed order."""
    from physio.importing import example_log_files

    examples = example_plans()
    tests = test_plans()
    by_patient = {}
    for (pid, version), plan in examples.items():
        by_patient[plan.patient.id] = max(by_patient.get(plan.patient.id, plan), plan, key=lambda p: p.version)
    out = []

    def add(name: str, content: bytes, plan) -> None:
        out.append((name, content, plan, plan.patient.id))

    for patient_id, f in example_log_files(REPO / "patients_example" / "logs"):
        add(f"patients_example/{f.name}", f.read_bytes(), by_patient[patient_id])
    for f in sorted((REPO / "tests" / "data" / "old-layout").glob("*.xlsx")):
        plan = examples[("P001-lumbar-disc-hernia", 1)] if f.name.startswith("P001") else tests[("anna-k-test-back", 1)]
        add(f"old-layout/{f.name}", f.read_bytes(), plan)
    add("xls/small-log.xls", (REPO / "tests" / "data" / "xls" / "small-log.xls").read_bytes(),
        tests[("anna-k-test-back", 1)])
    for name, content, plan in v4_files():
        add(name, content, plan)
    for f in sorted(INPUTS.iterdir()) if INPUTS.is_dir() else []:
        plan_key = json.loads((INPUTS / "plans.json").read_text())[f.name] if f.name != "plans.json" else None
        if plan_key is None:
            continue
        plan = {**tests, **examples}[tuple(plan_key)]
        add(f"golden/{f.name}", f.read_bytes(), plan)
    return out


def build() -> dict:
    return {name: record(name, content, plan, patient_id) for name, content, plan, patient_id in corpus()}


# ---------------------------------------------------------------- messy inputs (made once)

_CLEAN = {
    "date": ["{d:%d.%m.%Y}", "{d:%Y-%m-%d}"], "session": ["", "", "1"], "done": ["yes", "x", "✓", "да", "no", ""],
    "count": ["", "2", "10", "0"], "angle": ["", "30", "45"], "pain": ["", "0", "3", "10", "2"],
    "notes": ["", "", "", "felt fine"],
}
_MESSY = {
    "date": ["{d:%d/%m/%Y}", "{d:%m/%d/%Y}", "{d:%a %d.%m.%Y}", "пн {d:%d.%m.%Y}", "{d:%d.%m.%y}",
             "{d:%Y-%m-%d} 10:30", "{serial}", "{serial}.0", "", "tomorrow", "2026-02-30", "31.12.2025",
             "{d:%d-%m-%Y}", "  {d:%d.%m.%Y}  "],
    "session": ["2", "3", "1.0", "1.5", "0", "-1", "abc", "№2"],
    "done": ["y", "✔", "Д", "Yes ", "n", "нет", "-", "–", "0", "1", "2", "maybe", "not  done", "TRUE", "false",
             "ok", "+"],
    "count": ["-1", "2.5", "7,5", "abc", "1e3", "3 ", "1 000", "nan", "inf"],
    "angle": ["90", "95", "-5", "22,5", "abc"],
    "pain": ["11", "-1", "5.5", "3/10", "4,5", "12", "abc", "2 /10", "7/10"],
    "notes": ["(=1+1)", "tired\x07 today", "  spaces  ", "Онемение в ногах", "wet myself", "x" * 300, "@mention",
              "+plus"],
}


#: Rows every messy file ends with: a date both ways inside a long plan, identical lines beyond the schedule,
#: a second report of a numbered session, a name and an id of different exercises.
_FIXED_ROWS = [
    ["10/11/2026", "", "Bridge", "", "yes", "2", "10", "", "", "2", "2", ""],
    ["08.09.2026", "", "Bridge", "", "yes", "2", "10", "", "", "", "", ""],
    ["08.09.2026", "", "Bridge", "", "yes", "2", "10", "", "", "", "", ""],
    ["08.09.2026", "1", "Lying face down", "", "yes", "", "", "2", "", "", "", ""],
    ["08.09.2026", "1", "Lying face down", "", "yes", "", "", "2", "", "", "", ""],
    ["08.09.2026", "1", "Lying face down", "", "no", "", "", "", "", "", "", "another go"],
    ["09.09.2026", "", "Bird-dog", "glute-bridge", "yes", "", "", "", "", "", "", ""],
    ["09.09.2026", "", "", "", "yes", "", "", "", "", "", "", ""],
]


def _pick(rnd: random.Random, kind: str) -> str:
    return rnd.choice(_MESSY[kind] if rnd.random() < 0.12 else _CLEAN[kind])


def _messy_rows(plan, rnd: random.Random, n: int) -> list[list[str]]:
    """Rows of a patient's own spreadsheet for `plan`: mostly as expected, each cell sometimes drawn from the odd
    things patients write."""
    from physio.planning import schedule

    sessions = schedule(plan)
    names = [pe.exercise.name for pe in plan.exercises] + [pe.exercise.id for pe in plan.exercises]
    names += [n.upper() for n in names[:2]] + ["my bridge!", "Moonwalk", "", "glute_bridge", "Prone  lying"]
    rows = []
    for _ in range(n):
        s = rnd.choice(sessions)
        d = s.date + (dt.timedelta(days=rnd.choice([-40, 60])) if rnd.random() < 0.05 else dt.timedelta())
        serial = (d - dt.date(1899, 12, 30)).days
        date = _pick(rnd, "date").format(d=d, serial=serial)
        own = plan.exercise(s.exercise_id).exercise.name
        name = rnd.choice(names) if rnd.random() < 0.1 else own
        ex_id = rnd.choice(names) if rnd.random() < 0.1 else rnd.choice(["", s.exercise_id])
        row = [date, _pick(rnd, "session"), name, ex_id, _pick(rnd, "done"), _pick(rnd, "count"),
               _pick(rnd, "count"), _pick(rnd, "count"), _pick(rnd, "angle"), _pick(rnd, "pain"),
               _pick(rnd, "pain"), _pick(rnd, "notes")]
        rows.append(row)
        if rnd.random() < 0.12:
            rows.append(list(row))  # the same line twice
        if rnd.random() < 0.05:
            rows.append([date, "", name, ex_id] + [""] * 8)  # only what was printed: not reported yet
    return rows


_HEADER = ["Date", "Session", "Exercise", "Exercise ID", "Done", "Sets done", "Reps done", "Minutes", "Angle (°)",
           "Pain before (0-10)", "Pain after (0-10)", "Notes"]


def _typed(text: str) -> object:
    """The cell a spreadsheet program would store for what the patient typed: numbers and dates as such."""
    from physio.validate import parse_date

    t = text.strip()
    if "\x07" in t:
        return t.replace("\x07", "")  # a workbook cannot hold control characters
    try:
        return int(t) if t.lstrip("-").isdigit() else float(t) if t not in ("nan", "inf") else text
    except ValueError:
        pass
    d = parse_date(t) if "." in t or "-" in t[4:5] else None
    if d is not None and len(t) == 10:
        return dt.datetime(d.year, d.month, d.day)
    if t in ("TRUE", "false"):
        return t == "TRUE"
    return text or None


def _day_log(plan, rnd: random.Random, activities: list[str]) -> bytes:
    """Our day-by-day workbook for `plan`, filled with ticks, words, pain, angles, notes and weekly scores."""
    import openpyxl

    from physio import daylog
    from physio.io.xlsx import sheet_names, workbook_bytes
    from physio.planning import schedule

    from physio.io.logs import read_log_bytes

    blank = workbook_bytes(plan, psfs_activities=activities)
    meta = read_log_bytes(blank, "blank.xlsx").meta
    head, psfs_head = int(meta["log_header_row"]), int(meta.get("psfs_header_row", 0))
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    sheet = wb[sheet_names(plan, activities)["log"]]
    days = daylog.day_rows(plan, schedule(plan))
    keys = daylog.column_keys(plan, days)
    ticks = ["✓", "✓", "✓", "x", "yes", "да", "", "", "", "maybe", "0", "no", 1]
    for i, _ in enumerate(days):
        if rnd.random() < 0.15:
            continue
        for c, key in enumerate(keys, 1):
            if key.startswith(daylog.TICK):
                v = rnd.choice(ticks)
            elif key in (daylog.BACK_PAIN, daylog.LEG_PAIN):
                v = rnd.choice(["", "", 2, 3, 12, "5.5", "3/10", "abc", 0, 10, -1])
            elif key == daylog.ANGLE:
                v = rnd.choice(["", 30, 45, 95, "abc", -5, 22.5])
            elif key == daylog.NOTES:
                v = rnd.choice(["", "", "", "ok", "wet myself", "(=2+2)", "Онемение в обеих ногах"])
            else:
                continue
            if v != "":
                sheet.cell(row=head + 1 + i, column=c, value=v)
    if activities:
        psfs = wb[sheet_names(plan, activities)["psfs"]]
        for week in range(1, plan.weeks + 2):
            for a in range(len(activities)):
                v = rnd.choice(["", 3, 7, 10, 11, "4.5", "abc", 0])
                if v != "":
                    psfs.cell(row=psfs_head + week, column=3 + a, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_inputs() -> None:
    """The messy input files, made once from a fixed seed (kept, like files patients returned)."""
    import openpyxl

    tests, examples = test_plans(), example_plans()
    INPUTS.mkdir(parents=True, exist_ok=True)
    plans: dict[str, list] = {}
    for name, key, seed, n in (("messy-short.csv", ("anna-k-test-back", 1), 1, 400),
                               ("messy-long.csv", ("anna-k-long", 1), 2, 400)):
        rows = _messy_rows(tests[key], random.Random(seed), n) + _FIXED_ROWS
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        w.writerow(_HEADER)
        w.writerows(rows)
        (INPUTS / name).write_bytes(buf.getvalue().encode("utf-8"))
        plans[name] = list(key)
        xname = name.replace(".csv", "-typed.xlsx")
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "My log"
        ws.append(["My exercise diary"])
        ws.append(_HEADER)
        for r in _messy_rows(tests[key], random.Random(seed + 100), n):
            ws.append([_typed(v) for v in r])
        wb.save(INPUTS / xname)
        plans[xname] = list(key)
    for name, pid, seed, activities in (("days-board.xlsx", "P004", 3, []),
                                        ("days-psfs.xlsx", "P005", 4, ["Socks on", "Sit through a film"])):
        key = max((k for k, p in examples.items() if p.patient.id == pid), key=lambda k: k[1])
        (INPUTS / name).write_bytes(_day_log(examples[key], random.Random(seed), activities))
        plans[name] = list(key)
    (INPUTS / "plans.json").write_text(json.dumps(plans, indent=1, sort_keys=True) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--make-inputs", action="store_true", help="make the messy input files again first")
    args = ap.parse_args()
    if args.make_inputs:
        make_inputs()
    golden = build()
    GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{GOLDEN.relative_to(REPO)}: {len(golden)} files, "
          f"{sum(g.get('rows_accepted', 0) for g in golden.values()):,} rows accepted, "
          f"{sum(len(g.get('rejections', [])) + len(g.get('value_rejections', [])) for g in golden.values()):,} "
          f"rejections, {sum('refused' in g for g in golden.values())} files refused")


if __name__ == "__main__":
    main()
