"""Issue 11, point 3: no path puts a dose past a hard limit or an absolute cap into an exported file.

The property test below drives a random dose value through every path we found that can carry a dose into a
handout or a workbook, and reads every file that was written back with openpyxl (workbook) and pdftotext
(handout). A path may refuse (one plain sentence, no file); when it writes files, every dose they show is the
dose of a plan that keeps the CURRENT library's hard limits and the caps (protocols/caps.yaml).

Paths:
  api_overrides    physio.personalise(..., Overrides(change=...)) from the shipped library, then export_plan
  api_protocol     personalise() with a Protocol object built in code whose limits were widened (an API caller
                   bypassing the loader), then Workspace.issue and export_plan
  cli_set          `physio plan new --set EXERCISE.PARAM=VALUE --reason ...` then `physio export`
  stored_json      a stored plan's JSON edited in the SQLite database (dose and the limits it carries widened),
                   then `physio export`
  meta_sheet       the exported workbook's hidden meta sheet edited with openpyxl to name that edited version,
                   then re-imported (`physio import`) and the version exported
  protocol_file    a protocol file whose limit is raised (past the cap: refused on load with file:line; within
                   the cap: the clinic's own wider limit), then `physio plan new --protocols` and `physio export`
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from physio.cli import main
from physio.errors import LimitExceeded, PhysioError, ProtocolError
from physio.io.export import export_plan
from physio.library import DEFAULT_PROTOCOLS_DIR, load_library
from physio.models import ExerciseChange, Overrides, Patient
from physio.models.log import META_SHEET
from physio.planning import personalise
from physio.safety import cap_for
from physio.store import Workspace

START = dt.date(2026, 9, 7)
PATHS = ["api_overrides", "api_protocol", "cli_set", "stored_json", "meta_sheet", "protocol_file"]
#: (exercise, parameter) pairs of the hernia's motor-control phase that a therapist can change
TARGETS = [("glute-bridge", "reps"), ("glute-bridge", "hold_s"), ("bird-dog", "reps"), ("heel-slide", "reps"),
           ("supine-drawing-in", "sessions_per_day"), ("bird-dog", "days_per_week")]
PATIENT = {"id": "P1", "name": "Prop Test", "birth_year": 1980, "therapist": "Anna Berg",
           "conditions": [{"kind": "lumbar-disc-hernia", "directional_preference": "extension"}]}


def _workspace(root: Path) -> Workspace:
    ws = Workspace(root / "ws")
    ws.add_patient(Patient.model_validate(PATIENT))
    return ws


def _cli(*argv) -> int:
    return main([str(a) for a in argv])


def _shown_doses(out: Path) -> dict[str, set[str]]:
    """Every dose text the written files show, by exercise id: the workbook's Plan sheet (the "Dose" line under
    each numbered exercise, numbered as in the plan) read with openpyxl, and the handout read with pdftotext."""
    shown: dict[str, set[str]] = {}
    plans = [json.loads(p.read_text()) for p in out.glob("plan.json")]
    ids = [pe["exercise"]["id"] for pe in plans[0]["exercises"]] if plans else []
    for xlsx in out.glob("*.xlsx"):
        wb = openpyxl.load_workbook(xlsx, read_only=True)
        current = None
        for label, text, *_ in wb["Plan"].iter_rows(values_only=True):
            number = re.match(r"^(\d+)\. ", str(label or ""))
            if number and text is None:
                current = ids[int(number[1]) - 1]
            elif label == "Dose" and current is not None:
                shown.setdefault(current, set()).add(text)
    for pdf in out.glob("*.pdf"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        shown.setdefault("_handout", set()).add(" ".join(text.split()))
    return shown


def _assert_files_within_limits(out: Path, library) -> None:
    """Every exported workbook row shows the dose of an exercise whose values keep the current hard limits and
    caps; the handout shows the same dose lines."""
    files = list(out.glob("*.xlsx")) + list(out.glob("*.pdf"))
    if not files:
        return
    proto = library.protocol("lumbar-disc-hernia")
    phase = proto.phase("motor-control")
    rx = {r.exercise: r for r in phase.exercises}
    shown = _shown_doses(out)
    handout = " ".join(shown.pop("_handout", set()))
    # the dose lines the files may show: those of any dose within the limits, which we rebuild from the plan
    # stored for these files (the one export that wrote them) and check value by value, independently
    ws_plans = [json.loads(p.read_text()) for p in out.glob("plan.json")]
    assert ws_plans, "the test writes the exported plan next to its files"
    for pe in ws_plans[0]["exercises"]:
        ex_id = pe["exercise"]["id"]
        for param, value in pe["dose"].items():
            if value is None or param == "per_side":
                continue
            lim = proto.limit(rx.get(ex_id), param)
            assert lim is not None and lim.hard[0] <= value <= lim.hard[1], (ex_id, param, value)
            assert value <= cap_for(param, pe["exercise"]["tags"])[0], (ex_id, param, value)
    from physio.models import Plan

    plan = Plan.model_validate(ws_plans[0])
    for pe in plan.exercises:
        line = pe.dose.summary(plan.language)
        assert shown.get(pe.exercise.id) == {line}, (pe.exercise.id, shown.get(pe.exercise.id), line)
        assert line in handout


def _export(ws: Workspace, plan_id: str, version: int | None, out: Path) -> None:
    """`physio export` of one version; on success the plan is saved next to its files for the checks."""
    args = ["--workspace", ws.folder, "export", plan_id, "--out", out] + (["--version", version] if version else [])
    if _cli(*args) == 0:
        (out / "plan.json").write_text(ws.plan(plan_id, version).model_dump_json())


def _edit_stored_json(ws: Workspace, plan_id: str, ex_id: str, param: str, value: int, version: int) -> None:
    """What someone with the database file could do: change the dose and widen the limits the plan carries.

    Values below 1 (or days past 7) make JSON that is no plan at all; reading such a row is the store's
    integrity check, not this test's, so the edit stays a well-formed plan."""
    value = max(value, 1) if param != "days_per_week" else min(max(value, 1), 7)
    con = sqlite3.connect(ws.folder / "workspace.sqlite")
    (raw,) = con.execute("SELECT json FROM plans WHERE plan_id = ? AND version = 1", (plan_id,)).fetchone()
    data = json.loads(raw)
    for pe in data["exercises"]:
        if pe["exercise"]["id"] == ex_id:
            pe["dose"][param] = value
            pe["limits"][param] = {"hard": [0, 10_000], "usual": [0, 10_000], "source": "team-default: edited"}
    data["version"] = version
    if version == 1:
        con.execute("UPDATE plans SET json = ? WHERE plan_id = ? AND version = 1", (json.dumps(data), plan_id))
    else:
        con.execute("INSERT INTO plans (plan_id, version, patient_id, json, issued_by, issued_at) "
                    "SELECT plan_id, ?, patient_id, ?, issued_by, issued_at FROM plans WHERE plan_id = ? AND version = 1",
                    (version, json.dumps(data), plan_id))
    con.commit()
    con.close()


