"""Read everything a patient wrote in a returned log for red flags: pure, from what the reader and validate found.

Every row with text of every sheet (or of the CSV) is read, whatever became of it: accepted, rejected, a schedule
row the patient only wrote a note on, a row below or above the table, another sheet. The text cells of a row are
joined (" | ") so a sentence split over several cells is read as one. Text the workbook printed itself (exercise
names, the plan's own red-flag advice, the weekly questions) is skipped, or every workbook would flag. A "yes" in
the weekly red-flag check is a red flag too. One RedFlagNote per row that mentions any red flag.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Callable

from openpyxl.utils import get_column_letter

from . import daylog
from .io.logs import RawLog, TextRow
from .models import CheckAnswer, Plan, RedFlagNote
from .redflags import Lexicon, clean_text, default_lexicon, fold
from .validate import Validated, parse_date, parse_done, parse_number
from .vocabulary import LEVEL_ORDER, default_vocabulary
from .weekly_check import WeeklyCheck, default_weekly_check, week_dates

#: Between the cells of one row when they are read (and shown) as one text.
JOIN = " | "


def _column_name(raw: RawLog, row: TextRow, col: int) -> str:
    if row.sheet == raw.sheet and col < len(raw.headers) and raw.headers[col]:
        return raw.headers[col]
    return get_column_letter(col + 1)


def _place(raw: RawLog, row: TextRow, checked: Validated, accepted: set[int], check_sheet: str | None) -> str:
    if row.sheet == check_sheet and check_sheet is not None:
        return "weekly-check"
    if row.sheet != raw.sheet or raw.header_row is None or row.row <= raw.header_row:
        return "outside-table"
    if row.row in checked.rejected_rows:
        return "rejected-row"
    return "log-row" if row.row in accepted else "other-cell"


def _row_date(raw: RawLog, row: TextRow, by_row: dict[int, tuple]) -> dt.date | None:
    """The date written on a row of the log table (None elsewhere, or when it cannot be read)."""
    if row.sheet == raw.sheet and row.row in by_row and "date" in raw.fields:
        return parse_date(by_row[row.row][raw.fields.index("date")])
    return None


def find_red_flag_notes(raw: RawLog, plan: Plan, checked: Validated, *, patient_id: str,
                        printed: set[str] | Callable[[], set[str]] = frozenset(), answers: list[CheckAnswer] = (),
                        lexicon: Lexicon | None = None, check: WeeklyCheck | None = None) -> list[RedFlagNote]:
    """Every row of the file that mentions a red flag, and every "yes" of the weekly check, most urgent first.

    `printed`: the texts our workbook prints (physio.io.xlsx.printed_texts), or a function giving them, called only
    when some row could mention a red flag at all (building them costs as much as reading the file)."""
    lexicon = lexicon or default_lexicon()
    check_sheet = (raw.meta or {}).get("check_sheet")
    # the accepted rows, from the table when the outcome has one (a worker's outcome has no entry objects)
    accepted = set(checked.table["source_row"]) if checked.table is not None else {e.source_row for e in checked.entries}
    by_row = dict(raw.rows)
    is_data = _DataCells(raw, plan)
    is_printed = _Printed(printed)
    may_flag = _MayFlag(lexicon)
    check_weeks = {r: _week_of(values) for r, values in raw.check_rows}
    check_ids = {r: values[4] for r, values in raw.check_rows if len(values) > 4}
    read_of: dict[tuple, tuple] = {}  # a log repeats its rows: the cells read of each distinct row, worked out once

    def read_cells(row: TextRow) -> tuple[tuple[int, str], ...]:
        """The cells of a row holding words to read: not plainly data, not a question of the weekly check."""
        if row.sheet == check_sheet:
            return tuple((c, t) for c, t in row.cells
                         if not is_data(row, c, t) and not _printed_question(row, c, check_sheet, check_ids))
        key = (is_data.in_table(row), row.cells)
        if key not in read_of:
            read_of[key] = tuple((c, t) for c, t in row.cells if not is_data(row, c, t))
        return read_of[key]

    notes: list[RedFlagNote] = []
    for row in raw.texts:
        if row.sheet == raw.sheet and row.row == raw.header_row:
            continue
        read = read_cells(row)
        if not is_printed.known and not may_flag(tuple(t for _, t in read)):
            continue  # no red flag in these cells, whichever of them we printed: no need to know which we did
        kept = [(c, clean_text(t)) for c, t in read if not is_printed(t)]
        kept = [(c, t) for c, t in kept if t]
        if not kept:
            continue
        text = JOIN.join(t for _, t in kept)
        hits = lexicon.find(text)
        if not hits:
            continue
        date = _row_date(raw, row, by_row)
        if row.sheet == check_sheet and check_weeks.get(row.row):
            date = week_dates(plan, check_weeks[row.row])[0]
        spans = sorted(s for h in hits for s in h.spans)
        notes.append(RedFlagNote(
            patient_id=patient_id, plan_id=plan.id, plan_version=plan.version,
            flags=[h.flag for h in hits], level=hits[0].level, date=date, file=raw.file, sheet=row.sheet,
            row=row.row, column=", ".join(dict.fromkeys(_column_name(raw, row, c) for c, _ in kept)),
            place=_place(raw, row, checked, accepted, check_sheet), text=text,
            words=[text[a:b] for a, b in spans], spans=spans,
        ))
    notes += _yes_answers(answers, raw, plan, patient_id, check or default_weekly_check())
    return sorted(notes, key=lambda n: (LEVEL_ORDER.index(n.level), n.date or dt.date.max, n.row or 0))


class _Printed:
    """Whether a cell's text is one our workbook printed; the printed texts are worked out when first asked."""

    def __init__(self, printed: set[str] | Callable[[], set[str]]):
        self._printed = printed
        self._known: set[str] | frozenset[str] | None = None if callable(printed) else printed

    @property
    def known(self) -> bool:
        """Whether the printed texts are worked out (after that, knowing them costs nothing more)."""
        return self._known is not None

    def __call__(self, text: str) -> bool:
        if self._known is None:
            self._known = self._printed()  # type: ignore[operator]
        return " ".join(text.split()) in self._known


