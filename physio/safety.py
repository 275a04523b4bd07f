"""Safety rules that no path may cross: protocol files, personalised plans and exports ask the same functions.

The absolute caps (protocols/caps.yaml, always the copy shipped with physio) are the largest value of each dose
parameter, and of some parameters for exercises with a tag (the board). No protocol file, plan, widget or API
call can widen them: the loader refuses a protocol limit above a cap with file:line, and personalise,
Workspace.issue, the exports and the importer refuse a dose above one.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterable

import yaml

from .models import DOSE_PARAMS, PARAM_LABELS, Dose

#: The caps file shipped with physio; PHYSIO_PROTOCOLS never moves it (a clinic's folder cannot widen the caps).
CAPS_FILE = Path(__file__).resolve().parent.parent / "protocols" / "caps.yaml"


@functools.lru_cache(maxsize=1)
def caps() -> dict:
    """{"params": {param: (max, source)}, "tags": {tag: {param: (max, source)}}}, read once and checked."""
    from .errors import ProtocolError
    from .models import TAGS

    try:
        data = yaml.safe_load(CAPS_FILE.read_text(encoding="utf-8"))
        params = {p: (int(v["max"]), str(v["source"])) for p, v in data["params"].items()}
        tags = {t: {p: (int(v["max"]), str(v["source"])) for p, v in ps.items()} for t, ps in data["tags"].items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise ProtocolError(f"{CAPS_FILE}: not a valid caps file ({e}); it needs params and tags, each with max and source") from None
    unknown = [p for p in params if p not in DOSE_PARAMS] + [p for ps in tags.values() for p in ps if p not in DOSE_PARAMS]
    missing = [p for p in DOSE_PARAMS if p not in params]
    if unknown or missing or any(t not in TAGS for t in tags):
        raise ProtocolError(f"{CAPS_FILE}: unknown parameters or tags {unknown or list(tags)}, or no cap for {missing}")
    return {"params": params, "tags": tags}


def cap_for(param: str, tags: Iterable[str] = ()) -> tuple[int, str]:
    """The cap in force for one parameter of an exercise with these tags: the smallest that applies."""
    c = caps()
    best = c["params"][param]
    for t in tags:
        tc = c["tags"].get(t, {}).get(param)
        if tc is not None and tc[0] < best[0]:
            best = tc
    return best


def cap_problems(param: str, value: int, tags: Iterable[str] = ()) -> list[str]:
    """A sentence when `value` is above the cap of `param` for an exercise with these tags; [] otherwise."""
    top, source = cap_for(param, list(tags))
    if value <= top:
        return []
    return [f"{PARAM_LABELS.get(param, param)} {value} is above the absolute cap {top} [{source}]"]


def dose_cap_problems(name: str, tags: Iterable[str], dose: Dose) -> list[str]:
    """Every value of a dose above its cap, each sentence starting with the exercise's name."""
    tags = list(tags)
    return [f"{name}: {p}" for param, v in dose.values().items() for p in cap_problems(param, v, tags)]

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
