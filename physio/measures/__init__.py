"""Outcome measures a spine clinic uses (NPRS back and leg, RMDQ-24, ODI, PSFS, STarT Back, SRS-22r, ATR, Cobb,
Risser): the instruments are data in protocols/measures/*.yaml; scoring, dates and signals are pure functions.

    measures = default_measures()
    answers = parse_tokens(measures["odi"], ["3", "2", "1", "0", "2", "1", "3", "2", "1", "1"])
    score(measures["odi"], answers).value        # 32.0
"""

from .answers import check_answers, parse_tokens
from .loader import default_measures, load_measures
from .models import Answers, Measure, MeasureError, Result, Score
from .rules import RULES, score
from .series import record
from .signals import Signal, format_value, measure_signals

__all__ = [
    "Answers", "Measure", "MeasureError", "RULES", "Result", "Score", "Signal", "check_answers", "default_measures",
    "format_value", "load_measures", "measure_signals", "parse_tokens", "record", "score",
]
