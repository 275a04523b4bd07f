"""One outcome measure over time, as a matplotlib Figure (never shown here: the patient page and the report
display or embed it).

The chart shows each scored result on its date, the baseline (the first week's scored results, their mean) as a
dashed line, and the band of change that does not matter: baseline ± the instrument's meaningful change (the smaller of its
points and its percentage of the baseline, as the source words it). A result outside the band is a change
that matters. Referral lines from the instrument's signals (ATR 7°) are drawn where the file gives them.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.dates as mdates
from matplotlib.figure import Figure

from .measures.models import Change, Measure, Result
from .measures.series import scored, trend
from .measures.models import format_value

__all__ = ["measure_over_time", "band_limits", "chart_title"]


def chart_title(m: Measure, part: str | None = None) -> str:
    """'Oswestry Disability Index 2.1a (higher is worse)': the words above a measure's chart."""
    name = m.name if part is None else f"{m.short_name} {_domain_name(m, part)}"
    direction = {"higher-is-better": "higher is better", "higher-is-worse": "higher is worse"}.get(
        m.scoring.direction, "")
    return name + (f" ({direction})" if direction else "")

#: Width of the report's text column in inches (A4 less two 16 mm margins), like physio/charts.py.
WIDTH_IN, HEIGHT_IN = 7.0, 2.8
_LINE, _BASE, _BAND, _REFER, _INK = "#4a7fc1", "#555555", "#d5d9e0", "#c8413b", "#333333"


def _change(m: Measure, part: str | None) -> Change | None:
    if part is None:
        return m.meaningful_change
    domain = next((d for d in m.domains if d.name == part or d.id == part), None)
    if domain is None:
        raise KeyError(f"{m.short_name} has no domain '{part}'; its domains are {', '.join(d.name for d in m.domains)}")
    return domain.meaningful_change


def band_limits(m: Measure, baseline: float, change: Change) -> tuple[float, float, float]:
    """(low, high, half-width) of the no-meaningful-change band around a baseline, kept inside the score range."""
    half = change.threshold(baseline)
    lo, hi = m.scoring.range
    return max(lo, baseline - half), min(hi, baseline + half), half


def measure_over_time(measure: Measure, results: Sequence[Result], *, part: str | None = None,
                      title: str | None = None, show_title: bool = True) -> Figure:
    """The measure's score (or one domain's, e.g. part="pain" for SRS-22r) at each date, with baseline and band.
    show_title=False leaves the title to the page around the chart (the report prints it as text)."""
    m = measure
    series = scored(list(results), m.id)
    values = [(r.on, r.score.value if part is None else r.score.parts.get(_domain_name(m, part))) for r in series]
    values = [(on, v) for on, v in values if v is not None]
    name = m.name if part is None else f"{m.short_name} {_domain_name(m, part)}"
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    ax = fig.add_axes((0.085, 0.17, 0.6, 0.68))
    direction = {"higher-is-better": "higher is better", "higher-is-worse": "higher is worse"}.get(
        m.scoring.direction, "")
    if show_title:
        fig.text(0.012, 0.97, title or f"{name}" + (f" ({direction})" if direction else ""), ha="left", va="top",
                 fontsize=11, fontweight="bold", color=_INK)
    lo, hi = m.scoring.range
    ax.set_ylim(lo, hi)
    change = _change(m, part)
    if values:
        base_on, base = values[0]
        when = f"{base_on:%d.%m.%Y}"
        if part is None:  # the baseline week's mean, as the decision compares it (physio.measures.series.trend)
            t = trend(m, series)
            base = t.base.value
            when = when if t.base.count == 1 else f"mean {t.base.first:%d.%m}–{t.base.last:%d.%m.%Y}"
        if change is not None:
            b_lo, b_hi, half = band_limits(m, base, change)
            ax.axhspan(b_lo, b_hi, color=_BAND, alpha=0.8, linewidth=0,
                       label=f"no change that matters\n(baseline ± {half:.3g})")
        ax.axhline(base, color=_BASE, linestyle="--", linewidth=1.1,
                   label=f"baseline {format_value(m, base)}\n({when})")
        ax.plot([on for on, _ in values], [v for _, v in values], marker="o", markersize=5, color=_LINE,
                linewidth=1.6, label=name if part else m.short_name)
    else:
        ax.text(0.5, 0.5, "no scored results yet", transform=ax.transAxes, ha="center", va="center", color=_INK)
    for rule in m.signals:
        if rule.when == "reaches" and part is None:
            ax.axhline(rule.value, color=_REFER, linestyle=":", linewidth=1.2,
                       label=f"refer from {format_value(m, rule.value)} ({rule.source.split(':')[0]})")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m.%y"))
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.7, 0.85), fontsize=8, frameon=False)
    return fig


def _domain_name(m: Measure, part: str) -> str:
    return next((d.name for d in m.domains if part in (d.name, d.id)), part)