#: Most cells of one row that _MayFlag looks at one combination at a time; a row with more is always read whole.
_MAX_CELLS_COMBINED = 5


class _MayFlag:
    """Whether any choice of a row's cells, joined as they would be read, mentions a red flag.

    Why: which cells of a row we printed decides which are read, and a term may span two cells ("weak | legs"),
    so a row is passed over only when no combination of its cells mentions anything; then it flags nothing, whatever
    we printed. A log repeats the same cells row after row, so each combination is looked at once per file."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.seen: dict[tuple[str, ...], bool] = {}
        self.folded: dict[str, str] = {}

    def __call__(self, texts: tuple[str, ...]) -> bool:
        if texts not in self.seen:
            self.seen[texts] = self._any_mention(texts)
        return self.seen[texts]

    def _any_mention(self, texts: tuple[str, ...]) -> bool:
        cleaned = [t for t in map(clean_text, texts) if t]
        if len(cleaned) > _MAX_CELLS_COMBINED:
            return True
        # fold() works within words and " | " holds none, so cells folded one by one and joined are the folded join
        folded = [self.folded[t] if t in self.folded else self.folded.setdefault(t, fold(t)) for t in cleaned]
        return any(self.lexicon.mentions(JOIN.join(chosen))  # all of them first: a row that mentions one is common
                   for k in range(len(folded), 0, -1) for chosen in itertools.combinations(folded, k))


def find_red_flags_in_refused_file(texts: tuple[TextRow, ...], plan: Plan, *, patient_id: str, file: str,
                                   printed: set[str] = frozenset(), lexicon: Lexicon | None = None
                                   ) -> list[RedFlagNote]:
    """Red flags in a file refused as a log (no table, no session of the plan, a plan past its limits).

    Why: a patient who writes "can't pee since Tuesday" in a free-text diary must not be missed because the diary
    is not a log. Every text cell is read; the date of a row is the first cell that reads as a date."""
    lexicon = lexicon or default_lexicon()
    notes: list[RedFlagNote] = []
    for row in texts:
        kept = [(c, clean_text(t)) for c, t in row.cells if " ".join(t.split()) not in printed]
        kept = [(c, t) for c, t in kept if t]
        text = JOIN.join(t for _, t in kept)
        hits = lexicon.find(text) if text else []
        if not hits:
            continue
        date = next((d for _, t in row.cells if (d := parse_date(t)) is not None), None)
        spans = sorted(s for h in hits for s in h.spans)
        notes.append(RedFlagNote(
            patient_id=patient_id, plan_id=plan.id, plan_version=plan.version,
            flags=[h.flag for h in hits], level=hits[0].level, date=date, file=file, sheet=row.sheet,
            row=row.row, column=", ".join(dict.fromkeys(get_column_letter(c + 1) for c, _ in kept)),
            place="refused-file", text=text, words=[text[a:b] for a, b in spans], spans=spans,
        ))
    return sorted(notes, key=lambda n: (LEVEL_ORDER.index(n.level), n.date or dt.date.max, n.row or 0))


class _DataCells:
    """A cell of the log table that is plainly data (a date, an exercise of the plan, a yes/no, a number) holds no
    words of the patient's own; every other text is read (a sentence in the Done or pain column is)."""

    def __init__(self, raw: RawLog, plan: Plan):
        from .validate import _ExerciseIndex

        self.raw = raw
        self.exercises = _ExerciseIndex(plan)
        self.field_at = {i: f for f, i in _columns(raw).items()}
        self.seen: dict[tuple[int, str], bool] = {}  # a log repeats its cells: each (column, text) judged once

    def in_table(self, row: TextRow) -> bool:
        """Whether the row is one of the log table's (below its header): only there can a cell be plainly data."""
        return row.sheet == self.raw.sheet and self.raw.header_row is not None and row.row > self.raw.header_row

    def __call__(self, row: TextRow, col: int, text: str) -> bool:
        if not self.in_table(row):
            return False
        key = (col, text)
        if key not in self.seen:
            self.seen[key] = self._is_data(col, text)
        return self.seen[key]

    def _is_data(self, col: int, text: str) -> bool:
        field = self.field_at.get(col)
        if field is None or field == "notes":
            return False
        if field == "date":
            return parse_date(text) is not None
        if field in ("exercise", "exercise_id"):
            return self.exercises.find(text) is not None
        if field == "done" or field.startswith(daylog.TICK):
            return parse_done(text) in (True, False)  # a tick (✓, x, да) is a mark, not the patient's words
        if field == "prescribed":
            return False  # our printed dose is skipped as printed text; anything else there is read
        return parse_number(text) is not None


