"""Charts of one patient's log, as matplotlib Figures (never shown here: notebooks display them, the PDF embeds them).

Figures are built with matplotlib.figure.Figure directly, not pyplot, so nothing depends on a display or on
global state, and a figure is freed when it is no longer referenced. All three share one width and one quiet
style, so they line up on the report's page at their true size.

The axes and the legend sit at fixed places on the figure (no automatic layout): matplotlib's constrained layout
measures every label twice per drawing and made each chart take 60-200 ms, too slow for a widget.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .adherence import IMPORTANT_CHANGE_FRACTION, IMPORTANT_CHANGE_POINTS, PAIN_FLAG_AT, AdherenceSummary

#: Width of every chart in inches: the text width of the A4 report (210 mm less two 16 mm margins).
WIDTH_IN = 7.0

_GREEN, _AMBER, _RED, _BLUE, _INK, _GRID = "#4e9a5b", "#e3a33b", "#c8413b", "#4a7fc1", "#333333", "#d9d9d9"

#: Calendar levels: 0 nothing scheduled, 1 none done, 2 some done, 3 all done, 4 not yet counted (after "as of").
CALENDAR_LEVELS = ("nothing scheduled", "none done", "some done", "all done", "not yet due")
_CALENDAR_COLOURS = ListedColormap(["#ffffff", "#eea29a", "#f6d77a", "#8cc98f", "#eef1f5"])


#: Text sizes in points: large enough to read in the widget (drawn at 80 dpi) and on the printed report.
_TITLE_PT, _LABEL_PT, _LEGEND_PT, _CELL_PT = 11, 9, 9, 8

#: Where things sit, as fractions of the figure: the plot on the left, the legend in the column on its right.
_PLOT_LEFT, _PLOT_RIGHT = 0.085, 0.70
_LEGEND_X = 0.715
_HEIGHT_IN = 2.8


def _figure(height: float = _HEIGHT_IN, *, bottom_in: float = 0.55, title: str) -> tuple[Figure, Axes]:
    """A figure with one axes at a fixed place: the title above it and room below for two-line week labels."""
    fig = Figure(figsize=(WIDTH_IN, height))
    top = 1 - 0.42 / height
    ax = fig.add_axes((_PLOT_LEFT, bottom_in / height, _PLOT_RIGHT - _PLOT_LEFT, top - bottom_in / height))
    fig.text(0.012, 1 - 0.1 / height, title, ha="left", va="top", fontsize=_TITLE_PT, fontweight="bold",
             color=_INK)
    return fig, ax


def _legend(fig: Figure, handles: list[Artist], top: float) -> None:
    """The legend in the right-hand column from the top of the plot down: a swatch and a label per entry.

    Drawn as plain figure artists: matplotlib's Legend lays its boxes out by measuring every label again at
    each drawing, which cost as much as the rest of the chart.
    """
    _, height = fig.get_size_inches()
    line = _LEGEND_PT * 1.45 / 72 / height  # one line of legend text, as a fraction of the figure's height
    x0, x1 = _LEGEND_X, _LEGEND_X + 0.032
    top_of_entry = top
    for h in handles:
        label = h.get_label()
        y = top_of_entry - line / 2  # the middle of the entry's first line
        if isinstance(h, Line2D):
            swatch: Artist = Line2D([x0, (x0 + x1) / 2, x1], [y, y, y], color=h.get_color(),
                                    linestyle=h.get_linestyle(), linewidth=h.get_linewidth(), marker=h.get_marker(),
                                    markersize=h.get_markersize(), markerfacecolor=h.get_markerfacecolor(),
                                    markevery=[1])
        else:
            swatch = Rectangle((x0, y - 0.32 * line), x1 - x0, 0.64 * line, facecolor=h.get_facecolor(),
                               edgecolor=h.get_edgecolor(), linewidth=h.get_linewidth())
        swatch.set_transform(fig.transFigure)
        fig.add_artist(swatch)
        # one line is centred on its swatch; a longer label hangs from the top of its entry
        many = "\n" in label
        fig.text(x1 + 0.013, top_of_entry if many else y, label, ha="left", va="top" if many else "center",
                 fontsize=_LEGEND_PT, color=_INK, linespacing=1.2)
        top_of_entry -= line * (label.count("\n") + 1.35)  # lines, and a third of a line between entries


def _week_ticks(ax: Axes, summary: AdherenceSummary, weeks: list[int], offset: int = 0) -> None:
    """Week labels ('W3' over '21.09': the plan week and the date it starts, so the therapist can find it in the
    patient's log) under every week up to 10, then under every 2nd, 4th or 8th.

    They are plain texts below the axes rather than tick labels: matplotlib builds and measures several objects
    per tick, which was most of a chart's drawing time.
    """
    step = 1 if len(weeks) <= 10 else 2 if len(weeks) <= 20 else 4 if len(weeks) <= 40 else 8
    ax.set_xticks([])
    below = ax.get_xaxis_transform()  # x in data, y in axes fractions
    for w in weeks[::step]:
        ax.text(w - offset, -0.03, f"W{w}\n{summary.start + dt.timedelta(days=7 * (w - 1)):%d.%m}", transform=below,
                ha="center", va="top", fontsize=_LABEL_PT, color=_INK, linespacing=1.1)


def _y_labels(ax: Axes, values: list[float], labels: list[str], *, grid: bool = True) -> None:
    """Labels left of the axes at these heights, with light grid lines across: plain texts and one line
    collection, which draw several times faster than matplotlib's ticks."""
    ax.set_yticks([])
    beside = ax.get_yaxis_transform()  # x in axes fractions, y in data
    for v, text in zip(values, labels):
        ax.text(-0.012, v, text, transform=beside, ha="right", va="center", fontsize=_LABEL_PT, color=_INK)
    if grid:
        ax.hlines(values, 0, 1, transform=beside, colors=_GRID, linewidth=0.6, zorder=0)


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#888888")
    ax.spines["bottom"].set_color("#888888")


def calendar_heatmap(summary: AdherenceSummary, *, title: str | None = None) -> Figure:
    """One square per day (columns = plan weeks, rows = days of the plan week), coloured by sessions done.

    Days after the "as of" date are shown as not yet due, never as missed. Up to 12 weeks, each square also
    says how many of the day's sessions were done ("2/3"; "+1" marks a session the patient added); longer plans
    have squares too small to hold a readable number.
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
    fig, ax = _figure(2.9, title=title or "Sessions done each day")
    ax.imshow(grid, cmap=_CALENDAR_COLOURS, vmin=0, vmax=4, aspect="auto", interpolation="nearest")
    # white lines between the squares: two line collections instead of a grid of minor ticks
    ax.vlines(np.arange(0.5, n_weeks - 0.5), -0.5, 6.5, colors="white", linewidth=1.5)
    ax.hlines(np.arange(0.5, 6.5), -0.5, n_weeks - 0.5, colors="white", linewidth=1.5)
    ax.set_xlim(-0.5, n_weeks - 0.5)
    ax.set_ylim(6.5, -0.5)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _week_ticks(ax, summary, list(range(1, n_weeks + 1)), offset=1)
    _y_labels(ax, list(range(7)), [(summary.start + dt.timedelta(days=i)).strftime("%a") for i in range(7)],
              grid=False)
    if n_weeks <= 12:
        for (r, c), text in labels.items():
            ax.text(c, r, text, ha="center", va="center", fontsize=_CELL_PT, color=_INK)
    _legend(fig, [Patch(facecolor=_CALENDAR_COLOURS(i), edgecolor="#999999", linewidth=0.8, label=t)
                  for i, t in enumerate(CALENDAR_LEVELS)], ax.get_position().y1)
    return fig


def weekly_adherence(summary: AdherenceSummary, *, target: float | None = None) -> Figure:
    """Bars of weekly adherence (%) with the target as a dashed line (the phase's min adherence by default).

    With a target, weeks that reach it are green and weeks below it amber; up to 16 weeks each bar is labelled
    with its percentage and its sessions done of scheduled.
    """
    rows = summary.weekly
    weeks = [w["week"] for w in rows]
    values = [100 * (w["adherence"] or 0.0) for w in rows]
    if target is None:
        colours = [_BLUE] * len(rows)
    else:
        colours = [_GREEN if v >= 100 * target - 1e-9 else _AMBER for v in values]
    fig, ax = _figure(title="Weekly adherence: scheduled sessions done")
    bars = ax.bar(weeks, values, color=colours, width=0.7)
    if len(rows) <= 16:
        size = _CELL_PT if len(rows) <= 8 else _CELL_PT - 1
        for bar, w, v in zip(bars, rows, values):
            ax.text(bar.get_x() + bar.get_width() / 2, v + 2, f"{v:.0f}%\n{w['done']}/{w['scheduled']}",
                    ha="center", va="bottom", fontsize=size, color=_INK, linespacing=1.0)
    ax.set_ylim(0, 130)
    ax.set_xlim(0.4, max(weeks or [1]) + 0.6)
    _week_ticks(ax, summary, weeks or [1])
    _y_labels(ax, [0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    _style(ax)
    if target is not None:
        line = ax.axhline(100 * target, color=_RED, linestyle="--", linewidth=1.2, label=f"target {100 * target:.0f}%")
        _legend(fig, [Patch(color=_GREEN, label="reached the target"), Patch(color=_AMBER, label="below the target"),
                      line], ax.get_position().y1)
    return fig


def pain_over_time(summary: AdherenceSummary) -> Figure:
    """Weekly mean pain before and after sessions, with the band of change that is not clinically important.

    The band runs from the first week's pain minus to plus the important difference (2 points or 30%,
    whichever is smaller) [O1]; pain of 6 or more is the stop-or-regress zone [T1], shaded above its line.
    """
    rows = summary.weekly
    weeks = [w["week"] for w in rows]
    fig, ax = _figure(title="Pain, weekly mean (0 none – 10 worst)")
    ax.axhspan(PAIN_FLAG_AT, 10, color="#f7dcda", alpha=0.6, linewidth=0, label=f"stop or regress ({PAIN_FLAG_AT}+)")
    change = summary.pain_change
    if change is not None:
        half = min(IMPORTANT_CHANGE_POINTS, IMPORTANT_CHANGE_FRACTION * change.first) if change.first > 0 \
            else IMPORTANT_CHANGE_POINTS
        ax.axhspan(max(0, change.first - half), min(10, change.first + half), color="#d5d9e0", alpha=0.7,
                   linewidth=0, label=f"no important change\nfrom week {change.first_week} (±{half:.1f})")
    if any(w["pain_before"] is not None or w["pain_after"] is not None for w in rows):
        # "before" as large open circles and "after" as small filled squares: both stay visible when they agree
        ax.plot(weeks, [np.nan if w["pain_before"] is None else w["pain_before"] for w in rows], linestyle="--",
                marker="o", markersize=7, markerfacecolor="white", color="#6a4c93", linewidth=1.2,
                label="before exercising")
        ax.plot(weeks, [np.nan if w["pain_after"] is None else w["pain_after"] for w in rows], linestyle="-",
                marker="s", markersize=4, color="#d1495b", linewidth=1.5, label="after exercising")
    else:  # the day-by-day log: back and leg pain once a day, the higher of the two each day
        ax.plot(weeks, [np.nan if w["pain"] is None else w["pain"] for w in rows], linestyle="-",
                marker="o", markersize=6, color="#d1495b", linewidth=1.5, label="pain of the day (back or leg)")
    ax.axhline(PAIN_FLAG_AT, color=_RED, linestyle=":", linewidth=1)
    ax.set_ylim(0, 10)
    ax.set_xlim(0.6, max(weeks or [1]) + 0.4)
    _week_ticks(ax, summary, weeks or [1])
    _y_labels(ax, list(range(0, 11, 2)), [str(v) for v in range(0, 11, 2)])
    _style(ax)
    handles, _ = ax.get_legend_handles_labels()
    _legend(fig, handles, ax.get_position().y1)
    return fig
