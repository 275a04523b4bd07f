"""The adherence report PDF for the patient's file: the numbers, the charts, the outcome measures over time and the
recommendation with its reasons.

Built in memory (adherence_report_bytes), written in one step (write_adherence_report). Fonts are the embedded
DejaVu family of the handout, so Cyrillic names and notes print anywhere.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Mapping, Sequence

from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .. import charts
from .._atomic import write_atomic
from ..adherence import AdherenceSummary, pct
from ..errors import ExportError
from ..measures import Measure, Result
from ..models import Plan
from ..progression import Recommendation
from . import _fonts
from ._text import clean, para

MARGIN = 16 * mm
_WIDTH = A4[0] - 2 * MARGIN


#: Recommendation box colours (border, background): red asks for a review, amber a step back, green advance.
_ACTION_COLOURS = {
    "refer": ("#b3261e", "#fbe9e7"),
    "review": ("#8e24aa", "#f5e9f7"),
    "step_back": ("#b26a00", "#fff4e0"),
    "hold": ("#0b4f8a", "#eef4fb"),
    "advance": ("#2e7d32", "#edf7ee"),
    "no_log": ("#5f6368", "#f1f3f4"),
}
_RULE = colors.HexColor("#b0b0b0")
_HEAD_BG = colors.HexColor("#eef0f3")


def _styles() -> dict[str, ParagraphStyle]:
    sans, bold = _fonts.SANS, _fonts.SANS_BOLD
    grey = colors.HexColor("#555555")
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", fontName=sans, fontSize=9, leading=12, textColor=grey),
        "h": ParagraphStyle("h", fontName=bold, fontSize=11.5, leading=14, spaceBefore=9, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=sans, fontSize=9.5, leading=12.5, alignment=TA_LEFT),
        "small": ParagraphStyle("small", fontName=sans, fontSize=8.2, leading=10.2),
        "small_bold": ParagraphStyle("small_bold", fontName=bold, fontSize=8.2, leading=10.2),
        "label": ParagraphStyle("label", fontName=sans, fontSize=7.5, leading=9, textColor=grey),
        "tile": ParagraphStyle("tile", fontName=bold, fontSize=15, leading=18),
        "action": ParagraphStyle("action", fontName=bold, fontSize=13, leading=16),
        "note": ParagraphStyle("note", fontName=sans, fontSize=7.5, leading=9.5, textColor=grey),
    }


def _png(fig: Figure, width: float) -> Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, facecolor="white", metadata={"Software": None})
    w, h = fig.get_size_inches()
    buf.seek(0)
    return Image(buf, width=width, height=width * h / w)


def _table(rows: list[list[object]], st: dict, widths: list[float] | None = None, *, numeric_from: int = 1,
           header_bg=_HEAD_BG) -> Table:
    """A ruled table: bold header row on a tint, thin rules between rows, numbers right-aligned."""
    right = ParagraphStyle("right", parent=st["small"], alignment=TA_RIGHT)
    head_right = ParagraphStyle("head_right", parent=st["small_bold"], alignment=TA_RIGHT)
    head = [Paragraph(para(c), head_right if i >= numeric_from else st["small_bold"]) for i, c in enumerate(rows[0])]
    body = [[Paragraph(para(c), right if i >= numeric_from else st["small"]) for i, c in enumerate(r)]
            for r in rows[1:]]
    t = Table([head, *body], colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), _fonts.SANS),
        ("BACKGROUND", (0, 0), (-1, 0), header_bg),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor("#666666")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#666666")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return t


def _tiles(s: AdherenceSummary, st: dict) -> Table:
    """The four figures a therapist looks at first, large."""
    pain = "–" if s.last_week_pain is None else f"{s.last_week_pain:.1f}/10"
    if s.pain_change is None:
        trend = "–"
        trend_note = "needs two weeks with pain scores"
    else:
        c = s.pain_change
        trend = f"{c.points:+.1f}"
        trend_note = (("better" if c.points < 0 else "worse") if c.important else "no important change") + \
            f", week {c.first_week} to {c.last_week}"
    cells = [
        ("Sessions done", pct(s.adherence), f"{s.sessions_done} of {s.sessions_scheduled} scheduled"),
        ("Minutes done", pct(s.duration_adherence),
         "of prescribed time" if s.duration_adherence is not None else "no timed exercise reported"),
        ("Pain, last week", pain, "mean of session scores"),
        ("Pain change", trend, trend_note),
    ]
    row = [[Paragraph(para(a), st["label"]), Paragraph(para(b), st["tile"]), Paragraph(para(c), st["label"])]
           for a, b, c in cells]
    t = Table([row], colWidths=[_WIDTH / 4] * 4)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), _fonts.SANS),
        ("BOX", (0, 0), (-1, -1), 0.5, _RULE),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return t


def _recommendation_box(rec: Recommendation, st: dict) -> Table:
    border, fill = (colors.HexColor(c) for c in _ACTION_COLOURS[rec.action])
    action = ParagraphStyle("action_c", parent=st["action"], textColor=border)
    # one row per reason, so a long list of red flags runs on to the next page instead of overflowing it
    box = [[Paragraph(para(rec.label), action)]]
    box += [[Paragraph(para("• " + _printable(r)), st["body"])] for r in rec.reasons]
    t = Table(box, colWidths=[_WIDTH])
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), _fonts.SANS),
        ("BOX", (0, 0), (-1, -1), 1.2, border),
        ("LINEBEFORE", (0, 0), (0, -1), 5, border),
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    return t


def _printable(text: str) -> str:
    """Patient-written text with any character no installed font prints shown as [?] (never a failed report)."""
    for ch in _fonts.unprintable(text):
        text = text.replace(ch, "[?]")
    return text


def _flag_table(s: AdherenceSummary, st: dict) -> Table:
    """Every flag: its level, the date of the note, the row, and the message with the patient's matched words bold."""
    from ..redflags import LEVEL_WORD, highlight, snippet

    rows = [["Level", "Date", "Row", "What to look at"]]
    marked: dict[int, str] = {}
    on, off = "@@physio-b@@", "@@/physio-b@@"
    for i, f in enumerate(s.flags, 1):
        message = f.message
        if f.text:
            plain, bold = highlight(*snippet(f.text, f.spans)), highlight(*snippet(f.text, f.spans), on, off)
            message = message.replace(plain, bold)
        marked[i] = para(_printable(message)).replace(on, "<b>").replace(off, "</b>")
        rows.append([LEVEL_WORD.get(f.level or "", "") or f.kind.replace("-", " "),
                     f"{f.date:%d.%m.%Y}" if f.date else "no date", f.row or "", ""])
    t = _table(rows, st, [0.15 * _WIDTH, 0.11 * _WIDTH, 0.06 * _WIDTH, 0.68 * _WIDTH], numeric_from=99,
               header_bg=colors.HexColor("#fbe9e7"))
    for i, message in marked.items():
        t._cellvalues[i][3] = Paragraph(message, st["small"])
    return t


