"""`physio measures ...`: list the outcome measures, show one, and score answers typed from a patient's form.

Registered from cli.py (COMMANDS); kept apart so the other command groups and this one change independently.
An impossible answer or too few answers is a user error: one plain sentence on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..measures import MeasureError, default_measures, load_measures, parse_tokens, score
from ..measures.models import ACTION_WORDS, Measure, Score
from ..measures.models import format_value

__all__ = ["add_measures"]

_DIRECTION = {"higher-is-better": "higher is better", "higher-is-worse": "higher is worse", "neither": ""}


def _measures(args: argparse.Namespace) -> dict[str, Measure]:
    return load_measures(args.protocols) if args.protocols else default_measures()


def _measure(args: argparse.Namespace) -> Measure:
    measures = _measures(args)
    try:
        return measures[args.measure_id]
    except KeyError:
        raise MeasureError(f"there is no outcome measure '{args.measure_id}'; the measures are: "
                           f"{', '.join(sorted(measures))}") from None


def _range(m: Measure) -> str:
    lo, hi = m.scoring.range
    unit = {"%": "%", "°": "°"}.get(m.scoring.unit, f" {m.scoring.unit}" if m.scoring.unit else "")
    direction = _DIRECTION[m.scoring.direction]
    return f"{lo:g}–{hi:g}{unit}" + (f", {direction}" if direction else "")


def _change(m: Measure) -> str:
    c = m.meaningful_change
    if c is None:
        return "no meaningful-change figure"
    unit = {"%": " points", "°": "°"}.get(m.scoring.unit, f" {m.scoring.unit}" if m.scoring.unit else "")
    pct = f" or {c.percent:g} %" if c.percent else ""
    return f"change that matters: {c.points:g}{unit}{pct} ({c.source.split(':')[0]})"


def _list(args: argparse.Namespace) -> None:
    for m in sorted(_measures(args).values(), key=lambda m: m.id):
        wording = "wording may be printed" if m.licence.print_wording else "score entry only"
        print(f"{m.id}\t{m.name}\t{_range(m)}\t{_change(m)}\t{wording}")


def _show(args: argparse.Namespace) -> None:
    m = _measure(args)
    print(f"{m.name} ({m.id})\n{m.what}")
    print(f"Licence: {'the wording may be printed' if m.licence.print_wording else 'score entry only'} — "
          f"{m.licence.reason} ({m.licence.source})")
    print(f"Score: {_range(m)}; rule: {m.scoring.description} ({m.scoring.source})")
    if m.scoring.min_answered:
        print(f"Needs at least {m.scoring.min_answered} of {len(m.items)} answered ({m.scoring.min_answered_source})")
    print(_change(m)[0].upper() + _change(m)[1:])
    print(f"LOINC: {m.loinc or 'none'} ({m.loinc_note})")
    for line in _details(m):
        print(line)
    if m.activities:
        print(f"Activities: {m.activities.min}–{m.activities.max} named by the patient, each scored "
              f"{m.items[0].allowed()}; type them as \"activity name=score\"")
        return
    print("Items (type the answers in this order, '-' for one left blank, or ITEM=VALUE):")
    for it in m.items:
        na = ", na" if m.not_applicable_counts_as is not None else ""
        print(f"  {it.id}\t{it.label}\t{it.allowed()}{na}" + (f"\t{it.text}" if it.text else ""))


def _when(m: Measure, rule) -> str:
    if rule.when == "worse-by-meaningful-change":
        return "worse than the baseline by the change that matters"
    if rule.when == "worse-by":
        return f"worse than the baseline by {format_value(m, rule.points)} or more"
    if rule.when == "risk-group":
        return f"the result is {rule.group}"
    return f"it reaches {format_value(m, rule.value)} from below"


def _details(m: Measure) -> list[str]:
    """Bands, domains and decision rules, each with its source."""
    lines = []
    if m.bands:
        lines.append("Bands: " + "; ".join(f"up to {format_value(m, b.up_to)} {b.label}" for b in m.bands.bands)
                     + f" ({m.bands.source})")
    for d in m.domains:
        change = (f"; change that matters {d.meaningful_change.points:g} ({d.meaningful_change.source})"
                  if d.meaningful_change else "")
        lines.append(f"Domain {d.name}: items {', '.join(d.items)}, at least {d.min_answered} answered{change}")
    for rule in m.signals:
        lines.append(f"Decision: {ACTION_WORDS[rule.action]} when {_when(m, rule)} ({rule.source})")
    return lines


def _score_lines(m: Measure, s: Score) -> list[str]:
    if s.value is None:
        head = f"{m.name}: no score"
    else:
        head = f"{m.name}: {format_value(m, s.value)}" + (f" — {s.band}" if s.band else "")
    lines = [head]
    for name, value in s.parts.items():
        lines.append(f"  {name}: {'not enough answers' if value is None else format_value(m, value)}")
    what = "activities" if m.activities else ("sections" if m.items[0].label.startswith("Section") else "items")
    lines.append(f"  {s.answered} of {s.expected} {what} answered; rule: {s.rule}")
    return lines


def _score(args: argparse.Namespace) -> None:
    m = _measure(args)
    s = score(m, parse_tokens(m, args.answers))
    for line in _score_lines(m, s):
        print(line)
    if s.value is None:
        raise MeasureError("; ".join(s.missing))
    for line in s.missing:  # a domain without enough answers while the main score stands
        print(f"  note: {line}")


def _validate(args: argparse.Namespace) -> int:
    """Check the instrument files of a protocols folder and print every problem (exit 1 if any)."""
    from ..errors import ProtocolError

    folder = args.folder or args.protocols
    shown = folder or "the shipped outcome measures"
    try:
        measures = load_measures(folder)
    except ProtocolError as e:
        print(f"{shown}: {len(e.problems)} problem(s)", file=sys.stderr)
        for line in e.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{shown}: OK — {len(measures)} outcome measures ({', '.join(sorted(measures))})")
    return 0


def _date(text: str | None) -> dt.date:
    """The date a form was filled: YYYY-MM-DD (or DD.MM.YYYY); today when not given."""
    from ..clock import today

    if text is None:
        return today()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise MeasureError(f"--date {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-07")


def _record(args: argparse.Namespace) -> None:
    """Score a patient's answers and keep them in the workspace (refused, nothing kept, when they cannot be scored)."""
    from ..clock import today
    from ..measures import record
    from ..store import Workspace

    ws = Workspace(args.workspace)
    patient = ws.patient(args.patient_id)
    m = _measure(args)
    answers = parse_tokens(m, args.answers)
    result = record(m, answers, _date(args.date), birth_year=patient.birth_year, today=today())
    if result.score.value is None:
        raise MeasureError("; ".join(result.score.missing) + "; nothing was recorded")
    stored = ws.record_result(patient.id, result, answers, by=args.by)
    print(f"Recorded for {patient.name} on {stored.on:%d.%m.%Y} by {stored.recorded_by}:")
    for line in _score_lines(m, result.score):
        print(f"  {line}")


