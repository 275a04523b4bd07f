"""`physio export --format csv|json`: the clinic's records as tables, read back with pandas and compared with the
workspace; every column documented in docs/interop.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from physio.interop.tables import TABLES
from physio.store import Workspace

REPO = Path(__file__).resolve().parent.parent


def physio(ws: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    return subprocess.run(cmd + ["--workspace", str(ws), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PHYSIO_USER": "Anna Berg"})


def read(folder: Path, fmt: str) -> dict[str, pd.DataFrame]:
    if fmt == "csv":
        return {name: pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False, na_values=[""])
                for name in TABLES}
    return {name: pd.read_json(folder / f"{name}.json", orient="records", dtype=False) for name in TABLES}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_whole_clinic_tables_match_the_workspace(example_workspace, tmp_path, fmt):
    ws_folder = example_workspace
    rec = physio(ws_folder, "measures", "record", "P001", "odi", *"3 2 1 0 2 1 3 2 1 1".split(), "--date", "2026-09-01")
    assert rec.returncode == 0, rec.stderr
    out = tmp_path / "out"
    out.mkdir()
    done = physio(ws_folder, "export", "--format", fmt, "--all", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(out / f"{name}.{fmt}") for name in TABLES]
    tables = read(out, fmt)
    ws = Workspace(ws_folder)
    patients = ws.patients()
    for name, df in tables.items():
        assert list(df.columns) == TABLES[name], name
    assert list(tables["patients"]["patient_id"]) == [p.id for p in patients]
    assert tables["patients"].set_index("patient_id").loc["P002", "name"] == "Дарья Иванова"  # letters kept
    entries = sum(len(ws.log_entries(p.id)) for p in patients)
    assert len(tables["log_entries"]) == entries > 0
    rejections = {p.id: len(ws.rejections(p.id)) for p in patients}
    assert tables["rejections"]["patient_id"].value_counts().to_dict() == {k: v for k, v in rejections.items() if v}
    plans = [v for pid in ws.plan_ids() for v in ws.plan_versions(pid)]
    assert len(tables["plans"]) == len(plans)
    doses = tables["plan_exercises"]
    for plan in plans:
        rows = doses[(doses.plan_id == plan.id) & (doses.version == plan.version)].sort_values("order")
        assert list(rows.exercise_id) == [pe.exercise.id for pe in plan.exercises]
        for pe, (_, row) in zip(plan.exercises, rows.iterrows()):
            for param, value in pe.dose.values().items():
                assert row[param] == value, (plan.id, pe.exercise.id, param)
            assert row["dose"] == pe.dose.summary(plan.language)
    scores = tables["outcome_scores"]
    # every result: the one recorded here, and the daily pain and weekly PSFS the example logs brought
    assert len(scores) == sum(len(ws.results(p.id)) for p in patients)
    odi = scores[scores.measure_id == "odi"].reset_index(drop=True)
    assert odi[["patient_id", "measure_id", "date", "score", "band"]].values.tolist() == [
        ["P001", "odi", "2026-09-01", 32.0, "moderate disability"]]
    assert odi.loc[0, "recorded_by"] == "Anna Berg"


def test_one_patients_tables_hold_only_that_patient(example_workspace, tmp_path):
    done = physio(example_workspace, "export", "--format", "csv", "--patient", "P004", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    tables = read(tmp_path, "csv")
    for name, df in tables.items():
        assert set(df["patient_id"]) <= {"P004"}, name
    assert len(tables["patients"]) == 1 and len(tables["rejections"]) == len(Workspace(example_workspace).rejections("P004"))


@pytest.mark.parametrize("argv,message", [
    (["--format", "csv"], "--format needs one of --patient ID (one patient's records) or --all"),
    (["--format", "csv", "--all", "--patient", "P001"], "--format needs one of --patient ID"),
    (["P001-lumbar-disc-hernia", "--format", "json", "--all"], "--format exports tables of patients, not one plan"),
    (["--format", "csv", "--patient", "P999"], "there is no patient 'P999'"),
    (["--fhir", "--all"], "--fhir and --ics export one plan: give its id"),
])
def test_unclear_requests_are_refused(example_workspace, tmp_path, argv, message):
    done = physio(example_workspace, "export", *argv, "--out", str(tmp_path))
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.glob("*.csv")) == []


def test_every_column_is_documented():
    doc = (REPO / "docs" / "interop.md").read_text(encoding="utf-8")
    for name, columns in TABLES.items():
        section = doc.split(f"`{name}.csv`", 1)[1].split("\n### ", 1)[0]
        for column in columns:
            assert f"`{column}`" in section, (name, column)
