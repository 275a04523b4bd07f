"""Issue 15, points 4 and 5, through the path a therapist takes: `physio measures record`, then `physio review PLAN`
(and its --report PDF) shows each outcome signal with its reason and source, and the report charts each measure.

The rules are those of protocols/measures/*.yaml: leg pain or function worse by the change that matters → review
(L1, O1); STarT Back high risk → psychologically informed care (HI1); Cobb progression ≥ 5° or ATR reaching 7° →
refer to a specialist (S1)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from physio.clinic import patient_outcomes, review_plan
from physio.io.report import adherence_report_bytes
from physio.measures import default_measures, parse_tokens, record
from physio.store import Workspace

HERNIA = "P001-lumbar-disc-hernia"  # Maria Kovacs: log up to 13.09.2026, every advance target met
SCOLIOSIS = "P006-scoliosis"


def physio(ws: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    env = {**os.environ, "PHYSIO_USER": "Anna Berg", "PHYSIO_TODAY": "2026-11-30"}
    done = subprocess.run(cmd + ["--workspace", str(ws), *args], capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_leg_pain_worse_by_the_change_that_matters_holds_the_patient_for_review(example_workspace, tmp_path):
    """L1, O1: leg pain 3 → 6 (at least 2 points or 30 %) → review, do not advance; the reason names the numbers,
    dates and source, in the review and in the report PDF, whose chart of the measure is there as text and image."""
    ws = example_workspace
    before = physio(ws, "review", HERNIA).stdout
    assert "Recommendation: ADVANCE" in before  # the log alone would advance her
    physio(ws, "measures", "record", "P001", "nprs-leg", "3", "--date", "2026-09-07")
    physio(ws, "measures", "record", "P001", "nprs-leg", "6", "--date", "2026-09-14")
    report = tmp_path / "report.pdf"
    out = physio(ws, "review", HERNIA, "--report", str(report)).stdout
    assert "Recommendation: REVIEW" in out
    assert ("  - Review, do not advance: NPRS leg rose from 3 on 07.09.2026 to 6 on 14.09.2026: worse by 3 points, "
            "at least the change that matters (2 points or 30 % of the baseline, never under 1 point: 1 point here) [L1, O1: ") in out
    assert "  NPRS leg: 6 on 14.09.2026; baseline 3 on 07.09.2026, change +3 (matters from 1)" in out

    text = pdf_text(report)
    assert "Review: the therapist reviews the programme" in text and "NPRS leg rose from 3 on 07.09.2026" in text
    assert "Outcome measures" in text and "Numeric Pain Rating Scale, leg pain (higher is worse)" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("NPRS leg "))
    assert row.split()[:7] == ["NPRS", "leg", "3", "(07.09.2026)", "6", "(14.09.2026)", "+3"]
    images = sum(len(p.images) for p in PdfReader(report).pages)
    assert images == 3 + 1  # the three adherence charts and one outcome chart


def test_start_back_high_risk_is_flagged_without_stopping_the_advance(example_workspace):
    """HI1: the high-risk group is matched to psychologically informed care; the log's own decision stands."""
    ws = example_workspace
    physio(ws, "measures", "record", "P001", "start-back", *"0 0 0 0 1 1 1 1 4".split(), "--date", "2026-09-07")
    out = physio(ws, "review", HERNIA).stdout
    assert "Recommendation: ADVANCE" in out
    assert ("  - Psychologically informed care: STarT Back on 07.09.2026: high risk (total 5, psychosocial "
            "subscore 5) [HI1: ") in out


def test_cobb_progression_refers_to_a_specialist_and_srs_domains_are_listed(example_workspace, tmp_path):
    """S1: a Cobb progression of 5° or more → refer to a specialist (level: discuss at the next contact).
    BG1: SRS-22r domains each with their own change that matters (pain 0.6), in the review and the report."""
    ws = example_workspace
    physio(ws, "measures", "record", "P006", "cobb", "18", "--date", "2026-06-01")
    physio(ws, "measures", "record", "P006", "cobb", "23", "--date", "2026-09-01")
    physio(ws, "measures", "record", "P006", "srs-22r", *(["4"] * 22), "--date", "2026-06-01")
    physio(ws, "measures", "record", "P006", "srs-22r", *(["3"] * 22), "--date", "2026-09-01")
    report = tmp_path / "scoliosis.pdf"
    out = physio(ws, "review", SCOLIOSIS, "--report", str(report)).stdout
    assert "Recommendation: REFER" in out
    assert ("  - Refer to a specialist: Cobb rose from 18° on 01.06.2026 to 23° on 01.09.2026: worse by 5°, at least "
            "the change that matters (5°) [S1: ") in out
    assert "  SRS-22r: 3 on 01.09.2026; baseline 4 on 01.06.2026, change -1" in out
    assert "    pain: 3, change -1 (matters from 0.6)" in out
    text = pdf_text(report)
    assert "SRS-22r (Scoliosis Research Society questionnaire, revised) (higher is better)" in text
    pain = next(line for line in text.splitlines() if line.strip().startswith("pain "))
    assert pain.split() == ["pain", "4", "3", "-1", "0.6", "[BG1]"]
    assert sum(len(p.images) for p in PdfReader(report).pages) == 3 + 2  # Cobb and SRS-22r charts


