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

__version__ = "0.1.0"

__all__ = [
    "Contraindicated", "ExportError", "LimitExceeded", "LogImportError", "PhysioError", "PlanError",
    "ProtocolError", "UnknownId", "WorkspaceError",
    "Library", "default_library", "load_library",
    "AddedExercise", "Clearance", "Condition", "Dose", "Exercise", "ExerciseChange", "Limit", "LogEntry",
    "Overrides", "Patient", "Phase", "Plan", "PlannedExercise", "Protocol", "Rejection", "ScheduledSession",
]
