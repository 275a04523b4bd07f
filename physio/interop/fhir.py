"""A plan version as one HL7 FHIR R4 Bundle (type collection), shaped after the HL7 Physical Activity guide.

Patient, the patient's Conditions, a CarePlan, one ServiceRequest (the exercise prescription: SNOMED CT 229065009
"Exercise therapy", performer = the patient, occurrencePeriod, basedOn the CarePlan, reasons from the Conditions so
that pa-sr-1 holds), the phase's Goal, an Observation per recorded outcome score and one per plan week's adherence.
The guide leaves per-exercise doses out of scope: each exercise and its dose is in `patientInstruction` (the
patient's words) and in the extension DOSE_EXTENSION (docs/interop.md). Ids are derived from the plan id and
version, so exporting the same version twice gives the same Bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Iterable, Mapping

from ..errors import ExportError
from ..measures.models import Measure
from ..models import Patient, Plan
from ..models.exercise import DOSE_PARAMS

#: The root of physio's own names in FHIR (extension and code-system URLs). They name things; nothing is served
#: there (example.org is reserved for such names). Documented in docs/interop.md.
BASE = "https://physio.example.org/fhir"
DOSE_EXTENSION = f"{BASE}/StructureDefinition/exercise-dose"
EXERCISE_SYSTEM = f"{BASE}/CodeSystem/exercise"
CONDITION_SYSTEM = f"{BASE}/CodeSystem/condition"
MEASURE_SYSTEM = f"{BASE}/CodeSystem/outcome-measure"
ADHERENCE_SYSTEM = f"{BASE}/CodeSystem/adherence"
PATIENT_ID_SYSTEM = f"{BASE}/patient-id"
PLAN_ID_SYSTEM = f"{BASE}/plan-id"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
#: The Physical Activity guide's code for an exercise prescription (interop notes: SNOMED CT 229065009).
EXERCISE_THERAPY = {"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}
_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_NAMESPACE = uuid.UUID("8f0b6f3e-6c1e-5b8e-9d61-3b0f7d2a4c17")


class FhirExportError(ExportError):
    """A plan that cannot be written as a valid FHIR exercise prescription (e.g. no condition to give as reason)."""


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _ref(res: dict) -> dict:
    return {"reference": f"urn:uuid:{res['id']}"}


def _entry(res: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{res['id']}", "resource": res}


def _patient(p: Patient) -> dict:
    res: dict[str, Any] = {
        "resourceType": "Patient", "id": _uuid("patient", p.id),
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": p.id}],
        "name": [{"text": p.name}], "birthDate": f"{p.birth_year:04d}",
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": p.language}]},
                           "preferred": True}],
    }
    if p.sex:
        res["gender"] = p.sex
    return res


def _condition_label(kind: str) -> str:
    try:
        from ..vocabulary import default_vocabulary

        return default_vocabulary().condition(kind).label["en"]
    except Exception:  # an id the vocabulary no longer knows: still say what it was
        return kind.replace("-", " ")


def _conditions(p: Patient, patient_ref: dict) -> list[dict]:
    if not p.conditions:
        raise FhirExportError(
            f"patient {p.id} ({p.name}) has no condition recorded, and an exercise prescription in FHIR needs a "
            "reason (HL7 Physical Activity guide, rule pa-sr-1); record the condition at intake, then export again")
    out = []
    for i, c in enumerate(p.conditions):
        label = _condition_label(c.kind)
        words = [label] + [w for w in (c.disc_level, c.side, c.curve_type) if w]
        res: dict[str, Any] = {
            "resourceType": "Condition", "id": _uuid("condition", p.id, i, c.kind),
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": CONDITION_SYSTEM, "code": c.kind, "display": label}],
                     "text": ", ".join(words)},
            "subject": patient_ref,
        }
        if c.details:
            res["note"] = [{"text": c.details}]
        out.append(res)
    return out


def dose_extension(plan: Plan, order: int) -> dict:
    """One exercise of the plan and its dose as the structured extension (fields in docs/interop.md)."""
    pe = plan.exercises[order]
    ext: list[dict] = [
        {"url": "exercise", "valueCoding": {"system": EXERCISE_SYSTEM, "code": pe.exercise.id,
                                            "display": pe.exercise.name}},
        {"url": "order", "valueInteger": order + 1},
    ]
    ext += [{"url": p, "valueInteger": v} for p, v in pe.dose.values().items()]
    ext.append({"url": "per_side", "valueBoolean": pe.dose.per_side})
    ext.append({"url": "text", "valueString": pe.dose.summary(plan.language)})
    if pe.note:
        ext.append({"url": "note", "valueString": pe.note})
    return {"url": DOSE_EXTENSION, "extension": ext}


def patient_instruction(plan: Plan) -> str:
    """Every exercise with its dose, one line each, in the patient's language."""
    return "\n".join(f"{i}. {pe.exercise.name}: {pe.dose.summary(plan.language)}" + (f" ({pe.note})" if pe.note else "")
                     for i, pe in enumerate(plan.exercises, start=1))


