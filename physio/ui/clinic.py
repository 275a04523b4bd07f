"""ClinicOverview: every patient on one table (plan, adherence, pain trend, recommendation), sortable.

The figures come from physio.clinic.clinic_overview when it is there; otherwise from the same public
functions it uses (summarise, recommend) for each patient's latest plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..adherence import pct, summarise
from ..library import Library, default_library
from ..planning import schedule
from ..progression import recommend
from ..store import Workspace
from . import _base as b
from .log_review import _latest_plan

#: Sort keys offered to the therapist: label → (column, descending).
SORTS: dict[str, tuple[str, bool]] = {
    "Needs attention first": ("attention", True),
    "Lowest adherence first": ("adherence", False),
    "Highest pain first": ("pain", True),
    "Patient name": ("name", False),
}

#: How urgent each recommendation is, for "Needs attention first" (refer before step back before hold...).
_URGENCY = {"refer": 3, "step_back": 2, "hold": 1, "advance": 0}


def overview_rows(workspace: Workspace, library: Library) -> list[dict[str, Any]]:
    rows = []
    for patient in workspace.patients():
        plan = _latest_plan(workspace, patient.id)
        row: dict[str, Any] = {"id": patient.id, "name": patient.name, "plan": "no plan yet", "phase": "",
                               "adherence": None, "pain": None, "trend": "", "action": None, "label": "",
                               "reasons": [], "attention": -1}
        if plan is not None:
            summary = summarise(plan, schedule(plan), workspace.log_entries(patient.id, plan.id))
            proto = library.protocols.get(plan.protocol_id)
            rec = recommend(plan, summary, max_weeks=proto.phase(plan.phase_id).max_weeks if proto else None)
            row.update(
                plan=plan.label, phase=plan.phase_name, adherence=summary.adherence, pain=summary.last_week_pain,
                trend=summary.pain_change.verdict if summary.pain_change else "", action=rec.action,
                label=rec.label, reasons=rec.reasons, attention=_URGENCY.get(rec.action, 0) + (len(summary.flags) > 0),
            )
        rows.append(row)
    return rows


class ClinicOverview:
    """All patients at a glance. `.widget` is what a notebook displays."""

    def __init__(self, workspace: Workspace | str | Path | None = None, library: Library | None = None) -> None:
        self.workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
        self.library = library or default_library()
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.rows: list[dict[str, Any]] = []
        self.sort = b.dropdown("Sort by", list(SORTS), width="360px")
        self.refresh_button = w.Button(description="Refresh", icon="refresh", layout=w.Layout(width="110px"))
        self.table = w.HTML()
        self.sort.observe(lambda _: self.render(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([
            b.style(),
            b.title("Clinic overview", "Every patient's latest plan, how well they keep to it, their pain and the next step."),
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
        self.rows = overview_rows(self.workspace, self.library)
        if not self.rows:
            self.messages.show("warn", f"There are no patients in the workspace {self.workspace.folder}.")
        self.render()

    @property
    def order(self) -> list[str]:
        """Patient ids in the order shown."""
        key, desc = SORTS[self.sort.value]

        def k(r: dict) -> Any:
            v = r[key]
            missing = v is None
            return (missing, (-v if desc else v) if isinstance(v, (int, float)) and not missing else str(v or ""))

        return [r["id"] for r in sorted(self.rows, key=k)]

    @b.guarded
    def render(self) -> None:
        by_id = {r["id"]: r for r in self.rows}
        out = []
        for pid in self.order:
            r = by_id[pid]
            pain = "" if r["pain"] is None else f"{r['pain']:.1f}"
            out.append([f"{r['name']} ({r['id']})", r["plan"], r["phase"], pct(r["adherence"]) if r["plan"] != "no plan yet" else "",
                        pain, r["trend"], r["label"]])
        self.table.value = b.table_html(
            ["Patient", "Plan", "Phase", "Adherence", "Pain (last week)", "Pain trend", "Next step"], out
        )
