"""What the importer accepts and rejects, file by file, is exactly what it was (tests/data/golden/imports.json).

The record (scripts/golden_imports.py) holds, for every returned log of the example corpus and of the test
suite's committed files, the accepted entries with every field, each rejection with its file, sheet, row,
column, given value, reason and message, the counts (rows read = accepted + rejected), the accepted-entries
table, the pain and activity scores, the weekly check's answers and the red-flag notes. Reading and validation
may get faster; none of this may change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import golden_imports  # noqa: E402

GOLDEN = json.loads(golden_imports.GOLDEN.read_text(encoding="utf-8"))


ENTRIES: list = []  # every LogEntry the importer makes of the corpus today


@pytest.fixture(scope="module")
def today() -> dict:
    return {name: golden_imports.record(name, content, plan, patient_id, ENTRIES)
            for name, content, plan, patient_id in golden_imports.corpus()}


def test_the_corpus_is_the_recorded_one(today):
    assert sorted(today) == sorted(GOLDEN)
    # the record is not empty: accepted rows, rejections of every kind and day-by-day scores are in it
    reasons = {r["reason"] for g in GOLDEN.values() for r in g.get("rejections", []) + g.get("value_rejections", [])}
    assert {"bad-date", "missing-date", "date-outside-plan", "ambiguous-date", "unknown-exercise", "missing-exercise",
            "exercise-mismatch", "bad-number", "bad-done", "negative-count", "pain-out-of-range",
            "angle-out-of-range", "duplicate-row"} <= reasons
    assert sum(g.get("rows_accepted", 0) for g in GOLDEN.values()) > 1500
    assert sum(g.get("values_accepted", 0) for g in GOLDEN.values()) > 50


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_accepted_and_rejected_rows_are_exactly_as_recorded(today, name):
    got, want = today[name], GOLDEN[name]
    got = json.loads(json.dumps(got, ensure_ascii=False, sort_keys=True))  # as stored: JSON types
    for key in sorted(set(got) | set(want)):
        if key in ("entries", "rejections", "value_rejections", "readings") and got.get(key) != want.get(key):
            first = next((i for i, (a, b) in enumerate(zip(got.get(key) or [], want.get(key) or [])) if a != b),
                         min(len(got.get(key) or []), len(want.get(key) or [])))
            pytest.fail(f"{name}: {key} differ first at item {first}: got "
                        f"{(got.get(key) or [])[first:first + 1]}, recorded {(want.get(key) or [])[first:first + 1]} "
                        f"({len(got.get(key) or [])} against {len(want.get(key) or [])} items)")
        assert got.get(key) == want.get(key), f"{name}: {key}"
    for g in (got,):
        if "refused" not in g:
            assert g["rows_read"] == g["rows_accepted"] + g["rows_rejected"]


def test_every_accepted_entry_is_a_valid_log_entry(today):
    """Entries are filled without pydantic checking each field again (physio.validate): each must still be
    exactly what the frozen model accepts."""
    from physio.models import LogEntry

    assert len(ENTRIES) == sum(g.get("rows_accepted", 0) for g in GOLDEN.values())
    for e in ENTRIES:
        assert LogEntry.model_validate(e.model_dump()) == e
        assert {k: type(v) for k, v in e.model_dump().items()} == \
            {k: type(v) for k, v in LogEntry.model_validate(e.model_dump()).model_dump().items()}
