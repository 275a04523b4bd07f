"""ClinicOverview: every patient on one table (plan, adherence, pain trend, recommendation), sortable; a patient's
name opens their page (in the app: the app's page; on its own, e.g. in notebook 04: under the table). Above the
table, "Import returned logs" imports several files at once (physio.ui._log_upload), and the figures follow.

Every figure comes from physio.clinic.clinic_overview; this widget only sorts and shows it, and lists the
patients who have no plan yet so nobody drops off the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import ipywidgets as w
import pandas as pd

from ..adherence import pct
from ..clinic import COLUMNS, clinic_overview
from ..library import Library, default_library
from ..progression import ACTION_LABELS
from ..redflags import LEVEL_ACTION
from ..store import Workspace
from . import _base as b
from ._log_upload import LogUpload

#: Sort keys offered to the therapist: label → (column of clinic_overview, ascending).
SORTS: dict[str, tuple[str, bool]] = {
    "Needs attention first": ("priority", True),
    "Lowest adherence first": ("adherence", True),
    "Highest pain first": ("last_week_pain", False),
    "Patient name": ("patient", True),
}

NO_PLAN = "no plan yet"

#: The table's columns after the patient's name, and their share of the row's width (rows line up: fixed layout).
HEADS = ["Plan", "Phase", "Adherence", "Pain (last week)", "Pain trend", "Flags", "Next step and why"]
WIDTHS = [15, 13, 9, 8, 12, 5, 38]

#: Message colour of each red-flag level.
_LEVEL_KIND = {"emergency": "error", "urgent": "warn", "review": "info"}


def overview_frame(workspace: Workspace, library: Library) -> pd.DataFrame:
    """clinic_overview's table, plus one row for each patient without a plan (no figures, no recommendation)."""
    frame = clinic_overview(workspace, library=library)
    planned = set(frame["patient_id"])
    missing = [{"patient_id": p.id, "patient": p.name, "plan": NO_PLAN, "flags": 0}
               for p in workspace.patients() if p.id not in planned]
    if missing:
        extra = pd.DataFrame(missing, columns=[*COLUMNS, "priority"])
        frame = pd.concat([frame, extra], ignore_index=True) if len(frame) else extra
    return frame


