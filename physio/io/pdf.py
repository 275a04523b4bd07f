"""The patient's handout: an A4 PDF in large print, built in memory from a plan, then written all at once.

Reading order matters (screen readers, pdftotext, a patient skimming). Page 1 says it all: who and what, every
exercise with its dose, one safety scale (carry on / ease off / emergency) with the clinic's phone, and how to
fill in the log. Then the therapist's notes, each exercise with its start and end pictures, numbered steps and
its dose in large type, and the tick-box calendar on pages turned sideways.

Nothing here is addressed to the therapist: sources, reasons for a dose, screening warnings and clearances
are in the therapist's summary (physio/io/therapist_summary.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import LayoutError

from .._atomic import write_atomic
from ..errors import ExportError
from ..models import ClinicProfile, Plan, PlannedExercise, ScheduledSession
from ..planning import ensure_safe, schedule
from . import _fonts, _labels
from ._calendar import BOX, calendar_blocks
from ._labels import labels
from ._pdfkit import (
    BODY_PT,
    LARGER_BODY_PT,
    FOOTER_H,
    GRID,
    LANDSCAPE,
    MARGIN,
    PAGE_H,
    PAGE_W,
    SHADE,
    TEXT_W,
    TOP_MARGIN,
    EmptyFrame,
    Paragraph,
    canvas_maker,
    issue_moment,
    styles,
    table_style,
)
from ._safety_scale import ZONE_COLOURS, every_time, scale_zones, unbroken as _unbroken
from ._text import check_printable, clean, para, without_source_keys

__all__ = ["BOX", "footer_text", "handout_bytes", "header_rows", "issue_moment", "long_date", "write_handout"]

#: Each of the two pictures (start, end) of an exercise: side by side they fill the text width.
FRAME_GAP = 4 * mm
FRAME_W = (TEXT_W - FRAME_GAP) / 2
#: A picture is as tall as its (cropped) figure needs at full width, between these. A body lying down is about
#: seven times longer than thick: across half the page it is 10-30 mm tall, so its picture is at least 30 mm
#: tall (team-default: issue 14, "a lying figure >= 30 mm tall") with the body filling the picture's width. A
#: standing figure is kept to 50 mm, so that two exercises share a page (team-default: paper).
FRAME_MIN_H = 30 * mm
FRAME_MAX_H = 50 * mm

#: The scale's colours (label background, label text, content background), shared with the workbook's Plan sheet.
_ZONE_COLOURS = {zone: tuple(colors.HexColor(f"#{c}") for c in rgb) for zone, rgb in ZONE_COLOURS.items()}


def long_date(d: dt.date, language: str = "en") -> str:
    """'3 March 2025': spelt out, so no reader confuses day and month."""
    return _labels.long_date(d, language)


def patient_text(text: str) -> str:
    """A protocol's text as the patient reads it: without the source keys kept for the reviewer."""
    return without_source_keys(text)


# ------------------------------------------------------------------ page 1


def header_rows(plan: Plan) -> list[tuple[str, str]]:
    """Who, what and when, as label and text: the top of the workbook's Plan sheet."""
    lang = plan.language
    L = labels(lang)
    version = L["version"].format(n=plan.version) if plan.version else L["draft"]
    return [
        (L["patient"], L["born"].format(name=plan.patient.name, year=plan.patient.birth_year)),
        (L["therapist"], plan.therapist),
        (L["plan"], f"{plan.id}, {version}"),
        (L["programme"], plan.protocol_title),
        (L["phase"], phase_of(plan.phase_name, plan, L)),
        (L["dates"], L["date_range"].format(start=long_date(plan.start, lang), end=long_date(plan.end, lang),
                                            weeks=_labels.weeks(plan.weeks, lang))),
    ]


def phase_of(name: str, plan: Plan, L: dict[str, str]) -> str:
    """The phase with its place in the programme, said once: "Phase 1 of 3 — Getting used to the board" when the
    name already starts with its number ("Phase 1 — ..."), else "Early phase (phase 1 of 3)"."""
    n, total = plan.phase_index + 1, plan.phase_count
    numbered = re.match(rf"(\w+ {n})(?!\d)", name)
    if numbered:
        return name[:numbered.end()] + L["of_total"].format(total=total) + name[numbered.end():]
    return L["phase_of"].format(name=name, n=n, total=total)


