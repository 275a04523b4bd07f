"""The next step for a patient: advance, hold, step back, review or refer, from the phase's rules in the protocol
file and the patient's outcome measures.

The rules travel with the plan (plan.progression, copied from the protocol when the plan was made), so the
recommendation follows the rules the patient was actually given. The outcome-measure rules are those of the
instrument files (protocols/measures/*.yaml, read by physio.measures.measure_signals). The order of the checks is
the order of safety; recommend()'s docstring lists it.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Literal, Mapping, Sequence

from pydantic import Field

from .adherence import AdherenceSummary, pct
from .measures import Measure, Result, Signal, measure_signals
from .models import Plan
from .models._base import Frozen

Action = Literal["advance", "hold", "step_back", "review", "refer", "no_log"]

ACTION_LABELS: dict[str, str] = {
    "advance": "Advance to the next phase",
    "hold": "Hold: stay in this phase",
    "step_back": "Step back to the previous phase (or a lighter dose)",
    "review": "Review: the therapist reviews the programme with the patient before going on",
    "refer": "Refer: the therapist or a doctor must review before going on",
    "no_log": "No log yet for this plan version: nothing to judge; wait for the patient's first log",
}

MIN_NOTICEABLE_PAIN_RISE = 1.0
"""A rise in pain counts as worsening by the percent rule only when it is at least 1 point.

