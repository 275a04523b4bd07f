"""Charts of one patient's log, as matplotlib Figures (never shown here: notebooks display them, the PDF embeds them).

Figures are built with matplotlib.figure.Figure directly, not pyplot, so nothing depends on a display or on
global state, and a figure is freed when it is no longer referenced. All three share one width and one quiet
style, so they line up on the report's page at their true size.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .adherence import IMPORTANT_CHANGE_FRACTION, IMPORTANT_CHANGE_POINTS, PAIN_FLAG_AT, AdherenceSummary

#: Width of every chart in inches: the text width of the A4 report (210 mm less two 16 mm margins).
WIDTH_IN = 7.0

_GREEN, _AMBER, _RED, _BLUE, _INK, _GRID = "#4e9a5b", "#e3a33b", "#c8413b", "#4a7fc1", "#333333", "#d9d9d9"

#: Calendar levels: 0 nothing scheduled, 1 none done, 2 some done, 3 all done, 4 not yet counted (after "as of").
CALENDAR_LEVELS = ("nothing scheduled", "none done", "some done", "all done", "not yet due")
_CALENDAR_COLOURS = ListedColormap(["#ffffff", "#eea29a", "#f6d77a", "#8cc98f", "#eef1f5"])


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#888888")
    ax.spines["bottom"].set_color("#888888")
    ax.tick_params(colors=_INK, labelsize=8)
    ax.yaxis.grid(True, color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _week_labels(summary: AdherenceSummary, weeks: list[int]) -> list[str]:
    """'W3\\n21.09': the plan week and the date it starts, so the therapist can find it in the patient's log."""
    step = 1 if len(weeks) <= 16 else 2 if len(weeks) <= 30 else 4
    return [f"W{w}\n{summary.start + dt.timedelta(days=7 * (w - 1)):%d.%m}" if (w - 1) % step == 0 else ""
            for w in weeks]


