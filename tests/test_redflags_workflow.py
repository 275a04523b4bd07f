"""Red flags through the path a therapist and a patient take: export, edit the workbook as a patient would, import,
review, acknowledge. Issue 10: every word read, a weekly check, levels said the same everywhere, the plan held."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from physio.cli import main
from physio.clinic import clinic_overview, review_plan
from physio.errors import OpenRedFlag
from physio.example import build_example_workspace
from physio.importing import import_log
from physio.store import Workspace

PLAN = "P001-lumbar-disc-hernia"
EMERGENCY_WORDS = "contact the patient today and advise the emergency department now"


def physio(ws: Path, *args: str) -> subprocess.CompletedProcess:
    """The `physio` command as a therapist runs it in a terminal."""
    exe = Path(sys.executable).with_name("physio")
    return subprocess.run([str(exe), "--workspace", str(ws), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """An example workspace and P001's exported workbook, built once and copied for each test."""
    root = tmp_path_factory.mktemp("redflags")
    ws = root / "ws"
    build_example_workspace(ws)
    done = physio(ws, "export", PLAN)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture()
def env(template, tmp_path) -> tuple[Path, Path]:
    shutil.copytree(template / "ws", tmp_path / "ws")
    if os.environ.get("PHYSIO_DATABASE_URL"):  # the PostgreSQL run (store_db): the same records on the server
        Workspace(tmp_path / "ws", database_url="").migrate_to(os.environ["PHYSIO_DATABASE_URL"])
    workbook = next((tmp_path / "ws" / "export").glob("P001_*_log.xlsx"))
    return tmp_path / "ws", workbook


#: The day-by-day log: instructions above, the header on row 3, the first day on row 4.
HEAD, FIRST = 3, 4


def _log(wb):
    """The Log sheet and its columns: 'tick' (the first exercise), 'pain' (back pain), 'notes', 'date'."""
    ws = wb["Log"]
    headers = {c.value: c.column for c in ws[HEAD] if c.value}
    col = {"tick": next(c for h, c in headers.items() if h.startswith("1. ")), "pain": headers["Back pain today (0‑10)"],
           "notes": headers["Notes"], "date": headers["Date"], "width": len(headers)}
    return ws, col


def _patient_fills_in(workbook: Path, out: Path, edit) -> Path:
    """Open the exported workbook with openpyxl, do what the patient does, save it under another name."""
    wb = openpyxl.load_workbook(workbook)
    edit(wb)
    wb.save(out)
    return out


def _ces_on_rejected_rows(wb) -> None:
    ws, col = _log(wb)
    for r in range(FIRST, FIRST + 18):  # an ordinary good week otherwise
        ws.cell(r, col["tick"], "✓")
        ws.cell(r, col["pain"], 1)
    ws.cell(FIRST, col["pain"], "unbearable")
    ws.cell(FIRST, col["notes"], "numb between my legs")
    ws.cell(FIRST + 1, col["tick"], "maybe")
    ws.cell(FIRST + 1, col["notes"], "wet myself on the way home")
    ws.cell(FIRST + 2, col["date"], dt.datetime(2031, 1, 5))
    ws.cell(FIRST + 2, col["notes"], "не могу пописать")


