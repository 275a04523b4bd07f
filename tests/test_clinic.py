"""The clinic overview: every patient's current plan with adherence, pain trend and recommendation, urgent first."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from adherence_helpers import START, csv_bytes, make_plan
from physio.clinic import clinic_overview, review_plan
from physio.importing import import_log
from physio.models import Patient
from physio.store import Workspace


def _csv(tmp_path, name, rows):
    f = tmp_path / name
    f.write_bytes(csv_bytes([["Date", "Exercise", "Done", "Pain before", "Notes"], *rows], delimiter=";"))
    return f


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws")
    for pid in ("keen", "flagged", "quiet", "none"):
        w.add_patient(Patient(id=pid, name=pid.title(), birth_year=1980, therapist="Dr Test"))
        w.issue(make_plan(version=0, patient_id=pid), "Dr Test", at=dt.datetime(2026, 9, 1, 9))
    days = [START + dt.timedelta(days=d) for d in range(21)]
    keen = [[f"{d:%d.%m.%Y}", ex, "yes", "2", ""] for d in days
            for ex in ("Bridge", "Lying face down", "Lying face down", *(["Bird-dog"] if d.weekday() in (0, 2, 4) else []))]
    import_log(w, "keen", _csv(tmp_path, "keen.csv", keen))
    flagged = [[f"{days[0]:%d.%m.%Y}", "Bridge", "yes", "3", "numb in the saddle area"]]
    import_log(w, "flagged", _csv(tmp_path, "flagged.csv", flagged))
    quiet = [[f"{d:%d.%m.%Y}", "Bridge", "no", "2", ""] for d in days[:10]]
    import_log(w, "quiet", _csv(tmp_path, "quiet.csv", quiet))
    return w


def test_one_row_per_plan_with_urgent_patients_first(ws):
    df = clinic_overview(ws)
    # a plan with nothing logged yet comes after every judged one: nothing to judge is neither urgent nor hidden
    assert list(df["patient_id"]) == ["flagged", "quiet", "keen", "none"]
    row = df.set_index("patient_id")
    assert row.loc["flagged", "recommendation"] == "refer" and "saddle" in row.loc["flagged", "reasons"]
    assert row.loc["quiet", "recommendation"] == "step_back"
    assert row.loc["none", "recommendation"] == "no_log" and pd.isna(row.loc["none", "adherence"])
    assert row.loc["none", "note"] == "no log received yet" and "nothing to judge" in row.loc["none", "reasons"]
    assert row.loc["keen", "recommendation"] == "advance" and row.loc["keen", "adherence"] == 1.0
    assert row.loc["keen", "pain_trend"].startswith("no important change")
    assert row.loc["keen", "plan"] == "keen-test-back v1"


def test_sortable_like_any_table(ws):
    df = clinic_overview(ws).sort_values("adherence", ascending=False, na_position="last")
    assert df.iloc[0]["patient_id"] == "keen"


def test_as_of_counts_only_up_to_that_day(ws):
    df = clinic_overview(ws, as_of=START).set_index("patient_id")
    assert df.loc["keen", "adherence"] == 1.0
    assert df.loc["quiet", "adherence"] == 0.0 and df.loc["quiet", "as_of"] == START
    # the calendar has moved on for "none", but nothing was reported: no step back from 0% of nothing
    assert df.loc["none", "recommendation"] == "no_log"


def test_a_version_started_before_the_last_ended_is_not_judged_on_the_older_versions_log(ws):
    keen = ws.current_plan("keen")
    v2 = ws.issue(make_plan(version=0, patient_id="keen", start=START + dt.timedelta(days=7)), "Dr Test",
                  at=dt.datetime(2026, 9, 14, 9))
    assert v2.version == 2 and keen.start < v2.start < keen.end  # v1's log covers a week of v2's dates
    reviewed = review_plan(ws, v2)
    assert reviewed.summary.sessions_done == 0 and reviewed.summary.as_of is None
    assert reviewed.recommendation.action == "no_log"
    row = clinic_overview(ws).set_index("patient_id").loc["keen"]
    assert row["plan"] == "keen-test-back v2" and row["recommendation"] == "no_log"
    assert row["note"] == "no log since version 2 issued on 14.09.2026"
    assert list(clinic_overview(ws)["patient_id"])[-2:] in (["keen", "none"], ["none", "keen"])
    # the older version is still judged on its own log
    assert review_plan(ws, ws.plan(keen.id, 1)).recommendation.action == "advance"
