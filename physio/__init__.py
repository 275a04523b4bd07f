"""physio: progressive home-exercise protocols for back problems.

The names below are the public API a notebook may use; everything else is internal.

They are loaded when first used (`physio.Plan`, `from physio import export_plan`), so `import physio` stays quick:
the PDF, spreadsheet, chart and table libraries are imported only by the work that needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Where each public name lives (module relative to this package).
_PUBLIC: dict[str, tuple[str, ...]] = {
    ".errors": ("Contraindicated", "ExportError", "LimitExceeded", "LogImportError", "PhysioError", "PlanError",
                "ProtocolError", "UnknownId", "WorkspaceError"),
    ".library": ("Library", "default_library", "load_library"),
    ".models": ("AddedExercise", "ClinicProfile", "Clearance", "Condition", "Dose", "Exercise", "ExerciseChange",
                "Limit", "LogEntry", "Overrides", "Patient", "Phase", "Plan", "PlannedExercise", "Protocol",
                "Rejection", "ScheduledSession"),
    ".planning": ("Screening", "advance", "change_phase", "personalise", "schedule", "screen", "step_back"),
    ".store": ("Workspace",),
    ".example": ("build_example_workspace",),
    ".importing": ("ImportReport", "import_log"),
    ".importing_batch": ("FolderImport", "import_files", "import_folder"),
    ".adherence": ("AdherenceSummary", "summarise"),
    ".progression": ("Recommendation", "recommend"),
    ".io.pdf": ("handout_bytes", "write_handout"),
    ".io.therapist_summary": ("summary_bytes", "write_summary"),
    ".io.xlsx": ("workbook_bytes", "write_workbook"),
    ".io.export": ("export_plan",),
    ".io.batch": ("export_all",),
    ".clinic": ("Review", "clinic_overview", "review_plan"),
}
_WHERE = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = [
    "Contraindicated", "ExportError", "LimitExceeded", "LogImportError", "PhysioError", "PlanError",
    "ProtocolError", "UnknownId", "WorkspaceError",
    "Library", "default_library", "load_library",
    "AddedExercise", "ClinicProfile", "Clearance", "Condition", "Dose", "Exercise", "ExerciseChange", "Limit", "LogEntry",
    "Overrides", "Patient", "Phase", "Plan", "PlannedExercise", "Protocol", "Rejection", "ScheduledSession",
    "Screening", "advance", "change_phase", "personalise", "schedule", "screen", "step_back",
    "Workspace", "build_example_workspace",
    "ImportReport", "import_log", "FolderImport", "import_files", "import_folder", "AdherenceSummary", "summarise", "Recommendation", "recommend",
    "handout_bytes", "write_handout", "summary_bytes", "write_summary", "workbook_bytes", "write_workbook", "export_all", "export_plan",
    "Review", "clinic_overview", "review_plan",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use, then keep the name here (later lookups cost nothing)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'physio' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # editors and type checkers see the names as if imported eagerly
    from .adherence import AdherenceSummary, summarise
    from .clinic import Review, clinic_overview, review_plan
    from .errors import (Contraindicated, ExportError, LimitExceeded, LogImportError, PhysioError, PlanError,
                         ProtocolError, UnknownId, WorkspaceError)
    from .example import build_example_workspace
    from .importing import ImportReport, import_log
    from .importing_batch import FolderImport, import_files, import_folder
    from .io.batch import export_all
    from .io.export import export_plan
    from .io.pdf import handout_bytes, write_handout
    from .io.therapist_summary import summary_bytes, write_summary
    from .io.xlsx import workbook_bytes, write_workbook
    from .library import Library, default_library, load_library
    from .models import (AddedExercise, Clearance, ClinicProfile, Condition, Dose, Exercise, ExerciseChange, Limit,
                         LogEntry, Overrides, Patient, Phase, Plan, PlannedExercise, Protocol, Rejection,
                         ScheduledSession)
    from .planning import Screening, advance, change_phase, personalise, schedule, screen, step_back
    from .progression import Recommendation, recommend
    from .store import Workspace


def _show_in_notebooks() -> None:
    """Inside a notebook, patients, plans, protocols and drawings show as tables and pictures (physio.notebook_display)."""
    import sys

    if "IPython" in sys.modules:  # a notebook kernel has IPython loaded before it runs `import physio`
        from .notebook_display import register_in_running_notebook

        register_in_running_notebook()


_show_in_notebooks()
