"""The clinic overview: one row per patient's current plan with adherence, pain trend and the recommendation.

A thin layer over the workspace: it reads plans and entries, and every number comes from the pure
summarise() and recommend(). Sort it like any DataFrame (e.g. by adherence, or refer first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .adherence import AdherenceSummary, summarise
from .measures import Result
from .models import Plan
from .planning import schedule
from .progression import Recommendation, phase_began, recommend
from .redflag_view import OpenFlag, open_flags, with_open_flags

COLUMNS = ["patient_id", "patient", "plan", "phase", "as_of", "adherence", "duration_adherence", "last_week_pain",
           "pain_trend", "flags", "recommendation", "level", "red_flags", "reasons", "last_log", "note",
           "protocol", "version"]

#: The order of urgency, used by the `priority` column: refer first (by its level: emergency, urgent, review);
#: a version with nothing logged yet last (nothing to judge, nothing to act on until its log comes).
PRIORITY = {"refer": 0, "review": 1, "step_back": 2, "hold": 3, "advance": 4, "no_log": 5}
_LEVEL_PRIORITY = {"emergency": 0, "urgent": 1, "review": 2}


def no_log_note(plan: Plan, summary: AdherenceSummary) -> str | None:
    """What to say instead of figures when this plan version has no logged session yet (None when it has one).

    Right after a next version the new version has nothing logged: saying so beats an empty percentage."""
    if summary.as_of is not None:
        return None
    if plan.version and plan.version > 1 and plan.issued_at is not None:
        return f"no log since version {plan.version} issued on {plan.issued_at:%d.%m.%Y}"
    return "no log received yet"


def _trend(summary) -> str:
    c = summary.pain_change
    if c is None:
        return "not enough pain scores"
    if not c.important:
        return f"no important change ({c.points:+.1f})"
    return f"{'better' if c.points < 0 else 'worse'} ({c.points:+.1f})"


@dataclass(frozen=True)
class Review:
    """One plan's returned logs, summarised, and the recommendation that follows from its phase's rules."""

    plan: Plan
    summary: AdherenceSummary
    recommendation: Recommendation
    #: The patient's unacknowledged red flags, most urgent first (physio.redflag_view).
    red_flags: list[OpenFlag] = field(default_factory=list)
    #: The patient's outcome-measure results the recommendation used (and the report charts), oldest first.
    outcomes: list[Result] = field(default_factory=list)


def review_plan(workspace, plan: Plan, *, library=None, as_of: dt.date | None = None,
                adherence_cutoff: float | None = None) -> Review:
    """Summarise a plan's entries in the workspace and recommend the next step (the one path every view uses)."""
    from .importing import daily_pain

    entries = version_entries(workspace, plan)
    summary = summarise(plan, schedule(plan), entries, as_of=as_of, daily_pain=daily_pain(workspace, plan))
    # The red flags are the workspace's open ones: every note of every import (rejected rows, other cells, the
    # weekly check), kept until a therapist acknowledges it; a later import never clears one.
    flags = open_flags(workspace.open_red_flags(plan.patient.id), plan,
                       workspace.log_entries(plan.patient.id))
    summary = with_open_flags(summary, flags)
    outcomes = patient_outcomes(workspace, plan.patient.id, as_of=as_of)
    rec = recommend(plan, summary, adherence_cutoff=adherence_cutoff, max_weeks=_max_weeks(library, plan),
                    phase_start=_phase_began(workspace, plan), outcomes=outcomes)
    return Review(plan, summary, rec, flags, outcomes)


def version_entries(workspace, plan: Plan) -> list:
    """The entries `plan`'s version is judged on: its plan's, leaving out those logged on an older version's
    workbook (a version started before the older one ended shares some of its dates, but not what was done)."""
    return [e for e in workspace.log_entries(plan.patient.id, plan.id) if e.plan_version >= plan.version]