def _facts(plan: Plan, s: AdherenceSummary, st: dict) -> Table:
    """Who and what the report is about, as label/value pairs in two columns."""
    as_of = f"{s.as_of:%d.%m.%Y}" if s.as_of else "nothing logged yet"
    birth = f" (born {plan.patient.birth_year})" if getattr(plan.patient, "birth_year", None) else ""
    pairs = [
        ("Patient", f"{plan.patient.name}{birth}"), ("Therapist", plan.therapist),
        ("Programme", plan.protocol_title), ("Phase", plan.phase_name),
        ("Plan", plan.label), ("Plan period", f"{plan.start:%d.%m.%Y} – {plan.end:%d.%m.%Y}"),
        ("Counted up to", as_of), ("Weeks done", str(s.weeks_elapsed)),
    ]
    rows = []
    for i in range(0, len(pairs), 2):
        row = []
        for label, value in pairs[i:i + 2]:
            row += [Paragraph(para(label), st["label"]), Paragraph(para(value), st["small"])]
        rows.append(row)
    t = Table(rows, colWidths=[0.13 * _WIDTH, 0.37 * _WIDTH, 0.13 * _WIDTH, 0.37 * _WIDTH])
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), _fonts.SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, _RULE),
    ]))
    return t


def _story(plan: Plan, s: AdherenceSummary, rec: Recommendation, outcomes: Sequence[Result] | None = None,
           measures: Mapping[str, Measure] | None = None) -> list:
    st = _styles()
    story: list = [
        Paragraph(para(f"Adherence report: {plan.patient.name}"), st["title"]),
        Paragraph(para("How the home programme was kept, how the pain went, and the suggested next step."),
                  st["subtitle"]),
        Spacer(1, 6),
        _facts(plan, s, st),
        Spacer(1, 8),
        _recommendation_box(rec, st),
        Spacer(1, 8),
        _tiles(s, st),
    ]
    if s.flags:
        story += [Paragraph("Flags to look at (red flags first, most urgent first)", st["h"]), _flag_table(s, st)]
    story += _outcomes_section(outcomes, measures, st)
    figures = [
        ["Sessions scheduled up to the date", s.sessions_scheduled, "Reported not done", s.sessions_not_done],
        ["Sessions done", s.sessions_done, "Not reported", s.sessions_not_reported],
        ["Extra sessions (patient's own)", s.extra_sessions, "Minutes done / prescribed",
         f"{s.minutes_done:g} / {s.minutes_prescribed:g}" if s.minutes_prescribed else "–"],
        ["Longest streak, every session done", _days(s.streak.days), "Longest gap, nothing done", _days(s.gap.days)],
    ]
    t = Table([[Paragraph(para(c), st["small"] if i % 2 == 0 else ParagraphStyle(
        "r", parent=st["small_bold"], alignment=TA_RIGHT)) for i, c in enumerate(r)] for r in figures],
        colWidths=[0.34 * _WIDTH, 0.14 * _WIDTH, 0.34 * _WIDTH, 0.18 * _WIDTH])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), _fonts.SANS), ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                           ("RIGHTPADDING", (2, 0), (2, -1), 2), ("LEFTPADDING", (2, 0), (2, -1), 14),
                           ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    story += [Paragraph("The numbers", st["h"]), t]
    if s.pain_change is not None:
        story += [Spacer(1, 4), Paragraph(para("Pain: " + s.pain_change.verdict), st["small"])]

    target = plan.progression.advance.min_adherence
    story += [
        KeepTogether([Paragraph("Charts", st["h"]), _png(charts.weekly_adherence(s, target=target), _WIDTH)]),
        Spacer(1, 6),
        _png(charts.pain_over_time(s), _WIDTH),
        Spacer(1, 6),
        _png(charts.calendar_heatmap(s), _WIDTH),
    ]
    week_rows = [["Week", "Dates", "Done / scheduled", "Adherence", "Pain (mean)", "Pain before", "Pain after",
                  "Minutes done / prescribed"]]
    for w in s.weekly:
        week_rows.append([
            w["week"], f"{w['start']:%d.%m}–{w['end']:%d.%m}", f"{w['done']} / {w['scheduled']}", pct(w["adherence"]),
            "–" if w["pain"] is None else f"{w['pain']:.1f}",
            "–" if w["pain_before"] is None else f"{w['pain_before']:.1f}",
            "–" if w["pain_after"] is None else f"{w['pain_after']:.1f}",
            f"{w['minutes_done']:g} / {w['minutes_prescribed']:g}" if w["minutes_prescribed"] else "–",
        ])
    story += [Paragraph("Week by week", st["h"]),
              _table(week_rows, st, [0.07 * _WIDTH, 0.15 * _WIDTH, 0.14 * _WIDTH, 0.11 * _WIDTH, 0.1 * _WIDTH,
                                     0.1 * _WIDTH, 0.1 * _WIDTH, 0.23 * _WIDTH], numeric_from=2)]
    ex_rows = [["Exercise", "Done / scheduled", "Adherence", "Minutes done / prescribed"]]
    for e in s.exercises:
        ex_rows.append([e["exercise"], f"{e['done']} / {e['scheduled']}", pct(e["adherence"]),
                        f"{e['minutes_done']:g} / {e['minutes_prescribed']:g}" if e["duration_adherence"] is not None
                        else "–"])
    story += [Paragraph("Exercise by exercise", st["h"]),
              _table(ex_rows, st, [0.46 * _WIDTH, 0.18 * _WIDTH, 0.14 * _WIDTH, 0.22 * _WIDTH])]
    story += [Spacer(1, 8), Paragraph(para(
        "How to read this report. Adherence = scheduled sessions done ÷ sessions scheduled up to the "
        "\"counted up to\" date; sessions the patient added are counted apart and never raise it. Minutes are "
        "compared with the prescription only for timed exercises whose minutes the patient wrote down. Session "
        "pain is the higher of the before and after scores; a change of 2 points or 30% is clinically important "
        "[O1]; pain of 6 or more means stop or regress [T1]. The recommendation follows the phase's rules in the "
        "protocol file and supports, and does not replace, the therapist's judgement."), st["note"])]
    return story


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _outcomes_section(outcomes: Sequence[Result] | None, measures: Mapping[str, Measure] | None, st: dict) -> list:
    """Each outcome measure the patient has: a table row (baseline, latest, change, the change that matters, band or
    risk group) and its chart over time with the baseline and the band of change that does not matter."""
    from ..charts_measures import chart_title, measure_over_time
    from ..measures import default_measures, format_value, part_changes, trends

    def _part(m: Measure, v: float | None) -> str:
        return "not enough answers" if v is None else format_value(m, v)

    if outcomes is None:  # not looked up by the caller: say nothing rather than "none recorded"
        return []
    head = Paragraph("Outcome measures", st["h"])
    if not outcomes:
        return [head, Paragraph("No outcome measures are recorded for this patient yet.", st["small"])]
    measures = measures if measures is not None else default_measures()
    rows = [["Measure", "Baseline", "Latest", "Change", "Change that matters", "Band or risk group"]]
    charts: list = []
    for t in trends(outcomes, measures):
        m = measures[t.measure_id]
        if t.baseline is None:
            rows.append([m.short_name, "no score", "", "", "", f"{t.unscored} sheet(s) without enough answers"])
            continue
        latest = t.recent.short(m) if t.recent else f"{format_value(m, t.latest.score.value)} ({t.latest.on:%d.%m.%Y})"
        change = "–" if t.change is None else f"{t.change:+.3g}"
        matters = "–" if t.matters is None else \
            f"{round(t.matters, 2):g} [{m.meaningful_change.source.split(':')[0]}]"
        rows.append([m.short_name, t.base.short(m), latest, change, matters, t.latest.score.band or ""])
        for p in part_changes(m, t):
            rows.append([f"   {p.name}", _part(m, p.baseline), _part(m, p.latest),
                         "–" if p.change is None else f"{p.change:+.2g}",
                         "–" if p.matters is None else f"{p.matters:g} [{p.source.split(':')[0]}]", ""])
        charts.append(KeepTogether([
            Paragraph(para(chart_title(m)), st["small_bold"]),
            _png(measure_over_time(m, outcomes, show_title=False), _WIDTH),
            Spacer(1, 4)]))
    table = _table(rows, st, [0.16 * _WIDTH, 0.18 * _WIDTH, 0.18 * _WIDTH, 0.1 * _WIDTH, 0.17 * _WIDTH,
                              0.21 * _WIDTH], numeric_from=99)
    note = Paragraph(para(
        "Baseline = the first week of scored results, latest = the last week (results less than a week apart are one "
        "time point, their mean shown); the grey band on each chart is the baseline ± the change that matters "
        "(the instrument's points, or its percentage of the baseline where the source gives one, whichever is "
        "smaller). A result outside the band is a change that matters."), st["note"])
    return [head, table, Spacer(1, 3), note, Spacer(1, 4), *charts]


