"""Dose controls bounded by a protocol's Limit: the widget clamps, and the row says why."""

from __future__ import annotations

import functools
from typing import Callable

import ipywidgets as w
import traitlets
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ..library import Library
from ..models import PARAM_LABELS, Dose, Limit, PlannedExercise
from . import _base as b
from ._pictures import exercise_svg


class LimitSlider(w.IntSlider):
    """An IntSlider with an editable readout, bounded by the HARD limit.

    A value beyond the bounds (typed into the readout, or set from code) is clamped like any bounded
    widget, and remembered in `refused` so the row can explain what happened.
    """

    refused: int | None = None

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        value = proposal["value"]
        if value < self.min or value > self.max:
            self.refused = value
        return min(max(value, self.min), self.max)


@functools.cache
def _shared() -> dict[str, w.Widget]:
    """Style and layout objects that no row ever changes, shared by all rows: each widget otherwise makes
    its own, and building them is most of the time a new row takes."""
    return {
        "slider_style": w.SliderStyle(description_width="150px"),
        # a narrow page (JupyterLab beside its file browser at 1024 px) wraps the hint and the picture under the
        # slider instead of squeezing the slider to a stub
        "slider_layout": w.Layout(width="430px", min_width="340px", flex="0 1 430px"),
        "hint_layout": w.Layout(width="auto"),
        "line_layout": w.Layout(flex_flow="row wrap", align_items="center"),
        "plain_layout": w.Layout(),
        "html_style": HTMLStyle(),
        "text_style": TextStyle(),
    }


def _range(r: tuple[int, int]) -> str:
    return f"{r[0]}–{r[1]}"