def _history(args: argparse.Namespace) -> None:
    from ..store import Workspace

    ws = Workspace(args.workspace)
    patient = ws.patient(args.patient_id)
    stored = ws.results(patient.id)
    if not stored:
        print(f"No outcome measures recorded for {patient.name} yet.")
        return
    measures = _measures(args)
    for r in stored:
        m = measures.get(r.measure_id)
        name = m.short_name if m else r.measure_id
        if r.score.value is None:
            value = "no score"
        else:
            value = (format_value(m, r.score.value) if m else f"{r.score.value:g}") + \
                (f" — {r.score.band}" if r.score.band else "")
        print(f"{r.on:%d.%m.%Y}\t{name}\t{value}\trecorded by {r.recorded_by} {r.recorded_at:%d.%m.%Y %H:%M}")


def add_measures(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("measures", help="outcome measures: list them, show one, score a patient's answers")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s.add_parser("list", help="one line per outcome measure").set_defaults(func=_list)
    v = s.add_parser("validate", help="check the instrument files and print every problem (exit 1 if any)")
    v.add_argument("folder", nargs="?", default=None, metavar="PROTOCOLS_FOLDER",
                   help="a protocols folder holding sources.yaml and measures/ (default: the shipped one)")
    v.set_defaults(func=_validate)
    show = s.add_parser("show", help="an outcome measure's licence, scoring rule and items")
    show.add_argument("measure_id", metavar="ID")
    show.set_defaults(func=_show)
    sc = s.add_parser("score", help="score the answers typed from the patient's form")
    sc.add_argument("measure_id", metavar="ID")
    sc.add_argument("answers", nargs="*", metavar="ANSWER",
                    help="one per item in order ('-' blank, 'na' not applicable where allowed), or ITEM=VALUE; "
                         "PSFS: \"activity name=score\"")
    sc.set_defaults(func=_score)
    rec = s.add_parser("record", help="score a patient's answers and keep them in the workspace")
    rec.add_argument("patient_id", metavar="PATIENT_ID")
    rec.add_argument("measure_id", metavar="ID")
    rec.add_argument("answers", nargs="*", metavar="ANSWER", help="as for `physio measures score`")
    rec.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="the day the form was filled (default: today)")
    rec.add_argument("--by", default=None, metavar="NAME", help="who records it (default: $PHYSIO_USER or login)")
    rec.set_defaults(func=_record)
    h = s.add_parser("history", help="every outcome measure recorded for a patient, by date")
    h.add_argument("patient_id", metavar="PATIENT_ID")
    h.set_defaults(func=_history)