def _run_path(path: str, ex_id: str, param: str, value: int, root: Path, library) -> None:
    ws = _workspace(root)
    out = root / "out"
    out.mkdir()
    proto = library.protocol("lumbar-disc-hernia")
    reason = {param: "property test"}
    plan_id = "P1-lumbar-disc-hernia"
    if path == "api_overrides":
        try:
            plan = personalise(proto, ws.patient("P1"), "motor-control", START,
                               Overrides(change={ex_id: ExerciseChange(set={param: value}, reasons=reason)}),
                               library=library)
        except PhysioError:
            return
        export_plan(plan, out)
        (out / "plan.json").write_text(plan.model_dump_json())
    elif path == "api_protocol":
        wide = {p: lim.model_copy(update={"hard": (0, 10_000), "usual": (0, 10_000)}) for p, lim in proto.limits.items()}
        phases = [ph.model_copy(update={"exercises": [rx.model_copy(update={"limits": {}}) for rx in ph.exercises]})
                  for ph in proto.phases]
        widened = proto.model_copy(update={"limits": wide, "phases": phases})
        try:
            plan = personalise(widened, ws.patient("P1"), "motor-control", START,
                               Overrides(change={ex_id: ExerciseChange(set={param: value}, reasons=reason)}),
                               library=library)
            stored = ws.issue(plan, "Anna Berg")
        except PhysioError:
            return
        _export(ws, stored.id, None, out)
    elif path == "cli_set":
        _cli("--workspace", ws.folder, "plan", "new", "--patient", "P1", "--protocol", "lumbar-disc-hernia",
             "--phase", "motor-control", "--start", START, "--set", f"{ex_id}.{param}={value}",
             "--reason", f"{ex_id}.{param}=property test")
        if plan_id in ws.plan_ids():
            _export(ws, plan_id, None, out)
    elif path == "stored_json":
        assert _cli("--workspace", ws.folder, "plan", "new", "--patient", "P1", "--protocol", "lumbar-disc-hernia",
                    "--phase", "motor-control", "--start", START) == 0
        _edit_stored_json(ws, plan_id, ex_id, param, value, version=1)
        _export(ws, plan_id, None, out)
    elif path == "meta_sheet":
        assert _cli("--workspace", ws.folder, "plan", "new", "--patient", "P1", "--protocol", "lumbar-disc-hernia",
                    "--phase", "motor-control", "--start", START) == 0
        first = root / "first"
        first.mkdir()
        assert _cli("--workspace", ws.folder, "export", plan_id, "--out", first) == 0
        _edit_stored_json(ws, plan_id, ex_id, param, value, version=2)
        book = next(first.glob("*.xlsx"))
        wb = openpyxl.load_workbook(book)
        meta = wb[META_SHEET]
        for row in meta.iter_rows():
            if row[0].value == "plan_version":
                row[1].value = 2
        wb.save(book)
        _cli("--workspace", ws.folder, "import", "P1", book)
        _export(ws, plan_id, 2, out)
    elif path == "protocol_file":
        folder = root / "protocols"
        shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder)
        f = folder / "lumbar-disc-hernia.yaml"
        key = {"reps": "  reps: {hard: [1, 20]", "hold_s": "  hold_s: {hard: [1, 60]",
               "sessions_per_day": "  sessions_per_day: {hard: [1, 8]", "days_per_week": "  days_per_week: {hard: [1, 7]"}
        old = key[param]
        lo = old.split("[")[1].split(",")[0]
        f.write_text(f.read_text().replace(old, f"{old.split(':')[0]}: {{hard: [{lo}, {max(value, 1)}]", 1))
        try:
            library = load_library(folder)
        except ProtocolError as e:
            assert max(value, 1) > cap_for(param)[0] or "usual" in str(e) or "hard" in str(e)
            assert "lumbar-disc-hernia.yaml:" in str(e)
            return
        _cli("--workspace", ws.folder, "--protocols", folder, "plan", "new", "--patient", "P1", "--protocol",
             "lumbar-disc-hernia", "--phase", "motor-control", "--start", START,
             "--set", f"{ex_id}.{param}={value}", "--reason", f"{ex_id}.{param}=property test")
        if plan_id in ws.plan_ids():
            _cli("--workspace", ws.folder, "--protocols", folder, "export", plan_id, "--out", out)
            if list(out.glob("*.xlsx")):
                (out / "plan.json").write_text(ws.plan(plan_id).model_dump_json())
    _assert_files_within_limits(out, library)


