"""LogUpload: "Import returned logs" on the clinic page: several files chosen at once, each imported for the patient it
belongs to (physio.importing_batch.import_files, the same path as `physio import-folder`).

What the therapist reads after Import: the red flags first (whose, which file, what the patient wrote, with a
button to the patient's page), then one line per file (imported / imported before / not imported and why / skipped).
"""

from __future__ import annotations

import re
from typing import Any, Callable

import ipywidgets as w

from ..errors import UnknownId
from ..importing_batch import LOG_SUFFIXES, FileImport, FolderImport, import_files
from ..redflag_view import note_line, open_flags
from . import _base as b
from ._redflags import red_flags_html

#: Files read at once in the app: one, in the kernel's own process. Why not a pool of worker processes (what
#: `physio import-folder` uses): a kernel runs several threads (messages, heartbeat, history) and forking a process
#: with threads may leave a worker waiting forever on a lock another thread held at the fork; on the clinic's hub the
#: therapists' kernels share the server's cores; and an upload is a handful of files (eight, four of them filled-in
#: workbooks: 0.6 s in one process, no faster with two workers). A pool does work in a Jupyter kernel (tried: the
#: same outcome); it is simply not worth that risk here.
APP_WORKERS = 1

HINT = ("Choose the files patients sent back, several at once. Each is imported for the patient it belongs to: our "
        "workbook names its patient; any other file must start with the patient's id, e.g. \u201cP001--week 3.csv\u201d.")

#: The command line's advice in an importer's sentence → the same advice in the app.
_APP_WAY = [("and import the folder again, or import it with: physio import PATIENT_ID FILE",
             "and choose it again here, or import it on the patient's page (Logs and review)")]


