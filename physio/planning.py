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
    Exercise,
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
from .models._base import Frozen, built_without_checks, fields_set_of
from .safety import board_session_problems, dose_cap_problems
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
    "weekly_sessions",
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


def _intake_red_flag(fid: str) -> str:
    """A red flag recorded at intake, in the vocabulary's words and with its level."""
    from .vocabulary import default_vocabulary

    term = default_vocabulary().red_flag(fid)
    return (f"Red flag '{term.id}' ({term.label['en']}; {term.level}): refer the patient to a doctor before any "
            "home programme.")


def screen(
    protocol: Protocol,
    patient: Patient,
    on: dt.date,
    translation: "Translation | None" = None,
    *,
    exercises: "list[Exercise] | None" = None,
    today: dt.date | None = None,
) -> Screening:
    """Check contraindications, red flags and warnings of `protocol` for `patient`, for a plan starting `on`.

    A contraindication is checked three ways, each from protocols/vocabulary.yaml and the protocol file:
    - the protocol lists it: it rules out the whole protocol;
    - it is general (pregnancy, osteoporosis, glaucoma...): it rules out every exercise carrying a tag it
      forbids (board, inversion, hanging, twist, loaded-flexion...) in any protocol, or every exercise if it
      names no tag; a general one that rules nothing out in this plan is still named, as a warning;
    - an exercise names it directly (its `contraindications` in exercises.yaml).
    `exercises` are the plan's exercises (those added by the therapist included); None: the protocol only.

    A clearance lifts a contraindication only when it is clearable, names this protocol (or the exercise it
    rules out), was signed no later than `on` and not after `today`, and has not expired by `on`. Red flags
    noted at intake always refuse: they mean "refer", never "exercise at home".

    With a translation, the cleared and warning lines (which the patient reads) are in its language;
    refusals are for the therapist and stay in English.
    """
    from .clock import today as clinic_today
    from .io._labels import labels
    from .vocabulary import default_vocabulary

    vocab = default_vocabulary()
    lang = translation.language if translation else "en"
    texts = translation.protocols[protocol.id] if translation else None
    out = _ScreenOut(labels(lang), lang, texts, translation is not None)
    by_id = {c.id: c for c in protocol.contraindications}
    for cid in dict.fromkeys(patient.contraindications):  # each once, in the order noted
        term = vocab.contraindication(cid)
        listed = by_id.get(term.id)
        if listed is not None:
            _screen_protocol_wide(out, protocol, patient, term.id, listed.text, listed.clearable, listed.source,
                                  on, today or clinic_today())
            continue
        ruled_out = [ex for ex in (exercises or []) if term.rules_out(ex.tags) or term.id in ex.contraindications]
        if term.general and not term.forbids_tags:
            _screen_protocol_wide(out, protocol, patient, term.id, term.label["en"], term.clearable, term.source,
                                  on, today or clinic_today())
        elif ruled_out:
            _screen_exercises(out, protocol, patient, term, ruled_out, on, today or clinic_today())
        elif term.general:
            out.warnings.append(
                f"{term.label[lang if lang in term.label else 'en']}: "
                + ("ни одно упражнение этого плана не запрещено при этом состоянии ("
                   if lang == "ru" else "noted at intake; none of this plan's exercises is one it rules out (")
                + ", ".join(term.forbids_tags) + ")")
    for fid in dict.fromkeys(patient.red_flags):
        out.refusals.append(_intake_red_flag(fid))
    out.warnings += _screen_warnings(protocol, patient, on, out)
    return Screening(allowed=not out.refusals, refusals=out.refusals, cleared=out.cleared, warnings=out.warnings)


class _ScreenOut:
    """The lines screening collects, and the language they are written in."""

    def __init__(self, L: dict, lang: str, texts, translated: bool):
        self.L, self.lang, self.texts, self.translated = L, lang, texts, translated
        self.refusals: list[str] = []
        self.cleared: list[str] = []
        self.warnings: list[str] = []


def _clearance_problem(c, on: dt.date, today: dt.date) -> str | None:
    """Why a clearance cannot count for a plan starting `on` (None: it counts)."""
    if c.on > today:
        return f"the clearance by {c.by} is dated {c.on:%d %b %Y}, in the future"
    if c.on > on:
        return f"the clearance by {c.by} is dated {c.on:%d %b %Y}, after the plan's start {on:%d %b %Y}"
    until, source = c.expires()
    if until < on:
        return f"the clearance by {c.by} of {c.on:%d %b %Y} expired on {until:%d %b %Y} ({source})"
    return None


