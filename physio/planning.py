"""Turn a protocol into one patient's plan, safely, and lay it out on the calendar.

Everything here is pure: models in, models out, no files. Every limit lives in the protocol file and
is enforced here; every other layer (widgets, CLI, workbook) asks these functions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .errors import Contraindicated, LimitExceeded, PlanError
from .models import (
    DOSE_PARAMS,
    PARAM_LABELS,
    AddedExercise,
    Dose,
    ExerciseChange,
    Limit,
    Overrides,
    Patient,
    PatientRef,
    Phase,
    Plan,
    PlannedExercise,
    Prescription,
    Protocol,
    ScheduledSession,
)
from .models._base import Frozen
from .safety import board_session_problems
from .translations import Translation, exercise_in

if TYPE_CHECKING:
    from .library import Library

__all__ = [
    "Screening",
    "screen",
    "parse_date",
    "personalise",
    "schedule",
    "change_phase",
    "advance",
    "step_back",
    "lighter_plan",
    "lighter_dose",
    "check_plan",
    "ensure_safe",
]

DAYS_PER_WEEK_DEFAULT = 7
"""An exercise whose dose does not say how many days a week is done every day.

Why: home programmes in the protocols are daily unless the phase says otherwise (L1: daily; the
article's exercises are meant "every day")."""

SESSIONS_PER_DAY_DEFAULT = 1
"""An exercise whose dose does not say how many sessions a day is done once a day (team-default)."""


# ---------------------------------------------------------------- screening


class Screening(Frozen):
    """The outcome of checking one patient against one protocol, every reason in plain words."""

    allowed: bool
    #: Every reason the protocol is refused (a contraindication not lifted, a red flag).
    refusals: list[str] = []
    #: Contraindications that a clearance lifted: which, by whom, when.
    cleared: list[str] = []
    #: Shown wherever the plan is shown (age, Cobb angle...), never a refusal.
    warnings: list[str] = []


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def screen(protocol: Protocol, patient: Patient, on: dt.date, translation: "Translation | None" = None) -> Screening:
    """Check contraindications, red flags and warnings of `protocol` for `patient` on a date.

    A clearance lifts a contraindication only when the protocol marks it clearable, the ids match,
    and the clearance is for this protocol (or for any protocol). Red flags noted at intake always refuse:
    they mean "refer", never "exercise at home".

    With a translation, the cleared and warning lines (which the patient reads) are in its language;
    refusals are for the therapist and stay in English.
    """
    from .io._labels import labels, long_date

    lang = translation.language if translation else "en"
    L = labels(lang)
    texts = translation.protocols[protocol.id] if translation else None
    refusals: list[str] = []
    cleared: list[str] = []
    warnings: list[str] = []
    by_id = {c.id: c for c in protocol.contraindications}
    for cid in dict.fromkeys(patient.contraindications):  # each once, in the order noted
        ci = by_id.get(cid)
        if ci is None:
            continue  # the protocol does not list it, so it does not rule this protocol out
        covering = [
            c for c in patient.clearances
            if c.contraindication == cid and (c.protocol is None or c.protocol == protocol.id)
        ]
        if not ci.clearable:
            refusals.append(
                f"Contraindication '{cid}' ({ci.text}): {protocol.title} is never allowed with it, "
                "even with a doctor's clearance."
            )
        elif covering:
            c = covering[0]
            when = long_date(c.on, lang) if translation else f"{c.on:%d %b %Y}"
            text = texts.contraindications.get(cid, ci.text) if texts else ci.text
            cleared.append(L["cleared"].format(text=text, id=cid, by=c.by, on=when) + (f" ({c.note})" if c.note else ""))
        else:
            other = [c for c in patient.clearances if c.contraindication == cid]
            hint = (
                f"; the recorded clearance is for protocol '{other[0].protocol}', not '{protocol.id}'"
                if other else "; a doctor's written clearance for this protocol would allow it"
            )
            refusals.append(f"Contraindication '{cid}' ({ci.text}): no clearance recorded{hint}.")
    flags = {f.id: f for f in protocol.red_flags}
    for fid in dict.fromkeys(patient.red_flags):
        text = flags[fid].text if fid in flags else "noted at intake"
        refusals.append(f"Red flag '{fid}' ({text}): refer the patient to a doctor before any home programme.")
    age = patient.age(on)
    cobb = patient.cobb_deg()
    for w in protocol.warnings:
        v = _fmt_num(w.value)
        message = texts.warnings.get(w.id, w.message) if texts else w.message
        c = _fmt_num(cobb) if cobb is not None else ""
        if w.when == "age_under" and age < w.value:
            warnings.append(f"{message} ({L['age_under'].format(age=age, v=v)})")
        elif w.when == "age_over" and age > w.value:
            warnings.append(f"{message} ({L['age_over'].format(age=age, v=v)})")
        elif w.when == "cobb_over" and cobb is not None and cobb > w.value:
            warnings.append(f"{message} ({L['cobb_over'].format(cobb=c, v=v)})")
        elif w.when == "cobb_under" and cobb is not None and cobb < w.value:
            warnings.append(f"{message} ({L['cobb_under'].format(cobb=c, v=v)})")
    return Screening(allowed=not refusals, refusals=refusals, cleared=cleared, warnings=warnings)


# ---------------------------------------------------------------- helpers


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: dt.date | str, what: str = "start date") -> dt.date:
    """A date object, or text written YYYY-MM-DD; anything else is a PlanError naming the value."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass  # e.g. 2026-02-30: the right shape, but no such day
    return _bad_date(value, what)


MAX_DAYS_IN_THE_PAST = 7
"""A plan may start at most 7 days before the day it is made without a written reason.

