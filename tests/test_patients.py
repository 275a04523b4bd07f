"""Patients in the store: edited with the earlier record kept, archived and brought back (nothing deleted), and a
record refused field by field in plain sentences."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from adherence_helpers import make_plan
from physio.errors import UnknownId, WorkspaceError
from physio.importing import import_log
from physio.models import Patient
from physio.store import Workspace
from physio.patient_record import PatientInputError, patient_from_fields
from workspace_helpers import filled_bytes, two_patients


@pytest.fixture
def ws(tmp_path):
    return two_patients(tmp_path / "ws")


def test_an_edit_keeps_the_earlier_record_and_the_trail_says_what_changed_and_why(ws):
    before = ws.patient("anna-k")
    ws.update_patient(before.model_copy(update={"therapist": "Jonas Meier", "psfs_activities": ["sitting at work"]}),
                      by="Anna Berg", reason="therapist on leave")
    assert ws.patient("anna-k").therapist == "Jonas Meier"
    assert ws.patient_history("anna-k") == [before]
    last = ws.history("anna-k")[-1]
    assert last.who == "Anna Berg" and last.action == "patient-changed"
    assert "therapist: Dr Test → Jonas Meier" in last.detail and "sitting at work" in last.detail
    assert "therapist on leave" in last.detail


def test_an_edit_that_changes_nothing_writes_nothing(ws):
    events = len(ws.history("anna-k"))
    ws.update_patient(ws.patient("anna-k"), by="Anna Berg")
    assert len(ws.history("anna-k")) == events and ws.patient_history("anna-k") == []


def test_an_edit_of_an_unknown_patient_is_refused(ws):
    with pytest.raises(UnknownId, match="no patient 'nobody'"):
        ws.update_patient(Patient(id="nobody", name="N", birth_year=1990, therapist="T"))


def test_archived_patients_leave_the_list_but_nothing_is_deleted_and_they_come_back(ws):
    ws.archive_patient("anna-k", by="Anna Berg", reason="treatment finished")
    assert [p.id for p in ws.patients()] == ["boris-m"]
    assert [p.id for p in ws.patients(include_archived=True)] == ["anna-k", "boris-m"]
    assert ws.is_archived("anna-k") and not ws.is_archived("boris-m")
    assert ws.plans_for("anna-k") and ws.patient("anna-k").name == "Anna K"  # still all there
    assert "treatment finished" in ws.archived_since("anna-k").detail
    with pytest.raises(WorkspaceError, match="already archived"):
        ws.archive_patient("anna-k", reason="again")
    ws.bring_back_patient("anna-k", by="Anna Berg")
    assert not ws.is_archived("anna-k") and [p.id for p in ws.patients()] == ["anna-k", "boris-m"]
    actions = [e.action for e in ws.history("anna-k")]
    assert actions[-2:] == ["patient-archived", "patient-brought-back"]


def test_archiving_needs_a_reason_and_bringing_back_needs_an_archived_patient(ws):
    with pytest.raises(WorkspaceError, match="reason"):
        ws.archive_patient("anna-k", reason="  ")
    with pytest.raises(WorkspaceError, match="not archived"):
        ws.bring_back_patient("anna-k")
    assert not ws.is_archived("anna-k")


def test_an_archived_patient_gets_no_new_plan_version_until_brought_back(ws):
    versions = ws.plan_versions(ws.current_plan("anna-k").id)
    ws.archive_patient("anna-k", reason="moved away")
    with pytest.raises(WorkspaceError, match="archived .*bring the patient back first"):
        ws.issue(make_plan(version=0, patient_id="anna-k"), "Dr Test")
    assert ws.plan_versions(versions[0].id) == versions
    ws.bring_back_patient("anna-k")
    assert ws.issue(make_plan(version=0, patient_id="anna-k"), "Dr Test").version == len(versions) + 1


def test_an_archived_patient_gets_no_import_until_brought_back(ws, tmp_path):
    f = tmp_path / "returned.xlsx"
    f.write_bytes(filled_bytes(ws, "anna-k", {0: {"Done": "yes"}}))
    ws.archive_patient("anna-k", reason="moved away")
    with pytest.raises(WorkspaceError, match="archived .*returned.xlsx cannot be imported"):
        import_log(ws, "anna-k", f)
    assert ws.log_entries("anna-k") == [] and ws.imports("anna-k") == []
    ws.bring_back_patient("anna-k")
    assert import_log(ws, "anna-k", f).added >= 1


def test_a_record_stored_before_psfs_activities_existed_still_loads(ws):
    stored = ws.patient("boris-m").model_dump(exclude={"psfs_activities"})
    assert "psfs_activities" not in stored
    assert Patient.model_validate(stored).psfs_activities == []


@pytest.mark.parametrize("change, field, words", [
    ({"id": ""}, "id", "The patient id is empty"),
    ({"id": "P 7"}, "id", "only letters and digits"),
    ({"name": ""}, "name", "Name is empty"),
    ({"birth_year": 2031}, "birth_year", "The birth year 2031 is in the future"),
    ({"birth_year": "1961x"}, "birth_year", "Birth year must be a whole number"),
    ({"contraindications": ["hypertensoin"]}, "contraindications", "did you mean hypertension"),
    ({"red_flags": ["saddle numbnes"]}, "red_flags", "Unknown red flag"),
    ({"psfs_activities": ["walking", " "]}, "psfs_activities", "A PSFS activity needs a name"),
    ({"psfs_activities": ["a", "b", "c", "d", "e", "f"]}, "psfs_activities", "at most 5"),
    ({"conditions": [{"kind": "lumbar-disc-hernia", "disc_level": "L45"}]}, "conditions.0.disc_level",
     "Disc level of condition 1 must be written like L4-L5"),
    ({"conditions": [{"kind": "scoliosis", "risser": 7}]}, "conditions.0.risser", "Risser sign of condition 1 must be at most 5"),
    ({"sex": "f"}, "sex", "Sex must be one of: female, male or other"),
])
def test_bad_input_is_refused_field_by_field_in_a_plain_sentence(change, field, words):
    data = {"id": "P7", "name": "Eva Lind", "birth_year": 1961, "therapist": "Anna Berg", **change}
    with pytest.raises(PatientInputError) as caught:
        patient_from_fields(data)
    assert list(caught.value.problems) == [field]
    assert words in caught.value.problems[field]
    assert "pydantic" not in str(caught.value) and "errors.pydantic.dev" not in str(caught.value)


def test_a_clearance_for_a_contraindication_not_noted_is_named_at_the_clearances():
    with pytest.raises(PatientInputError) as caught:
        patient_from_fields({"id": "P7", "name": "Eva", "birth_year": 1961, "therapist": "T",
                             "clearances": [{"contraindication": "glaucoma", "by": "Dr Weber", "on": "2026-08-01",
                                             "protocol": "stretching-board"}]})
    assert "clearances" in caught.value.problems
    assert "not among the patient's contraindications" in caught.value.problems["clearances"]


def test_the_model_itself_refuses_a_birth_year_in_the_future():
    with pytest.raises(ValidationError, match="in the future"):
        Patient(id="P7", name="Eva", birth_year=2027, therapist="T")


def test_a_patient_with_an_open_red_flag_is_not_archived_until_each_is_acknowledged(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    csv = tmp_path / "diary.csv"
    csv.write_text("Date;Exercise;Done;Pain after;Notes\n07.09.2026;Lying face down;yes;2;my bum feels numb\n",
                   encoding="utf-8")
    import_log(ws, "P001", csv, plan_id=ws.current_plan("P001").id)
    flags = ws.open_red_flags("P001")
    assert flags
    with pytest.raises(WorkspaceError, match=r"open red flag\(s\); acknowledge each first .*nothing was archived"):
        ws.archive_patient("P001", reason="moved away")
    assert not ws.is_archived("P001")
    for note in flags:
        ws.acknowledge_red_flag("P001", note.id, by="Anna Berg", outcome="referred")
    ws.archive_patient("P001", reason="moved away")
    assert ws.is_archived("P001")
