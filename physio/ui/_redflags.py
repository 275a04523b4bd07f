"""The red-flag panel shared by the review widget and the plan builder: open red flags of a patient, emergencies
first, the patient's words with the matched ones highlighted, and a form to acknowledge one (who, what was done).

Wording comes from physio.redflag_view, the same as the CLI and the report PDF; storing is the workspace's.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w

from ..models import Plan
from ..models.redflag import OUTCOME_LABELS
from ..redflag_view import OpenFlag, ack_line, facts, labels, open_flags, where
from ..redflags import LEVEL_ACTION, LEVEL_WORD, highlight_html, snippet
from . import _base as b

#: The first choice of "What was done": none, so the therapist must pick one.
_CHOOSE = "— choose what you did —"

_KIND = {"emergency": "error", "urgent": "warn", "review": "info"}


def red_flags_html(flags: list[OpenFlag]) -> str:
    """One box per open red flag, most urgent first; empty when there is none."""
    out = []
    for f in flags:
        n = f.note
        words = highlight_html(*snippet(n.text, n.spans))
        body = (
            f"<b>{b.esc(LEVEL_WORD[n.level])} — red flag {n.id}: {b.esc(LEVEL_ACTION[n.level])}.</b><br>"
            f"{b.esc(labels(n))}<br>"
            f"The patient wrote: “{words}” <span class='physio-hint'>({b.esc(where(n))})</span><br>"
            f"{b.esc(facts(f))}.<br>"
            f"The protocol's own words: “{b.esc(f.protocol_words)}”"
        )
        out.append(f'<div class="physio-msg physio-{_KIND[n.level]}">{body}</div>')
    return "".join(out)


class RedFlagPanel:
    """Open red flags of one patient, and an acknowledgement form. `.widget` goes at the top of a widget."""

    def __init__(self, workspace, messages: b.Messages, on_change: Callable[[], Any] | None = None) -> None:
        self.workspace = workspace
        self.messages = messages
        self.log = b.hidden_log()
        self.on_change = on_change
        self.patient_id: str | None = None
        self.flags: list[OpenFlag] = []
        self.view = w.HTML()
        self.which = b.dropdown("Red flag", [], width="420px")
        # Nothing is pre-filled: an acknowledgement says who did what, so one stray click must not record a referral
        # that never happened, or put another therapist's name on it.
        self.by = w.Text(description="Acknowledged by", placeholder="your name", style={"description_width": "150px"},
                         layout=w.Layout(width="420px"))
        self.outcome = b.dropdown("What was done", [(_CHOOSE, None)] + [(v, k) for k, v in OUTCOME_LABELS.items()],
                                  width="420px", value=None)
        self.note = w.Text(description="Note", placeholder="what you did, in your words",
                           style={"description_width": "150px"}, layout=w.Layout(width="620px"))
        self.ack_button = w.Button(description="Acknowledge", icon="check", button_style="danger")
        self.ack_button.on_click(lambda _: self.acknowledge())
        self.form = w.VBox([self.which, self.by, self.outcome, self.note, self.ack_button])
        self.history = w.HTML()
        self.widget = w.VBox([self.view, self.form, self.history, self.log], layout=w.Layout(display="none"))

    def show(self, patient_id: str | None, plan: Plan | None) -> list[OpenFlag]:
        """Show the patient's open red flags (and earlier acknowledgements); returns the open ones."""
        self.patient_id = patient_id
        if not patient_id:
            self.flags = []
            self.widget.layout.display = "none"
            return []
        notes = self.workspace.open_red_flags(patient_id)
        self.flags = open_flags(notes, plan, self.workspace.log_entries(patient_id))
        acks = self.workspace.red_flag_acks(patient_id)
        self.view.value = red_flags_html(self.flags)
        if self.flags:
            self.view.value = (b.message_html("error", f"{len(self.flags)} open red flag(s): no plan version can be "
                                              "issued and the plan is not advanced until each is acknowledged.")
                               + self.view.value)
        self.which.options = [(f"{f.note.id}: {LEVEL_WORD[f.level]} — {labels(f.note)}", f.note.id)
                              for f in self.flags]
        self.which.value = self.flags[0].note.id if self.flags else None  # the most urgent first
        self.form.layout.display = "" if self.flags else "none"
        all_notes = {n.id: n for n in self.workspace.red_flag_notes(patient_id)} if acks else {}
        self.history.value = (b.message_html("info", "Red flags acknowledged:",
                                             [ack_line(a, all_notes.get(a.note_id)) for a in acks]) if acks else "")
        self.widget.layout.display = "" if (self.flags or acks) else "none"
        return self.flags

    @b.guarded
    def acknowledge(self) -> None:
        if self.patient_id is None or self.which.value is None:
            self.messages.show("info", "There is no open red flag to acknowledge.")
            return
        if self.outcome.value is None or not self.by.value.strip():
            self.messages.show("error", "Nothing was recorded: write your name in 'Acknowledged by' and choose "
                                        "what was done.")
            return
        ack = self.workspace.acknowledge_red_flag(self.patient_id, self.which.value, by=self.by.value,
                                                  outcome=self.outcome.value, note=self.note.value)
        self.note.value = ""
        self.outcome.value = None
        self.messages.show("ok", ack_line(ack, None))
        if self.on_change is not None:
            self.on_change()
