"""The Log sheet a patient fills in, one row a day with a tick per exercise, and the weekly sheet of the patient's
own activities (PSFS). Layout from physio.daylog; words from physio.translations.workbook_words.

What makes it usable by an older patient, on paper or on a phone: only the yellow, framed cells take input and
the rest of the sheet is protected (without a password, so nothing is ever locked away); the header row and the
date stay in view; entry columns come right after the date; 12 pt text; A4 landscape, page-wide, header repeated
and every cell framed, with columns narrow enough that fitting the page keeps the print at 9 pt or more.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Sequence

from .. import daylog
from ..daylog import DayRow
from ..models import Plan, PlannedExercise
from ._sheet import PageSetup, Sheet, Style, Validation
from ._text import clean

#: Text size of the sheet (headers, dates, entries): large on screen, and still ≥ 9 pt once printed page-wide.
FONT_PT = 14

#: Sum of column widths (in width units) that still prints at ≥ 9 pt on A4 landscape fitted to the page width:
#: about 104 units fit at 100 % between 1 cm margins (measured in LibreOffice's PDF), and 14 pt × 104 / 158 = 9.2 pt.
#: team-default: a 9 pt floor for print (issue 14).
PRINT_WIDTH = 158

#: The smallest and largest width of a tick column: a column is as wide as its header's longest word needs (the
#: exercise's short name wraps), so on a phone several fit beside the date.
TICK_WIDTH = (6, 16)

_WIDTHS = {daylog.DATE: 20, daylog.SESSION: 10, daylog.ANGLE: 10, daylog.BACK_PAIN: 12, daylog.LEG_PAIN: 12,
           daylog.NOTES: 24}

_FONT = Style(size=FONT_PT)
_BOLD = Style(size=FONT_PT, bold=True)
_TICK_FONT = Style(size=FONT_PT + 2, bold=True)
_TITLE = Style(size=16, bold=True)
_ENTRY_FILL = "FFF59D"
_NONE_FILL = "D9D9D9"
_HEADER_FILL = "E3E3E3"
_THIN = ("thin", "808080")
_ENTRY_SIDE = ("medium", "333333")
_WEEK_END = ("thick", "000000")
#: Alignments: (horizontal, vertical); text always wraps.
_CENTER = ("center", "vcenter")
_LEFT = ("left", "vcenter")
_HELP = ("left", "top")
#: Points per wrapped line at FONT_PT (generous, so a header is rather too tall than cut off).
_LINE_PT = 19.0
_DATA_ROW_PT = 26


def date_format(language: str) -> str:
    """Weekday first, then day.month.year; the weekday in the patient's language ([$-419] is Russian)."""
    return "[$-419]ddd dd.mm.yyyy" if language == "ru" else "ddd dd.mm.yyyy"


def lines(text: str, width: float, size: float = FONT_PT) -> int:
    """How many lines `text` takes in a column `width` characters wide (counted generously)."""
    chars = max(1, int(width * 0.8 * 12 / size) - 1)  # bold letters, as LibreOffice draws them
    out = 0
    for part in str(text).split("\n"):
        words, line = _pieces(part), 0
        n = 1
        for w in words:
            need = len(w) if line == 0 else line + 1 + len(w)
            if need <= chars:
                line = need
            else:
                n += 1 + (len(w) - 1) // chars
                line = len(w) % chars or chars
        out += n
    return max(1, out)


def tick_header(n: int, pe: PlannedExercise) -> str:
    """'2. Bridge': the number the exercise has on the Plan sheet, then its short name (the full name and the dose
    are on the Plan sheet and the how-to sheet); a plan stored before short names existed shows the full name."""
    return f"{n}. {clean(pe.exercise.short_name or pe.exercise.name)}"


def headers(plan: Plan, keys: list[str], words: dict[str, str]) -> list[str]:
    names = {daylog.TICK + pe.exercise.id: tick_header(n, pe) for n, pe in enumerate(plan.exercises, 1)}
    fixed = {daylog.DATE: "date", daylog.SESSION: "session", daylog.ANGLE: "angle", daylog.BACK_PAIN: "back_pain",
             daylog.LEG_PAIN: "leg_pain", daylog.NOTES: "notes"}
    return [names[k] if k in names else words[fixed[k]] for k in keys]


