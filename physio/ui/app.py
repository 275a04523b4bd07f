"""PhysioApp: the one patient-centred app — the patient list, and each patient's page — for Voilà and JupyterLab.

The line at the top says which workspace is shown and opens another one. Under it, either the list of patients
(needs attention first) or one patient's page (logs and review, new plan, plan versions, intake, measures).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import ipywidgets as w

from ..errors import WorkspaceError
from ..library import Library, default_library
from ..store import Workspace
from . import _base as b
from .patient_list import PatientList
from .patient_page import PLAN, PatientPage


class PhysioApp:
    """The whole clinical journey on one page. `.widget` is what the notebook displays."""

    def __init__(self, ws: Workspace | str | Path | None = None, library: Library | None = None, *,
                 today: dt.date | None = None) -> None:
        self.library = library or default_library()
        self.today = today
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.workspace = ws if isinstance(ws, Workspace) else Workspace(ws)
        self.line = w.HTML(layout=w.Layout(margin="0 16px 0 0"))
        self.folder = w.Text(value=str(self.workspace.folder), placeholder="folder of a clinic's workspace",
                             tooltip="the folder of another workspace (default: PHYSIO_WORKSPACE)",
                             layout=w.Layout(width="340px"))
        self.open_button = w.Button(description="Open", icon="folder-open", layout=w.Layout(width="90px"),
                                    tooltip="open the workspace in this folder")
        self.open_button.on_click(lambda _: self.open_workspace(self.folder.value))
        self.body = w.VBox(layout=w.Layout(width="100%"))
        self.widget = w.VBox([
            b.style(),
            w.HBox([self.line, self.folder, self.open_button],
                   layout=w.Layout(flex_flow="row wrap", align_items="center", width="100%")),
            self.messages.widget,
            self.body,
            self.log,
        ], layout=w.Layout(width="100%", max_width="1400px"))
        self._build()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _build(self) -> None:
        ws = self.workspace
        self.line.value = f"<div class='physio-hint'>{b.esc(b.workspace_line(ws))}</div>"
        self.patients = PatientList(ws, self.library, on_open=self.open_patient, on_added=self._added,
                                    today=self.today)
        self.page = PatientPage(ws, self.library, today=self.today, on_back=self.show_list,
                                on_changed=self.patients.refresh)
        self.page.widget.layout.display = "none"
        self.body.children = (self.patients.widget, self.page.widget)

    # ------------------------------------------------------------ what the buttons do

    @b.guarded
    def open_workspace(self, folder: str) -> None:
        """Show the workspace in `folder` (a new folder becomes an empty workspace for a clinic's own patients)."""
        folder = folder.strip()
        if not folder:
            self.messages.show("error", "Write the folder of the workspace to open, e.g. "
                               f"{os.environ.get('PHYSIO_WORKSPACE') or '/home/clinic/physio'}.")
            return
        path = Path(folder).expanduser()
        if not path.parent.is_dir():
            raise WorkspaceError(f"the folder {path.parent} does not exist; choose a folder that does")
        self.workspace = Workspace(path)
        self.folder.value = str(self.workspace.folder)
        self._build()
        self.messages.show("ok", f"Opened the workspace {self.workspace.folder.name}.")

    @b.guarded
    def open_patient(self, patient_id: str, tab: str | None = None) -> None:
        self.messages.clear()
        self.patients.widget.layout.display = "none"
        self.page.widget.layout.display = ""
        self.page.show(patient_id, tab)

    @b.guarded
    def show_list(self) -> None:
        self.page.widget.layout.display = "none"
        self.patients.refresh()
        self.patients.widget.layout.display = ""

    def _added(self, patient_id: str) -> None:
        self.open_patient(patient_id, PLAN)
