"""The clinic's profile kept in the workspace: set and shown from the command line, printed on every handout."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from pdf_read import read_pages

from physio.errors import WorkspaceError
from physio.example import EXAMPLE_CLINIC, build_example_workspace
from physio.models import ClinicProfile
from physio.store import Workspace


def physio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "physio.cli", *args], capture_output=True, text=True)


def test_profile_is_kept_in_the_workspace_and_replaced_on_purpose(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert ws.clinic_profile() is None
    first = ClinicProfile(name="Riverside Physiotherapy", phone="+44 20 7946 0123")
    ws.set_clinic_profile(first, by="Anna Berg")
    assert Workspace(tmp_path / "ws").clinic_profile() == first  # read back by a new connection
    assert first.emergency_number == "112"
    second = first.model_copy(update={"phone": "+44 20 7946 0999", "emergency_number": "999"})
    ws.set_clinic_profile(second, by="Anna Berg")
    assert ws.clinic_profile() == second
    with sqlite3.connect(ws.db_path) as con:  # one row of the meta table, no table of its own
        assert con.execute("SELECT count(*) FROM meta WHERE key = 'clinic_profile'").fetchone()[0] == 1
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not [t for t in tables if "clinic" in t]


def test_a_damaged_profile_is_one_plain_sentence(tmp_path):
    ws = Workspace(tmp_path / "ws")
    with sqlite3.connect(ws.db_path) as con:
        con.execute("INSERT INTO meta (key, value) VALUES ('clinic_profile', '{\"profile\": {\"name\": \"\"}}')")
    with pytest.raises(WorkspaceError, match="clinic profile .* cannot be read.*physio workspace profile"):
        ws.clinic_profile()


def test_a_phone_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="not a phone number"):
        ClinicProfile(name="Riverside", phone="call us")


def test_cli_sets_shows_and_refuses_a_bad_phone_with_exit_2(tmp_path):
    folder = str(tmp_path / "ws")
    out = physio("--workspace", folder, "workspace", "profile")
    assert out.returncode == 0 and "no clinic profile yet" in out.stdout
    out = physio("--workspace", folder, "workspace", "profile", "--name", "Riverside Physiotherapy",
                 "--phone", "+44 20 7946 0123", "--by", "Anna Berg")
    assert out.returncode == 0, out.stderr
    assert "Phone: +44 20 7946 0123" in out.stdout and "Emergency number: 112" in out.stdout
    out = physio("--workspace", folder, "workspace", "profile", "--emergency-number", "999")
    assert out.returncode == 0, out.stderr  # changes one field, keeps the others
    shown = physio("--workspace", folder, "workspace", "profile").stdout
    assert "Clinic: Riverside Physiotherapy" in shown and "Emergency number: 999" in shown
    bad = physio("--workspace", folder, "workspace", "profile", "--phone", "ring us")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--phone: 'ring us' is not a phone number" in bad.stderr
    assert "Phone: +44 20 7946 0123" in physio("--workspace", folder, "workspace", "profile").stdout


def test_example_workspace_has_a_clinic_and_every_exported_handout_prints_its_phone(tmp_path):
    folder = tmp_path / "ws"
    build_example_workspace(folder)
    assert Workspace(folder).clinic_profile() == EXAMPLE_CLINIC
    out = physio("--workspace", str(folder), "export", "--all", "--quiet")
    assert out.returncode == 0, out.stderr
    handouts = sorted((folder / "export").glob("*_handout.pdf"))
    summaries = sorted((folder / "export").glob("*_therapist-summary.pdf"))
    assert handouts and len(summaries) == len(handouts)
    for path in handouts:
        first = read_pages(path)[0].text.replace("\u00a0", " ")
        assert "Riverside Physiotherapy" in first and "+44 20 7946 0123" in first, path.name
