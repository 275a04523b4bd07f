"""The Voilà app in a real browser: Debian's Chromium driven by Playwright, on loopback only.

Run with `pytest -m browser`; it is part of `make test`. Each app gets its own Voilà server, with HOME and
the Jupyter folders in tmp, stopped at the end whatever happens.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, build_workspace, isolated_env

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
HINT = "Chromium is missing: run `make system-deps` (installs Debian's chromium)"


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


class VoilaApp:
    """One Voilà server for one notebook, on 127.0.0.1 and a free port."""

    def __init__(self, notebook: str, root: Path, workspace: Path | None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, **isolated_env(root)}
        if workspace is not None:
            env["PHYSIO_WORKSPACE"] = str(workspace)
        self.log_path = root / "voila.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
             str(REPO / "notebooks" / notebook)],
            cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


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
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
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
    page.get_by_text("Exported ").wait_for(timeout=30_000)
    screenshot(page, tmp_path, "plan-builder-exported")

    plan = max(ws.plans_for(patient.id), key=lambda p: p.issued_at)  # the one just issued
    exported = sorted(p.name for p in (workspace / "export").iterdir())
    assert any(n.endswith(".pdf") for n in exported) and any(n.endswith(".xlsx") for n in exported), exported
    from physio.models import PARAM_LABELS

    param = next(p for p, text in PARAM_LABELS.items() if text == label)
    moved = [getattr(pe.dose, param) for pe in plan.exercises if getattr(pe.dose, param) is not None][0]
    assert moved == before + 1, f"the exported plan has the value set in the browser ({label})"
