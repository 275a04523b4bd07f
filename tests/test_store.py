"""The workspace keeps patients, every issued plan version and returned logs, and never loses or rewrites them."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from physio.errors import PhysioError, UnknownId, WorkspaceError
from physio.models import ExerciseChange, LogEntry, Overrides, Rejection
from physio.planning import personalise
from physio.store import Workspace, default_workspace_folder, read_patient, read_patients

from planning_helpers import START, library, patient, protocol

# every test here on SQLite and on PostgreSQL (tests/pg_fixtures.py)
pytestmark = pytest.mark.usefixtures("store_db")

LIB = library()
PROTO = protocol()
AT = dt.datetime(2026, 9, 1, 10, 30, tzinfo=dt.timezone.utc)


def draft(pat=None, **kw):
    return personalise(PROTO, pat or patient(), "one", START, library=LIB, **kw)


@pytest.fixture
def ws(tmp_path) -> Workspace:
    w = Workspace(tmp_path / "ws")
    w.add_patient(patient())
    return w


def snapshot(w: Workspace) -> dict:
    """Everything a user can see through the API, to prove a refused action changed nothing."""
    out: dict = {"patients": w.patients(), "plans": {i: w.plan_versions(i) for i in w.plan_ids()}}
    for p in w.patients():
        out[p.id] = (w.log_entries(p.id), w.rejections(p.id), w.imports(p.id))
    out["originals"] = w.original_names()
    return out


# ---------------------------------------------------------------- folder and patients


@pytest.mark.sqlite_only
def test_workspace_creates_folder_and_database_and_reopens(tmp_path):
    w = Workspace(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b" / "workspace.sqlite").is_file()
    w.add_patient(patient())
    assert Workspace(tmp_path / "a" / "b").patients() == [patient()]


@pytest.mark.sqlite_only
def test_workspace_on_a_file_is_refused(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(WorkspaceError, match="is a file"):
        Workspace(f)


@pytest.mark.sqlite_only
def test_default_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHYSIO_WORKSPACE", raising=False)
    assert default_workspace_folder() == Path("workspace")
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(tmp_path / "clinic"))
    assert Workspace().folder == tmp_path / "clinic"
    assert (tmp_path / "clinic" / "workspace.sqlite").exists()


def test_duplicate_patient_refused_unless_update(ws):
    with pytest.raises(WorkspaceError, match="'P001' is already"):
        ws.add_patient(patient(name="Someone Else"))
    assert ws.patient("P001").name == "Anna Test"
    ws.add_patient(patient(name="Anna Test-Smith"), update=True)
    assert ws.patient("P001").name == "Anna Test-Smith"
    assert ws.patient_history("P001") == [patient()]  # the earlier record is not lost


def test_add_patients_is_all_or_nothing(ws):
    before = snapshot(ws)
    with pytest.raises(WorkspaceError):
        ws.add_patients([patient(id="P002"), patient(id="P001")])
    assert snapshot(ws) == before


def test_unknown_patient_lists_known_ids(ws):
    ws.add_patient(patient(id="P002", name="Boris"))
    with pytest.raises(UnknownId) as e:
        ws.patient("P999")
    assert "'P999'" in str(e.value) and "P001, P002" in str(e.value)


# ---------------------------------------------------------------- plan versions


def test_issue_numbers_versions_and_keeps_earlier_ones(ws):
    v1 = ws.issue(draft(), "Dr Lee", at=AT)
    assert (v1.version, v1.issued_by, v1.issued_at) == (1, "Dr Lee", AT)
    changed = draft(overrides=Overrides(change={"glute-bridge": ExerciseChange(set={"reps": 12})}))
    v2 = ws.issue(changed, "Dr Kim", at=AT + dt.timedelta(days=7))
    assert v2.version == 2 and v2.issued_by == "Dr Kim"
    assert ws.plan(v1.id) == v2
    assert ws.plan(v1.id, 1) == v1 and ws.plan(v1.id, 1).exercise("glute-bridge").dose.reps == 10
    assert ws.plan_versions(v1.id) == [v1, v2]
    assert ws.plans_for("P001") == [v2]
    assert v1.diff(v2) == ["Bridge: repetitions 10 → 12."]


def test_plans_for_lists_latest_of_each_plan(ws):
    from physio.models import Protocol

    other = Protocol.model_validate({**PROTO.model_dump(), "id": "other-back"})
    ws.issue(draft(), "Dr Lee")
    ws.issue(draft(), "Dr Lee")
    ws.issue(personalise(other, patient(), "one", START, library=LIB), "Dr Lee")
    assert [(p.id, p.version) for p in ws.plans_for("P001")] == [("P001-other-back", 1), ("P001-test-back", 2)]


def test_unknown_plan_and_version(ws):
    with pytest.raises(UnknownId, match="no plan has been issued"):
        ws.plan("P001-test-back")
    ws.issue(draft(), "Dr Lee")
    with pytest.raises(UnknownId, match="no version 7; its versions are: 1"):
        ws.plan("P001-test-back", 7)
    with pytest.raises(UnknownId, match="the plans are: P001-test-back"):
        ws.plan_versions("nope")


def test_bad_issues_leave_the_workspace_unchanged(ws):
    ws.issue(draft(), "Dr Lee")
    before = snapshot(ws)
    stranger = patient(id="P404")
    with pytest.raises(UnknownId):
        ws.issue(draft(stranger), "Dr Lee")
    with pytest.raises(WorkspaceError, match="issued_by"):
        ws.issue(draft(), "  ")
    # a plan tampered with after personalise (dose above its hard limit) is refused
    plan = draft()
    pe = plan.exercises[1]
    bad = plan.model_copy(update={"exercises": [plan.exercises[0], pe.model_copy(update={"dose": pe.dose.model_copy(update={"reps": 99})})]})
    with pytest.raises(WorkspaceError, match="hard limit"):
        ws.issue(bad, "Dr Lee")
    assert snapshot(ws) == before


@pytest.mark.sqlite_only
def test_history_has_no_update_or_delete_api():
    public = [n for n in dir(Workspace) if not n.startswith("_")]
    # a patient's record may change, but only with the earlier record kept (patient_history, tested below);
    # the clinic's name and phone are a setting, not a patient's history
    kept_history = {"update_patient", "set_clinic_profile"}
    assert not [n for n in public if any(w in n for w in ("delete", "remove", "update", "edit", "replace", "set_"))
                and n not in kept_history]


@pytest.mark.sqlite_only  # hypothesis's examples share one database; numbering on PostgreSQL: the tests around
@given(issuers=st.lists(st.sampled_from(["Dr Lee", "Dr Kim", "Ms Ode"]), min_size=1, max_size=6))
@settings(max_examples=10, deadline=None)
def test_version_history_is_append_only(tmp_path_factory, issuers):
    w = Workspace(tmp_path_factory.mktemp("ws"))
    w.add_patient(patient())
    seen = []
    for i, who in enumerate(issuers):
        seen.append(w.issue(draft(weeks=1 + i % 2), who))
        assert w.plan_versions(seen[0].id) == seen  # earlier versions are exactly as issued
    assert [p.version for p in seen] == list(range(1, len(issuers) + 1))


def _issue_many(folder: str, n: int, who: str) -> list[int]:
    w = Workspace(folder)
    return [w.issue(draft(), who).version for _ in range(n)]


def test_two_processes_issuing_at_once_lose_nothing(tmp_path):
    w = Workspace(tmp_path / "ws")
    w.add_patient(patient())
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.starmap(_issue_many, [(str(w.folder), 8, "Dr A"), (str(w.folder), 8, "Dr B")])
    got = sorted(results[0] + results[1])
    assert got == list(range(1, 17))
    stored = w.plan_versions("P001-test-back")
    assert [p.version for p in stored] == got
    assert sorted(p.issued_by for p in stored) == ["Dr A"] * 8 + ["Dr B"] * 8


# ---------------------------------------------------------------- returned logs


def entry(day: int, ex: str = "glute-bridge", session: int = 1, **kw) -> LogEntry:
    return LogEntry(patient_id="P001", plan_id="P001-test-back", plan_version=1,
                    date=START + dt.timedelta(days=day), session=session, exercise_id=ex, done=True, **kw)


def rejection(row: int) -> Rejection:
    return Rejection(file="log.xlsx", row=row, column="Pain before (0-10)", given="12",
                     reason="pain-out-of-range", message="pain must be 0 to 10")


@pytest.fixture
def ws_plan(ws) -> Workspace:
    ws.issue(draft(), "Dr Lee", at=AT)
    return ws


def test_import_keeps_original_and_entries(ws_plan):
    content = b"fake xlsx bytes"
    r = ws_plan.record_import("P001", "P001-test-back", 1, "Anna log.XLSX", content,
                              [entry(0), entry(2)], [rejection(5)], imported_at=AT)
    assert (r.duplicate, r.added, r.replaced, r.rejected) == (False, 2, 0, 1)
    assert ws_plan.original(r.import_id) == content
    assert ws_plan.original_names() == [f"{hashlib.sha256(content).hexdigest()}.xlsx"]
    if ws_plan.server is None:  # SQLite: kept as a file in the folder; a server keeps it in its database
        assert r.original_path == ws_plan.folder / "originals" / f"{hashlib.sha256(content).hexdigest()}.xlsx"
        assert r.original_path.read_bytes() == content
    else:
        assert r.original_path is None and not (ws_plan.folder / "originals").exists()
    assert ws_plan.log_entries("P001") == [entry(0), entry(2)]
    assert ws_plan.log_entries("P001", "P001-test-back") == [entry(0), entry(2)]
    assert ws_plan.log_entries("P001", "other") == []
    assert ws_plan.rejections("P001") == [rejection(5)]
    (rec,) = ws_plan.imports("P001")
    assert (rec.id, rec.filename, rec.imported_at, rec.added, rec.rejected) == (r.import_id, "Anna log.XLSX", AT, 2, 1)


def test_same_file_twice_adds_nothing(ws_plan):
    args = ("P001", "P001-test-back", 1, "log.csv", b"a,b\n1,2\n", [entry(0)], [rejection(3)])
    first = ws_plan.record_import(*args)
    before = snapshot(ws_plan)
    again = ws_plan.record_import(*args)
    assert again.duplicate and again.import_id == first.import_id and again.added == 0
    assert snapshot(ws_plan) == before


def test_corrected_resend_replaces_earlier_entries_and_says_so(ws_plan):
    ws_plan.record_import("P001", "P001-test-back", 1, "log.csv", b"v1", [entry(0, pain_after=7), entry(2)], [])
    r = ws_plan.record_import("P001", "P001-test-back", 1, "log fixed.csv", b"v2",
                              [entry(0, pain_after=3), entry(4)], [])
    assert (r.added, r.replaced) == (1, 1)
    got = ws_plan.log_entries("P001")
    assert [(e.date, e.pain_after) for e in got] == [(START, 3), (START + dt.timedelta(days=2), None),
                                                     (START + dt.timedelta(days=4), None)]
    assert [i.replaced for i in ws_plan.imports("P001")] == [0, 1]
    # both originals are still there, byte for byte
    assert sorted(ws_plan.original(i.id) for i in ws_plan.imports("P001")) == [b"v1", b"v2"]


def test_file_for_another_patient_or_bad_rows_is_refused_and_nothing_changes(ws_plan):
    before = snapshot(ws_plan)
    stranger = entry(0).model_copy(update={"patient_id": "P002"})
    with pytest.raises(WorkspaceError, match="patient 'P002'"):
        ws_plan.record_import("P001", "P001-test-back", 1, "x.xlsx", b"x", [entry(1), stranger], [])
    with pytest.raises(WorkspaceError, match="both report"):
        ws_plan.record_import("P001", "P001-test-back", 1, "x.xlsx", b"x", [entry(1, source_row=2),
                                                                            entry(1, source_row=3)], [])
    with pytest.raises(UnknownId):
        ws_plan.record_import("P001", "P001-test-back", 9, "x.xlsx", b"x", [], [])
    with pytest.raises(UnknownId):
        ws_plan.record_import("P404", "P001-test-back", 1, "x.xlsx", b"x", [], [])
    assert snapshot(ws_plan) == before


def test_failure_inside_the_transaction_leaves_workspace_as_before(ws_plan, monkeypatch):
    ws_plan.record_import("P001", "P001-test-back", 1, "a.csv", b"first", [entry(0)], [])
    before = snapshot(ws_plan)

    def boom(self, **kw):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(Rejection, "model_dump_json", boom)
    with pytest.raises(RuntimeError):
        ws_plan.record_import("P001", "P001-test-back", 1, "b.csv", b"second", [entry(0, pain_after=1), entry(3)],
                              [rejection(4)])
    monkeypatch.undo()
    assert snapshot(ws_plan) == before


# ---------------------------------------------------------------- patient files


@pytest.mark.sqlite_only
def test_read_patient_file_errors_name_file_field_and_value(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("id: P1\nname: Test\nbirth_year: 1850\ntherapist: T\n"
                 "clearances:\n  - {contraindication: hypertension, by: Dr Gray}\n", encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        read_patient(f)
    msg = str(e.value)
    assert "p.yaml clearances.0.on: a clearance needs the date the doctor signed it; write it as YYYY-MM-DD" in msg
    assert "p.yaml birth_year" in msg and "1850" in msg
    g = tmp_path / "q.yaml"
    g.write_text("id: P1\nname: Test\nbirth_year: 1980\ntherapist: T\nclearances:\n"
                 "  - {contraindication: hypertension, by: Dr Gray, on: 'last spring'}\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="q.yaml clearances.0.on.*'last spring'"):
        read_patient(g)


@pytest.mark.sqlite_only
def test_read_patients_reports_every_bad_file(tmp_path):
    (tmp_path / "a.yaml").write_text("id: A\nname: A\nbirth_year: 1980\ntherapist: T\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: B\nname: B\nbirth_year: 1980\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(PhysioError) as e:
        read_patients(tmp_path)
    assert "b.yaml therapist: missing" in str(e.value) and "c.yaml:" in str(e.value)


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_workspace_database_is_refused_and_left_alone(tmp_path):
    (tmp_path / "workspace.sqlite").write_bytes(b"my shopping list, not a database" * 4)
    with pytest.raises(WorkspaceError, match="not a workspace database"):
        Workspace(tmp_path)
    assert (tmp_path / "workspace.sqlite").read_bytes() == b"my shopping list, not a database" * 4
