"""Issue 12, point 4: all or nothing. A process killed at random points while importing and exporting leaves,
once the workspace opens again, no .part files, no original that no import names, every exported plan as both
files or neither, and a database whose imports, entries and history agree."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from physio.store import Workspace

from workspace_helpers import filled_bytes, two_patients

TESTS = Path(__file__).resolve().parent
KILLS = 8  # bounded: a few seconds each

#: Imports a returned file, issues the next plan version and exports it, again and again, until killed. Its disk
#: is made slow (each fsync waits 0.15 s), so that random kills often land in the middle of writing a file.
CHILD = r"""
import itertools, os, sys, time
from pathlib import Path
_fsync = os.fsync
os.fsync = lambda fd: (time.sleep(0.15), _fsync(fd))  # slow disk: writes take long enough to be killed in
from physio.importing import import_bytes
from physio.io.export import export_plan
from physio.store import Workspace
ws = Workspace(sys.argv[1])
(ws.folder / "export").mkdir(exist_ok=True)
files = sorted(Path(sys.argv[2]).iterdir())
print("ready", flush=True)
for i in itertools.count(int(sys.argv[3])):
    f = files[i % len(files)]
    pid = f.name.split("--")[0]
    import_bytes(ws, pid, f.read_bytes(), f.name)
    print("imported", flush=True)
    plan = ws.issue(ws.current_plan(pid), "Dr Test")
    print("issued", flush=True)
    export_plan(plan, ws.folder / "export")
    print("exported", flush=True)
"""


def _returned_files(ws: Workspace, folder: Path) -> Path:
    folder.mkdir()
    for i in range(12):
        for pid in ("anna-k", "boris-m"):
            cells = {j: {"Done": "yes" if (i + j) % 3 else "no", "Notes": f"week note {i}"} for j in range(i % 5 + 1)}
            (folder / f"{pid}--{i:02d}.xlsx").write_bytes(filled_bytes(ws, pid, cells))
    return folder


def _check(folder: Path, checked: set) -> dict:
    ws = Workspace(folder)  # opening tidies up what the killed process left
    leftovers = [str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []
    export = folder / "export"
    handouts = {p.name.removesuffix("_handout.pdf") for p in export.glob("*_handout.pdf")}
    workbooks = {p.name.removesuffix("_log.xlsx") for p in export.glob("*_log.xlsx")}
    assert handouts == workbooks, f"half an export: {handouts ^ workbooks}"
    for stem in sorted(handouts - checked):  # each complete, read by real readers
        assert len(PdfReader(export / f"{stem}_handout.pdf").pages) >= 1
        assert "Log" in openpyxl.load_workbook(export / f"{stem}_log.xlsx", read_only=True).sheetnames
        checked.add(stem)
    con = sqlite3.connect(folder / "workspace.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = dict(con.execute("SELECT original, sha256 FROM imports").fetchall())
        orphans = con.execute("SELECT count(*) FROM log_entries WHERE import_id NOT IN (SELECT id FROM imports)")
        assert orphans.fetchone()[0] == 0
    finally:
        con.close()
    originals = {f"originals/{p.name}" for p in (folder / "originals").iterdir()} if (folder / "originals").exists() else set()
    assert originals == set(kept), f"originals and imports disagree: {originals ^ set(kept)}"
    for name, sha in kept.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha
    counts = {}
    for pid in ("anna-k", "boris-m"):
        events = [e.action for e in ws.history(pid)]
        assert events.count("import") == len(ws.imports(pid))
        assert events.count("plan-issued") == len(ws.plan_versions(f"{pid}-test-back"))
        counts[pid] = len(ws.imports(pid))
    return counts


@pytest.mark.slow
def test_killed_at_random_points_nothing_is_half_written(tmp_path):
    ws = two_patients(tmp_path / "ws")
    files = _returned_files(ws, tmp_path / "returned")
    rnd = random.Random(12)
    checked: set = set()
    progress = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS.parent), os.environ.get("PYTHONPATH", "")])}
    for k in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(ws.folder), str(files), str(k * 5)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        for _ in range(rnd.randint(0, 4)):  # let it finish a few steps, then kill it somewhere in the next one
            child.stdout.readline()
        time.sleep(rnd.uniform(0.0, 2.5))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        err = child.stderr.read()
        child.stdout.close()
        child.stderr.close()
        assert child.returncode == -signal.SIGKILL, f"the child stopped by itself: {err}"
        progress.append(_check(ws.folder, checked))
    assert sum(progress[-1].values()) > 0 and checked  # the child did get work done between kills


def test_opening_the_workspace_finishes_or_removes_what_an_interrupted_write_left(tmp_path):
    import fcntl
    import json

    from physio.importing import import_bytes

    ws = two_patients(tmp_path / "ws")
    rep = import_bytes(ws, "anna-k", filled_bytes(ws, "anna-k", {0: {"Done": "yes"}}), "a.xlsx")
    export = ws.folder / "export"
    export.mkdir()
    # killed after both files were written in full and the journal named them: the export is finished
    (export / ".p_v1_handout.pdf.part").write_bytes(b"%PDF new")
    (export / ".p_v1_log.xlsx.part").write_bytes(b"PK new")
    (export / ".p_v1_handout.files.part").write_text(json.dumps(["p_v1_handout.pdf", "p_v1_log.xlsx"]))
    # killed before the journal: the half-written files go
    (export / ".p_v2_handout.pdf.part").write_bytes(b"%PDF half")
    (export / ".p_v2_log.xlsx.XYZ.part").write_bytes(b"PK")
    # another process is writing this one right now (it holds the lock): left alone
    busy = export / ".p_v3_log.xlsx.part"
    holder = open(busy, "wb")
    fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
    # killed inside an import, before its transaction committed: a copy no import names
    (ws.folder / "originals" / ("0" * 64 + ".xlsx")).write_bytes(b"nobody's")
    (ws.folder / "originals" / ".abc.xlsx.1234.part").write_bytes(b"half")
    try:
        Workspace(ws.folder)
        assert sorted(p.name for p in export.iterdir()) == [".p_v3_log.xlsx.part", "p_v1_handout.pdf", "p_v1_log.xlsx"]
        assert (export / "p_v1_log.xlsx").read_bytes() == b"PK new"
        assert [p.name for p in (ws.folder / "originals").iterdir()] == [rep.original_path.name]
    finally:
        holder.close()
    Workspace(ws.folder)
    assert not busy.exists()  # its writer is gone: removed at the next opening
