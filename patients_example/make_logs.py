"""Make the example patients' returned logs in patients_example/logs/ (deterministic: fixed seed, fixed stamps).

Run: .venv/bin/python patients_example/make_logs.py

File names are "<patient id>--<what it shows>.<ext>"; physio.importing.import_example_logs imports them in
name order (so a corrected re-send comes after the first copy).
  P001--1-first.xlsx         our workbook, filled well; one pain typed as 12 (rejected)
  P001--2-corrected.xlsx     the patient's corrected re-send of the same week (replaces the first entries)
  P002--diary-cp1251.csv     kept in another spreadsheet program: cp1251, semicolons, Russian headers, 25.09.2026
  P004--messy.xlsx           reordered rows, extra sessions, blanks, y/x/✓/да, pain 12, a negative count,
                             an unknown exercise and a date outside the plan
  P005--red-flag.xlsx        good adherence, but a note with red-flag words (numbness in both legs)
  P006--low-adherence.xlsx   a teenager who did about a third of the sessions
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from physio._atomic import write_atomic  # noqa: E402
from physio.example import issue_example_plans  # noqa: E402
from physio.io.xlsx import workbook_bytes  # noqa: E402
from physio.library import default_library  # noqa: E402
from physio.models import LOG_COLUMNS, Plan  # noqa: E402
from physio.planning import schedule  # noqa: E402
from physio.store import Workspace, read_patients  # noqa: E402

SEED = 20260907
STAMP = (2026, 10, 1, 8, 0, 0)
COL = {name: i + 1 for i, name in enumerate(LOG_COLUMNS)}


def example_plans() -> dict[str, Plan]:
    """The example plans exactly as the example workspace issues them."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        ws.add_patients(read_patients(HERE / "patients"))
        issue_example_plans(ws, default_library())
        return {p.id: plan for p in ws.patients() for plan in ws.plans_for(p.id)}


def fixed(xlsx: bytes) -> bytes:
    """The same workbook with fixed zip and document time stamps, so the files only change when their content does."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-10-01T08:00:00Z", data)
            z.writestr(zipfile.ZipInfo(item.filename, date_time=STAMP), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return fixed(buf.getvalue())


def filled_workbook(plan: Plan, fill) -> openpyxl.Workbook:
    """Our exported workbook, opened and filled row by row: fill(index, session, put) writes cells."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan)))
    sheet = wb["Log"]
    for i, s in enumerate(schedule(plan)):
        def put(header: str, value: object, row: int = i + 2) -> None:
            sheet.cell(row=row, column=COL[header], value=value)
        fill(i, s, put)
    return wb


def timed(plan: Plan, exercise_id: str) -> float | None:
    d = plan.exercise(exercise_id).dose
    return round(d.duration_s * (d.sets or 1) / 60, 1) if d.duration_s else None


