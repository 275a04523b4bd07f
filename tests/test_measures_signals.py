"""measure_signals: what a patient's results over time say about the next step, each signal with reason and source."""

from __future__ import annotations

import datetime as dt

import pytest

from physio.measures import default_measures, measure_signals, parse_tokens, record

D0 = dt.date(2026, 9, 7)
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def ms():
    return default_measures()


def result(ms, measure_id, days, *answers):
    m = ms[measure_id]
    return record(m, parse_tokens(m, list(answers)), D0 + dt.timedelta(days=days), birth_year=1980, today=TODAY)


def odi(ms, days, total):
    return result(ms, "odi", days, *[str(min(5, max(0, total - 5 * i))) for i in range(10)])


def test_function_worse_by_the_meaningful_change_means_review(ms):
    """O1: ODI 10 points (or 30 % of the baseline, whichever is smaller); L1: worse → review, do not advance."""
    base, later = odi(ms, 0, 20), odi(ms, 28, 25)  # ODI 40 → 50: 10 points
    [sig] = measure_signals([later, base], ms)
    assert (sig.measure_id, sig.action, sig.advice) == ("odi", "review", "review, do not advance")
    assert sig.reason == ("ODI rose from 40% on 07.09.2026 to 50% on 05.10.2026: worse by 10 points, at least the "
                          "change that matters (10 points or 30 % of the baseline)")
    assert sig.source.startswith("L1:") and sig.on == later.on
    assert measure_signals([base, odi(ms, 28, 24)], ms) == []  # 8 points: below the change that matters


def test_percent_of_a_low_baseline_counts_as_the_source_says(ms):
    """O1: 'at least 2 points or 30 %': from a leg pain of 3, +1 point is 33 % worse."""
    sigs = measure_signals([result(ms, "nprs-leg", 0, "3"), result(ms, "nprs-leg", 14, "4")], ms)
    assert [s.advice for s in sigs] == ["review, do not advance"]
    assert sigs[0].reason == ("NPRS leg rose from 3 on 07.09.2026 to 4 on 21.09.2026: worse by 1 point, at least the "
                              "change that matters (2 points or 30 % of the baseline, never under 1 point: 1 point here)")
    # SA1: from a weekly mean of 2, a mean 0.6 higher (30 %) is not a change a patient notices; 1 point is
    low = [2] * 7 + [3, 2, 3, 3, 2, 3, 2]  # 2.0 → 2.57
    assert measure_signals([result(ms, "nprs-leg", d, str(p)) for d, p in enumerate(low)], ms) == []
    higher = [2] * 7 + [3, 3, 3, 3, 3, 3, 3]  # 2.0 → 3.0
    assert [s.advice for s in measure_signals([result(ms, "nprs-leg", d, str(p)) for d, p in enumerate(higher)], ms)
            ] == ["review, do not advance"]
    # back pain is not a decision signal (issue 15: function or leg pain), however much worse
    assert measure_signals([result(ms, "nprs-back", 0, "2"), result(ms, "nprs-back", 14, "8")], ms) == []


def test_psfs_worse_and_better(ms):
    """ST1: 2 points on the mean; higher PSFS is better, so a fall is worse."""
    acts = ["socks={}", "walking={}", "lifting={}"]
    base = result(ms, "psfs", 0, *[a.format(6) for a in acts])
    worse = result(ms, "psfs", 21, *[a.format(4) for a in acts])
    better = result(ms, "psfs", 21, *[a.format(9) for a in acts])
    [sig] = measure_signals([base, worse], ms)
    assert sig.reason.startswith("PSFS fell from 6 on 07.09.2026 to 4 on 28.09.2026: worse by 2 points")
    assert measure_signals([base, better], ms) == []


def test_rmdq_worse(ms):
    """RF1, O1: 5 points or 30 %."""
    base = result(ms, "rmdq-24", 0, *(["1"] * 10 + ["0"] * 14))
    later = result(ms, "rmdq-24", 14, *(["1"] * 13 + ["0"] * 11))  # +3 = 30 % of 10
    [sig] = measure_signals([base, later], ms)
    assert sig.action == "review" and "worse by 3" in sig.reason


def test_start_back_high_risk_means_psychologically_informed_care(ms):
    """HI1: the high-risk group is matched to psychologically informed care; a single result is enough."""
    [sig] = measure_signals([result(ms, "start-back", 0, *"0 0 0 0 1 1 1 1 4".split())], ms)
    assert sig.advice == "psychologically informed care" and sig.source.startswith("HI1")
    assert sig.reason == "STarT Back on 07.09.2026: high risk (total 5, psychosocial subscore 5)"
    assert measure_signals([result(ms, "start-back", 0, *"1 1 1 1 0 0 0 0 0".split())], ms) == []  # medium


