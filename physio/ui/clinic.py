"""ClinicOverview: every patient on one table (plan, adherence, pain trend, recommendation), sortable.

Every figure comes from physio.clinic.clinic_overview; this widget only sorts and shows it, and lists the
patients who have no plan yet so nobody drops off the table.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pandas as pd

from ..adherence import pct
from ..clinic import COLUMNS, clinic_overview
from ..library import Library, default_library
from ..progression import ACTION_LABELS
from ..redflags import LEVEL_ACTION
from ..store import Workspace
from . import _base as b

#: Sort keys offered to the therapist: label → (column of clinic_overview, ascending).
SORTS: dict[str, tuple[str, bool]] = {
    "Needs attention first": ("priority", True),
    "Lowest adherence first": ("adherence", True),
    "Highest pain first": ("last_week_pain", False),
    "Patient name": ("patient", True),
}

NO_PLAN = "no plan yet"

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

    def __init__(self, workspace: Workspace | str | Path | None = None, library: Library | None = None) -> None:
        self.workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
        self.library = library or default_library()
        self.messages = b.Messages()
        self.log = b.hidden_log()
        #: clinic_overview's rows (all of them, unsorted by the widget); `shown` is the table in view.
        self.frame = pd.DataFrame(columns=[*COLUMNS, "priority"])
        self.sort = b.dropdown("Sort by", list(SORTS), width="360px")
        self.refresh_button = w.Button(description="Refresh", icon="refresh", layout=w.Layout(width="110px"))
        self.table = w.HTML()
        self.sort.observe(lambda _: self.render(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([
            b.style(),
            w.HBox([self.sort, self.refresh_button]),
            self.messages.widget,
            self.table,
            self.log,
        ])
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    @b.guarded
    def refresh(self) -> None:
        self.frame = overview_frame(self.workspace, self.library)
        if self.frame.empty:
            self.messages.show("warn", f"There are no patients in the workspace {self.workspace.folder}.")
        self.render()

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
            out.append([b.esc(r.patient), b.esc(f"{r.protocol}, version {r.version}"), b.esc(r.phase), adherence,
                        pain, b.esc(r.pain_trend), r.flags or "", step])
        self.table.value = b.table_html(
            ["Patient", "Plan", "Phase", "Adherence", "Pain (last week)", "Pain trend", "Flags", "Next step and why"],
            out, raw=set(range(8)),
        )
