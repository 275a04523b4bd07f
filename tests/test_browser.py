"""The Voilà app in a real browser: Debian's Chromium driven by Playwright, on loopback only.

Run with `pytest -m browser`; it is part of `make test`. Each app gets its own Voilà server, with HOME and
the Jupyter folders in tmp, stopped at the end whatever happens. The app's server reads the repository's
voila.json (pre-heated kernel, culling), as `make app` does. Screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, build_workspace, isolated_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
HINT = "Chromium is missing: run `make system-deps` (installs Debian's chromium)"
#: Screenshots are copied here after each test (git-ignored), to look at after a run or in CI.
ARTIFACTS = REPO / "test-artifacts"
APP = "00_physio_app.ipynb"


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(HINT)
        pytest.skip(HINT)
    pytest.importorskip("playwright.sync_api", reason="playwright is missing: run `make venv`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """A local server started by a test: its log (what it printed) and a stop that never leaves it running."""

    proc: subprocess.Popen
    log_path: Path
    _log: object
    stop_wait_s: float = 10

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=self.stop_wait_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class VoilaApp(_Server):
    """One Voilà server for one notebook, on 127.0.0.1 and a free port, with the repository's voila.json."""

    def __init__(self, notebook: str, root: Path, workspace: Path | None, extra: list[str] = ()) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, **isolated_env(root)}
        if workspace is not None:
            env["PHYSIO_WORKSPACE"] = str(workspace)
        self.log_path = root / "voila.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
             f"--Voila.config_file_paths={REPO}", *extra, str(REPO / "notebooks" / notebook)],
            cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voilà stopped early:\n{self.log()}")
            try:  # a TCP connection is enough: asking for a page would start a kernel
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Voilà did not answer within {timeout} s:\n{self.log()}")

    def kernels(self) -> int:
        """How many kernels this server runs (its ipykernel child processes)."""
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        count = 0
        for c in children:
            try:
                count += "ipykernel_launcher" in " ".join(c.cmdline())
            except psutil.Error:
                pass
        return count

    def wait_kernels(self, n: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.kernels() == n:
                return True
            time.sleep(0.25)
        return self.kernels() == n


@pytest.fixture
def voila(tmp_path, request):
    """Start Voilà on a notebook: `app = voila("01_build_home_plan.ipynb", workspace)`; stopped at teardown."""
    apps: list[VoilaApp] = []

    def start(notebook: str, workspace: Path | None = None) -> VoilaApp:
        root = tmp_path / f"voila-{len(apps)}"
        root.mkdir()
        app = VoilaApp(notebook, root, workspace)
        apps.append(app)
        app.wait_ready()
        return app

    yield start
    for app in apps:
        app.stop()


@pytest.fixture
def page(tmp_path):
    """A Chromium page (Debian's browser, never a downloaded one)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 2400})
            yield context.new_page()
        finally:
            browser.close()


def screenshot(page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot in the test's tmp folder, copied to test-artifacts/ (git-ignored)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)
    print(f"screenshot: {ARTIFACTS / path.name}")
    return path


def test_plan_builder_app_moves_a_slider_and_exports(voila, page, tmp_path):
    from physio.store import Workspace

    workspace = build_workspace(tmp_path / "workspace")
    ws = Workspace(workspace)
    app = voila("01_build_home_plan.ipynb", workspace)
    page.goto(app.url, timeout=30_000)
    page.get_by_text("Ready to issue.").wait_for(timeout=30_000)

    patient = ws.patients()[0]
    first_row = page.locator(".widget-slider").first
    label = first_row.locator(".widget-label").first.inner_text()
    readout = first_row.locator(".widget-readout")
    before = int(readout.inner_text() or readout.input_value())
    first_row.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, v]) => parseInt(el.textContent || el.value) !== v", arg=[readout.element_handle(), before], timeout=10_000
    )
    screenshot(page, tmp_path, "plan-builder-edited")

    page.get_by_role("button", name="Export PDF + Excel").click()
    page.get_by_text("Saved: handout (PDF)").first.wait_for(timeout=30_000)
    screenshot(page, tmp_path, "plan-builder-exported")

    plan = max(ws.plans_for(patient.id), key=lambda p: p.issued_at)  # the one just issued
    exported = sorted(p.name for p in (workspace / "export").iterdir())
    assert any(n.endswith(".pdf") for n in exported) and any(n.endswith(".xlsx") for n in exported), exported
    from physio.models import PARAM_LABELS

    param = next(p for p, text in PARAM_LABELS.items() if text == label)
    moved = [getattr(pe.dose, param) for pe in plan.exercises if getattr(pe.dose, param) is not None][0]
    assert moved == before + 1, f"the exported plan has the value set in the browser ({label})"


# ---------------------------------------------------------------- the one app (notebooks/00_physio_app.ipynb)


class Actions:
    """Counts what a person does: each click, each field filled (a number typed and confirmed with Enter is one),
    each file chosen. The flow fails when it needs more than `limit`."""

    def __init__(self, page, limit: int) -> None:
        self.page, self.limit, self.done = page, limit, []

    def _count(self, what: str) -> None:
        self.done.append(what)
        assert len(self.done) <= self.limit, f"more than {self.limit} actions: {self.done}"

    def click(self, locator, what: str) -> None:
        locator.click()
        self._count(f"click {what}")

    def fill(self, locator, value: str, what: str, *, enter: bool = False) -> None:
        locator.fill(value)
        if enter:
            locator.press("Enter")
        self._count(f"fill {what}")

    def choose(self, locator, label: str, what: str) -> None:
        locator.select_option(label=label)
        self._count(f"choose {what}")

    def upload(self, path: Path, what: str) -> None:
        """Click "Choose file" and pick the file in the browser's file dialog (one action)."""
        choose_file(self.page, path)
        self._count(f"choose file {what}")


def choose_file(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose file").filter(visible=True).click()
    chooser.value.set_files(str(path))


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The example workspace and one Voilà server of the app for the tests of this module (each changes its own
    patients), configured by the repository's voila.json."""
    root = tmp_path_factory.mktemp("app")
    workspace = build_workspace(root / "workspace")
    app = VoilaApp(APP, root, workspace)
    try:
        app.wait_ready()
        yield app, workspace
    finally:
        app.stop()


def open_app(browser, served, width: int):
    """A fresh page of the app at this width; returns the page once the patient list is usable."""
    app, _ = served
    context = browser.new_context(viewport={"width": width, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.goto(app.url, timeout=120_000)
    page.get_by_role("button", name="Add and plan").wait_for(timeout=120_000)
    return page


def downloads_of(page, n: int, action, timeout: float = 60) -> list:
    """Run `action` and wait for `n` downloads it starts."""
    got = []
    page.on("download", lambda d: got.append(d))
    action()
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert len(got) == n, f"{len(got)} download(s) started, {n} expected"
    return got


def check_layout(page, name: str, within: str | None = None) -> None:
    """Nothing runs off the right edge, and no slider collapsed to a stub. `within`: the CSS selector of the box
    whose right edge is the limit (JupyterLab: the notebook, which scrolls inside a fixed page); default the window."""
    width = page.evaluate("window.innerWidth")
    scroll = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert scroll <= width, f"{name}: the page is {scroll} px wide in a {width} px window"
    right = page.evaluate("sel => sel ? document.querySelector(sel).getBoundingClientRect().right : window.innerWidth",
                          within)
    beyond = page.eval_on_selector_all(
        ".jupyter-widgets:visible, .widget-html-content:visible, table:visible",
        "(els, right) => els.filter(e => e.getBoundingClientRect().right > right + 1)"
        ".map(e => e.className + ' ' + Math.round(e.getBoundingClientRect().right))", right)
    assert not beyond, f"{name}: beyond the right edge ({right:.0f} px): {beyond[:5]}"
    scrolled = page.eval_on_selector_all(  # an output that needs a horizontal scroll bar overflows too
        ".jp-OutputArea-output:visible, .widget-html-content:visible",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')"
        ".map(e => e.className + ' ' + e.scrollWidth + '>' + e.clientWidth)")
    assert not scrolled, f"{name}: scrolls sideways: {scrolled[:5]}"
    sliders = page.eval_on_selector_all(".widget-hslider:visible .slider-container",
                                        "els => els.map(e => e.getBoundingClientRect().width)")
    assert all(s >= 100 for s in sliders), f"{name}: a slider is only {min(sliders):.0f} px wide"
    narrow = page.eval_on_selector_all(
        ".widget-button:visible, .widget-dropdown:visible select, .widget-text:visible input",
        "els => els.map(e => e.getBoundingClientRect().width).filter(w => w < 40)")
    assert not narrow, f"{name}: {len(narrow)} control(s) squeezed below 40 px"


def _dose_sliders(library, start: dt.date):
    """The dose sliders of a new lumbar disc hernia plan, in the order the builder shows them."""
    import physio
    from physio.models import Condition, Patient

    proto = library.protocol("lumbar-disc-hernia")
    patient = Patient(id="X1", name="X", birth_year=1979, therapist="X", conditions=[Condition(kind=proto.condition)])
    plan = physio.personalise(proto, patient, proto.phases[0].id, start, library=library)
    return [(pe, p, v, pe.limits[p]) for pe in plan.exercises for p, v in pe.dose.values().items() if p in pe.limits]


def new_patient_flow(page, library, name: str = "Lena Vogt") -> tuple[Actions, float, list, dict]:
    """New patient → plan for a lumbar disc hernia with two doses changed and one reason → handout and workbook
    downloaded. Returns the actions, the machine time, the downloads and what was changed."""
    from physio.clock import today

    act = Actions(page, limit=8)
    t0 = time.perf_counter()
    act.fill(page.get_by_placeholder("Name of the new patient"), name, "name")
    act.fill(page.get_by_placeholder("Birth year"), "1979", "birth year")
    act.choose(page.locator("select").filter(has=page.locator("option", has_text="— condition —")),
               "Lumbar disc hernia", "condition")
    act.click(page.get_by_role("button", name="Add and plan"), "Add and plan")
    page.get_by_text("Ready to issue.").wait_for(timeout=120_000)

    sliders = _dose_sliders(library, today())
    first = 0  # the first dose, to another usual value
    pe1, p1, v1, lim1 = sliders[first]
    new1 = lim1.usual[0] if v1 != lim1.usual[0] else lim1.usual[0] + 1
    second = next(i for i, (pe, p, v, lim) in enumerate(sliders)
                  if pe.exercise.id != pe1.exercise.id and lim.usual[1] < lim.hard[1])
    pe2, p2, v2, lim2 = sliders[second]
    new2 = lim2.usual[1] + 1  # beyond the usual range: a reason is asked for
    readouts = page.locator(".widget-hslider:visible .widget-readout")
    act.fill(readouts.nth(first), str(new1), "first dose", enter=True)
    act.fill(readouts.nth(second), str(new2), "second dose", enter=True)
    reason = page.locator("textarea[placeholder^='Why']:visible").first
    reason.wait_for(timeout=60_000)
    act.fill(reason, "tolerates more at the clinic", "reason")
    page.get_by_text("Ready to issue.").wait_for(timeout=60_000)
    files = downloads_of(page, 2, lambda: act.click(page.get_by_role("button", name="Export PDF + Excel"), "Export"))
    changed = {"first": (pe1.exercise.id, p1, new1), "second": (pe2.exercise.id, p2, new2)}
    return act, time.perf_counter() - t0, files, changed


def review_flow(page, patient_name: str, log: Path, next_version: int) -> tuple[Actions, float, list]:
    """Open the patient, choose their returned workbook, import, create the next version, export it."""
    act = Actions(page, limit=5)
    t0 = time.perf_counter()
    act.click(page.get_by_role("button", name=patient_name), patient_name)
    page.get_by_text("Recommendation").first.wait_for(timeout=120_000)
    act.upload(log, "the returned workbook")
    page.get_by_text("Press Import").wait_for(timeout=60_000)
    act.click(page.get_by_role("button", name="Import"), "Import")
    page.get_by_text("rows accepted").first.wait_for(timeout=120_000)
    act.click(page.get_by_role("button", name="Create next plan version"), "Create next plan version")
    page.get_by_text(f"Issued version {next_version}").wait_for(timeout=120_000)
    files = downloads_of(page, 2, lambda: act.click(page.get_by_role("button", name="Export PDF + Excel").filter(
        visible=True), "Export"))
    return act, time.perf_counter() - t0, files


def test_new_patient_to_handout_and_workbook_in_8_actions(browser, served, tmp_path, library):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from physio.store import Workspace

    _, workspace = served
    page = open_app(browser, served, 1440)
    act, machine, files, changed = new_patient_flow(page, library)
    print(f"new patient → plan → handout + workbook: {len(act.done)} actions, {machine:.1f} s: {act.done}")
    assert len(act.done) <= 8
    screenshot(page, tmp_path, "app-new-patient-exported-1440")
    check_layout(page, "exported at 1440 px")

    saved = {}
    for d in files:
        saved[Path(d.suggested_filename).suffix] = tmp_path / d.suggested_filename
        d.save_as(saved[Path(d.suggested_filename).suffix])
    assert set(saved) == {".pdf", ".xlsx"}
    text = "".join(p.extract_text() for p in PdfReader(saved[".pdf"]).pages)
    assert "Lena Vogt" in text  # the reason is the therapist's: kept with the plan (below), not on the handout
    assert "Log" in load_workbook(saved[".xlsx"]).sheetnames
    ws = Workspace(workspace)
    lena = next(p for p in ws.patients() if p.name == "Lena Vogt")
    (plan,) = ws.plans_for(lena.id)
    assert plan.version == 1
    (ex1, p1, new1), (ex2, p2, new2) = changed["first"], changed["second"]
    assert getattr(plan.exercise(ex1).dose, p1) == new1
    assert getattr(plan.exercise(ex2).dose, p2) == new2
    assert plan.exercise(ex2).reasons[p2] == "tolerates more at the clinic"
    page.context.close()


def returned_log(ws, patient_id: str, folder: Path) -> Path:
    """The patient's current workbook, filled in as the patient would (every session done, pain 3 → 2)."""
    from test_ui import filled_workbook

    return filled_workbook(ws.current_plan(patient_id), folder / f"{patient_id}-returned.xlsx")


def test_review_a_returned_log_to_next_version_and_export_in_5_actions(browser, served, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from physio.store import Workspace

    _, workspace = served
    ws = Workspace(workspace)
    log = returned_log(ws, "P001", tmp_path)
    name = ws.patient("P001").name
    versions = len(ws.plan_versions(ws.current_plan("P001").id))
    page = open_app(browser, served, 1024)
    act, machine, files = review_flow(page, name, log, versions + 1)
    print(f"review → next version → export: {len(act.done)} actions, {machine:.1f} s: {act.done}")
    assert len(act.done) <= 5
    screenshot(page, tmp_path, "app-review-next-version-1024")
    check_layout(page, "review at 1024 px")
    names = sorted(d.suggested_filename for d in files)
    assert names[0].endswith(f"_v{versions + 1}_handout.pdf") and names[1].endswith(f"_v{versions + 1}_log.xlsx")
    for d in files:
        d.save_as(tmp_path / d.suggested_filename)
    assert name in "".join(p.extract_text() for p in PdfReader(tmp_path / names[0]).pages)
    assert "Log" in load_workbook(tmp_path / names[1]).sheetnames
    assert len(ws.plan_versions(ws.current_plan("P001").id)) == versions + 1
    page.context.close()


def test_a_file_chosen_for_one_patient_is_not_imported_for_the_next_and_double_clicks_store_once(
        browser, served, tmp_path):
    from physio.store import Workspace

    _, workspace = served
    ws = Workspace(workspace)
    a, b = "P006", "P002"
    log = returned_log(ws, a, tmp_path)
    before = {p.id: len(ws.imports(p.id)) for p in ws.patients()}
    page = open_app(browser, served, 1024)
    page.get_by_role("button", name=ws.patient(a).name).click()
    page.get_by_text("Recommendation").first.wait_for(timeout=120_000)
    choose_file(page, log)
    page.get_by_text("Press Import").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Import").is_enabled()
    page.get_by_role("button", name="All patients").click()
    page.get_by_text("active patients shown").wait_for(timeout=120_000)
    page.get_by_role("button", name=ws.patient(b).name).click()
    page.locator(".physio-title").filter(has_text=ws.patient(b).name).wait_for(timeout=120_000)
    page.wait_for_function("() => !document.body.innerText.includes('Press Import')", timeout=30_000)
    assert page.get_by_role("button", name="Import").is_disabled()
    page.get_by_role("button", name="Import").click(force=True)
    page.wait_for_timeout(500)
    assert {p.id: len(ws.imports(p.id)) for p in ws.patients()} == before, "nothing imported, for anyone"

    # a double click on Import stores the file once; on Export, one version
    choose_file(page, returned_log(ws, b, tmp_path))
    page.get_by_text("Press Import").wait_for(timeout=30_000)
    page.get_by_role("button", name="Import").dblclick()
    page.get_by_text("rows accepted").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    assert len(ws.imports(b)) == before[b] + 1
    page.get_by_role("tab", name="New plan").click()
    page.get_by_text("Ready to issue.").wait_for(timeout=120_000)
    plan_id = ws.current_plan(b).id
    n = len(ws.plan_versions(plan_id))
    page.get_by_role("button", name="Export PDF + Excel").filter(visible=True).dblclick()
    page.get_by_text("Saved: handout (PDF)").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    assert len(ws.plan_versions(plan_id)) == n + 1
    page.context.close()


def _press_import(browser, served, patient_name: str, log: Path):
    """Open the app, the patient's page, choose `log` and press Import; the page, still working on it."""
    page = open_app(browser, served, 1024)
    page.get_by_role("button", name=patient_name).click()
    page.get_by_text("Recommendation").first.wait_for(timeout=120_000)
    choose_file(page, log)
    page.get_by_text("Press Import").wait_for(timeout=60_000)
    page.get_by_role("button", name="Import").click()
    return page


def test_a_page_closed_mid_import_stores_the_file_once_or_not_at_all(browser, served, tmp_path):
    """The browser closed right after Import: the kernel finishes the import or is stopped before it stores
    anything; the file chosen again later is then imported, or said to be imported already — never twice."""
    import re

    from physio.store import Workspace

    _, workspace = served
    ws = Workspace(workspace)
    pid = "P004"
    log = returned_log(ws, pid, tmp_path)
    before, entries = len(ws.imports(pid)), len(ws.log_entries(pid))
    page = _press_import(browser, served, ws.patient(pid).name, log)
    page.close(run_before_unload=True)  # the page asks Voilà to stop its kernel at once
    page.context.close()
    time.sleep(8)
    stored = ws.imports(pid)
    assert len(stored) in (before, before + 1)
    if len(stored) == before + 1:
        assert len(ws.log_entries(pid)) > entries, "an import on record has its rows"
    else:
        assert len(ws.log_entries(pid)) == entries
    page = _press_import(browser, served, ws.patient(pid).name, log)
    page.get_by_text(re.compile("rows accepted|was imported before")).first.wait_for(timeout=120_000)
    assert len(ws.imports(pid)) == before + 1
    page.context.close()


@pytest.mark.parametrize("width", [1024, 1440])
def test_nothing_collapses_or_overflows(browser, served, tmp_path, width):
    from physio.store import Workspace

    _, workspace = served
    ws = Workspace(workspace)
    page = open_app(browser, served, width)
    screenshot(page, tmp_path, f"app-list-{width}")
    check_layout(page, f"patient list at {width} px")
    page.get_by_role("button", name=ws.patient("P004").name).click()
    page.get_by_text("Recommendation").first.wait_for(timeout=120_000)
    for tab in ("Logs and review", "New plan", "Plan versions", "Intake", "Outcome measures"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(1500)
        check_layout(page, f"{tab} at {width} px")
        screenshot(page, tmp_path, f"app-{tab.lower().replace(' ', '-')}-{width}")
    page.context.close()


def test_a_closed_page_leaves_no_kernel_and_an_abandoned_one_is_culled(tmp_path, browser):
    """voila.json: the page's kernel is shut when it is closed; one whose page vanished without saying so (a
    crashed browser) is culled after the idle timeout (20 s here: long enough for a page to connect to its kernel
    on a loaded machine, since a kernel nobody is connected to yet is idle too)."""
    workspace = build_workspace(tmp_path / "workspace")
    app = VoilaApp(APP, tmp_path, workspace, extra=["--MappingKernelManager.cull_idle_timeout=20",
                                                    "--MappingKernelManager.cull_interval=2"])
    try:
        app.wait_ready()
        assert app.wait_kernels(1, 90), "one pre-heated kernel waits for the first page"
        context = browser.new_context(viewport={"width": 1024, "height": 900})
        page = context.new_page()
        page.goto(app.url, timeout=120_000)
        page.get_by_role("button", name="Add and plan").wait_for(timeout=120_000)
        assert app.wait_kernels(2, 90), "the page's kernel and a new pre-heated one"
        page.close(run_before_unload=True)  # a normal close: the page asks Voilà to shut its kernel
        assert app.wait_kernels(1, 15), f"{app.kernels()} kernels 15 s after the page was closed (before any cull)"
        assert "Culling 'idle'" not in app.log() and "403 POST /voila/api/shutdown" not in app.log(), app.log()[-2000:]
        page = context.new_page()
        page.goto(app.url, timeout=120_000)
        page.get_by_role("button", name="Add and plan").wait_for(timeout=120_000)
        assert app.wait_kernels(2, 90)
        page.close()  # no unload handlers run: the page vanishes without a word, as a crashed browser's does
        context.close()
        assert app.wait_kernels(1, 120), f"{app.kernels()} kernels after the idle timeout"
    finally:
        app.stop()


# ---------------------------------------------------------------- JupyterLab (issue 13 point 5)

#: The notebooks the README names, and what shows once Run All has drawn each one's widget.
NOTEBOOKS = {
    "00_physio_app.ipynb": "Add and plan",
    "01_build_home_plan.ipynb": "Ready to issue.",
    "02_review_returned_logs.ipynb": "Adherence needed",
    "03_browse_protocols.ipynb": "article: Patient-education article",
    "04_clinic_overview.ipynb": "Next step and why",
}


class JupyterLab(_Server):
    """One JupyterLab server on 127.0.0.1, a free port and a random token, no browser, over a copy of the notebooks
    (so nothing a run changes reaches the repository); HOME and the Jupyter folders in tmp."""

    stop_wait_s = 15

    def __init__(self, root: Path, workspace: Path) -> None:
        import secrets

        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.folder = root / "notebooks"
        shutil.copytree(REPO / "notebooks", self.folder)
        env = {**os.environ, **isolated_env(root), "PHYSIO_WORKSPACE": str(workspace)}
        # every cell drawn, also off screen (JupyterLab otherwise skips laying out what is not in view, and a
        # widget nobody laid out cannot be measured)
        settings = Path(env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        # and the notebook's own kernel started without asking (as "Always start the preferred kernel" does)
        (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none", "autoStartDefaultKernel": true}')
        self.log_path = root / "jupyterlab.log"
        self._log = open(self.log_path, "wb")
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.folder}", *as_root],
            cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset&token={self.token}"

    def wait_ready(self, timeout: float = 120) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/status?token={self.token}", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{self.log()}")

    def shut_kernels(self) -> None:
        """Shut every kernel (one notebook's before the next one's starts: the machine has 2 cores)."""
        import json
        import urllib.request

        api = f"http://127.0.0.1:{self.port}/api/kernels"
        with urllib.request.urlopen(f"{api}?token={self.token}", timeout=10) as r:
            kernels = json.load(r)
        for k in kernels:
            urllib.request.urlopen(urllib.request.Request(f"{api}/{k['id']}?token={self.token}", method="DELETE"),
                                   timeout=30).close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server for every notebook and both widths, over its own example workspace."""
    root = tmp_path_factory.mktemp("lab")
    server = JupyterLab(root, build_workspace(root / "workspace"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def run_all(page, shown: str, timeout: float = 240) -> None:
    """Run → Run All Cells from JupyterLab's menu, as a therapist does it, then wait until `shown` is on screen.
    A Run All given before JupyterLab had its kernel is lost (no cell starts): it is given again, as a person
    who sees nothing happen would."""
    target = page.get_by_text(shown).first
    deadline, last = time.monotonic() + timeout, -1e9
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        if time.monotonic() - last > 20 and prompts and all(p.strip() in ("[ ]:", "") for p in prompts):
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            last = time.monotonic()
        try:
            target.wait_for(timeout=2000)
            return
        except Exception:  # not yet
            pass
    target.wait_for(timeout=1000)


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_nothing_collapses_or_overflows_in_jupyterlab(browser, lab, tmp_path, notebook):
    """Issue 13 point 5, the JupyterLab half: each notebook, after Run All, at 1440 and 1024 px: no slider or control
    collapsed, nothing beyond the notebook's right edge, no output scrolling sideways. The app is checked on
    every tab of a patient's page. Screenshots in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1440, "height": 1400})
    page = context.new_page()
    try:
        page.goto(lab.url(notebook), timeout=180_000)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=180_000)
        run_all(page, NOTEBOOKS[notebook])
        page.wait_for_timeout(2000)  # the widgets settle (sliders measure their width once drawn)
        stem = notebook.split("_")[0]
        notebook_box = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
        for width in (1440, 1024):
            page.set_viewport_size({"width": width, "height": 1400})
            page.wait_for_timeout(1500)
            check_layout(page, f"{notebook} in JupyterLab at {width} px", within=notebook_box)
            screenshot(page, tmp_path, f"lab-{stem}-{width}")
        if notebook == "00_physio_app.ipynb":
            page.get_by_role("button", name="Ingrid Larsen").click()
            page.get_by_text("Recommendation").first.wait_for(timeout=120_000)
            for tab in ("Logs and review", "New plan", "Plan versions", "Intake", "Outcome measures"):
                page.get_by_role("tab", name=tab).click()
                for width in (1024, 1440):
                    page.set_viewport_size({"width": width, "height": 1400})
                    page.wait_for_timeout(1500)
                    check_layout(page, f"{tab} in JupyterLab at {width} px", within=notebook_box)
                    screenshot(page, tmp_path, f"lab-app-{tab.lower().replace(' ', '-')}-{width}")
    finally:
        context.close()
        lab.shut_kernels()
