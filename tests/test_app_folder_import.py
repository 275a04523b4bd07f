"""Several returned logs imported at once on the clinic page of the app (physio.ui._log_upload), through the path a
therapist takes: the files chosen in the FileUpload as ipywidgets 8 hands them to the kernel, Import pressed. What is
stored must be what `physio import-folder` stores for the same files; the red flag must come first."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from physio.importing_batch import import_files
from physio.io.limits import MAX_LOG_BYTES
from physio.store import Workspace
from physio.ui import PhysioApp
from physio.ui._log_upload import LogUpload
from test_app import visible_text
from test_import_folder import physio, stored, template  # noqa: F401  (template: the folder of returned logs)

PATIENTS = ("P001", "P002", "P004", "P005", "P006")


@pytest.fixture()
def returned(template, tmp_path) -> tuple[Path, Path]:
    """A copy of the example workspace (every plan exported) and what came back this week: our workbooks filled in
    with openpyxl as patients fill them (one with "wet myself" in a note, one renamed by the patient, one named after
    the wrong patient), a CSV diary named "P002--..." (a corrected copy of one imported before, and that one again),
    a file naming nobody and a PDF."""
    shutil.copytree(template / "ws", tmp_path / "ws")
    back = tmp_path / "returned"
    shutil.copytree(template / "returned", back)
    diary = (back / "P002--diary.csv").read_bytes().decode("cp1251")
    assert "нет" in diary
    (back / "P002--diary week 2.csv").write_bytes(diary.replace("нет", "да", 1).encode("cp1251"))
    return tmp_path / "ws", back


def choose(upload, files: list[Path]) -> None:
    """The files as the browser sends them: ipywidgets 8's message, turned into the value by its own deserializer."""
    upload.set_state({"value": [
        {"name": p.name, "type": "application/octet-stream", "size": p.stat().st_size,
         "content": memoryview(p.read_bytes()), "last_modified": int(p.stat().st_mtime * 1000)} for p in files]})


def test_the_clinic_page_imports_several_logs_as_import_folder_does_red_flags_first(returned, tmp_path,
                                                                                    monkeypatch):
    ws, back = returned
    shutil.copytree(ws, tmp_path / "cli")
    done = physio(tmp_path / "cli", "import-folder", str(back), "--quiet", "--workers", "2")
    assert done.returncode == 2, done.stderr

    monkeypatch.setenv("PHYSIO_USER", "Anna Berg")  # who imports: as the patient page records it
    app = PhysioApp(Workspace(ws))
    app.overview_button.value = True
    overview = app.overview
    page = overview.upload
    before = overview.frame.set_index("patient_id").loc["P004", "adherence"]
    listed = {r.id: r.last_log for r in app.patients.rows}
    assert page.import_button.disabled  # nothing chosen yet
    choose(page.upload, sorted(back.iterdir(), reverse=True))  # not in name order
    assert not page.import_button.disabled and isinstance(page.upload.value[0]["content"], memoryview)
    page.import_button.click()

    for patient in PATIENTS:  # exactly what the command line stores for the same files
        assert stored(ws, patient) == stored(tmp_path / "cli", patient), patient
    assert page.upload.value == () and page.import_button.disabled  # the upload is cleared after the import
    text = page.text.splitlines()
    p001 = next(p.name for p in back.glob("P001_*"))
    assert text[0].startswith("RED FLAGS: 1 in the returned logs")
    assert text[1] == f"Maria Kovacs: {p001}" and "wet myself" in text[2] and "Emergency" in text[2]
    assert text[3].startswith("8 file(s) uploaded: 4 imported, 1 imported before (nothing added), 2 not imported, "
                              "1 skipped.")
    lines = {name: next(ln for ln in text[4:] if ln.split(": ", 1)[1].startswith((f"{name} for ", f"{name}:")))
             for name in [p.name for p in back.iterdir()]}
    assert lines[p001].startswith(f"Imported: {p001} for Maria Kovacs, plan Lumbar disc hernia") \
        and "1 red flag(s), shown above" in lines[p001]
    assert lines["P002--diary.csv"] == "Imported before: P002--diary.csv for Дарья Иванова: nothing added."
    assert lines["P002--diary week 2.csv"].startswith("Imported: P002--diary week 2.csv for Дарья Иванова, plan ")
    assert lines["P004--board.xlsx"].startswith("Imported: P004--board.xlsx for Ingrid Larsen, plan Stretching board")
    assert lines["notes.txt"].startswith("Not imported: notes.txt: no header row") and "nobody knows whose" in \
        lines["notes.txt"] and "choose it again here, or import it on the patient's page" in lines["notes.txt"]
    assert lines["P001 week 2.xlsx"] == ("Not imported: P001 week 2.xlsx for Maria Kovacs: P001 week 2.xlsx is the "
                                         "workbook of Tom Hughes (the plan Idiopathic scoliosis — daily self-correction "
                                         "programme, version 1), not of Maria Kovacs; nothing was imported. Import it "
                                         "for Tom Hughes, or choose Maria Kovacs's own file")
    assert lines["handout.pdf"].startswith("Skipped: handout.pdf: not a log file")
    # on the page: the red flag before anything else the import says, and before the table
    seen = visible_text(overview.widget)
    flag = next(i for i, t in enumerate(seen) if "wet myself" in t)
    assert flag < next(i for i, t in enumerate(seen) if "8 file(s) uploaded" in t)
    assert flag < next(i for i, t in enumerate(seen) if t == "Next step and why")
    assert "physio-error" in page.outcome.children[0].value and "wet myself" in page.outcome.children[1].value
    # the overview follows the new logs (P004's board log), and the app's patient list with it
    after = overview.frame.set_index("patient_id").loc["P004", "adherence"]
    assert after != before
    assert {r.id: r.last_log for r in app.patients.rows}["P004"] != listed["P004"]  # the new import's time
    assert any(e.who == "Anna Berg" and e.action == "import" for e in Workspace(ws).history("P004"))

    page.import_button.click()  # a second press: nothing left to import, the outcome stays
    assert page.text.splitlines() == text
    choose(page.upload, sorted(back.iterdir(), reverse=True))  # the same files again: nothing new
    page.import_button.click()
    for patient in PATIENTS:
        assert stored(ws, patient) == stored(tmp_path / "cli", patient), patient
    assert "0 imported, 5 imported before" in page.text
    open_page = next(c for c in page.outcome.children if getattr(c, "description", "") == "Open Maria Kovacs's page")
    open_page.click()  # from the red flag to the patient's page, where it is acknowledged
    assert app.page.widget.layout.display == "" and app.overview_box.layout.display == "none"
    assert app.page.patient_id == "P001"


