"""Latency of every widget interaction that writes no file (target: ≤ 100 ms each), then the app in Voilà with the
repository's voila.json: time until a page is usable (target ≤ 2 s, pre-heated), the kernels left after pages are
closed or abandoned (culling, with a short idle timeout here), and the machine time of the two main flows driven in
Chromium. Prints figures only.

Charts are drawn to PNG inside the widget, so their matplotlib time is in these figures (as in a kernel).

Run: .venv/bin/python benchmarks/bench_ui.py   (builds the example workspace in a temporary folder)
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import build_workspace  # noqa: E402

import physio  # noqa: E402
from physio.store import Workspace  # noqa: E402
from physio.ui import ClinicOverview, LogReview, PlanBuilder, ProtocolBrowser  # noqa: E402

TARGET_MS = 100
REPEAT = 15


def measure(name: str, action, repeat: int = REPEAT, setup=None) -> float:
    """Median and max of `action(i)`; `setup(i)`, if given, runs before each timing and is not counted."""
    times = []
    # Outside a kernel the widgets' Output areas print what they would display: keep the figures readable.
    with contextlib.redirect_stdout(io.StringIO()):
        for i in range(repeat):
            if setup is not None:
                setup(i)
            t = time.perf_counter()
            action(i)
            times.append((time.perf_counter() - t) * 1000)
    med = statistics.median(times)
    flag = "ok" if med <= TARGET_MS else "SLOW"
    print(f"{name:<56} median {med:7.1f} ms   max {max(times):7.1f} ms   {flag}", file=sys.__stdout__, flush=True)
    return med


def main() -> None:
    lib = physio.default_library()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(build_workspace(Path(tmp) / "workspace"))
        pb = ProtocolBrowser(lib)
        positions = [o for o in pb.position.options]
        measure("browser: change the position filter", lambda i: setattr(pb.position, "value", positions[i % len(positions)]))
        pb.position.value = "(any)"
        ids = list(lib.exercises)
        measure("browser: open an exercise", lambda i: setattr(pb.exercise, "value", ids[i % len(ids)]))
        protos = list(lib.protocols)
        measure("browser: open a protocol", lambda i: setattr(pb.protocol, "value", protos[i % len(protos)]))

        b = PlanBuilder(ws, lib)
        patients = [p.id for p in ws.patients()]
        # a phase shown for the first time builds its rows of sliders; shown again, its rows are reused
        measure("builder: choose a patient (rows built)", lambda i: setattr(b.patient, "value", patients[i % len(patients)]),
                setup=lambda i: b._row_cache.clear())
        measure("builder: choose a patient (rows reused)", lambda i: setattr(b.patient, "value", patients[i % len(patients)]))
        b.patient.value = "P001"
        phases = [v for _, v in b.phase.options]
        measure("builder: choose a phase (rows built)", lambda i: setattr(b.phase, "value", phases[i % len(phases)]),
                setup=lambda i: b._row_cache.clear())
        measure("builder: choose a phase (rows reused)", lambda i: setattr(b.phase, "value", phases[i % len(phases)]))
        row = next(r for r in b.rows if r.sliders)
        param, slider = next(iter(row.sliders.items()))
        lo, hi = row.limits[param].usual
        measure("builder: move a slider", lambda i: setattr(slider, "value", lo + i % (hi - lo + 1)))
        measure("builder: type a value beyond the hard limit", lambda i: setattr(slider, "value", row.limits[param].hard[1] + 5),
                setup=lambda i: setattr(slider, "value", lo))
        reason = row.reasons[param]
        measure("builder: type a reason", lambda i: setattr(reason, "value", "reason " + "x" * i))
        measure("builder: remove / put back an exercise", lambda i: row.remove_button.click())
        b.patient.value = "P004"  # the stretching board: its picture is redrawn at each angle
        board = next(r for r in b.rows if "angle_deg" in r.sliders)
        angle = board.sliders["angle_deg"]
        a_lo, a_hi = board.limits["angle_deg"].usual
        measure("builder: move the board angle (picture redrawn)",
                lambda i: setattr(angle, "value", a_lo + (7 * i) % (a_hi - a_lo + 1)))

        lr = LogReview(ws, lib)
        csv = "Дата;Код;Выполнено;Боль до\n01.09.2026;prone-lying;да;3\n".encode("cp1251")
        measure("log review: read an uploaded CSV (no import)", lambda i: lr.load_file("log.csv", csv))
        logged = [p for p in patients if ws.imports(p)]
        measure("log review: choose a patient (analysis + chart drawn)",
                lambda i: setattr(lr.patient, "value", logged[i % len(logged)]), setup=lambda i: lr._png_cache.clear())
        measure("log review: choose a patient again (chart kept)",
                lambda i: setattr(lr.patient, "value", logged[i % len(logged)]))
        lr.patient.value = logged[0]
        measure("log review: move the adherence cut-off (chart redrawn)",
                lambda i: setattr(lr.cutoff, "value", 0.5 + 0.01 * i))
        measure("log review: open another chart tab (drawn)",
                lambda i: setattr(lr.charts, "selected_index", 1 + i % 2),
                setup=lambda i: (lr.charts_drawn.clear(), lr._png_cache.clear(), setattr(lr.charts, "selected_index", 0)))

        co = ClinicOverview(ws, lib)
        sorts = list(co.sort.options)
        measure("clinic: change the sort order", lambda i: setattr(co.sort, "value", sorts[i % len(sorts)]))
        measure("clinic: refresh (all patients)", lambda i: co.refresh(), repeat=5)


PAGE_TARGET_S = 2.0
#: Idle timeout of the culling figures (voila.json uses 20 minutes; the benchmark cannot wait that long).
CULL_S = 20


def _out(text: str) -> None:
    print(text, file=sys.__stdout__, flush=True)


def _usable(browser, app, width: int = 1440):
    """Open the app in a new page; seconds until the patient list can be used (its first button is enabled)."""
    context = browser.new_context(viewport={"width": width, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    t = time.perf_counter()
    page.goto(app.url, timeout=180_000)
    page.get_by_role("button", name="Add and plan").wait_for(timeout=180_000)
    page.wait_for_function("() => [...document.querySelectorAll('button')].some(b => "
                           "b.textContent.includes('Add and plan') && !b.disabled)", timeout=180_000)
    return page, time.perf_counter() - t


def browser_figures() -> None:
    from test_browser import (APP, CHROMIUM, CHROMIUM_ARGS, VoilaApp, new_patient_flow, returned_log,
                              review_flow)

    if not Path(CHROMIUM).exists():
        _out("app in the browser: skipped (Chromium missing: make system-deps)")
        return
    from playwright.sync_api import sync_playwright

    lib = physio.default_library()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        root = Path(tmp)
        folder = build_workspace(root / "workspace")
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        cold_root = root / "cold"
        cold_root.mkdir()
        cold = VoilaApp(APP, cold_root, folder, extra=["--VoilaConfiguration.preheat_kernel=False"])
        try:
            cold.wait_ready()
            page, s = _usable(browser, cold)
            _out(f"{'app: page usable, NOT pre-heated (for comparison)':<56} {s:7.2f} s")
            page.context.close()
        finally:
            cold.stop()

        t = time.perf_counter()
        app = VoilaApp(APP, root, folder, extra=[f"--MappingKernelManager.cull_idle_timeout={CULL_S}",
                                                 "--MappingKernelManager.cull_interval=2"])
        try:
            app.wait_ready()
            app.wait_kernels(1, 180)
            _out(f"{'app: server up with its pre-heated kernel':<56} {time.perf_counter() - t:7.2f} s")
            times = []
            for _ in range(3):
                app.wait_kernels(1, 180)  # the pool is full again: one kernel waits for the next page
                time.sleep(3)  # and its notebook has run
                page, s = _usable(browser, app)
                times.append(s)
                page.close(run_before_unload=True)
                page.context.close()
            flag = "ok" if statistics.median(times) <= PAGE_TARGET_S else "SLOW"
            _out(f"{'app: page usable, pre-heated (voila.json)':<56} median {statistics.median(times):5.2f} s   "
                 f"max {max(times):5.2f} s   {flag}")
            app.wait_kernels(1, 60)
            _out(f"{'app: kernels after 3 pages were opened and closed':<56} {app.kernels():7d} (the pre-heated one)")
            pages = [_usable(browser, app)[0] for _ in range(2)]
            app.wait_kernels(3, 120)
            _out(f"{'app: kernels with 2 pages open':<56} {app.kernels():7d}")
            for p in pages:
                p.close()  # no unload handler: as a crashed browser or a killed laptop
                p.context.close()
            t = time.perf_counter()
            culled = app.wait_kernels(1, CULL_S * 6)
            _out(f"{'app: kernels after 2 pages vanished without a word':<56} {app.kernels():7d} after "
                 f"{time.perf_counter() - t:5.1f} s (idle timeout {CULL_S} s){'' if culled else '  NOT CULLED'}")

            app.wait_kernels(1, 180)
            page, _ = _usable(browser, app)
            act, s, _, _ = new_patient_flow(page, lib, name="Bench Patient")
            _out(f"{'flow: new patient → plan → PDF + Excel downloaded':<56} {s:7.2f} s   {len(act.done)} actions")
            page.close(run_before_unload=True)
            page.context.close()
            ws = Workspace(folder)
            app.wait_kernels(1, 180)
            page, _ = _usable(browser, app, 1024)
            version = len(ws.plan_versions(ws.current_plan("P001").id)) + 1
            act, s, _ = review_flow(page, ws.patient("P001").name, returned_log(ws, "P001", root), version)
            _out(f"{'flow: review a log → next version → export':<56} {s:7.2f} s   {len(act.done)} actions")
            page.context.close()
        finally:
            app.stop()
            browser.close()


if __name__ == "__main__":
    # Outside a kernel the widgets' Output areas print what they would display; only the figures are wanted.
    with contextlib.redirect_stdout(io.StringIO()):
        main()
        browser_figures()
