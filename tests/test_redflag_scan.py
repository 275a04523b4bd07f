"""The red-flag search of a returned file works out our printed texts only when some row could mention a red flag
(physio.redflag_scan): whatever it skips, it finds exactly what reading every row against them finds."""

from __future__ import annotations

import io

import openpyxl
import pytest

from adherence_helpers import make_plan
from export_helpers import make_plan as export_plan
from physio.io.logs import RawLog, TextRow
from physio.io.xlsx import printed_texts, workbook_bytes
from physio.models import META_SHEET, ClinicProfile
from physio.redflag_scan import JOIN, find_red_flag_notes
from physio.redflags import fold
from physio.validate import Validated

#: A sentence our workbook prints, between two words the patient wrote in the cells either side of it.
PRINTED = "do it slowly and calmly"


def _raw(*rows: tuple[str, ...]) -> RawLog:
    texts = tuple(TextRow("Notes", r, tuple(enumerate(cells))) for r, cells in enumerate(rows, 1))
    return RawLog(file="back.xlsx", kind="workbook", sheet="Log", headers=(), fields=(), rows=[], mapping={},
                  read_texts=lambda: texts)


def _notes(raw: RawLog, printed) -> list[tuple]:
    plan = make_plan()
    checked = Validated(rejections=[], rows_read=0, rows_accepted=0, rows_rejected=0, blank_rows=0)
    return [(n.row, n.text, n.flags, n.column) for n in
            find_red_flag_notes(raw, plan, checked, patient_id=plan.patient.id, printed=printed)]


def test_a_red_flag_split_around_a_printed_cell_is_found_when_the_printed_texts_are_worked_out_late():
    # "weak | legs" names a red flag; with our sentence between them it does not, so the row is read without it
    raw = _raw(("weak", PRINTED, "legs"), ("felt fine",), ("both", "ok"))
    asked: list[int] = []

    def printed() -> set[str]:
        asked.append(1)
        return {PRINTED}

    assert _notes(raw, printed) == _notes(raw, {PRINTED}) == [(1, "weak | legs", ["ces-both-legs"], "A, C")]
    assert asked == [1]  # worked out once, for the row that needed it


def test_the_printed_texts_are_not_worked_out_when_no_row_could_mention_a_red_flag():
    raw = _raw(("felt fine", PRINTED), ("2 × 10",), ("tired", "slept well"))

    def printed() -> set[str]:
        raise AssertionError("our printed texts were worked out for a file that mentions no red flag")

    assert _notes(raw, printed) == _notes(raw, {PRINTED}) == []


def test_cells_folded_one_by_one_and_joined_are_the_joined_text_folded():
    cells = ["Numb Between My LEGS", "нoги слабые", "ёлки", "can’t pee", "İstanbul ΣΑΣ", "x-ray"]
    assert fold(JOIN.join(cells)) == JOIN.join(map(fold, cells))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_word_our_workbook_shows_is_among_its_printed_texts(language):
    """The words skipped as ours are worked out without laying out a year of days: none may be missing, or our own
    advice in a returned workbook would read as the patient's."""
    plan = export_plan(n_exercises=4, weeks=52).model_copy(update={"language": language})
    clinic = ClinicProfile(name="Riverside Physiotherapy", phone="+44 20 7946 0123")
    activities = ["walking to the shop", "gardening"]
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan, psfs_activities=activities, clinic=clinic)))
    shown = {" ".join(c.value.split()) for ws in wb.worksheets if ws.title != META_SHEET
             for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.strip()}
    assert len(shown) > 50
    assert shown - printed_texts(plan, activities, clinic) == set()