Why (team-default): a plan is normally made for now; a start weeks back is a plan entered after the fact,
whose first weeks the patient could not have followed, so the therapist says why."""


def check_start(start: dt.date, today: dt.date, reason: str | None) -> str | None:
    """Refuse a start more than MAX_DAYS_IN_THE_PAST days before today without a reason; return the reason kept."""
    days = (today - start).days
    if days <= MAX_DAYS_IN_THE_PAST:
        return None
    if not (reason and reason.strip()):
        raise PlanError(
            f"start date {start:%Y-%m-%d} is {days} days before today ({today:%Y-%m-%d}); a plan may start at most "
            f"{MAX_DAYS_IN_THE_PAST} days in the past unless you give the reason (e.g. a plan entered after the fact): "
            "start_reason=... in the API, --start-reason in the command line"
        )
    return reason.strip()


def _bad_date(value: object, what: str) -> dt.date:
    raise PlanError(f"{what} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-07")


def _limit_range(lim: tuple[int, int]) -> str:
    return f"{lim[0]}–{lim[1]}"


def _check_value(name: str, param: str, value: int, limit: Limit | None, reason: str | None) -> str | None:
    """Refuse a value outside the hard limit, or outside the usual range without a reason.

    Returns the reason to keep with the plan (only for a value outside the usual range)."""
    label = PARAM_LABELS.get(param, param)
    if limit is None:
        raise LimitExceeded(
            f"{name}: {label} cannot be set, because the protocol gives no limit for it; "
            "ask for a limit to be added to the protocol file"
        )
    if not limit.in_hard(value):
        side = "above" if value > limit.hard[1] else "below"
        raise LimitExceeded(f"{name}: {param} {value} is {side} the hard limit {_limit_range(limit.hard)}")
    if limit.in_usual(value):
        return None
    if not (reason and reason.strip()):
        raise LimitExceeded(
            f"{name}: {param} {value} is outside the usual range {_limit_range(limit.usual)}; "
            f"a written reason is required (hard limit {_limit_range(limit.hard)})"
        )
    return reason.strip()


def _make_dose(name: str, values: dict) -> Dose:
    try:
        return Dose.model_validate(values)
    except ValidationError as e:
        msgs = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'dose'}: {err['msg'].removeprefix('Value error, ')}"
            for err in e.errors()
        )
        raise PlanError(f"{name}: the dose is not valid ({msgs})") from None


def _limits_for(protocol: Protocol, rx: Prescription | None) -> dict:
    out = {}
    for p in DOSE_PARAMS:
        lim = protocol.limit(rx, p)
        if lim is not None:
            out[p] = lim
    return out


# ---------------------------------------------------------------- personalise


def personalise(
    protocol: Protocol,
    patient: Patient,
    phase_id: str,
    start: dt.date | str,
    overrides: Overrides | None = None,
    *,
    library: "Library",
    weeks: int | None = None,
    language: str | None = None,
    today: dt.date | None = None,
    start_reason: str | None = None,
) -> Plan:
    """Make a draft plan (version 0) of one phase of `protocol` for `patient`.

    `language` (default: the patient's) is the language of the texts the plan stores for the patient:
    exercises, phase, safety rules and warnings; the handout and workbook print them as stored.

    Screening runs first and refuses with every reason at once. Overrides may change dose values of
    the phase's exercises, remove some, add library exercises and add notes; each value is checked
    against the hard limit and the usual range. `weeks` defaults to the phase's min_weeks: that is the
    first moment the protocol allows a review (advance/step back), so the log covers exactly the time
    until the next decision. A start more than 7 days before `today` (default: physio.clock.today()) needs
    `start_reason`, which the plan keeps and prints.
    """
    from .clock import today as clinic_today

    overrides = overrides or Overrides()
    phase = protocol.phase(phase_id)
    start_d = parse_date(start)
    made_on = today or clinic_today()
    kept_start_reason = check_start(start_d, made_on, start_reason)
    language = language or patient.language
    translation = _translation(library, language)
    result = screen(protocol, patient, start_d, translation)
    if not result.allowed:
        raise Contraindicated(
            f"{protocol.title} is not allowed for {patient.name} ({patient.id}):\n- " + "\n- ".join(result.refusals),
            result.refusals,
        )
    if weeks is None:
        weeks = phase.min_weeks
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= phase.max_weeks:
        raise PlanError(
            f"weeks {weeks!r} is not allowed for phase '{phase.id}'; use a whole number from 1 to "
            f"{phase.max_weeks} (the phase's maximum)"
        )

    exercises = _personalised_exercises(protocol, phase, overrides, library)
    board = board_session_problems((pe.exercise.name, pe.exercise.tags, pe.dose) for pe in exercises)
    if board:
        raise LimitExceeded("; ".join(board))
    texts = translation.protocols[protocol.id] if translation else None
    phase_text = texts.phases[phase.id] if texts else None
    if translation is not None:
        notes_ru = phase_text.notes if phase_text else {}
        rx_notes = {rx.exercise: rx.note for rx in phase.exercises if rx.note}
        exercises = [
            pe.model_copy(update={
                "exercise": exercise_in(pe.exercise, translation),
                # the phase's own note is translated; a therapist's note stays as written
                "note": notes_ru.get(pe.exercise.id, pe.note) if pe.note and pe.note == rx_notes.get(pe.exercise.id)
                else pe.note,
            })
            for pe in exercises
        ]
    return Plan(
        id=f"{patient.id}-{protocol.id}",
        version=0,
        patient=PatientRef(id=patient.id, name=patient.name, birth_year=patient.birth_year),
        therapist=patient.therapist,
        protocol_id=protocol.id,
        protocol_title=texts.title if texts else protocol.title,
        protocol_version=protocol.version,
        condition=protocol.condition,
        phase_id=phase.id,
        phase_name=phase_text.name if phase_text else phase.name,
        phase_goal=phase_text.goal if phase_text else phase.goal,
        phase_index=protocol.phase_index(phase.id),
        phase_count=len(protocol.phases),
        start=start_d,
        weeks=weeks,
        exercises=exercises,
        overrides=overrides,
        notes=[n for n in overrides.notes if n.strip()],
        warnings=result.warnings + _late_start_line(start_d, made_on, kept_start_reason, language),
        cleared=result.cleared,
        stop_rules=[r.model_copy(update={"text": t}) for r, t in zip(protocol.stop_rules, texts.stop_rules)]
        if texts else protocol.stop_rules,
        red_flags=[f.model_copy(update={"text": texts.red_flags[f.id]}) for f in protocol.red_flags]
        if texts else protocol.red_flags,
        progression=phase.progression,
        language=language,
        start_reason=kept_start_reason,
    )


def _late_start_line(start: dt.date, made_on: dt.date, reason: str | None, language: str) -> list[str]:
    """The line every output prints for a plan entered after the fact (none for a plan made in time)."""
    if reason is None:
        return []
    from .io._labels import labels

    return [labels(language)["late_start"].format(days=(made_on - start).days, reason=reason)]


def _translation(library: "Library", language: str) -> "Translation | None":
    """The library's translation for a plan's language; None for English. Refused when there is none."""
    if language == "en":
        return None
    tr = getattr(library, "translations", {}).get(language)
    if tr is None:
        raise PlanError(
            f"the plan's language is '{language}', but {library.folder} has no translations/{language}.yaml; "
            f"languages available: {', '.join(['en', *sorted(getattr(library, 'translations', {}))])}"
        )
    return tr


def _personalised_exercises(
    protocol: Protocol, phase: Phase, overrides: Overrides, library: "Library"
) -> list[PlannedExercise]:
    in_phase = [rx.exercise for rx in phase.exercises]
    listing = ", ".join(in_phase)

    def not_in_phase(ex_id: str, what: str) -> PlanError:
        return PlanError(
            f"{what} '{ex_id}', but it is not in phase '{phase.id}' of {protocol.id}; "
            f"the phase's exercises are: {listing}"
        )

    for ex_id in overrides.change:
        if ex_id not in in_phase:
            raise not_in_phase(ex_id, "the overrides change")
        if ex_id in overrides.remove:
            raise PlanError(f"the overrides both change and remove '{ex_id}'; choose one")
    for ex_id in overrides.remove:
        if ex_id not in in_phase:
            raise not_in_phase(ex_id, "the overrides remove")

    planned: list[PlannedExercise] = []
    for rx in phase.exercises:
        if rx.exercise in overrides.remove:
            continue
        ex = library.exercise(rx.exercise)
        change = overrides.change.get(rx.exercise, ExerciseChange())
        for p in change.reasons:
            if p not in change.set:
                raise PlanError(
                    f"{ex.name}: a reason is given for {p}, but no new value for it; "
                    f"values changed: {', '.join(change.set) or 'none'}"
                )
        reasons: dict = {}
        for p, v in change.set.items():
            kept = _check_value(ex.name, p, v, protocol.limit(rx, p), change.reasons.get(p))
            if kept:
                reasons[p] = kept
        dose = _make_dose(ex.name, {**rx.dose.model_dump(), **change.set})
        planned.append(
            PlannedExercise(
                exercise=ex,
                dose=dose,
                protocol_dose=rx.dose,
                dose_source=rx.source,
                limits=_limits_for(protocol, rx),
                reasons=reasons,
                note=change.note or rx.note,
            )
        )

    seen = set(in_phase)
    for add in overrides.add:
        ex = library.exercise(add.exercise)
        if add.exercise in seen:
            raise PlanError(
                f"'{add.exercise}' is added, but it is already in the plan; change its dose instead"
            )
        seen.add(add.exercise)
        bad = sorted(set(ex.tags) & set(protocol.forbidden_tags))
        if bad:
            raise PlanError(
                f"{ex.name} ('{ex.id}') cannot be added: it is tagged {', '.join(bad)}, which "
                f"{protocol.title} forbids (forbidden tags: {', '.join(protocol.forbidden_tags)})"
            )
        for p in add.reasons:
            if p not in add.dose.values():
                raise PlanError(f"{ex.name}: a reason is given for {p}, but the added dose does not set it")
        reasons = {}
        for p, v in add.dose.values().items():
            kept = _check_value(ex.name, p, v, protocol.limit(None, p), add.reasons.get(p))
            if kept:
                reasons[p] = kept
        planned.append(
            PlannedExercise(
                exercise=ex,
                dose=add.dose,
                protocol_dose=None,
                dose_source="added by the therapist; limits: the protocol's",
                limits=_limits_for(protocol, None),
                reasons=reasons,
                added=True,
                note=add.note,
            )
        )
    if not planned:
        raise PlanError(f"the overrides remove every exercise of phase '{phase.id}'; a plan needs at least one")
    return planned


def check_plan(plan: Plan, protocol: Protocol | None = None) -> list[str]:
    """Safety problems in a plan, as sentences; [] for a safe plan.

    Used by tests and by the workspace before issuing: no value outside its hard limit (the limits
    the plan carries), no value outside the usual range without a reason, and, when the protocol is
    given, no exercise with a tag it forbids."""
    problems: list[str] = []
    forbidden = set(protocol.forbidden_tags) if protocol else set()
    for pe in plan.exercises:
        bad = sorted(set(pe.exercise.tags) & forbidden)
        if bad:
            problems.append(f"{pe.exercise.name}: tagged {', '.join(bad)}, forbidden by {plan.protocol_id}")
        for p, v in pe.dose.values().items():
            lim = pe.limits.get(p)
            if lim is None:
                problems.append(f"{pe.exercise.name}: {p} {v} has no limit")
            elif not lim.in_hard(v):
                problems.append(f"{pe.exercise.name}: {p} {v} is outside the hard limit {_limit_range(lim.hard)}")
            elif not lim.in_usual(v) and not pe.reasons.get(p):
                problems.append(f"{pe.exercise.name}: {p} {v} is outside the usual range and has no reason")
    problems += board_session_problems((pe.exercise.name, pe.exercise.tags, pe.dose) for pe in plan.exercises)
    return problems


def ensure_safe(plan: Plan) -> None:
    """Refuse a plan that breaks a safety rule, however it was made (the exports call this too)."""
    problems = check_plan(plan)
    if problems:
        raise LimitExceeded(f"plan {plan.label} for patient {plan.patient.id} is not safe to hand out: "
                            + "; ".join(problems))


# ---------------------------------------------------------------- schedule


def _days_of_week(days_per_week: int) -> list[int]:
    """Spread n training days over a 7-day week: 3 → days 0, 2, 4; 5 → 0, 1, 2, 4, 5."""
    return sorted({(i * 7) // days_per_week for i in range(days_per_week)})


def schedule(plan: Plan) -> list[ScheduledSession]:
    """Every dated session of every exercise, sorted by (date, session, exercise order).

    Weeks start on the plan's start date, whatever the weekday."""
    out: list[tuple[tuple, ScheduledSession]] = []
    for order, pe in enumerate(plan.exercises):
        days = _days_of_week(pe.dose.days_per_week or DAYS_PER_WEEK_DEFAULT)
        per_day = pe.dose.sessions_per_day or SESSIONS_PER_DAY_DEFAULT
        for w in range(plan.weeks):
            for d in days:
                date = plan.start + dt.timedelta(days=7 * w + d)
                for s in range(1, per_day + 1):
                    out.append(
                        ((date, s, order), ScheduledSession(date=date, week=w + 1, session=s, exercise_id=pe.exercise.id))
                    )
    out.sort(key=lambda t: t[0])
    return [s for _, s in out]


# ---------------------------------------------------------------- moving between phases


def change_phase(
    plan: Plan,
    protocol: Protocol,
    patient: Patient,
    to_phase_id: str,
    start: dt.date | str | None = None,
    *,
    library: "Library",
    weeks: int | None = None,
) -> Plan:
    """A new draft of the same plan in another phase, carrying the therapist's overrides where still safe.

    An override carries over when its exercise is still in the new phase and its value is within the
    hard limit and the usual range (or keeps its reason). Anything else is dropped and listed in
    `changes`, so nothing disappears without the therapist being told. `start` defaults to the day
    after the current plan ends (or today, when that day is past).
    """
    if plan.protocol_id != protocol.id:
        raise PlanError(f"plan {plan.label} follows protocol '{plan.protocol_id}', not '{protocol.id}'")
    if plan.patient.id != patient.id:
        raise PlanError(f"plan {plan.label} is for patient '{plan.patient.id}', not '{patient.id}'")
    phase = protocol.phase(to_phase_id)
    start_d = parse_date(start) if start is not None else _next_start(plan)
    carried, changes = _carry_overrides(plan.overrides, protocol, phase, library)
    new = personalise(protocol, patient, phase.id, start_d, carried, library=library, weeks=weeks,
                      language=plan.language)
    return new.model_copy(update={"changes": changes})


def _next_start(plan: Plan) -> dt.date:
    """A next version starts the day after this one ends, or today when that day is already past."""
    from .clock import today

    return max(plan.end + dt.timedelta(days=1), today())


def _carry_overrides(
    old: Overrides, protocol: Protocol, phase: Phase, library: "Library"
) -> tuple[Overrides, list[str]]:
    rx_by_id = {rx.exercise: rx for rx in phase.exercises}
    changes: list[str] = []

    def name(ex_id: str) -> str:
        ex = library.exercises.get(ex_id)
        return ex.name if ex else ex_id

    def keep(ex_name: str, p: str, v: int, lim: Limit | None, reason: str | None) -> bool:
        label = PARAM_LABELS.get(p, p)
        if lim is None or not lim.in_hard(v):
            allowed = f"the hard limit is {_limit_range(lim.hard)}" if lim else "it has no limit there"
            changes.append(f"{ex_name}: your {label} of {v} was not carried over: in {phase.name} {allowed}.")
            return False
        if not lim.in_usual(v) and not (reason and reason.strip()):
            changes.append(
                f"{ex_name}: your {label} of {v} was not carried over: it is outside the usual range "
                f"{_limit_range(lim.usual)} of {phase.name} and has no written reason."
            )
            return False
        return True

    change: dict[str, ExerciseChange] = {}
    for ex_id, ch in old.change.items():
        if ex_id not in rx_by_id:
            changes.append(f"{name(ex_id)}: your changes were not carried over: it is not part of {phase.name}.")
            continue
        kept = {p: v for p, v in ch.set.items() if keep(name(ex_id), p, v, protocol.limit(rx_by_id[ex_id], p), ch.reasons.get(p))}
        reasons = {p: r for p, r in ch.reasons.items() if p in kept}
        if kept or ch.note:
            change[ex_id] = ExerciseChange(set=kept, reasons=reasons, note=ch.note)
    remove: list[str] = []
    for ex_id in old.remove:
        if ex_id in rx_by_id:
            remove.append(ex_id)
        else:
            changes.append(f"{name(ex_id)}: was removed before; it is not part of {phase.name} anyway.")
    add: list[AddedExercise] = []
    for a in old.add:
        if a.exercise in rx_by_id:
            changes.append(
                f"{name(a.exercise)}: was added by you; {phase.name} includes it, so it now has the phase's dose."
            )
            continue
        vals = a.dose.values()
        if all(keep(name(a.exercise), p, v, protocol.limit(None, p), a.reasons.get(p)) for p, v in vals.items()):
            add.append(a)
        else:
            changes.append(f"{name(a.exercise)}: the exercise you added was left out; add it again with a dose in range.")
    return Overrides(change=change, remove=remove, add=add, notes=old.notes), changes


def advance(
    plan: Plan, protocol: Protocol, patient: Patient, start: dt.date | str | None = None, *, library: "Library"
) -> Plan:
    """A draft for the next phase; refused when the plan is already in the last phase."""
    i = protocol.phase_index(plan.phase_id)
    if i + 1 >= len(protocol.phases):
        raise PlanError(
            f"plan {plan.label} is in '{plan.phase_id}', the last phase of {protocol.id}; there is no next phase"
        )
    return change_phase(plan, protocol, patient, protocol.phases[i + 1].id, start, library=library)


LIGHTER_FACTOR = 2 / 3
"""A lighter dose keeps about two thirds of each amount (sets, repetitions, hold, duration, sessions a day).

Why: T1 says pain of 4-5 means "reduce the load" and 6 or more "stop or regress" without a number; EM1
progresses one variable at a time. team-default: a third less of every amount is a clear, safe step down."""

_LIGHTEN = ("sets", "reps", "hold_s", "duration_s", "sessions_per_day")


def lighter_dose(dose: Dose, limits: dict) -> Dose:
    """The same exercise with about a third less of each amount, never below its hard minimum.

    Days a week stay as they are (the patient keeps the habit); the board angle is never raised."""
    values = dose.model_dump()
    for p in _LIGHTEN:
        v = values.get(p)
        if v is None:
            continue
        lo = limits[p].hard[0] if p in limits else 1
        values[p] = max(lo, min(v, int(v * LIGHTER_FACTOR)))
    return Dose.model_validate(values)


def lighter_plan(
    plan: Plan, protocol: Protocol, patient: Patient, start: dt.date | str | None = None, *, library: "Library"
) -> Plan:
    """A draft of the same phase with a lighter dose of every exercise (the step back within a phase).

    Refused, asking for a review, when every dose is already at its lightest."""
    phase = protocol.phase(plan.phase_id)
    rx_by_id = {rx.exercise: rx for rx in phase.exercises}
    change: dict[str, ExerciseChange] = {}
    add: list[AddedExercise] = []
    why = "a lighter dose after a step back (T1: reduce the load)"
    lighter_any = False
    for pe in plan.exercises:
        rx = rx_by_id.get(pe.exercise.id)
        limits = _limits_for(protocol, rx)
        new = lighter_dose(pe.dose, limits)
        lighter_any |= new != pe.dose
        vals = {p: v for p, v in new.values().items() if p in limits}
        reasons = {p: why for p, v in vals.items() if not limits[p].in_usual(v)}
        if rx is not None:
            changed = {p: v for p, v in vals.items() if getattr(rx.dose, p) != v}
            change[pe.exercise.id] = ExerciseChange(set=changed, reasons={p: r for p, r in reasons.items() if p in changed},
                                                    note=pe.note if pe.note != rx.note else None)
        else:
            add.append(AddedExercise(exercise=pe.exercise.id, dose=new, reasons=reasons, note=pe.note))
    if not lighter_any:
        raise PlanError(
            f"plan {plan.label}: every dose is already the lightest {protocol.title} allows in {phase.name}; "
            "review the programme with the patient instead of stepping back"
        )
    removed = [rx.exercise for rx in phase.exercises if rx.exercise not in {pe.exercise.id for pe in plan.exercises}]
    overrides = Overrides(change={k: v for k, v in change.items() if v.set or v.note}, remove=removed, add=add,
                          notes=plan.overrides.notes)
    start_d = parse_date(start) if start is not None else _next_start(plan)
    new_plan = personalise(protocol, patient, phase.id, start_d, overrides, library=library, weeks=plan.weeks,
                           language=plan.language)
    return new_plan.model_copy(update={"changes": [f"A lighter dose of {phase.name}: about a third less of each "
                                                   "amount, the same days a week."]})


def step_back(
    plan: Plan, protocol: Protocol, patient: Patient, start: dt.date | str | None = None, *, library: "Library"
) -> Plan:
    """A draft that asks less of the patient: the previous phase, or a lighter dose of this phase.

    The previous phase is used only when its weekly load (exercise sessions a week) is no higher than this
    plan's; in the first phase, or when the previous phase asks for more sessions (phase 1 of a McKenzie
    programme is done many times a day), the answer is a lighter dose of this phase. A step back never
    raises the weekly load; when nothing can be lighter, it is refused with a request for a review."""
    from .progression import weekly_sessions

    i = protocol.phase_index(plan.phase_id)
    if i > 0:
        draft = change_phase(plan, protocol, patient, protocol.phases[i - 1].id, start, library=library)
        if weekly_sessions(draft) <= weekly_sessions(plan):
            return draft
    return lighter_plan(plan, protocol, patient, start, library=library)