def _columns(raw: RawLog) -> dict[str, int]:
    """Our field → its 0-based column in the sheet, from the header texts the reader mapped."""
    out = {}
    for f in raw.fields:
        header = raw.mapping.get(f)
        if header in raw.headers:
            out[f] = raw.headers.index(header)
    return out


def _printed_question(row: TextRow, col: int, check_sheet: str | None, check_ids: dict[int, object]) -> bool:
    """The question we printed on a row of the weekly check (column C beside a question id in column E), whatever
    its wording was when the workbook was exported: it asks about red flags, it does not report one."""
    if row.sheet != check_sheet or check_sheet is None or col != 2:
        return False
    qid = check_ids.get(row.row)
    return isinstance(qid, str) and default_weekly_check().question(qid.strip()) is not None


def _week_of(values: tuple) -> int | None:
    try:
        return int(float(values[0]))
    except (TypeError, ValueError, IndexError):
        return None


def _yes_answers(answers, raw: RawLog, plan: Plan, patient_id: str, check: WeeklyCheck) -> list[RedFlagNote]:
    vocabulary = default_vocabulary()
    lang = plan.language if plan.language in check.sheet else "en"
    out = []
    for a in answers:
        if not a.answer:
            continue
        question = check.question(a.question)
        asked = question.text[lang] if question else a.question
        said = "yes" if lang == "en" else "да"
        text = f"{asked}{JOIN}{said}"
        levels = sorted((vocabulary.red_flag(f).level for f in a.flags), key=LEVEL_ORDER.index)
        out.append(RedFlagNote(
            patient_id=patient_id, plan_id=plan.id, plan_version=plan.version, flags=list(a.flags), level=levels[0],
            date=week_dates(plan, a.week)[0], file=raw.file, sheet=(raw.meta or {}).get("check_sheet"),
            row=a.source_row, column=check.columns[lang][3], place="weekly-check", text=text,
            words=[said], spans=[(len(text) - len(said), len(text))],
        ))
    return out
