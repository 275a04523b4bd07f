"""The adherence report PDF for the patient's file: the numbers, the charts and the recommendation with its reasons.

Built in memory (adherence_report_bytes), written in one step (write_adherence_report). Fonts are the embedded
DejaVu family of the handout, so Cyrillic names and notes print anywhere.
"""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .. import charts
from .._atomic import write_atomic
from ..adherence import AdherenceSummary, pct
from ..errors import ExportError
from ..models import Plan
from ..progression import Recommendation
from . import _fonts
from ._text import para

MARGIN = 16 * mm
_WIDTH = A4[0] - 2 * MARGIN


def _styles() -> dict[str, ParagraphStyle]:
    sans, bold = _fonts.SANS, _fonts.SANS_BOLD
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "h": ParagraphStyle("h", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=sans, fontSize=9.5, leading=12.5, alignment=TA_LEFT),
        "small": ParagraphStyle("small", fontName=sans, fontSize=8, leading=10),
        "action": ParagraphStyle("action", fontName=bold, fontSize=13, leading=16, textColor=colors.HexColor("#0b4f8a")),
    }


def _png(fig: Figure, width: float) -> Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    w, h = fig.get_size_inches()
    buf.seek(0)
    return Image(buf, width=width, height=width * h / w)


def _table(rows: list[list[object]], st: dict, widths: list[float] | None = None) -> Table:
    data = [[Paragraph(para(c), st["small"]) for c in r] for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), _fonts.SANS),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def _story(plan: Plan, s: AdherenceSummary, rec: Recommendation) -> list:
    st = _styles()
    as_of = f"{s.as_of:%d.%m.%Y}" if s.as_of else "nothing logged yet"
    story: list = [
        Paragraph(para(f"Adherence report: {plan.patient.name}"), st["title"]),
        Paragraph(para(f"Plan {plan.label} · {plan.protocol_title} · {plan.phase_name} · "
                       f"{plan.start:%d.%m.%Y} to {plan.end:%d.%m.%Y} · counted up to {as_of} · "
                       f"therapist {plan.therapist}"), st["body"]),
        Spacer(1, 6),
    ]
    box = [Paragraph(para(rec.label), st["action"])] + [Paragraph(para("• " + r), st["body"]) for r in rec.reasons]
    t = Table([[box]], colWidths=[_WIDTH])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), _fonts.SANS),
                           ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#0b4f8a")),
                           ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef4fb")),
                           ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    story += [Paragraph("Recommendation", st["h"]), t]

    figures = [
        ("Sessions scheduled", s.sessions_scheduled), ("Sessions done", s.sessions_done),
        ("Reported not done", s.sessions_not_done), ("Not reported", s.sessions_not_reported),
        ("Extra sessions (patient's own)", s.extra_sessions), ("Adherence (sessions)", pct(s.adherence)),
        ("Adherence (minutes, timed exercises)", pct(s.duration_adherence)),
        ("Mean pain, last week with scores", "–" if s.last_week_pain is None else f"{s.last_week_pain:.1f}/10"),
        ("Pain change", s.pain_change.verdict if s.pain_change else "not enough weeks with pain scores"),
        ("Longest streak (all sessions done)", f"{s.streak.days} days"),
        ("Longest gap (nothing done)", f"{s.gap.days} days"),
    ]
    story += [Paragraph("The numbers", st["h"]),
              _table([["Measure", "Value"], *[[k, v] for k, v in figures]], st, [0.4 * _WIDTH, 0.6 * _WIDTH])]
    if s.flags:
        story += [Paragraph("Flags to look at", st["h"]),
                  _table([["Date", "Row", "Flag"], *[[f"{f.date:%d.%m.%Y}", f.row or "", f.message] for f in s.flags]],
                         st, [0.14 * _WIDTH, 0.08 * _WIDTH, 0.78 * _WIDTH])]
    target = plan.progression.advance.min_adherence
    story += [
        Paragraph("Charts", st["h"]),
        KeepTogether([_png(charts.weekly_adherence(s, target=target), 0.8 * _WIDTH)]),
        KeepTogether([_png(charts.pain_over_time(s), 0.8 * _WIDTH)]),
        KeepTogether([_png(charts.calendar_heatmap(s), min(_WIDTH, 0.8 * _WIDTH))]),
    ]
    week_rows = [["Week", "Dates", "Done / scheduled", "Adherence", "Pain before", "Pain after", "Minutes"]]
    for w in s.weekly:
        week_rows.append([
            w["week"], f"{w['start']:%d.%m}–{w['end']:%d.%m}", f"{w['done']} / {w['scheduled']}", pct(w["adherence"]),
            "–" if w["pain_before"] is None else f"{w['pain_before']:.1f}",
            "–" if w["pain_after"] is None else f"{w['pain_after']:.1f}",
            f"{w['minutes_done']:g} of {w['minutes_prescribed']:g}" if w["minutes_prescribed"] else "–",
        ])
    story += [Paragraph("Week by week", st["h"]), _table(week_rows, st)]
    ex_rows = [["Exercise", "Done / scheduled", "Adherence", "Minutes (done of prescribed)"]]
    for e in s.exercises:
        ex_rows.append([e["exercise"], f"{e['done']} / {e['scheduled']}", pct(e["adherence"]),
                        f"{e['minutes_done']:g} of {e['minutes_prescribed']:g}" if e["duration_adherence"] is not None
                        else "–"])
    story += [Paragraph("Exercise by exercise", st["h"]), _table(ex_rows, st)]
    story += [Spacer(1, 8), Paragraph(para(
        "Adherence = scheduled sessions done ÷ sessions scheduled up to the date above. Pain changes of 2 points "
        "or 30% count as clinically important. This report supports, and does not replace, the therapist's "
        "judgement."), st["small"])]
    return story


def adherence_report_bytes(plan: Plan, summary: AdherenceSummary, recommendation: Recommendation) -> bytes:
    """The adherence report as PDF bytes; the same inputs give the same bytes."""
    if summary.plan_id != plan.id:
        raise ExportError(f"the summary is of plan {summary.plan_id}, not of plan {plan.id}; summarise this plan's log")
    _fonts.register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=f"Adherence report: {plan.patient.name}", author=plan.therapist, subject=plan.label,
        creator="physio", producer="physio", invariant=1, initialFontName=_fonts.SANS,
    )
    doc.build(_story(plan, summary, recommendation))
    return buf.getvalue()


def write_adherence_report(plan: Plan, summary: AdherenceSummary, recommendation: Recommendation,
                           path: str | Path) -> Path:
    """Build the report in memory, then write it in one step (nothing is left half-written)."""
    return write_atomic(path, adherence_report_bytes(plan, summary, recommendation), error=ExportError)