Why: 1 point (or 15 %) is the smallest change patients notice [SA1]; without it a rise from 0.5 to 1.0
(100 %) would step a patient back. The points rule (2 points, O1) needs no such floor."""


class Recommendation(Frozen):
    action: Action
    #: Plain sentences, each with the numbers behind it and the rule's source.
    reasons: list[str] = Field(min_length=1)
    #: The figures the decision used, for tables and tests.
    numbers: dict[str, float | int | str | None] = {}
    #: For a refer: how fast to act (emergency / urgent / review, protocols/vocabulary.yaml).
    level: Literal["emergency", "urgent", "review"] | None = None
    #: What the outcome measures said (worse function or leg pain, STarT Back high risk, Cobb/ATR progression),
    #: each with its reason and source; their sentences are among `reasons` too.
    outcome_signals: list[Signal] = []

    @property
    def label(self) -> str:
        if self.action == "refer" and self.level is not None:
            from .redflags import LEVEL_ACTION

            return f"Refer. {LEVEL_ACTION[self.level]}"
        return ACTION_LABELS[self.action]

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons)
        return f"<p><b>{html.escape(self.label)}</b></p><ul>{items}</ul>"


def _n(x: float | None) -> str:
    return "no score" if x is None else f"{x:.1f}"


def _pair(x: float, ref: float) -> tuple[str, str]:
    """A value and the threshold it is compared with, written with the same decimals.

    One decimal, or as many more (up to 3) as it takes for two different numbers not to print the same:
    a mean of 3.05 against 3 reads "3.05 ... 3.00", never "3.0 is above the 3"."""
    for d in (1, 2, 3):
        a, b = f"{x:.{d}f}", f"{ref:.{d}f}"
        if (a == b) == (x == ref):
            return a, b
    return f"{x:.3f}", f"{ref:.3f}"


def phase_began(versions: list[Plan], plan: Plan) -> dt.date:
    """When the patient started `plan`'s phase: the start of the earliest version in the unbroken run of
    versions of the same protocol and phase that ends with `plan` (versions: every issued version, any order).

    Weeks in a phase count across versions, so re-issuing a phase (a changed dose, a lighter dose) does not
    restart its clock."""
    ordered = sorted((v for v in versions if v.id == plan.id and v.version <= plan.version), key=lambda v: v.version)
    began = plan.start
    for v in reversed(ordered):
        if (v.protocol_id, v.phase_id) != (plan.protocol_id, plan.phase_id):
            break
        began = min(began, v.start)
    return began


def recommend(
    plan: Plan,
    summary: AdherenceSummary,
    *,
    adherence_cutoff: float | None = None,
    max_weeks: int | None = None,
    phase_start: dt.date | None = None,
    outcomes: Sequence[Result] = (),
    measures: Mapping[str, Measure] | None = None,
) -> Recommendation:
    """Recommend the next step from `plan.progression`, the summary of the patient's log and the patient's
    outcome-measure results.

    The checks, in this order of precedence (the first that fires decides the action; nothing is hidden: the
    reasons of a later check that also fires are added below the deciding ones):
      1. refer: open red flags, most urgent first, with their level (emergency / urgent / review);
      2. refer: an outcome measure's referral rule (Cobb progression of 5° or more, ATR reaching 7°: S1), without
         a red-flag level (a scoliosis specialist, not an emergency; the clinic overview lists it after urgent ones);
      3. review: too long in the phase (the phase's max_weeks), or function (ODI, RMDQ, PSFS) or leg pain (NPRS leg)
         worse than the baseline by at least the instrument's meaningful change (the baseline week's mean against
         the latest week's: physio.measures.series.trend): do not advance;
      4. no_log: nothing reported for this plan version yet (nothing_reported): no clinical step is made from no
         data, it says so and waits for the patient's first log;
      5. step back: any step-back rule of the phase (pain, a rise in pain, low adherence);
      6. advance when every advance rule is met, else hold saying what is missing.
    STarT Back high risk never changes the action: it adds "psychologically informed care" as a flag to any
    action (HI1 matches the high-risk group to that care, not to a stop).

    adherence_cutoff: the adherence needed to advance. Default: the phase's own min_adherence from the protocol
      file, which the shipped protocols set at 70%, the cut-off used in a back-pain exercise study [MI1]; no
      source we have supports the 80% often quoted. Pass another value to override it for this decision.
    max_weeks: the phase's max_weeks (protocol.phase(plan.phase_id).max_weeks); when given and the phase's rules
      say refer_after_max_weeks, staying longer than that asks for a review.
    phase_start: when the patient started this phase, if before this plan version's start (default plan.start);
      phase_began(workspace.plan_versions(plan.id), plan) gives it, counting every version of the phase.
    outcomes: the patient's outcome-measure results (any order; the baseline is each instrument's first scored
      result); the workspace's `results(patient_id)` gives them (physio.clinic.patient_outcomes).
    measures: the instruments by id (default: the shipped ones, physio.measures.default_measures()).

    Every threshold is compared with the exact value; messages print value and threshold with the same decimals.
    """
    rules = plan.progression
    adv = rules.advance
    cutoff = adv.min_adherence if adherence_cutoff is None else adherence_cutoff
    if not 0 <= cutoff <= 1:
        from .errors import PlanError

        raise PlanError(f"adherence_cutoff {cutoff} is outside 0-1; give a fraction, e.g. 0.7 for 70%")
    as_of = summary.as_of
    began = phase_start or plan.start
    weeks_in_phase = 0 if as_of is None else max(0, ((as_of - began).days + 1) // 7)
    numbers: dict[str, float | int | str | None] = {
        "adherence": summary.adherence, "adherence_cutoff": cutoff, "last_week_pain": summary.last_week_pain,
        "pain_rise": summary.pain_change.points if summary.pain_change else None,
        "highest_pain": summary.highest_pain,
        "weeks_in_phase": weeks_in_phase, "min_weeks": adv.min_weeks, "max_weeks": max_weeks,
        "duration_adherence": summary.duration_adherence, "red_flags": len(summary.red_flags),
        "as_of": as_of.isoformat() if as_of else None,
    }

    signals = measure_signals(outcomes, measures) if outcomes else []
    flags = [_signal_sentence(g) for g in signals if g.action == "psychologically-informed-care"]
    numbers["outcome_signals"] = len(signals)

    def decide(action: Action, reasons: list[str], level=None) -> Recommendation:
        return Recommendation(action=action, reasons=reasons + flags, numbers=numbers, level=level,
                              outcome_signals=signals)

    # 1.-2. refer (red flags, most urgent first, each said with its level: physio.redflags.LEVEL_ACTION; then an
    #       outcome measure's referral rule)
    refer, level = _refer_reasons(summary)
    outcome_refer = [_signal_sentence(g) for g in signals if g.action == "refer"]
    if refer or outcome_refer:
        numbers["refer_level"] = level  # None for a specialist referral from the outcome measures alone
        return decide("refer", refer + outcome_refer + _review_reasons(plan, signals, weeks_in_phase, max_weeks,
                                                                        began), level)
    # 3. review (too long in the phase; function or leg pain worse by the change that matters)
    review = _review_reasons(plan, signals, weeks_in_phase, max_weeks, began)
    if review:
        step = [] if nothing_reported(summary) else _step_back_reasons(plan, summary)
        return decide("review", review + step)

    # 4. nothing reported for this version: no step is judged from no data
    if nothing_reported(summary):
        return decide("no_log", ["No session is logged for this plan version yet, so there is nothing to judge: "
                                 "wait for the patient's first log (or ask for it)."])

    # 5. step back (any one rule)
    step = _step_back_reasons(plan, summary)
    if step:
        return decide("step_back", step)

    # 6. advance (all rules); hold says what is missing
    rec = _advance_or_hold(plan, summary, cutoff, weeks_in_phase, numbers)
    return decide(rec.action, rec.reasons)


def nothing_reported(summary: AdherenceSummary) -> bool:
    """True when the patient reported nothing for the summarised plan version: no session done, not done or
    extra, and no pain score (also when a review date is given and only the calendar has moved on).

    Why: sessions merely scheduled are not evidence; an adherence of 0% made of unreported sessions would step
    a patient back on no data."""
    if summary.as_of is None or summary.adherence is None:
        return True
    reported = summary.sessions_done + summary.sessions_not_done + summary.extra_sessions
    return reported == 0 and summary.last_week_pain is None and summary.highest_pain is None


def _signal_sentence(g: Signal) -> str:
    """An outcome signal as a reason: what to do, why (the numbers and dates) and the rule's source."""
    return f"{_cap(g.advice)}: {g.reason} [{g.source}]."


