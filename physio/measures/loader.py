"""Read protocols/measures/*.yaml (one instrument per file) and refuse a broken file with file:line and field.

The YAML-with-lines reading and the source-key check are the protocol loader's own (physio/library.py), used
as they are. The protocol loader reads only top-level protocols/*.yaml, so this folder is never mistaken
for a protocol.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..errors import ProtocolError
from ..protocol_files import DEFAULT_PROTOCOLS_DIR, TEAM_DEFAULT, _check_sources, _Doc, _read, _validate, source_keys
from .models import Measure
from .rules import RULES

#: Risk groups the STarT Back rule gives, the only groups a "risk-group" signal may name for it.
_RULE_GROUPS = {"start-back": {"low risk", "medium risk", "high risk"}}


def _sources(folder: Path) -> dict[str, str]:
    doc = _read(folder / "sources.yaml")
    sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if not isinstance(sources, dict):
        raise ProtocolError(f"{doc.where(('sources',))}: expected a mapping of source key → citation")
    return {str(k): str(v) for k, v in sources.items()}


def load_measures(folder: str | Path | None = None) -> dict[str, Measure]:
    """Every instrument in <protocols>/measures/, by id. Raises ProtocolError listing every problem found."""
    folder = Path(folder or os.environ.get("PHYSIO_PROTOCOLS") or DEFAULT_PROTOCOLS_DIR)
    known = _sources(folder)
    files = sorted((folder / "measures").glob("*.yaml"))
    if not files:
        raise ProtocolError(f"{folder / 'measures'}: no instrument files (*.yaml) found")
    problems: list[str] = []
    measures: dict[str, Measure] = {}
    where_from: dict[str, str] = {}
    for file in files:
        try:
            doc = _read(file)
        except ProtocolError as e:
            problems.extend(e.problems)
            continue
        _check_sources(doc, known, problems)
        _check_named_sources(doc.data, doc, known, problems)
        m = _validate(Measure, doc.data, doc, (), problems)
        if m is None:
            continue
        problems.extend(check_measure(m, doc))
        if m.id in measures:
            problems.append(f"{doc.where(('id',))}: duplicate instrument id '{m.id}' (also in {where_from[m.id]})")
        measures[m.id] = m
        where_from[m.id] = file.name
    if problems:
        raise ProtocolError(problems)
    return measures


def _check_named_sources(data, doc: _Doc, known: dict[str, str], problems: list[str], path: tuple = ()) -> None:
    """Fields such as min_answered_source name their source like a `source` field does; check their keys too."""
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(k, str) and k.endswith("_source") and isinstance(v, str):
                keys = source_keys(v)
                if not keys:
                    problems.append(f"{doc.where(path + (k,))}: '{v}' does not start with a source key; write e.g. "
                                    f"'O1: note' or '{TEAM_DEFAULT}: why'")
                problems.extend(f"{doc.where(path + (k,))}: unknown source key '{key}'; add it to sources.yaml"
                                for key in keys if key != TEAM_DEFAULT and key not in known)
            else:
                _check_named_sources(v, doc, known, problems, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_named_sources(v, doc, known, problems, path + (i,))


def check_measure(m: Measure, doc: _Doc) -> list[str]:
    """What a file can get wrong that its fields alone do not show; each problem names file, line and field."""
    w = doc.where
    out: list[str] = []
    if doc.file.stem != m.id:
        out.append(f"{w(('id',))}: the id '{m.id}' differs from the file name; name the file {m.id}.yaml")
    out += _check_items(m, w)
    out += _check_scoring(m, w)
    out += _check_bands(m, w)
    out += _check_signals(m, w)
    return out


def _check_items(m: Measure, w) -> list[str]:
    out: list[str] = []
    ids = [it.id for it in m.items]
    for i, it in enumerate(m.items):
        if ids.index(it.id) != i:
            out.append(f"{w(('items', i, 'id'))}: duplicate item id '{it.id}'")
        if it.text and not m.licence.print_wording:
            out.append(f"{w(('items', i, 'text'))}: the licence does not allow printing this instrument's wording; "
                       "keep only a neutral label")
    if m.not_applicable_counts_as is not None and not m.not_applicable_source:
        out.append(f"{w(('not_applicable_counts_as',))}: say which source sets this rule in not_applicable_source")
    for di, d in enumerate(m.domains):
        for ii, item in enumerate(d.items):
            if item not in ids:
                out.append(f"{w(('domains', di, 'items', ii))}: no item '{item}' in this instrument")
        if d.min_answered > len(d.items):
            out.append(f"{w(('domains', di, 'min_answered'))}: {d.min_answered} is more than the domain's "
                       f"{len(d.items)} items")
    return out


def _check_scoring(m: Measure, w) -> list[str]:
    s = m.scoring
    out: list[str] = []
    if s.rule not in RULES:
        return [f"{w(('scoring', 'rule'))}: unknown scoring rule '{s.rule}'; the rules are {', '.join(RULES)}"]
    if s.range[0] >= s.range[1]:
        out.append(f"{w(('scoring', 'range'))}: the lowest score must be below the highest")
    if s.min_answered is not None:
        if not s.min_answered_source:
            out.append(f"{w(('scoring', 'min_answered'))}: say which source sets the minimum in min_answered_source")
        if s.min_answered > len(m.items):
            out.append(f"{w(('scoring', 'min_answered'))}: {s.min_answered} is more than the {len(m.items)} items")
    _, params = RULES[s.rule]
    if params is not None:
        problems: list[str] = []
        _validate(params, s.parameters, _DocShim(w), ("scoring", "parameters"), problems)
        out += problems
    elif s.parameters:
        out.append(f"{w(('scoring', 'parameters'))}: the rule '{s.rule}' takes no parameters")
    if s.rule in ("single-value", "activity-mean") and len(m.items) != 1:
        out.append(f"{w(('items',))}: the rule '{s.rule}' needs exactly one item (the value or the scale)")
    if s.rule in ("single-value", "activity-mean") and len(m.items) == 1 and (m.items[0].min, m.items[0].max) != s.range:
        out.append(f"{w(('items', 0))}: the answer range {m.items[0].min:g}–{m.items[0].max:g} differs from the score "
                   f"range {s.range[0]:g}–{s.range[1]:g}; with this rule they are the same")
    if (s.rule == "activity-mean") != (m.activities is not None):
        out.append(f"{w(('activities',))}: patient-named activities go with the rule 'activity-mean' only")
    if s.rule == "domain-means" and not m.domains:
        out.append(f"{w(('domains',))}: the rule 'domain-means' needs the domains listed")
    return out


class _DocShim:
    """Lets the library's validator report parameter problems at their line in the instrument file."""

    def __init__(self, where):
        self.where = where


