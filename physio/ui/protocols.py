"""ProtocolBrowser: find exercises in the library and read a protocol's phases, doses and sources."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..library import Library, default_library
from ..models import PARAM_LABELS, Dose, Exercise, Protocol
from . import _base as b
from ._pictures import exercise_svg

#: Tags that say the position an exercise is done in; the others say what it does or is for.
POSITION_TAGS: tuple[str, ...] = ("prone", "supine", "standing", "seated", "quadruped", "kneeling", "side-lying", "board")

ANY = "(any)"


def filter_exercises(
    library: Library, *, region: str = ANY, position: str = ANY, equipment: str = ANY, tag: str = ANY, text: str = ""
) -> list[Exercise]:
    """The library's exercises that match every chosen filter, in library order."""
    needle = text.strip().lower()
    out = []
    for ex in library.exercises.values():
        if region != ANY and region not in ex.regions:
            continue
        if position != ANY and position not in ex.tags:
            continue
        if equipment != ANY and equipment not in ex.equipment and not (equipment == "none" and not ex.equipment):
            continue
        if tag != ANY and tag not in ex.tags:
            continue
        if needle and needle not in f"{ex.id} {ex.name} {ex.aim}".lower():
            continue
        out.append(ex)
    return out


def exercise_html(ex: Exercise, library: Library, dose: Dose | None = None) -> str:
    """One exercise as a card: what it is for, how to do it, cautions, source, and its picture."""
    steps = "".join(f"<li>{b.esc(s)}</li>" for s in ex.steps)
    cautions = "".join(f"<li>{b.esc(c)}</li>" for c in ex.cautions)
    tags = "".join(f'<span class="physio-tag">{b.esc(t)}</span>' for t in ex.tags)
    svg = exercise_svg(ex.id, dose, library)
    picture = f'<div class="physio-figure" style="float:right;margin-left:12px">{svg}</div>' if svg else ""
    parts = [
        '<div class="physio-card">',
        picture,
        f"<h4 style='margin:2px 0'>{b.esc(ex.name)}</h4>",
        f"<div>{b.esc(ex.aim)}</div>",
        f"<div style='margin-top:4px'><b>Start:</b> {b.esc(ex.starting_position)}</div>",
        f"<ol style='margin:4px 0'>{steps}</ol>",
        f"<div><b>Breathing:</b> {b.esc(ex.breathing)}</div>",
    ]
    if cautions:
        parts.append(f"<div style='margin-top:4px'><b>Cautions:</b><ul style='margin:2px 0'>{cautions}</ul></div>")
    if ex.article_dose:
        parts.append(f"<div><b>The article suggests:</b> {b.esc(ex.article_dose)}</div>")
    parts.append(
        f"<div style='margin-top:4px'>{tags} &nbsp;<span class='physio-source'>Regions: {b.esc(', '.join(ex.regions))}; "
        f"equipment: {b.esc(', '.join(ex.equipment) or 'none')}</span></div>"
    )
    parts.append(f"<div class='physio-source'>Source: {b.esc(ex.source)} — {b.esc(library.cite(ex.source))}</div>")
    parts.append("<div style='clear:both'></div></div>")
    return "".join(parts)


def protocol_html(proto: Protocol, library: Library) -> str:
    """A protocol as a therapist reads it: phases with their doses and sources, limits, and safety."""
    out = [
        f"<div class='physio-phase'><div class='physio-title'>{b.esc(proto.title)}</div>",
        f"<div class='physio-hint'>Version {b.esc(proto.version)} · {b.esc(proto.summary)}</div>",
    ]
    for i, ph in enumerate(proto.phases, start=1):
        rows = []
        for rx in ph.exercises:
            ex = library.exercises.get(rx.exercise)
            name = ex.name if ex else rx.exercise
            svg = exercise_svg(rx.exercise, rx.dose, library) if ex else ""
            rows.append(
                [
                    f"<div class='physio-thumb'>{svg}</div>",
                    b.esc(name),
                    f"<span class='physio-dose'>{b.esc(rx.dose.summary())}</span>",
                    f"<span class='physio-source'>{b.esc(rx.source)}</span>",
                ]
            )
        adv = ph.progression.advance
        out.append(
            f"<h4>{b.esc(ph.name)} <span class='physio-source'>({ph.min_weeks}–{ph.max_weeks} weeks; "
            f"{b.esc(ph.weeks_source)})</span></h4>"
            f"<div class='physio-hint'>{b.esc(ph.goal)}</div>"
            + b.table_html(["", "Exercise", "Dose", "Source"], rows, raw={0, 1, 2, 3})
            + f"<div class='physio-source'>Move on when adherence ≥ {adv.min_adherence:.0%}, pain ≤ {adv.max_pain:g}"
            f" and at least {adv.min_weeks} week{'s' if adv.min_weeks != 1 else ''} done ({b.esc(adv.source)}).</div>"
        )
    limit_rows = [
        [PARAM_LABELS.get(p, p), f"{lim.usual[0]}–{lim.usual[1]}", f"{lim.hard[0]}–{lim.hard[1]}", lim.source]
        for p, lim in proto.limits.items()
    ]
    out.append("<h4>Limits</h4>" + b.table_html(["Parameter", "Usual range", "Never beyond", "Source"], limit_rows))
    if proto.forbidden_tags:
        out.append(
            "<div><b>Never added to this protocol:</b> exercises tagged "
            + ", ".join(f"<span class='physio-tag'>{b.esc(t)}</span>" for t in proto.forbidden_tags)
            + "</div>"
        )
    if proto.contraindications:
        rows = [[c.text, "with a doctor's clearance" if c.clearable else "never", c.source] for c in proto.contraindications]
        out.append("<h4>Contraindications</h4>" + b.table_html(["Condition", "Allowed", "Source"], rows))
    if proto.red_flags:
        rows = [[r.text, r.source] for r in proto.red_flags]
        out.append("<h4>Red flags: stop and refer</h4>" + b.table_html(["Sign", "Source"], rows))
    out.append("</div>")
    return "".join(out)


