"""The next step for a patient: advance, hold, step back or refer, from the phase's rules in the protocol file.

The rules travel with the plan (plan.progression, copied from the protocol when the plan was made), so the
recommendation follows the rules the patient was actually given. The order of the checks is the order of
safety: refer first, then step back, then advance; hold is what remains, and says why the patient may not
advance yet.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Literal

from pydantic import Field

from .adherence import AdherenceSummary, pct
from .models import Plan
from .models._base import Frozen

Action = Literal["advance", "hold", "step_back", "refer"]

ACTION_LABELS: dict[str, str] = {
    "advance": "Advance to the next phase",
    "hold": "Hold: stay in this phase",
    "step_back": "Step back to the previous phase (or a lighter dose)",
    "refer": "Refer: the therapist or a doctor must review before going on",
}


class Recommendation(Frozen):
    action: Action
    #: Plain sentences, each with the numbers behind it and the rule's source.
    reasons: list[str] = Field(min_length=1)
    #: The figures the decision used, for tables and tests.
    numbers: dict[str, float | int | str | None] = {}

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.action]

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons)
        return f"<p><b>{html.escape(self.label)}</b></p><ul>{items}</ul>"


def _n(x: float | None) -> str:
    return "no score" if x is None else f"{x:.1f}"


def recommend(
    plan: Plan,
    summary: AdherenceSummary,
    *,
    adherence_cutoff: float | None = None,
    max_weeks: int | None = None,
    phase_start: dt.date | None = None,
) -> Recommendation:
    """Recommend the next step from `plan.progression` and the summary of the patient's log.

    adherence_cutoff: the adherence needed to advance. Default: the phase's own min_adherence from the protocol
      file, which the shipped protocols set at 70%, the cut-off used in a back-pain exercise study [MI1]; no
      source we have supports the 80% often quoted. Pass another value to override it for this decision.
    max_weeks: the phase's max_weeks (protocol.phase(plan.phase_id).max_weeks); when given and the phase's rules
      say refer_after_max_weeks, staying longer than that asks for a review.
    phase_start: when the patient started this phase, if before this plan version's start (default plan.start).
    """
    rules = plan.progression
    adv, back = rules.advance, rules.step_back
    cutoff = adv.min_adherence if adherence_cutoff is None else adherence_cutoff
    if not 0 <= cutoff <= 1:
        from .errors import PlanError

        raise PlanError(f"adherence_cutoff {cutoff} is outside 0-1; give a fraction, e.g. 0.7 for 70%")
    as_of = summary.as_of
    began = phase_start or plan.start
    weeks_in_phase = 0 if as_of is None else max(0, ((as_of - began).days + 1) // 7)
    adherence = summary.adherence
    pain = summary.last_week_pain
    rise = summary.pain_change.points if summary.pain_change else None
    numbers: dict[str, float | int | str | None] = {
        "adherence": adherence, "adherence_cutoff": cutoff, "last_week_pain": pain, "pain_rise": rise,
        "weeks_in_phase": weeks_in_phase, "min_weeks": adv.min_weeks, "max_weeks": max_weeks,
        "duration_adherence": summary.duration_adherence, "red_flags": len(summary.red_flags),
        "as_of": as_of.isoformat() if as_of else None,
    }

    # 1. refer
    refer: list[str] = []
    for f in summary.red_flags:
        refer.append(f"Red-flag words in the patient's notes: {f.message}")
    if rules.refer_after_max_weeks and max_weeks is not None and weeks_in_phase > max_weeks:
        refer.append(
            f"{weeks_in_phase} weeks in {plan.phase_name}, longer than its maximum of {max_weeks} weeks without "
            "advancing: the protocol asks for a review"
        )
    if refer:
        return Recommendation(action="refer", reasons=refer, numbers=numbers)

    if as_of is None or adherence is None:
        return Recommendation(
            action="hold",
            reasons=["No sessions are logged yet, so there is nothing to judge: keep the plan and ask for the log."],
            numbers=numbers,
        )

    # 2. step back (any one rule)
    back_src = f"[{back.source}]"
    step: list[str] = []
    if pain is not None and pain >= back.min_pain:
        step.append(f"Mean pain in the last week with scores was {_n(pain)}/10, at or above {back.min_pain:g} {back_src}")
    if rise is not None and rise >= back.pain_rise:
        step.append(f"Pain rose by {rise:.1f} points since the first week, at or above {back.pain_rise:g} {back_src}")
    if back.adherence_below is not None and adherence < back.adherence_below:
        step.append(
            f"Only {pct(adherence)} of sessions were done, below {pct(back.adherence_below)}: the dose may be too "
            f"much to keep up {back_src}"
        )
    if step:
        return Recommendation(action="step_back", reasons=step, numbers=numbers)

    # 3. advance (all rules)
    adv_src = f"[{adv.source}]"
    met: list[str] = []
    missing: list[str] = []
    (met if adherence >= cutoff else missing).append(
        f"adherence {pct(adherence)} ({summary.sessions_done} of {summary.sessions_scheduled} sessions) "
        f"{'reaches' if adherence >= cutoff else 'is below'} the {pct(cutoff)} needed {adv_src}"
    )
    if pain is None:
        missing.append("no pain scores were logged, so we cannot confirm pain is low enough to advance")
    else:
        (met if pain <= adv.max_pain else missing).append(
            f"mean pain in the last week with scores {_n(pain)}/10 "
            f"{'is within' if pain <= adv.max_pain else 'is above'} the {adv.max_pain:g} allowed {adv_src}"
        )
    (met if weeks_in_phase >= adv.min_weeks else missing).append(
        f"{_weeks(weeks_in_phase)} done in this phase, of the at least {_weeks(adv.min_weeks)} it asks for"
    )
    if not missing:
        reasons = [_cap(m) + "." for m in met]
        if plan.phase_index >= plan.phase_count - 1:
            reasons.append("This is the protocol's last phase: its targets are met; consider maintenance or discharge.")
        return Recommendation(action="advance", reasons=reasons, numbers=numbers)
    reasons = ["Not ready to advance: " + "; ".join(missing) + "."]
    if met:
        reasons.append("Already met: " + "; ".join(met) + ".")
    return Recommendation(action="hold", reasons=reasons, numbers=numbers)


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
