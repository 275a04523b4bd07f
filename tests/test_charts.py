"""Charts carry the data they claim to show; the adherence report PDF holds the numbers, reasons and charts."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import numpy as np
import pytest
from matplotlib.figure import Figure

from adherence_helpers import START, entry, make_plan
from physio.adherence import summarise
from physio.charts import calendar_heatmap, pain_over_time, weekly_adherence
from physio.planning import schedule
from physio.progression import recommend

D = dt.timedelta


@pytest.fixture
def summary():
    plan = make_plan()
    sessions = schedule(plan)
    entries = [entry(plan, s.date, s.exercise_id, session=s.session, pain_before=4 if s.week == 1 else 2,
                     pain_after=3, notes="немного болит" if s.week == 2 else None)
               for s in sessions if s.week < 3 or s.exercise_id == "glute-bridge"]
    return plan, summarise(plan, sessions, entries)


def test_calendar_heat_map_colours_each_day_by_sessions_done(summary):
    _, s = summary
    fig = calendar_heatmap(s)
    assert isinstance(fig, Figure)
    (image,) = fig.axes[0].get_images()
    grid = np.asarray(image.get_array())
    assert grid.shape == (7, 3)
    assert (grid[:, :2] == 3).all()  # weeks 1-2: all done
    assert (grid[:, 2] == 2).all()  # week 3: only the bridge, so "some done"


def test_weekly_adherence_bars_and_target_line(summary):
    plan, s = summary
    fig = weekly_adherence(s, target=0.7)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([100, 100, 100 * 7 / 24])
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [70, 70]


def test_pain_over_time_lines_and_the_important_change_band(summary):
    _, s = summary
    fig = pain_over_time(s)
    ax = fig.axes[0]
    before, after, stop = ax.get_lines()
    assert list(before.get_ydata()) == [4, 2, 2]
    assert list(after.get_ydata()) == [3, 3, 3]
    assert list(stop.get_ydata()) == [6, 6]
    (band,) = [p for p in ax.patches if p.get_label().startswith("no important change")]
    low, high = band.get_y(), band.get_y() + band.get_height()
    assert (low, high) == (pytest.approx(4 - 1.2), pytest.approx(4 + 1.2))  # 30% of 4 is less than 2 points


def test_adherence_report_pdf_has_numbers_reasons_and_charts(summary, tmp_path):
    from physio.io.report import adherence_report_bytes, write_adherence_report

    plan, s = summary
    rec = recommend(plan, s)
    data = adherence_report_bytes(plan, s, rec)
    assert data == adherence_report_bytes(plan, s, rec)  # reproducible
    path = write_adherence_report(plan, s, rec, tmp_path / "report.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Adherence report: Anna K" in text
    assert rec.label in text
    assert f"{100 * s.adherence:.0f}%" in text
    assert "Week by week" in text and "Bridge" in text
    assert "Anna K · anna-k-test-back v1 · adherence as of 27.09.2026" in text and "page 1" in text  # footer
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    images = sum(len(p.images) for p in reader.pages)
    assert images == 3
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts


def test_days_after_the_as_of_date_are_not_yet_due_never_missed():
    from physio.charts import CALENDAR_LEVELS

    plan = make_plan()
    sessions = schedule(plan)
    entries = [entry(plan, s.date, s.exercise_id, session=s.session) for s in sessions if s.week == 1]
    s = summarise(plan, sessions, entries, as_of=START + D(days=9))
    grid = np.asarray(calendar_heatmap(s).axes[0].get_images()[0].get_array())
    assert (grid[:, 0] == CALENDAR_LEVELS.index("all done")).all()
    assert (grid[:3, 1] == CALENDAR_LEVELS.index("none done")).all()  # days 8-10: due and not done
    assert (grid[3:, 1] == CALENDAR_LEVELS.index("not yet due")).all()
    assert (grid[:, 2] == CALENDAR_LEVELS.index("not yet due")).all()


def test_weeks_below_the_target_stand_out_and_bars_say_their_numbers(summary):
    from matplotlib.colors import to_hex

    _, s = summary
    ax = weekly_adherence(s, target=0.7).axes[0]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[0] == colours[1] != colours[2]  # weeks 1-2 reached 70%, week 3 (29%) did not
    texts = [t.get_text() for t in ax.texts]
    assert texts[2] == "29%\n7/24"


def test_pain_over_time_shows_the_daily_pain_of_the_day_by_day_log():
    """The new log asks for back and leg pain once a day, not before and after each exercise: the chart shows
    that weekly pain instead of two empty lines."""
    from physio.adherence import daily_pain_scores

    plan = make_plan(weeks=2)
    days = [START + D(days=i) for i in range(14)]
    daily = daily_pain_scores([("nprs-back", days[0], 2), ("nprs-leg", days[1], 5), ("nprs-back", days[8], 6)], plan)
    s = summarise(plan, schedule(plan), [entry(plan, d, "glute-bridge") for d in days[:10]], daily_pain=daily)
    ax = pain_over_time(s).axes[0]
    pain, stop = ax.get_lines()
    assert pain.get_label() == "pain of the day (back or leg)"
    assert list(pain.get_ydata()) == [3.5, 6]