class ProtocolBrowser:
    """Filter the exercise library and read protocols. `.widget` is what a notebook displays."""

    def __init__(self, library: Library | None = None) -> None:
        self.library = library or default_library()
        self.messages = b.Messages()
        self.log = b.hidden_log()
        lib = self.library
        equipment = sorted({e for ex in lib.exercises.values() for e in ex.equipment})
        used_tags = sorted({t for ex in lib.exercises.values() for t in ex.tags})
        regions = sorted({r for ex in lib.exercises.values() for r in ex.regions})
        self.region = b.dropdown("Region", [ANY, *regions], value=ANY)
        self.position = b.dropdown("Position", [ANY, *[t for t in POSITION_TAGS if t in used_tags]], value=ANY)
        self.equipment = b.dropdown("Equipment", [ANY, "none", *equipment], value=ANY)
        self.tag = b.dropdown("Tag", [ANY, *[t for t in used_tags if t not in POSITION_TAGS]], value=ANY)
        self.text = w.Text(
            description="Search", placeholder="name or aim", style={"description_width": "110px"},
            layout=w.Layout(width="320px"), continuous_update=True,
        )
        self.count = w.HTML()
        self.exercise = w.Select(options=[], rows=8, layout=w.Layout(width="320px"))
        self.detail = w.HTML(layout=w.Layout(width="100%"))
        self.protocol = b.dropdown(
            "Protocol", [(p.title, p.id) for p in lib.protocols.values()], width="520px",
            value=next(iter(lib.protocols), None),
        )
        self.protocol_view = w.HTML()

        for ctl in (self.region, self.position, self.equipment, self.tag, self.text):
            ctl.observe(self._on_filter, names="value")
        self.exercise.observe(self._on_exercise, names="value")
        self.protocol.observe(self._on_protocol, names="value")

        filters = w.VBox([self.region, self.position, self.equipment, self.tag, self.text, self.count, self.exercise])
        # beside the filters on a wide page; under them when narrow (JupyterLab beside its file browser)
        exercises_tab = w.HBox([filters, w.Box([self.detail], layout=w.Layout(flex="1 1 360px", min_width="0",
                                                                              padding="0 0 0 12px"))],
                               layout=w.Layout(flex_flow="row wrap"))
        protocols_tab = w.VBox([self.protocol, self.protocol_view])
        self.tabs = w.Tab(children=[exercises_tab, protocols_tab])
        self.tabs.set_title(0, "Exercises")
        self.tabs.set_title(1, "Protocols")
        self.widget = w.VBox(
            [
                b.style(),
                self.messages.widget,
                self.tabs,
                self.log,
            ]
        )
        self._on_filter()
        self._on_protocol()

    # ------------------------------------------------------------ what tests and notebooks call

    @property
    def matching(self) -> list[str]:
        """Ids of the exercises the current filters let through."""
        return [ex_id for _, ex_id in self.exercise.options]

    def show_protocol(self, protocol_id: str) -> None:
        self.protocol.value = protocol_id

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # ------------------------------------------------------------ callbacks

    @b.guarded
    def _on_filter(self, change: Any = None) -> None:
        found = filter_exercises(
            self.library, region=self.region.value, position=self.position.value,
            equipment=self.equipment.value, tag=self.tag.value, text=self.text.value,
        )
        keep = self.exercise.value
        self.exercise.options = [(ex.name, ex.id) for ex in found]
        n = len(found)
        self.count.value = f"<div class='physio-hint'>{n} of {len(self.library.exercises)} exercises match</div>"
        if found:
            self.exercise.value = keep if keep in self.matching else found[0].id
            self.messages.clear()
        else:
            self.detail.value = ""
            self.messages.show("info", "No exercise matches all these filters; set one of them back to (any).")

    @b.guarded
    def _on_exercise(self, change: Any = None) -> None:
        ex_id = self.exercise.value
        self.detail.value = exercise_html(self.library.exercise(ex_id), self.library) if ex_id else ""

    @b.guarded
    def _on_protocol(self, change: Any = None) -> None:
        pid = self.protocol.value
        self.protocol_view.value = protocol_html(self.library.protocol(pid), self.library) if pid else ""