def _who_and_what(plan: Plan) -> list[tuple[str, str]]:
    """Page 1's first table, label and text: who (patient, therapist) and what (programme with its phase and
    version, dates). The clinic's name and phone are where the patient needs them: in the scale ("Not sure?
    Call ...") and in how to send the log back."""
    lang = plan.language
    L = labels(lang)
    dates = L["date_range"].format(start=long_date(plan.start, lang), end=long_date(plan.end, lang),
                                   weeks=_labels.weeks(plan.weeks, lang))
    version = L["version"].format(n=plan.version) if plan.version else L["draft"]
    phase = phase_of(patient_text(plan.phase_name), plan, L)
    return [(L["patient"], L["born"].format(name=plan.patient.name, year=plan.patient.birth_year)),
            (L["therapist"], plan.therapist),
            (L["programme"], f"{patient_text(plan.protocol_title)}, {phase}; {version}"),
            (L["dates"], dates)]


def _scale(plan: Plan) -> float:
    """How much larger the type is in larger print."""
    return LARGER_BODY_PT / BODY_PT if plan.larger_print else 1.0


def _header(plan: Plan, st: dict) -> list[Flowable]:
    """The title, then who and what, one fact a line with its label in bold before it (the text then has the
    page's whole width: fewer lines than a column of labels leaves); the patient and the therapist share a line."""
    (patient, who), (therapist, name), *rest = _who_and_what(plan)

    def fact(label: str, text: str, whole: bool = False) -> str:
        """Label and text; `whole`: on one line (a short name in the page's own fonts is never split)."""
        text = para(text)
        if whole and len(text) <= 40 and not any(f for f, _ in _fonts.runs(text)):
            text = text.replace(" ", "\u00a0")
        return f"<b>{para(label)}:</b>\u00a0{text}"

    lines = [f"{fact(patient, who)}\u2003 {fact(therapist, name, whole=True)}", *[fact(k, v) for k, v in rest]]
    table = Table([[Paragraph(line, st["cell"])] for line in lines], colWidths=[TEXT_W], hAlign="LEFT")
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ))
    return [Paragraph(para(labels(plan.language)["title"]), st["title"]), table]


def _at_a_glance(plan: Plan, st: dict, grouped: bool = False) -> list[Flowable]:
    """Every exercise with its dose, one row each: the whole plan on the fridge. `grouped` (a long plan): the
    exercises done equally often under a line saying how often, each row saying how much."""
    heading = Paragraph(para(labels(plan.language)["at_a_glance"]), st["h2"])
    return [heading, _glance_table(plan, st, _glance_rows(plan, st, grouped), grouped)]


def _glance_rows(plan: Plan, st: dict, grouped: bool) -> list[tuple[str, list]]:
    """The list's rows as (kind, cells): "head" (the column headings), "group" (how often) or "exercise"."""
    L = labels(plan.language)
    if grouped:  # each row says how much after the name: no column headings
        return _grouped_rows(plan, st)
    return [("head", [Paragraph("", st["cell"]), Paragraph(f"<b>{para(L['exercise_col'])}</b>", st["cell"]),
                      Paragraph(f"<b>{para(L['how_much'])}</b>", st["cell"])]),
            *[("exercise", [Paragraph(f"<b>{n}.</b>", st["cell"]),
                            Paragraph(para(patient_text(pe.exercise.name)), st["cell"]),
                            Paragraph(para(pe.dose.summary(plan.language)), st["cell"])])
              for n, pe in enumerate(plan.exercises, 1)]]


