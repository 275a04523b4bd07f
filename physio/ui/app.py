"""PhysioApp: the one patient-centred app — the patient list, and each patient's page — for Voilà and JupyterLab.

The line at the top says which workspace is shown and opens another one. Under it, either the list of patients
(needs attention first), the clinic overview's table (every patient's figures; a name opens the page), or one
patient's page (logs and review, new plan, plan versions, intake, measures).
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
        self.folder = w.Text(value="", placeholder="another clinic's workspace: its folder",
                             tooltip="the folder of another workspace (default: PHYSIO_WORKSPACE)",
                             layout=w.Layout(width="340px"))
        self.open_button = w.Button(description="Open", icon="folder-open", layout=w.Layout(width="90px"),
                                    tooltip="open the workspace in this folder")
        self.open_button.on_click(lambda _: self.open_workspace(self.folder.value))
        self.overview_button = w.ToggleButton(description="Clinic overview", icon="table", value=False,
                                              tooltip="every patient's adherence, pain and next step on one table",
                                              layout=w.Layout(width="150px"))
        self.overview_button.observe(lambda _: self._toggle_overview(), names="value")
        self.overview = None  # the clinic overview's table, made when first asked for
        self.body = w.VBox(layout=w.Layout(width="100%"))
        self.widget = w.VBox([
            b.style(),
            w.HBox([self.line, self.folder, self.open_button, self.overview_button],
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
        self.overview = None
        self.overview_box = w.VBox(layout=w.Layout(width="100%", display="none"))
        self.body.children = (self.patients.widget, self.overview_box, self.page.widget)
        self.overview_button.value = False

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
        self.folder.value = ""
        self._build()
        self.messages.show("ok", f"Opened the workspace: {b.workspace_name(self.workspace)}.")

    @b.guarded
    def _toggle_overview(self) -> None:
        """The clinic overview's table in place of the patient list (pressed again: the list)."""
        if not self.overview_button.value:
            self.overview_box.layout.display = "none"
            if self.page.widget.layout.display == "none":
                self.patients.widget.layout.display = ""
            return
        from .clinic import ClinicOverview

        if self.overview is None:
            self.overview = ClinicOverview(self.workspace, self.library, on_open=self.open_patient,
                                           on_changed=self.patients.refresh)
            self.overview_box.children = (self.overview.widget,)
        else:
            self.overview.refresh()
        self.page.widget.layout.display = self.patients.widget.layout.display = "none"
        self.overview_box.layout.display = ""

    @b.guarded
    def open_patient(self, patient_id: str, tab: str | None = None) -> None:
        self.messages.clear()
        if self.overview_button.value:
            self.overview_button.value = False  # the overview gives way to the patient's page
        self.overview_box.layout.display = "none"
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