def _service_request(plan: Plan, ids: dict, patient_ref: dict, care_plan: dict, conditions: list[dict]) -> dict:
    res: dict[str, Any] = {
        "resourceType": "ServiceRequest", "id": ids["request"],
        "identifier": [{"system": PLAN_ID_SYSTEM, "value": f"{plan.id}/v{plan.version}"}],
        "status": "active" if plan.version else "draft", "intent": "order",
        "code": {"coding": [EXERCISE_THERAPY], "text": f"Home exercise programme: {plan.phase_name}"},
        "subject": patient_ref, "performer": [patient_ref],
        "occurrencePeriod": {"start": plan.start.isoformat(), "end": plan.end.isoformat()},
        "basedOn": [_ref(care_plan)],
        "reasonCode": [c["code"] for c in conditions],
        "reasonReference": [_ref(c) for c in conditions],
        "requester": {"display": plan.therapist},
        "patientInstruction": patient_instruction(plan),
        "extension": [dose_extension(plan, i) for i in range(len(plan.exercises))],
    }
    if plan.issued_at:
        res["authoredOn"] = plan.issued_at.isoformat()
    return res


def _care_plan(plan: Plan, ids: dict, patient_ref: dict, goal: dict, conditions: list[dict]) -> dict:
    res: dict[str, Any] = {
        "resourceType": "CarePlan", "id": ids["care_plan"],
        "identifier": [{"system": PLAN_ID_SYSTEM, "value": plan.id}],
        "status": "active" if plan.version else "draft", "intent": "plan",
        "title": f"{plan.protocol_title}: {plan.phase_name}",
        "description": f"Phase {plan.phase_index} of {plan.phase_count}, {plan.weeks} weeks, version {plan.version}.",
        "subject": patient_ref,
        "period": {"start": plan.start.isoformat(), "end": plan.end.isoformat()},
        "author": {"display": plan.therapist},
        "addresses": [_ref(c) for c in conditions],
        "goal": [_ref(goal)],
        "activity": [{"reference": {"reference": f"urn:uuid:{ids['request']}"}}],
    }
    if plan.issued_at:
        res["created"] = plan.issued_at.isoformat()
    if plan.notes:
        res["note"] = [{"text": n} for n in plan.notes]
    return res


def _goal(plan: Plan, ids: dict, patient_ref: dict, conditions: list[dict]) -> dict:
    return {
        "resourceType": "Goal", "id": ids["goal"], "lifecycleStatus": "active",
        "description": {"text": plan.phase_goal}, "subject": patient_ref,
        "startDate": plan.start.isoformat(), "target": [{"dueDate": plan.end.isoformat()}],
        "addresses": [_ref(c) for c in conditions],
    }


_UNITS = {"%": ("%", "%"), "°": ("°", "deg")}


def _quantity(value: float, unit: str) -> dict:
    shown, code = _UNITS.get(unit, (unit or "score", "{score}"))
    return {"value": value, "unit": shown, "system": UCUM, "code": code}


def _score_observation(result, measure: Measure | None, patient_ref: dict) -> dict:
    """One recorded outcome score: LOINC where the instrument file gives one, always the instrument id too."""
    mid, name = result.measure_id, (measure.name if measure else result.measure_id)
    coding = [{"system": LOINC, "code": measure.loinc}] if measure and measure.loinc else []
    coding.append({"system": MEASURE_SYSTEM, "code": mid, "display": name})
    unit = measure.scoring.unit if measure else ""
    kind = "exam" if measure and measure.kind == "measurement" else "survey"
    res: dict[str, Any] = {
        "resourceType": "Observation", "id": _uuid("result", result.patient_id, result.id),
        "status": "final",
        "category": [{"coding": [{"system": _OBS_CATEGORY, "code": kind}]}],
        "code": {"coding": coding, "text": name}, "subject": patient_ref,
        "effectiveDateTime": result.on.isoformat(), "issued": result.recorded_at.isoformat(),
    }
    if measure and measure.body_site:  # NPRS back and leg share LOINC 72514-3: the site tells them apart
        res["bodySite"] = {"text": measure.body_site}
    _value(res, result.score.value, unit)
    if result.score.band:
        res["interpretation"] = [{"text": result.score.band}]
    parts = []
    for part, value in result.score.parts.items():
        comp: dict[str, Any] = {"code": {"coding": [{"system": MEASURE_SYSTEM, "code": f"{mid}#{part}",
                                                     "display": f"{name}: {part}"}], "text": part}}
        _value(comp, value, unit if unit == "%" else "")
        parts.append(comp)
    if parts:
        res["component"] = parts
    return res


