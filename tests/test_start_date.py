"""Point 7 of issue 11: a plan that starts more than 7 days in the past needs a reason, and says so everywhere."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from physio.errors import PlanError
from physio.planning import personalise
from physio.store import Workspace

from planning_helpers import START, library, patient, protocol, write_library


def test_a_start_up_to_7_days_back_needs_no_reason():
    plan = personalise(protocol(), patient(), "one", START, library=library(), today=START + dt.timedelta(days=7))
    assert plan.start_reason is None and not any("after the fact" in w for w in plan.warnings)


def test_a_start_8_days_back_is_refused_without_a_reason_and_kept_with_one():
    today = START + dt.timedelta(days=8)
    with pytest.raises(PlanError) as e:
        personalise(protocol(), patient(), "one", START, library=library(), today=today)
    assert "8 days before today (2026-09-15)" in str(e.value) and "at most 7 days in the past" in str(e.value)
    plan = personalise(protocol(), patient(), "one", START, library=library(), today=today,
                       start_reason="paper plan given at the visit, entered now")
    assert plan.start_reason == "paper plan given at the visit, entered now"
    assert ("Entered after the fact: this plan starts 8 days before it was made "
            "(paper plan given at the visit, entered now)") in plan.warnings


def test_cli_refuses_a_late_start_and_accepts_it_with_a_reason(tmp_path):
    protocols = write_library(tmp_path / "protocols")
    ws = Workspace(tmp_path / "ws")
    ws.add_patient(patient())
    env = {**os.environ, "PHYSIO_TODAY": "2026-10-01"}
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    base = [*cmd, "--workspace", str(ws.folder), "--protocols", str(protocols),
            "plan", "new", "--patient", "P001", "--protocol", "test-back", "--phase", "one", "--start", "2026-09-07"]
    r = subprocess.run(base, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and "24 days before today" in r.stderr and "Traceback" not in r.stderr
    assert ws.plan_ids() == []
    r = subprocess.run(base + ["--start-reason", "entered from the paper notes"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Entered after the fact" in r.stdout and "entered from the paper notes" in r.stdout
    assert ws.plan("P001-test-back").start_reason == "entered from the paper notes"