def _review_reasons(plan: Plan, signals: list[Signal], weeks_in_phase: int, max_weeks: int | None,
                    began: dt.date) -> list[str]:
    """Too long in the phase, and each outcome measure worse by the change that matters; [] when neither."""
    out = []
    if plan.progression.refer_after_max_weeks and max_weeks is not None and weeks_in_phase > max_weeks:
        out.append(f"{_weeks(weeks_in_phase)} in {plan.phase_name} (counted over every version of this phase since "
                   f"{began:%d %b %Y}), longer than its maximum of {_weeks(max_weeks)} without advancing: the "
                   "protocol asks the therapist to review the programme with the patient")
    out += [_signal_sentence(g) for g in signals if g.action == "review"]
    return out


def _step_back_reasons(plan: Plan, summary: AdherenceSummary) -> list[str]:
    """Each step-back rule that fires, in plain words with its numbers and source; [] when none does."""
    back = plan.progression.step_back
    src = f"[{back.source}]"
    pain, change, adherence = summary.last_week_pain, summary.pain_change, summary.adherence
    step: list[str] = []
    if pain is not None and pain >= back.min_pain:
        a, b = _pair(pain, back.min_pain)
        step.append(f"Mean pain in the last week with scores was {a}/10, at or above {b} {src}")
    if change is not None and change.points > 0:
        rise = change.last - change.first
        by_points = rise >= back.pain_rise
        frac = back.pain_rise_fraction
        by_percent = (frac is not None and change.first > 0 and rise >= frac * change.first
                      and rise >= MIN_NOTICEABLE_PAIN_RISE)
        if by_points or by_percent:
            a, b = _pair(rise, back.pain_rise)
            pct_txt = f" ({100 * rise / change.first:.0f}% of the first week's {change.first:.1f})" if change.first > 0 else ""
            rule = f"{b} points" + (f" or {100 * frac:.0f}% [O1]" if frac is not None else "")
            step.append(f"Pain rose by {a} points{pct_txt} since the first week with scores; a rise of {rule} "
                        f"is a real worsening {src}")
    if back.adherence_below is not None and adherence is not None and adherence < back.adherence_below:
        step.append(
            f"Only {pct(adherence)} of sessions were done, below {pct(back.adherence_below)}: the dose may be too "
            f"much to keep up {src}"
        )
    if step and plan.phase_index == 0:
        step.append("This is the first phase, so stepping back means a lighter dose of this phase "
                    "(or a review with the therapist if the dose is already the lightest allowed).")
    return step


def _advance_or_hold(plan: Plan, summary: AdherenceSummary, cutoff: float, weeks_in_phase: int,
                     numbers: dict) -> Recommendation:
    adv = plan.progression.advance
    adv_src = f"[{adv.source}]"
    adherence, pain = summary.adherence or 0.0, summary.last_week_pain
    met: list[str] = []
    missing: list[str] = []
    (met if adherence >= cutoff else missing).append(
        f"adherence {pct(adherence)} ({summary.sessions_done} of {summary.sessions_scheduled} sessions) "
        f"{'reaches' if adherence >= cutoff else 'is below'} the {pct(cutoff)} needed {adv_src}"
    )
    if pain is None:
        missing.append("no pain scores were logged, so we cannot confirm pain is low enough to advance")
    else:
        a, b = _pair(pain, adv.max_pain)
        (met if pain <= adv.max_pain else missing).append(
            f"mean pain in the last week with scores {a}/10 "
            f"{'is within' if pain <= adv.max_pain else 'is above'} the {b} allowed {adv_src}"
        )
    top = summary.highest_pain
    if adv.stop_pain is not None and top is not None and top >= adv.stop_pain:
        a, b = _pair(top, adv.stop_pain)
        missing.append(f"a session reached pain {a}/10, at or above the stop level {b} of the protocol's "
                       f"stop rule, whatever the week's mean {adv_src}")
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


def _refer_reasons(summary: AdherenceSummary) -> tuple[list[str], str | None]:
    """One sentence per red flag, most urgent first, and the most urgent level (None when there is none)."""
    from .redflags import LEVEL_ACTION
    from .vocabulary import LEVEL_ORDER

    flags = sorted(summary.red_flags, key=lambda f: (LEVEL_ORDER.index(f.level or "review"), f.date or dt.date.max))
    reasons = [f"{LEVEL_ACTION[f.level or 'review']}. {f.message}" for f in flags]
    return reasons, (flags[0].level or "review") if flags else None


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
