"""Outcome measures on the patient's page: MeasureEntry (type the answers of any instrument, baseline at intake or
a follow-up) and MeasuresPanel (each measure over time with its baseline and band, the latest score with its band
or risk group, what the measures say about the next step, and a MeasureEntry for follow-ups).

Checking and scoring are physio.measures' (pure); storing is the workspace's (record_result). These widgets only
wire them: an impossible answer is refused next to its item naming the allowed values; too few answers are said
with the instrument's rule; nothing is kept until the answers score, and one sheet is kept once however often the
button is clicked.
"""

from __future__ import annotations

import io
from typing import Any, Callable, Literal

import ipywidgets as w

from ..clock import today
from ..measures import (MeasureError, default_measures, format_value, measure_signals, part_changes, record,
                        trends)
from ..measures.answers import check_answers
from ..measures.models import Item, Measure, Score
from ..store import Workspace
from . import _base as b

Purpose = Literal["baseline", "follow-up"]

#: The instruments a spine clinic takes at intake come first in the list (issue 15: NPRS back and leg, function,
#: STarT Back; scoliosis: SRS-22r, ATR, Cobb, Risser); the rest follow by name.
FIRST = ["nprs-back", "nprs-leg", "odi", "rmdq-24", "psfs", "start-back", "srs-22r", "atr-thoracic",
         "atr-thoracolumbar", "atr-lumbar", "cobb", "risser"]

#: Sharp enough on screen and quick to draw (~70 ms a chart).
CHART_DPI = 80


def _ordered(measures: dict[str, Measure]) -> list[Measure]:
    rank = {mid: i for i, mid in enumerate(FIRST)}
    return sorted(measures.values(), key=lambda m: (rank.get(m.id, len(FIRST)), m.name))


class _ItemRow:
    """One item: its label (the form's wording only where the licence allows), the answer box and, beside it,
    why an answer is refused."""

    def __init__(self, measure: Measure, item: Item) -> None:
        self.item = item
        na = ", na" if measure.not_applicable_counts_as is not None else ""
        wording = f" — {item.text}" if (item.text and measure.licence.print_wording) else ""
        self.label = w.HTML(f"<b>{b.esc(item.label)}</b>{b.esc(wording)}",
                            layout=w.Layout(width="420px" if wording else "160px"))
        self.box = w.Text(placeholder=f"{item.allowed()}{na}", layout=w.Layout(width="200px"))
        self.error = w.HTML()
        self.widget = w.HBox([self.label, self.box, self.error])

    def show_error(self, text: str) -> None:
        self.error.value = f"<span style='color:#b3261e'>{b.esc(text)}</span>" if text else ""


class _ActivityRow:
    """PSFS: an activity the patient named and its score 0–10."""

    def __init__(self, measure: Measure, name: str = "") -> None:
        scale = measure.items[0]
        self.name = w.Text(value=name, placeholder="activity, in the patient's words", layout=w.Layout(width="300px"))
        self.box = w.Text(placeholder=f"score {scale.min:g}–{scale.max:g}", layout=w.Layout(width="120px"))
        self.error = w.HTML()
        self.widget = w.HBox([self.name, self.box, self.error])

    def show_error(self, text: str) -> None:
        self.error.value = f"<span style='color:#b3261e'>{b.esc(text)}</span>" if text else ""


