"""Judging a column once per distinct cell gives exactly what judging every cell gives (physio.cells)."""

from __future__ import annotations

import datetime as dt
import gc

from physio.cells import collector_paused, filled, judge_column, judge_pairs, where


def shown(v: object) -> str:
    return f"{type(v).__name__}:{v!r}"


def test_cells_equal_in_python_but_shown_differently_keep_their_own_judgement():
    for column in ([1, 1.0, True, 1], [0.0, -0.0, 0.0], [False, 0, 0.0], ["1", 1, None, "1"]):
        assert judge_column(column, shown) == [shown(v) for v in column]
    assert judge_pairs([1, True, 1.0], ["a", "a", "a"], lambda a, b: shown(a) + b) == ["int:1a", "bool:Truea",
                                                                                       "float:1.0a"]


def test_a_repeated_cell_is_judged_once():
    calls = []

    def judge(v):
        calls.append(v)
        return str(v)

    day = dt.date(2026, 9, 7)
    assert judge_column([day, "yes", day, "yes", None], judge) == ["2026-09-07", "yes", "2026-09-07", "yes", "None"]
    assert sorted(map(str, calls)) == ["2026-09-07", "None", "yes"]


def test_rows_filled_and_positions():
    assert filled([[None, 1, None], [None, None, ""]], 3) == [False, True, True]
    assert filled([], 2) == [False, False]  # a file with no column the patient fills in
    assert where([False, True, None, (1,)]) == [1, 3]


def test_the_collector_runs_again_after_a_log_is_built():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