def patient_outcomes(workspace, patient_id: str, *, as_of: dt.date | None = None) -> list[Result]:
    """The patient's recorded outcome-measure results (up to `as_of` when given), oldest first: what recommend()
    and the report's charts are given. Read here, in the thin layer, so recommend() stays pure."""
    return [s.result for s in workspace.results(patient_id) if as_of is None or s.on <= as_of]


def clinic_overview(workspace, *, library=None, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every patient's latest plan, summarised and with a recommendation; refer and step back come first.

    library: when given, each phase's max_weeks is read from it so staying too long in a phase is flagged.
    """
    rows = []
    for patient in _patients_to_watch(workspace):
        imports = workspace.imports(patient.id)
        for plan in workspace.plans_for(patient.id):
            reviewed = review_plan(workspace, plan, library=library, as_of=as_of)
            summary, rec = reviewed.summary, reviewed.recommendation
            note = no_log_note(plan, summary)
            received = [i.imported_at for i in imports if i.plan_id == plan.id]
            rows.append({
                "patient_id": patient.id,
                "patient": patient.name,
                "plan": plan.label,
                "phase": plan.phase_name,
                "as_of": summary.as_of,
                "adherence": summary.adherence,
                "duration_adherence": summary.duration_adherence,
                "last_week_pain": summary.last_week_pain,
                "pain_trend": note or _trend(summary),
                "flags": len(summary.flags),
                "recommendation": rec.action,
                "level": rec.level,
                "red_flags": _red_flag_summary(reviewed.red_flags),
                "reasons": " ".join(rec.reasons),
                "last_log": max(received, key=_comparable) if received else None,
                "note": note,
                "protocol": plan.protocol_title,
                "version": plan.version,
                # a referral without a red-flag level (outcome measures: a specialist) comes after urgent ones
                "priority": PRIORITY[rec.action] * 3 + _LEVEL_PRIORITY.get(rec.level or "review", 0),
            })
    df = pd.DataFrame(rows, columns=[*COLUMNS, "priority"])
    return df.sort_values(["priority", "adherence", "patient_id"], na_position="first", kind="stable") \
        .reset_index(drop=True)


def _patients_to_watch(workspace) -> list:
    """Active patients, and archived ones whose file brought a red flag nobody has acknowledged yet: an
    emergency never drops out of the overview because the patient's treatment had ended."""
    everyone = workspace.patients(include_archived=True)
    return [p for p in everyone if not workspace.is_archived(p.id) or workspace.open_red_flags(p.id)]


def _comparable(moment: dt.datetime) -> dt.datetime:
    """Import times of older workspaces carry no time zone (local time), newer ones do: compare them as local."""
    return moment.astimezone()


def _phase_began(workspace, plan: Plan) -> dt.date:
    """The start of the patient's time in this plan's phase, over every issued version (a draft: its own start)."""
    if not plan.version:
        return plan.start
    try:
        return phase_began(workspace.plan_versions(plan.id), plan)
    except KeyError:  # UnknownId: a plan not stored in this workspace
        return plan.start


def _red_flag_summary(flags: list[OpenFlag]) -> str:
    """'EMERGENCY Bladder: … (note 12.10.2026, imported 8 days later, 5 sessions logged after it); ...' or ''."""
    from .redflag_view import labels
    from .redflags import LEVEL_WORD

    parts = []
    for f in flags:
        n = f.note
        when = f"note {n.date:%d.%m.%Y}" if n.date else "undated note"
        if f.days_to_import is not None:
            when += f", imported {f.days_to_import} day{'' if f.days_to_import == 1 else 's'} later"
        if f.sessions_after:
            when += f", {f.sessions_after} session{'' if f.sessions_after == 1 else 's'} logged after it"
        parts.append(f"{LEVEL_WORD[n.level]} {labels(n)} ({when})")
    return "; ".join(parts)


def _max_weeks(library, plan) -> int | None:
    if library is None:
        return None
    try:
        return library.protocol(plan.protocol_id).phase(plan.phase_id).max_weeks
    except KeyError:  # UnknownId: a plan of a protocol this library does not hold
        return None
