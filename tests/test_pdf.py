"""The handout PDF, reopened the way a patient's reader or a screen reader sees it: extracted text, pages, fonts.

Layout and type sizes (large print, page 1, pictures, calendar, bad input) are in test_pdf_layout.py."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest

from physio.io import _fonts
from export_helpers import make_plan, need_tool
from pypdf import PdfReader

from physio.errors import ExportError
from physio.io.pdf import BOX, handout_bytes, write_handout
from physio.planning import schedule

GOLDEN = Path(__file__).parent / "data" / "golden" / "handout_text.txt"


def pdf_text(path: Path) -> str:
    exe = need_tool("pdftotext", "it extracts the handout's text")
    return subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Text with every run of whitespace made one space, so wrapped lines compare as sentences."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def plan():
    return make_plan(n_exercises=3, weeks=2)


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory) -> tuple[Path, str]:
    path = write_handout(plan, tmp_path_factory.mktemp("pdf") / "handout.pdf")
    return path, pdf_text(path)


def test_each_exercise_name_and_its_dose_line_are_in_the_text(plan, written):
    text = flat(written[1])
    for n, pe in enumerate(plan.exercises, 1):
        assert f"{n}. {pe.exercise.name}" in text
        assert pe.dose.summary() in text
        for step in pe.exercise.steps:
            assert step in text


def test_safety_scale_comes_first_with_every_stop_rule_and_red_flag(plan, written):
    text = flat(written[1])
    safety = text.index("When to carry on, ease off or get help")
    first_exercise = text.index("Your exercises Aim of this phase")
    for item in [r.text for r in plan.stop_rules] + [f.text for f in plan.red_flags]:
        assert safety < text.index(item) < first_exercise


def test_header_names_patient_in_cyrillic_therapist_version_and_dates(plan, written):
    text = flat(written[1])
    assert "Анна Петрова (born 1970)" in text
    assert "Dr. Maria Ivanova" in text
    assert "Early phase (phase 1 of 3); version 2" in text
    assert "3 March 2025 to 16 March 2025 (2 weeks)" in text


def test_therapist_note_is_shown_and_the_reason_for_a_dose_is_not(plan, written):
    text = flat(written[1])
    assert "Your therapist's note: Go gently in the first week." in text
    assert "Walk every day for 20 minutes." in text  # the plan's notes
    assert "Strong and used to this exercise" not in text  # a reason is for the therapist's summary
    assert "Over 65: start with the lowest dose." not in text  # so is a screening warning


def test_calendar_has_a_box_for_every_scheduled_session_week_by_week(plan, written):
    text = flat(written[1])
    sessions = schedule(plan)
    assert text.count(BOX) == len(sessions)
    assert "Week 1 3 Mar – 9 Mar" in text and "Week 2 10 Mar – 16 Mar" in text
    for day in sorted({s.date for s in sessions}):
        assert f" {day.day} " in text  # each day's column, under its weekday
    assert all(f" {wd} " in text for wd in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))


def test_every_page_has_its_number_and_the_prescribed_by_line(plan, written):
    path, text = written
    pages = len(PdfReader(path).pages)
    assert pages >= 2
    page_texts = text.split("\f")[:pages]
    for n, page in enumerate(page_texts, 1):
        assert f"page {n} of {pages}" in page
        assert (
            "Prescribed by Dr. Maria Ivanova for Анна Петрова only. This plan supports, and does not replace, "
            "your therapist's judgement." in flat(page)
        )


def assert_fonts_embedded_dejavu(path: Path) -> None:
    exe = need_tool("pdffonts", "it lists the fonts a PDF uses")
    out = subprocess.run([exe, str(path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, "the handout uses no fonts at all"
    for row in rows:
        name, emb = row[0], row[-5]
        # DejaVu for everything it covers; a known fallback (CJK, emoji) only for the characters it lacks
        ours = "DejaVu" in name or name.split("+")[-1] in _fonts.fallback_files()
        assert ours, f"font {name} is not ours"
        assert emb == "yes", f"font {name} is not embedded"


def test_all_fonts_are_embedded_dejavu(written):
    assert_fonts_embedded_dejavu(written[0])


def test_same_plan_gives_identical_bytes_dated_from_the_plan(plan):
    first = handout_bytes(plan)
    assert handout_bytes(plan) == first
    info = PdfReader(__import__("io").BytesIO(first)).metadata
    assert info.creation_date.replace(tzinfo=None) == dt.datetime(2025, 3, 1, 10, 30)
    later = plan.model_copy(update={"issued_at": dt.datetime(2025, 4, 1, 9, 0)})
    assert handout_bytes(later) != first


def test_text_matches_golden_file(written):
    """The extracted text of a fixed plan; regenerate with UPDATE_GOLDEN=1 after a deliberate change."""
    text = written[1]
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} is missing; run the tests once with UPDATE_GOLDEN=1"
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_plan_without_exercises_is_refused_and_nothing_is_written(tmp_path):
    empty = make_plan().model_copy(update={"exercises": []})
    with pytest.raises(ExportError, match="has no exercises"):
        write_handout(empty, tmp_path / "handout.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, readable",
    [
        ("Анна-Мария Петрова-Водкина", "Анна-Мария Петрова-Водкина"),
        ("Ζωή Παπαδοπούλου", "Ζωή Παπαδοπούλου"),
        ("Ólafur Þórsson", "Ólafur Þórsson"),
        ("王小明", None),  # no glyphs in DejaVu: must still make a handout
        ("Sam 😀", "Sam"),
        ("فاطمة الزهراء", None),  # letters exist; right-to-left order is the reader's business
    ],
)
def test_patient_name_in_any_script_gives_a_handout(tmp_path, name, readable):
    plan = make_plan(n_exercises=1, weeks=1, patient_name=name)
    path = write_handout(plan, tmp_path / "h.pdf")
    text = pdf_text(path)
    assert "Your home exercise plan" in text
    assert "page 1 of" in text
    assert_fonts_embedded_dejavu(path)  # a missing glyph never pulls in a font the reader may lack
    if readable:
        assert readable in text


def test_markup_and_control_characters_in_notes_print_as_typed(tmp_path):
    note = "<b>not bold</b> & =SUM(A1)\x07 \x1bdone"
    plan = make_plan(n_exercises=1, weeks=1, notes=[note], note="Use 2 < 3 > 1 & rest")
    text = flat(pdf_text(write_handout(plan, tmp_path / "h.pdf")))
    assert "<b>not bold</b> & =SUM(A1) done" in text
    assert "Use 2 < 3 > 1 & rest" in text
    assert "\x07" not in text and "\x1b" not in text


def test_long_notes_flow_over_pages_and_an_impossible_name_is_a_clear_error(tmp_path):
    long_note = " ".join(f"word{i}" for i in range(3000))
    text = flat(pdf_text(write_handout(make_plan(1, 1, notes=[long_note]), tmp_path / "long.pdf")))
    assert "word0 word1" in text and "word2999" in text  # nothing cut off
    with pytest.raises(ExportError, match="too long to fit on one page"):
        write_handout(make_plan(1, 1, patient_name="Анна " * 2000), tmp_path / "name.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.pdf"]


def test_no_exercise_is_split_across_pages_and_notes_come_before_the_exercises(tmp_path):
    plan = make_plan(n_exercises=8, weeks=2, notes=["Walk every day for 20 minutes."])
    pages = [flat(p) for p in pdf_text(write_handout(plan, tmp_path / "h.pdf")).split("\f")]
    for n, pe in enumerate(plan.exercises, 1):
        ex = pe.exercise
        last = ex.cautions[-1] if ex.cautions else ex.breathing
        # page 1 lists every exercise and the calendar names each row: the exercise itself is on one page
        holding = [i for i, page in enumerate(pages)
                   if f"{n}. {ex.name} {pe.dose.summary()}" in page and "Your exercises at a glance" not in page]
        assert len(holding) == 1, f"{ex.name} is not on exactly one page"
        assert pe.dose.summary() in pages[holding[0]] and last in pages[holding[0]], f"{ex.name} runs over a page"
    text = " ".join(pages)
    assert text.index("Walk every day for 20 minutes.") < text.index("Your exercises Aim of this phase")


def test_calendar_that_fits_one_page_is_on_one_page_with_each_row_named(tmp_path):
    plan = make_plan(n_exercises=3, weeks=2)
    pages = pdf_text(write_handout(plan, tmp_path / "h.pdf")).split("\f")
    calendar = [p for p in pages if "Your tick-box calendar" in p]
    assert len(calendar) == 1
    page = flat(calendar[0])
    assert "Week 1" in page and "Week 2" in page
    assert page.count(BOX) == len(schedule(plan))  # every box on this one sheet
    for n, pe in enumerate(plan.exercises, 1):
        assert f"{n}. {pe.exercise.name}" in page  # each row names its exercise in full
