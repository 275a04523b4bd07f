"""The line that says which workspace a notebook shows, above the component (the app has its own)."""

from __future__ import annotations

import ipywidgets as w

from . import _base as b


def with_workspace_line(component) -> w.VBox:
    """The component's widget under "Workspace: Clinic Nord — 12 patients": in JupyterLab a therapist always
    sees whose records a notebook works on (a name, never a folder path)."""
    line = w.HTML(f"<div class='physio-hint'>{b.esc(b.workspace_line(component.workspace))}</div>")
    return w.VBox([line, component.widget], layout=w.Layout(width="100%"))
