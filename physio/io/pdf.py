"""The patient's handout: an A4 PDF built in memory from a plan, then written all at once.

Reading order matters (screen readers, pdftotext, a patient skimming): who and when, safety first, the
therapist's notes, then each exercise with its dose in large type, then the tick-box calendar.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections import defaultdict
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .._atomic import write_atomic
from ..errors import ExportError
from ..models import PARAM_LABELS, Plan, PlannedExercise, ScheduledSession
from ..planning import ensure_safe, schedule
from . import _fonts
from . import _labels
from ._labels import labels
from ._text import check_printable, clean, has_rtl, para

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
FOOTER_H = 16 * mm
TEXT_W = PAGE_W - 2 * MARGIN

#: Size of the space kept for an exercise's picture: fits a start and an end pose side by side.
ILLUSTRATION_W = 62 * mm
ILLUSTRATION_H = 42 * mm

BOX = "\u2610"  # ☐, one per session to tick
_SAFETY_RED = colors.HexColor("#b00020")
_GRID = colors.HexColor("#9e9e9e")
_SHADE = colors.HexColor("#eeeeee")


def long_date(d: dt.date, language: str = "en") -> str:
    """'3 March 2025': spelt out, so no reader confuses day and month."""
    return _labels.long_date(d, language)


def issue_moment(plan: Plan) -> dt.datetime:
    """The fixed moment stamped into the files' metadata: when the plan was issued, else its start."""
    at = plan.issued_at
    if at is not None:
        if at.tzinfo is not None:
            at = at.astimezone(dt.timezone.utc)
        return at.replace(tzinfo=None, microsecond=0)
    return dt.datetime.combine(plan.start, dt.time())


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """Every style names a DejaVu face, so the PDF holds no font that is not embedded."""
    sans = _fonts.register_fonts()
    bold = _fonts.SANS_BOLD
    body = ParagraphStyle("body", fontName=sans, fontSize=10, leading=13.5, spaceAfter=3,
                          bulletFontName=sans)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=18, leading=22, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, leading=14, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4,
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10.5, leading=13.5, spaceBefore=4, spaceAfter=2,
                             keepWithNext=1),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
        "step": ParagraphStyle("step", parent=body, leftIndent=14, firstLineIndent=-14, spaceAfter=2),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=10, firstLineIndent=-10, spaceAfter=2),
        "dose": ParagraphStyle("dose", parent=body, fontName=bold, fontSize=15, leading=19, spaceBefore=2, spaceAfter=6),
        "safety_head": ParagraphStyle("safety_head", parent=body, fontName=bold, fontSize=13, leading=16,
                                      textColor=_SAFETY_RED, spaceAfter=4),
        "footer": ParagraphStyle("footer", parent=body, fontSize=7.5, leading=9.5, spaceAfter=0,
                                 textColor=colors.HexColor("#444444")),
    }


def _table_style(*commands: tuple) -> TableStyle:
    """A table style whose cells use DejaVu: reportlab sets each cell's font, even for paragraph cells."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), _fonts.SANS), *commands])


class _EmptyFrame(Flowable):
    """A thin-bordered empty box that holds the place of a picture."""

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(_GRID)
        self.canv.setLineWidth(0.6)
        self.canv.rect(0, 0, self.width, self.height)


def _illustration(pe: PlannedExercise, width: float, height: float, language: str = "en") -> Flowable:
    """The picture of one exercise, drawn as vectors at this patient's dose (board angle, hold time).

    A plan issued from an older library may name an exercise that has no pose any more: the handout is
    still complete without its picture, so the empty frame stands in rather than failing the export."""
    from ..errors import PhysioError
    from ..figures import exercise_figure, to_drawing

    try:
        fig = exercise_figure(pe.exercise.id, pe.dose, language=language)
    except PhysioError:
        return _EmptyFrame(width, height)
    return to_drawing(fig, width, height, font_name=_fonts.SANS, bold_font_name=_fonts.SANS_BOLD)


# ------------------------------------------------------------------ story parts


def header_rows(plan: Plan) -> list[tuple[str, str]]:
    """Who, what and when, as label and text: the top of the handout and of the workbook's Plan sheet."""
    lang = plan.language
    L = labels(lang)
    version = L["version"].format(n=plan.version) if plan.version else L["draft"]
    return [
        (L["patient"], L["born"].format(name=plan.patient.name, year=plan.patient.birth_year)),
        (L["therapist"], plan.therapist),
        (L["plan"], f"{plan.id}, {version}"),
        (L["programme"], plan.protocol_title),
        (L["phase"], L["phase_of"].format(name=plan.phase_name, n=plan.phase_index + 1, total=plan.phase_count)),
        (L["dates"], L["date_range"].format(start=long_date(plan.start, lang), end=long_date(plan.end, lang),
                                            weeks=_labels.weeks(plan.weeks, lang))),
    ]