def widths(keys: list[str], texts: list[str]) -> list[float]:
    """Column widths: fixed ones, and each tick column as wide as its header needs to read across, within its
    share of the printable width (a header that does not fit then reads upwards)."""
    fixed = sum(_WIDTHS[k] for k in keys if not k.startswith(daylog.TICK))
    n_ticks = sum(1 for k in keys if k.startswith(daylog.TICK))
    share = max(TICK_WIDTH[0], min(TICK_WIDTH[1], (PRINT_WIDTH - fixed) // max(1, n_ticks)))
    return [min(share, max(TICK_WIDTH[0], flat_width(t))) if k.startswith(daylog.TICK) else _WIDTHS[k]
            for k, t in zip(keys, texts)]


def _banner(ws: Sheet, row: int, text: str, last_col: int, font: Style, width: float) -> None:
    """A title or instructions across the table's width (merged), tall enough for its wrapped text."""
    ws.put(row, 1, text, font.but(align=_HELP[0], valign=_HELP[1], wrap=True))
    ws.merge(row, 1, last_col)
    ws.heights[row] = lines(text, width, font.size) * _LINE_PT * font.size / FONT_PT + 4


#: Points one character takes along a line at FONT_PT, bold (counted generously), and across a column per width unit.
_CHAR_PT = 8.8
_WIDTH_PT = 5.25
#: The tallest a row may be (Excel's limit).
MAX_ROW_PT = 409


def _pieces(text: str) -> list[str]:
    """The pieces a line cannot break: lines break at spaces and after a hyphen."""
    return [w for w in re.split(r"\s+|(?<=-)", text) if w]


def _longest_word(text: str) -> int:
    return max((len(w) for w in _pieces(text)), default=0)


def fits_flat(text: str, width: float) -> bool:
    """Whether a header reads well written across its column: its longest word fits on one line (bold letters
    are wide: about 0.8 of a width unit each at 12 pt, as LibreOffice draws them)."""
    return _longest_word(text) <= int(width * 0.8 * 12 / FONT_PT)


def flat_width(text: str) -> int:
    """The narrowest column in which `text` reads across, no word broken (fits_flat, and one line per word as
    `lines` counts them)."""
    longest = _longest_word(text)
    width = math.ceil(longest * FONT_PT / (0.8 * 12))
    while not fits_flat(text, width) or lines("x" * longest, width) > 1:
        width += 1
    return width


def rotated_height(text: str, width: float) -> float:
    """The height a header written upwards (rotated 90°) needs in a column `width` wide, its lines side by side."""
    across = max(1, int(width * _WIDTH_PT / _LINE_PT))
    longest = max((len(w) for w in text.split()), default=1)
    per_line = max(longest, -(-len(text) // across) + 4)  # a little slack: lines break between words
    return per_line * _CHAR_PT + 10


def header_height(text: str, width: float, rotated: bool) -> float:
    """The height a header needs, written across its column or upwards."""
    return rotated_height(text, width) if rotated else lines(text, width) * _LINE_PT + 6


def _wide_enough(text: str, width: float, rotated: bool) -> float:
    """`width`, or more for a header so long it would not fit in the tallest row (a very long exercise name)."""
    while header_height(text, width, rotated) > MAX_ROW_PT and width < 120:
        width += 1
    return width


def _header_row(ws: Sheet, row: int, texts: list[str], col_widths: list[float],
                rotate: set[int] = frozenset()) -> None:
    """The header: bold, framed, wrapped; a column in `rotate` (a narrow tick column) reads upwards instead, so
    no word is broken in the middle. The row is as tall as its tallest header, so nothing is cut off."""
    heights = []
    flat = _BOLD.but(fill=_HEADER_FILL, align="center", valign="vcenter", wrap=True).framed(_THIN)
    turned_up = flat.but(valign="bottom", rotation=90)
    for c, (text, width) in enumerate(zip(texts, col_widths), 1):
        turned = c in rotate
        ws.put(row, c, text, turned_up if turned else flat)
        ws.widths[c] = width
        heights.append(header_height(text, width, turned))
    ws.heights[row] = min(MAX_ROW_PT, max(heights))


@functools.lru_cache(maxsize=None)
def _cell_style(entry: bool, week_end: bool, font: Style = _FONT, align: tuple[str, str] = _CENTER,
                fill: str | None = None, number_format: str | None = None) -> Style:
    """A cell of the log: an entry cell is yellow, open and framed in a heavy line; a printed one is locked and
    framed thin (grey `fill` where nothing is planned); a thick line under the last row of a week. One object per
    kind, shared by every cell of that kind."""
    edge = _ENTRY_SIDE if entry else _THIN
    return font.but(fill=_ENTRY_FILL if entry else fill, align=align[0], valign=align[1], wrap=True,
                    locked=not entry, number_format=number_format).framed(edge, _WEEK_END if week_end else edge)


def _day_styles(date_fmt: str) -> dict[tuple[str, bool, bool], Style]:
    """The log's cell styles by (kind of cell, last row of a week, first row of a day), looked up once per log
    rather than once per cell (a log has a thousand cells). The date is bold on a day's first row; what the
    patient types in the notes stays text; a tick box is larger."""
    looks = {}
    for end in (False, True):
        for first in (False, True):
            date_font = _BOLD if first else _FONT
            looks["date", end, first] = _cell_style(False, end, date_font, _LEFT, number_format=date_fmt)
        looks["session", end, False] = _cell_style(False, end, _FONT, _CENTER)
        looks["notes", end, False] = _cell_style(True, end, _FONT, _LEFT, number_format="@")
        looks["tick", end, False] = _cell_style(True, end, _TICK_FONT)
        looks["entry", end, False] = _cell_style(True, end, _FONT)
        looks["none", end, False] = _cell_style(False, end, _FONT, _LEFT, fill=_NONE_FILL)
    return looks


def _is_entry(key: str, r: DayRow, board: tuple[str, ...]) -> bool:
    if key.startswith(daylog.TICK):
        return key[len(daylog.TICK):] in r.exercises
    if key in (daylog.BACK_PAIN, daylog.LEG_PAIN):
        return r.first_of_day
    if key == daylog.ANGLE:
        return any(x in board for x in r.exercises)
    return key == daylog.NOTES


def _validation(words: dict[str, str], what: str, ranges: list[str], **kind: object) -> Validation:
    return Validation(tuple(ranges), {
        **kind, "ignore_blank": True, "show_input": True, "show_error": True, "error_type": "stop",
        "input_title": words[f"{what}_title"], "input_message": words[f"{what}_prompt"],
        "error_title": words["not_allowed"], "error_message": words[f"{what}_error"]})


def _validations(ws: Sheet, keys: list[str], words: dict[str, str], first: int, last: int) -> None:
    ranges: dict[str, list[str]] = {"tick": [], "pain": [], "angle": []}
    for c, key in enumerate(keys, 1):
        kind = ("tick" if key.startswith(daylog.TICK) else "pain" if key in daylog.PAIN_MEASURES
                else "angle" if key == daylog.ANGLE else None)
        if kind:
            letter = _letter(c)
            ranges[kind].append(f"{letter}{first}:{letter}{last}")
    rules = {
        "tick": {"validate": "list", "source": [words["tick"]]},
        "pain": {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 10},
        "angle": {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 90},
    }
    for kind, where in ranges.items():
        if where:
            ws.validations.append(_validation(words, kind, where, **rules[kind]))


def _letter(col: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def protect(ws: Sheet) -> None:
    """Protect every cell not marked open, WITHOUT a password (anyone can lift it: nothing is ever lost).

    Resizing rows and columns stays allowed, so a patient can widen a column to read it."""
    ws.protected = True


def print_setup(ws: Sheet, *, title_rows: tuple[int, int], footer: str, page: str) -> None:
    """A4 landscape, as wide as the page, as many pages down as needed, the header on every page."""
    ws.page = PageSetup(landscape=True, margins=(0.4, 0.4, 0.5, 0.5), title_rows=title_rows, footer_left=footer,
                        footer_right=page, footer_pt=FONT_PT)


def fill_day_log(ws: Sheet, plan: Plan, rows: list[DayRow], words: dict[str, str], *, howto_sheet: str,
                 footer: str, days: bool = True) -> tuple[int, list[str]]:
    """Title, a one-line hint, header and one row per day (or session); returns (header row, column keys).
    days=False: without the rows of the days, which hold dates, session numbers and empty cells but no text (for
    physio.io.xlsx.printed_texts, which needs only the words the sheet prints).

    Only the title, the hint and the header stay in view (frozen) with the date: a few lines, so on a phone most
    of the screen is left for the days. The full instructions are on the how-to sheet (fill_howto_sheet)."""
    keys = daylog.column_keys(plan, rows)
    texts = headers(plan, keys, words)
    col_widths = widths(keys, texts)
    ticks = {c: (t, w) for c, (k, t, w) in enumerate(zip(keys, texts, col_widths), 1) if k.startswith(daylog.TICK)}
    # all exercise names upwards when one does not fit across (one way of reading for the whole row), each in
    # the widest tick column's width
    rotate = set(ticks) if any(not fits_flat(t, w) for t, w in ticks.values()) else set()
    if rotate:
        widest = max(w for _, w in ticks.values())
        col_widths = [widest if c in rotate else w for c, w in enumerate(col_widths, 1)]
    col_widths = [_wide_enough(t, w, c in rotate) for c, (t, w) in enumerate(zip(texts, col_widths), 1)]
    total = sum(col_widths)
    _banner(ws, 1, words["log_title"].format(name=clean(plan.patient.name)), len(keys), _TITLE, total)
    _banner(ws, 2, words["log_hint"].format(howto=howto_sheet), len(keys), _FONT, total)
    head = 3
    _header_row(ws, head, texts, col_widths, rotate)
    board = daylog.board_exercises(plan)
    looks = _day_styles(date_format(plan.language))
    for r, day in enumerate(rows if days else [], head + 1):
        end = day.last_of_week
        for c, key in enumerate(keys, 1):
            if key == daylog.DATE:
                ws.put(r, c, day.date, looks["date", end, day.first_of_day])
            elif key == daylog.SESSION:
                ws.put(r, c, day.session, looks["session", end, False])
            elif _is_entry(key, day, board):
                kind = "notes" if key == daylog.NOTES else "tick" if key.startswith(daylog.TICK) else "entry"
                ws.put(r, c, None, looks[kind, end, False])
            else:
                ws.put(r, c, None, looks["none", end, False])
        ws.heights[r] = _DATA_ROW_PT
    last = head + len(rows)
    _validations(ws, keys, words, head + 1, last)
    frozen = keys.index(daylog.SESSION) + 2 if daylog.SESSION in keys else 2
    ws.freeze = (head + 1, frozen)
    protect(ws)
    print_setup(ws, title_rows=(head, head), footer=footer, page=words["page"])
    return head, keys


def week_span(plan: Plan, week: int) -> tuple[dt.date, dt.date]:
    first = plan.start + dt.timedelta(days=7 * (week - 1))
    return first, min(first + dt.timedelta(days=6), plan.end)


def fill_howto_sheet(ws: Sheet, plan: Plan, words: dict[str, str], *, log_headers: list[str], check_sheet: str,
                     psfs_sheet: str | None, dose_label: str, footer: str) -> None:
    """How to fill in the log, in full, and what each tick column of the log stands for: its header, the
    exercise's full name and its dose."""
    col_widths = [22, 50, 40]
    for c, width in enumerate(col_widths, 1):
        ws.widths[c] = width
    total = sum(col_widths)
    psfs = words["log_help_psfs"].format(sheet=psfs_sheet) if psfs_sheet else ""
    _banner(ws, 1, words["howto_title"], 3, _TITLE, total)
    _banner(ws, 2, words["log_help"].format(check=check_sheet, psfs=psfs), 3, _FONT, total)
    head = 4
    _header_row(ws, head, [words["legend_column"], words["legend_exercise"], dose_label], col_widths)
    text = _cell_style(False, False, _FONT, _HELP)
    for r, (header, pe) in enumerate(zip(log_headers, plan.exercises), head + 1):
        values = (header, clean(pe.exercise.name), pe.dose.summary(plan.language))
        for c, value in enumerate(values, 1):
            ws.put(r, c, value, text)
        ws.heights[r] = max(lines(v, w) for v, w in zip(values, col_widths)) * _LINE_PT + 6
    protect(ws)
    print_setup(ws, title_rows=(head, head), footer=footer, page=words["page"])


#: Width of a PSFS activity column, in characters (the patient's own words wrap in the header).
PSFS_WIDTH = 24


def fill_psfs_sheet(ws: Sheet, plan: Plan, activities: Sequence[str], words: dict[str, str], *,
                    footer: str) -> int:
    """One row per plan week, one yellow score cell (0–10) per activity the patient named; returns the header row."""
    texts = [words["week"], words["dates"], *(clean(a) for a in activities)]
    col_widths = [9, 30, *([PSFS_WIDTH] * len(activities))]
    total = sum(col_widths)
    _banner(ws, 1, words["psfs_title"].format(name=clean(plan.patient.name)), len(texts), _TITLE, total)
    _banner(ws, 2, words["psfs_help"], len(texts), _FONT, total)
    head = 3
    _header_row(ws, head, texts, col_widths)
    for week in range(1, plan.weeks + 1):
        r = head + week
        a, b = week_span(plan, week)
        for c, value in ((1, week), (2, f"{a:%d.%m.%Y} – {b:%d.%m.%Y}")):
            ws.put(r, c, value, _cell_style(False, False, _FONT, _LEFT))
        for c in range(3, len(texts) + 1):
            ws.put(r, c, None, _cell_style(True, False))
        ws.heights[r] = _DATA_ROW_PT
    last = head + plan.weeks
    ws.validations.append(_validation(words, "score", [f"C{head + 1}:{_letter(len(texts))}{last}"],
                                      validate="integer", criteria="between", minimum=0, maximum=10))
    ws.freeze = (head + 1, 3)
    protect(ws)
    print_setup(ws, title_rows=(head, head), footer=footer, page=words["page"])
    return head
