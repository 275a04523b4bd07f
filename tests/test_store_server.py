"""The store on a clinic's PostgreSQL server: bad addresses, a server that is down or goes away mid-import,
migrations from an older workspace, moving a workspace up to the server, and the staff list."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from physio.errors import WorkspaceError
from physio.models import Patient
from physio.store import Workspace
from physio.store import _imports as imports_module
from physio.store._schema import HEAD_REVISION, MIGRATIONS, SCHEMA_VERSION

from pg_fixtures import pg_cluster
from workspace_helpers import filled_bytes, two_patients

V4 = Path(__file__).parent / "data" / "workspace-v4"


def physio(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "physio.cli", *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})


def one_sentence(text: str) -> bool:
    return text.count("\n") <= 1 and "Traceback" not in text


# ---------------------------------------------------------------- bad addresses, a server that is down


@pytest.mark.parametrize("url", ["mysql://clinic@127.0.0.1/physio", "postgresql://127.0.0.1:5432", "not a url at all",
                                 "sqlite:///workspace.sqlite"])
def test_a_wrong_database_address_is_one_sentence_saying_how_to_write_it(tmp_path, url):
    with pytest.raises(WorkspaceError, match="is not a database address physio can use; write it as postgresql://"):
        Workspace(tmp_path / "ws", database_url=url)
    done = physio("--database", url, "patients", "list")
    assert done.returncode == 2 and one_sentence(done.stderr) and "postgresql://user:password@host" in done.stderr


def test_a_server_that_is_down_is_named_without_its_password_and_nothing_is_made(tmp_path):
    port = pg_cluster.free_port()  # nothing listens there
    url = f"postgresql://physio:s3cret@127.0.0.1:{port}/clinic"
    with pytest.raises(WorkspaceError) as e:
        Workspace(tmp_path / "ws", database_url=url)
    msg = str(e.value)
    assert msg.startswith(f"cannot reach the clinic database postgresql://physio:***@127.0.0.1:{port}/clinic")
    assert "check that the database server is running" in msg and "s3cret" not in msg
    done = physio("patients", "list", env={"PHYSIO_DATABASE_URL": url})
    assert done.returncode == 2 and one_sentence(done.stderr) and "cannot reach the clinic database" in done.stderr
    assert not (tmp_path / "ws").exists()  # no folder, no SQLite file made instead


def test_a_database_that_does_not_exist_is_refused_in_one_sentence(tmp_path, pg_server):
    with pytest.raises(WorkspaceError, match="cannot reach the clinic database .*/no_such_db .*does not exist"):
        Workspace(tmp_path, database_url=pg_server.address("no_such_db"))


# ---------------------------------------------------------------- the server goes away in the middle of an import


def test_the_server_killed_in_the_middle_of_an_import_leaves_nothing_half_written(tmp_path, pg_server, pg_url,
                                                                                  monkeypatch):
    monkeypatch.setenv("PHYSIO_DATABASE_URL", pg_url)
    ws = two_patients(tmp_path / "ws")
    content = filled_bytes(ws, "anna-k", {i: {"Done": "yes"} for i in range(6)})
    from physio.importing import import_bytes

    real = imports_module.store_import_red_flags

    def server_killed(con, *args):  # the entries are written, the transaction is open: the server dies
        pg_server.stop("immediate")
        return real(con, *args)

    monkeypatch.setattr(imports_module, "store_import_red_flags", server_killed)
    try:
        with pytest.raises(WorkspaceError) as e:
            import_bytes(ws, "anna-k", content, "anna.xlsx")
    finally:
        pg_server.restart()
    assert one_sentence(str(e.value)) and "nothing was stored" in str(e.value)
    monkeypatch.undo()
    monkeypatch.setenv("PHYSIO_DATABASE_URL", pg_url)
    after = Workspace(tmp_path / "ws")
    assert after.imports("anna-k") == [] and after.log_entries("anna-k") == [] and after.original_names() == []
    assert [e.action for e in after.history("anna-k")] == ["patient-added", "plan-issued"]
    again = import_bytes(after, "anna-k", content, "anna.xlsx")  # and the same file imports whole afterwards
    assert again.rows_accepted == 6 and len(after.log_entries("anna-k")) == 6


# ---------------------------------------------------------------- migrations


def test_the_migrations_shipped_end_at_the_revision_the_store_expects():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_heads() == [HEAD_REVISION]


def _v4_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        con.close()


def test_a_schema_4_workspace_made_by_the_sqlite3_store_is_brought_up_to_date_and_keeps_everything(tmp_path):
    folder = tmp_path / "ws"
    shutil.copytree(V4, folder)
    before = _v4_counts(folder / "workspace.sqlite")
    assert "alembic_version" not in before and before["patients"] > 0 and before["log_entries"] > 0
    ws = Workspace(folder)
    con = sqlite3.connect(folder / "workspace.sqlite")
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
    con.close()
    after = _v4_counts(folder / "workspace.sqlite")
    assert {t: n for t, n in after.items() if t in before} == before  # not a row lost or added
    patients = ws.patients()
    assert len(patients) == before["patients"]
    entries = sum(len(ws.log_entries(p.id)) for p in patients)
    assert entries == sqlite3.connect(V4 / "workspace.sqlite").execute(
        "SELECT COUNT(*) FROM log_entries WHERE replaced_by IS NULL").fetchone()[0]
    for p in patients:  # every kept original still reads back byte for byte
        for rec in ws.imports(p.id):
            assert hashlib.sha256(ws.original(rec.id)).hexdigest() == rec.sha256
    ws.add_staff_member("anna", "Anna Berg", "lead")  # and the new tables work
    assert ws.staff()[0].name == "Anna Berg"
    assert Workspace(folder).patients() == patients  # opening again changes nothing


def test_a_workspace_from_a_newer_physio_is_refused(tmp_path):
    folder = tmp_path / "ws"
    shutil.copytree(V4, folder)
    con = sqlite3.connect(folder / "workspace.sqlite")
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="made by a newer physio .schema 99"):
        Workspace(folder)


# ---------------------------------------------------------------- moving up: workspace migrate


def test_migrate_copies_a_workspace_with_its_originals_proves_it_and_refuses_a_filled_target(tmp_path, pg_url):
    folder = tmp_path / "ws"
    shutil.copytree(V4, folder)
    local = Workspace(folder, database_url="")
    done = physio("--workspace", str(folder), "workspace", "migrate", "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "Every count and checksum is the same on both sides" in done.stdout
    server = Workspace(tmp_path / "elsewhere", database_url=pg_url)
    assert server.patients() == local.patients()
    for p in local.patients():
        assert server.log_entries(p.id) == local.log_entries(p.id)
        assert server.history(p.id) == local.history(p.id)
        assert server.imports(p.id) == local.imports(p.id)
        for rec in local.imports(p.id):  # the bytes kept in the server's database are the files of the folder
            assert server.original(rec.id) == (folder / _original_of(folder, rec.id)).read_bytes()
    printed = {line.split()[0]: int(line.split()[1]) for line in done.stdout.splitlines()[1:-1]}
    assert printed["patients"] == len(local.patients())
    assert printed["originals"] == len(list((folder / "originals").iterdir()))
    # work goes on on the server: the next numbers follow the copied ones
    server.add_patient(Patient(id="new-one", name="New Patient", birth_year=1990, therapist="Dr New"))
    assert server.history("new-one")[0].id == max(e.id for q in local.patients() for e in local.history(q.id)) + 1
    again = physio("--workspace", str(folder), "workspace", "migrate", "--to", pg_url)
    assert again.returncode == 2 and one_sentence(again.stderr) and "already holds records" in again.stderr
    assert "nothing was copied" in again.stderr


def _original_of(folder: Path, import_id: int) -> str:
    con = sqlite3.connect(folder / "workspace.sqlite")
    try:
        return con.execute("SELECT original FROM imports WHERE id = ?", (import_id,)).fetchone()[0]
    finally:
        con.close()


def test_a_server_workspace_backs_up_into_a_folder_any_physio_opens(tmp_path, pg_url):
    ws = Workspace(tmp_path / "exports", database_url=pg_url)
    for pid in ("anna-k", "boris-m"):
        ws.add_patient(Patient(id=pid, name=pid, birth_year=1980, therapist="Dr Test"))
    ws.record_audit("red-flag-acknowledged", "anna-k", "checked by phone", who="Dr Kim")
    done = physio("--database", pg_url, "workspace", "backup", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    copy = Workspace(tmp_path / "backup", database_url="")
    assert copy.server is None and copy.patients() == ws.patients() and copy.history("anna-k") == ws.history("anna-k")


# ---------------------------------------------------------------- the staff list and who is writing


@pytest.mark.usefixtures("store_db")
def test_the_hub_login_is_written_as_the_therapists_name_and_a_therapist_sees_their_patients_first(tmp_path,
                                                                                                   monkeypatch):
    monkeypatch.delenv("PHYSIO_USER", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.add_staff_member("lead", "Anna Berg", "lead", by="setup")
    ws.add_staff_member("olga", "Ольга Смирнова", "therapist", by="setup")
    for pid, therapist in (("p1", "Anna Berg"), ("p2", "Ольга Смирнова"), ("p3", "Tom Other"), ("p4", "olga")):
        ws.add_patient(Patient(id=pid, name=pid, birth_year=1980, therapist=therapist))
    monkeypatch.setenv("JUPYTERHUB_USER", "olga")
    assert ws.who == "Ольга Смирнова"
    ws.record_audit("red-flag-acknowledged", "p1", "called the patient")
    assert ws.history("p1")[-1].who == "Ольга Смирнова"
    assert [p.id for p in ws.patients_for()] == ["p2", "p4", "p1", "p3"]
    assert [p.id for p in ws.patients_for("lead")] == ["p1", "p2", "p3", "p4"]
    monkeypatch.setenv("JUPYTERHUB_USER", "stranger")  # a login not on the list is written as the login
    assert ws.who == "stranger"
    with pytest.raises(WorkspaceError, match="role 'boss' is not one the clinic knows; choose one of: lead, therapist"):
        ws.add_staff_member("x", "X", "boss")
    done = physio("--workspace", str(ws.folder), "workspace", "staff")
    assert done.returncode == 0 and "olga\tОльга Смирнова\ttherapist" in done.stdout


@pytest.mark.slow
def test_a_write_waits_for_a_colleagues_write_then_says_busy_and_stores_nothing(tmp_path, pg_url):
    import psycopg

    from physio.store._db import WRITE_LOCK_KEY

    ws = Workspace(tmp_path / "ws", database_url=pg_url)
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))  # a colleague's long write
        with pytest.raises(WorkspaceError, match="is busy: another program is storing something in it; nothing "
                                                 "was stored; try again in a moment"):
            ws.add_patient(Patient(id="p1", name="P One", birth_year=1980, therapist="Dr A"))
        other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_KEY,))
    assert ws.patients() == []
    ws.add_patient(Patient(id="p1", name="P One", birth_year=1980, therapist="Dr A"))  # and then it goes through
    assert [p.id for p in ws.patients()] == ["p1"]
