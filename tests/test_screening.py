"""Every screening outcome: allowed, refused (all reasons), cleared, wrong-protocol clearance, never clearable,
red flags, and warnings carried onto the plan."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from physio.errors import Contraindicated
from physio.models import Clearance, Condition, Patient
from physio.planning import personalise, screen

from planning_helpers import START, library, patient, protocol

PROTO = protocol()
GP = dict(by="Dr Gray, GP", on=dt.date(2026, 8, 1), protocol="test-back")


def test_patient_without_contraindications_is_allowed():
    s = screen(PROTO, patient(), START)
    assert s.allowed and s.refusals == [] and s.cleared == [] and s.warnings == []


def test_contraindication_not_listed_by_the_protocol_does_not_refuse():
    assert screen(PROTO, patient(contraindications=["glaucoma"]), START).allowed


def test_refusal_lists_every_reason():
    s = screen(PROTO, patient(contraindications=["tumour", "hypertension", "recent-surgery"]), START)
    assert not s.allowed and len(s.refusals) == 3
    assert [r.split("'")[1] for r in s.refusals] == ["tumour", "hypertension", "recent-surgery"]
    assert "never allowed" in s.refusals[0] and "no valid clearance" in s.refusals[1]


def test_clearance_lifts_a_clearable_contraindication_and_is_named():
    pat = patient(contraindications=["hypertension"], clearances=[Clearance(contraindication="hypertension", **GP)])
    s = screen(PROTO, pat, START)
    assert s.allowed and s.refusals == []
    # valid for 180 days by default (vocabulary.yaml: clearance_default, team-default)
    assert s.cleared == ["High blood pressure: cleared by Dr Gray, GP on 01 Aug 2026, "
                         "valid until 28 Jan 2027"]
    plan = personalise(PROTO, pat, "one", START, library=library())
    assert plan.cleared == s.cleared


def test_clearance_for_this_protocol_applies_for_another_does_not():
    mine = Clearance(contraindication="hypertension", **GP)
    other = Clearance(contraindication="hypertension", **{**GP, "protocol": "scoliosis"})
    assert screen(PROTO, patient(contraindications=["hypertension"], clearances=[mine]), START).allowed
    s = screen(PROTO, patient(contraindications=["hypertension"], clearances=[other]), START)
    assert not s.allowed and "'scoliosis'" in s.refusals[0]


def test_clearance_for_a_contraindication_the_patient_does_not_have_is_refused_at_intake():
    with pytest.raises(ValidationError) as e:
        patient(contraindications=["hypertension"], clearances=[Clearance(contraindication="recent-surgery", **GP)])
    assert "lifts 'recent-surgery', which is not among the patient's contraindications (noted: hypertension)" \
        in str(e.value)


def test_not_clearable_stays_refused_even_with_a_clearance():
    pat = patient(contraindications=["tumour"], clearances=[Clearance(contraindication="tumour", **GP)])
    s = screen(PROTO, pat, START)
    assert not s.allowed and s.cleared == [] and "tumour" in s.refusals[0]
    with pytest.raises(Contraindicated) as e:
        personalise(PROTO, pat, "one", START, library=library())
    assert e.value.reasons == s.refusals


def test_red_flag_at_intake_always_refuses_and_says_refer():
    s = screen(PROTO, patient(red_flags=["ces-bladder"]), START)
    assert not s.allowed and "refer" in s.refusals[0] and "Bladder" in s.refusals[0] and "emergency" in s.refusals[0]
    s = screen(PROTO, patient(red_flags=["unexplained-weight-loss"]), START)  # a synonym: stored as its vocabulary id
    assert not s.allowed and "'weight-loss'" in s.refusals[0] and "urgent" in s.refusals[0]


@pytest.mark.parametrize(
    "birth_year, cobb, expected",
    [
        (2016, None, ["Young child: supervise (age 10, under 12)"]),
        (1940, None, ["Older adult: check balance (age 86, over 80)"]),
        (2012, 52.0, ["Curve in surgical range (Cobb angle 52°, over 45°)"]),
        (2012, 8.5, ["Curve below scoliosis (Cobb angle 8.5°, under 10°)"]),
        (2012, 22.0, []),
        (1980, None, []),  # no Cobb angle recorded: no Cobb warning
    ],
)
def test_warnings_from_age_and_cobb(birth_year, cobb, expected):
    conditions = [Condition(kind="scoliosis", cobb_deg=cobb, risser=2)] if cobb is not None else []
    pat = patient(birth_year=birth_year, conditions=conditions)
    s = screen(PROTO, pat, START)
    assert s.allowed and s.warnings == expected
    assert personalise(PROTO, pat, "one", START, library=library()).warnings == expected


def test_clearance_without_date_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as e:
        Patient.model_validate({"id": "P9", "name": "X", "birth_year": 1970, "therapist": "T",
                                "clearances": [{"contraindication": "hypertension", "by": "Dr Gray"}]})
    assert "clearances.0.on" in str(e.value)


CIDS = st.sampled_from(["tumour", "hypertension", "recent-surgery", "glaucoma"])
CLEARANCES = st.lists(st.tuples(CIDS, st.sampled_from(["test-back", "scoliosis"])), max_size=4)


@given(cids=st.lists(CIDS, max_size=4, unique=True), clearances=CLEARANCES, flags=st.booleans())
@settings(max_examples=200, deadline=None)
def test_screening_property_refuses_exactly_what_is_not_covered(cids, clearances, flags):
    clearances = [(c, p) for c, p in clearances if c in cids]  # a clearance of something not noted is refused
    pat = patient(contraindications=cids, red_flags=["ces-bladder"] if flags else [],
                  clearances=[Clearance(contraindication=c, **{**GP, "protocol": p}) for c, p in clearances])
    clearable = {c.id: c.clearable for c in PROTO.contraindications}
    covered = {c for c, p in clearances if p == "test-back"}
    must_refuse = [c for c in cids if c in clearable and not (clearable[c] and c in covered)]
    must_clear = [c for c in cids if c in clearable and clearable[c] and c in covered]
    s = screen(PROTO, pat, START)
    assert s.allowed == (not must_refuse and not flags)
    assert [r.split("'")[1] for r in s.refusals] == must_refuse + (["ces-bladder"] if flags else [])
    texts = {c.id: c.text for c in PROTO.contraindications}
    assert [c.split(": cleared by")[0] for c in s.cleared] == [texts[c] for c in must_clear]