def _footer(plan: Plan, s: AdherenceSummary):
    as_of = f"{s.as_of:%d.%m.%Y}" if s.as_of else "no log yet"
    text = clean(f"{plan.patient.name} · {plan.label} · adherence as of {as_of}")

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, MARGIN - 4 * mm, A4[0] - MARGIN, MARGIN - 4 * mm)
        canvas.setFont(_fonts.SANS, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, MARGIN - 8 * mm, text)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 8 * mm, f"page {doc.page}")
        canvas.restoreState()

    return draw


def adherence_report_bytes(plan: Plan, summary: AdherenceSummary, recommendation: Recommendation,
                           outcomes: Sequence[Result] | None = None,
                           measures: Mapping[str, Measure] | None = None) -> bytes:
    """The adherence report as PDF bytes; the same inputs give the same bytes. `outcomes`: the patient's
    outcome-measure results (physio.clinic.patient_outcomes), each measure charted with its baseline and band;
    None leaves the section out (an empty list says none are recorded)."""
    if summary.plan_id != plan.id:
        raise ExportError(f"the summary is of plan {summary.plan_id}, not of plan {plan.id}; summarise this plan's log")
    _fonts.register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=f"Adherence report: {plan.patient.name}", author=plan.therapist, subject=plan.label,
        creator="physio", producer="physio", invariant=1, initialFontName=_fonts.SANS,
    )
    footer = _footer(plan, summary)
    doc.build(_story(plan, summary, recommendation, outcomes, measures), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def write_adherence_report(plan: Plan, summary: AdherenceSummary, recommendation: Recommendation,
                           path: str | Path, outcomes: Sequence[Result] | None = None,
                           measures: Mapping[str, Measure] | None = None) -> Path:
    """Build the report in memory, then write it in one step (nothing is left half-written)."""
    return write_atomic(path, adherence_report_bytes(plan, summary, recommendation, outcomes, measures),
                        error=ExportError)
