"""`physio measures record | history`: results kept per patient, append-only and audited, through the CLI."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from physio.store import Workspace


def physio(ws: Path, *args: str, user: str = "Anna Berg") -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    env = {**os.environ, "PHYSIO_USER": user}
    return subprocess.run(cmd + ["--workspace", str(ws), *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_recorded_results_are_kept_listed_and_audited(example_workspace):
    ws = example_workspace
    odi = physio(ws, "measures", "record", "P001", "odi", *"3 2 1 0 2 1 3 2 1 1".split(), "--date", "2026-08-20")
    assert odi.returncode == 0, odi.stderr
    assert "Recorded for Maria Kovacs on 20.08.2026 by Anna Berg" in odi.stdout and "32% — moderate disability" in odi.stdout
    leg = physio(ws, "measures", "record", "P001", "nprs-leg", "6", "--date", "2026-09-01", "--by", "Olga Smirnova")
    assert leg.returncode == 0, leg.stderr
    again = physio(ws, "measures", "record", "P001", "nprs-leg", "4", "--date", "2026-09-01")  # a second sheet: kept too
    assert again.returncode == 0, again.stderr
    other = physio(ws, "measures", "record", "P004", "nprs-back", "3", "--date", "2026-09-02")
    assert other.returncode == 0, other.stderr

    hist = physio(ws, "measures", "history", "P001")
    assert hist.returncode == 0, hist.stderr
    lines = hist.stdout.splitlines()
    assert [ln.split("\t")[:3] for ln in lines] == [
        ["20.08.2026", "ODI", "32% — moderate disability"], ["01.09.2026", "NPRS leg", "6"],
        ["01.09.2026", "NPRS leg", "4"]]
    assert "recorded by Olga Smirnova" in lines[1]

    stored = Workspace(ws).results("P001")
    assert [(r.measure_id, r.on.isoformat(), r.score.value) for r in stored] == [
        ("odi", "2026-08-20", 32.0), ("nprs-leg", "2026-09-01", 6.0), ("nprs-leg", "2026-09-01", 4.0)]
    assert stored[0].answers.items["10"] == 1 and stored[0].recorded_by == "Anna Berg"
    assert [r.measure_id for r in Workspace(ws).results("P004")] == ["nprs-back"]  # no patient sees another's
    trail = physio(ws, "history", "P001").stdout
    assert "Olga Smirnova  outcome measure recorded: nprs-leg on 01.09.2026: 6" in trail
    assert trail.count("outcome measure recorded") == 3


def test_bad_answers_and_dates_are_refused_and_nothing_is_kept(example_workspace):
    ws = example_workspace
    cases = [
        (["P001", "nprs-leg", "11"],
         "NPRS leg Leg pain: '11' is outside the allowed answers; allowed: whole numbers 0–10 or - (left blank)"),
        (["P001", "start-back", *"0 0 0 0 0 0 0 0 7".split()], "STarT Back Item 9: '7' is outside the allowed"),
        (["P001", "odi", "1=3", "2=2", "3=1"], "not enough answers: ODI needs at least 9 of 10 sections"),
        (["P001", "nprs-back", "3", "--date", "1983-12-31"], "the date is before the patient's birth (born 1984)"),
        (["P001", "nprs-back", "3", "--date", "2026-09-08"], "the date is in the future"),
        (["P001", "nprs-back", "3", "--date", "next week"], "--date 'next week' is not a date; write it as YYYY-MM-DD"),
        (["P999", "nprs-back", "3"], "there is no patient 'P999'"),
        (["P001", "nprs-neck", "3"], "there is no outcome measure 'nprs-neck'"),
    ]
    for argv, message in cases:
        done = physio(ws, "measures", "record", *argv)
        assert done.returncode == 2, (argv, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, (argv, done.stderr)
        assert done.stderr.count("\n") == 1
    assert Workspace(ws).results("P001") == []
    assert physio(ws, "measures", "history", "P001").stdout == "No outcome measures recorded for Maria Kovacs yet.\n"


def test_an_older_workspace_gains_the_results_table_when_opened(example_workspace):
    db = example_workspace / "workspace.sqlite"
    with sqlite3.connect(db) as con:  # as physio before outcome measures left it: schema 3, no results table
        con.execute("DROP TABLE measure_results")
        for made_later in ("alembic_version", "original_files", "staff"):  # made before the migrations existed
            con.execute(f"DROP TABLE {made_later}")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    done = physio(example_workspace, "measures", "record", "P001", "nprs-back", "5", "--date", "2026-09-03")
    assert done.returncode == 0, done.stderr
    assert [r.score.value for r in Workspace(example_workspace).results("P001")] == [5.0]
