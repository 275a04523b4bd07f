"""The clinic hub in a real browser: JupyterHub from deploy/jupyterhub_config.py (its real login page,
jupyterhub-nativeauthenticator, and the proxy installed by scripts/hub-setup.sh) on 127.0.0.1 and one clinic
database on the test PostgreSQL server. Two therapists sign up and log in; one issues a plan from her own server's
kernel; the other sees it, written as issued by the first one's name (not a login, not what the code passed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from physio.models import Patient
from physio.store import Workspace

from conftest import isolated_env

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "Clinic-Test-7391!"
TESTS = Path(__file__).resolve().parent

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ISSUE = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from adherence_helpers import make_plan
from physio.store import Workspace
ws = Workspace()
stored = ws.issue(make_plan(version=0, patient_id="P1"), "whatever the code passed")
print(f"ISSUED {{stored.label}} by {{stored.issued_by}}")
"""

SEE = """
from physio.store import Workspace
ws = Workspace()
plan = ws.plan("P1-test-back")
print(f"LATEST {plan.label} issued by {plan.issued_by}")
print("MY LIST " + ", ".join(p.id for p in ws.patients_for()))
print("TRAIL " + ws.history("P1")[-1].who)
"""


def _free_ports(n: int) -> int:
    """A port p with p..p+n-1 all free (hub, proxy API, hub API)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n > 65000:
            continue
        try:
            for p in range(base, base + n):
                with socket.socket() as t:
                    t.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


def _notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def _wait_http(url: str, seconds: float, proc: subprocess.Popen, log: Path) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"the hub stopped: {log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except Exception:
            time.sleep(0.5)
    pytest.fail(f"the hub did not answer at {url}: {log.read_text()[-3000:]}")


@pytest.fixture
def hub(tmp_path, pg_url):
    done = subprocess.run(["bash", str(REPO / "scripts" / "hub-setup.sh")], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    ws = Workspace(tmp_path / "setup", database_url=pg_url)
    ws.add_staff_member("anna", "Anna Berg", "lead", by="test setup")
    ws.add_staff_member("olga", "Ольга Смирнова", "therapist", by="test setup")
    ws.add_patient(Patient(id="P1", name="Maria Kovacs", birth_year=1984, therapist="Anna Berg"))
    ws.add_patient(Patient(id="P2", name="Дарья Иванова", birth_year=2012, therapist="Ольга Смирнова"))
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "issue.ipynb", ISSUE)
    _notebook(notebooks / "see.ipynb", SEE)
    port = _free_ports(3)
    config = tmp_path / "hub_test_config.py"
    # the real configuration; only here anyone may sign up without a lead's approval
    config.write_text(f"load_subconfig({str(REPO / 'deploy' / 'jupyterhub_config.py')!r})\n"
                      "c.NativeAuthenticator.open_signup = True\n", encoding="utf-8")
    env = {**os.environ, **isolated_env(tmp_path / "home"), "PHYSIO_DATABASE_URL": pg_url,
           "PHYSIO_HUB_DIR": str(tmp_path / "hub"), "PHYSIO_HUB_PORT": str(port),
           "PHYSIO_HUB_NOTEBOOKS": str(notebooks), "PHYSIO_HUB_ADMINS": "anna"}
    env.pop("PHYSIO_USER", None)
    env.pop("JUPYTERHUB_USER", None)
    log = tmp_path / "hub.log"
    (tmp_path / "hub").mkdir()
    with log.open("w") as out:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
                                cwd=tmp_path / "hub", env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/hub/health", 180, proc, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the hub stops the therapists' servers it started
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _sign_up_and_log_in(browser, base: str, login: str):
    from playwright.sync_api import expect

    page = browser.new_context().new_page()
    page.goto(f"{base}/hub/signup")
    page.fill("#username_input", login)
    page.fill("#password_input", PASSWORD)
    page.fill("#password_confirmation_input", PASSWORD)
    page.click("#signup_submit")
    expect(page.get_by_text("The signup was successful")).to_be_visible(timeout=60_000)
    page.goto(f"{base}/hub/login")
    page.fill("#username_input", login)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{login}/**", timeout=240_000)  # her own server started by the hub
    return page


def test_two_therapists_log_in_one_issues_a_plan_the_other_sees_it_with_her_name(hub):
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system-deps` (installs Debian's chromium)")
    base, log = hub
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            anna = _sign_up_and_log_in(browser, base, "anna")
            anna.goto(f"{base}/user/anna/voila/render/issue.ipynb", timeout=240_000)
            expect(anna.get_by_text("ISSUED P1-test-back v1 by Anna Berg")).to_be_visible(timeout=240_000)
            olga = _sign_up_and_log_in(browser, base, "olga")
            olga.goto(f"{base}/user/olga/voila/render/see.ipynb", timeout=240_000)
            expect(olga.get_by_text("LATEST P1-test-back v1 issued by Anna Berg")).to_be_visible(timeout=240_000)
            expect(olga.get_by_text("MY LIST P2, P1")).to_be_visible()  # her own patient first
            expect(olga.get_by_text("TRAIL Anna Berg")).to_be_visible()
            olga.goto(f"{base}/user/olga/lab", timeout=240_000)  # and JupyterLab is hers too
            expect(olga.locator("#jp-main-dock-panel")).to_be_visible(timeout=240_000)
        finally:
            browser.close()
    # the idle culler runs as the hub's service and may read the servers' activity (its role's scopes suffice)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Starting managed service idle-culler" in text, text[-3000:]
    assert any("GET /hub/api/users" in line and "idle-culler" in line and " 200 " in line
               for line in text.splitlines()), text[-3000:]
