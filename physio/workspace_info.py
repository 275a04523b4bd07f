"""Which workspace is open, in one line of plain words (the CLI, JupyterLab and the app all show it; only the CLI
adds the folder's path, which a terminal user types).

The example workspace is recognised by what it holds: every fictional patient of patients_example/, under the
same id and name. A clinic's own workspace never holds them, so it is never called the example.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["is_example_workspace", "workspace_line", "workspace_name"]


@functools.lru_cache(maxsize=1)
def _example_patients() -> dict[str, str]:
    from .example import EXAMPLE_DIR
    from .store import read_patients

    try:
        return {p.id: p.name for p in read_patients(EXAMPLE_DIR / "patients")}
    except Exception:  # patients_example/ missing from an installed copy: no workspace is the example then
        return {}


def is_example_workspace(ws) -> bool:
    """True when the workspace holds every fictional example patient (same ids, same names)."""
    example = _example_patients()
    if not example:
        return False
    held = {p.id: p.name for p in ws.patients(include_archived=True)}
    return all(held.get(pid) == name for pid, name in example.items())


def _clinic_name(ws) -> str | None:
    """The clinic's name from its profile (physio.models.ClinicProfile), when one is kept in the workspace."""
    profile_of = getattr(ws, "clinic_profile", None)
    try:
        profile = profile_of() if callable(profile_of) else None
    except Exception:  # an unreadable profile must not hide which workspace is open
        return None
    name = getattr(profile, "name", None)
    return name.strip() if isinstance(name, str) and name.strip() else None


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def workspace_name(ws) -> str:
    """The workspace as a person names it: "the example, with fictional patients only", else the clinic's name
    from its profile, else the folder's name (never a path: the app and the notebooks show this)."""
    if is_example_workspace(ws):
        return "the example, with fictional patients only"
    return _clinic_name(ws) or Path(ws.folder).resolve().name


def workspace_line(ws, *, folder: bool = False) -> str:
    """E.g. "Workspace: Clinic Nord — 12 patients, 2 archived"; the example says it is the example with fictional
    patients. With `folder` (the CLI: a terminal user types the path) the folder follows the name in brackets."""
    everyone = ws.patients(include_archived=True)
    active = len(ws.patients())
    count = _count(active, "patient") if everyone else "no patients yet"
    if len(everyone) > active:
        count += f", {len(everyone) - active} archived"
    where = f" ({Path(ws.folder).resolve()})" if folder else ""
    return f"Workspace: {workspace_name(ws)}{where} — {count}"