def _cleared_line(out: _ScreenOut, c, text: str, cid: str, what: str | None) -> str:
    from .io._labels import long_date

    when = long_date(c.on, out.lang) if out.translated else f"{c.on:%d %b %Y}"
    until, _ = c.expires()
    until_txt = long_date(until, out.lang) if out.translated else f"{until:%d %b %Y}"
    line = out.L["cleared"].format(text=text, id=cid, by=c.by, on=when)
    line += ", " + out.L["cleared_until"].format(until=until_txt)
    if what:
        line += f" ({what})"
    return line + (f" ({c.note})" if c.note else "")


def _pick_clearance(patient: Patient, cid: str, fits, on: dt.date, today: dt.date) -> tuple[object | None, list[str]]:
    """The first valid clearance of `cid` that `fits`, and why the others that fit do not count."""
    problems = []
    for c in patient.clearances:
        if c.contraindication != cid or not fits(c):
            continue
        problem = _clearance_problem(c, on, today)
        if problem is None:
            return c, []
        problems.append(problem)
    return None, problems


def _screen_protocol_wide(out: _ScreenOut, protocol: Protocol, patient: Patient, cid: str, text: str,
                          clearable: bool, source: str, on: dt.date, today: dt.date) -> None:
    head = f"Contraindication '{cid}' ({text})"
    if not clearable:
        out.refusals.append(f"{head}: {protocol.title} is never allowed with it, even with a doctor's clearance "
                            f"[{source}].")
        return
    c, problems = _pick_clearance(patient, cid, lambda c: c.protocol == protocol.id, on, today)
    if c is not None:
        shown = out.texts.contraindications.get(cid, text) if out.texts else text
        out.cleared.append(_cleared_line(out, c, shown, cid, None))
        return
    other = [c for c in patient.clearances if c.contraindication == cid and c.protocol != protocol.id]
    if problems:
        hint = "; " + "; ".join(problems)
    elif other:
        names = other[0].protocol or f"exercise '{other[0].exercise}'"
        hint = f"; the recorded clearance is for {names if other[0].protocol is None else repr(names)}, not '{protocol.id}'"
    else:
        hint = "; a doctor's written clearance for this protocol would allow it"
    out.refusals.append(f"{head}: no valid clearance recorded{hint} [{source}].")


def _screen_exercises(out: _ScreenOut, protocol: Protocol, patient: Patient, term, ruled_out: list,
                      on: dt.date, today: dt.date) -> None:
    """A contraindication that rules out some exercises of the plan (by their tags or by name)."""
    text = term.label["en"]
    head = f"Contraindication '{term.id}' ({text})"
    blocked, why_not = [], []
    for ex in ruled_out:
        tags = sorted(set(term.forbids_tags) & set(ex.tags))
        named = f"{ex.name} ('{ex.id}'" + (f", tagged {', '.join(tags)})" if tags else ")")
        if not term.clearable:
            blocked.append(named)
            continue
        c, problems = _pick_clearance(patient, term.id, lambda c, ex=ex: c.exercise == ex.id or c.protocol == protocol.id,
                                      on, today)
        if c is None:
            blocked.append(named)
            why_not += problems
        else:
            label = term.label.get(out.lang, text) if out.translated else text
            out.cleared.append(_cleared_line(out, c, label, term.id, ex.name))
    if not blocked:
        return
    if not term.clearable:
        tail = "never allowed with it, even with a doctor's clearance; remove the exercise"
    elif why_not:
        tail = "; ".join(dict.fromkeys(why_not)) + "; remove the exercise or record a valid clearance"
    else:
        tail = ("no valid clearance recorded; remove the exercise, or record a doctor's clearance for it or for "
                "this protocol")
    out.refusals.append(f"{head}: rules out {'; '.join(blocked)}: {tail} [{term.source}].")


