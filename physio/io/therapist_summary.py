"""The therapist's summary of a plan: a PDF of its own, written beside the patient's handout.

Everything the handout leaves out because it is addressed to the therapist: where each dose comes from, the
limits in force, the reasons for a dose outside the usual range, screening warnings, doctors' clearances,
changes since the last version, and each safety rule and red flag with its source. Headings are in English
(the therapist's working language); the plan's own texts are printed as stored, in the patient's language.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from .._atomic import write_atomic
from ..errors import ExportError
from ..models import DOSE_PARAMS, ClinicProfile, Dose, Plan, PlannedExercise
from . import _fonts
from ._pdfkit import GRID, SHADE, TEXT_W, styles, table_style
from ._safety_scale import is_emergency
from ._text import para
from .pdf import build, check_printable_plan, document, long_date

#: Each dose parameter as a therapist reads it, with its unit: "Board angle: 55°", "Hold: 10 s".
PARAM_WORDS: dict[str, tuple[str, str]] = {
    "sets": ("Sets", ""),
    "reps": ("Repetitions", ""),
    "hold_s": ("Hold", " s"),
    "duration_s": ("Duration", " s"),
    "angle_deg": ("Board angle", "°"),
    "rest_s": ("Rest between sets", " s"),
    "sessions_per_day": ("Sessions a day", ""),
    "days_per_week": ("Days a week", ""),
}


def param_value(param: str, value: object) -> str:
    """'Board angle: 55°': the parameter in words, then its value with its unit."""
    words, unit = PARAM_WORDS.get(param, (param.replace("_", " ").capitalize(), ""))
    return f"{words}: {value}{unit}"


def _range(param: str, low: int, high: int) -> str:
    unit = PARAM_WORDS.get(param, ("", ""))[1]
    return f"{low}–{high}{unit}"


def _section(title: str, lines: list[str], st: dict) -> list[Flowable]:
    if not lines:
        return []
    return [Paragraph(para(title), st["h3"]), *[Paragraph("• " + para(t), st["bullet"]) for t in lines]]


def _about(plan: Plan, clinic: ClinicProfile | None) -> list[tuple[str, str]]:
    issued = (f"issued by {plan.issued_by} on {plan.issued_at:%d %b %Y %H:%M}" if plan.issued_at and plan.issued_by
              else "draft, not issued")
    rows = [
        ("Patient", f"{plan.patient.name} ({plan.patient.id}), born {plan.patient.birth_year}"),
        ("Plan", f"{plan.id}, version {plan.version}, {issued}" if plan.version else f"{plan.id}, {issued}"),
        ("Protocol", f"{plan.protocol_title} ({plan.protocol_id}, version {plan.protocol_version})"),
        ("Phase", f"{plan.phase_name} ({plan.phase_id}, phase {plan.phase_index + 1} of {plan.phase_count})"),
        ("Dates", f"{long_date(plan.start)} to {long_date(plan.end)} ({plan.weeks} week{'s' if plan.weeks != 1 else ''})"),
        ("Handout", f"language {plan.language}" + (", larger print (14 pt)" if plan.larger_print else ", 12 pt")),
    ]
    if clinic is not None:
        rows.append(("Clinic", f"{clinic.name}, phone {clinic.phone}, emergency number {clinic.emergency_number}"))
    if plan.start_reason:
        rows.append(("Started early", plan.start_reason))
    return rows


def _dose_lines(pe: PlannedExercise) -> list[str]:
    """The dose parameter by parameter: value, the limits in force (usual / hard) and their source."""
    out = []
    for p in DOSE_PARAMS:
        value = getattr(pe.dose, p)
        if value is None:
            continue
        line = param_value(p, value)
        limit = pe.limits.get(p)
        if limit is not None:
            line += (f" (usual {_range(p, *limit.usual)}, hard limit {_range(p, *limit.hard)}; {limit.source})")
        if p in pe.reasons:
            line += f". Reason for this value: {pe.reasons[p]}"
        out.append(line)
    return out


def _origin(pe: PlannedExercise, language: str) -> str:
    if pe.added:
        return "added by the therapist"
    if pe.protocol_dose is not None and pe.protocol_dose != pe.dose:
        return f"changed from the protocol's dose ({_summary(pe.protocol_dose, language)})"
    return "as in the protocol"


def _summary(dose: Dose, language: str) -> str:
    return dose.summary(language)


def _exercise(n: int, pe: PlannedExercise, plan: Plan, st: dict) -> list[Flowable]:
    ex = pe.exercise
    out: list[Flowable] = [
        Paragraph(para(f"{n}. {ex.name} ({ex.id})"), st["h3"]),
        Paragraph(para(f"Dose: {pe.dose.summary(plan.language)}; {_origin(pe, plan.language)}. "
                       f"Dose source: {pe.dose_source}. Exercise source: {ex.source}."), st["body"]),
    ]
    out += [Paragraph("• " + para(line), st["bullet"]) for line in _dose_lines(pe)]
    if pe.note:
        out.append(Paragraph(para(f"Note printed for the patient: {pe.note}"), st["body"]))
    return out


def _safety(plan: Plan, st: dict) -> list[Flowable]:
    rows = [["Where on the handout", "Text", "Source"]]
    for r in plan.stop_rules:
        rows.append([r.level or "ease-off (no level: plan made before the scale)", r.text, r.source])
    for f in plan.red_flags:
        rows.append([f"red flag {f.id}: " + ("emergency" if is_emergency(f) else "ease off / call"), f.text, f.source])
    cells = [[Paragraph(para(c), st["cell"]) for c in row] for row in rows]
    table = Table(cells, colWidths=[38 * mm, TEXT_W - 38 * mm - 50 * mm, 50 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("GRID", (0, 0), (-1, -1), 0.4, GRID)))
    return [Paragraph("Safety scale as printed for the patient", st["h2"]), table]


def _progression(plan: Plan) -> list[str]:
    adv, back = plan.progression.advance, plan.progression.step_back
    return [
        f"Advance when adherence ≥ {adv.min_adherence:.0%}, mean pain ≤ {adv.max_pain:g}/10 and at least "
        f"{adv.min_weeks} week(s) in the phase" + (f", with no session at pain {adv.stop_pain:g}/10 or more"
                                                    if adv.stop_pain is not None else "") + f" ({adv.source})",
        f"Step back when mean pain ≥ {back.min_pain:g}/10 or it rises by ≥ {back.pain_rise:g} points"
        + (f" or ≥ {back.pain_rise_fraction:.0%}" if back.pain_rise_fraction is not None else "")
        + (f", or adherence < {back.adherence_below:.0%}" if back.adherence_below is not None else "")
        + f" ({back.source})",
    ]


def _story(plan: Plan, clinic: ClinicProfile | None) -> list[Flowable]:
    st = styles(False)
    about = Table([[Paragraph(f"<b>{para(k)}</b>", st["cell"]), Paragraph(para(v), st["cell"])]
                   for k, v in _about(plan, clinic)], colWidths=[34 * mm, TEXT_W - 34 * mm], hAlign="LEFT")
    about.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID)))
    story: list[Flowable] = [
        Paragraph("Therapist's summary (not for the patient)", st["title"]),
        about,
        *_section("Screening warnings", plan.warnings, st),
        *_section("Contraindications cleared by a doctor", plan.cleared, st),
        *_section("Changes since the previous version", plan.changes, st),
        *_section("Notes printed for the patient", plan.notes, st),
        Paragraph("Exercises, doses, limits and sources", st["h2"]),
    ]
    for n, pe in enumerate(plan.exercises, 1):
        story += _exercise(n, pe, plan, st)
    story += _safety(plan, st)
    story += _section("Progression rules of this phase", _progression(plan), st)
    return story


def summary_bytes(plan: Plan, clinic: ClinicProfile | None = None) -> bytes:
    """The therapist's summary PDF of `plan`, in memory; the same plan always gives the same bytes."""
    _fonts.register_fonts()
    check_printable_plan(plan, clinic)
    buf = io.BytesIO()
    doc = document(buf, plan, f"Therapist's summary: {plan.patient.name}", f"{plan.protocol_title}, {plan.label}")
    footer = f"Therapist's summary of plan {plan.label} for {plan.patient.name}: not for the patient."
    build(doc, _story(plan, clinic), plan, "therapist's summary", "page {n} of {total}", footer)
    return buf.getvalue()


def write_summary(plan: Plan, path: str | Path, clinic: ClinicProfile | None = None) -> Path:
    """Build the therapist's summary in memory, then write it to `path` in one step."""
    return write_atomic(path, summary_bytes(plan, clinic), error=ExportError)