def test_function_worse_in_the_app_path_and_as_of(example_workspace):
    """review_plan (the path of the CLI, the clinic overview and the app) reads the results; as_of leaves out
    results recorded after the day reviewed. O1: ODI 10 points (from 40 %, 30 % would be 12)."""
    ws = Workspace(example_workspace)
    ms = default_measures()
    m = ms["odi"]
    for day, total in ((dt.date(2026, 9, 7), 20), (dt.date(2026, 9, 14), 25)):
        answers = parse_tokens(m, [str(min(5, max(0, total - 5 * i))) for i in range(10)])
        ws.record_result("P001", record(m, answers, day, birth_year=1984, today=dt.date(2026, 11, 30)), answers)
    plan = ws.plan(HERNIA)
    r = review_plan(ws, plan)
    assert r.recommendation.action == "review" and [g.measure_id for g in r.recommendation.outcome_signals] == ["odi"]
    assert [o.on for o in r.outcomes] == [dt.date(2026, 9, 7), dt.date(2026, 9, 14)]
    early = review_plan(ws, plan, as_of=dt.date(2026, 9, 10))
    assert early.recommendation.action != "review" and len(early.outcomes) == 1
    assert patient_outcomes(ws, "P002") == []  # no patient sees another's results


def test_report_without_results_says_so_and_a_caller_that_did_not_look_gets_no_section(example_workspace):
    ws = Workspace(example_workspace)
    r = review_plan(ws, ws.plan(HERNIA))
    looked = adherence_report_bytes(r.plan, r.summary, r.recommendation, outcomes=[])
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(looked)).pages)
    assert "No outcome measures are recorded for this patient yet." in text
    silent = adherence_report_bytes(r.plan, r.summary, r.recommendation)
    assert "Outcome measures" not in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(silent)).pages)


def test_a_specialist_referral_from_the_measures_sorts_after_red_flags_in_the_clinic_overview(example_workspace):
    """S1: Cobb progression → refer to a specialist, without a red-flag level; P005's emergency stays on top."""
    from physio.clinic import clinic_overview

    physio(example_workspace, "measures", "record", "P006", "cobb", "18", "--date", "2026-06-01")
    physio(example_workspace, "measures", "record", "P006", "cobb", "23", "--date", "2026-09-01")
    df = clinic_overview(Workspace(example_workspace))
    rows = df[df.recommendation == "refer"]
    assert list(rows.patient_id)[0] == "P005" and rows.iloc[0].level == "emergency"
    p006 = df[df.patient_id == "P006"].iloc[0]
    assert p006.recommendation == "refer" and not isinstance(p006.level, str)  # no red-flag level
    assert "Refer to a specialist: Cobb rose" in p006.reasons and p006.priority > rows.iloc[0].priority


def test_the_apps_review_uses_the_outcome_measures_and_writes_them_in_its_report(example_workspace, library):
    """L1, O1: leg pain 3 → 6 → review, not advance, in the app's log review (LogReview), with reason and source;
    its adherence report carries the outcome chart and table; no next version is offered."""
    from physio.ui import LogReview

    physio(example_workspace, "measures", "record", "P001", "nprs-leg", "3", "--date", "2026-09-07")
    physio(example_workspace, "measures", "record", "P001", "nprs-leg", "6", "--date", "2026-09-14")
    lr = LogReview(Workspace(example_workspace), library)
    lr.patient.value = "P001"
    assert lr.recommendation.action == "review" and lr.next_button.disabled
    assert "NPRS leg rose from 3 on 07.09.2026 to 6 on 14.09.2026" in lr.recommendation_view.value
    assert "[L1, O1: " in lr.recommendation_view.value
    path = lr.write_report()
    text = pdf_text(path)
    assert "Outcome measures" in text and "Numeric Pain Rating Scale, leg pain (higher is worse)" in text
