"""Every notebook runs top to bottom on the example workspace, and we check what it produced.

A notebook that merely runs proves little (nbval passes a notebook saved without outputs), so each test
reads the executed notebook: printed text, the state of the widgets it displayed, and files written.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import physio
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOKS = REPO / "notebooks"


def run_notebook(name: str, cwd: Path, then: str | None = None) -> nbformat.NotebookNode:
    """Execute a notebook in `cwd` (the environment must already point at the workspace).

    then: code run afterwards in the same kernel, as a cell that is not part of the notebook (what a
    therapist would do next with the widgets); its outputs are in nb.metadata["then_outputs"].
    """
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}, store_widget_state=True
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        if then is not None:
            nb.cells.append(nbformat.v4.new_code_cell(then))  # in memory only; the file is not written
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
            nb.metadata["then_outputs"] = nb.cells.pop().outputs
        client.set_widgets_metadata()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    errors += [o for o in nb.metadata.get("then_outputs", []) if o.output_type == "error"]
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


def widget_images(nb: nbformat.NotebookNode) -> int:
    """How many PNG pictures the notebook's Output widgets hold (charts drawn inside widgets)."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return sum(
        "image/png" in o.get("data", {})
        for model in state.values()
        for o in model.get("state", {}).get("outputs", [])
    )


def shows_widget(nb: nbformat.NotebookNode) -> bool:
    return any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


def test_notebooks_are_saved_without_outputs_or_errors():
    """A notebook opens without stale "Loading widget…" outputs, and running it changes nothing git sees."""
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for c in nb.cells:
            if c.cell_type == "code":
                assert c.outputs == [], f"{path.name} was saved with outputs: clear them (Edit → Clear All Outputs)"
                assert c.execution_count is None, f"{path.name} was saved with execution counts"
        assert "widgets" not in nb.metadata, f"{path.name} was saved with widget state"


def test_jupyterlab_does_not_autosave_the_notebooks():
    """Running a notebook in JupyterLab must not write its outputs back into the repository."""
    import json

    overrides = json.loads((REPO / "scripts" / "jupyter-overrides.json").read_text())
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["autosave"] is False


def test_00_physio_app_lists_the_patients_and_says_which_workspace(tmp_path, jupyter_env, example_workspace,
                                                                   monkeypatch):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.store import Workspace

    then = "app.open_patient('P001'); print(app.page.tab, app.page.review.recommendation.action)"
    nb = run_notebook("00_physio_app.ipynb", tmp_path, then=then)
    assert shows_widget(nb)
    texts = widget_texts(nb)
    assert "Workspace: the example, with fictional patients only" in texts
    for p in Workspace(example_workspace).patients():
        assert p.name in texts
    out = "".join(o.get("text", "") for o in nb.metadata["then_outputs"])
    assert out.startswith("Logs and review "), out


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


def test_01_build_home_plan_exports_from_the_running_page(tmp_path, jupyter_env, example_workspace, monkeypatch):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.store import Workspace

    # after the page has run, press Export as the therapist would, in the same kernel
    then = "files = builder.export()\nprint(builder.messages.kind, *files, sep='\\n')"
    nb = run_notebook("01_build_home_plan.ipynb", tmp_path, then=then)
    assert shows_widget(nb)
    texts = widget_texts(nb)
    first = Workspace(example_workspace).patients()[0]
    assert first.name in texts and f"({first.id})" not in texts, "the patients by name, from the workspace"
    assert "Workspace: the example, with fictional patients only" in texts and str(example_workspace) not in texts
    assert "Export PDF + Excel" in texts
    assert texts.count("<svg") >= 1, "the exercises are shown with their pictures"
    lines = "".join(o.get("text", "") for o in nb.metadata["then_outputs"]).split("\n")
    assert lines[0] == "ok", lines
    handout, workbook = Path(lines[1]), Path(lines[2])
    export = example_workspace / "export"
    assert handout.parent == export and workbook.parent == export
    assert handout.read_bytes().startswith(b"%PDF") and handout.suffix == ".pdf"
    assert workbook.suffix == ".xlsx" and workbook.stat().st_size > 0
    assert first.id in handout.name, "the plan of the patient shown first"
    assert handout.name in texts and "Issued as version" in texts, "the page shows the links and the new version"


def test_02_review_returned_logs_shows_the_imported_log_and_its_recommendation(
    tmp_path, jupyter_env, example_workspace, monkeypatch
):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.clinic import clinic_overview
    from physio.progression import ACTION_LABELS
    from physio.store import Workspace

    nb = run_notebook("02_review_returned_logs.ipynb", tmp_path)
    assert shows_widget(nb)
    texts = widget_texts(nb)
    ws = Workspace(example_workspace)
    first = ws.patients()[0]
    assert first.name in texts and f"({first.id})" not in texts
    assert "Workspace: the example, with fictional patients only" in texts and str(example_workspace) not in texts
    imports = ws.imports(first.id)
    assert imports, "the example workspace holds the returned logs"
    for rec in imports:  # the accepted and rejected counts of each imported file
        assert rec.filename in texts
        assert f"<td>{rec.added}</td><td>{rec.replaced}</td><td>{rec.rejected}</td>" in texts
    row = clinic_overview(ws, library=physio.default_library()).set_index("patient_id").loc[first.id]
    assert "Recommendation" in texts and ACTION_LABELS[row.recommendation] in texts
    assert row.phase in texts
    assert widget_images(nb) >= 1, "the open chart tab holds a chart"


def test_04_clinic_overview_lists_every_patient_with_a_recommendation(
    tmp_path, jupyter_env, example_workspace, monkeypatch
):
    monkeypatch.setenv("PHYSIO_WORKSPACE", str(example_workspace))
    from physio.clinic import clinic_overview
    from physio.progression import ACTION_LABELS
    from physio.redflags import LEVEL_ACTION
    from physio.store import Workspace

    # a therapist then clicks the first patient's name: their page opens under the table
    nb = run_notebook("04_clinic_overview.ipynb", tmp_path, then=(
        "overview.buttons[overview.order[0]].click()\n"
        "print(overview.page.patient_id, overview.page_box.layout.display == '', overview.page.tab)"))
    texts = widget_texts(nb)
    assert "Workspace: the example, with fictional patients only" in texts and str(example_workspace) not in texts
    opened = "".join(o.text for o in nb.metadata["then_outputs"] if o.output_type == "stream").split()
    assert opened == ["P005", "True", "Logs", "and", "review"], opened
    ws = Workspace(example_workspace)
    expected = clinic_overview(ws, library=physio.default_library()).set_index("patient_id")
    text_copy = "".join(o.text for o in nb.cells[-1].outputs if o.output_type == "stream")
    lines = {ln.split()[0]: ln for ln in text_copy.splitlines()[1:] if ln.strip()}
    for p in ws.patients():
        assert p.name in texts  # the sortable table
        assert p.id in lines  # the text copy
        if p.id in expected.index:
            action = expected.loc[p.id, "recommendation"]
            level = expected.loc[p.id, "level"]  # a refer says how fast: emergency, urgent or review
            label = f"Refer. {LEVEL_ACTION[level]}" if isinstance(level, str) else ACTION_LABELS[action]
            assert lines[p.id].rstrip().endswith(action.replace("_", " ")) and label in texts
        else:
            assert "no plan yet" in lines[p.id]
    # the red-flag note in P005's log ("numbness in both legs") asks for a referral, and refer comes first
    assert expected.loc["P005", "recommendation"] == "refer"
    assert list(lines)[0] == "P005"
