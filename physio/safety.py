"""Safety rules that no path may cross: protocol files, personalised plans and exports ask the same functions."""

from __future__ import annotations

from typing import Iterable

from .models import Dose

MAX_BOARD_SESSION_S = 20 * 60
"""No session on the inclined board may last longer than 20 minutes, all board exercises of the session together.

Why: the article sets "a maximum of 20 minutes" per class on the board, and the inversion studies
measured blood-pressure rises over sessions of that length [G1]."""


def board_seconds(dose: Dose) -> int:
    """Time on the board in one session: every set of the hold or of the whole duration."""
    per_set = dose.duration_s or (dose.reps or 1) * (dose.hold_s or 0)
    return (dose.sets or 1) * per_set


def board_session_problems(items: Iterable[tuple[str, list[str], Dose]]) -> list[str]:
    """Sentences for each way the board rule is broken; items are (exercise name, tags, dose).

    One board exercise longer than the maximum is named; several that are only too long together are
    named together, since the patient does them in one session."""
    problems: list[str] = []
    rule = f"a board session may last at most {MAX_BOARD_SESSION_S // 60} minutes (the article)"
    board = [(name, board_seconds(dose)) for name, tags, dose in items if "board" in tags]
    for name, seconds in board:
        if seconds > MAX_BOARD_SESSION_S:
            problems.append(f"{name}: {rule}; {seconds} s is above")
    total = sum(s for _, s in board)
    if total > MAX_BOARD_SESSION_S and all(s <= MAX_BOARD_SESSION_S for _, s in board):
        names = ", ".join(n for n, _ in board)
        problems.append(f"{names}: {rule}; together they add up to {total} s")
    return problems
