"""Answers read from a file (issue 15, point 3: the returned workbook's daily back and leg pain and weekly PSFS) are
checked by the same rules as typed answers; each refusal names its row; rows read = accepted + rejected."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from physio.measures import MeasureError, MeasureRow, default_measures, score_answers, score_rows

DAY, TODAY = dt.date(2026, 9, 7), dt.date(2026, 11, 30)


def row(n, measure_id, on=DAY, **kw):
    return MeasureRow(where=f"Log sheet, row {n}", measure_id=measure_id, on=on, **kw)


def test_each_row_is_accepted_or_refused_naming_the_row_and_what_is_allowed():
    """outcomes (NPRS row): 0–10 whole numbers; ST1: a PSFS activity is named by the patient; a date lies between
    birth and today; an ODI with 3 of 10 sections is 'not enough answers' (team-default rule named)."""
    rows = [
        row(2, "nprs-back", items={"pain": 4}),
        row(3, "nprs-leg", items={"pain": "11"}),
        row(4, "nprs-leg", on=dt.date(1979, 1, 1), items={"pain": 2}),
        row(5, "psfs", activities=(("putting on socks", 4), ("walking 1 km", "6"), ("lifting a child", 5))),
        row(6, "psfs", activities=(("putting on socks", 4), ("", "6"), ("lifting a child", 5))),
        row(7, "odi", items={"1": 3, "2": 2, "3": 1}),
        row(8, "nprs-arm", items={"pain": 3}),
        row(9, "nprs-leg", on=TODAY + dt.timedelta(days=1), items={"pain": 2}),
    ]
    report = score_rows(rows, birth_year=1984, today=TODAY)
    assert report.read == 8 == len(report.accepted) + len(report.rejected)
    assert [a.row.where for a in report.accepted] == ["Log sheet, row 2", "Log sheet, row 5"]
    assert report.accepted[1].result.score.value == pytest.approx(5.0)
    messages = [r.message for r in report.rejected]
    assert messages[0] == ("Log sheet, row 3: NPRS leg Leg pain: '11' is outside the allowed answers; allowed: whole "
                           "numbers 0–10 or - (left blank)")
    assert messages[1].startswith("Log sheet, row 4: NPRS leg on 01.01.1979: the date is before the patient's birth")
    assert messages[2].startswith("Log sheet, row 6: PSFS activity 2 has no name")
    assert messages[3].startswith("Log sheet, row 7: not enough answers: ODI needs at least 9 of 10 sections")
    assert "team-default" in messages[3]
    assert messages[4].startswith("Log sheet, row 8: there is no outcome measure 'nprs-arm'")
    assert "the date is in the future" in messages[5]


def test_score_answers_gives_what_record_result_keeps(example_workspace):
    from physio.store import Workspace

    ws = Workspace(example_workspace)
    m = default_measures()["nprs-leg"]
    result, answers = score_answers(m, on=DAY, birth_year=1984, today=TODAY, items={"pain": "6"},
                                    where="Log sheet, row 12, column 'Leg pain'")
    ws.record_result("P001", result, answers, by="import")
    assert [r.score.value for r in ws.results("P001", "nprs-leg")] == [6]
    with pytest.raises(MeasureError, match=r"^Log sheet, row 13, column 'Leg pain': NPRS leg Leg pain: 'x' is not"):
        score_answers(m, on=DAY, birth_year=1984, today=TODAY, items={"pain": "x"},
                      where="Log sheet, row 13, column 'Leg pain'")


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["nprs-back", "nprs-leg", "odi", "nprs-neck"]),
                          st.one_of(st.integers(-3, 14), st.text(max_size=3), st.none()),
                          st.integers(-20000, 200)), max_size=12))
def test_rows_read_always_equal_accepted_plus_rejected(cells):
    """Property: whatever a file holds, no row is lost or counted twice."""
    rows = [row(i, mid, on=TODAY + dt.timedelta(days=d), items={"pain" if mid != "odi" else "1": v})
            for i, (mid, v, d) in enumerate(cells)]
    report = score_rows(rows, birth_year=1984, today=TODAY)
    assert report.read == len(rows) == len(report.accepted) + len(report.rejected)
    assert all(r.message.startswith(r.row.where + ": ") for r in report.rejected)