class LogUpload:
    """The upload, the Import button and the outcome. `.widget` goes on the clinic page.

    on_imported: called after an import (the page refreshes its figures); on_open(patient_id): a patient's page."""

    def __init__(self, workspace, library, *, on_imported: Callable[[], Any] | None = None,
                 on_open: Callable[[str], Any] | None = None) -> None:
        self.workspace, self.library = workspace, library
        self.on_imported, self.on_open = on_imported, on_open
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.upload = w.FileUpload(accept=",".join(LOG_SUFFIXES), multiple=True, description="Choose logs",
                                   layout=w.Layout(width="170px"))
        self.import_button = w.Button(description="Import", icon="upload", button_style="primary", disabled=True,
                                      tooltip="import every chosen file for the patient it belongs to",
                                      layout=w.Layout(width="110px"))
        self.upload.observe(self._on_choose, names="value")
        self.import_button.on_click(lambda _: self.import_chosen())
        self.outcome = w.VBox(layout=w.Layout(width="100%"))
        #: The last import's outcome (None before the first), and its text as the therapist reads it.
        self.batch: FolderImport | None = None
        self.text = ""
        self._busy = False
        self.widget = w.VBox([
            w.HTML(f"<div class='physio-title' style='font-size:1.1em'>Import returned logs</div>"
                   f"<div class='physio-hint'>{b.esc(HINT)}</div>"),
            w.HBox([self.upload, self.import_button]),
            self.messages.widget,
            self.outcome,
            self.log,
        ], layout=w.Layout(width="100%", border="1px solid #d5dde5", padding="4px 12px", margin="6px 0"))

    def _on_choose(self, change: Any = None) -> None:
        self.import_button.disabled = not self.upload.value
        if self.upload.value:
            self.messages.show("info", f"{len(self.upload.value)} file(s) chosen. Press Import.")

    @b.guarded
    def import_chosen(self) -> FolderImport | None:
        """Import the chosen files; the upload is emptied after, so a second press imports nothing."""
        if self._busy:
            return None  # a second click while importing does nothing
        files = [(f["name"], bytes(f["content"])) for f in self.upload.value]
        if not files:
            if self.batch is None:  # after an import the outcome stays in view: a second press changes nothing
                self.messages.show("info", "Choose the returned logs first.")
            return None
        self._busy = True
        self.import_button.disabled = True
        self.messages.show("info", f"Importing {len(files)} file(s)…")  # shown at once: the import takes a moment
        try:
            # by=None: who imports is recorded as on the patient's page (the logged-in therapist, else $PHYSIO_USER)
            batch = import_files(self.workspace, files, workers=APP_WORKERS)
        except Exception:
            self.import_button.disabled = False  # the files stay chosen: pressing again adds nothing twice
            raise
        finally:
            self._busy = False
        self.upload.value = ()  # imported: nothing is left to import again
        self.import_button.disabled = True
        self.show(batch)
        if self.on_imported is not None:
            self.on_imported()
        return batch

    # ------------------------------------------------------------ the outcome

    def show(self, batch: FolderImport) -> None:
        self.batch = batch
        flags, flag_text = self._red_flags(batch)
        lines = [self._line(i) for i in batch.items]
        kind = "warn" if batch.failed or not batch.items else "ok"
        self.messages.clear()
        self.outcome.children = [*flags, w.HTML(b.message_html(kind, batch.summary(), lines))]
        self.text = "\n".join([*flag_text, batch.summary(), *lines])

    def _red_flags(self, batch: FolderImport) -> tuple[list[w.Widget], list[str]]:
        """Every red flag the files hold, by patient and file: the same boxes as on the patient's page."""
        shown: list[tuple[FileImport, list]] = []
        for item in batch.items:
            found = (item.report.red_flags if item.report is not None
                     else [1] if item.error and item.error.startswith("RED FLAG") else [])
            if item.patient_id is None or not found:
                continue
            stored = [n for n in self.workspace.open_red_flags(item.patient_id)
                      if (n.import_id == item.report.import_id if item.report is not None else n.file == item.file)]
            shown.append((item, stored))
        if not shown:
            return [], []
        out: list[w.Widget] = []
        text: list[str] = []
        for item, stored in shown:
            name = self._name(item.patient_id)
            title = f"{name}: {item.file}"
            plan = self.workspace.current_plan(item.patient_id)
            if stored:
                boxes = red_flags_html(open_flags(stored, plan, self.workspace.log_entries(item.patient_id)))
                lines = [note_line(n) for n in stored]
            else:  # acknowledged already (the file was imported before): still said, never hidden
                lines = item.report.red_flag_lines() if item.report is not None else [item.error]
                lines = [f"{self._in_words(ln, item.file)} (acknowledged before)" for ln in lines]
                boxes = b.message_html("warn", lines[0], lines[1:])
            out.append(w.HTML(f"<div class='physio-title' style='font-size:1.05em'>{b.esc(title)}</div>{boxes}"))
            text += [title, *lines]
            if self.on_open is not None:
                button = w.Button(description=f"Open {name}'s page", icon="user", button_style="danger",
                                  layout=w.Layout(width="auto"))
                button.on_click(lambda _, pid=item.patient_id: self.on_open(pid))
                out.append(button)
        count = len(text) - len(shown)
        head = (f"RED FLAGS: {count} in the returned logs. Read each one now, act as it says, and acknowledge it on "
                "the patient's page; no plan version can be issued for the patient until then.")
        return [w.HTML(b.message_html("error", head)), *out], [head, *text]

    def _line(self, item: FileImport) -> str:
        """One file's outcome, in the therapist's words (names, never ids)."""
        who = f" for {self._name(item.patient_id)}" if item.patient_id else ""
        if item.report is not None:
            r = item.report
            if r.duplicate:
                return f"Imported before: {item.file}{who}: nothing added."
            title = b.plan_words(self.library, self.workspace.plan(r.plan_id, r.plan_version))[0]
            what = "exercise sessions" if r.layout == "days" else "rows"
            flags = f"; {len(r.red_flags)} red flag(s), shown above" if r.red_flags else ""
            return (f"Imported: {item.file}{who}, plan {title}, version {r.plan_version}: {r.rows_read} {what} read = "
                    f"{r.rows_accepted} accepted + {r.rows_rejected} rejected{flags}.")
        if item.error is not None:
            error = item.error.removeprefix(f"{item.file}: ")
            return f"Not imported: {item.file}{who}: {self._in_words(error, item.file)}"
        return f"Skipped: {item.file}: {item.skipped}."

    def _name(self, patient_id: str) -> str:
        try:
            return self.workspace.patient(patient_id).name
        except UnknownId:
            return patient_id

    def _in_words(self, text: str, file: str) -> str:
        """An importer's sentence with the patients and plans it names by id in words (the file's own name kept),
        and the app's way where it gives the command line's."""
        for cli, app in _APP_WAY:
            text = text.replace(cli, app)
        return file.join(self._words(part) for part in text.split(file))

    def _words(self, text: str) -> str:
        plans = {}
        for patient in self.workspace.patients(include_archived=True):
            if patient.id not in text:
                continue
            pid = re.escape(patient.id)
            text = re.sub(rf"see physio redflags {pid}\b", "shown above", text)
            text = re.sub(rf"patient '{pid}'|'{pid}'", patient.name, text)
            text = re.sub(rf"(?<![\w-]){pid}'s\b", f"{patient.name}'s", text)
            plans |= {pl.id: self.workspace.plan_versions(pl.id) for pl in self.workspace.plans_for(patient.id)}
        return b._readable(text, plans, self.library)