def calendar_heatmap(summary: AdherenceSummary, *, title: str | None = None) -> Figure:
    """One square per day (columns = plan weeks, rows = days of the plan week), coloured by sessions done.

    Days after the "as of" date are shown as not yet due, never as missed. Up to 26 weeks, each square also
    says how many of the day's sessions were done ("2/3"; "+1" marks a session the patient added).
    """
    n_weeks = max(1, -(-((summary.end - summary.start).days + 1) // 7))
    grid = np.full((7, n_weeks), 4.0)
    labels: dict[tuple[int, int], str] = {}
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
        if d["scheduled"]:
            labels[(off % 7, off // 7)] = f"{d['done']}/{d['scheduled']}" + (f"+{d['extra']}" if d["extra"] else "")
    last = (summary.end - summary.start).days
    for off in range(last + 1, 7 * n_weeks):  # the plan ended before the week did
        grid[off % 7, off // 7] = 0
    height = 2.6 if n_weeks <= 26 else 2.2
    fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(grid, cmap=_CALENDAR_COLOURS, vmin=0, vmax=4, aspect="auto", interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, n_weeks, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, 7, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0, labelsize=8, colors=_INK)
    for spine in ax.spines.values():
        spine.set_visible(False)
    weeks = list(range(1, n_weeks + 1))
    ax.set_xticks(range(n_weeks), _week_labels(summary, weeks))
    ax.set_yticks(range(7), [(summary.start + dt.timedelta(days=i)).strftime("%a") for i in range(7)])
    if n_weeks <= 26:
        size = 7 if n_weeks <= 12 else 5.5
        for (r, c), text in labels.items():
            ax.text(c, r, text, ha="center", va="center", fontsize=size, color=_INK)
    ax.set_title(title or "Sessions done each day", loc="left", fontsize=10, fontweight="bold")
    ax.legend(
        handles=[Patch(facecolor=_CALENDAR_COLOURS(i), edgecolor="#bbbbbb", label=t)
                 for i, t in enumerate(CALENDAR_LEVELS)],
        loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False,
    )
    return fig


def weekly_adherence(summary: AdherenceSummary, *, target: float | None = None) -> Figure:
    """Bars of weekly adherence (%) with the target as a dashed line (the phase's min adherence by default).

    With a target, weeks that reach it are green and weeks below it amber; each bar is labelled with its
    percentage and its sessions done of scheduled.
    """
    rows = summary.weekly
    weeks = [w["week"] for w in rows]
    values = [100 * (w["adherence"] or 0.0) for w in rows]
    if target is None:
        colours = [_BLUE] * len(rows)
    else:
        colours = [_GREEN if v >= 100 * target - 1e-9 else _AMBER for v in values]
    fig = Figure(figsize=(WIDTH_IN, 2.6), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("Weekly adherence: scheduled sessions done", loc="left", fontsize=10, fontweight="bold")
    bars = ax.bar(weeks, values, color=colours, width=0.7)
    if len(rows) <= 16:
        for bar, w, v in zip(bars, rows, values):
            ax.annotate(f"{v:.0f}%\n{w['done']}/{w['scheduled']}", (bar.get_x() + bar.get_width() / 2, v),
                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=7, color=_INK)
    handles = []
    if target is not None:
        ax.axhline(100 * target, color=_RED, linestyle="--", linewidth=1.2)
        handles = [Patch(color=_GREEN, label=f"reached the target ({100 * target:.0f}%)"),
                   Patch(color=_AMBER, label="below the target"),
                   ax.lines[-1]]
        ax.lines[-1].set_label(f"target {100 * target:.0f}%")
    ax.set_ylim(0, 125)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.set_xlim(0.4, max(weeks or [1]) + 0.6)
    ax.set_xticks(weeks or [1], _week_labels(summary, weeks or [1]))
    ax.set_ylabel("Sessions done (%)", fontsize=8)
    _style(ax)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False)
    return fig


def pain_over_time(summary: AdherenceSummary) -> Figure:
    """Weekly mean pain before and after sessions, with the band of change that is not clinically important.

    The band runs from the first week's pain minus to plus the important difference (2 points or 30%,
    whichever is smaller) [O1]; pain of 6 or more is the stop-or-regress zone [T1], shaded above its line.
    """
    rows = summary.weekly
    weeks = [w["week"] for w in rows]
    fig = Figure(figsize=(WIDTH_IN, 2.6), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("Pain, weekly mean (0 none – 10 worst)", loc="left", fontsize=10, fontweight="bold")
    ax.axhspan(PAIN_FLAG_AT, 10, color="#f7dcda", alpha=0.6, linewidth=0, label=f"stop or regress ({PAIN_FLAG_AT}+)")
    change = summary.pain_change
    if change is not None:
        half = min(IMPORTANT_CHANGE_POINTS, IMPORTANT_CHANGE_FRACTION * change.first) if change.first > 0 \
            else IMPORTANT_CHANGE_POINTS
        ax.axhspan(max(0, change.first - half), min(10, change.first + half), color="#d5d9e0", alpha=0.7,
                   linewidth=0, label=f"no important change from week {change.first_week} (±{half:.1f})")
    # "before" as large open circles and "after" as small filled squares: both stay visible when they agree
    ax.plot(weeks, [np.nan if w["pain_before"] is None else w["pain_before"] for w in rows], linestyle="--",
            marker="o", markersize=7, markerfacecolor="white", color="#6a4c93", linewidth=1.2, label="before exercising")
    ax.plot(weeks, [np.nan if w["pain_after"] is None else w["pain_after"] for w in rows], linestyle="-",
            marker="s", markersize=4, color="#d1495b", linewidth=1.5, label="after exercising")
    ax.axhline(PAIN_FLAG_AT, color=_RED, linestyle=":", linewidth=1)
    ax.set_ylim(0, 10)
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlim(0.6, max(weeks or [1]) + 0.4)
    ax.set_xticks(weeks or [1], _week_labels(summary, weeks or [1]))
    ax.set_ylabel("Pain (0-10)", fontsize=8)
    _style(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, frameon=False)
    return fig
