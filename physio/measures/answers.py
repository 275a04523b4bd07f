"""Turn what the therapist typed into checked Answers, refusing an impossible answer in one plain sentence
that names the item and the values allowed."""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from .models import Activity, Answers, Item, Measure, MeasureError

#: What a therapist types for an item the patient left blank, and for "not applicable".
BLANK = ("-", "")
NOT_APPLICABLE = ("na", "n/a")


def _number(measure: Measure, item: Item, given: Any) -> float:
    """The answer as a number inside the item's range, or a MeasureError naming the item and what is allowed."""
    what = item.label if measure.short_name.lower() in item.label.lower() else f"{measure.short_name} {item.label}"
    allowed = f"allowed: {item.allowed()}" + (", na (not applicable)" if measure.not_applicable_counts_as is not None
                                              else "") + " or - (left blank)"
    try:
        value = float(str(given).strip().replace(",", "."))
    except ValueError:
        raise MeasureError(f"{what}: {given!r} is not an answer; {allowed}") from None
    if math.isnan(value) or not item.min <= value <= item.max:
        raise MeasureError(f"{what}: {given!r} is outside the allowed answers; {allowed}")
    if item.whole and value != int(value):
        raise MeasureError(f"{what}: {given!r} is not a whole number; {allowed}")
    if item.choices and int(value) not in {c.value for c in item.choices}:
        raise MeasureError(f"{what}: {given!r} is not one of the allowed answers; {allowed}")
    return value


def _item_answer(measure: Measure, item: Item, given: Any) -> float | str | None:
    """A number, None for blank, or 'na'."""
    if given is None:
        return None
    text = str(given).strip().lower()
    if text in BLANK:
        return None
    if text in NOT_APPLICABLE:
        if measure.not_applicable_counts_as is None:
            raise MeasureError(f"{measure.short_name} {item.label}: 'not applicable' is not an answer this "
                               f"instrument allows; allowed: {item.allowed()} or - (left blank)")
        return "na"
    return _number(measure, item, given)


def check_answers(measure: Measure, items: Mapping[str, Any] | None = None,
                  activities: Sequence[tuple[str, Any]] = ()) -> Answers:
    """Check answers given by item id (and PSFS activities as (name, score) pairs); unmentioned items are blank."""
    items = dict(items or {})
    unknown = [k for k in items if measure.item(k) is None]
    if measure.activities is None and unknown:
        ids = ", ".join(it.id for it in measure.items)
        raise MeasureError(f"{measure.short_name} has no item {unknown[0]!r}; its items are {ids}")
    values: dict[str, float | None] = {}
    na: set[str] = set()
    for it in measure.items:
        if measure.activities is not None:
            break
        got = _item_answer(measure, it, items.get(it.id))
        if got == "na":
            na.add(it.id)
        else:
            values[it.id] = got  # type: ignore[assignment]
    return Answers(measure_id=measure.id, items=values, not_applicable=frozenset(na),
                   activities=_activities(measure, activities))


def _activities(measure: Measure, given: Sequence[tuple[str, Any]]) -> tuple[Activity, ...]:
    if not given:
        return ()
    spec = measure.activities
    if spec is None:
        raise MeasureError(f"{measure.short_name} has no patient-named activities; answer its items instead")
    if len(given) > spec.max:
        raise MeasureError(f"{measure.short_name}: {len(given)} activities were given and at most {spec.max} are "
                           f"allowed ({spec.source})")
    scale = measure.items[0]
    out: list[Activity] = []
    seen: set[str] = set()
    for n, (name, value) in enumerate(given, start=1):
        name = (name or "").strip()
        if not name:
            raise MeasureError(f"{measure.short_name} activity {n} has no name; the patient names each activity, "
                               "so write it as \"name=score\", e.g. \"putting on socks=4\"")
        if name.lower() in seen:
            raise MeasureError(f"{measure.short_name} activity {n}: '{name}' is named twice; each activity once")
        seen.add(name.lower())
        if value is None or str(value).strip() in BLANK:
            raise MeasureError(f"{measure.short_name} activity '{name}' has no score; allowed: {scale.allowed()}")
        out.append(Activity(name=name, score=_number(measure, scale.model_copy(update={"label": f"'{name}'"}), value)))
    return tuple(out)


def parse_tokens(measure: Measure, tokens: Sequence[str]) -> Answers:
    """Answers as typed on the command line: one per item in order ('-' for blank), or ITEM=VALUE pairs;
    for PSFS, "activity name=score" pairs."""
    if measure.activities is not None:
        pairs = []
        for t in tokens:
            name, sep, value = t.rpartition("=")
            pairs.append((name, value) if sep else ("", t))
        return check_answers(measure, activities=pairs)
    if any("=" in t for t in tokens):
        items: dict[str, str] = {}
        for t in tokens:
            key, sep, value = t.partition("=")
            if not sep:
                raise MeasureError(f"{t!r}: give every answer as ITEM=VALUE once one is given that way, "
                                   f"e.g. 1=3 for {measure.items[0].label}")
            if key.strip() in items:
                raise MeasureError(f"{measure.short_name} item {key.strip()!r} is answered twice; answer it once")
            items[key.strip()] = value
        return check_answers(measure, items)
    if len(tokens) != len(measure.items):
        n = len(measure.items)
        raise MeasureError(f"{measure.short_name} has {n} item{'s' if n > 1 else ''} and {len(tokens)} answer"
                           f"{'s were' if len(tokens) != 1 else ' was'} given; give one per item in order "
                           "('-' for one left blank), or ITEM=VALUE pairs")
    return check_answers(measure, {it.id: t for it, t in zip(measure.items, tokens)})
