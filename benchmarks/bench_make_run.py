"""`make run` on a fresh clone: seconds until JupyterLab answers (the venv, the example workspace, the server).

Target (issue 18): <= 45 s. The baseline, measured in the same run, is the same on another fresh clone with
INSTALLER=pip (the installer `make run` used before). Each clone is new, so the venv and the workspace are built
from nothing; the installers' download caches (~/.cache) are kept, as on a therapist's second machine setup.
JupyterLab listens on a free port on 127.0.0.1, opens no browser, and is stopped once it answers.
Takes minutes, so `make bench` leaves it out; run it alone. Prints its figures; asserts nothing.

Run: .venv/bin/python benchmarks/bench_make_run.py [--installers uv,pip]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 45
LIMIT_S = 900


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def make_run_seconds(installer: str, tmp: Path) -> float | None:
    """Clone, then `make run` until JupyterLab answers; None if it did not within LIMIT_S."""
    clone = tmp / f"clone-{installer}"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    config = tmp / f"jupyter-{installer}"
    config.mkdir()
    port = free_port()
    (config / "jupyter_server_config.py").write_text(
        f"c.ServerApp.ip = '127.0.0.1'\nc.ServerApp.port = {port}\nc.ServerApp.port_retries = 0\n"
        "c.ServerApp.open_browser = False\n")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    env.pop("VIRTUAL_ENV", None)
    log = (tmp / f"make-run-{installer}.log").open("w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(["make", "run", f"INSTALLER={installer}"], cwd=clone, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        while time.perf_counter() - t0 < LIMIT_S:
            if answers(port):
                return time.perf_counter() - t0
            if proc.poll() is not None:
                print(f"  make run ({installer}) stopped with exit {proc.returncode}; see {log.name}")
                return None
            time.sleep(0.25)
        return None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the whole group this script started: make, jupyter
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installers", default="uv,pip", help="comma-separated, first is the default installer")
    installers = parser.parse_args().installers.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        for installer in installers:
            seconds = make_run_seconds(installer, Path(tmp))
            figure = f"{seconds:.1f} s" if seconds is not None else f"no answer within {LIMIT_S} s"
            print(f"make run on a fresh clone, INSTALLER={installer}: JupyterLab answered after {figure} "
                  f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            if installer == installers[0] and seconds is not None:
                print(f"  target <= {TARGET_S} s: {'met' if seconds <= TARGET_S else 'NOT met'}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