def _header(plan: Plan, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = header_rows(plan)
    table = Table(
        [[Paragraph(f"<b>{k}</b>", st["cell"]), Paragraph(para(v), st["cell"])] for k, v in rows],
        colWidths=[30 * mm, TEXT_W - 30 * mm],
        hAlign="LEFT",
    )
    table.setStyle(_table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, _GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ))
    L = labels(plan.language)
    return [
        Paragraph(para(L["title"]), st["title"]),
        Paragraph(para(f"{L['aim_of_phase']}: {plan.phase_goal}"), st["subtitle"]),
        table,
    ]


def _safety_box(plan: Plan, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    L = labels(plan.language)
    inner: list[Flowable] = [Paragraph(para(L["safety"]), st["safety_head"])]
    inner.append(Paragraph(f"<b>{para(L['stop_when'])}</b>", st["h3"]))
    inner += [Paragraph("• " + para(r.text), st["bullet"]) for r in plan.stop_rules]
    inner.append(Paragraph(f"<b>{para(L['call_when'])}</b>", st["h3"]))
    inner += [Paragraph("• " + para(f.text), st["bullet"]) for f in plan.red_flags]
    box = Table([[inner]], colWidths=[TEXT_W])
    box.setStyle(_table_style(
        ("BOX", (0, 0), (-1, -1), 1.6, _SAFETY_RED),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ))
    return [Spacer(1, 8), box]


def _attention(plan: Plan, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Warnings, lifted contraindications, reasons for unusual doses and changes since the last version."""
    L = labels(plan.language)
    out: list[Flowable] = []
    if plan.warnings:
        out.append(Paragraph(para(L["please_note"]), st["h2"]))
        out += [Paragraph("• " + para(w), st["bullet"]) for w in plan.warnings]
    if plan.cleared:
        out.append(Paragraph(para(L["cleared_by_doctor"]), st["h2"]))
        out += [Paragraph("• " + para(c), st["bullet"]) for c in plan.cleared]
    reasons = [(pe, p, r) for pe in plan.exercises for p, r in pe.reasons.items()]
    if reasons:
        out.append(Paragraph(para(L["doses_on_purpose"]), st["h2"]))
        out += [
            Paragraph("• " + para(f"{pe.exercise.name}, {PARAM_LABELS[p]} {getattr(pe.dose, p)}: {r}"), st["bullet"])
            for pe, p, r in reasons
        ]
    if plan.changes:
        out.append(Paragraph(para(L["changed_since"]), st["h2"]))
        out += [Paragraph("• " + para(c), st["bullet"]) for c in plan.changes]
    return out


def _exercise_block(n: int, pe: PlannedExercise, st: dict[str, ParagraphStyle],
                    lead: list[Flowable] | None = None, language: str = "en") -> list[Flowable]:
    """One exercise on one page: name and dose at full width, the picture beside the aim and steps.

    Kept together, so a patient never has to turn the page in the middle of an exercise (a block taller
    than a whole page still flows on). `lead` is a heading that must not be left alone above it."""
    ex = pe.exercise
    L = labels(language)
    intro: list[Flowable] = [
        Paragraph(f"<b>{para(L['aim'])}:</b> {para(ex.aim)}", st["body"]),
        Paragraph(f"<b>{para(L['starting_position'])}:</b> {para(ex.starting_position)}", st["body"]),
    ]
    if ex.equipment:
        intro.append(Paragraph(f"<b>{para(L['you_need'])}:</b> {para(', '.join(ex.equipment))}", st["body"]))
    # The steps run beside the picture, not below it: no blank band under a short aim.
    intro.append(Paragraph(para(L["how_to"]), st["h3"]))
    intro += [Paragraph(f"{i}. {para(s)}", st["step"]) for i, s in enumerate(ex.steps, 1)]
    top = Table(
        [[intro, _illustration(pe, ILLUSTRATION_W, ILLUSTRATION_H, language)]],
        colWidths=[TEXT_W - ILLUSTRATION_W - 6 * mm, ILLUSTRATION_W + 6 * mm],
        hAlign="LEFT",
    )
    top.setStyle(_table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 6 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
    ))
    block: list[Flowable] = [
        *(lead or []),
        Paragraph(f"{n}. {para(ex.name)}", st["h2"]),
        Paragraph(para(pe.dose.summary(language)), st["dose"]),
        top,
    ]
    block.append(Paragraph(f"<b>{para(L['breathing'])}:</b> {para(ex.breathing)}", st["body"]))
    if ex.cautions:
        block.append(Paragraph(para(L["take_care"]), st["h3"]))
        block += [Paragraph("• " + para(c), st["bullet"]) for c in ex.cautions]
    for p, r in pe.reasons.items():
        block.append(Paragraph(f"<b>{para(L['reason_for_dose'].format(param=PARAM_LABELS[p]))}:</b> {para(r)}",
                               st["body"]))
    if pe.note:
        block.append(Paragraph(f"<b>{para(L['therapist_note'])}:</b> {para(pe.note)}", st["body"]))
    return [KeepTogether(block)]


def _calendar(plan: Plan, sessions: list[ScheduledSession], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One grid per week: a row per day, a column per exercise, a box per session to tick."""
    order = {pe.exercise.id: i for i, pe in enumerate(plan.exercises)}
    per_day: dict[dt.date, list[int]] = defaultdict(lambda: [0] * len(order))
    week_of: dict[dt.date, int] = {}
    for s in sessions:
        per_day[s.date][order[s.exercise_id]] += 1
        week_of[s.date] = s.week
    lang = plan.language
    L = labels(lang)
    out: list[Flowable] = [
        Paragraph(para(L["calendar"]), st["h2"]),
        Paragraph(
            para(L["calendar_intro"])
            + "; ".join(f"{i}&nbsp;=&nbsp;{para(pe.exercise.name)}" for i, pe in enumerate(plan.exercises, 1))
            + ".",
            st["body"],
        ),
    ]
    # A name DejaVu cannot print whole (Chinese, emoji...) or written right to left keeps only its number;
    # the legend has it in full.
    names = [clean(pe.exercise.name) for pe in plan.exercises]
    names = [n if not has_rtl(n) and all(font is None for font, _ in _fonts.runs(n)) else "" for n in names]
    weeks: dict[int, list[dt.date]] = defaultdict(list)
    for day in sorted(per_day):
        weeks[week_of[day]].append(day)
    for week, days in sorted(weeks.items()):
        title = L["week"].format(n=week, start=long_date(days[0], lang), end=long_date(days[-1], lang))
        out.append(_WeekGrid(title, names, [(f"{_labels.weekday(d, lang)} {d:%d.%m.%Y}", per_day[d]) for d in days],
                             L["day"]))
    # The whole calendar on one sheet when it fits on a page, so it can hang on the fridge; a longer one
    # starts on a fresh page and breaks only between weeks (a week is one flowable that cannot split).
    return [KeepTogether(out)]


class _WeekGrid(Flowable):
    """One week of the calendar under its title: a row per day, a column per exercise, a box per session.

    Each column is headed by its exercise's number and name, so a patient does not have to look the
    numbers up. Drawn straight on the canvas rather than as a Table: the calendar is the largest part of
    the handout and a table cell costs far more to lay out than a line of text (see benchmarks/)."""

    DAY_W = 34 * mm
    ROW_H = 21
    NAME_SIZE = 7.5
    NAME_LEADING = 9
    #: Longer names are cut with "…" in the header; the legend above the calendar gives them in full.
    NAME_LINES = 3

    TITLE_H = 20
    GAP_BELOW = 8

    def __init__(self, title: str, names: list[str], rows: list[tuple[str, list[int]]], day_label: str = "Day"):
        super().__init__()
        self.title, self.n, self.rows, self.day_label = title, len(names), rows, day_label
        self.col_w = (TEXT_W - self.DAY_W) / self.n
        self.heads = [self._wrap_name(name) for name in names]
        lines = max(len(h) for h in self.heads)
        self.head_h = max(self.ROW_H, 16 + lines * self.NAME_LEADING)
        self.grid_h = self.head_h + len(rows) * self.ROW_H
        self.width, self.height = TEXT_W, self.TITLE_H + self.grid_h + self.GAP_BELOW

    def _wrap_name(self, name: str) -> list[str]:
        lines = simpleSplit(name, _fonts.SANS, self.NAME_SIZE, self.col_w - 6)
        if len(lines) > self.NAME_LINES:
            lines = lines[: self.NAME_LINES]
            last = lines[-1]
            while last and stringWidth(last + "…", _fonts.SANS, self.NAME_SIZE) > self.col_w - 6:
                last = last[:-1]
            lines[-1] = last.rstrip() + "…"
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, rh, hh = self.canv, self.ROW_H, self.head_h
        c.setFillColor(colors.black)
        c.setFont(_fonts.SANS_BOLD, 10.5)
        c.drawString(0, self.height - 14, self.title)
        c.translate(0, self.GAP_BELOW)  # the grid itself, below its title
        h = self.grid_h
        xs = [0.0] + [self.DAY_W + i * self.col_w for i in range(self.n + 1)]
        c.setFillColor(_SHADE)
        c.rect(0, h - hh, self.width, hh, stroke=0, fill=1)
        c.setStrokeColor(_GRID)
        c.setLineWidth(0.4)
        c.line(0, h, self.width, h)
        for i in range(len(self.rows) + 1):
            c.line(0, i * rh, self.width, i * rh)
        for x in xs:
            c.line(x, 0, x, h)
        c.setFillColor(colors.black)
        c.setFont(_fonts.SANS_BOLD, 10)
        c.drawString(4, h - 14, self.day_label)
        for i, lines in enumerate(self.heads):
            mid = xs[i + 1] + self.col_w / 2
            c.setFont(_fonts.SANS_BOLD, 10)
            c.drawCentredString(mid, h - 14, str(i + 1))
            c.setFont(_fonts.SANS, self.NAME_SIZE)
            for k, line in enumerate(lines):
                c.drawCentredString(mid, h - 14 - (k + 1) * self.NAME_LEADING, line)
        # Row by row, day first, so text extraction reads the calendar as a person does.
        for r, (label, counts) in enumerate(self.rows, 1):
            y = h - hh - r * rh
            c.setFont(_fonts.SANS, 10)
            c.drawString(4, y + 7, label)
            for i, count in enumerate(counts):
                if count:
                    boxes = " ".join(BOX * count)
                    size = min(13.0, (self.col_w - 4) / max(c.stringWidth(boxes, _fonts.SANS, 1), 1e-6))
                    c.setFont(_fonts.SANS, size)
                    c.drawCentredString(xs[i + 1] + self.col_w / 2, y + 6, boxes)


def _notes(plan: Plan, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    L = labels(plan.language)
    out: list[Flowable] = [Paragraph(para(L["notes_from_therapist"]), st["h2"])]
    if plan.notes:
        out += [Paragraph("• " + para(n), st["bullet"]) for n in plan.notes]
    else:
        out.append(Paragraph(para(L["no_notes"]), st["body"]))
    return out


def footer_text(plan: Plan) -> str:
    """The line on every page saying whose plan this is and that it does not replace the therapist."""
    return labels(plan.language)["footer"].format(therapist=plan.therapist, patient=plan.patient.name)


def _story(plan: Plan, sessions: list[ScheduledSession]) -> list[Flowable]:
    st = _styles()
    story: list[Flowable] = []
    story += _header(plan, st)
    story += _safety_box(plan, st)
    story += _attention(plan, st)
    story += _notes(plan, st)  # before the exercises: advice read first, not after weeks of calendar
    for n, pe in enumerate(plan.exercises, 1):
        lead = [Paragraph(para(labels(plan.language)["your_exercises"]), st["h2"])] if n == 1 else None
        story += _exercise_block(n, pe, st, lead, plan.language)
    story += _calendar(plan, sessions, st)
    return story


def _printed_texts(plan: Plan) -> list[tuple[str, str, str]]:
    """Every piece of plan text the handout prints: (the text, where it comes from, the other way out)."""
    latin = "write the name in Latin letters"
    plain = "write it without those characters"
    out = [
        (plan.patient.name, f"the patient's name {plan.patient.name!r}", latin),
        (plan.therapist, f"the therapist's name {plan.therapist!r}", latin),
        (plan.protocol_title, f"the programme title {plan.protocol_title!r}", plain),
        (plan.phase_name, f"the phase name {plan.phase_name!r}", plain),
        (plan.phase_goal, "the phase's aim", plain),
        (plan.id, f"the plan id {plan.id!r}", plain),
    ]
    out += [(r.text, "a stop rule", plain) for r in plan.stop_rules]
    out += [(f.text, f"red flag {f.id!r}", plain) for f in plan.red_flags]
    out += [(w, "a warning", plain) for w in plan.warnings]
    out += [(c, "a cleared contraindication", plain) for c in plan.cleared]
    out += [(c, "a change since the last plan", plain) for c in plan.changes]
    out += [(n, "a note from the therapist", plain) for n in plan.notes]
    for pe in plan.exercises:
        ex = pe.exercise
        where = f"exercise {ex.id!r}"
        out.append((ex.name, f"the name of {where}", plain))
        out += [(t, f"the text of {where}", plain)
                for t in [ex.aim, ex.starting_position, ex.breathing, *ex.equipment, *ex.steps, *ex.cautions]]
        out += [(r, f"the reason for the dose of {where}", plain) for r in pe.reasons.values()]
        if pe.note:
            out.append((pe.note, f"the therapist's note on {where}", plain))
    return out


def _check_printable(plan: Plan) -> None:
    """Refuse, before anything is drawn, text that would print as empty boxes, saying where it is."""
    for text, what, instead in _printed_texts(plan):
        if not text.isascii():
            check_printable(clean(text), what, instead)


# ------------------------------------------------------------------ the document


def _canvas_maker(plan: Plan):
    """A canvas that stamps the plan's own date and draws "page N of M" once the page count is known."""
    stamp = issue_moment(plan).strftime("D:%Y%m%d%H%M%S+00'00'")
    footer = Paragraph(para(footer_text(plan)), _styles()["footer"])
    page_label = labels(plan.language)["page"]

    class _Canvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("initialFontName", _fonts.SANS)
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: stamp)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(_GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN, FOOTER_H + 2 * mm, PAGE_W - MARGIN, FOOTER_H + 2 * mm)
            w, h = footer.wrap(TEXT_W - 28 * mm, FOOTER_H)
            footer.drawOn(self, MARGIN, FOOTER_H - h)
            self.setFont(_fonts.SANS, 8)
            self.drawRightString(PAGE_W - MARGIN, FOOTER_H - 9, page_label.format(n=number, total=total))
            self.restoreState()

    return _Canvas


def handout_bytes(plan: Plan) -> bytes:
    """The handout PDF for `plan`, complete, in memory. The same plan always gives the same bytes."""
    ensure_safe(plan)
    return _handout(plan, schedule(plan))


def _handout(plan: Plan, sessions: list[ScheduledSession]) -> bytes:
    if not plan.exercises:
        raise ExportError(
            f"plan {plan.label} for patient {plan.patient.id} has no exercises, so there is no handout to make; "
            "add at least one exercise to the plan first"
        )
    _fonts.register_fonts()
    _check_printable(plan)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_H,
        title=clean(labels(plan.language)["doc_title"].format(name=plan.patient.name)),
        author=clean(plan.therapist),
        subject=clean(f"{plan.protocol_title}, {plan.phase_name}, {plan.label}"),
        creator="physio",
        producer="physio",
        invariant=1,
        initialFontName=_fonts.SANS,
        lang=plan.language,
    )
    try:
        doc.build(_story(plan, sessions), canvasmaker=_canvas_maker(plan))
    except LayoutError as e:
        raise ExportError(
            f"the handout of plan {plan.label} could not be laid out on A4: a piece of text (a name, note or "
            "reason) is too long to fit on one page; shorten it and export again"
        ) from e
    return buf.getvalue()


def write_handout(plan: Plan, path: str | Path) -> Path:
    """Build the handout in memory, then write it to `path` in one step (nothing is left half-written)."""
    return write_atomic(path, handout_bytes(plan), error=ExportError)
