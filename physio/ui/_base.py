"""What every widget shares: a message line, callbacks that never crash the kernel, and the look.

Therapists read these messages, so an error is shown as one plain sentence in the widget, never as a
traceback. A PhysioError already says what was wrong, where and what is allowed; anything else is a
bug, and we say so plainly (the traceback still goes to the widget's hidden log for whoever debugs).
"""

from __future__ import annotations

import base64
import functools
import html
import re
import traceback
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..errors import PhysioError
from ..models import PARAM_LABELS
from ..workspace_info import workspace_line, workspace_name  # noqa: F401  (which workspace is open, for every widget's header)

#: One stylesheet for all widgets, so the notebooks and the Voilà app look the same.
CSS = """
<style>
.physio-title { font-size: 1.35em; font-weight: 600; color: #1f3b57; margin: 4px 0 2px 0; }
.physio-hint { color: #51606f; font-size: 0.92em; margin: 0 0 6px 0; }
.physio-msg { padding: 8px 12px; border-radius: 6px; margin: 6px 0; font-size: 0.95em; line-height: 1.4; }
.physio-msg ul { margin: 4px 0 0 0; padding-left: 20px; }
.physio-ok { background: #e8f5e9; border-left: 5px solid #2e7d32; color: #1b3d1e; }
.physio-info { background: #e8f0fa; border-left: 5px solid #2f6db5; color: #17324f; }
.physio-warn { background: #fff6e0; border-left: 5px solid #c98a00; color: #4d3800; }
.physio-error { background: #fdecea; border-left: 5px solid #c62828; color: #5f1414; }
.physio-table { border-collapse: collapse; margin: 4px 0 10px 0; font-size: 0.92em; }
.physio-table th { background: #eef2f6; color: #1f3b57; text-align: left !important; padding: 5px 9px;
                   border-bottom: 2px solid #c9d3dd; }
.physio-table td { text-align: left !important; padding: 4px 9px; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
.physio-table tr:hover td { background: #f7f9fb; }
.physio-dose { font-weight: 600; color: #1f3b57; }
.physio-source { color: #6b7885; font-size: 0.85em; }
.physio-card { border: 1px solid #d5dde5; border-radius: 8px; padding: 8px 12px; margin: 6px 0;
               background: #ffffff; }
.physio-phase h4 { margin: 8px 0 2px 0; color: #1f3b57; }
/* Voilà and JupyterLab give widget HTML a tall line height; text in our tables and notes reads better closer */
.physio-table td, .physio-table th, .physio-hint, .physio-source, .physio-reasons, .physio-msg li { line-height: 1.4; }
.physio-tag { display: inline-block; background: #eef2f6; border-radius: 10px; padding: 0 7px; margin: 1px 2px;
              font-size: 0.82em; color: #34495e; }
.physio-figure svg { max-width: 260px; height: auto; }
.physio-row { border-bottom: 1px solid #e3e8ee; padding: 6px 0; }
.physio-thumb svg { width: 110px; height: auto; }
.physio-row-figure svg { width: 200px; height: auto; }
.physio-reasons { max-width: 460px; white-space: normal; color: #3d4a57; font-size: 0.88em; margin-top: 2px; }
.physio-action-refer { color: #b00020; font-weight: 600; }
.physio-action-review { color: #7b1fa2; font-weight: 600; }
.physio-action-step_back { color: #9a6700; font-weight: 600; }
.physio-action-hold { color: #2f6db5; font-weight: 600; }
.physio-action-advance { color: #2e7d32; font-weight: 600; }
.physio-action-no_log { color: #5f6368; font-style: italic; }
</style>
"""


def esc(text: Any) -> str:
    """Everything shown comes from files or people, so it is escaped before it becomes HTML."""
    return html.escape("" if text is None else str(text))


def style() -> w.HTML:
    return w.HTML(CSS)


def plain(text: str) -> str:
    """A message as a therapist reads it: dose keys (`duration_s`) in the words of the sliders, a capital first
    letter (unless the message starts with a file name or id).

    Planning names dose values by the keys the command line and protocol files use; the widget shows labels."""
    for key, label in PARAM_LABELS.items():
        text = re.sub(rf"(?<![\w.-]){re.escape(key)}(?![\w-])", label, text)
    first = text.split(" ", 1)[0]
    if first.isalpha() and first.islower():  # a word, not a file name or an id
        text = text[:1].upper() + text[1:]
    return text