@pytest.mark.slow
@given(path=st.sampled_from(PATHS), target=st.sampled_from(TARGETS),
       value=st.one_of(st.integers(-3, 40), st.integers(41, 5000)))
@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_no_exported_file_shows_a_dose_outside_the_hard_limits(path, target, value, tmp_path_factory, capsys):
    from physio import default_library

    ex_id, param = target
    _run_path(path, ex_id, param, value, tmp_path_factory.mktemp(path), default_library())
    capsys.readouterr()


@pytest.mark.parametrize("path", PATHS)
def test_each_path_refuses_99_repetitions(path, tmp_path, library, capsys):
    """The case of the issue: 99 times for an exercise whose hard limit is 20, through every path."""
    _run_path(path, "glute-bridge", "reps", 99, tmp_path, library)
    assert not list((tmp_path / "out").glob("*.xlsx")), path
    err = capsys.readouterr().err
    if path in ("cli_set", "stored_json", "meta_sheet"):
        assert "physio: error:" in err and "Traceback" not in err


def test_a_stored_plan_edited_in_the_database_is_refused_by_export_and_import(tmp_path, capsys):
    ws = _workspace(tmp_path)
    plan_id = "P1-lumbar-disc-hernia"
    assert _cli("--workspace", ws.folder, "plan", "new", "--patient", "P1", "--protocol", "lumbar-disc-hernia",
                "--phase", "motor-control", "--start", START) == 0
    (tmp_path / "first").mkdir()
    (tmp_path / "again").mkdir()
    assert _cli("--workspace", ws.folder, "export", plan_id, "--out", tmp_path / "first") == 0
    _edit_stored_json(ws, plan_id, "glute-bridge", "reps", 99, version=1)
    capsys.readouterr()
    assert _cli("--workspace", ws.folder, "export", plan_id, "--out", tmp_path / "again") == 2
    err = capsys.readouterr().err
    assert "Bridge: repetitions 99 is outside the hard limit 1–20" in err and not list((tmp_path / "again").glob("*"))
    book = next((tmp_path / "first").glob("*.xlsx"))
    assert _cli("--workspace", ws.folder, "import", "P1", book) == 2
    err = capsys.readouterr().err
    assert "breaks the current limits, so its log is not imported (nothing was recorded)" in err
    assert ws.log_entries("P1") == []


def test_a_protocol_file_raising_a_limit_past_the_cap_is_refused_with_file_and_line(tmp_path):
    folder = tmp_path / "protocols"
    shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder)
    f = folder / "stretching-board.yaml"
    text = f.read_text()
    line = text[: text.index("  angle_deg: {hard: [0, 60]")].count("\n") + 1
    f.write_text(text.replace("  angle_deg: {hard: [0, 60], usual: [20, 45]", "  angle_deg: {hard: [0, 85], usual: [20, 45]", 1))
    with pytest.raises(ProtocolError) as e:
        load_library(folder)
    assert (f"stretching-board.yaml:{line} limits.angle_deg: board angle (°) 85 is above the absolute cap 60 "
            "[TE1, TE2") in str(e.value)
    assert "a protocol cannot raise a limit past it" in str(e.value)


def test_personalise_refuses_a_value_above_a_cap_even_with_a_protocol_object_that_allows_it(library):
    proto = library.protocol("lumbar-disc-hernia")
    wide = {p: lim.model_copy(update={"hard": (0, 10_000), "usual": (0, 10_000)}) for p, lim in proto.limits.items()}
    widened = proto.model_copy(update={"limits": wide})
    with pytest.raises(LimitExceeded, match="repetitions 31 is above the absolute cap 30"):
        personalise(widened, Patient.model_validate(PATIENT), "motor-control", START,
                    Overrides(change={"glute-bridge": ExerciseChange(set={"reps": 31}, reasons={"reps": "x"})}),
                    library=library)
