"""The handout's tick-box calendar: one row per exercise, one column per day, four (or five) weeks a page.

Printed on A4 turned sideways, so 28 to 35 days fit side by side with boxes large enough to tick. Each row
names its exercise in full (wrapped, never cut); each day column is headed by its weekday and date. Weeks are
shared out evenly over the pages, so the last page never holds a lone week.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak

from ..models import Plan, ScheduledSession
from . import _fonts, _labels
from ._pdfkit import GRID, INK, LANDSCAPE, MARGIN, MIN_PATIENT_PT, SHADE
from ._text import clean, has_rtl, visual

BOX = "\u2610"  # ☐, one per session to tick

#: The calendar's width: a landscape A4 page inside its margins.
WIDTH = LANDSCAPE[0] - 2 * MARGIN

#: Weeks on one page: at least 4; 5 when that saves a page holding a single week.
WEEKS_PER_PAGE = 4
MAX_WEEKS_PER_PAGE = 5


def pages_of_weeks(n_weeks: int) -> list[int]:
    """How many weeks go on each calendar page: 4 a page, shared out evenly, up to 5 to spare a lone week.

    13 weeks: 5, 4, 4 (not 4, 4, 4, 1); 6 weeks: 3, 3; 5 weeks: 5."""
    pages = max(1, math.ceil(n_weeks / WEEKS_PER_PAGE))
    if pages > 1 and math.ceil(n_weeks / (pages - 1)) <= MAX_WEEKS_PER_PAGE:
        pages -= 1
    base, extra = divmod(n_weeks, pages)
    return [base + 1 if i < extra else base for i in range(pages)]


def weekly_counts(plan: Plan, sessions: list[ScheduledSession]) -> dict[int, dict[dt.date, list[int]]]:
    """week -> day -> sessions of each exercise (in the plan's order) on that day."""
    order = {pe.exercise.id: i for i, pe in enumerate(plan.exercises)}
    weeks: dict[int, dict[dt.date, list[int]]] = defaultdict(dict)
    for s in sessions:
        day = weeks[s.week].setdefault(s.date, [0] * len(order))
        day[order[s.exercise_id]] += 1
    return weeks


def calendar_blocks(plan: Plan, sessions: list[ScheduledSession], larger: bool = False) -> list["CalendarBlock"]:
    """One block per calendar page, each with its weeks."""
    weeks = weekly_counts(plan, sessions)
    numbers = sorted(weeks)
    names = [f"{i}. {clean(pe.exercise.name)}" for i, pe in enumerate(plan.exercises, 1)]
    out, start = [], 0
    for size in pages_of_weeks(len(numbers)):
        chunk = numbers[start:start + size]
        start += size
        out.append(CalendarBlock(plan.language, names, [(w, sorted(weeks[w].items())) for w in chunk], larger))
    return out


class CalendarBlock(Flowable):
    """Some weeks of the calendar: a header (weeks, weekdays, dates), then a row per exercise with its boxes.

    Drawn straight on the canvas rather than as a Table: a table cell costs far more to lay out than a line
    of text (see benchmarks/). Splits between exercise rows, repeating the header, if a page is too short; the
    rows are then shared out, so the second page never holds a lone row."""

    NAME_W = 62 * mm

    def __init__(self, language: str, names: list[str], weeks: list[tuple[int, list[tuple[dt.date, list[int]]]]],
                 larger: bool = False, rows: list[int] | None = None):
        super().__init__()
        self.language, self.names, self.weeks, self.larger = language, names, weeks, larger
        self.rows = list(range(len(names))) if rows is None else rows
        self.size = MIN_PATIENT_PT * (1.2 if larger else 1.0)
        self.leading = self.size * 1.2
        self.days = [d for _, days in weeks for d, _ in days]
        self.counts = [c for _, days in weeks for _, c in days]
        self.col_w = (WIDTH - self.NAME_W) / max(len(self.days), 1)
        #: Boxes as large as the day's column allows (fewer weeks, larger boxes), never under 12 pt.
        self.box_size = min(max(self.col_w / 2.4, 12.0), 16.0) * (1.15 if larger else 1.0)
        self.head_h = 4 * self.leading + 10
        self.lines = {r: self._name_lines(names[r]) for r in self.rows}
        self.base_h = {r: self._row_height(r) for r in self.rows}
        self.row_h = dict(self.base_h)
        self.width = WIDTH
        self.height = self.head_h + sum(self.row_h.values())

    # ---------------------------------------------------------------- measuring

    def _name_lines(self, name: str) -> list[str]:
        """The exercise's number and name, wrapped to the name column; never cut."""
        shown = name if not has_rtl(name) else visual(name)
        if any(font is not None for font, _ in _fonts.runs(shown)):
            return [shown]  # another script: one line, drawn run by run in its fallback font
        return simpleSplit(shown, _fonts.SANS, self.size, self.NAME_W - 8) or [""]

    def _boxes_per_line(self) -> int:
        return max(1, int((self.col_w - 2) // (stringWidth(BOX, _fonts.SANS, self.box_size) + 1)))

    def _row_height(self, r: int) -> float:
        most = max((c[r] for c in self.counts), default=1)
        box_lines = math.ceil(max(most, 1) / self._boxes_per_line())
        return max(len(self.lines[r]) * self.leading + 8, box_lines * (self.box_size + 1) + 8, 26.0)

    #: Rows grow into the page's spare height up to this, so a shaky hand has room to tick.
    ROOMY_ROW = 36.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        base = self.head_h + sum(self.base_h.values())
        spare = max(0.0, availHeight - base - 2)
        extra = min(spare / max(len(self.rows), 1), max(0.0, self.ROOMY_ROW - min(self.base_h.values(), default=0)))
        self.row_h = {r: h + (extra if h < self.ROOMY_ROW else 0.0) for r, h in self.base_h.items()}
        self.height = self.head_h + sum(self.row_h.values())
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        used, fit = self.head_h, 0
        for r in self.rows:
            if used + self.base_h[r] > availHeight:
                break
            used += self.base_h[r]
            fit += 1
        if fit == 0 or fit == len(self.rows):
            return []
        shared = len(self.rows) - fit < fit  # the rest fits on the next page: share the rows out, no lone row
        if shared:
            fit = math.ceil(len(self.rows) / 2)
        return [CalendarBlock(self.language, self.names, self.weeks, self.larger, self.rows[:fit]),
                *([PageBreak()] if shared else []),
                CalendarBlock(self.language, self.names, self.weeks, self.larger, self.rows[fit:])]

    # ---------------------------------------------------------------- drawing

    def draw(self) -> None:
        c = self.canv
        top = self.height
        xs = [self.NAME_W + i * self.col_w for i in range(len(self.days) + 1)]
        c.setFillColor(SHADE)
        c.rect(0, top - self.head_h, self.width, self.head_h, stroke=0, fill=1)
        self._draw_header(top, xs)
        y = top - self.head_h
        # Row by row, name first, so text extraction reads the calendar as a person does.
        for r in self.rows:
            h = self.row_h[r]
            self._draw_row(r, y, h, xs)
            y -= h
        self._draw_grid(top, xs)

    def _draw_header(self, top: float, xs: list[float]) -> None:
        c, lang, lead = self.canv, self.language, self.leading
        L = _labels.labels(lang)
        c.setFillColor(INK)
        c.setFont(_fonts.SANS_BOLD, self.size)
        c.drawString(4, top - lead - 2, L["exercise_col"])
        i = 0
        for week, days in self.weeks:
            x0, x1 = xs[i], xs[i + len(days)]
            mid = (x0 + x1) / 2
            c.setFont(_fonts.SANS_BOLD, self.size)
            c.drawCentredString(mid, top - lead - 2, L["week_short"].format(n=week))
            span = f"{_labels.short_date(days[0][0], lang)} – {_labels.short_date(days[-1][0], lang)}"
            c.setFont(_fonts.SANS, self.size)
            c.drawCentredString(mid, top - 2 * lead - 2, span)
            i += len(days)
        for d, x in zip(self.days, xs):  # weekday over the day of the month; the weekend in bold
            mid = x + self.col_w / 2
            c.setFont(_fonts.SANS_BOLD if d.weekday() >= 5 else _fonts.SANS, self.size)
            c.drawCentredString(mid, top - 3 * lead - 5, _labels.weekday(d, lang)[:2])
            c.drawCentredString(mid, top - 4 * lead - 6, str(d.day))

    def _draw_row(self, r: int, y: float, h: float, xs: list[float]) -> None:
        c = self.canv
        lines = self.lines[r]
        c.setFillColor(INK)
        first = y - (h - len(lines) * self.leading) / 2 - self.size
        for k, line in enumerate(lines):
            _fonts.draw_text_runs(c, 4, first - k * self.leading + 2, line, _fonts.SANS, self.size)
        per_line = self._boxes_per_line()
        c.setFont(_fonts.SANS, self.box_size)
        for day, x in zip(self.counts, xs):
            n = day[r]
            if not n:
                continue
            lines_of_boxes = [min(per_line, n - k) for k in range(0, n, per_line)]
            block_h = len(lines_of_boxes) * (self.box_size + 1)
            for k, count in enumerate(lines_of_boxes):
                base = y - (h - block_h) / 2 - (k + 1) * (self.box_size + 1) + 3
                c.drawCentredString(x + self.col_w / 2, base, BOX * count)

    def _draw_grid(self, top: float, xs: list[float]) -> None:
        c = self.canv
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        c.rect(0, 0, self.width, top)
        y = top - self.head_h
        c.line(0, y, self.width, y)
        for r in self.rows:
            y -= self.row_h[r]
            c.line(0, y, self.width, y)
        i = 0
        for _, days in self.weeks:  # a heavier line between weeks, so each week reads as one block
            c.setLineWidth(1.4)
            c.line(xs[i], 0, xs[i], top)
            i += len(days)
        c.setLineWidth(0.5)
        for x in xs[1:]:  # day lines stop under the week's title and dates
            c.line(x, 0, x, top - 2 * self.leading - 5)
        c.line(xs[0], 0, xs[0], top)