def message_html(kind: str, text: str, items: list[str] | None = None) -> str:
    """kind is ok, info, warn or error; `items` become a bullet list under the sentence."""
    body = esc(text)
    if items:
        body += "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
    return f'<div class="physio-msg physio-{kind}">{body}</div>'


def table_html(columns: list[str], rows: list[list[Any]], *, raw: set[int] | None = None) -> str:
    """A plain HTML table; cells in `raw` columns are already HTML (made by us), others are escaped."""
    raw = raw or set()
    head = "".join(f"<th style='text-align:left'>{esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{c if i in raw else esc(c)}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f'<table class="physio-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class Messages:
    """The message line of a widget; also remembers the last message so tests can read it."""

    def __init__(self) -> None:
        self.widget = w.HTML("")
        self.kind: str | None = None
        self.text: str = ""
        self.items: list[str] = []

    def show(self, kind: str, text: str, items: list[str] | None = None) -> None:
        text, items = plain(text), [plain(i) for i in items or []]
        self.kind, self.text, self.items = kind, text, items
        self.widget.value = message_html(kind, text, items)

    def clear(self) -> None:
        self.kind, self.text, self.items = None, "", []
        self.widget.value = ""

    @property
    def full_text(self) -> str:
        """The sentence and its items, as one string (what a person reads)."""
        return "\n".join([self.text, *self.items])


def guarded(method: Callable) -> Callable:
    """Run a widget callback so that no exception reaches the kernel.

    The object must have `messages` (Messages) and `log` (an Output widget, hidden from view). A
    PhysioError is shown as it is; any other exception is shown as a plain sentence and its traceback
    goes to the log.
    """

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        # The try sits inside the capture: in a kernel, Output.__exit__ would swallow the exception itself.
        with self.log:
            try:
                return method(self, *args, **kwargs)
            except PhysioError as e:
                items = list(getattr(e, "reasons", []) or [])
                self.messages.show("error", str(e), items)
            except Exception as e:  # a bug: say so without a traceback, keep the details in the log
                self.log.append_stdout(traceback.format_exc())
                self.messages.show(
                    "error",
                    f"Something unexpected went wrong ({type(e).__name__}: {e}). Nothing was saved by this step. "
                    "Please tell whoever looks after this tool.",
                )
        return None

    return run


def hidden_log() -> w.Output:
    """Where tracebacks of unexpected errors go: kept for debugging, not shown to the therapist."""
    return w.Output(layout=w.Layout(display="none"))


def dropdown(description: str, options: list, *, width: str = "320px", **kw) -> w.Dropdown:
    return w.Dropdown(
        description=description,
        options=options,
        style={"description_width": "110px"},
        layout=w.Layout(width=width),
        **kw,
    )


#: Sub-folder of the workspace where handouts, workbooks and adherence reports are written.
EXPORT_FOLDER = "export"


def download_link(path: Path, mime: str, label: str, *, auto: bool = False) -> str:
    """A link that downloads the file itself; works in JupyterLab and in Voilà, where the workspace
    folder is not served. auto: started by `auto_download_html` right after the export."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mark = " data-physio-auto='1'" if auto else ""
    return (
        f"<a download='{esc(path.name)}' href='data:{mime};base64,{data}'{mark} "
        f"style='margin-right:18px;font-weight:600'>⬇ {esc(label)}</a>"
    )


def _readable(detail: str, plans: dict[str, list], library) -> str:
    """An audit detail in a therapist's words: a plan id and version ("P001-back v2") become the protocol's title
    and the version, names stored in the patient's language the library's, a measure id its name."""
    from ..measures import default_measures

    for plan_id, versions in plans.items():
        title = plan_words(library, versions[-1])[0] if library is not None else versions[-1].protocol_title
        detail = re.sub(rf"(?:plan )?{re.escape(plan_id)} v(\d+)", lambda m: f"the plan {title}, version {m[1]}",
                        detail)
        for version in versions if library is not None else ():
            detail = therapist_text(library, version, detail)
    for measure in default_measures().values():
        detail = re.sub(rf"(?<![\w-]){re.escape(measure.id)}(?![\w-])", measure.name, detail)
    return detail


def audit_html(events: list, ws=None, library=None) -> str:
    """A patient's history (the workspace's audit trail): when, who, what — newest first. With the workspace (and
    the library), plan ids become their protocol's title in the therapist's words."""
    if not events:
        return ""
    from ..store import ACTIONS

    patients = {e.patient_id for e in events if getattr(e, "patient_id", None)}
    plans = {pl.id: ws.plan_versions(pl.id) for pid in patients for pl in ws.plans_for(pid)} if ws is not None else {}
    rows = [[f"{e.at:%d.%m.%Y %H:%M}", e.who, ACTIONS.get(e.action, e.action), _readable(e.detail, plans, library)]
            for e in reversed(events)]
    return ("<div class='physio-title' style='font-size:1.1em'>History of this patient</div>"
            + table_html(["When", "Who", "What", "Details"], rows))


#: A 1×1 transparent GIF: its onload starts the downloads of an export (see `auto_download_html`).
_PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def auto_download_html(token: str) -> str:
    """Start the downloads of the links marked `data-physio-auto` in the same box, once per export `token`.

    The export button writes the files in the kernel; this starts them in the browser so the therapist
    has the files in hand after one click. Each token runs once per browser page, so showing the box again
    (another tab, another view) never downloads twice; the links stay for another download."""
    js = (f"var k='physio-dl-{esc(token)}';if(window[k])return;window[k]=1;"
          "var box=this.closest('.physio-card');if(!box)return;"
          "box.querySelectorAll('a[data-physio-auto]').forEach(function(a,i){setTimeout(function(){a.click()},300*i)});")
    return f'<img src="{_PIXEL}" alt="" style="display:none" onload="(function(){{{js}}}).call(this)">'


def citations_html(library, *texts: str) -> str:
    """'Sources:' and the full citation of every source key (protocols/sources.yaml) the texts cite, e.g. [MI1: …]."""
    keys: list[str] = []
    for text in texts:
        for key in re.findall(r"\b([A-Za-z]{1,3}\d{1,2}|article|evidence)\b", text or ""):
            if key in library.sources and key not in keys:
                keys.append(key)
    if not keys:
        return ""
    items = "".join(f"<li><b>{esc(k)}</b>: {esc(library.sources[k])}</li>" for k in keys)
    return f"<div class='physio-source'>Sources:<ul style='margin:2px 0'>{items}</ul></div>"


# ------------------------------------------------------------ the therapist's language on the therapist's screens

def plan_words(library, plan) -> tuple[str, str]:
    """The plan's protocol title and phase name as the therapist reads them (the library's own words), whatever
    the patient's language the plan stores for the handout; a protocol the library no longer holds: as stored."""
    try:
        protocol = library.protocol(plan.protocol_id)
        return protocol.title, protocol.phase(plan.phase_id).name
    except Exception:  # a plan of a protocol or phase the library no longer holds
        return plan.protocol_title, plan.phase_name


