"""A measure over time: the points are the scored results, the dashed line the baseline, the grey band the
baseline ± the instrument's change that matters — read back from the figure's artists, and drawn to a PNG."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from matplotlib.figure import Figure

from physio.charts_measures import measure_over_time
from physio.measures import default_measures, parse_tokens, record

D0, TODAY = dt.date(2026, 9, 7), dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def ms():
    return default_measures()


def result(m, days, answers):
    return record(m, parse_tokens(m, answers), D0 + dt.timedelta(days=days), birth_year=1990, today=TODAY)


def odi(m, days, total):
    return result(m, days, [str(min(5, max(0, total - 5 * i))) for i in range(10)])


def band_y(ax, label_start):
    """The y extent (data units) of the shaded band whose label starts so."""
    (patch,) = [p for p in ax.patches if p.get_label().startswith(label_start)]
    ys = patch.get_patch_transform().transform(patch.get_path().vertices)[:, 1]
    return round(float(ys.min()), 6), round(float(ys.max()), 6)


def line(ax, label_start):
    (ln,) = [ln for ln in ax.lines if ln.get_label().startswith(label_start)]
    return ln


def test_odi_band_is_baseline_plus_minus_ten_points(ms, tmp_path):
    """O1: ODI 10 points or 30 % of the baseline, the smaller; from 40 that is 10: band 30–50."""
    m = ms["odi"]
    results = [odi(m, 28, 16), odi(m, 0, 20), odi(m, 14, 18)]  # out of order: drawn by date
    fig = measure_over_time(m, results)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert band_y(ax, "no change that matters") == (30.0, 50.0)
    assert set(np.asarray(line(ax, "baseline 40%").get_ydata(), float)) == {40.0}
    pts = line(ax, "ODI")
    assert list(np.asarray(pts.get_ydata(), float)) == [40.0, 36.0, 32.0]
    assert ax.get_ylim() == (0.0, 100.0)
    fig.savefig(tmp_path / "odi.png", dpi=80)
    assert (tmp_path / "odi.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_percent_band_from_a_low_baseline_and_clipped_to_the_range(ms):
    """O1: NPRS 2 points or 30 %: from a leg pain of 5 the band is ± 1.5; SA1: never under 1 point, so from 3 it
    is ± 1 (not ± 0.9); kept inside 0–10."""
    m = ms["nprs-leg"]
    fig = measure_over_time(m, [result(m, 0, ["5"]), result(m, 7, ["7"])])
    assert band_y(fig.axes[0], "no change that matters") == (3.5, 6.5)
    fig = measure_over_time(m, [result(m, 0, ["3"]), result(m, 7, ["5"])])
    assert band_y(fig.axes[0], "no change that matters") == (2.0, 4.0)
    fig = measure_over_time(m, [result(m, 0, ["10"])])
    assert band_y(fig.axes[0], "no change that matters") == (8.0, 10.0)  # 10 ± 2, kept inside 0–10


def test_srs_domain_band_uses_the_domains_own_change(ms):
    """BG1: SRS-22r pain 0.6."""
    m = ms["srs-22r"]
    fig = measure_over_time(m, [result(m, 0, ["3"] * 22), result(m, 30, ["4"] * 22)], part="pain")
    assert band_y(fig.axes[0], "no change that matters") == (2.4, 3.6)
    assert list(np.asarray(line(fig.axes[0], "SRS-22r pain").get_ydata(), float)) == [3.0, 4.0]


def test_atr_has_no_band_but_its_referral_line(ms):
    """S1: ATR 7° referral criterion; no meaningful-change figure for ATR, so no band is invented."""
    m = ms["atr-thoracic"]
    fig = measure_over_time(m, [result(m, 0, ["5"]), result(m, 40, ["7.5"])])
    ax = fig.axes[0]
    assert not [p for p in ax.patches if p.get_label().startswith("no change")]
    assert set(np.asarray(line(ax, "refer from 7°").get_ydata(), float)) == {7.0}


def test_no_scored_results_says_so(ms):
    m = ms["odi"]
    blank = result(m, 0, ["1", "2", "3", "-", "-", "-", "-", "-", "-", "-"])
    fig = measure_over_time(m, [blank])
    assert any(t.get_text() == "no scored results yet" for t in fig.axes[0].texts)
    assert not fig.axes[0].patches


def test_a_daily_diary_has_its_first_weeks_mean_as_baseline(ms):
    """team-default (series.WEEK_DAYS), O1: the baseline of a daily series is the first week's mean (3.14 from
    3, 3, 4, 3, 3, 3, 3), the band ± 30 % of it (0.94) but never under 1 point (SA1), as the decision compares it."""
    m = ms["nprs-leg"]
    fig = measure_over_time(m, [result(m, d, [str(p)]) for d, p in enumerate([3, 3, 4, 3, 3, 3, 3, 5])])
    ax = fig.axes[0]
    base = line(ax, "baseline 3.1\n(mean 07.09–13.09.2026)")
    assert list(np.asarray(base.get_ydata(), float)) == pytest.approx([22 / 7, 22 / 7])
    low, high = band_y(ax, "no change that matters")
    assert (low, high) == (pytest.approx(22 / 7 - 1, abs=1e-6), pytest.approx(22 / 7 + 1, abs=1e-6))
