"""Outcome measures a spine clinic uses (NPRS back and leg, RMDQ-24, ODI, PSFS, STarT Back, SRS-22r, ATR, Cobb,
Risser): the instruments are data in protocols/measures/*.yaml; scoring, dates and signals are pure functions.

    measures = default_measures()
    answers = parse_tokens(measures["odi"], ["3", "2", "1", "0", "2", "1", "3", "2", "1", "1"])
    score(measures["odi"], answers).value        # 32.0

Answers read from a file (a returned workbook): score_rows() / score_answers() (rows.py), each refusal naming
its row; rows read = accepted + rejected.
"""

from .answers import check_answers, parse_tokens
from .loader import default_measures, load_measures
from .models import Answers, Measure, MeasureError, Result, Score, format_value
from .rows import AcceptedRow, MeasureRow, MeasureRowsReport, RejectedRow, score_answers, score_rows
from .rules import RULES, score
from .series import PartChange, Trend, part_changes, record, trend, trends
from .signals import Signal, measure_signals

__all__ = [
    "AcceptedRow", "MeasureRow", "MeasureRowsReport", "RejectedRow", "score_answers", "score_rows",
    "Answers", "Measure", "MeasureError", "RULES", "Result", "Score", "Signal", "check_answers", "default_measures",
    "PartChange", "Trend", "format_value", "part_changes", "load_measures", "measure_signals", "parse_tokens", "record", "score", "trend", "trends",
]