def exercise_words(library, exercise) -> str:
    """An exercise's name as the therapist reads it (the library's), whatever language the plan stores."""
    known = getattr(library, "exercises", {}).get(exercise.id) if library is not None else None
    return known.name if known is not None else exercise.name


def therapist_text(library, plan, text: str) -> str:
    """A text about the plan (what changed, a warning) with the names the plan stores in the patient's language
    (protocol, phase, exercises) put back in the therapist's words."""
    title, phase = plan_words(library, plan)
    names = {plan.protocol_title: title, plan.phase_name: phase}
    names |= {pe.exercise.name: exercise_words(library, pe.exercise) for pe in plan.exercises}
    for stored, own in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if stored and stored != own:
            text = text.replace(stored, own)
    return text


def on_hub() -> bool:
    """True in a therapist's server on the clinic's hub (JupyterHub sets JUPYTERHUB_USER)."""
    import os

    return bool(os.environ.get("JUPYTERHUB_USER", "").strip())


def issuer(ws, patient) -> str:
    """Whom "Issued by" starts with: the logged-in therapist on the clinic's hub (or $PHYSIO_USER, the store's
    `who`), else the patient's own therapist."""
    import os

    if on_hub() or os.environ.get("PHYSIO_USER", "").strip():
        who = getattr(ws, "who", None)
        if isinstance(who, str) and who.strip():
            return who
    return patient.therapist