def _value(res: dict, value: float | None, unit: str) -> None:
    if value is None:
        res["dataAbsentReason"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                               "code": "as-text"}], "text": "not enough answers"}
    else:
        res["valueQuantity"] = _quantity(value, unit)


def _week_observation(plan: Plan, week: Mapping, patient_ref: dict, request_ref: dict) -> dict:
    """One plan week: the share of scheduled sessions done, with the counts it comes from."""
    def count(code: str, display: str, n: int) -> dict:
        return {"code": {"coding": [{"system": ADHERENCE_SYSTEM, "code": code, "display": display}]},
                "valueInteger": int(n)}

    res: dict[str, Any] = {
        "resourceType": "Observation", "id": _uuid("week", plan.id, plan.version, week["week"]),
        "status": "final", "basedOn": [request_ref],
        "category": [{"coding": [{"system": _OBS_CATEGORY, "code": "activity"}]}],
        "code": {"coding": [{"system": ADHERENCE_SYSTEM, "code": "weekly-session-adherence",
                             "display": "Scheduled home-exercise sessions done in a plan week"}],
                 "text": f"Week {week['week']}: sessions done of those scheduled"},
        "subject": patient_ref,
        "effectivePeriod": {"start": week["start"].isoformat(), "end": week["end"].isoformat()},
        "component": [count("sessions-scheduled", "Sessions scheduled", week["scheduled"]),
                      count("sessions-done", "Sessions done", week["done"])],
    }
    if week["adherence"] is None:
        res["dataAbsentReason"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                               "code": "not-applicable"}], "text": "no session scheduled that week"}
    else:
        res["valueQuantity"] = _quantity(round(100 * week["adherence"], 1), "%")
    return res


def plan_bundle(plan: Plan, patient: Patient, *, results: Iterable = (), measures: Mapping[str, Measure] | None = None,
                weekly: Iterable[Mapping] = ()) -> dict:
    """The plan version with its patient, reasons, goal, outcome scores (stored results) and weekly adherence
    (AdherenceSummary.weekly), as a FHIR R4 Bundle in plain JSON-ready dicts."""
    if patient.id != plan.patient.id:
        raise FhirExportError(f"plan {plan.label} belongs to patient {plan.patient.id}, not to {patient.id}")
    ids = {k: _uuid(k, plan.id, plan.version) for k in ("bundle", "care_plan", "request", "goal")}
    pat = _patient(patient)
    patient_ref = _ref(pat)
    conditions = _conditions(patient, patient_ref)
    goal = _goal(plan, ids, patient_ref, conditions)
    care_plan = _care_plan(plan, ids, patient_ref, goal, conditions)
    request = _service_request(plan, ids, patient_ref, care_plan, conditions)
    measures = measures or {}
    observations = [_score_observation(r, measures.get(r.measure_id), patient_ref) for r in results
                    if r.patient_id == patient.id]
    observations += [_week_observation(plan, w, patient_ref, _ref(request)) for w in weekly]
    bundle: dict[str, Any] = {"resourceType": "Bundle", "id": ids["bundle"], "type": "collection"}
    if plan.issued_at:
        bundle["timestamp"] = plan.issued_at.isoformat()
    bundle["entry"] = [_entry(r) for r in [pat, *conditions, care_plan, request, goal, *observations]]
    return bundle


def doses_from_bundle(bundle: Mapping) -> dict[str, dict[str, Any]]:
    """Read the doses back: exercise id → {parameter: value} from each dose extension of the ServiceRequests."""
    out: dict[str, dict[str, Any]] = {}
    for entry in bundle.get("entry", []):
        res = entry.get("resource", {})
        if res.get("resourceType") != "ServiceRequest":
            continue
        for ext in res.get("extension", []):
            if ext.get("url") != DOSE_EXTENSION:
                continue
            fields = {e["url"]: next(v for k, v in e.items() if k.startswith("value")) for e in ext["extension"]}
            ex_id = fields.pop("exercise")["code"]
            out[ex_id] = {k: v for k, v in fields.items() if k in DOSE_PARAMS or k == "per_side"}
    return out
