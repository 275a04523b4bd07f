"""Issue 12: honest workspace states (read-only, busy, network share) and backup / restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from physio.cli import main
from physio.errors import WorkspaceError
from physio.importing import import_bytes
from physio.models import Patient
from physio.store import Workspace, _fs

from workspace_helpers import filled_bytes, tree, two_patients


def physio(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "physio.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = two_patients(tmp_path / "ws")
    import_bytes(w, "anna-k", filled_bytes(w, "anna-k", {0: {"Done": "yes"}, 1: {"Done": "no"}}), "anna.xlsx")
    return w


def everything(w: Workspace) -> dict:
    """What a user can see of a workspace, to compare two of them."""
    out: dict = {"patients": w.patients(), "plans": {i: w.plan_versions(i) for i in w.plan_ids()}}
    for p in w.patients():
        out[p.id] = (w.log_entries(p.id), w.rejections(p.id), w.imports(p.id), w.history(p.id))
    out["originals"] = {f.name: f.read_bytes() for f in sorted((w.folder / "originals").iterdir())}
    return out


# ---------------------------------------------------------------- read-only


def _make_read_only(folder: Path) -> list[str]:
    """Take away write access as the operating system would: permissions for a normal user; for root (who
    ignores permissions) the immutable attribute. Returns the command that gives it back."""
    files = [folder / "workspace.sqlite", folder]
    if os.geteuid() != 0:
        for f in files:
            f.chmod(0o555 if f.is_dir() else 0o444)
        return []
    if not shutil.which("chattr"):
        pytest.skip("running as root without chattr: cannot make a folder read-only for root")
    done = subprocess.run(["chattr", "+i", *map(str, files)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this filesystem has no immutable attribute ({done.stderr.decode().strip()})")
    return ["chattr", "-i", *map(str, files)]


def test_a_read_only_workspace_can_be_read_and_says_read_only_when_written(ws, tmp_path):
    ws.folder.joinpath("originals").chmod(0o755)
    before = everything(ws)
    undo = _make_read_only(ws.folder)
    try:
        listed = physio("--workspace", str(ws.folder), "patients", "list")
        assert listed.returncode == 0, listed.stderr
        assert "anna-k\tAnna K" in listed.stdout and "boris-m" in listed.stdout
        history = physio("--workspace", str(ws.folder), "history", "anna-k")
        assert history.returncode == 0 and "returned log imported" in history.stdout
        f = tmp_path / "boris.xlsx"
        f.write_bytes(filled_bytes(ws, "boris-m", {0: {"Done": "yes"}}))
        imported = physio("--workspace", str(ws.folder), "import", "boris-m", str(f))
        assert imported.returncode == 2
        assert "is read-only" in imported.stderr and "nothing" in imported.stderr
        assert "Traceback" not in imported.stderr and "not a workspace database" not in imported.stderr
        ro = Workspace(ws.folder)
        assert ro.read_only and everything(ro) == before
        with pytest.raises(WorkspaceError, match="read-only"):
            ro.add_patient(Patient(id="c", name="C", birth_year=1990, therapist="T"))
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            ws.folder.chmod(0o755)
            (ws.folder / "workspace.sqlite").chmod(0o644)
    assert everything(Workspace(ws.folder)) == before


# ---------------------------------------------------------------- busy


@pytest.mark.slow
def test_reading_never_waits_for_a_writer_and_writing_says_busy(ws, tmp_path):
    f = tmp_path / "boris.xlsx"
    f.write_bytes(filled_bytes(ws, "boris-m", {0: {"Done": "yes"}}))
    other = sqlite3.connect(ws.folder / "workspace.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is in the middle of a write
    other.execute("INSERT INTO meta (key, value) VALUES ('other-program', 'writing')")
    try:
        t0 = time.monotonic()
        listed = physio("--workspace", str(ws.folder), "patients", "list")
        read_s = time.monotonic() - t0
        assert listed.returncode == 0 and "anna-k" in listed.stdout, listed.stderr
        t0 = time.monotonic()
        imported = physio("--workspace", str(ws.folder), "import", "boris-m", str(f))
        write_s = time.monotonic() - t0
        assert imported.returncode == 2
        assert "is busy" in imported.stderr and "try again" in imported.stderr and "Traceback" not in imported.stderr
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert write_s >= 4.5  # waited a few seconds for the other writer
    assert read_s < write_s - 2  # and reading did not
    assert Workspace(ws.folder).imports("boris-m") == []
    assert physio("--workspace", str(ws.folder), "import", "boris-m", str(f)).returncode == 0  # free again


# ---------------------------------------------------------------- network share


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "smb3", "fuse.sshfs", "fuse"])
def test_a_workspace_on_a_network_share_is_refused(tmp_path, monkeypatch, capsys, fstype):
    share = tmp_path / "share"
    share.mkdir()
    table = tmp_path / "mounts"
    table.write_text(f"/dev/vda / ext4 rw,relatime 0 0\nserver:/clinic {share} {fstype} rw 0 0\n")
    monkeypatch.setattr(_fs, "MOUNT_TABLE", table)
    with pytest.raises(WorkspaceError, match=rf"network share \({fstype}\).*server database \(PostgreSQL\)"):
        Workspace(share / "ws")
    assert not (share / "ws" / "workspace.sqlite").exists()
    assert main(["--workspace", str(share / "ws"), "patients", "list"]) == 2
    assert "network share" in capsys.readouterr().err
    Workspace(tmp_path / "local")  # next to the share, on the local disk: fine


def test_the_mount_table_is_read_as_linux_writes_it(tmp_path):
    spaced = tmp_path / "my share"
    spaced.mkdir()
    table = tmp_path / "mounts"
    table.write_text(f"/dev/vda / ext4 rw 0 0\n//srv/x {str(spaced).replace(' ', chr(92) + '040')} cifs rw 0 0\n"
                     f"tmpfs {tmp_path}/my ext4 rw 0 0\n")
    assert _fs.filesystem_type(spaced / "ws", table) == "cifs"
    assert _fs.filesystem_type(tmp_path, table) == "ext4"
    assert _fs.filesystem_type(tmp_path, tmp_path / "missing") is None


# ---------------------------------------------------------------- backup and restore


def test_backup_while_in_use_and_restore_into_an_empty_folder(ws, tmp_path):
    before = everything(ws)
    other = sqlite3.connect(ws.folder / "workspace.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # someone is writing while the backup runs; not committed
    other.execute("INSERT INTO patients (id, json, updated_at) VALUES ('half', '{}', 'now')")
    try:
        made = physio("--workspace", str(ws.folder), "workspace", "backup", str(tmp_path / "backup"), timeout=60)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert made.returncode == 0, made.stderr
    assert "1 kept original" in made.stdout
    empty = tmp_path / "restored"
    empty.mkdir()
    back = physio("workspace", "restore", str(tmp_path / "backup"), str(empty))
    assert back.returncode == 0, back.stderr
    assert "2 patient(s), 2 plan(s)" in back.stdout
    restored = Workspace(empty)
    assert everything(restored) == before  # the half-written patient is not in it
    trail = physio("--workspace", str(empty), "history").stdout  # the restored copy says where it came from
    assert "workspace restored from a backup: from the backup in" in trail and str(tmp_path / "backup") in trail
    assert Workspace(ws.folder).workspace_history() == []  # the original is untouched
    import_bytes(restored, "boris-m", filled_bytes(restored, "boris-m", {0: {"Done": "yes"}}), "b.xlsx")
    assert everything(ws) == before  # the restored copy is its own workspace


def test_restore_refuses_a_used_folder_or_a_damaged_backup_and_writes_nothing(ws, tmp_path):
    assert physio("--workspace", str(ws.folder), "workspace", "backup", str(tmp_path / "b")).returncode == 0
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    r = physio("workspace", "restore", str(tmp_path / "b"), str(busy))
    assert r.returncode == 2 and "not an empty folder" in r.stderr
    assert [f.name for f in busy.iterdir()] == ["notes.txt"]
    again = physio("--workspace", str(ws.folder), "workspace", "backup", str(tmp_path / "b"))
    assert again.returncode == 2 and "not an empty folder" in again.stderr
    original = next((tmp_path / "b" / "originals").iterdir())
    original.write_bytes(b"changed")
    before = tree(tmp_path)
    r = physio("workspace", "restore", str(tmp_path / "b"), str(tmp_path / "new"))
    assert r.returncode == 2 and "missing or damaged" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "new").exists() and tree(tmp_path) == before
    r = physio("workspace", "restore", str(ws.folder / "originals"), str(tmp_path / "new"))
    assert r.returncode == 2 and "not a workspace backup" in r.stderr