def p001(plan: Plan, rnd: random.Random) -> tuple[bytes, bytes]:
    """Keen patient, pain easing through the week; the first copy has a typo (pain 12) on one row."""
    def fill(i, s, put, typo: bool):
        if rnd.random() > 0.9:
            return  # not reported
        day = (s.date - plan.start).days
        put("Done", "yes")
        if timed(plan, s.exercise_id):
            put("Minutes", timed(plan, s.exercise_id))
        if s.session == 1:
            put("Pain before (0-10)", max(1, 4 - day // 2))
            put("Pain after (0-10)", max(1, 3 - day // 2))
        if i == 5:
            put("Pain before (0-10)", 12 if typo else 2)
        if day == 3 and s.session == 1 and s.exercise_id == "prone-lying":
            put("Notes", "The leg pain has moved up to the buttock.")

    state = rnd.getstate()
    first = save(filled_workbook(plan, lambda i, s, put: fill(i, s, put, True)))
    rnd.setstate(state)
    corrected = save(filled_workbook(plan, lambda i, s, put: fill(i, s, put, False)))
    return first, corrected


def p002(plan: Plan, rnd: random.Random) -> bytes:
    """A diary kept in another spreadsheet program and saved as CSV with Windows Cyrillic encoding."""
    lines = ["Дата;Упражнение;Выполнено;Подходы;Повторения;Минуты;Боль до;Боль после;Примечания"]
    names = {pe.exercise.id: pe.exercise.name for pe in plan.exercises}
    for s in schedule(plan):
        if rnd.random() < 0.12:
            continue  # a forgotten line
        done = rnd.choice(["да", "да", "да", "+", "нет"])
        minutes = timed(plan, s.exercise_id)
        did = done != "нет"
        note = "спина устала" if s.date.day == 15 and s.exercise_id == "bird-dog" else ""
        lines.append(";".join([
            f"{s.date:%d.%m.%Y}", names[s.exercise_id], done, "", "10" if did and not minutes else "",
            str(minutes).replace(".", ",") if did and minutes else "",
            str(rnd.choice([1, 2, 2, 3])), str(rnd.choice([1, 1, 2])), note,
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def p004(plan: Plan, rnd: random.Random) -> bytes:
    """Everything a real returned log has: disorder, extras, blanks, odd yes-words and mistakes."""
    marks = ["y", "x", "✓", "да", "1", "yes", "Y", "✔"]

    def fill(i, s, put):
        if rnd.random() < 0.2:
            return
        put("Done", marks[i % len(marks)])
        if timed(plan, s.exercise_id):
            put("Minutes", timed(plan, s.exercise_id))
        put("Pain before (0-10)", rnd.choice([2, 3, 3, 4]))

    wb = filled_workbook(plan, fill)
    sheet = wb["Log"]
    n = len(schedule(plan))
    rows = [[sheet.cell(row=r, column=c).value for c in range(1, len(LOG_COLUMNS) + 1)] for r in range(2, n + 2)]
    rows[3][COL["Pain after (0-10)"] - 1] = 12                     # pain out of range
    rows[4][COL["Reps done"] - 1] = -5                              # a negative count
    first_day = plan.start
    board = plan.exercises[0].exercise
    rows.append([first_day, None, board.name, None, None, "yes", None, None, 1, 20, 2, 2, "extra session, felt good"])
    rows.append([first_day + dt.timedelta(days=2), None, "Hanging from a bar", None, None, "yes", None, None, 3,
                 None, 3, 3, None])                                # an exercise not in the plan
    rows.append([plan.end + dt.timedelta(days=5), 1, board.name, board.id, None, "y", None, None, 1, 20, 2, 2,
                 "after the plan ended"])                          # a date outside the plan
    rows.append([None] * len(LOG_COLUMNS))                         # an empty line
    rnd.shuffle(rows)                                               # the patient sorted by exercise, then by hand
    for r in range(2, len(rows) + 2 + 5):
        for c in range(1, len(LOG_COLUMNS) + 1):
            sheet.cell(row=r, column=c).value = None
    for r, values in enumerate(rows, 2):
        for c, v in enumerate(values, 1):
            sheet.cell(row=r, column=c, value=v)
    return save(wb)


def p005(plan: Plan, rnd: random.Random) -> bytes:
    def fill(i, s, put):
        if rnd.random() < 0.08:
            return
        put("Done", "yes")
        put("Pain before (0-10)", 2)
        put("Pain after (0-10)", 2)
        if s.date == plan.start + dt.timedelta(days=10) and s.exercise_id == "supine-drawing-in" and s.session == 1:
            put("Notes", "Numbness in both legs since yesterday evening")
    return save(filled_workbook(plan, fill))


def p006(plan: Plan, rnd: random.Random) -> bytes:
    def fill(i, s, put):
        r = rnd.random()
        if r < 0.33:
            put("Done", "yes")
            put("Pain before (0-10)", 1)
        elif r < 0.6:
            put("Done", "no")
            if r < 0.4:
                put("Notes", "homework")
    return save(filled_workbook(plan, fill))


def main() -> None:
    plans = example_plans()
    out = HERE / "logs"
    out.mkdir(exist_ok=True)
    files: dict[str, bytes] = {}
    first, corrected = p001(plans["P001"], random.Random(SEED + 1))
    files["P001--1-first.xlsx"] = first
    files["P001--2-corrected.xlsx"] = corrected
    files["P002--diary-cp1251.csv"] = p002(plans["P002"], random.Random(SEED + 2))
    files["P004--messy.xlsx"] = p004(plans["P004"], random.Random(SEED + 4))
    files["P005--red-flag.xlsx"] = p005(plans["P005"], random.Random(SEED + 5))
    files["P006--low-adherence.xlsx"] = p006(plans["P006"], random.Random(SEED + 6))
    for name, data in files.items():
        write_atomic(out / name, data)
        print(f"{out / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