class MeasureEntry:
    """Enter one answer sheet of any instrument for a patient and keep its score. `.widget` is what is displayed.

    purpose: "baseline" (at intake) or "follow-up"; on_saved(stored_result) is called after a sheet is kept."""

    def __init__(self, ws: Workspace, patient_id: str, purpose: Purpose = "follow-up",
                 on_saved: Callable[[Any], None] | None = None, *, by: str | None = None,
                 measures: dict[str, Measure] | None = None) -> None:
        if purpose not in ("baseline", "follow-up"):
            raise ValueError(f"purpose is 'baseline' or 'follow-up', not {purpose!r}")
        self.workspace, self.patient_id, self.purpose, self.on_saved, self.by = ws, patient_id, purpose, on_saved, by
        self.measures = measures or default_measures()
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.rows: list[_ItemRow] = []
        self.activities: list[_ActivityRow] = []
        #: The last sheet kept (measure, date, answers): the same sheet clicked again is not kept twice.
        self._last_saved: tuple | None = None
        self.saved: list = []

        self.instrument = b.dropdown("Instrument", [(m.name, m.id) for m in _ordered(self.measures)], width="520px")
        self.date = w.DatePicker(description="Date", value=today(), style={"description_width": "110px"})
        self.licence = w.HTML()
        self.items_box = w.VBox()
        self.save_button = w.Button(description="Save", icon="check", button_style="primary",
                                    layout=w.Layout(width="160px"))
        title = "Baseline outcome measures" if purpose == "baseline" else "Follow-up outcome measure"
        hint = ("Type the answers from the form the patient filled in at intake; each instrument is saved on its own."
                if purpose == "baseline" else "Type the answers from the form the patient filled in.")
        self.instrument.observe(lambda _: self._build_items(), names="value")
        self.save_button.on_click(lambda _: self.save())
        self.widget = w.VBox([
            b.style(), w.HTML(f"<div class='physio-title' style='font-size:1.1em'>{b.esc(title)}</div>"
                              f"<div class='physio-hint'>{b.esc(hint)}</div>"),
            self.instrument, self.date, self.licence, self.items_box, self.save_button, self.messages.widget,
            self.log,
        ])
        self._build_items()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    @property
    def measure(self) -> Measure:
        return self.measures[self.instrument.value]

    # ------------------------------------------------------------ the form

    @b.guarded
    def _build_items(self) -> None:
        m = self.measure
        self.messages.clear()
        self.licence.value = self._licence_html(m)
        self.rows, self.activities = [], []
        if m.activities is not None:
            named = list(getattr(self.workspace.patient(self.patient_id), "psfs_activities", []) or [])
            self.activities = [_ActivityRow(m, name) for name in named[:m.activities.max]]
            self.activities += [_ActivityRow(m) for _ in range(m.activities.max - len(self.activities))]
            self.items_box.children = [w.HTML(f"<div class='physio-hint'>{b.esc(self._psfs_hint(m, named))}</div>"),
                                       *[a.widget for a in self.activities]]
            return
        self.rows = [_ItemRow(m, it) for it in m.items]
        self.items_box.children = [r.widget for r in self.rows]

    @staticmethod
    def _licence_html(m: Measure) -> str:
        if m.licence.print_wording:
            return f"<div class='physio-hint'>{b.esc(m.what)}</div>"
        return (f"<div class='physio-hint'>{b.esc(m.what)}<br>The form's wording is not shown here: "
                f"{b.esc(m.licence.reason)}</div>")

    @staticmethod
    def _psfs_hint(m: Measure, named: list[str]) -> str:
        spec = m.activities
        whose = ("The activities the patient named at intake are filled in; score each."
                 if named else "Write the activities the patient names, in their words, and score each.")
        scale = m.items[0]
        return (f"{whose} {spec.min}–{spec.max} activities, each scored {scale.min:g}–{scale.max:g}"
                + (f" ({scale.text})." if scale.text else "."))

    def set_answers(self, answers: list[str] | dict[str, str]) -> None:
        """Fill the answer boxes (by item id, or in order), as a therapist would type them."""
        if isinstance(answers, dict):
            for r in self.rows:
                r.box.value = str(answers.get(r.item.id, ""))
        else:
            for r, a in zip(self.rows, answers):
                r.box.value = str(a)

    def set_activities(self, pairs: list[tuple[str, str]]) -> None:
        for row, (name, value) in zip(self.activities, pairs):
            row.name.value, row.box.value = name, str(value)

    # ------------------------------------------------------------ checking and saving

    def _check_each(self) -> bool:
        """Check every item on its own and show the refusal beside it; True when every answer is possible."""
        m, ok = self.measure, True
        for r in self.rows:
            try:
                check_answers(m, {r.item.id: r.box.value})
                r.show_error("")
            except MeasureError as e:
                r.show_error(str(e))
                ok = False
        for n, row in enumerate(self.activities, start=1):
            name, value = row.name.value.strip(), row.box.value.strip()
            row.show_error("")
            if not name and not value:
                continue
            try:
                check_answers(m, activities=[(name, value)])
            except MeasureError as e:
                row.show_error(str(e).replace("activity 1 ", f"activity {n} ", 1))
                ok = False
        return ok

    def _answers(self):
        m = self.measure
        if m.activities is not None:
            pairs = [(a.name.value.strip(), a.box.value.strip()) for a in self.activities
                     if a.name.value.strip() or a.box.value.strip()]
            return check_answers(m, activities=pairs)
        return check_answers(m, {r.item.id: r.box.value for r in self.rows})

    @b.guarded
    def save(self):
        """Check, score and keep the sheet; returns the stored result, or None when nothing was kept."""
        m = self.measure
        if not self._check_each():
            self.messages.show("error", f"Some {m.short_name} answers are not possible; each is named beside its "
                               "item. Nothing was saved.")
            return None
        answers = self._answers()
        on = self.date.value
        if on is None:
            self.messages.show("error", "Choose the date the form was filled in. Nothing was saved.")
            return None
        key = (m.id, on, answers.model_dump_json())
        if key == self._last_saved:
            self.messages.show("info", f"This {m.short_name} sheet of {on:%d.%m.%Y} is already saved; change an "
                               "answer or the date to record another.")
            return None
        patient = self.workspace.patient(self.patient_id)
        result = record(m, answers, on, birth_year=patient.birth_year, today=today())
        if result.score.value is None:
            self.messages.show("error", f"Not enough answers for a {m.short_name} score, so nothing was saved.",
                               result.score.missing)
            return None
        stored = self.workspace.record_result(self.patient_id, result, answers, by=self.by)
        self._last_saved = key
        self.saved.append(stored)
        self.messages.show("ok", f"Saved {m.short_name} of {on:%d.%m.%Y}: {score_words(m, result.score)}.",
                           list(result.score.missing))
        if self.on_saved is not None:
            self.on_saved(stored)
        return stored