def test_cobb_progression_of_five_degrees_means_refer(ms):
    """S1: Cobb progression ≥ 5° → refer to a specialist."""
    base = result(ms, "cobb", 0, "18")
    assert measure_signals([base, result(ms, "cobb", 70, "22.5")], ms) == []
    [sig] = measure_signals([base, result(ms, "cobb", 70, "23")], ms)
    assert sig.advice == "refer to a specialist" and sig.source.startswith("S1")
    assert sig.reason == ("Cobb rose from 18° on 07.09.2026 to 23° on 16.11.2026: worse by 5°, at least the change "
                          "that matters (5°)")


def test_atr_reaching_the_referral_criterion_means_refer(ms):
    """S1 (Table 16, rec. 3): 5° and 7° of ATR as referral criteria; we use 7° (team-default)."""
    base = result(ms, "atr-thoracic", 0, "5")
    [sig] = measure_signals([base, result(ms, "atr-thoracic", 60, "7")], ms)
    assert sig.action == "refer" and "reached the referral criterion of 7°" in sig.reason
    assert measure_signals([base, result(ms, "atr-thoracic", 60, "6.5")], ms) == []
    # one region's value never triggers another's: lumbar stays quiet
    assert measure_signals([base, result(ms, "atr-lumbar", 60, "9")], ms) == []


def test_a_sheet_without_enough_answers_is_not_compared(ms):
    """An ODI with too few sections has no score; the comparison uses the scored ones only."""
    base = odi(ms, 0, 20)
    blank = result(ms, "odi", 14, "5", "5", "5", "-", "-", "-", "-", "-", "-", "-")
    assert blank.score.value is None
    assert measure_signals([base, blank], ms) == []


def test_a_result_of_an_unknown_instrument_is_refused(ms):
    from physio.measures import MeasureError

    r = result(ms, "cobb", 0, "20").model_copy(update={"measure_id": "cobb-angle"})
    with pytest.raises(MeasureError, match="names the outcome measure 'cobb-angle', which is not one of atr-lumbar"):
        measure_signals([r], ms)


def test_psfs_compares_only_the_activities_scored_both_times(ms):
    """ST1: the PSFS follows the patient's own activities; when one was swapped, the means of the activities scored
    both times are compared (a new, easier activity must not hide a worse old one)."""
    base = result(ms, "psfs", 0, "socks=6", "walking=6", "lifting=6")
    later = result(ms, "psfs", 21, "socks=3", "walking=4", "gardening=10")  # mean 5.67: only 0.33 below 6
    [sig] = measure_signals([base, later], ms)
    assert sig.reason.startswith("PSFS fell from 6 on 07.09.2026 (mean of the 2 activities scored both times: socks, "
                                 "walking) to 3.5 on 28.09.2026: worse by 2.5 points")
    other = result(ms, "psfs", 21, "gardening=1", "cycling=1", "running=1")  # nothing in common: no comparison
    assert measure_signals([base, other], ms) == []


def test_a_daily_diary_is_compared_week_against_week(ms):
    """team-default (series.WEEK_DAYS), O1: results less than a week apart are one time point; the returned
    workbook's daily leg pain is compared as the baseline week's mean against the latest week's."""
    daily = [3, 3, 4, 3, 3, 3, 3] + [4, 4, 5, 4, 4, 5, 4]  # single days swing; the weekly means are compared
    results = [result(ms, "nprs-leg", d, str(p)) for d, p in enumerate(daily)]
    [sig] = measure_signals(results, ms)  # 3.14 → 4.29: +1.14, above 30 % of 3.14 (0.94)
    assert sig.reason.startswith("NPRS leg rose from 3.1 (mean of 7 results, 07.09.2026–13.09.2026) to 4.3 (mean of "
                                 "7 results, 14.09.2026–20.09.2026): worse by 1.14 points")
    calm = [3, 3, 4, 3, 3, 3, 3] + [3, 4, 3, 3, 3, 4, 3]  # single days at 4, weekly means 3.14 and 3.29
    assert measure_signals([result(ms, "nprs-leg", d, str(p)) for d, p in enumerate(calm)], ms) == []
    same_week = [result(ms, "nprs-leg", 0, "2"), result(ms, "nprs-leg", 6, "8")]  # one time point: nothing to compare
    assert measure_signals(same_week, ms) == []
