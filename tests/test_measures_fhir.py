"""Issue 17 for issue 15's scores: the FHIR Bundle carries every stored outcome score of the patient (each sheet, two
of one instrument too, and a sheet without a score as 'not enough answers'), with LOINC where the instrument file
gives one (LN1: 72514-3 for NPRS) and the body site that tells back pain from leg pain."""

from __future__ import annotations

import datetime as dt
import json

from fhir.resources.R4B.bundle import Bundle
from fhirpathpy import evaluate

from physio.interop.writers import fhir_bytes
from physio.measures import default_measures, parse_tokens, record
from physio.store import Workspace

PLAN = "P001-lumbar-disc-hernia"


def test_every_stored_score_is_an_observation_with_loinc_where_known(example_workspace):
    ws = Workspace(example_workspace)
    ms = default_measures()
    sheets = [("nprs-back", ["5"], "2026-09-07"), ("nprs-leg", ["6"], "2026-09-07"), ("nprs-leg", ["4"], "2026-09-21"),
              ("start-back", "0 0 0 0 1 1 1 1 4".split(), "2026-09-07"),
              ("odi", ["1", "2", "3", "-", "-", "-", "-", "-", "-", "-"], "2026-09-07")]  # no score: 3 of 10
    for mid, answers, on in sheets:
        a = parse_tokens(ms[mid], answers)
        ws.record_result("P001", record(ms[mid], a, dt.date.fromisoformat(on), birth_year=1984,
                                        today=dt.date(2026, 11, 30)), a, by="Anna Berg")
    data = json.loads(fhir_bytes(ws, ws.plan(PLAN)))
    Bundle.model_validate(data)
    scores = [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Observation"
              and evaluate(e["resource"], "category.coding.code") != ["activity"]]
    stored = ws.results("P001")
    assert len(scores) == len(stored) == 5
    assert len({o["id"] for o in scores}) == 5
    got = sorted((evaluate(o, "code.coding.where(system != 'http://loinc.org').code")[0], o["effectiveDateTime"],
                  o.get("valueQuantity", {}).get("value")) for o in scores)
    assert got == sorted((r.measure_id, r.on.isoformat(), r.score.value) for r in stored)
    for o in scores:
        mid = evaluate(o, "code.coding.where(system != 'http://loinc.org').code")[0]
        loinc = evaluate(o, "code.coding.where(system = 'http://loinc.org').code")
        assert loinc == ([ms[mid].loinc] if ms[mid].loinc else [])
        if mid.startswith("nprs-"):
            assert loinc == ["72514-3"] and o["bodySite"] == {"text": mid.removeprefix("nprs-")}
    (odi,) = [o for o in scores if "odi" in evaluate(o, "code.coding.code")]
    assert odi["dataAbsentReason"]["text"] == "not enough answers" and "valueQuantity" not in odi
    (sb,) = [o for o in scores if "start-back" in evaluate(o, "code.coding.code")]
    assert sb["interpretation"] == [{"text": "high risk"}]
