"""Read protocols/ into models, and refuse a broken or unsafe file with file, line and field.

Layout of the folder:
  sources.yaml      source keys → citations (every clinical number names one of these keys)
  exercises.yaml    the exercise library
  poses.yaml        start and end poses of each exercise, for the drawings (optional here)
  <protocol>.yaml   one file per protocol (any other *.yaml with a top-level `phases` key)
  translations/     <language>.yaml: patient texts in that language (optional; see physio/translations.py)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ProtocolError, UnknownId
from .models import DOSE_PARAMS, Exercise, Protocol
from .protocol_files import (  # noqa: F401 (DEFAULT_PROTOCOLS_DIR, source_keys: where notebooks and tests find them)
    DEFAULT_PROTOCOLS_DIR, TEAM_DEFAULT, _check_sources, _Doc, _dotted, _read, _validate, load_sources, protocols_folder,
    source_keys,
)
from .safety import MAX_BOARD_SESSION_S, board_seconds

# The board rule lives in physio/safety.py, shared with planning; re-exported here for the protocol checks.


# ---------------------------------------------------------------- the library


@dataclass(frozen=True)
class Library:
    """Everything in protocols/: exercises, protocols, sources and (when present) poses."""

    folder: Path
    exercises: dict[str, Exercise]
    protocols: dict[str, Protocol]
    sources: dict[str, str]
    poses: dict[str, Any] = field(default_factory=dict)
    #: Patient texts in other languages, by language code (translations/<language>.yaml), checked on load.
    translations: dict[str, Any] = field(default_factory=dict)

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise UnknownId(
                f"there is no exercise '{exercise_id}' in {self.folder / 'exercises.yaml'}; "
                f"{_closest(exercise_id, self.exercises)}"
            ) from None

    def protocol(self, protocol_id: str) -> Protocol:
        try:
            return self.protocols[protocol_id]
        except KeyError:
            raise UnknownId(
                f"there is no protocol '{protocol_id}'; the protocols are: {', '.join(sorted(self.protocols))}"
            ) from None

    def cite(self, source: str) -> str:
        """The full citations behind a source field."""
        return "; ".join(f"{k}: {self.sources.get(k, '?')}" for k in source_keys(source))


def _closest(wanted: str, known: dict) -> str:
    import difflib

    near = difflib.get_close_matches(wanted, list(known), n=3)
    return f"did you mean {', '.join(near)}?" if near else f"{len(known)} exercises are known"


def load_library(folder: str | Path | None = None) -> Library:
    """Read and check the whole folder. Raises ProtocolError listing every problem found."""
    folder = Path(folder) if folder else protocols_folder()
    if not folder.is_dir():
        raise ProtocolError(f"{folder}: the protocols folder does not exist")
    problems: list[str] = []

    sources = load_sources(folder)

    ex_doc = _read(folder / "exercises.yaml")
    _check_sources(ex_doc, sources, problems)
    exercises: dict[str, Exercise] = {}
    items = ex_doc.data.get("exercises") if isinstance(ex_doc.data, dict) else None
    if not isinstance(items, list):
        raise ProtocolError(f"{ex_doc.where(())}: expected a top-level 'exercises:' list")
    for i, item in enumerate(items):
        ex = _validate(Exercise, item, ex_doc, ("exercises", i), problems)
        if ex is None:
            continue
        if ex.id in exercises:
            problems.append(f"{ex_doc.where(('exercises', i, 'id'))}: duplicate exercise id '{ex.id}'")
        ex = _vocabulary_ids(ex, ex_doc, ("exercises", i), problems)
        exercises[ex.id] = ex

    protocols: dict[str, Protocol] = {}
    protocol_docs: dict[str, _Doc] = {}
    for file in sorted(folder.glob("*.yaml")):
        if file.name in ("sources.yaml", "exercises.yaml", "poses.yaml", "vocabulary.yaml", "caps.yaml"):
            continue
        try:
            doc = _read(file)
        except ProtocolError as e:
            problems.extend(e.problems)  # an unreadable protocol file does not hide the others' problems
            continue
        if not isinstance(doc.data, dict) or "phases" not in doc.data:
            # never skipped in silence: a misspelt `phases:` would otherwise drop a whole protocol
            problems.append(
                f"{doc.where(())}: not a protocol file (no top-level 'phases:'); this folder holds only "
                "sources.yaml, exercises.yaml, poses.yaml, vocabulary.yaml, caps.yaml and protocol files"
            )
            continue
        _check_sources(doc, sources, problems)
        proto = _validate(Protocol, doc.data, doc, (), problems)
        if proto is None:
            continue
        problems.extend(_uncited_numbers(proto, doc, sources))
        proto = _vocabulary_ids(proto, doc, (), problems)
        if proto.id in protocols:
            problems.append(f"{doc.where(('id',))}: duplicate protocol id '{proto.id}' (also in {protocol_docs[proto.id].file.name})")
        protocols[proto.id] = proto
        protocol_docs[proto.id] = doc
        problems.extend(check_protocol(proto, exercises, doc))

    poses: dict[str, Any] = {}
    if (folder / "poses.yaml").exists():
        poses = _load_poses(folder / "poses.yaml", exercises, problems)

    from .translations import load_translations

    # Translations are checked against the exercises and protocols; while those have problems of their own,
    # every protocol that failed to load would come back as an "unknown id" here, burying the real mistake.
    translations: dict[str, Any] = {}
    if not problems:
        translations = load_translations(folder / "translations", exercises, protocols, problems)

    if not problems:
        problems.extend(_red_flag_files_problems(folder, sources))
    if problems:
        raise ProtocolError(problems)
    return Library(folder, exercises, protocols, sources, poses, translations)


def _vocabulary_ids(item, doc: _Doc, at: tuple, problems: list[str]):
    """The item with every condition and contraindication written as its vocabulary id (case and synonyms
    mapped); an unknown one is a problem naming file, line, the closest ids and those allowed."""
    from .vocabulary import default_vocabulary

    vocab = default_vocabulary()

    def known(kind: str, value: str, path: tuple) -> str:
        try:
            return (vocab.condition(value) if kind == "condition" else vocab.contraindication(value)).id
        except UnknownId as e:
            problems.append(f"{doc.where(at + path)}: {e}")
            return value

    update: dict = {}
    if isinstance(item, Protocol):
        update["condition"] = known("condition", item.condition, ("condition",))
        update["contraindications"] = [
            c.model_copy(update={"id": known("contraindication", c.id, ("contraindications", i, "id"))})
            for i, c in enumerate(item.contraindications)
        ]
    else:
        update["contraindications"] = [known("contraindication", c, ("contraindications", i))
                                       for i, c in enumerate(item.contraindications)]
    return item.model_copy(update=update)


def _red_flag_files_problems(folder: Path, sources: dict[str, str]) -> list[str]:
    """The red-flag lexicon and the weekly check of this folder, checked against its vocabulary (file:line)."""
    from .redflags import load_lexicon
    from .vocabulary import default_vocabulary, load_vocabulary
    from .weekly_check import load_weekly_check

    problems: list[str] = []
    try:
        vocab_file = folder / "vocabulary.yaml"
        vocabulary = load_vocabulary(vocab_file) if vocab_file.exists() else default_vocabulary()
        if (folder / "red-flag-lexicon").is_dir():
            load_lexicon(folder / "red-flag-lexicon", vocabulary, sources)
        if (folder / "weekly-check" / "red-flags.yaml").exists():
            load_weekly_check(folder / "weekly-check" / "red-flags.yaml", vocabulary, sources)
    except ProtocolError as e:
        problems.extend(e.problems)
    return problems


def _load_poses(file: Path, exercises: dict[str, Exercise], problems: list[str]) -> dict[str, Any]:
    """Poses are checked by the drawing package, which knows the body model."""
    try:
        from .figures.poses import load_poses
    except ImportError:
        return {}
    return load_poses(file, exercises, problems)


def check_protocol(proto: Protocol, exercises: dict[str, Exercise], doc: _Doc | None = None) -> list[str]:
    """The safety invariants every protocol must keep; each problem names file, line and field."""
    where = doc.where if doc else (lambda p: _dotted(p))
    from .safety import cap_problems

    problems: list[str] = []
    for param, limit in proto.limits.items():
        problems += [f"{where(('limits', param))}: {p}; a protocol cannot raise a limit past it"
                     for p in cap_problems(param, limit.hard[1])]
    phase_ids: set[str] = set()
    for pi, phase in enumerate(proto.phases):
        if phase.id in phase_ids:
            problems.append(f"{where(('phases', pi, 'id'))}: duplicate phase id '{phase.id}'")
        phase_ids.add(phase.id)
        lists = [(("phases", pi, "exercises"), phase.exercises)]
        lists += [(("phases", pi, "programmes", pref, "exercises"), prog.exercises)
                  for pref, prog in phase.programmes.items()]
        for base, rx_list in lists:
            problems += _check_prescriptions(proto, phase, rx_list, base, exercises, where)
        if pi > 0 and not phase.deload:
            problems += _check_no_fall(proto, pi, where)
    problems.extend(_check_red_flag_ids(proto, where))
    return problems


def _check_red_flag_ids(proto: Protocol, where) -> list[str]:
    """Every red flag a protocol names is one of the vocabulary's, and every emergency has the protocol's own words."""
    from .vocabulary import default_vocabulary

    vocabulary = default_vocabulary()
    known = {f.id for f in vocabulary.red_flags}
    problems: list[str] = []
    covered: set[str] = set()
    for i, rf in enumerate(proto.red_flags):
        for j, fid in enumerate(rf.flags):
            if fid not in known:
                problems.append(f"{where(('red_flags', i, 'flags', j))}: unknown red flag '{fid}'; the vocabulary "
                                f"(vocabulary.yaml) has: {', '.join(sorted(known))}")
            covered.add(fid)
    missing = [f.id for f in vocabulary.red_flags if f.level == "emergency" and f.id not in covered]
    if missing:
        problems.append(f"{where(('red_flags',))}: no red flag of this protocol tells the patient what to do for "
                        f"{', '.join(missing)} (emergencies of vocabulary.yaml); list them under a red flag's 'flags'")
    return problems


def _check_prescriptions(proto: Protocol, phase, rx_list: list, base: tuple, exercises: dict[str, Exercise],
                         where) -> list[str]:
    """One list of prescriptions of a phase: known exercises, no forbidden tags, doses within limits and caps,
    board sessions within the board rule."""
    from .safety import cap_problems

    problems: list[str] = []
    seen: set[str] = set()
    board_total = board_longest = 0
    forbidden = {t: "this protocol forbids" for t in proto.forbidden_tags}
    forbidden.update({f.tag: f"phase '{phase.id}' forbids [{f.source}]" for f in phase.forbidden})
    for ei, rx in enumerate(rx_list):
        at = base + (ei,)
        if rx.exercise in seen:
            problems.append(f"{where(at + ('exercise',))}: '{rx.exercise}' is listed twice in this phase")
        seen.add(rx.exercise)
        ex = exercises.get(rx.exercise)
        if ex is None:
            problems.append(f"{where(at + ('exercise',))}: no exercise '{rx.exercise}' in exercises.yaml")
            continue
        for tag in sorted(set(ex.tags) & set(forbidden)):
            problems.append(f"{where(at + ('exercise',))}: '{ex.id}' is tagged {tag}, which {forbidden[tag]}")
        for param, value in rx.dose.values().items():
            limit = proto.limit(rx, param)
            if limit is None:
                problems.append(
                    f"{where(at + ('dose', param))}: {param} has no limit; add one under 'limits' of the protocol or this exercise"
                )
                continue
            if not limit.in_hard(value):
                lo, hi = limit.hard
                side = f"above the hard limit {hi}" if value > hi else f"below the hard limit {lo}"
                problems.append(f"{where(at + ('dose', param))}: {value} is {side} (allowed {lo}–{hi})")
            elif not limit.in_usual(value):
                problems.append(
                    f"{where(at + ('dose', param))}: {value} is outside the usual range {limit.usual[0]}–{limit.usual[1]}"
                )
        for param, limit in rx.limits.items():
            problems += [f"{where(at + ('limits', param))}: {p}; a protocol cannot raise a limit past it"
                         for p in cap_problems(param, limit.hard[1], ex.tags)]
        if "board" in ex.tags:
            total = board_seconds(rx.dose)
            board_total += total
            board_longest = max(board_longest, total)
            lim = proto.limit(rx, "duration_s")
            rule = f"a board session may last at most {MAX_BOARD_SESSION_S // 60} minutes (the article)"
            if total > MAX_BOARD_SESSION_S:
                problems.append(f"{where(at + ('dose', 'duration_s'))}: {rule}; {rx.dose.summary()} is {total} s")
            if lim and lim.hard[1] > MAX_BOARD_SESSION_S:
                problems.append(
                    f"{where(at + ('dose', 'duration_s'))}: {rule}; the hard limit is above ({lim.hard[1]} s)"
                )
    # one board exercise too long is reported above; here, several that are only too long together
    if board_total > MAX_BOARD_SESSION_S and board_longest <= MAX_BOARD_SESSION_S:
        problems.append(
            f"{where(base)}: a board session may last at most {MAX_BOARD_SESSION_S // 60} "
            f"minutes (the article); this phase's board exercises add up to {board_total} s"
        )
    return problems


def _check_no_fall(proto: Protocol, pi: int, where) -> list[str]:
    problems: list[str] = []
    phase = proto.phases[pi]
    before = {rx.exercise: rx.dose for rx in proto.phases[pi - 1].exercises}
    for ei, rx in enumerate(phase.exercises):
        prev = before.get(rx.exercise)
        if prev is None:
            continue
        for param in DOSE_PARAMS:
            a, b = getattr(prev, param), getattr(rx.dose, param)
            if a is not None and b is not None and b < a:
                problems.append(
                    f"{where(('phases', pi, 'exercises', ei, 'dose', param))}: {param} falls from {a} to {b} "
                    f"after phase '{proto.phases[pi - 1].id}'; mark the phase 'deload: true' if that is meant"
                )
    return problems


_CITED = re.compile(r"\(([^()]*)\)")


def _uncited_numbers(proto: Protocol, doc: _Doc, known: dict[str, str]) -> list[str]:
    """Numbers in the summary and phase goals have no `source` field: each sentence with a number must
    name its source in brackets, e.g. "(SC1, SC2)" or "(article)"."""
    problems: list[str] = []
    texts = [(("summary",), proto.summary)] + [(("phases", i, "goal"), ph.goal) for i, ph in enumerate(proto.phases)]
    for path, text in texts:
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if not re.search(r"\d", sentence):
                continue
            named = {k.strip() for group in _CITED.findall(sentence) for k in re.split(r"[,;]", group)}
            if not named & (set(known) | {TEAM_DEFAULT}):
                problems.append(
                    f"{doc.where(path)}: the number in \"{sentence.strip()}\" names no source; add a source key in "
                    f"brackets, e.g. (article) or ({TEAM_DEFAULT})"
                )
    return problems


@functools.lru_cache(maxsize=4)
def _cached(folder: str) -> Library:
    return load_library(folder)


def default_library() -> Library:
    """The shipped (or PHYSIO_PROTOCOLS) library, read once per process."""
    return _cached(str(protocols_folder()))
