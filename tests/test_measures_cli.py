"""`physio measures list | show | score`: through main() and as a real subprocess, as a therapist types it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from physio.cli import main


def physio(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120, env={**os.environ})


def run(capsys, *argv: str):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_and_refusals_in_a_subprocess():
    done = physio("measures", "score", "odi", "3", "2", "1", "0", "2", "1", "3", "2", "1", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Oswestry Disability Index 2.1a: 32% — moderate disability")  # 16/50 (MA1)
    bad = physio("measures", "score", "odi", "3", "2", "1", "0", "2", "1", "3", "2", "1", "7")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == ("physio: error: ODI Section 10: '7' is outside the allowed answers; allowed: whole numbers "
                          "0–5 or - (left blank)\n")
    short = physio("measures", "score", "odi", "1=3", "2=2", "3=1")
    assert short.returncode == 2 and "Traceback" not in short.stderr
    assert short.stderr.count("\n") == 1 and "not enough answers: ODI needs at least 9 of 10 sections" in short.stderr


def test_list_names_every_instrument_with_range_change_and_licence(capsys):
    code, out, err = run(capsys, "measures", "list")
    assert code == 0 and err == ""
    lines = {line.split("\t")[0]: line for line in out.splitlines()}
    assert {"nprs-back", "nprs-leg", "rmdq-24", "odi", "psfs", "start-back", "srs-22r", "atr-thoracic",
            "atr-thoracolumbar", "atr-lumbar", "cobb", "risser"} <= set(lines)
    assert lines["odi"].endswith("0–100%, higher is worse\tchange that matters: 10 points or 30 % (O1)\tscore entry only")
    assert "higher is better" in lines["psfs"] and "wording may be printed" in lines["nprs-leg"]


def test_show_lists_items_without_the_forms_wording(capsys):
    code, out, _ = run(capsys, "measures", "show", "odi")
    assert code == 0 and "score entry only" in out and "  10\tSection 10\twhole numbers 0–5" in out
    code, out, _ = run(capsys, "measures", "show", "nprs-leg")
    assert "How strong is your leg pain?" in out and "LOINC: 72514-3" in out


def test_score_prints_risk_group_and_domains(capsys):
    code, out, _ = run(capsys, "measures", "score", "start-back", *"0 0 0 0 1 1 1 0 3".split())
    assert code == 0 and out.splitlines()[:2] == ["STarT Back Screening Tool: 4 — high risk",
                                                  "  psychosocial subscore: 4"]
    code, out, _ = run(capsys, "measures", "score", "srs-22r", *(["4"] * 20 + ["5", "3"]))
    assert code == 0 and "  pain: 4" in out and "  satisfaction: 4" in out
    code, out, _ = run(capsys, "measures", "score", "psfs", "putting on socks=4", "walking 1 km=6", "lifting=2")
    assert code == 0 and out.startswith("Patient-Specific Functional Scale: 4\n") and "  walking 1 km: 6" in out


def test_srs_domain_with_two_answers_is_shown_as_not_enough(capsys):
    answers = ["4"] * 22
    for i in (1, 2, 8):  # the pain domain keeps two answers
        answers[i - 1] = "-"
    code, out, err = run(capsys, "measures", "score", "srs-22r", *answers)
    assert code == 2 and "  pain: not enough answers" in out
    assert "the pain domain needs at least 3 of its 5 items answered and 2 were" in err


@pytest.mark.parametrize("argv,message", [
    (["psfs", "socks=4", "=6", "lifting=2"], "PSFS activity 2 has no name"),
    (["cobb", "150"], "Cobb angle (degrees): '150' is outside the allowed answers; allowed: 0–120"),
    (["nprs-leg", "11"], "NPRS leg Leg pain: '11' is outside the allowed answers; allowed: whole numbers 0–10"),
    (["start-back", *"0 0 0 0 0 0 0 0 5".split()], "STarT Back Item 9: '5' is outside the allowed answers"),
    (["odi", "1", "2"], "ODI has 10 items and 2 answers were given"),
    (["oswestry", "1"], "there is no outcome measure 'oswestry'; the measures are: atr-lumbar"),
])
def test_impossible_answers_are_refused_in_one_sentence(capsys, argv, message):
    code, out, err = run(capsys, "measures", "score", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("physio: error: ") and message in err


def test_validate_reports_every_problem_with_file_and_line(tmp_path, capsys):
    import shutil

    from physio.library import DEFAULT_PROTOCOLS_DIR

    code, out, _ = run(capsys, "measures", "validate")
    assert code == 0 and "OK — 12 outcome measures" in out
    shutil.copy(DEFAULT_PROTOCOLS_DIR / "sources.yaml", tmp_path / "sources.yaml")
    shutil.copytree(DEFAULT_PROTOCOLS_DIR / "measures", tmp_path / "measures")
    odi = tmp_path / "measures" / "odi.yaml"
    odi.write_text(odi.read_text(encoding="utf-8").replace("rule: percent-of-answered", "rule: sum"), encoding="utf-8")
    code, out, err = run(capsys, "measures", "validate", str(tmp_path))
    assert code == 1 and out == "" and "1 problem(s)" in err
    assert "odi.yaml:" in err and "scoring.rule: unknown scoring rule 'sum'" in err


def test_show_gives_bands_domains_and_decision_rules_with_sources(capsys):
    _, out, _ = run(capsys, "measures", "show", "srs-22r")
    assert ("Domain pain: items 1, 2, 8, 11, 17, at least 3 answered; change that matters 0.6 "
            "(BG1: pain 0.6 (surgical AIS))") in out
    _, out, _ = run(capsys, "measures", "show", "odi")
    assert "Bands: up to 20% minimal disability; up to 40% moderate disability" in out
    assert "Decision: review, do not advance when worse than the baseline by the change that matters (L1:" in out
    _, out, _ = run(capsys, "measures", "show", "start-back")
    assert "Decision: psychologically informed care when the result is high risk (HI1:" in out
