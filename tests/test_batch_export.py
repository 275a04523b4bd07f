"""A whole workspace exported on several cores: the same files as one at a time, every failure named, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from export_helpers import make_plan

from physio.errors import ExportError
from physio.io.batch import export_all
from physio.models import Patient
from physio.store import Workspace

THERAPIST = "Dr. Maria Ivanova"


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """Four plans that export, one with no exercises (fails), one patient without a plan (skipped)."""
    ws = Workspace(tmp_path / "ws")
    names = {"p001": "Анна Петрова", "p002": "Boris Empty", "p003": "Chen Noplan", "p004": "Dora Smith",
             "p005": "Emil Novak", "p006": "Fatima Haddad"}
    ws.add_patients([Patient(id=pid, name=name, birth_year=1970, therapist=THERAPIST) for pid, name in names.items()])
    for pid in ("p001", "p004", "p005", "p006"):
        ws.issue(make_plan(2, 1, patient_id=pid, patient_name=names[pid]), issued_by=THERAPIST)
    empty = make_plan(1, 1, patient_id="p002", patient_name="Boris Empty").model_copy(update={"exercises": []})
    ws.issue(empty, issued_by=THERAPIST)
    return ws


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_pool_of_workers_writes_exactly_what_one_worker_writes(workspace, tmp_path):
    one, pool = tmp_path / "one", tmp_path / "pool"
    one.mkdir()
    pool.mkdir()
    alone = export_all(workspace, one, progress=False, workers=1)
    together = export_all(workspace, pool, progress=False, workers=2)
    assert _files(pool) == _files(one) and len(_files(pool)) == 4 * 3  # handout, workbook, summary per plan
    assert [(i.patient_id, i.plan_id, i.error, i.skipped) for i in together.items] == \
           [(i.patient_id, i.plan_id, i.error, i.skipped) for i in alone.items]
    assert [i.patient_id for i in together.items] == ["p001", "p002", "p003", "p004", "p005", "p006"]
    assert [i.patient_id for i in together.failed] == ["p002"] and "has no exercises" in together.failed[0].error
    assert [i.patient_id for i in together.skipped] == ["p003"]


def test_zero_workers_is_refused_in_plain_words(workspace, tmp_path):
    with pytest.raises(ExportError, match="at least 1"):
        export_all(workspace, tmp_path, progress=False, workers=0)


def test_cli_export_all_on_two_workers_lists_the_failure_and_writes_the_others(workspace, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "physio.cli", "--workspace", str(workspace.folder), "export",
                           "--all", "--workers", "2", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Exported 4 plan(s)" in done.stdout and "1 could not be exported" in done.stdout
    failure = [line for line in done.stdout.splitlines() if line.startswith("- p002")]
    assert len(failure) == 1 and "has no exercises" in failure[0]
    assert "Traceback" not in done.stderr and "Exporting plans" in done.stderr  # the progress bar ...
    assert "5/5" in done.stderr  # ... counted every plan, the failed one included
    assert len([p for p in out.iterdir() if p.suffix in (".pdf", ".xlsx")]) == 4 * 3


def test_cli_refuses_zero_workers(workspace, tmp_path):
    done = subprocess.run([sys.executable, "-m", "physio.cli", "--workspace", str(workspace.folder), "export",
                           "--all", "--workers", "0", "--out", str(tmp_path), "--quiet"], capture_output=True, text=True)
    assert done.returncode == 2 and "at least 1" in done.stderr and "Traceback" not in done.stderr
