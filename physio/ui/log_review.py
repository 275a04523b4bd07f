"""LogReview: take in a returned log, show what was accepted and rejected, the adherence, and the next step.

Reading and judging rows is physio.importing; the numbers are physio.adherence; the decision is
physio.progression; the next version is physio.planning + the workspace. This widget only wires them.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..adherence import AdherenceSummary, pct, summarise
from ..charts import calendar_heatmap, pain_over_time, weekly_adherence
from ..errors import PlanError, UnknownId
from ..importing import ImportReport, import_bytes
from ..io.columns import FIELD_HEADER, FIELDS
from ..io.logs import RawLog, read_log_bytes
from ..io.report import write_adherence_report
from ..library import Library, default_library
from ..models import Plan
from ..planning import advance, change_phase, schedule, step_back
from ..clinic import _phase_began, patient_outcomes, version_entries
from ..progression import Recommendation, nothing_reported, recommend
from ..redflag_view import with_open_flags
from ..store import Workspace, clean_filename
from . import _base as b
from . import _exports
from ._redflags import RedFlagPanel

NOT_IN_FILE = ""

#: Sharp enough on screen and quick to draw (the PDF report draws its own at 150 dpi).
CHART_DPI = 80

#: The chart tabs: title → how to draw it from the summary and the adherence cut-off in use.
CHARTS: dict[str, Any] = {
    "Weekly adherence": lambda summary, cutoff: weekly_adherence(summary, target=cutoff),
    "Pain over time": lambda summary, cutoff: pain_over_time(summary),
    "Calendar": lambda summary, cutoff: calendar_heatmap(summary),
}


#: How a real Excel file starts: a zip (.xlsx) or an OLE2 container (.xls).


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"



def _headline(plan: Plan, summary) -> str:
    """The review's first line; a version with nothing logged yet says since when ("No log since version 2 issued
    on 14.09.2026."), as the clinic overview does."""
    from ..clinic import no_log_note

    note = no_log_note(plan, summary)
    return f"{note[:1].upper()}{note[1:]}." if note else summary.headline().rstrip(".") + "."

