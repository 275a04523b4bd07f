"""Judge a whole column of a returned log at once: each distinct cell is judged once, and the judgement is repeated
down the column. A log repeats itself (the same dates eight times, "yes" a thousand times), so a year's column
of 3,000 cells holds a few hundred distinct ones.

Two cells that Python counts as equal but show differently (1, 1.0 and True; 0.0 and -0.0) would share one
judgement, so a column holding such a mix is judged cell by cell instead: the outcome is always exactly what
judging every cell would give.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import math
from contextlib import contextmanager
from itertools import compress
from typing import Callable, Iterator, Sequence

_NUMBERS = frozenset({bool, int, float})
#: The kinds of cell a reader gives (anything else is judged cell by cell).
_PLAIN = frozenset({type(None), str, bool, int, float, dt.date, dt.datetime, dt.time, dt.timedelta})


def _distinct_cells_are_distinct(column: Sequence) -> bool:
    """Whether equal cells of this column are also the same to the eye (no 1 beside 1.0 or True, no -0.0)."""
    types = set(map(type, column))
    if len(types & _NUMBERS) > 1 or not types <= _PLAIN:
        return False
    if float in types and 0.0 in column:
        return not any(v == 0 and math.copysign(1.0, v) < 0 for v in column if type(v) is float)
    return True


def judge_column(column: Sequence, judge: Callable[[object], object]) -> list:
    """judge(cell) for every cell of the column, in order; each distinct cell judged once."""
    if not column:
        return []
    if not _distinct_cells_are_distinct(column):
        return [judge(v) for v in column]
    seen = {v: judge(v) for v in set(column)}
    return list(map(seen.__getitem__, column))


def judge_pairs(first: Sequence, second: Sequence, judge: Callable[[object, object], object]) -> list:
    """judge(a, b) for every row's pair of cells of two columns, each distinct pair judged once."""
    if not first:
        return []
    if not (_distinct_cells_are_distinct(first) and _distinct_cells_are_distinct(second)):
        return [judge(a, b) for a, b in zip(first, second)]
    pairs = list(zip(first, second))
    seen = {p: judge(*p) for p in set(pairs)}
    return list(map(seen.__getitem__, pairs))


def where(flags: Sequence) -> list[int]:
    """Positions of the true (truthy) items."""
    return list(compress(range(len(flags)), flags))


def filled(columns: Sequence[Sequence], rows: int) -> list[bool]:
    """For each of the `rows` rows, whether any of these columns has something in it (a cell that is not None)."""
    if not columns:
        return [False] * rows
    empty = (None,) * len(columns)
    return [row != empty for row in zip(*columns)]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a log's cells, rows and entries are built.

    Why: building ~100,000 small objects for a year's log makes the collector walk every object of the program
    again and again (it doubles the time of reading a log); none of these objects refer to each other in a
    cycle, so there is nothing for it to find. It runs again as soon as the log is built."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def with_collector_paused(fn):
    """Decorator: `fn` runs with the cycle collector paused (collector_paused)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with collector_paused():
            return fn(*args, **kwargs)
    return run
