"""Charts of one patient's log, as matplotlib Figures (never shown here: notebooks display them, the PDF embeds them).

Figures are built with matplotlib.figure.Figure directly, not pyplot, so nothing depends on a display or on
global state, and a figure is freed when it is no longer referenced.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .adherence import IMPORTANT_CHANGE_FRACTION, IMPORTANT_CHANGE_POINTS, PAIN_FLAG_AT, AdherenceSummary

#: Share of the day's scheduled sessions done: none, some, all (and grey: nothing scheduled).
_CALENDAR_COLOURS = ListedColormap(["#f4f4f4", "#f2b8b5", "#f9e08b", "#8cc98f"])
_WEEKDAYS = ["Day 1", "Day 2", "Day 3", "Day 4", "Day 5", "Day 6", "Day 7"]


def calendar_heatmap(summary: AdherenceSummary, *, title: str | None = None) -> Figure:
    """One square per day (columns = plan weeks, rows = days of the plan week), coloured by sessions done."""
    n_weeks = max(1, -(-(summary.end - summary.start).days // 7))
    grid = np.zeros((7, n_weeks))
    for d in summary.daily:
        off = (d["date"] - summary.start).days
        if d["scheduled"] == 0:
            level = 0
        elif d["done"] == 0:
            level = 1
        elif d["done"] < d["scheduled"]:
            level = 2
        else:
            level = 3
        grid[off % 7, off // 7] = level
    fig = Figure(figsize=(max(4.0, 0.45 * n_weeks + 2), 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(grid, cmap=_CALENDAR_COLOURS, vmin=0, vmax=3, aspect="equal")
    ax.set_xticks(range(n_weeks), [str(w + 1) for w in range(n_weeks)])
    ax.set_yticks(range(7), [(summary.start + dt.timedelta(days=i)).strftime("%a") for i in range(7)])
    ax.set_xlabel("Plan week")
    ax.set_title(title or "Sessions done each day")
    ax.legend(
        handles=[Patch(color=_CALENDAR_COLOURS(i), label=t)
                 for i, t in enumerate(["not counted / nothing scheduled", "none done", "some done", "all done"])],
        loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=7, frameon=False,
    )
    return fig


def weekly_adherence(summary: AdherenceSummary, *, target: float | None = None) -> Figure:
    """Bars of weekly adherence (%) with the target as a dashed line (the phase's min adherence by default)."""
    weeks = [w["week"] for w in summary.weekly]
    values = [100 * (w["adherence"] or 0.0) for w in summary.weekly]
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(weeks, values, color="#5b8fd1", label="sessions done")
    if target is not None:
        ax.axhline(100 * target, color="#b00020", linestyle="--", label=f"target {100 * target:.0f}%")
    ax.set_ylim(0, 105)
    ax.set_xticks(weeks or [1])
    ax.set_xlabel("Plan week")
    ax.set_ylabel("Adherence (%)")
    ax.set_title("Weekly adherence")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def pain_over_time(summary: AdherenceSummary) -> Figure:
    """Weekly mean pain before and after sessions, with the band of change that is not clinically important.

    The band runs from the first week's pain minus to plus the important difference (2 points or 30%,
    whichever is smaller) [O1]; the red line is the stop-and-regress level of 6 [T1].
    """
    rows = summary.weekly
    weeks = [w["week"] for w in rows]
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for key, label, colour in (("pain_before", "pain before", "#7a5195"), ("pain_after", "pain after", "#ef5675")):
        ys = [np.nan if w[key] is None else w[key] for w in rows]
        ax.plot(weeks, ys, marker="o", color=colour, label=label)
    change = summary.pain_change
    if change is not None:
        half = min(IMPORTANT_CHANGE_POINTS, IMPORTANT_CHANGE_FRACTION * change.first) if change.first > 0 \
            else IMPORTANT_CHANGE_POINTS
        ax.axhspan(max(0, change.first - half), min(10, change.first + half), color="#cccccc", alpha=0.5,
                   label="no important change")
    ax.axhline(PAIN_FLAG_AT, color="#b00020", linestyle=":", label="stop level (6)")
    ax.set_ylim(0, 10)
    ax.set_xticks(weeks or [1])
    ax.set_xlabel("Plan week")
    ax.set_ylabel("Pain (0-10)")
    ax.set_title("Pain over time")
    ax.legend(loc="upper right", fontsize=7)
    return fig