class LogReview:
    """Import a returned log and decide the next step. `.widget` is what a notebook displays."""

    def __init__(self, workspace: Workspace | str | Path | None = None, library: Library | None = None, *,
                 patient_id: str | None = None) -> None:
        """patient_id: review this patient only (the patient's page); the patient choice is then hidden and
        `show_patient` moves the review to another patient."""
        self.workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
        self.library = library or default_library()
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.raw: RawLog | None = None
        self.content: bytes | None = None
        self.filename: str | None = None
        self.report: ImportReport | None = None
        self.plan: Plan | None = None
        self.recommendation: Recommendation | None = None
        self.next_plan: Plan | None = None
        #: The patient the loaded file was chosen for: the import goes to this patient or nowhere.
        self.loaded_for: str | None = None
        #: True while an import, an export or a next version runs: a second click does nothing.
        self._busy = False

        patients = self.workspace.patients()
        self.patient = b.dropdown("Patient", [(p.name, p.id) for p in patients], width="420px")
        if patient_id is not None:
            self.patient.layout.display = "none"  # the page says whose log this is
        self.upload = self._new_upload()
        self.upload_box = w.HBox([self.upload])
        self.file_info = w.HTML()
        self.mapping_fields: dict[str, w.Dropdown] = {
            f: b.dropdown(FIELD_HEADER[f], [("(not in the file)", NOT_IN_FILE)], width="420px") for f in FIELDS
        }
        self.mapping_box = w.VBox(
            [w.HTML(b.message_html("info", "This file is not one of our workbooks. Check which of its columns "
                                   "holds each of our fields, then import."))]
            + list(self.mapping_fields.values()),
            layout=w.Layout(display="none"),
        )
        self.import_button = w.Button(description="Import", icon="upload", button_style="primary", disabled=True,
                                      tooltip="store the rows of the chosen file for this patient")
        self.history_view = w.HTML()
        #: Who did what for this patient, and when (the workspace's audit trail).
        self.audit_view = w.HTML()
        self.report_view = w.HTML()
        self.summary_view = w.HTML()
        #: One tab per chart, drawn when its tab is first shown (each takes ~70 ms to draw).
        self.chart_outputs = {name: w.Output() for name in CHARTS}
        self.charts = w.Tab(children=list(self.chart_outputs.values()), titles=list(CHARTS))
        #: Titles of the charts drawn for the current summary (and cut-off), for whoever checks.
        self.charts_drawn: list[str] = []
        self.summary: AdherenceSummary | None = None
        #: PNGs already drawn, by chart, plan version, the patient's imports and the cut-off: going back to a
        #: patient shows the chart at once instead of drawing it again (~70 ms each).
        self._png_cache: dict[tuple, bytes] = {}
        self._chart_key: tuple = ()
        self.cutoff = w.FloatSlider(
            description="Adherence needed", min=0.0, max=1.0, step=0.01, value=0.7, readout_format=".0%",
            continuous_update=False, style={"description_width": "150px"}, layout=w.Layout(width="430px"),
        )
        self.cutoff_note = w.HTML()
        self.recommendation_view = w.HTML()
        self.next_button = w.Button(description="Create next plan version", icon="forward", button_style="success",
                                    layout=w.Layout(width="240px"), disabled=True)
        self.report_button = w.Button(description="Adherence report (PDF)", icon="file", layout=w.Layout(width="240px"),
                                      disabled=True)
        self.report_links = w.HTML()
        #: After a next version: its handout and log, exported here without leaving the page.
        self.export_next_button = w.Button(description="Export PDF + Excel", icon="file", button_style="success",
                                           tooltip="write the new version's handout and log and download them",
                                           layout=w.Layout(width="200px", display="none"))
        self.next_links = w.HTML()
        #: The patient's open red flags (emergencies first) and the form to acknowledge one, at the top.
        self.red_flags = RedFlagPanel(self.workspace, self.messages, on_change=lambda: self.analyse())
        self._quiet = False

        self.patient.observe(self._on_patient, names="value")
        self.import_button.on_click(lambda _: self.import_file())
        self.next_button.on_click(lambda _: self.create_next_version())
        self.report_button.on_click(lambda _: self.write_report())
        self.export_next_button.on_click(lambda _: self.export_next())
        self.cutoff.observe(self._on_cutoff, names="value")
        self.charts.observe(self._on_tab, names="selected_index")

        self.widget = w.VBox(
            [
                b.style(),
                self.patient,
                w.HBox([self.upload_box, self.import_button]),
                self.file_info,
                self.mapping_box,
                self.messages.widget,
                self.red_flags.widget,
                self.report_view,
                self.history_view,
                self.summary_view,
                self.charts,
                w.HBox([self.cutoff, self.cutoff_note], layout=w.Layout(flex_flow="row wrap")),
                self.recommendation_view,
                w.HBox([self.next_button, self.export_next_button, self.report_button],
                       layout=w.Layout(flex_flow="row wrap")),
                self.next_links,
                self.report_links,
                self.audit_view,
                self.log,
            ]
        )
        if not patients:
            self.messages.show("warn", f"There are no patients in the workspace {Path(self.workspace.folder).name} "
                               "yet. Add one on the patient list of the app (New patient).")
            return
        if patient_id is not None:
            self.show_patient(patient_id)
        else:
            self._on_patient()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # ------------------------------------------------------------ choosing

    def show_patient(self, patient_id: str) -> None:
        """Review this patient (a patient added since the review was made is added to the choice)."""
        if patient_id not in [v for _, v in self.patient.options]:
            self.patient.options = [(p.name, p.id) for p in self.workspace.patients()]
        if self.patient.value == patient_id:
            self._on_patient()
        else:
            self.patient.value = patient_id

    @staticmethod
    def _new_upload() -> w.FileUpload:
        return w.FileUpload(accept=".xlsx,.xls,.csv", multiple=False, description="Choose file",
                            layout=w.Layout(width="160px"))

    def forget_file(self) -> None:
        """Drop the loaded file and put a fresh upload button in place: a file chosen for one patient is never
        imported for another (the old button's file is gone with it)."""
        self.raw, self.content, self.filename, self.loaded_for = None, None, None, None
        self.import_button.disabled = True
        self.mapping_box.layout.display = "none"
        self.file_info.value = ""
        old = self.upload
        self.upload = self._new_upload()
        self.upload.observe(self._on_upload, names="value")
        self.upload_box.children = (self.upload,)
        old.unobserve_all()
        old.close()

    @b.guarded
    def _on_patient(self, change: Any = None) -> None:
        self.forget_file()
        self.messages.clear()
        self.report_view.value = ""
        self.next_links.value = ""
        self.analyse()

    @b.guarded
    def _on_upload(self, change: Any = None) -> None:
        if change is not None and change.get("owner") is not self.upload:
            return  # the button of another patient, replaced meanwhile
        files = self.upload.value
        if not files:
            return
        f = files[0]
        self.load_file(f["name"], bytes(f["content"]))

    @b.guarded
    def load_file(self, name: str, content: bytes) -> None:
        """Read the file to show what it is and how its columns map; nothing is stored yet."""
        self.raw, self.content, self.filename, self.loaded_for = None, None, None, None
        self.import_button.disabled = True
        self.mapping_box.layout.display = "none"
        self.file_info.value = ""
        name = clean_filename(name)  # an upload's name is a label from outside, never a path
        raw = read_log_bytes(content, name)  # a broken or wrong file is refused here, with the reason
        self.raw, self.content, self.filename = raw, content, name
        self.loaded_for = self.patient.value
        if raw.kind == "workbook":
            self.file_info.value = b.message_html("info", f"{name}: our home-plan workbook{self._whose(raw)}, "
                                                  f"{len(raw.rows)} rows. Press Import.")
        else:
            headers = [h for h in raw.headers if h]
            for f, dd in self.mapping_fields.items():
                dd.options = [("(not in the file)", NOT_IN_FILE), *[(h, h) for h in headers]]
                dd.value = raw.mapping.get(f, NOT_IN_FILE)
            self.mapping_box.layout.display = ""
            kind = "a CSV file" if raw.kind == "csv" else "a workbook"
            self.file_info.value = b.message_html(
                "info", f"{name}: {kind} with {len(raw.rows)} rows; the columns were matched from their headers.",
                [f"Columns not used: {', '.join(raw.unmapped)}"] if raw.unmapped else None,
            )
        self.import_button.disabled = False
        self.messages.clear()

    def _whose(self, raw: RawLog) -> str:
        """' of Maria K.'s plan, version 2' for our workbook (the patient's name, never an id)."""
        if not raw.meta:
            return ""
        try:
            name = self.workspace.patient(raw.patient_id).name
        except UnknownId:
            return " of a patient who is not in this workspace"
        return f" of {name}'s plan, version {raw.plan_version}"

    def mapping(self) -> dict[str, str] | None:
        """The column mapping the therapist confirmed (None for our own workbook)."""
        if self.raw is None or self.raw.kind == "workbook":
            return None
        return {f: dd.value for f, dd in self.mapping_fields.items()}

    # ------------------------------------------------------------ importing

    @b.guarded
    def import_file(self) -> ImportReport | None:
        if self._busy:
            return None  # a second click while importing does nothing
        if self.content is None or self.filename is None or self.loaded_for is None:
            self.messages.show("info", "Choose the file the patient sent back first.")
            return None
        if self.loaded_for != self.patient.value:  # cannot happen through the page (the file is dropped), but never
            self.forget_file()
            self.messages.show("error", "Nothing was imported: the file was chosen for another patient. Choose the "
                               "file again for this patient.")
            return None
        self._busy = True
        self.import_button.disabled = True
        try:
            # the upload's name is only a label: the bytes go straight to the store, never to a path built from it;
            # the patient is the one the file was chosen for
            report = import_bytes(self.workspace, self.loaded_for, self.content, self.filename,
                                  mapping=self.mapping())
        except Exception:
            self.import_button.disabled = False  # a refused file may be imported again with another mapping
            raise
        finally:
            self._busy = False
        self.forget_file()  # imported: a second click has nothing left to import
        self.report = report
        self.report_view.value = self._report_html(report)
        kind = "info" if report.duplicate else ("warn" if report.rows_rejected else "ok")
        self.messages.show(kind, f"Imported {report.file}: {report.rows_accepted} rows accepted, "
                           f"{report.rows_rejected} rejected." if not report.duplicate else
                           f"{report.file} was imported before; nothing was added.")
        self.analyse(report.plan_id, report.plan_version)
        return report

    def _report_html(self, report: ImportReport) -> str:
        flagged = set(report.red_flag_lines())
        out = b.message_html("info", self._named(report.lines()[0]), [ln for ln in report.lines()[1:]
                                                         if not ln.startswith("Rejected:") and ln not in flagged])
        if report.rejections:
            rows = [[r.row, r.column or "", r.given or "", r.reason, r.message, r.notes or ""]
                    for r in report.rejections]
            out += "<b>Rejected rows</b>" + b.table_html(
                ["Row", "Column", "Given", "Reason", "What is wrong", "The patient's note on the row"], rows)
        return out

    def _named(self, line: str) -> str:
        """The importer's first line names the patient and plan by id ('patient P001, plan P001-x v1'): here, in words."""
        import re

        def plan(m: re.Match) -> str:
            return f"plan version {m.group(1)}"

        try:
            patient = self.workspace.patient(self.patient.value)
            line = line.replace(f"patient {patient.id}", patient.name)
        except Exception:  # noqa: BLE001 - the line is shown as the importer wrote it
            return line
        return re.sub(r"plan \S+ v(\d+)", plan, line)

    # ------------------------------------------------------------ analysis

    @b.guarded
    def analyse(self, plan_id: str | None = None, version: int | None = None) -> None:
        """Adherence, pain and the recommendation for the patient's plan (the latest unless named)."""
        pid = self.patient.value
        plan = self.workspace.plan(plan_id, version) if plan_id else self.workspace.current_plan(pid)
        self.plan, self.summary, self.recommendation, self.next_plan = plan, None, None, None
        self.export_next_button.layout.display = "none"
        self.next_button.disabled = self.report_button.disabled = True
        self.report_links.value = ""
        imports = self.workspace.imports(pid) if pid else []
        self.history_view.value = self._history_html(imports)
        self.audit_view.value = b.audit_html(self.workspace.history(pid), self.workspace, self.library) if pid else ""
        self._clear_charts()
        if plan is None:
            self.red_flags.show(pid, None)
            self.summary_view.value = b.message_html("info", "This patient has no issued plan yet.")
            self.recommendation_view.value = self.cutoff_note.value = ""
            return
        # the red flags are the workspace's open ones (every import, every cell), most urgent first
        open_flags = self.red_flags.show(pid, plan)
        from ..importing import daily_pain

        summary = with_open_flags(summarise(plan, schedule(plan), version_entries(self.workspace, plan),
                                            daily_pain=daily_pain(self.workspace, plan)), open_flags)
        self.summary = summary
        self._chart_key = (plan.id, plan.version, tuple((i.id, i.sha256) for i in imports))
        title, phase = b.plan_words(self.library, plan)
        items = []
        if summary.duration_adherence is not None:
            items.append(f"Minutes: {pct(summary.duration_adherence)} of the prescribed time.")
        if summary.pain_change is not None:
            items.append(f"Pain: {summary.pain_change.verdict}")
        if not nothing_reported(summary):  # a streak or a gap of nothing reported says nothing
            items.append(f"Longest streak {_days(summary.streak.days)}; longest gap {_days(summary.gap.days)}.")
        items += [f"⚠ {f.message}" for f in summary.flags if f.kind != "red-flag"]
        self.summary_view.value = (
            f"<div class='physio-title' style='font-size:1.1em'>{b.esc(title)}, version {plan.version}"
            f" — {b.esc(phase)}</div>"
            + b.message_html("warn" if summary.flags else "info", _headline(plan, summary), items)
            + self._weekly_html(summary)
            + b.citations_html(self.library, *items)
        )
        # the cut-off starts at the phase's own rule each time another plan is shown
        rule = plan.progression.advance
        self._quiet = True
        try:
            self.cutoff.value = rule.min_adherence
        finally:
            self._quiet = False
        self.cutoff_note.value = (
            f"<span class='physio-hint'>Default {rule.min_adherence:.0%}: the minimum adherence of "
            f"{b.esc(phase)} in {b.esc(title)} [{b.esc(rule.source)}]. "
            "Change it to judge this patient by another cut-off.</span>"
        )
        self._recommend()
        self.draw_chart()

    def _max_weeks(self, plan: Plan) -> int | None:
        """The phase's max_weeks from the protocol, so staying too long in a phase asks for a review."""
        try:
            return self.library.protocol(plan.protocol_id).phase(plan.phase_id).max_weeks
        except UnknownId:  # a plan of a protocol this library no longer holds
            return None

    def _recommend(self) -> None:
        plan, summary = self.plan, self.summary
        if plan is None or summary is None:
            return
        rec = recommend(plan, summary, adherence_cutoff=self.cutoff.value, max_weeks=self._max_weeks(plan),
                        phase_start=_phase_began(self.workspace, plan),
                        outcomes=patient_outcomes(self.workspace, plan.patient.id))
        self.recommendation, self.next_plan = rec, None
        default = plan.progression.advance.min_adherence
        used = rec.numbers.get("adherence_cutoff")
        whose = "the phase's default" if abs(self.cutoff.value - default) < 1e-9 else \
            f"your choice; the phase's default is {default:.0%}"
        kind = {"advance": "ok", "hold": "info", "step_back": "warn", "refer": "error"}.get(rec.action, "info")
        self.recommendation_view.value = (
            "<div class='physio-title' style='font-size:1.1em'>Recommendation</div>"
            + b.message_html(kind, rec.label, rec.reasons)
            + f"<div class='physio-source'>Judged with an adherence cut-off of {used:.0%} ({whose}).</div>"
            + b.citations_html(self.library, *rec.reasons, plan.progression.advance.source)
        )
        self.next_button.disabled = rec.action in ("refer", "review", "no_log") or summary.as_of is None or bool(
            self.red_flags.flags)
        self.report_button.disabled = False
        self.report_links.value = ""

    @b.guarded
    def _on_cutoff(self, change: Any = None) -> None:
        if self._quiet:
            return
        self._recommend()
        # the weekly chart draws the cut-off as its target line
        if "Weekly adherence" in self.charts_drawn:
            self.charts_drawn.remove("Weekly adherence")
            self.chart_outputs["Weekly adherence"].clear_output()
        self.draw_chart()

    @staticmethod
    def _history_html(imports: list) -> str:
        if not imports:
            return ""
        rows = [[i.filename, f"{i.imported_at:%d.%m.%Y %H:%M}", f"version {i.plan_version}", i.added, i.replaced,
                 i.rejected] for i in imports]
        return ("<div class='physio-title' style='font-size:1.1em'>Logs imported for this patient</div>"
                + b.table_html(["File", "Imported", "Plan", "Rows accepted", "Rows replaced", "Rows rejected"], rows))

    @staticmethod
    def _weekly_html(summary) -> str:
        rows = []
        for wk in summary.weekly:
            rows.append([wk.get("week"), f"{wk.get('start'):%d.%m}" if wk.get("start") else "", wk.get("scheduled"),
                         wk.get("done"), pct(wk.get("adherence")),
                         "" if wk.get("pain") is None else f"{wk.get('pain'):.1f}",
                         "" if wk.get("pain_before") is None else f"{wk.get('pain_before'):.1f}",
                         "" if wk.get("pain_after") is None else f"{wk.get('pain_after'):.1f}"])
        return b.table_html(["Week", "From", "Scheduled", "Done", "Adherence", "Pain (week's mean)", "Pain before",
                             "Pain after"], rows) \
            if rows else ""

    # ------------------------------------------------------------ charts

    def _clear_charts(self) -> None:
        self.charts_drawn = []
        for out in self.chart_outputs.values():
            out.clear_output()

    @b.guarded
    def _on_tab(self, change: Any = None) -> None:
        self.draw_chart()

    def draw_chart(self, name: str | None = None) -> None:
        """Draw the chart of the open tab (or `name`) for the current summary, once."""
        if self.summary is None:
            return
        if name is None:
            name = list(CHARTS)[self.charts.selected_index or 0]
        if name in self.charts_drawn:
            return
        from IPython.display import Image, display

        key = (name, *self._chart_key, self.cutoff.value if name == "Weekly adherence" else None)
        png = self._png_cache.get(key)
        if png is None:
            fig = CHARTS[name](self.summary, self.cutoff.value)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=CHART_DPI, pil_kwargs={"compress_level": 1})  # quick to pack, 5% larger
            # charts builds plain Figures, not pyplot ones, so there is nothing to close: once drawn to PNG nothing
            # holds the Figure, and memory stays flat however often the therapist switches patients
            del fig
            png = self._png_cache[key] = buf.getvalue()
        with self.chart_outputs[name]:
            display(Image(data=png, format="png"))
        self.charts_drawn.append(name)

    # ------------------------------------------------------------ the adherence report

    @b.guarded
    def write_report(self) -> Path | None:
        """Write the adherence report PDF (numbers, charts, this recommendation) into the workspace's export folder."""
        if self.plan is None or self.summary is None or self.recommendation is None:
            self.messages.show("info", "Choose a patient with an issued plan first.")
            return None
        if self.report_button.disabled:
            return None  # already writing: a second click does nothing
        self.report_button.disabled = True
        try:
            plan, summary = self.plan, self.summary
            folder = self.workspace.folder / b.EXPORT_FOLDER
            folder.mkdir(exist_ok=True)
            day = f"{summary.as_of:%Y-%m-%d}" if summary.as_of else "no-log"
            path = write_adherence_report(plan, summary, self.recommendation,
                                          folder / f"{plan.id}-v{plan.version}-adherence-{day}.pdf",
                                          outcomes=patient_outcomes(self.workspace, plan.patient.id))
        finally:
            self.report_button.disabled = False
        self.report_links.value = (
            "<div class='physio-card'>" + b.download_link(path, "application/pdf",
                                                          f"Adherence report — {_exports.whose(plan)}")
            + "<div class='physio-source'>A copy is kept in the workspace's export folder.</div></div>"
        )
        self.messages.show("ok", f"Saved: adherence report for {_exports.whose(plan)}.")
        return path

    # ------------------------------------------------------------ the next version

    @b.guarded
    def create_next_version(self) -> Plan | None:
        """Issue the next plan version as the recommendation says (advance, hold or step back)."""
        if self.plan is None or self.recommendation is None:
            self.messages.show("info", "Import a log first; the next version follows from its recommendation.")
            return None
        rec = self.recommendation
        if rec.action == "no_log":
            raise PlanError(f"nothing is logged for version {self.plan.version} yet, so there is nothing to judge "
                            "and no next version follows from it; import the patient's log first")
        if rec.action in ("refer", "review"):
            raise PlanError(f"the recommendation is to {rec.action} the patient; no plan version is made "
                            "automatically. After the review, build the plan in the plan builder.")
        if self.next_plan is not None:
            self.messages.show("info", f"Version {self.next_plan.version} was already created from this review.")
            return self.next_plan
        if self._busy:
            return None  # a second click while the version is made does nothing
        self._busy = True
        self.next_button.disabled = True
        try:
            patient = self.workspace.patient(self.plan.patient.id)
            proto = self.library.protocol(self.plan.protocol_id)
            step = {"advance": advance, "step_back": step_back}.get(rec.action)
            if step is not None:
                draft = step(self.plan, proto, patient, library=self.library)
            else:  # hold: the same phase again, from the day after this plan ends
                draft = change_phase(self.plan, proto, patient, self.plan.phase_id, library=self.library)
            issued = self.workspace.issue(draft, b.issuer(self.workspace, patient))
        except Exception:
            self.next_button.disabled = False
            raise
        finally:
            self._busy = False
        reviewed = self.plan
        self.analyse(issued.id, issued.version)  # the review moves on: no log since the new version was issued
        self.next_plan = issued
        self.export_next_button.layout.display = ""
        self.messages.show("ok", f"Issued version {issued.version}: {b.plan_words(self.library, issued)[1]}, from "
                           f"{issued.start:%d %b %Y}. Export its handout and log with the green button.",
                           [b.therapist_text(self.library, issued, b.therapist_text(self.library, reviewed, c))
                            for c in issued.changes])
        return issued

    @b.guarded
    def export_next(self) -> dict[str, Path] | None:
        """Write the handout and log of the version just made and start their downloads (no new version)."""
        if self.next_plan is None:
            self.messages.show("info", "Create the next plan version first.")
            return None
        if self._busy:
            return None
        self._busy = True
        self.export_next_button.disabled = True
        try:
            files = _exports.write_files(self.workspace, self.next_plan, ("handout", "workbook"), library=self.library)
        finally:
            self._busy = False
            self.export_next_button.disabled = False
        self.next_links.value = _exports.links_html(self.next_plan, files)
        self.messages.show("ok", _exports.saved_sentence(self.next_plan, files))
        return files
