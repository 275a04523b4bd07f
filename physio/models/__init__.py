"""The data model: pure, frozen, and unaware of files, widgets or databases."""

from .exercise import DOSE_PARAMS, PARAM_LABELS, REGIONS, TAGS, Dose, DoseParam, Exercise, Limit, Region, Tag
from .clinic import DEFAULT_EMERGENCY_NUMBER, ClinicProfile
from .log import LOG_COLUMNS, META_SHEET, WORKBOOK_SCHEMA_VERSION, LogEntry, Rejection, ReasonCode
from .patient import Clearance, Condition, Patient
from .redflag import OUTCOME_LABELS, CheckAnswer, RedFlagAck, RedFlagNote
from .plan import (
    AddedExercise,
    ExerciseChange,
    Overrides,
    PatientRef,
    Plan,
    PlannedExercise,
    ScheduledSession,
)
from .protocol import (
    AdvanceWhen,
    Contraindication,
    Phase,
    Prescription,
    Progression,
    Protocol,
    RedFlag,
    ScreeningWarning,
    StepBackWhen,
    StopRule,
)

__all__ = [
    "DOSE_PARAMS", "PARAM_LABELS", "REGIONS", "TAGS", "Dose", "DoseParam", "Exercise", "Limit", "Region", "Tag",
    "ClinicProfile", "DEFAULT_EMERGENCY_NUMBER",
    "LOG_COLUMNS", "META_SHEET", "WORKBOOK_SCHEMA_VERSION", "LogEntry", "Rejection", "ReasonCode",
    "Clearance", "Condition", "Patient", "OUTCOME_LABELS", "CheckAnswer", "RedFlagAck", "RedFlagNote",
    "AddedExercise", "ExerciseChange", "Overrides", "PatientRef", "Plan", "PlannedExercise", "ScheduledSession",
    "AdvanceWhen", "Contraindication", "Phase", "Prescription", "Progression", "Protocol", "RedFlag",
    "ScreeningWarning", "StepBackWhen", "StopRule",
]