def _glance_table(plan: Plan, st: dict, rows: list[tuple[str, list]], grouped: bool) -> Table:
    """The list's table of `rows` (all of them, or the part on one page)."""
    num = _number_width(len(plan.exercises), st)
    name_w = (TEXT_W - num) * (0.52 if grouped else 0.42)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
             ("LEFTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    for i, (kind, _) in enumerate(rows):
        if kind == "head":
            style.append(("BACKGROUND", (0, i), (-1, i), SHADE))
        elif kind == "group":
            style += [("SPAN", (0, i), (-1, i)), ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f6f6f6"))]
        elif grouped:
            style.append(("SPAN", (1, i), (2, i)))
    table = Table([cells for _, cells in rows], colWidths=[num, name_w, TEXT_W - num - name_w], hAlign="LEFT",
                  repeatRows=1 if rows and rows[0][0] == "head" else 0)
    table.setStyle(table_style(*style))
    return table


def how_much_and_how_often(pe: PlannedExercise, language: str) -> tuple[str, str]:
    """The dose in two parts, "10 times, hold 5 s" and "2 sessions a day, every day": together, in this order,
    the dose's one line (Dose.summary puts how often last)."""
    dose = pe.dose
    often = dose.model_copy(update={k: None for k in ("sets", "reps", "hold_s", "duration_s", "angle_deg", "rest_s")}
                            | {"per_side": False})
    much = dose.model_copy(update={"sessions_per_day": None, "days_per_week": None})
    return much.summary(language), often.summary(language)


def _grouped_rows(plan: Plan, st: dict) -> list[tuple[str, list]]:
    """Rows of the exercises done equally often, each group under a shaded line saying how often."""
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for n, pe in enumerate(plan.exercises, 1):
        much, often = how_much_and_how_often(pe, plan.language)
        groups.setdefault(often, []).append((n, patient_text(pe.exercise.name), much))
    rows: list[tuple[str, list]] = []
    for often, members in groups.items():
        if often:
            rows.append(("group", [Paragraph(f"<b>{para(often[:1].upper() + often[1:])}:</b>", st["cell"]), "", ""]))
        rows += [("exercise", [Paragraph(f"<b>{n}.</b>", st["cell"]),
                               Paragraph(f"{para(name)} \u2013 <b>{para(much)}</b>", st["cell"]), ""])
                 for n, name, much in members]
    return rows


def _number_width(count: int, st: dict) -> float:
    """The number column: as wide as "12." in bold, so a number never wraps."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(f"{count}.", _fonts.SANS_BOLD, st["cell"].fontSize) + 12  # with the cell padding


def _safety_scale(plan: Plan, clinic: ClinicProfile | None, st: dict) -> list[Flowable]:
    """One scale, three coloured zones: normal: carry on / ease off or stop, and whom to call / emergency.

    The zone's name on the left in its colour (the emergency number under "emergency"), its texts on a tint on
    the right. Whom to call when not sure (the clinic's name and phone, long) closes "ease off or stop" on a bar of
    its colour across the whole width, so that it stays on one line."""
    L = labels(plan.language)
    label_w = _zone_label_width(plan, st)
    rows, style = [], [("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                       ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                       ("BOX", (0, 0), (-1, -1), 1.2, GRID)]
    for z in scale_zones(plan, clinic):
        fill, ink, tint = _ZONE_COLOURS[z.key]
        label = [Paragraph(para(z.name), st["zone"].clone(f"zone-{z.key}", textColor=ink))]
        bullet = len(z.lines) > 1
        body = [Paragraph(("• " if bullet else "") + para(t), st["bullet"] if bullet else st["cell"]) for t in z.lines]
        if z.call and z.key == "emergency":
            label.append(Paragraph(para(z.call), st["cell"].clone(f"call-{z.key}", textColor=ink, spaceBefore=2)))
        i = len(rows)
        rows.append([label, body])
        style += [("BACKGROUND", (0, i), (0, i), fill), ("BACKGROUND", (1, i), (1, i), tint)]
        if z.call and z.key != "emergency":
            call = para(z.call)
            if clinic is not None:  # the number stands out
                call = call.replace(para(_unbroken(clinic.phone)), f"<b>{para(_unbroken(clinic.phone))}</b>")
            rows.append([Paragraph(call, st["cell"].clone(f"call-{z.key}", textColor=ink)), ""])
            style += [("SPAN", (0, i + 1), (1, i + 1)), ("BACKGROUND", (0, i + 1), (1, i + 1), fill)]
        style.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 1.2, colors.white))
    table = Table(rows, colWidths=[label_w, TEXT_W - label_w], hAlign="LEFT")
    table.setStyle(table_style(*style))
    # The scale may split between its rows (a long plan's page 1 is full): its title is never left alone.
    return [CondPageBreak(90), Paragraph(para(L["scale_title"]), st["h2"].clone("h2-free", keepWithNext=0)), table]


def _zone_label_width(plan: Plan, st: dict) -> float:
    """The scale's left column: as wide as its longest word needs (a narrow column leaves the texts room)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    L = labels(plan.language)
    words = [w for key in ("zone_normal", "zone_ease", "zone_emergency") for w in L[key].split()]
    longest = max(stringWidth(w, _fonts.SANS_BOLD, st["zone"].fontSize) for w in words)
    return max(longest + 10, 30 * mm * _scale(plan))


def _log_howto(plan: Plan, clinic: ClinicProfile | None, st: dict) -> list[Flowable]:
    """Three short numbered lines on the log: each day tick and pain once, the weekly check, send it back."""
    lang = plan.language
    L = labels(lang)
    end = long_date(plan.end, lang).rstrip(".")  # the sentence's own full stop ends "2026 г."
    back = (L["log_return"].format(who=clinic.name, end=end) if clinic is not None
            else L["log_return_therapist"].format(end=end))
    lines = [L["log_daily"], L["log_week"], back]
    return [KeepTogether([Paragraph(para(L["log_title"]), st["h2"]),
                          *[Paragraph(f"{i}. {para(t)}", st["step"]) for i, t in enumerate(lines, 1)]])]


def _every_time(plan: Plan, st: dict) -> list[Flowable]:
    """How to exercise safely, every time (the protocol's "always" stop rules): read just before exercise 1."""
    always = every_time(plan)
    if not always:
        return []
    return [Paragraph(para(labels(plan.language)["every_time"]), st["h3"]),
            *[Paragraph("• " + para(t), st["bullet"]) for t in always]]


def _notes(plan: Plan, st: dict) -> list[Flowable]:
    if not plan.notes:
        return []
    L = labels(plan.language)
    return [Paragraph(para(L["notes_from_therapist"]), st["h2"]),
            *[Paragraph("• " + para(n), st["bullet"]) for n in plan.notes]]


# ------------------------------------------------------------------ each exercise


def _figures(pe: PlannedExercise, language: str) -> list:
    """The exercise's start and end pictures (or its one picture, for a drawing made before the split)."""
    from .. import figures

    frames = getattr(figures, "exercise_frames", None)
    if frames is not None:
        return list(figures.cropped(frames(pe.exercise.id, pe.dose, language=language)))
    return [figures.exercise_figure(pe.exercise.id, pe.dose, language=language)]


def _frame_height(figs: list, width: float) -> float:
    """As tall as the tallest figure needs at this width, kept between FRAME_MIN_H and FRAME_MAX_H."""
    need = 0.0
    for fig in figs:
        x0, y0, x1, y1 = fig.bbox
        need = max(need, width * (y1 - y0) / max(x1 - x0, 1e-6))
    return min(max(need, FRAME_MIN_H), FRAME_MAX_H)


def _pictures(pe: PlannedExercise, st: dict, language: str) -> Flowable:
    """Start and end side by side, each half the text width, captioned; an empty frame when there is no pose.

    A plan issued from an older library may name an exercise that has no pose any more: the handout is
    still complete without its picture, so the empty frame stands in rather than failing the export."""
    from ..errors import PhysioError
    from ..figures.backends import to_flowable

    L = labels(language)
    try:
        figs = _figures(pe, language)
    except PhysioError:
        return EmptyFrame(TEXT_W, FRAME_MIN_H)

    def draw(fig, width: float, height: float) -> Flowable:
        return to_flowable(fig, width, height, font_name=_fonts.SANS, bold_font_name=_fonts.SANS_BOLD)

    if len(figs) == 1:
        return draw(figs[0], TEXT_W, _frame_height(figs, TEXT_W))
    height = _frame_height(figs, FRAME_W)
    table = Table([[draw(figs[0], FRAME_W, height), draw(figs[1], FRAME_W, height)],
                   [Paragraph(para(L["start_frame"]), st["caption"]), Paragraph(para(L["end_frame"]), st["caption"])]],
                  colWidths=[FRAME_W + FRAME_GAP / 2, FRAME_W + FRAME_GAP / 2], hAlign="LEFT")
    table.setStyle(table_style(("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 1), (-1, 1), 3),
                               ("BOX", (0, 0), (0, 0), 0.5, GRID), ("BOX", (1, 0), (1, 0), 0.5, GRID)))
    return table


def _exercise_block(n: int, pe: PlannedExercise, st: dict, language: str = "en") -> list[Flowable]:
    """One exercise: name, the dose in large type, the two pictures, then the aim and numbered steps.

    Kept together, so a patient never has to turn the page in the middle of an exercise (a block taller
    than a whole page still flows on)."""
    ex = pe.exercise
    L = labels(language)

    def labelled(label: str, text: str) -> Paragraph:
        return Paragraph(f"<b>{para(label)}:</b> {para(patient_text(text))}", st["body"])

    block: list[Flowable] = [
        Paragraph(f"{n}. {para(patient_text(ex.name))}", st["h2"]),
        Paragraph(para(pe.dose.summary(language)), st["dose"]),
        _pictures(pe, st, language),
        labelled(L["aim"], ex.aim),
    ]
    start = f"<b>{para(L['starting_position'])}:</b> {para(patient_text(ex.starting_position))}"
    if ex.equipment:  # "You need: mat" is short: it ends the starting position's paragraph
        start += f" <b>{para(L['you_need']).replace(' ', chr(0xa0))}:</b> {para(patient_text(', '.join(ex.equipment)))}"
    block.append(Paragraph(start, st["body"]))
    block.append(Paragraph(para(L["how_to"]), st["h3"]))
    block += [Paragraph(f"{i}. {para(patient_text(s))}", st["step"]) for i, s in enumerate(ex.steps, 1)]
    block.append(labelled(L["breathing"], ex.breathing))
    if len(ex.cautions) == 1:
        block.append(labelled(L["take_care"], ex.cautions[0]))
    elif ex.cautions:
        block.append(Paragraph(para(L["take_care"]), st["h3"]))
        block += [Paragraph("• " + para(patient_text(c)), st["bullet"]) for c in ex.cautions]
    if pe.note:
        block.append(Paragraph(f"<b>{para(L['therapist_note'])}:</b> {para(pe.note)}", st["body"]))
    return [KeepTogether(block)]


# ------------------------------------------------------------------ calendar


def _calendar(plan: Plan, sessions: list[ScheduledSession], st: dict) -> list[Flowable]:
    """The tick-box calendar on pages turned sideways: four weeks or more a page, a row per exercise."""
    L = labels(plan.language)
    out: list[Flowable] = [NextPageTemplate("calendar"), PageBreak(),
                           Paragraph(para(L["calendar"]), st["h2"]), Paragraph(para(L["calendar_rows"]), st["body"])]
    for i, block in enumerate(calendar_blocks(plan, sessions, plan.larger_print)):
        if i:
            out.append(PageBreak())
        out.append(block)
    return out


# ------------------------------------------------------------------ the document


def footer_text(plan: Plan) -> str:
    """The line on every page saying whose plan this is and that it does not replace the therapist."""
    return labels(plan.language)["footer"].format(therapist=plan.therapist, patient=plan.patient.name)


def _story(plan: Plan, sessions: list[ScheduledSession], clinic: ClinicProfile | None) -> list[Flowable]:
    st = styles(plan.larger_print)
    L = labels(plan.language)
    story = _page_one(plan, clinic, st)
    # The therapist's notes and how to exercise safely, read before exercise 1 (on page 2, or after page 1's
    # list where that goes on over the page); each exercise follows, whole, on this page or the next.
    story.append(KeepTogether([
        *_notes(plan, st), Paragraph(para(L["your_exercises"]), st["h2"]),
        Paragraph(f"<b>{para(L['aim_of_phase'])}:</b> {para(patient_text(plan.phase_goal))}", st["body"]),
        *_every_time(plan, st)]))
    for n, pe in enumerate(plan.exercises, 1):
        story += _exercise_block(n, pe, st, plan.language)
    story += _calendar(plan, sessions, st)
    return story


#: Between the footer's rule and the text above it.
FOOTER_GAP = 3 * mm
#: The height of an upright page's text frame (see `document`).
PAGE_TEXT_H = PAGE_H - TOP_MARGIN - FOOTER_H - FOOTER_GAP


def _page_one(plan: Plan, clinic: ClinicProfile | None, st: dict) -> list[Flowable]:
    """Page 1 on a page of its own: who and what, every exercise with its dose, the scale, the log.

    The exercises are listed one a row with the whole dose; when that would push the scale or the log onto
    page 2 (a long plan), grouped by how often they are done, each row saying how much. When even that does
    not fit (many exercises in larger print), safety comes first: who, the scale with the clinic's phone and
    the log stay on page 1, the list follows as far as it fits, says that it is continued on the next page, and
    goes on at the top of page 2 under its heading "(continued)"."""
    st = _tight(st, _scale(plan))
    header, scale, log = _header(plan, st), _safety_scale(plan, clinic, st), _log_howto(plan, clinic, st)
    for grouped in (False, True):
        page = [*header, *_at_a_glance(plan, st, grouped), *scale, *log]
        if _height(page) <= PAGE_TEXT_H:
            return [*page, PageBreak()]
    return [*header, *scale, *log, *_list_over_the_page(plan, st, PAGE_TEXT_H - _height([*header, *scale, *log]))]


def _list_over_the_page(plan: Plan, st: dict, room: float) -> list[Flowable]:
    """The grouped list after the log: as many rows as fit in `room` on page 1 (never a line saying how often
    alone at its foot), "continued on the next page", then the rest on page 2 under "... (continued)" (with the
    line saying how often of a group split in two)."""
    L = labels(plan.language)
    rows = _glance_rows(plan, st, grouped=True)
    heading = Paragraph(para(L["at_a_glance"]), st["h2"])
    more = Paragraph(para(L["continued_next"]), st["cell"].clone("continued", alignment=2, spaceBefore=2))
    room -= _height([heading, more]) + 2  # 2 pt spare: a rounding never pushes a row over
    fits = 0
    while fits < len(rows) and _height([_glance_table(plan, st, rows[:fits + 1], True)]) <= room:
        fits += 1
    while fits and rows[fits - 1][0] == "group":
        fits -= 1
    if room < 0 or fits == len(rows):  # page 1 is already full, or (rounding) all of it fits: it flows on
        return [heading, _glance_table(plan, st, rows, True)]
    rest = rows[fits:]
    group = next((row for row in reversed(rows[:fits]) if row[0] == "group"), None)
    if rest[0][0] != "group" and group is not None:
        rest.insert(0, group)
    first = [_glance_table(plan, st, rows[:fits], True)] if fits else []  # none fits: the heading says where
    return [heading, *first, more, PageBreak(),
            Paragraph(para(L["at_a_glance_more"]), st["h2"]), _glance_table(plan, st, rest, True)]


def _tight(st: dict, k: float) -> dict:
    """Page 1's styles: the same type, less space between lines and paragraphs (a full page 1 keeps all it must).

    Headings are 16 pt in both prints (larger print's body is 14 pt, so they still stand out); lines are 1.16
    times their type apart (1.2 elsewhere)."""
    def lines(style, name: str, **more):
        return style.clone(name, leading=round(style.fontSize * 1.16, 2), **more)

    return {**st, "h2": st["h2"].clone("h2-page1", fontSize=16, leading=18, spaceBefore=2 * k, spaceAfter=1.5 * k),
            "title": st["title"].clone("title-page1", fontSize=22, leading=25, spaceAfter=0),  # large in both
            "cell": lines(st["cell"], "cell-page1"), "zone": lines(st["zone"], "zone-page1"),
            "step": lines(st["step"], "step-page1", spaceAfter=0.5 * k),
            "bullet": lines(st["bullet"], "bullet-page1", spaceAfter=0.5 * k)}


def _height(flowables: list[Flowable]) -> float:
    """How tall the flowables stand one after another at the text width (the space between them included)."""
    from reportlab.platypus.flowables import _listWrapOn

    flat = [g for f in flowables for g in (f._content if isinstance(f, KeepTogether) else [f])]
    return _listWrapOn(flat, TEXT_W, None)[1]


def printed_texts(plan: Plan) -> list[tuple[str, str, str]]:
    """Every piece of plan text the handout or the therapist's summary prints: (text, where from, other way out)."""
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


def check_printable_plan(plan: Plan, clinic: ClinicProfile | None = None) -> None:
    """Refuse, before anything is drawn, text that would print as empty boxes, saying where it is."""
    texts = printed_texts(plan)
    if clinic is not None:
        texts += [(clinic.name, f"the clinic's name {clinic.name!r}", "write it without those characters")]
    for text, what, instead in texts:
        if not text.isascii():
            check_printable(clean(text), what, instead)


def document(buf: io.BytesIO, plan: Plan, title: str, subject: str) -> BaseDocTemplate:
    """An A4 document with upright pages for text and sideways pages for the calendar."""
    doc = BaseDocTemplate(
        buf, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
        bottomMargin=MARGIN + FOOTER_H, title=clean(title), author=clean(plan.therapist), subject=clean(subject),
        creator="physio", producer="physio", invariant=1, initialFontName=_fonts.SANS, lang=plan.language,
    )
    bottom = FOOTER_H + FOOTER_GAP
    upright = Frame(MARGIN, bottom, PAGE_W - 2 * MARGIN, PAGE_H - TOP_MARGIN - bottom, id="text",
                    leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    lw, lh = LANDSCAPE
    sideways = Frame(MARGIN, bottom, lw - 2 * MARGIN, lh - TOP_MARGIN - bottom, id="calendar",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("text", [upright], pagesize=(PAGE_W, PAGE_H)),
                          PageTemplate("calendar", [sideways], pagesize=LANDSCAPE)])
    return doc


def build(doc: BaseDocTemplate, story: list[Flowable], plan: Plan, what: str, page_label: str, footer: str) -> None:
    """Lay the story out, turning reportlab's "too large on page" into one plain sentence."""
    try:
        doc.build(story, canvasmaker=canvas_maker(plan, footer, page_label))
    except LayoutError as e:
        raise ExportError(
            f"the {what} of plan {plan.label} could not be laid out on A4: a piece of text (a name, note or "
            "reason) is too long to fit on one page; shorten it and export again"
        ) from e


def handout_bytes(plan: Plan, clinic: ClinicProfile | None = None) -> bytes:
    """The handout PDF for `plan`, complete, in memory. The same plan always gives the same bytes.

    `clinic` (the workspace's ws.clinic_profile()) puts the clinic's name and phone on page 1."""
    ensure_safe(plan)
    return _handout(plan, schedule(plan), clinic)


def _handout(plan: Plan, sessions: list[ScheduledSession], clinic: ClinicProfile | None = None) -> bytes:
    if not plan.exercises:
        raise ExportError(
            f"plan {plan.label} for patient {plan.patient.id} has no exercises, so there is no handout to make; "
            "add at least one exercise to the plan first"
        )
    _fonts.register_fonts()
    check_printable_plan(plan, clinic)
    L = labels(plan.language)
    buf = io.BytesIO()
    doc = document(buf, plan, L["doc_title"].format(name=plan.patient.name),
                   f"{plan.protocol_title}, {plan.phase_name}, {plan.label}")
    build(doc, _story(plan, sessions, clinic), plan, "handout", L["page"], footer_text(plan))
    return buf.getvalue()


def write_handout(plan: Plan, path: str | Path, clinic: ClinicProfile | None = None) -> Path:
    """Build the handout in memory, then write it to `path` in one step (nothing is left half-written)."""
    return write_atomic(path, handout_bytes(plan, clinic), error=ExportError)
