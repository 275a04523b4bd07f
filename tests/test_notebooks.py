"""Every notebook runs top to bottom on the example workspace, and we check what it produced.

A notebook that merely runs proves little (nbval passes a notebook saved without outputs), so each test
reads the executed notebook: printed text, the state of the widgets it displayed, and files written.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOKS = REPO / "notebooks"


def run_notebook(name: str, cwd: Path) -> nbformat.NotebookNode:
    """Execute a notebook in `cwd` (the environment must already point at the workspace)."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}, store_widget_state=True
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name} raised: " + "\n".join(f"{e.ename}: {e.evalue}" for e in errors)
    return nb


def printed(nb: nbformat.NotebookNode) -> str:
    """Everything the notebook printed or displayed as text."""
    out = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for o in c.outputs:
            if o.output_type == "stream":
                out.append(o.text)
            elif "data" in o and "text/plain" in o.data:
                out.append(o.data["text/plain"])
    return "\n".join(out)


def widget_texts(nb: nbformat.NotebookNode) -> str:
    """The text values of every widget the notebook left on screen (HTML, labels, dropdown choices)."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    parts = []
    for model in state.values():
        st = model.get("state", {})
        for key in ("value", "_options_labels", "description"):
            v = st.get(key)
            if isinstance(v, str):
                parts.append(v)
            elif isinstance(v, list):
                parts.extend(str(x) for x in v)
    return "\n".join(parts)


def shows_widget(nb: nbformat.NotebookNode) -> bool:
    return any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


def test_notebooks_are_saved_without_outputs_or_errors():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for c in nb.cells:
            if c.cell_type == "code":
                assert not [o for o in c.outputs if o.output_type == "error"], f"{path.name} has a stored error"


def test_03_browse_protocols_shows_the_library_and_its_sources(tmp_path, jupyter_env, library):
    nb = run_notebook("03_browse_protocols.ipynb", tmp_path)
    assert shows_widget(nb)
    texts = widget_texts(nb)
    # the protocol tab offers every protocol and shows the first one's phases; the list has every exercise
    for proto in library.protocols.values():
        assert proto.title in texts
    for phase in next(iter(library.protocols.values())).phases:
        assert phase.name in texts
    for ex in library.exercises.values():
        assert ex.name in texts
    out = printed(nb)
    for key in library.sources:
        assert f"{key}: " in out


def test_01_build_home_plan_shows_the_builder_ready_to_issue(tmp_path, jupyter_env, example_workspace, monkeypatch):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.store import Workspace

    nb = run_notebook("01_build_home_plan.ipynb", tmp_path)
    assert shows_widget(nb)
    texts = widget_texts(nb)
    first = Workspace(example_workspace).patients()[0]
    assert f"{first.name} ({first.id})" in texts, "the patient list comes from the workspace"
    assert "Ready to issue." in texts
    assert "Export PDF + Excel" in texts


def test_02_review_returned_logs_shows_the_latest_plan_and_its_recommendation(
    tmp_path, jupyter_env, example_workspace, monkeypatch
):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.store import Workspace

    nb = run_notebook("02_review_returned_logs.ipynb", tmp_path)
    assert shows_widget(nb)
    texts = widget_texts(nb)
    ws = Workspace(example_workspace)
    first = ws.patients()[0]
    assert f"{first.name} ({first.id})" in texts
    plans = ws.plans_for(first.id)
    if plans:
        assert "Recommendation" in texts and plans[0].phase_name in texts


def test_04_clinic_overview_lists_every_patient(tmp_path, jupyter_env, example_workspace, monkeypatch):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.store import Workspace

    nb = run_notebook("04_clinic_overview.ipynb", tmp_path)
    texts = widget_texts(nb)
    out = printed(nb)
    for p in Workspace(example_workspace).patients():
        assert p.name in texts  # the sortable table
        assert p.id in out  # the text copy
