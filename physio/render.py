"""Readable HTML for a Patient, a Plan and a Protocol in a notebook (their _repr_html_ call these).

Plain tables with inline styles only, so the output looks the same in JupyterLab, Voilà and an
exported notebook. Everything shown comes from the models; every text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Iterable

from .models.exercise import PARAM_LABELS

if TYPE_CHECKING:
    from .models import Exercise, Patient, Phase, Plan, Protocol

__all__ = ["exercise_html", "phase_html", "patient_html", "plan_html", "protocol_html", "plan_text", "protocol_text"]

_TABLE = "border-collapse:collapse;margin:4px 0 10px 0;font-size:13px"
_CELL = "border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top"
_WARN = "background:#fff4e0;border-left:4px solid #e69500;padding:4px 8px;margin:4px 0"
_STOP = "background:#fdecea;border-left:4px solid #c62828;padding:4px 8px;margin:4px 0"
_OK = "background:#eaf5ea;border-left:4px solid #2e7d32;padding:4px 8px;margin:4px 0"


def _e(x: object) -> str:
    return escape("" if x is None else str(x))


def _table(header: list[str] | None, rows: Iterable[list[str]]) -> str:
    """Rows are already-escaped HTML fragments."""
    head = ""
    if header:
        ths = "".join(f'<th style="{_CELL};background:#f3f3f3">{_e(h)}</th>' for h in header)
        head = f"<thead><tr>{ths}</tr></thead>"
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in r) + "</tr>" for r in rows)
    return f'<table style="{_TABLE}">{head}<tbody>{body}</tbody></table>'


def _boxes(items: Iterable[str], style: str, title: str) -> str:
    items = list(items)
    if not items:
        return ""
    lis = "".join(f"<li>{_e(i)}</li>" for i in items)
    return f'<div style="{style}"><b>{_e(title)}</b><ul style="margin:2px 0">{lis}</ul></div>'


def patient_html(p: "Patient") -> str:
    rows = [
        ["Patient", f"{_e(p.name)} ({_e(p.id)})"],
        ["Born", _e(p.birth_year) + (f", {_e(p.sex)}" if p.sex else "")],
        ["Therapist", _e(p.therapist)],
        ["Language", _e(p.language)],
    ]
    for c in p.conditions:
        details = [c.details, c.disc_level, c.side, f"Cobb {c.cobb_deg:g}°" if c.cobb_deg is not None else None,
                   c.curve_type, f"Risser {c.risser}" if c.risser is not None else None]
        rows.append(["Condition", f"{_e(c.kind)}: " + _e(", ".join(d for d in details if d))])
    if p.notes:
        rows.append(["Notes", _e(p.notes)])
    out = _table(None, rows)
    out += _boxes(p.red_flags, _STOP, "Red flags noted at intake")
    out += _boxes(p.contraindications, _WARN, "Contraindications noted at intake")
    out += _boxes(
        [f"{c.contraindication}: cleared by {c.by} on {c.on:%d %b %Y}"
         + (f" for {c.protocol}" if c.protocol else " for any protocol") + (f" ({c.note})" if c.note else "")
         for c in p.clearances],
        _OK, "Clearances",
    )
    return f"<div>{out}</div>"


def plan_html(plan: "Plan") -> str:
    issued = (
        f"issued by {_e(plan.issued_by)} on {plan.issued_at:%d %b %Y %H:%M}" if plan.issued_at and plan.issued_by
        else "draft, not issued"
    )
    head = (
        f"<h4 style='margin:4px 0'>{_e(plan.protocol_title)} — {_e(plan.phase_name)} "
        f"(phase {plan.phase_index + 1} of {plan.phase_count})</h4>"
        f"<div>{_e(plan.patient.name)} ({_e(plan.patient.id)}) · plan {_e(plan.label)} · {issued}</div>"
        f"<div>{plan.start:%d %b %Y} to {plan.end:%d %b %Y}, {plan.weeks} week{'s' if plan.weeks != 1 else ''}"
        f" · goal: {_e(plan.phase_goal)}</div>"
    )
    rows = []
    for pe in plan.exercises:
        why = "; ".join(f"{PARAM_LABELS.get(k, k)}: {v}" for k, v in pe.reasons.items())
        changed = pe.protocol_dose is not None and pe.dose != pe.protocol_dose
        origin = "added by the therapist" if pe.added else (
            f"changed (protocol: {_e(pe.protocol_dose.summary())})" if changed else "as in the protocol"
        )
        rows.append([
            _e(pe.exercise.name),
            _e(pe.dose.summary()),
            origin,
            _e(why) if why else "",
            _e(pe.note or ""),
        ])
    out = head
    out += _boxes(plan.warnings, _WARN, "Warnings")
    out += _boxes(plan.cleared, _OK, "Cleared by a doctor")
    out += _table(["Exercise", "Dose", "", "Reason outside the usual range", "Note"], rows)
    out += _boxes(plan.notes, _OK, "Notes for the patient")
    out += _boxes(plan.changes, _WARN, "Changed on the way from the previous version")
    out += _boxes([s.text for s in plan.stop_rules], _WARN, "When to stop")
    out += _boxes([f.text for f in plan.red_flags], _STOP, "Red flags: seek help")
    return f"<div>{out}</div>"


def exercise_html(ex: "Exercise", picture_svg: str | None = None) -> str:
    """An exercise as the patient will read it, with its tags and source for the therapist."""
    steps = "".join(f"<li>{_e(st)}</li>" for st in ex.steps)
    rows = [
        ["Aim", _e(ex.aim)],
        ["Starting position", _e(ex.starting_position)],
        ["Steps", f'<ol style="margin:0;padding-left:18px">{steps}</ol>'],
        ["Breathing", _e(ex.breathing)],
        ["Regions", _e(", ".join(ex.regions))],
        ["Equipment", _e(", ".join(ex.equipment) or "none")],
        ["Tags", _e(", ".join(ex.tags))],
    ]
    if ex.article_dose:
        rows.append(["The article's dose", _e(ex.article_dose)])
    rows.append(["Source", _e(ex.source)])
    pic = f'<div style="float:right;margin-left:8px">{picture_svg}</div>' if picture_svg else ""
    out = f"<h4 style='margin:4px 0'>{_e(ex.name)} <small style='color:#666'>({_e(ex.id)})</small></h4>"
    out += pic + _table(None, rows) + _boxes(ex.cautions, _WARN, "Cautions")
    return f"<div>{out}</div>"


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def phase_html(ph: "Phase") -> str:
    """A phase: its goal, its exercises with doses and sources, and the rules to leave it."""
    adv, back = ph.progression.advance, ph.progression.step_back
    out = (
        f"<div style='margin-top:6px'><b>{_e(ph.name)}</b> — {_e(ph.goal)} "
        f"({ph.min_weeks}–{ph.max_weeks} weeks; {_e(ph.weeks_source)})"
        + (" <i>deload</i>" if ph.deload else "") + "</div>"
    )
    out += _table(["Exercise", "Dose", "Source"],
                  [[_e(rx.exercise), _e(rx.dose.summary()), _e(rx.source)] for rx in ph.exercises])
    for pref, prog in ph.programmes.items():
        out += f"<div>Directional preference <b>{_e(pref)}</b> ({_e(prog.source)}):</div>"
        out += _table(["Exercise", "Dose", "Source"],
                      [[_e(rx.exercise), _e(rx.dose.summary()), _e(rx.source)] for rx in prog.exercises])
    if ph.forbidden:
        out += "<div>Never in this phase: " + _e("; ".join(f"{f.tag} ({f.source})" for f in ph.forbidden)) + "</div>"
    rules = [
        f"Advance when adherence ≥ {adv.min_adherence:.0%}, mean pain ≤ {adv.max_pain:g}/10 and at least "
        f"{_weeks(adv.min_weeks)} in the phase"
        + (f", and no session at pain {adv.stop_pain:g}/10 or more" if adv.stop_pain is not None else "")
        + f" ({adv.source})",
        f"Step back when mean pain ≥ {back.min_pain:g}/10 or pain rises by ≥ {back.pain_rise:g} points"
        + (f" or ≥ {back.pain_rise_fraction:.0%}" if back.pain_rise_fraction is not None else "")
        + (f" or adherence < {back.adherence_below:.0%}" if back.adherence_below is not None else "")
        + f" ({back.source})",
        "Otherwise hold" + (f"; review after {ph.max_weeks} weeks without advancing"
                            if ph.progression.refer_after_max_weeks else ""),
    ]
    out += f'<ul style="margin:2px 0 8px 0">{"".join(f"<li>{_e(r)}</li>" for r in rules)}</ul>'
    return out


def protocol_html(proto: "Protocol") -> str:
    out = (
        f"<h4 style='margin:4px 0'>{_e(proto.title)} (v{_e(proto.version)})</h4>"
        f"<div>{_e(proto.summary)}</div>"
    )
    for ph in proto.phases:
        out += phase_html(ph)
    limits = [[_e(PARAM_LABELS.get(k, k)), f"{v.usual[0]}–{v.usual[1]}", f"{v.hard[0]}–{v.hard[1]}", _e(v.source)]
              for k, v in proto.limits.items()]
    out += "<div><b>Limits</b></div>" + _table(["Parameter", "Usual", "Hard limit", "Source"], limits)
    if proto.forbidden_tags:
        out += f"<div>Never in this protocol: {_e(', '.join(proto.forbidden_tags))}</div>"
    out += _boxes([f"{c.text}" + ("" if c.clearable else " (never, even with clearance)")
                   for c in proto.contraindications], _WARN, "Contraindications")
    out += _boxes([f.text for f in proto.red_flags], _STOP, "Red flags")
    return f"<div>{out}</div>"


def plan_text(plan: "Plan") -> str:
    """The same plan as plain text, for the command line."""
    issued = (f"issued by {plan.issued_by} on {plan.issued_at:%d %b %Y %H:%M}"
              if plan.issued_at and plan.issued_by else "draft, not issued")
    lines = [
        f"{plan.label} — {plan.patient.name} ({plan.patient.id}) — {issued}",
        f"{plan.protocol_title}: {plan.phase_name} (phase {plan.phase_index + 1} of {plan.phase_count})",
        f"{plan.start:%d %b %Y} to {plan.end:%d %b %Y}, {plan.weeks} week{'s' if plan.weeks != 1 else ''}",
    ]
    for w in plan.warnings:
        lines.append(f"WARNING: {w}")
    for c in plan.cleared:
        lines.append(f"Cleared: {c}")
    lines.append("Exercises:")
    for pe in plan.exercises:
        extra = " (added)" if pe.added else ""
        lines.append(f"  - {pe.exercise.name} [{pe.exercise.id}]{extra}: {pe.dose.summary()}")
        for k, v in pe.reasons.items():
            lines.append(f"      reason for {PARAM_LABELS.get(k, k)}: {v}")
        if pe.note:
            lines.append(f"      note: {pe.note}")
    for n in plan.notes:
        lines.append(f"Note: {n}")
    for c in plan.changes:
        lines.append(f"Changed: {c}")
    return "\n".join(lines)


def protocol_text(proto: "Protocol") -> str:
    """A protocol as plain text, for `physio protocols show`."""
    lines = [f"{proto.title} [{proto.id}] version {proto.version}", proto.summary, ""]
    for i, ph in enumerate(proto.phases, 1):
        adv, back = ph.progression.advance, ph.progression.step_back
        lines.append(f"{ph.name} [{ph.id}] — {ph.min_weeks}–{ph.max_weeks} weeks{' (deload)' if ph.deload else ''}")
        lines.append(f"  Goal: {ph.goal}")
        for rx in ph.exercises:
            lines.append(f"  - {rx.exercise}: {rx.dose.summary()}   [{rx.source}]")
            for k, v in rx.limits.items():  # limits of this exercise that replace the protocol's
                lines.append(f"      own limit, {PARAM_LABELS.get(k, k)}: {v.usual[0]}–{v.usual[1]} / "
                             f"{v.hard[0]}–{v.hard[1]}   [{v.source}]")
        for pref, prog in ph.programmes.items():
            lines.append(f"  Directional preference {pref}   [{prog.source}]")
            for rx in prog.exercises:
                lines.append(f"    - {rx.exercise}: {rx.dose.summary()}   [{rx.source}]")
        for f in ph.forbidden:
            lines.append(f"  Never in this phase: {f.tag}   [{f.source}]")
        lines.append(f"  Advance: adherence ≥ {adv.min_adherence:.0%}, pain ≤ {adv.max_pain:g}, at least {_weeks(adv.min_weeks)}")
        lines.append(f"  Step back: pain ≥ {back.min_pain:g}, or a rise of ≥ {back.pain_rise:g} points"
                     + (f" or ≥ {back.pain_rise_fraction:.0%}" if back.pain_rise_fraction is not None else "")
                     + (f", or adherence < {back.adherence_below:.0%}" if back.adherence_below is not None else ""))
    lines.append("")
    lines.append("Limits (usual / hard):")
    for k, v in proto.limits.items():
        lines.append(f"  {PARAM_LABELS.get(k, k)}: {v.usual[0]}–{v.usual[1]} / {v.hard[0]}–{v.hard[1]}   [{v.source}]")
    if proto.forbidden_tags:
        lines.append(f"Never in this protocol: {', '.join(proto.forbidden_tags)}")
    lines.append("Contraindications:")
    for c in proto.contraindications:
        lines.append(f"  - {c.text} [{c.id}]" + ("" if c.clearable else " (no clearance can lift it)"))
    lines.append("Red flags:")
    for f in proto.red_flags:
        lines.append(f"  - {f.text}")
    return "\n".join(lines)
