"""`physio export PLAN --fhir`: one FHIR R4 Bundle, checked offline with fhir.resources (R4B models) and the HL7
Physical Activity guide's rules with a FHIRPath engine (fhirpathpy); every dose read back and compared."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhirpathpy import evaluate

from physio.clinic import review_plan
from physio.interop.fhir import DOSE_EXTENSION, doses_from_bundle
from physio.measures import default_measures, parse_tokens, record
from physio.models import DOSE_PARAMS
from physio.store import Workspace

PLAN = "P001-lumbar-disc-hernia"


def physio(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120, env={**os.environ})


def _record(ws: Workspace, patient: str, measure: str, answers: list[str], on: str) -> None:
    m = default_measures()[measure]
    a = parse_tokens(m, answers)
    ws.record_result(patient, record(m, a, dt.date.fromisoformat(on), birth_year=1984, today=dt.date(2026, 9, 7)), a,
                     by="Anna Berg")


@pytest.fixture
def exported(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    _record(ws, "P001", "nprs-leg", ["6"], "2026-08-20")
    _record(ws, "P001", "odi", "3 2 1 0 2 1 3 2 1 1".split(), "2026-08-20")
    _record(ws, "P001", "srs-22r", ["4"] * 20 + ["5", "3"], "2026-08-22")  # domains as components
    _record(ws, "P004", "nprs-back", ["2"], "2026-08-21")  # another patient's: never in P001's bundle
    out = tmp_path / "out"
    out.mkdir()
    done = physio("--workspace", str(example_workspace), "export", PLAN, "--fhir", "--out", str(out))
    assert done.returncode == 0, done.stderr
    path = out / f"{PLAN}-v1.fhir.json"
    assert done.stdout == f"FHIR: {path}\n"
    return ws, path


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_is_valid_r4_and_keeps_the_guides_rules(exported):
    ws, path = exported
    data = json.loads(path.read_text(encoding="utf-8"))
    parsed = Bundle.model_validate(data)  # the R4B structure: types, cardinalities, required elements
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert {"Patient", "Condition", "CarePlan", "ServiceRequest", "Goal", "Observation"} <= set(kinds)
    full_urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(full_urls)) == len(full_urls)  # bdl-7
    # every reference points inside the bundle
    refs = [r for r in evaluate(data, "Bundle.entry.resource.descendants().reference") if isinstance(r, str)]
    assert len(refs) > 10 and set(refs) <= set(full_urls)

    (sr,) = _resources(data, "ServiceRequest")
    assert evaluate(sr, "reasonCode.exists() or reasonReference.exists()") == [True]  # pa-sr-1
    assert evaluate(sr, "code.coding.where(system = 'http://snomed.info/sct' and code = '229065009').exists()") == [True]
    assert evaluate(sr, "performer.first().reference = subject.reference") == [True]
    assert evaluate(sr, "intent in ('original-order' | 'order' | 'filler-order')") == [True]
    assert evaluate(sr, "occurrencePeriod.start <= occurrencePeriod.end") == [True]
    (care_plan,) = _resources(data, "CarePlan")
    (goal,) = _resources(data, "Goal")
    assert sr["basedOn"][0]["reference"] == f"urn:uuid:{care_plan['id']}"
    assert care_plan["activity"][0]["reference"]["reference"] == f"urn:uuid:{sr['id']}"
    assert care_plan["goal"][0]["reference"] == f"urn:uuid:{goal['id']}"

    plan = ws.plan(PLAN)
    assert sr["occurrencePeriod"] == {"start": plan.start.isoformat(), "end": plan.end.isoformat()}
    assert goal["description"]["text"] == plan.phase_goal
    (condition,) = _resources(data, "Condition")
    assert sr["reasonReference"] == [{"reference": f"urn:uuid:{condition['id']}"}]
    assert "L4-L5" in condition["code"]["text"]
    for obs in _resources(data, "Observation"):  # obs-6: a value or a reason for its absence, never both
        assert evaluate(obs, "dataAbsentReason.empty() or value.empty()") == [True]


def test_outcome_scores_and_weekly_adherence_are_observations(exported):
    ws, path = exported
    data = json.loads(path.read_text(encoding="utf-8"))
    observations = _resources(data, "Observation")
    scores = [o for o in observations if evaluate(o, "category.coding.code") != ["activity"]]
    # P001's returned log (from 07.09.2026) adds its daily NPRS back / leg and weekly PSFS; the scores recorded
    # above are the August ones
    august = [o for o in scores if o["effectiveDateTime"] < "2026-09-01"]
    assert all(o["effectiveDateTime"] >= "2026-09-07" for o in scores if o not in august)
    by_code = {evaluate(o, "code.coding.where(system != 'http://loinc.org').code")[0]: o for o in august}
    assert set(by_code) == {"nprs-leg", "odi", "srs-22r"}  # P004's score stays out of P001's record
    leg = by_code["nprs-leg"]
    assert evaluate(leg, "code.coding.where(system = 'http://loinc.org').code") == ["72514-3"]
    assert leg["valueQuantity"]["value"] == 6 and leg["effectiveDateTime"] == "2026-08-20"
    odi = by_code["odi"]
    assert evaluate(odi, "code.coding.where(system = 'http://loinc.org')") == []  # no LOINC code known for ODI
    assert odi["valueQuantity"] == {"value": 32.0, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}

    srs = by_code["srs-22r"]
    domains = {c["code"]["text"]: c["valueQuantity"]["value"] for c in srs["component"]}
    assert domains["pain"] == 4 and domains["satisfaction"] == 4 and len(domains) == 5

    weeks = [o for o in observations if evaluate(o, "category.coding.code") == ["activity"]]
    summary = review_plan(ws, ws.plan(PLAN)).summary
    assert summary.weekly and len(weeks) == len(summary.weekly)
    for obs, week in zip(weeks, summary.weekly):
        assert obs["effectivePeriod"] == {"start": week["start"].isoformat(), "end": week["end"].isoformat()}
        counts = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in obs["component"]}
        assert counts == {"sessions-scheduled": week["scheduled"], "sessions-done": week["done"]}
        if week["adherence"] is not None:
            assert obs["valueQuantity"]["value"] == pytest.approx(100 * week["adherence"], abs=0.05)


def test_every_dose_reads_back_from_the_bundle(exported):
    ws, path = exported
    plan = ws.plan(PLAN)
    parsed = Bundle.model_validate_json(path.read_bytes())
    (sr,) = [e.resource for e in parsed.entry if e.resource.get_resource_type() == "ServiceRequest"]
    read: dict[str, dict] = {}
    for ext in sr.extension:
        assert ext.url == DOSE_EXTENSION
        fields = {sub.url: sub for sub in ext.extension}
        values = {p: fields[p].valueInteger for p in DOSE_PARAMS if p in fields}
        read[fields["exercise"].valueCoding.code] = {**values, "per_side": fields["per_side"].valueBoolean,
                                                     "text": fields["text"].valueString}
    assert list(read) == [pe.exercise.id for pe in plan.exercises]
    for pe in plan.exercises:
        assert read[pe.exercise.id] == {**pe.dose.values(), "per_side": pe.dose.per_side,
                                        "text": pe.dose.summary(plan.language)}
        assert f"{pe.exercise.name}: {pe.dose.summary(plan.language)}" in sr.patientInstruction
    assert doses_from_bundle(json.loads(path.read_text())) == {
        pe.exercise.id: {**pe.dose.values(), "per_side": pe.dose.per_side} for pe in plan.exercises}


def test_the_same_version_exports_the_same_bundle(exported, tmp_path):
    ws, path = exported
    again = tmp_path / "again"
    again.mkdir()
    done = physio("--workspace", str(ws.folder), "export", PLAN, "--fhir", "--out", str(again))
    assert done.returncode == 0, done.stderr
    assert (again / path.name).read_bytes() == path.read_bytes()


def test_a_patient_without_a_condition_is_refused_in_plain_words(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    patient = ws.patient("P001")
    ws.add_patient(patient.model_copy(update={"conditions": []}), update=True, by="Anna Berg")
    done = physio("--workspace", str(example_workspace), "export", PLAN, "--fhir", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == ("physio: error: patient P001 (Maria Kovacs) has no condition recorded, and an exercise "
                           "prescription in FHIR needs a reason (HL7 Physical Activity guide, rule pa-sr-1); record "
                           "the condition at intake, then export again\n")
    assert list(tmp_path.glob("*.json")) == []
