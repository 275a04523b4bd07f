"""Shared fixtures: the shipped library, an example workspace in tmp, and a Jupyter setup that writes
nothing into $HOME. Kept small; each test file builds what only it needs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# a throwaway PostgreSQL server, and `store_db`: the store's tests on SQLite and on PostgreSQL
pytest_plugins = ["pg_fixtures"]

# The tests' plans start on 7 September 2026 (the example workspace's date): the clinic's "today" is fixed to
# it, so the rule "a start more than 7 days in the past needs a reason" reads the same on every day the suite
# runs. Subprocesses (CLI, notebooks) inherit it. The tests of that rule set their own today.
os.environ.setdefault("PHYSIO_TODAY", "2026-09-07")


@pytest.fixture(scope="session")
def library():
    import physio

    return physio.default_library()


def build_workspace(folder: Path) -> Path:
    """The example workspace (patients from patients_example/, their plans and returned logs).

    Until physio.example exists, a workspace holding only the example patients."""
    try:
        from physio.example import build_example_workspace
    except ImportError:
        from physio.store import Workspace, read_patients

        Workspace(folder).add_patients(read_patients(REPO / "patients_example" / "patients"))
        return folder
    build_example_workspace(folder)
    return folder


@pytest.fixture
def example_workspace(tmp_path: Path) -> Path:
    """A fresh example workspace folder for one test."""
    return build_workspace(tmp_path / "workspace")


def isolated_env(root: Path) -> dict[str, str]:
    """Environment variables that keep Jupyter, IPython, matplotlib and Chromium out of the real $HOME."""
    dirs = {
        "HOME": root / "home",
        "JUPYTER_CONFIG_DIR": root / "jupyter" / "config",
        "JUPYTER_DATA_DIR": root / "jupyter" / "data",
        "JUPYTER_RUNTIME_DIR": root / "jupyter" / "runtime",
        "IPYTHONDIR": root / "ipython",
        "MPLCONFIGDIR": root / "mpl",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env = {k: str(v) for k, v in dirs.items()}
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


@pytest.fixture
def jupyter_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Apply isolated_env to this process (kernels started from here inherit it)."""
    env = isolated_env(tmp_path / "jupyter-home")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env
