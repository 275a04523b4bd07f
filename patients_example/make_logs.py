"""Make the example patients' returned logs in patients_example/logs/ (deterministic: fixed seed, fixed stamps).

Run: .venv/bin/python patients_example/make_logs.py

File names are "<patient id>--<what it shows>.<ext>"; physio.importing.import_example_logs imports them in
name order (so a corrected re-send comes after the first copy).
  P001--1-first.xlsx         the OLD workbook layout (one row per session and exercise), filled well; one pain
                             typed as 12 (rejected)
  P001--2-corrected.xlsx     the patient's corrected re-send of the same week (replaces the first entries)
  P002--diary-cp1251.csv     kept in another spreadsheet program: cp1251, semicolons, Russian headers, 25.09.2026
  P004--messy.xlsx           the OLD layout too: reordered rows, extra sessions, blanks, y/x/✓/да, pain 12, a negative
                             count, an unknown exercise and a date outside the plan
  P005--red-flag.xlsx        our Russian day-by-day workbook: ticks, daily back and leg pain, weekly scores of the
                             patient's three activities (PSFS), one back pain typed as 12 (rejected), and a note
                             with red-flag words
  P006--low-adherence.xlsx   our day-by-day workbook: a teenager who ticked about a third of the sessions
The old-layout files (P001, P004) were made by the old writer (physio before the day-by-day log) and are kept as
patients returned them; they are not remade here.
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

from physio import daylog  # noqa: E402
from physio._atomic import write_atomic  # noqa: E402
from physio.example import issue_example_plans  # noqa: E402
from physio.io.xlsx import sheet_names, workbook_bytes  # noqa: E402
from physio.library import default_library  # noqa: E402
from physio.models import Plan  # noqa: E402
from physio.planning import schedule  # noqa: E402
from physio.store import Workspace, read_patients  # noqa: E402

SEED = 20260907
STAMP = (2026, 10, 1, 8, 0, 0)
#: The header row of the day-by-day log (title and instructions above it).
HEAD = 3
#: P005's own activities, as named at intake (scored weekly on the activities sheet: PSFS).
P005_ACTIVITIES = ["Надевать носки", "Сидеть в кино весь фильм", "Гулять с собакой 20 минут"]


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


def filled_day_log(plan: Plan, fill, activities: list[str] = ()) -> openpyxl.Workbook:
    """Our exported day-by-day workbook, opened and filled row by row: fill(index, day, put) writes cells by
    column key (physio.daylog)."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan, psfs_activities=activities)))
    sheet = wb[sheet_names(plan)["log"]]
    days = daylog.day_rows(plan, schedule(plan))
    col = {k: i + 1 for i, k in enumerate(daylog.column_keys(plan, days))}
    for i, day in enumerate(days):
        def put(key: str, value: object, row: int = HEAD + 1 + i) -> None:
            sheet.cell(row=row, column=col[key], value=value)
        fill(i, day, put)
    return wb


def timed(plan: Plan, exercise_id: str) -> float | None:
    d = plan.exercise(exercise_id).dose
    return round(d.duration_s * (d.sets or 1) / 60, 1) if d.duration_s else None


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


def p005(plan: Plan, rnd: random.Random) -> bytes:
    """Good adherence, back and leg pain easing, one back pain typed as 12, weekly activity scores, and a note
    with red-flag words."""
    def fill(i, day, put):
        if rnd.random() < 0.08:
            return
        d = (day.date - plan.start).days
        for x in day.exercises:
            put(daylog.TICK + x, "✓")
        if day.first_of_day:
            put(daylog.BACK_PAIN, 12 if d == 1 else max(1, 3 - d // 7))
            put(daylog.LEG_PAIN, max(0, 4 - d // 5))
        if d == 10 and day.session == 1:
            put(daylog.NOTES, "Онемение в обеих ногах со вчерашнего вечера")

    wb = filled_day_log(plan, fill, P005_ACTIVITIES)
    sheet = wb[sheet_names(plan, P005_ACTIVITIES)["psfs"]]
    for week in range(1, plan.weeks + 1):
        for a in range(len(P005_ACTIVITIES)):
            sheet.cell(row=HEAD + week, column=3 + a, value=min(10, 3 + a + week))
    return save(wb)


def p006(plan: Plan, rnd: random.Random) -> bytes:
    def fill(i, day, put):
        r = rnd.random()
        if r < 0.4:
            for x in day.exercises:  # no pain to report: the pain cells stay empty
                if rnd.random() < 0.8:
                    put(daylog.TICK + x, "✓")
        elif r < 0.55:
            put(daylog.NOTES, "homework")  # a day reported, nothing ticked: not done
    return save(filled_day_log(plan, fill))


def main() -> None:
    plans = example_plans()
    out = HERE / "logs"
    out.mkdir(exist_ok=True)
    files: dict[str, bytes] = {}
    # P001--1-first.xlsx, P001--2-corrected.xlsx and P004--messy.xlsx keep the old layout: they are not remade
    files["P002--diary-cp1251.csv"] = p002(plans["P002"], random.Random(SEED + 2))
    files["P005--red-flag.xlsx"] = p005(plans["P005"], random.Random(SEED + 5))
    files["P006--low-adherence.xlsx"] = p006(plans["P006"], random.Random(SEED + 6))
    for name, data in files.items():
        write_atomic(out / name, data)
        print(f"{out / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
