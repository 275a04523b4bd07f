"""Small, self-contained protocols and patients for the planning, screening, store and CLI tests.

Built in code (not read from protocols/) so these tests do not move when the shipped library is edited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from physio.library import Library
from physio.models import Exercise, Patient, Protocol


def _ex(ex_id: str, name: str, tags: list[str]) -> Exercise:
    return Exercise(
        id=ex_id, name=name, aim="An aim.", starting_position="Lying down.", regions=["lumbar"],
        steps=["Do it."], breathing="Breathe.", tags=tags, source="article: test",
    )


EXERCISES = {
    e.id: e
    for e in [
        _ex("glute-bridge", "Bridge", ["supine", "strength"]),
        _ex("bird-dog", "Bird-dog", ["quadruped", "strength"]),
        _ex("prone-lying", "Lying face down", ["prone", "extension"]),
        _ex("heel-slide", "Heel slide", ["supine", "mobility"]),
        _ex("seated-twist", "Seated twist", ["seated", "twist"]),
        _ex("board-traction-supine", "Board traction", ["board", "traction", "supine"]),
    ]
}

LIM = lambda hard, usual: {"hard": hard, "usual": usual, "source": "team-default: test"}  # noqa: E731

PROGRESSION = {
    "advance": {"min_adherence": 0.7, "max_pain": 3, "min_weeks": 1, "source": "MI1: test"},
    "step_back": {"min_pain": 6, "pain_rise": 2, "source": "T1: test"},
}

PROTOCOL_DATA = {
    "id": "test-back",
    "title": "Test back programme",
    "condition": "lumbar-disc-hernia",
    "version": "1.0",
    "summary": "A protocol for tests.",
    "sources": ["article"],
    "forbidden_tags": ["twist", "inversion"],
    "limits": {
        "sets": LIM([1, 4], [1, 3]),
        "reps": LIM([1, 20], [3, 15]),
        "hold_s": LIM([1, 60], [3, 30]),
        "duration_s": LIM([10, 900], [30, 600]),
        "sessions_per_day": LIM([1, 8], [1, 6]),
        "days_per_week": LIM([1, 7], [3, 7]),
    },
    "phases": [
        {
            "id": "one", "name": "Phase 1", "goal": "Ease pain.", "min_weeks": 1, "max_weeks": 2,
            "weeks_source": "L1: test", "progression": PROGRESSION,
            "exercises": [
                {"exercise": "prone-lying", "dose": {"duration_s": 120, "sessions_per_day": 2, "days_per_week": 7},
                 "source": "L1: test"},
                {"exercise": "glute-bridge", "dose": {"sets": 2, "reps": 10, "days_per_week": 3}, "source": "AC1: test"},
            ],
        },
        {
            "id": "two", "name": "Phase 2", "goal": "Build control.", "min_weeks": 2, "max_weeks": 4,
            "weeks_source": "B1: test", "progression": PROGRESSION,
            "exercises": [
                {"exercise": "glute-bridge", "dose": {"sets": 2, "reps": 12, "days_per_week": 5}, "source": "AC1: test",
                 # this phase narrows the bridge: at most 12 repetitions usually, 14 at the very most
                 "limits": {"reps": LIM([1, 14], [8, 12])}},
                {"exercise": "bird-dog", "dose": {"sets": 2, "reps": 6, "hold_s": 5}, "source": "article: test"},
            ],
        },
        {
            "id": "three", "name": "Phase 3", "goal": "Get strong.", "min_weeks": 3, "max_weeks": 6,
            "weeks_source": "B1: test", "progression": PROGRESSION,
            "exercises": [
                {"exercise": "glute-bridge", "dose": {"sets": 3, "reps": 12, "days_per_week": 5}, "source": "AC1: test"},
                {"exercise": "bird-dog", "dose": {"sets": 3, "reps": 7, "hold_s": 5}, "source": "article: test"},
            ],
        },
    ],
    "contraindications": [
        {"id": "tumour", "text": "Tumour", "clearable": False, "source": "article: test"},
        {"id": "hypertension", "text": "High blood pressure", "clearable": True, "source": "article: test"},
        {"id": "recent-surgery", "text": "Recent operation", "clearable": True, "source": "article: test"},
    ],
    "stop_rules": [{"text": "Stop if pain reaches 6 out of 10.", "source": "T1: test"}],
    "red_flags": [{"id": "cauda-equina", "text": "Bladder or bowel changes: emergency.", "flags": ["ces-bladder", "ces-bowel", "ces-saddle", "ces-sexual", "ces-both-legs", "foot-drop"],
                   "source": "BP1: test"}],
    "warnings": [
        {"id": "young", "when": "age_under", "value": 12, "message": "Young child: supervise", "source": "S1: test"},
        {"id": "old", "when": "age_over", "value": 80, "message": "Older adult: check balance", "source": "S1: test"},
        {"id": "big-curve", "when": "cobb_over", "value": 45, "message": "Curve in surgical range", "source": "S1: t"},
        {"id": "small-curve", "when": "cobb_under", "value": 10, "message": "Curve below scoliosis", "source": "S1: t"},
    ],
}


def protocol(**changes) -> Protocol:
    return Protocol.model_validate({**PROTOCOL_DATA, **changes})


def library(tmp: Path | None = None) -> Library:
    p = protocol()
    return Library(folder=tmp or Path("."), exercises=dict(EXERCISES), protocols={p.id: p}, sources={"article": "x"})


def patient(**changes) -> Patient:
    data = {"id": "P001", "name": "Anna Test", "birth_year": 1980, "therapist": "Dr Lee"}
    data.update(changes)
    return Patient.model_validate(data)


START = dt.date(2026, 9, 7)


def write_library(folder: Path) -> Path:
    """The same test library as files, for the CLI and anything else that loads a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": {k: "test source" for k in
        ["article", "L1", "AC1", "B1", "MI1", "T1", "BP1", "S1"]}}), encoding="utf-8")
    (folder / "exercises.yaml").write_text(
        yaml.safe_dump({"exercises": [e.model_dump(exclude_defaults=True) for e in EXERCISES.values()]},
                       allow_unicode=True), encoding="utf-8")
    (folder / "test-back.yaml").write_text(yaml.safe_dump(PROTOCOL_DATA, allow_unicode=True), encoding="utf-8")
    return folder