class ClinicOverview:
    """All patients at a glance. `.widget` is what a notebook displays."""

    def __init__(self, workspace: Workspace | str | Path | None = None, library: Library | None = None, *,
                 on_open: Callable[[str], None] | None = None, on_changed: Callable[[], None] | None = None) -> None:
        self.workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
        self.library = library or default_library()
        #: What a patient's name does: the app's page (`on_open`), else this widget's own page under the table.
        self.on_open = on_open
        #: Called after logs were imported here (the app's patient list follows).
        self.on_changed = on_changed
        self.page = None  # the patient's page under the table (made on the first click, without `on_open`)
        self.page_box = w.VBox(layout=w.Layout(width="100%", display="none"))
        #: The name button of each patient shown, by patient id.
        self.buttons: dict[str, w.Button] = {}
        self._plans: dict = {}
        self.messages = b.Messages()
        self.log = b.hidden_log()
        #: clinic_overview's rows (all of them, unsorted by the widget); `shown` is the table in view.
        self.frame = pd.DataFrame(columns=[*COLUMNS, "priority"])
        self.sort = b.dropdown("Sort by", list(SORTS), width="360px")
        self.refresh_button = w.Button(description="Refresh", icon="refresh", layout=w.Layout(width="110px"))
        self.table = w.VBox(layout=w.Layout(width="100%"))
        self.sort.observe(lambda _: self.render(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.upload = LogUpload(self.workspace, self.library, on_imported=self._imported, on_open=self.open)
        self.widget = w.VBox([
            b.style(),
            w.HBox([self.sort, self.refresh_button]),
            self.messages.widget,
            self.upload.widget,
            self.table,
            self.page_box,
            self.log,
        ], layout=w.Layout(width="100%"))
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    @b.guarded
    def refresh(self) -> None:
        self.frame = overview_frame(self.workspace, self.library)
        #: Each row's plan (by its label), to name protocol and phase in the therapist's words.
        self._plans = {pl.label: pl for p in self.workspace.patients() for pl in self.workspace.plans_for(p.id)}
        if self.frame.empty:
            self.messages.show("warn", f"There are no patients in the workspace {b.workspace_name(self.workspace)}.")
        self.render()

    def _imported(self) -> None:
        """After returned logs were imported: adherence, pain and the next step from the new logs."""
        self.refresh()
        if self.on_changed is not None:
            self.on_changed()

    @property
    def shown(self) -> pd.DataFrame:
        """The rows in the order shown; rows without the sorted figure go last."""
        column, ascending = SORTS[self.sort.value]
        key = (lambda s: s.str.casefold()) if column == "patient" else None
        return self.frame.sort_values(column, ascending=ascending, na_position="last", kind="stable", key=key) \
            .reset_index(drop=True)

    @property
    def order(self) -> list[str]:
        """Patient ids in the order shown."""
        return list(self.shown["patient_id"])

    def text(self) -> str:
        """The table in view as plain text, to copy into a letter or report."""
        cols = {"patient_id": "ID", "patient": "Patient", "plan": "Plan", "adherence": "Adherence",
                "last_week_pain": "Pain", "recommendation": "Next step"}
        table = self.shown[list(cols)].rename(columns=cols)
        table["Adherence"] = ["-" if pd.isna(a) else pct(a) for a in table["Adherence"]]
        table["Pain"] = ["-" if pd.isna(p) else f"{p:.1f}" for p in table["Pain"]]
        table["Next step"] = ["-" if pd.isna(a) else str(a).replace("_", " ") for a in table["Next step"]]  # step back
        return table.to_string(index=False, na_rep="-")

    @b.guarded
    def render(self) -> None:
        out = []
        for r in self.shown.itertuples(index=False):
            if r.plan == NO_PLAN:
                out.append([b.esc(r.patient), NO_PLAN, "", "", "", "", "", ""])
                continue
            pain = "" if pd.isna(r.last_week_pain) else f"{r.last_week_pain:.1f}"
            label = ACTION_LABELS[r.recommendation]
            if isinstance(r.level, str) and r.level:
                label = f"Refer. {LEVEL_ACTION[r.level]}"
            flags = (f"<div class='physio-msg physio-{_LEVEL_KIND[r.level]}'><b>Open red flags:</b> {b.esc(r.red_flags)}"
                     "</div>") if isinstance(r.red_flags, str) and r.red_flags and isinstance(r.level, str) else ""
            step = (f"<div class='physio-action-{b.esc(r.recommendation)}'>{b.esc(label)}"
                    f"</div>{flags}<div class='physio-reasons'>{b.esc(r.reasons)}</div>")
            adherence = "–" if pd.isna(r.adherence) else pct(r.adherence)  # no session scheduled or logged yet
            protocol, phase = (b.plan_words(self.library, self._plans[r.plan]) if r.plan in self._plans
                               else (r.protocol, r.phase))
            out.append([b.esc(r.patient), b.esc(f"{protocol}, version {r.version}"), b.esc(phase), adherence,
                        pain, b.esc(r.pain_trend), r.flags or "", step])
        self.buttons = {}
        rows = [self._row(pid, name, cells[1:]) for pid, name, cells in zip(self.shown["patient_id"],
                                                                             self.shown["patient"], out)]
        cited = b.citations_html(self.library, *[r for r in self.shown["reasons"] if isinstance(r, str)])
        self.table.children = [self._row(None, "Patient", HEADS), *rows, w.HTML(cited)]

    @property
    def html(self) -> str:
        """Everything the table shows, as HTML (the names are on their buttons)."""
        return "\n".join(f"{b.esc(c.description)}" if isinstance(c, w.Button) else c.value
                         for row in self.table.children for c in getattr(row, "children", (row,)))

    def _row(self, patient_id: str | None, name: str, cells: list[str]) -> w.Widget:
        """One line of the table: the patient's name (a button opening their page) and the cells in fixed columns."""
        cols = "".join(f"<col style='width:{p}%'>" for p in WIDTHS)
        tag = "th" if patient_id is None else "td"
        body = "".join(f"<{tag} style='text-align:left;overflow-wrap:anywhere'>{c}</{tag}>" for c in cells)
        table = w.HTML(f"<table class='physio-table' style='table-layout:fixed;width:100%;margin:0'>"
                       f"<colgroup>{cols}</colgroup><tr>{body}</tr></table>",
                       layout=w.Layout(flex="1 1 auto", width="auto", min_width="0"))
        if patient_id is None:
            first: w.Widget = w.HTML(f"<b>{b.esc(name)}</b>", layout=w.Layout(width="190px", flex="0 0 190px"))
        else:
            first = w.Button(description=name, tooltip=f"open {name}'s page",
                             layout=w.Layout(width="190px", flex="0 0 190px"))
            first.on_click(lambda _, pid=patient_id: self.open(pid))
            self.buttons[patient_id] = first
        return w.HBox([first, table], layout=w.Layout(width="100%", align_items="flex-start",
                                                     border_bottom="1px solid #e3e8ee"))

    @b.guarded
    def open(self, patient_id: str) -> None:
        """Open the patient's page: the app's, or this widget's own under the table."""
        if self.on_open is not None:
            self.on_open(patient_id)
            return
        if self.page is None:
            from .patient_page import PatientPage

            self.page = PatientPage(self.workspace, self.library, on_back=self.close_page, on_changed=self.refresh)
            self.page_box.children = (self.page.widget,)
        self.page_box.layout.display = ""
        self.page.show(patient_id)

    def close_page(self) -> None:
        self.page_box.layout.display = "none"