def _check_bands(m: Measure, w) -> list[str]:
    if m.bands is None:
        return []
    lo, hi = m.scoring.range
    tops = [b.up_to for b in m.bands.bands]
    out: list[str] = []
    if tops != sorted(tops) or len(set(tops)) != len(tops):
        out.append(f"{w(('bands', 'bands'))}: bands must go up, each 'up_to' above the one before")
    if tops[-1] != hi or tops[0] < lo:
        out.append(f"{w(('bands', 'bands'))}: the bands must cover the score range {lo:g}–{hi:g} "
                   f"(the last 'up_to' is {hi:g})")
    return out


def _check_signals(m: Measure, w) -> list[str]:
    out: list[str] = []
    for i, sig in enumerate(m.signals):
        if sig.when == "worse-by-meaningful-change" and m.meaningful_change is None:
            out.append(f"{w(('signals', i, 'when'))}: this instrument has no meaningful_change to compare with")
        if sig.when in ("worse-by", "worse-by-meaningful-change") and m.scoring.direction == "neither":
            out.append(f"{w(('signals', i, 'when'))}: this instrument has no better or worse end (direction: neither)")
        if sig.when == "risk-group":
            groups = _RULE_GROUPS.get(m.scoring.rule) or {b.label for b in (m.bands.bands if m.bands else [])}
            if sig.group not in groups:
                out.append(f"{w(('signals', i, 'group'))}: '{sig.group}' is not a group this instrument gives; "
                           f"allowed: {', '.join(sorted(groups))}")
    return out


@functools.lru_cache(maxsize=4)
def _cached(folder: str) -> dict[str, Measure]:
    return load_measures(folder)


def default_measures() -> dict[str, Measure]:
    """The shipped (or PHYSIO_PROTOCOLS) instruments, read once per process."""
    return _cached(os.environ.get("PHYSIO_PROTOCOLS") or str(DEFAULT_PROTOCOLS_DIR))