def test_an_empty_folder_says_there_was_no_file(example_workspace, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"\0")  # hidden: not a file the therapist saved
    done = physio(example_workspace, "import-folder", str(tmp_path / "empty"))
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.strip() == (f"No file in {tmp_path / 'empty'}: nothing was imported (a returned log is a .xlsx, "
                                   ".xlsm, .xls, .ods, .csv or .txt file).")
    assert str(import_files(Workspace(example_workspace), [])) .startswith("No file uploaded: nothing was imported")


def test_an_archived_patients_upload_is_refused_and_its_red_flag_still_shown_first(returned, library):
    ws, back = returned
    w = Workspace(ws)
    w.archive_patient("P001", by="Anna Berg", reason="treatment finished")
    page = LogUpload(w, library)
    p001 = next(back.glob("P001_*"))
    choose(page.upload, [p001])
    page.import_button.click()
    text = page.text.splitlines()
    assert text[0].startswith("RED FLAGS: 1") and text[1] == f"Maria Kovacs: {p001.name}" and "wet myself" in text[2]
    assert text[4].startswith(f"Not imported: {p001.name} for Maria Kovacs: RED FLAG (EMERGENCY)")
    assert "archived" in text[4] and "physio redflags" not in text[4]
    assert ["wet myself" in n.text for n in w.open_red_flags("P001")] == [True]
    assert w.log_entries("P001") == Workspace(ws).log_entries("P001")  # no session recorded from it


def test_uploaded_files_are_judged_by_name_and_size_before_anything_is_read(example_workspace):
    batch = import_files(Workspace(example_workspace), [("P001--huge.csv", bytes(MAX_LOG_BYTES + 1)),
                                                        ("photo.jpg", b"\xff\xd8"), ("../../etc/P004--x.csv", b"")])
    lines = [i.line() for i in batch.items]
    assert lines[0].startswith("- P001--huge.csv: NOT IMPORTED: P001--huge.csv is 20.0 MB, more than the 20 MB we read")
    assert lines[1].startswith("- P004--x.csv → P004: NOT IMPORTED: P004--x.csv is empty")  # a name, never a path
    assert lines[2].startswith("- photo.jpg: skipped, not a log file")
    assert batch.summary() == "3 file(s) uploaded: 0 imported, 0 imported before (nothing added), 2 not imported, " \
        "1 skipped."