def _value(m: Measure, v: float | None) -> str:
    return "not enough answers" if v is None else format_value(m, v)


def score_words(m: Measure, s: Score) -> str:
    """'32% — moderate disability', '5 — high risk (psychosocial subscore 5)', 'no score'."""
    if s.value is None:
        return "no score"
    text = format_value(m, s.value) + (f" — {s.band}" if s.band else "")
    parts = [f"{k} {'not enough answers' if v is None else format_value(m, v)}" for k, v in s.parts.items()]
    if parts and m.activities is None and not m.domains:  # domains have rows of their own
        text += f" ({', '.join(parts)})"
    return text


class MeasuresPanel:
    """A patient's outcome measures: latest score with band or risk group, baseline and change, what they say
    about the next step (with reason and source), each measure's chart over time, and a follow-up entry."""

    def __init__(self, ws: Workspace, patient_id: str, *, by: str | None = None,
                 measures: dict[str, Measure] | None = None) -> None:
        self.workspace, self.patient_id = ws, patient_id
        self.measures = measures or default_measures()
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.table = w.HTML()
        self.signals = w.HTML()
        self.charts = w.Tab()
        #: Titles of the charts shown, in tab order, for whoever checks.
        self.chart_titles: list[str] = []
        self.entry = MeasureEntry(ws, patient_id, "follow-up", on_saved=lambda _: self.refresh(), by=by,
                                  measures=self.measures)
        self.widget = w.VBox([
            b.style(), w.HTML("<div class='physio-title'>Outcome measures</div>"), self.messages.widget,
            self.table, self.signals, self.charts, self.entry.widget, self.log,
        ])
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    @b.guarded
    def refresh(self) -> None:
        """Read the patient's results again and redraw the table, the signals and the charts."""
        results = [s.result for s in self.workspace.results(self.patient_id)]
        if not results:
            self.table.value = b.message_html("info", "No outcome measures are recorded for this patient yet; "
                                              "type the first below (it becomes the baseline).")
            self.signals.value = ""
            self.charts.children, self.chart_titles = [], []
            self.charts.layout.display = "none"  # an empty tab bar draws an empty bordered box
            return
        self.table.value = self._table_html(results)
        self.signals.value = self._signals_html(results)
        self._draw_charts(results)

    def _table_html(self, results) -> str:
        rows = []
        for t in trends(results, self.measures):
            m = self.measures[t.measure_id]
            if t.latest is None:
                rows.append([m.short_name, "no score", f"{t.unscored} sheet(s) without enough answers", "", ""])
                continue
            change = ""
            if t.change is not None:
                change = f"{t.change:+.3g}" + (f" (matters from {round(t.matters, 2):g})" if t.matters is not None else "")
            latest = t.recent.short(m) if t.recent else f"{format_value(m, t.latest.score.value)} " \
                f"({t.latest.on:%d.%m.%Y})"
            band = score_words(m, t.latest.score).removeprefix(format_value(m, t.latest.score.value))
            rows.append([m.short_name, latest + band, t.base.short(m), change, str(t.scored_count)])
            for p in part_changes(m, t):
                rows.append([f"{m.short_name} {p.name}", _value(m, p.latest), _value(m, p.baseline),
                             "" if p.change is None else f"{p.change:+.2g}"
                             + (f" (matters from {p.matters:g})" if p.matters is not None else ""), ""])
        return b.table_html(["Measure", "Latest (band or risk group)", "Baseline", "Change", "Results"], rows)

    def _signals_html(self, results) -> str:
        sigs = measure_signals(results, self.measures)
        if not sigs:
            return "<div class='physio-hint'>The outcome measures ask for no change of plan.</div>"
        items = [f"{s.advice[:1].upper()}{s.advice[1:]}: {s.reason} [{s.source}]" for s in sigs]
        kind = "error" if any(s.action == "refer" for s in sigs) else "warn"
        from ..library import default_library  # the citations of the source keys

        return b.message_html(kind, "What the outcome measures say:", items) + b.citations_html(
            default_library(), *items)

    def _draw_charts(self, results) -> None:
        from ..charts_measures import chart_title, measure_over_time

        images, titles = [], []
        for t in trends(results, self.measures):
            m = self.measures[t.measure_id]
            fig = measure_over_time(m, results)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=CHART_DPI, facecolor="white")
            images.append(w.Image(value=buf.getvalue(), format="png", layout=w.Layout(max_width="720px")))
            titles.append(chart_title(m))
        self.charts.children = images
        self.charts.layout.display = "" if images else "none"
        self.charts.titles = [self.measures[t.measure_id].short_name for t in trends(results, self.measures)]
        self.chart_titles = titles


__all__ = ["MeasureEntry", "MeasuresPanel", "score_words"]