class ExerciseRow:
    """One exercise of the plan: a slider per dose value, a reason box when a value leaves the usual range."""

    def __init__(self, planned: PlannedExercise, on_change: Callable[[], None], on_remove: Callable[["ExerciseRow"], None],
                 library: Library | None = None):
        self.library = library
        self.exercise_id = planned.exercise.id
        self.name = b.exercise_words(library, planned.exercise)  # the therapist's words; the handout prints the plan's
        self.added = planned.added
        self.per_side = planned.dose.per_side
        self.limits: dict[str, Limit] = dict(planned.limits)
        #: The values the protocol's phase prescribes; a change is whatever differs from these.
        self.default: dict[str, int] = (planned.protocol_dose or planned.dose).values()
        self.removed = False
        self._on_change = on_change
        self._quiet = False
        self.sliders: dict[str, LimitSlider] = {}
        self.hints: dict[str, w.HTML] = {}
        self.reasons: dict[str, w.Textarea] = {}
        self.fixed: dict[str, int] = {}
        lines = []
        shared = _shared()
        for param, value in planned.dose.values().items():
            limit = self.limits.get(param)
            label = PARAM_LABELS.get(param, param)
            if limit is None:  # no limit, so planning allows no change: show the value only
                self.fixed[param] = value
                lines.append(w.HTML(f"<span class='physio-hint'>{b.esc(label)}: {value} (fixed by the protocol)</span>",
                                    style=shared["html_style"], layout=shared["plain_layout"]))
                continue
            slider = LimitSlider(
                value=value, min=limit.hard[0], max=limit.hard[1], step=1, description=label,
                continuous_update=False, style=shared["slider_style"], layout=shared["slider_layout"],
            )
            hint = w.HTML(layout=shared["hint_layout"], style=shared["html_style"])
            reason = w.Textarea(
                value=planned.reasons.get(param, ""), placeholder=f"Why {label} outside the usual range {_range(limit.usual)}?",
                layout=w.Layout(width="auto", max_width="560px", height="48px", display="none", margin="0 0 4px 154px"),
                style=shared["text_style"],
            )
            slider.observe(self._changed, names="value")
            reason.observe(self._changed, names="value")
            self.sliders[param], self.hints[param], self.reasons[param] = slider, hint, reason
            lines.append(w.VBox([w.HBox([slider, hint], layout=shared["line_layout"]), reason],
                                layout=shared["plain_layout"]))
        self.summary = w.HTML(style=shared["html_style"], layout=shared["plain_layout"])
        self.remove_button = w.Button(
            description="Remove", icon="trash", tooltip="Leave this exercise out of the plan",
            layout=w.Layout(width="110px"),
        )
        self.remove_button.on_click(lambda _: on_remove(self))
        source = "added by you" if self.added else planned.dose_source
        header = w.HTML(
            f"<b>{b.esc(self.name)}</b> <span class='physio-source'>({b.esc(source)})</span>",
            layout=w.Layout(flex="1"),
        )
        #: The exercise drawn at the current dose (the board at the angle on the slider).
        self.picture = w.HTML(layout=w.Layout(margin="0 0 0 12px"))
        self.body = w.HBox([w.VBox(lines), self.picture], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox(
            [w.HBox([header, self.remove_button]), self.summary, self.body],
            layout=w.Layout(border="1px solid #d5dde5", padding="6px 10px", margin="4px 0"),
        )
        self._update_hints()
        self._update_picture()

    # ------------------------------------------------------------ state read by the builder

    def values(self) -> dict[str, int]:
        return {**self.fixed, **{p: s.value for p, s in self.sliders.items()}}

    def changed(self) -> dict[str, int]:
        """Values that differ from the phase's prescription."""
        return {p: v for p, v in self.values().items() if self.default.get(p) != v}

    def reasons_needed(self) -> dict[str, str]:
        """Reason text for every value outside its usual range (blank when the therapist wrote none)."""
        out = {}
        for p, s in self.sliders.items():
            if not self.limits[p].in_usual(s.value):
                out[p] = self.reasons[p].value.strip()
        return out

    def dose(self) -> Dose:
        return Dose(**self.values(), per_side=self.per_side)

    def fits(self, planned: PlannedExercise) -> bool:
        """Whether this row's controls can show `planned` (same exercise, values, limits), so it can be reused."""
        fixed = {p: v for p, v in planned.dose.values().items() if p not in planned.limits}
        return (
            not planned.added and not self.added and planned.exercise.id == self.exercise_id
            and planned.dose.per_side == self.per_side and dict(planned.limits) == self.limits
            and fixed == self.fixed and set(planned.dose.values()) == set(self.values())
        )

    def reset(self, planned: PlannedExercise) -> None:
        """Show `planned` again in these controls (see `fits`): building ~40 widgets per row is what makes
        switching patient or phase slow, so the builder reuses the rows of a phase it has shown before."""
        self._quiet = True
        try:
            for param, value in planned.dose.values().items():
                if param in self.sliders:
                    self.sliders[param].value = value
                    self.reasons[param].value = planned.reasons.get(param, "")
        finally:
            self._quiet = False
        self.default = (planned.protocol_dose or planned.dose).values()
        self.set_removed(False)
        self._update_hints()
        self._update_picture()

    def set_removed(self, removed: bool) -> None:
        self.removed = removed
        self.body.layout.display = "none" if removed else ""
        self.remove_button.description = "Put back" if removed else "Remove"
        self.remove_button.icon = "undo" if removed else "trash"
        self.widget.layout.opacity = "0.55" if removed else "1"

    # ------------------------------------------------------------ callbacks

    def _changed(self, change=None) -> None:
        if self._quiet:
            return
        self._update_hints()
        if change is not None and change.get("owner") in self.sliders.values():
            self._update_picture()
        self._on_change()

    def _update_picture(self) -> None:
        svg = exercise_svg(self.exercise_id, self.dose(), self.library)
        self.picture.value = f"<div class='physio-row-figure'>{svg}</div>" if svg else ""

    def _update_hints(self) -> None:
        for p, s in self.sliders.items():
            lim = self.limits[p]
            label = PARAM_LABELS.get(p, p)
            reason = self.reasons[p]
            if s.refused is not None:
                side = "above" if s.refused > lim.hard[1] else "below"
                text = (
                    f"<span style='color:#c62828'>{s.refused} is {side} the hard limit {_range(lim.hard)}, "
                    f"so it was set to {s.value}.</span>"
                )
                s.refused = None
            elif not lim.in_usual(s.value):
                # the browser clamps a typed value itself, so at the edge say that this is as far as it goes
                edge = f" {s.value} is the hard limit." if s.value in lim.hard else ""
                text = (
                    f"<span style='color:#9a6700'>Outside the usual range {_range(lim.usual)}: "
                    f"write why below.{edge}</span>"
                )
            else:
                text = f"<span class='physio-hint'>usual {_range(lim.usual)}, limit {_range(lim.hard)}</span>"
            self.hints[p].value = text
            reason.layout.display = "" if not lim.in_usual(s.value) else "none"
            if lim.in_usual(s.value):
                continue
            reason.placeholder = f"Why {label} {s.value}? (usual {_range(lim.usual)}; stored with the plan)"
