"""physio: progressive home-exercise protocols for back problems.

The names below are the public API a notebook may use; everything else is internal.
"""

from .errors import (
    Contraindicated,
    ExportError,
    LimitExceeded,
    LogImportError,
    PhysioError,
    PlanError,
    ProtocolError,
    UnknownId,
    WorkspaceError,
)
from .library import Library, default_library, load_library
from .models import (
    AddedExercise,
    ClinicProfile,
    Clearance,
    Condition,
    Dose,
    Exercise,
    ExerciseChange,
    Limit,
    LogEntry,
    Overrides,
    Patient,
    Phase,
    Plan,
    PlannedExercise,
    Protocol,
    Rejection,
    ScheduledSession,
)

from .planning import Screening, advance, change_phase, personalise, schedule, screen, step_back
from .store import Workspace
from .example import build_example_workspace
from .importing import ImportReport, import_log
from .adherence import AdherenceSummary, summarise
from .progression import Recommendation, recommend
from .io.pdf import handout_bytes, write_handout
from .io.therapist_summary import summary_bytes, write_summary
from .io.xlsx import workbook_bytes, write_workbook
from .io.export import export_all, export_plan
from .clinic import Review, clinic_overview, review_plan

__version__ = "0.1.0"

__all__ = [
    "Contraindicated", "ExportError", "LimitExceeded", "LogImportError", "PhysioError", "PlanError",
    "ProtocolError", "UnknownId", "WorkspaceError",
    "Library", "default_library", "load_library",
    "AddedExercise", "ClinicProfile", "Clearance", "Condition", "Dose", "Exercise", "ExerciseChange", "Limit", "LogEntry",
    "Overrides", "Patient", "Phase", "Plan", "PlannedExercise", "Protocol", "Rejection", "ScheduledSession",
    "Screening", "advance", "change_phase", "personalise", "schedule", "screen", "step_back",
    "Workspace", "build_example_workspace",
    "ImportReport", "import_log", "AdherenceSummary", "summarise", "Recommendation", "recommend",
    "handout_bytes", "write_handout", "summary_bytes", "write_summary", "workbook_bytes", "write_workbook", "export_all", "export_plan",
    "Review", "clinic_overview", "review_plan",
]