def test_ces_notes_on_rejected_rows_of_an_edited_workbook_give_emergency_refer(env, tmp_path):
    ws, workbook = env
    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", _ces_on_rejected_rows)
    imported = physio(ws, "import", "P001", str(returned))
    assert imported.returncode == 0, imported.stderr
    out = imported.stdout
    assert out.count("EMERGENCY red flag") == 3
    assert "[numb between my legs]" in out and "[wet myself]" in out and "не могу [пописать]" in out
    assert 'Note on the row: "numb between my legs"' in out  # the rejection keeps its note
    stored = {r.row: r.notes for r in Workspace(ws).rejections("P001")}
    assert stored[FIRST] == "numb between my legs" and stored[FIRST + 1] == "wet myself on the way home"

    review = physio(ws, "review", PLAN, "--report", str(tmp_path / "report.pdf"))
    assert review.returncode == 0, review.stderr
    text = review.stdout
    assert "Recommendation: REFER (EMERGENCY)" in text and "ADVANCE" not in text
    assert EMERGENCY_WORDS in text
    assert "go to an emergency department now" in text  # the protocol's own words
    assert "note dated 07.09.2026" in text and "days later" in text and "logged after it" in text
    pdf = " ".join(subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "Refer. Emergency: contact the patient today" in pdf and "EMERGENCY" in pdf
    assert "numb between my legs" in pdf


def test_everything_the_patient_wrote_is_read(env, tmp_path):
    ws, workbook = env
    far_row: list[int] = []

    def edit(wb):
        log, col = _log(wb)
        log.cell(FIRST, col["tick"], "✓")
        log.cell(7, col["pain"], "ноги ватные")  # a sentence in the pain column
        log.cell(8, col["tick"], "legs like jelly")  # a sentence in a tick cell
        log.cell(9, col["width"] + 2, "tingling between")  # a note split over two cells beside the table
        log.cell(9, col["width"] + 3, "my legs")
        far_row.append(log.max_row + 5)
        log.cell(far_row[0], 1, "PS I can't feel when I need to go")  # a row far below the table
        wb.create_sheet("Diary")["B3"] = "temp of 38.5 all weekend"  # another sheet

    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", edit)
    report = import_log(Workspace(ws), "P001", returned)
    places = {(n.sheet, n.row): (n.place, n.flags[0], n.level) for n in report.red_flags}
    assert places[("Log", 7)] == ("rejected-row", "ces-both-legs", "emergency")
    assert places[("Log", 8)] == ("rejected-row", "ces-both-legs", "emergency")
    assert places[("Log", 9)][1:] == ("ces-both-legs", "emergency")
    assert places[("Log", 9)][0] == "other-cell" or places[("Log", 9)][0] == "log-row"
    assert places[("Log", far_row[0])][1:] == ("ces-bladder", "emergency")
    assert places[("Diary", 3)] == ("outside-table", "fever", "urgent")
    # the workbook's own printed advice (which names every CES sign) never flags
    assert not [n for n in report.red_flags if n.sheet == "Plan"]
    assert [n.level for n in report.red_flags] == sorted((n.level for n in report.red_flags),
                                                         key=["emergency", "urgent", "review"].index)


def test_free_text_of_a_csv_and_bad_input_are_scanned_stored_cleaned_and_shown(env, tmp_path):
    ws, _ = env
    long_note = "fine " * 2100 + "but my bum feels numb"
    assert len(long_note) > 10_000
    csv = tmp_path / "diary.csv"
    csv.write_text(
        "Notes from the patient: legs feel weak\x07 again\n"
        "Date;Exercise;Done;Pain after;Notes\n"
        f"07.09.2026;Lying face down;yes;2;{long_note}\n"
        "08.09.2026;Lying face down;yes;2;не\u200bмеет между ног 😣\x1b\n"
        "09.09.2026;Lying face down;yes;2;нeмeeт пoпa\n",  # Latin letters typed inside Russian words
        encoding="utf-8",
    )
    report = import_log(Workspace(ws), "P001", csv, plan_id=PLAN)
    texts = {n.row: n for n in report.red_flags}
    assert texts[1].flags[0] == "ces-both-legs" and "\x07" not in texts[1].text
    assert texts[3].text == long_note and texts[3].flags[0] == "ces-saddle"  # stored whole
    assert texts[4].text == "немеет между ног 😣"  # zero-width and escape characters removed, emoji kept
    assert "ces-saddle" in texts[4].flags and "ces-saddle" in texts[5].flags
    stored = {n.row: n.text for n in Workspace(ws).red_flag_notes("P001")}
    assert stored[3] == long_note
    result = main(["--workspace", str(ws), "review", PLAN, "--report", str(tmp_path / "r.pdf")])
    assert result == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_weekly_check_answers_are_imported_and_any_yes_is_a_red_flag(env, tmp_path):
    ws, workbook = env

    def edit(wb):
        check = wb["Red-flag check"]
        check.cell(4, 3, "Older wording: any leaking of urine, or trouble passing it?")  # an older export's question
        for r in range(4, check.max_row + 1):
            if check.cell(r, 1).value == 1:
                qid = check.cell(r, 5).value
                check.cell(r, 4, {"saddle": "yes", "bowel": "maybe"}.get(qid, "no"))

    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", edit)
    report = import_log(Workspace(ws), "P001", returned)
    answers = Workspace(ws).check_answers("P001")
    assert len(answers) == 6 and sum(a.answer for a in answers) == 1
    assert {a.question for a in answers if a.answer} == {"saddle"}
    bad = [r for r in report.rejections if r.reason == "bad-answer"]
    assert len(bad) == 1 and bad[0].given == "maybe" and bad[0].sheet == "Red-flag check"
    yes = [n for n in report.red_flags if n.place == "weekly-check"]
    assert len(yes) == 1, [n.text for n in yes]  # the printed questions themselves never flag and yes[0].flags == ["ces-saddle"] and yes[0].level == "emergency"
    assert yes[0].date == dt.date(2026, 9, 7)
    r = review_plan(Workspace(ws), Workspace(ws).plan(PLAN))
    assert r.recommendation.action == "refer" and r.recommendation.level == "emergency"


def test_the_check_sheet_of_a_russian_plan_asks_in_russian(env):
    ws, _ = env
    done = physio(ws, "export", "P005-lumbar-disc-hernia")
    assert done.returncode == 0, done.stderr
    workbook = next((ws / "export").glob("P005_*_log.xlsx"))
    wb = openpyxl.load_workbook(workbook)
    check = wb["Тревожные признаки"]
    questions = [check.cell(r, 3).value for r in range(4, 11)]
    assert all("На этой неделе" in q for q in questions)
    assert check.cell(3, 5).value == "Question ID" and check.cell(4, 6).value.startswith("BP1")
    # the patient sees only the questions and the answer column; ids and sources are hidden from them
    assert check.column_dimensions["E"].hidden and check.column_dimensions["F"].hidden
    # a Russian patient picks да / нет: the sheet's own list must accept the answer it asks for
    lists = [dv for dv in check.data_validations.dataValidation if "D4" in str(dv.sqref)]
    assert lists and lists[0].formula1 == '"да,нет"' and "да" in lists[0].prompt


def test_a_russian_da_in_the_check_is_a_red_flag_and_a_blank_check_is_said_to_be_blank(env, tmp_path):
    ws, _ = env
    assert physio(ws, "export", "P005-lumbar-disc-hernia").returncode == 0
    workbook = next((ws / "export").glob("P005_*_log.xlsx"))
    blank = physio(ws, "import", "P005", str(workbook))
    assert blank.returncode == 0, blank.stderr
    assert "Weekly red-flag check: NOT ANSWERED" in blank.stdout

    def answers_da(wb):
        check = wb["Тревожные признаки"]
        check.cell(4, 4).value = "да"  # week 1, bladder

    filled = _patient_fills_in(workbook, tmp_path / "filled.xlsx", answers_da)
    done = physio(ws, "import", "P005", str(filled))
    assert done.returncode == 0, done.stderr
    assert "1 answer read, 1 of them yes" in done.stdout, done.stdout
    assert any("ces-bladder" in n.flags and n.place == "weekly-check" for n in Workspace(ws).open_red_flags("P005"))


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_an_open_red_flag_stops_the_plan_until_acknowledged(env, tmp_path):
    ws, workbook = env
    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", _ces_on_rejected_rows)
    assert physio(ws, "import", "P001", str(returned)).returncode == 0

    blocked = physio(ws, "plan", "advance", PLAN)
    assert blocked.returncode == 2 and "open red flag" in blocked.stderr and "Traceback" not in blocked.stderr
    workspace = Workspace(ws)
    with pytest.raises(OpenRedFlag):
        workspace.issue(workspace.plan(PLAN), issued_by="Anna Berg")
    assert len(workspace.plan_versions(PLAN)) == 1

    # a later clean import never clears the flag
    def clean_week(wb):
        log, col = _log(wb)
        for r in range(FIRST, log.max_row + 1):
            if log.cell(r, col["date"]).value is not None:
                log.cell(r, col["tick"], "✓")
                log.cell(r, col["pain"], 0)

    clean = _patient_fills_in(workbook, tmp_path / "clean.xlsx", clean_week)
    assert physio(ws, "import", "P001", str(clean)).returncode == 0
    again = review_plan(workspace, workspace.plan(PLAN))
    assert again.recommendation.action == "refer" and again.recommendation.level == "emergency"

    listing = physio(ws, "redflags", "P001")
    assert listing.returncode == 0 and listing.stdout.count("EMERGENCY red flag") == 3
    numbers = [n.id for n in workspace.open_red_flags("P001")]
    ack = physio(ws, "redflags", "ack", "P001", str(numbers[0]), "--by", "Anna Berg", "--outcome", "referred",
                 "--note", "Phoned, sent to A&E")
    assert ack.returncode == 0, ack.stderr
    assert "Anna Berg acknowledged red flag" in ack.stdout and "Open red flags left for P001: 2" in ack.stdout
    twice = physio(ws, "redflags", "ack", "P001", str(numbers[0]), "--by", "X", "--outcome", "false-alarm")
    assert twice.returncode == 2 and "already acknowledged by Anna Berg" in twice.stderr
    rest = physio(ws, "redflags", "ack", "P001", "ces-bladder", "--by", "Anna Berg", "--outcome", "examined-no-ces")
    assert rest.returncode == 0 and "Open red flags left for P001: 0" in rest.stdout

    history = physio(ws, "redflags", "P001")
    assert "No open red flags" in history.stdout and history.stdout.count("Anna Berg acknowledged") == 3
    assert "referred" in history.stdout and "Phoned, sent to A&E" in history.stdout
    acks = workspace.red_flag_acks("P001")
    assert [a.outcome for a in acks] == ["referred", "examined-no-ces", "examined-no-ces"]
    assert physio(ws, "plan", "advance", PLAN).returncode == 0
    # the same notes in a re-sent file are not new red flags
    assert physio(ws, "import", "P001", str(_patient_fills_in(returned, tmp_path / "again.xlsx", lambda wb: None))
                  ).returncode == 0
    assert workspace.open_red_flags("P001") == []


def test_ack_needs_who_and_what_and_names_the_outcomes(env):
    ws, _ = env
    missing = physio(ws, "redflags", "ack", "P005", "1")
    assert missing.returncode == 2 and "--by NAME and --outcome" in missing.stderr
    unknown = physio(ws, "redflags", "ack", "P005", "999", "--by", "A", "--outcome", "referred")
    assert unknown.returncode == 2 and "has no red flag number 999" in unknown.stderr
    other = physio(ws, "redflags", "ack", "P005", "1", "--by", "A", "--outcome", "other")
    assert other.returncode == 2 and "needs a note" in other.stderr


def test_one_ack_for_several_flags_records_all_or_none(env, tmp_path):
    """One referral often answers three notes: `ack P001 1 2 3` records all three, and a wrong number among them
    records none (the therapist is told which number and which are open)."""
    ws, workbook = env
    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", _ces_on_rejected_rows)
    import_log(Workspace(ws), "P001", returned)
    numbers = [str(n.id) for n in Workspace(ws).open_red_flags("P001")]
    assert len(numbers) >= 2
    wrong = physio(ws, "redflags", "ack", "P001", *numbers, "999", "--by", "Anna Berg", "--outcome", "referred")
    assert wrong.returncode == 2 and "has no red flag number 999" in wrong.stderr
    assert f"the open ones are: {', '.join(numbers)}" in wrong.stderr
    assert len(Workspace(ws).open_red_flags("P001")) == len(numbers) and Workspace(ws).red_flag_acks("P001") == []
    done = physio(ws, "redflags", "ack", "P001", *numbers, "--by", "Anna Berg", "--outcome", "referred",
                  "--note", "Phoned, sent to A&E")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Anna Berg acknowledged") == len(numbers) and "Open red flags left for P001: 0" in done.stdout
    usage = physio(ws, "redflags", "--help").stdout
    assert "physio redflags ack PATIENT NUMBER|FLAG-ID" in usage and "PATIENT | ack" not in usage


def test_clinic_overview_lists_emergencies_first_with_their_facts(env, tmp_path):
    ws, workbook = env
    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", _ces_on_rejected_rows)
    import_log(Workspace(ws), "P001", returned)
    df = clinic_overview(Workspace(ws))
    top = df.iloc[:2]
    assert list(top["level"]) == ["emergency", "emergency"] and set(top["patient_id"]) == {"P001", "P005"}
    assert top.iloc[0]["red_flags"].startswith("EMERGENCY ") and "logged after it" in " ".join(top["red_flags"])
    assert "ces-" not in " ".join(top["red_flags"])  # the therapist reads the vocabulary's words, not its ids
    assert "advance" not in list(df[df.patient_id == "P001"]["recommendation"])
    out = physio(ws, "clinic").stdout.splitlines()
    assert "refer EMERGENCY" in out[0] and "refer EMERGENCY" in out[1]


# ---------------------------------------------------------------- the widgets


def test_review_widget_puts_emergencies_first_highlighted_and_acknowledges(env, tmp_path, library):
    from physio.ui import LogReview

    ws, workbook = env
    returned = _patient_fills_in(workbook, tmp_path / "returned.xlsx", _ces_on_rejected_rows)
    lr = LogReview(Workspace(ws), library)
    lr.patient.value = "P001"
    lr.load_file(returned.name, returned.read_bytes())
    lr.import_file()
    panel = lr.red_flags.view.value
    assert panel.index("EMERGENCY") < panel.index("The patient wrote")
    assert "<mark>numb between my legs</mark>" in panel and "go to an emergency department now" in panel
    assert "numb between my legs" in lr.report_view.value  # the rejected row's note, in the rejection table
    assert lr.recommendation.action == "refer" and lr.recommendation.level == "emergency"
    assert "Advance" not in lr.recommendation_view.value and lr.next_button.disabled
    # a click on Acknowledge with nothing chosen records nothing: no name, no outcome is filled in for the therapist
    assert lr.red_flags.by.value == "" and lr.red_flags.outcome.value is None
    lr.red_flags.acknowledge()
    assert lr.messages.kind == "error" and Workspace(ws).red_flag_acks("P001") == []
    lr.red_flags.by.value = "Anna Berg"
    assert "ces-" not in str(lr.red_flags.which.options)  # red flags named in words in the picker
    for _ in range(len(lr.red_flags.flags)):
        lr.red_flags.outcome.value = "false-alarm"
        lr.red_flags.note.value = "Phoned: wrote the wrong thing"
        lr.red_flags.acknowledge()
        assert lr.messages.kind == "ok", lr.messages.full_text
    assert lr.red_flags.flags == [] and "acknowledged" in lr.red_flags.history.value
    assert lr.recommendation.action != "refer"
    events = [e.action for e in Workspace(ws).history("P001")]
    assert events.count("red-flag-acknowledged") == 3  # in the patient's history (audit trail) too


def test_plan_builder_shows_the_flag_at_the_top_and_cannot_issue(env, tmp_path, library):
    from physio.ui import PlanBuilder

    ws, workbook = env
    import_log(Workspace(ws), "P001", _patient_fills_in(workbook, tmp_path / "r.xlsx", _ces_on_rejected_rows))
    pb = PlanBuilder(Workspace(ws), library, today=dt.date(2026, 10, 1))
    pb.patient.value = "P001"
    assert pb.widget.children[1] is pb.red_flags.widget and "EMERGENCY" in pb.red_flags.view.value
    assert "Ready to issue" not in pb.status.text and "open red flag" in pb.status.text
    assert pb.issue_button.disabled
    before = len(Workspace(ws).plan_versions(PLAN))
    pb.issue()
    assert pb.messages.kind == "error" and len(Workspace(ws).plan_versions(PLAN)) == before


def test_clinic_widget_names_the_level(env, library):
    from physio.ui import ClinicOverview

    ws, _ = env
    co = ClinicOverview(Workspace(ws), library)
    assert co.order[0] == "P005"
    assert "Refer. Emergency: contact the patient today" in co.html and "Open red flags" in co.html


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_a_file_refused_as_a_log_is_still_read_for_red_flags_and_can_be_imported_later(env, tmp_path):
    """A free-text diary is no log: it is refused, but "wet myself" in it is an emergency that must not be lost.
    Read again with a column mapping, the same file is imported, not turned away as a duplicate."""
    ws, _ = env
    diary = tmp_path / "diary.csv"
    diary.write_text("Col1;Col2;Col3;Col4\n08.09.2026;Lying face down;yes;I wet myself last night and my bum feels numb\n",
                     encoding="utf-8")
    first = physio(ws, "import", "P001", str(diary))
    assert first.returncode == 2
    assert first.stderr.count("\n") == 1 and "RED FLAG (EMERGENCY)" in first.stderr
    assert "no session was imported" in first.stderr and "wet myself" in first.stderr
    kept = [n for n in Workspace(ws).open_red_flags("P001") if n.file == "diary.csv"]
    assert kept and kept[0].level == "emergency" and kept[0].date == dt.date(2026, 9, 8)
    assert kept[0].place == "refused-file"
    assert "EMERGENCY" in physio(ws, "redflags", "P001").stdout
    # a file that says nothing alarming is refused as before, and nothing is kept
    plain = tmp_path / "plain.csv"
    plain.write_text("When,What happened\n08.09.2026,went for a walk\n", encoding="utf-8")
    before = len(Workspace(ws).imports("P001"))
    assert physio(ws, "import", "P001", str(plain)).returncode == 2
    assert len(Workspace(ws).imports("P001")) == before
    # the same diary, now with its columns named, is read as a log (not turned away as a duplicate of the kept file)
    mapped = physio(ws, "import", "P001", str(diary), "--map", "date=Col1", "--map", "exercise=Col2",
                    "--map", "done=Col3", "--map", "notes=Col4")
    assert mapped.returncode == 0, mapped.stderr
    entries = [e for e in Workspace(ws).log_entries("P001") if e.date == dt.date(2026, 9, 8) and e.notes]
    assert any("wet myself" in e.notes for e in entries)
    assert len([n for n in Workspace(ws).red_flag_notes("P001") if n.file == "diary.csv"]) >= 1


def test_review_prints_the_emergency_before_any_figure_and_a_wrong_outcome_is_one_sentence(env, tmp_path):
    ws, workbook = env
    filled = _patient_fills_in(workbook, tmp_path / "ces.xlsx", _ces_on_rejected_rows)
    assert physio(ws, "import", "P001", str(filled)).returncode == 0
    lines = physio(ws, "review", PLAN).stdout.splitlines()
    assert lines[1].startswith("OPEN RED FLAGS") and "EMERGENCY" in lines[2]
    wrong = physio(ws, "redflags", "ack", "P001", "1", "--by", "Anna Berg", "--outcome", "sent-to-ED")
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "usage:" not in wrong.stderr and "referred" in wrong.stderr