def _screen_warnings(protocol: Protocol, patient: Patient, on: dt.date, out: _ScreenOut) -> list[str]:
    """The protocol's warnings that apply to this patient (age, Cobb angle), in the plan's language."""
    L, texts = out.L, out.texts
    warnings: list[str] = []
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
        elif w.when == "cobb_at_least" and cobb is not None and cobb >= w.value:
            warnings.append(f"{message} ({L['cobb_at_least'].format(cobb=c, v=v)})")
        elif (w.when == "growing_cobb_at_least" and cobb is not None and cobb >= w.value
              and patient.risser() is not None and patient.risser() <= (w.risser_at_most or 0)):
            warnings.append(f"{message} ({L['growing_cobb'].format(cobb=c, v=v, risser=patient.risser())})")
        elif w.when == "risser_missing_under_age" and patient.risser() is None and age < w.value:
            warnings.append(f"{message} ({L['risser_missing'].format(age=age)})")
    return warnings


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
    if weeks is None:
        weeks = phase.min_weeks
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= phase.max_weeks:
        raise PlanError(
            f"weeks {weeks!r} is not allowed for phase '{phase.id}'; use a whole number from 1 to "
            f"{phase.max_weeks} (the phase's maximum)"
        )

    preference = patient.directional_preference()
    exercises = _personalised_exercises(protocol, phase, overrides, library, preference)
    caps = [p for pe in exercises for p in dose_cap_problems(pe.exercise.name, pe.exercise.tags, pe.dose)]
    if caps:
        raise LimitExceeded("; ".join(caps))
    result = screen(protocol, patient, start_d, translation, exercises=[pe.exercise for pe in exercises],
                    today=made_on)
    if not result.allowed:
        raise Contraindicated(
            f"{protocol.title} is not allowed for {patient.name} ({patient.id}):\n- " + "\n- ".join(result.refusals),
            result.refusals,
        )
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
        warnings=_preference_lines(phase, preference, language) + result.warnings
        + _late_start_line(start_d, made_on, kept_start_reason, language),
        cleared=result.cleared,
        stop_rules=[r.model_copy(update={"text": t}) for r, t in zip(protocol.stop_rules, texts.stop_rules)]
        if texts else protocol.stop_rules,
        red_flags=[f.model_copy(update={"text": texts.red_flags[f.id]}) for f in protocol.red_flags]
        if texts else protocol.red_flags,
        progression=phase.progression,
        language=language,
        start_reason=kept_start_reason,
        larger_print=patient.larger_print,
    )


def _preference_lines(phase: Phase, preference: str | None, language: str) -> list[str]:
    """A warning when the phase's programme depends on a directional preference and none was recorded."""
    if not phase.programmes or preference is not None:
        return []
    from .io._labels import labels

    return [labels(language)["no_preference"]]


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
    protocol: Protocol, phase: Phase, overrides: Overrides, library: "Library", preference: str | None = None
) -> list[PlannedExercise]:
    programme = phase.programme(preference)
    in_phase = [rx.exercise for rx in programme]
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
    for rx in programme:
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
        in_phase_bad = [f for f in phase.forbidden if f.tag in ex.tags]
        if in_phase_bad:
            raise PlanError(
                f"{ex.name} ('{ex.id}') cannot be added to {phase.name}: it is tagged "
                + "; ".join(f"{f.tag}, which this phase forbids [{f.source}]" for f in in_phase_bad)
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


def check_plan(plan: Plan, protocol: Protocol | None = None, *, library: "Library | None" = None) -> list[str]:
    """Safety problems in a plan, as sentences; [] for a safe plan.

    The plan is checked against the CURRENT library (default: physio.default_library()) and the absolute caps
    (physio/safety.py), never against the limits the plan carries, which an edited file or database could
    have widened: every value within the hard limit of its protocol and phase, outside the usual range only
    with a reason, no tag the protocol or phase forbids, the board rule, and no value above its cap. A plan
    whose protocol or phase the library no longer holds is checked against its own limits AND the caps.
    Used by Workspace.issue, the exports and the importer."""
    lib = library if library is not None else _current_library()
    proto = protocol or (lib.protocols.get(plan.protocol_id) if lib is not None else None)
    phase = None
    if proto is not None:
        phase = next((ph for ph in proto.phases if ph.id == plan.phase_id), None)
    rx_by_id: dict[str, Prescription] = {}
    forbidden: set[str] = set(proto.forbidden_tags) if proto else set()
    if phase is not None:
        forbidden |= phase.forbidden_tags()
        for rx_list in [phase.exercises, *(p.exercises for p in phase.programmes.values())]:
            rx_by_id.update({rx.exercise: rx for rx in rx_list if rx.exercise not in rx_by_id})
    problems: list[str] = []
    for pe in plan.exercises:
        current = lib.exercises.get(pe.exercise.id) if lib is not None else None
        tags = set(pe.exercise.tags) | set(current.tags if current else [])
        bad = sorted(tags & forbidden)
        if bad:
            problems.append(f"{pe.exercise.name}: tagged {', '.join(bad)}, forbidden by {plan.protocol_id}")
        problems += dose_cap_problems(pe.exercise.name, tags, pe.dose)
        for p, v in pe.dose.values().items():
            lim = proto.limit(rx_by_id.get(pe.exercise.id), p) if phase is not None else pe.limits.get(p)
            label = PARAM_LABELS.get(p, p)
            if lim is None:
                problems.append(f"{pe.exercise.name}: {label} {v} has no limit in {plan.protocol_id}")
            elif not lim.in_hard(v):
                problems.append(f"{pe.exercise.name}: {label} {v} is outside the hard limit {_limit_range(lim.hard)}")
            elif not lim.in_usual(v) and not pe.reasons.get(p):
                problems.append(f"{pe.exercise.name}: {label} {v} is outside the usual range and has no reason")
    problems += board_session_problems((pe.exercise.name, pe.exercise.tags, pe.dose) for pe in plan.exercises)
    return problems


def _current_library() -> "Library | None":
    """The library in force (PHYSIO_PROTOCOLS or the shipped one); None when it cannot be read, so the caps
    and the plan's own limits still apply."""
    from .errors import ProtocolError
    from .library import default_library

    try:
        return default_library()
    except ProtocolError:
        return None


def ensure_safe(plan: Plan, *, library: "Library | None" = None) -> None:
    """Refuse a plan that breaks a safety rule, however it was made (the exports and the importer call this)."""
    problems = check_plan(plan, library=library)
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
    exercises = [(pe.exercise.id, set(_days_of_week(pe.dose.days_per_week or DAYS_PER_WEEK_DEFAULT)),
                  pe.dose.sessions_per_day or SESSIONS_PER_DAY_DEFAULT) for pe in plan.exercises]
    most = max((per_day for _, _, per_day in exercises), default=0)
    out: list[ScheduledSession] = []
    for w in range(plan.weeks):
        for d in range(7):
            date = plan.start + dt.timedelta(days=7 * w + d)
            for s in range(1, most + 1):
                for exercise_id, days, per_day in exercises:  # in the plan's order
                    if d in days and s <= per_day:
                        # a date, a week and a session from 1, an exercise id of the plan: valid as built
                        out.append(built_without_checks(ScheduledSession, {"date": date, "week": w + 1, "session": s,
                                                                           "exercise_id": exercise_id}, _SESSION_FIELDS))
    return out


_SESSION_FIELDS = fields_set_of(ScheduledSession)


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
    carried, changes = _carry_overrides(plan.overrides, protocol, phase, library, patient.directional_preference())
    new = personalise(protocol, patient, phase.id, start_d, carried, library=library, weeks=weeks,
                      language=plan.language)
    return new.model_copy(update={"changes": changes})


def _next_start(plan: Plan) -> dt.date:
    """A next version starts the day after this one ends, or today when that day is already past."""
    from .clock import today

    return max(plan.end + dt.timedelta(days=1), today())


def _carry_overrides(
    old: Overrides, protocol: Protocol, phase: Phase, library: "Library", preference: str | None = None
) -> tuple[Overrides, list[str]]:
    rx_by_id = {rx.exercise: rx for rx in phase.programme(preference)}
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
    programme = phase.programme(patient.directional_preference())
    rx_by_id = {rx.exercise: rx for rx in programme}
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
    removed = [rx.exercise for rx in programme if rx.exercise not in {pe.exercise.id for pe in plan.exercises}]
    overrides = Overrides(change={k: v for k, v in change.items() if v.set or v.note}, remove=removed, add=add,
                          notes=plan.overrides.notes)
    start_d = parse_date(start) if start is not None else _next_start(plan)
    new_plan = personalise(protocol, patient, phase.id, start_d, overrides, library=library, weeks=plan.weeks,
                           language=plan.language)
    return new_plan.model_copy(update={"changes": [f"A lighter dose of {phase.name}: about a third less of each "
                                                   "amount, the same days a week."]})


def weekly_sessions(plan: Plan) -> int:
    """Exercise sessions a week the plan asks for (one exercise done once is one session): the weekly load
    that a step back must never raise. Doses without days or sessions count as the planning defaults."""
    return sum((pe.dose.days_per_week or DAYS_PER_WEEK_DEFAULT) * (pe.dose.sessions_per_day or SESSIONS_PER_DAY_DEFAULT)
               for pe in plan.exercises)


def step_back(
    plan: Plan, protocol: Protocol, patient: Patient, start: dt.date | str | None = None, *, library: "Library"
) -> Plan:
    """A draft that asks less of the patient: the previous phase, or a lighter dose of this phase.

    The previous phase is used only when its weekly load (exercise sessions a week) is no higher than this
    plan's; in the first phase, or when the previous phase asks for more sessions (phase 1 of a McKenzie
    programme is done many times a day), the answer is a lighter dose of this phase. A step back never
    raises the weekly load; when nothing can be lighter, it is refused with a request for a review."""
    i = protocol.phase_index(plan.phase_id)
    if i > 0:
        draft = change_phase(plan, protocol, patient, protocol.phases[i - 1].id, start, library=library)
        if weekly_sessions(draft) <= weekly_sessions(plan):
            return draft
    return lighter_plan(plan, protocol, patient, start, library=library)
