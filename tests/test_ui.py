"""The widgets, driven as a therapist would: set values, click buttons, read what the widget shows."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

import physio
from physio.store import Workspace
from physio.ui import PlanBuilder, ProtocolBrowser

START = dt.date(2026, 9, 7)


# ---------------------------------------------------------------- ProtocolBrowser


def test_browser_filters_by_position_and_equipment(library):
    pb = ProtocolBrowser(library)
    assert len(pb.matching) == len(library.exercises)
    pb.position.value = "quadruped"
    assert pb.matching, "the library has exercises on hands and knees"
    assert all("quadruped" in library.exercise(i).tags for i in pb.matching)
    assert f"{len(pb.matching)} of {len(library.exercises)}" in pb.count.value
    pb.equipment.value = "none"
    assert all(not library.exercise(i).equipment for i in pb.matching)


def test_browser_says_so_when_nothing_matches(library):
    pb = ProtocolBrowser(library)
    pb.text.value = "no exercise is called this"
    assert pb.matching == []
    assert pb.messages.kind == "info" and "(any)" in pb.messages.text


def test_browser_shows_each_phase_with_its_doses_and_sources(library):
    pb = ProtocolBrowser(library)
    for proto in library.protocols.values():
        pb.show_protocol(proto.id)
        for phase in proto.phases:
            assert phase.name in pb.protocol_view.value
            for rx in phase.exercises:
                assert rx.dose.summary() in pb.protocol_view.value


def test_browser_exercise_card_shows_steps_and_source(library):
    pb = ProtocolBrowser(library)
    ex = library.exercise(pb.matching[0])
    pb.exercise.value = ex.id
    assert ex.steps[0].replace("'", "&#x27;") in pb.detail.value
    assert "Source:" in pb.detail.value


# ---------------------------------------------------------------- PlanBuilder


@pytest.fixture
def workspace(example_workspace) -> Workspace:
    return Workspace(example_workspace)


@pytest.fixture
def builder(workspace, library) -> PlanBuilder:
    b = PlanBuilder(workspace, library, today=START)
    b.patient.value = "P001"  # lumbar disc hernia, no contraindications
    return b


def versions(workspace: Workspace, plan_id: str) -> list[int]:
    try:
        return [p.version for p in workspace.plan_versions(plan_id)]
    except physio.UnknownId:
        return []


def row(builder: PlanBuilder, param: str):
    """The first exercise row that has a control for `param`."""
    return next(r for r in builder.rows if param in r.sliders)


def test_rows_follow_the_chosen_phase(builder, library):
    proto = library.protocol(builder.protocol.value)
    for phase in proto.phases:
        builder.phase.value = phase.id
        assert [r.exercise_id for r in builder.rows] == [rx.exercise for rx in phase.exercises]
        assert builder.plan is not None and builder.plan.phase_id == phase.id


def test_a_phase_shown_again_starts_from_its_prescription(builder, library):
    """Rows are reused when a phase is shown again: the edits made before must not come back with them."""
    r = row(builder, "reps")
    lo, hi = r.limits["reps"].hard
    prescribed = r.sliders["reps"].value
    r.sliders["reps"].value = hi if prescribed != hi else lo
    r.reasons["reps"].value = "tried a different dose"
    r.set_removed(True)
    assert builder.plan is not None or builder.problem
    other = builder.phase.options[1][1]
    builder.phase.value = other
    builder.phase.value = builder.phase.options[0][1]
    again = next(x for x in builder.rows if x.exercise_id == r.exercise_id)
    assert again.sliders["reps"].value == prescribed and again.reasons["reps"].value == ""
    assert not again.removed and again.changed() == {}
    assert builder.plan is not None and builder.plan.exercises == personalise_default(builder, library).exercises


def personalise_default(builder: PlanBuilder, library):
    return physio.personalise(library.protocol(builder.protocol.value), builder.workspace.patient(builder.patient.value),
                              builder.phase.value, builder.start.value, library=library, weeks=builder.weeks.value)


def test_sliders_are_bounded_by_the_hard_limit(builder):
    for r in builder.rows:
        for p, s in r.sliders.items():
            assert (s.min, s.max) == r.limits[p].hard


def test_live_summary_follows_the_slider(builder):
    r = row(builder, "reps")
    lim = r.limits["reps"]
    r.sliders["reps"].value = lim.usual[0]
    pe = builder.plan.exercise(r.exercise_id)
    assert pe.dose.reps == lim.usual[0]
    assert pe.dose.summary() in r.summary.value


def test_value_outside_usual_range_needs_a_reason(builder, workspace):
    r = row(builder, "reps")
    lim = r.limits["reps"]
    if lim.usual[1] == lim.hard[1]:
        pytest.skip("no room between usual and hard maximum")
    plan_id = builder.plan.id
    before = versions(workspace, plan_id)
    r.sliders["reps"].value = lim.usual[1] + 1
    assert r.reasons["reps"].layout.display != "none", "the reason box appears"
    assert builder.plan is None and "reason" in builder.status.text
    builder.issue_button.click()
    assert builder.messages.kind == "error" and "reason" in builder.messages.text
    # the message names the exercise and the value in the slider's words, with the allowed ranges
    text = builder.messages.text
    assert r.name in text and f"repetitions {lim.usual[1] + 1}" in text and "reps" not in text
    assert f"{lim.usual[0]}–{lim.usual[1]}" in text and f"{lim.hard[0]}–{lim.hard[1]}" in text
    assert versions(workspace, plan_id) == before

    r.reasons["reps"].value = "Tolerated 15 easily in clinic"
    builder.issue_button.click()
    issued = workspace.plan(plan_id)
    assert issued.version == len(before) + 1
    assert issued.exercise(r.exercise_id).reasons["reps"] == "Tolerated 15 easily in clinic"


def test_typed_value_beyond_hard_limit_is_clamped_and_explained(builder):
    r = row(builder, "reps")
    top = r.limits["reps"].hard[1]
    r.sliders["reps"].value = top + 25
    assert r.sliders["reps"].value == top
    assert f"{top + 25} is above the hard limit" in r.hints["reps"].value
    # the browser clamps a typed value before the kernel sees it: the hint still says where the limit is
    r.sliders["reps"].value = r.limits["reps"].usual[0]
    r.sliders["reps"].value = top
    assert f"{top} is the hard limit" in r.hints["reps"].value or r.limits["reps"].in_usual(top)
    r.reasons["reps"].value = "testing the top"
    assert builder.plan is None or builder.plan.exercise(r.exercise_id).dose.reps <= top


def test_export_twice_writes_one_version_and_complete_files(builder, workspace):
    before = versions(workspace, builder.plan.id)
    builder.export_button.click()
    assert builder.messages.kind == "ok", builder.messages.full_text
    handout, workbook = builder.files
    builder.export_button.click()
    assert builder.messages.kind == "ok"
    assert versions(workspace, builder.issued.id) == [*before, len(before) + 1]
    folder = workspace.folder / "export"
    assert handout.parent == folder and workbook.parent == folder
    assert not list(folder.glob("*.part")), "no half-written files left behind"
    text = "".join(p.extract_text() for p in PdfReader(handout).pages)
    for pe in builder.issued.exercises:
        assert pe.exercise.name.split(" (")[0] in text
    assert "Log" in openpyxl.load_workbook(workbook).sheetnames
    assert handout.name in builder.links.value and "base64," in builder.links.value


def test_issue_twice_without_a_change_stores_one_version(builder, workspace):
    n = len(versions(workspace, builder.plan.id))
    builder.issue_button.click()
    builder.issue_button.click()
    assert "already issued" in builder.messages.text
    assert len(versions(workspace, builder.issued.id)) == n + 1
    r = row(builder, "reps")
    lo = r.limits["reps"].usual[0]
    r.sliders["reps"].value = lo if r.sliders["reps"].value != lo else lo + 1
    builder.issue_button.click()
    assert len(versions(workspace, builder.issued.id)) == n + 2


def test_removed_exercise_leaves_the_plan_and_can_come_back(builder):
    first = builder.rows[0]
    first.remove_button.click()
    assert first.exercise_id not in [pe.exercise.id for pe in builder.plan.exercises]
    first.remove_button.click()
    assert first.exercise_id in [pe.exercise.id for pe in builder.plan.exercises]


def test_removing_every_exercise_is_explained(builder):
    for r in builder.rows:
        r.remove_button.click()
    assert builder.plan is None and "at least one" in builder.status.text
    builder.issue_button.click()
    assert builder.messages.kind == "error"


def test_adding_a_forbidden_exercise_is_refused_with_the_tag(builder, library):
    proto = library.protocol(builder.protocol.value)
    bad = next(ex for ex in library.exercises.values() if set(ex.tags) & set(proto.forbidden_tags))
    before = [r.exercise_id for r in builder.rows]
    builder.add_exercise(bad.id)
    assert builder.messages.kind == "error"
    assert any(t in builder.messages.text for t in proto.forbidden_tags)
    assert [r.exercise_id for r in builder.rows] == before


def test_adding_an_allowed_exercise_puts_it_in_the_plan(builder, library):
    proto = library.protocol(builder.protocol.value)
    phase = proto.phase(builder.phase.value)
    present = {r.exercise_id for r in builder.rows}
    ok = next(
        ex for ex in library.exercises.values()
        if ex.id not in present and not set(ex.tags) & (set(proto.forbidden_tags) | phase.forbidden_tags())
    )
    builder.add_choice.value = ok.id
    builder.add_button.click()
    assert builder.messages.kind == "ok", builder.messages.full_text
    assert builder.plan is not None and builder.plan.exercise(ok.id).added


def test_screening_refusal_is_shown_and_nothing_can_be_issued(workspace, library):
    proto = next(iter(library.protocols.values()))
    never = next(c for c in proto.contraindications if not c.clearable)
    base = workspace.patient("P001")
    workspace.add_patient(base.model_copy(update={"id": "P900", "contraindications": [never.id]}))
    b = PlanBuilder(workspace, library, today=START)
    b.patient.value = "P900"
    b.protocol.value = proto.id
    assert never.text in b.screening.value or never.id in b.screening.value
    assert b.editor.layout.display == "none"
    b.issue()
    assert b.messages.kind == "error"
    with pytest.raises(physio.UnknownId):
        workspace.plan(f"P900-{proto.id}")


def test_export_into_an_unwritable_place_is_a_message_not_a_crash(builder, workspace):
    (workspace.folder / "export").write_text("a file where the export folder should be")
    builder.export_button.click()
    assert builder.messages.kind == "error"
    assert "Traceback" not in builder.messages.full_text
    assert builder.export_button.disabled is False


def test_empty_workspace_says_how_to_fill_it(tmp_path, library):
    b = PlanBuilder(Workspace(tmp_path / "empty"), library, today=START)
    assert b.messages.kind == "warn" and "no patients" in b.messages.text and "New patient" in b.messages.text


def test_a_russian_speaking_patients_warnings_are_in_english_on_screen_and_in_russian_in_the_summary(workspace,
                                                                                                     library):
    """The builder's warnings are in the therapist's language; the label says where they are printed (the
    therapist's summary, in the plan's language) and that the patient's handout does not carry them."""
    from physio.io._labels import labels
    from physio.io.pdf import handout_bytes
    from physio.io.therapist_summary import summary_bytes

    def pdf_text(data: bytes) -> str:
        out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
        return " ".join(out.decode().split())

    cyrillic = re.compile("[А-Яа-яЁё]")
    where = "(printed in the therapist's summary in Russian, the patient's language; not on the handout):"
    b = PlanBuilder(workspace, library, today=START)
    b.patient.value = "P002"  # Дарья Иванова: handout in Russian; still growing, Cobb 22°
    assert workspace.patient("P002").language == "ru"
    b.protocol.value = "scoliosis"
    screening, preview = html.unescape(b.screening.value), html.unescape(b.preview.value)
    assert f"Keep in mind {where}" in screening and f"Warnings on this plan {where}" in preview
    growing = "Still growing (Risser 0–3) with a curve of 20° or more: a scoliosis specialist must review the plan"
    assert growing in screening and growing in preview
    assert not cyrillic.search(screening) and not cyrillic.search(preview.replace("Дарья Иванова", ""))
    # what the label says is where they go, in the patient's language
    [stored] = b.plan.warnings
    assert stored.startswith("Рост продолжается (Риссер 0–3)")
    assert "Рост продолжается (Риссер 0–3)" in pdf_text(summary_bytes(b.plan))
    assert "Рост продолжается" not in pdf_text(handout_bytes(b.plan))
    # a warning only the draft makes (no directional preference recorded) is in English on screen too
    b.protocol.value = "lumbar-disc-hernia"
    preview = html.unescape(b.preview.value)
    assert labels("en")["no_preference"] in preview and not cyrillic.search(preview.replace("Дарья Иванова", ""))
    assert b.plan.warnings == [labels("ru")["no_preference"]]
    # an English-speaking patient's screen says only where the lines go
    b.patient.value = "P006"
    b.protocol.value = "scoliosis"
    assert "Keep in mind (printed in the therapist's summary, not on the handout):" in html.unescape(
        b.screening.value)

# ---------------------------------------------------------------- LogReview

from old_layout import old_workbook_bytes  # noqa: E402
from physio.models import LOG_COLUMNS  # noqa: E402
from physio.ui import LogReview  # noqa: E402


def filled_workbook(plan, path: Path, *, bad_pain_row: int | None = None) -> Path:
    """The patient's copy of our workbook with every session done, pain 3 before and 2 after."""
    path.write_bytes(old_workbook_bytes(plan))  # a workbook of the old layout, as patients hold them
    wb = openpyxl.load_workbook(path)
    sheet = wb["Log"]
    col = {name: i + 1 for i, name in enumerate(LOG_COLUMNS)}
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, col["Done"], "yes")
        sheet.cell(r, col["Pain before (0-10)"], 3)
        sheet.cell(r, col["Pain after (0-10)"], 14 if r == bad_pain_row else 2)
    wb.save(path)
    return path


@pytest.fixture
def review(workspace, library) -> LogReview:
    lr = LogReview(workspace, library)
    lr.patient.value = "P001"
    return lr


def test_broken_upload_is_refused_and_nothing_is_stored(review, workspace):
    before = workspace.imports("P001")
    review.load_file("log.xlsx", b"PK\x03\x04 this was cut off while sending")
    assert review.messages.kind == "error" and "log.xlsx" in review.messages.text
    assert review.import_button.disabled
    review.load_file("holiday.xlsx", "just some text, not a spreadsheet".encode())
    assert review.messages.kind == "error"
    # a text file renamed .xlsx: said plainly, with what to do, and no code-level hint
    text = review.messages.text
    assert text.startswith("holiday.xlsx is named like an Excel workbook but is not one")
    assert "send the workbook again" in text and "mapping=" not in text
    review.import_file()
    assert workspace.imports("P001") == before


def test_returned_workbook_is_counted_with_its_rejections(review, workspace, tmp_path):
    plan = workspace.plans_for("P001")[0]
    path = filled_workbook(plan, tmp_path / "returned.xlsx", bad_pain_row=3)
    review.load_file(path.name, path.read_bytes())
    assert review.mapping_box.layout.display == "none", "our own workbook needs no column mapping"
    report = review.import_file()
    assert report is not None, review.messages.full_text
    assert report.rows_rejected >= 1 and report.rows_accepted == report.rows_read - report.rows_rejected
    assert f"{report.rows_accepted} rows accepted, {report.rows_rejected} rejected" in review.messages.text
    assert "pain-out-of-range" in review.report_view.value
    assert review.recommendation is not None
    assert review.recommendation.label in review.recommendation_view.value
    assert report.file in review.history_view.value, "the import joins the patient's list of imported logs"


def test_another_patients_workbook_is_refused(review, workspace, tmp_path):
    before = workspace.imports("P001")
    other = workspace.plans_for("P005")[0]
    path = filled_workbook(other, tmp_path / "other.xlsx")
    review.load_file(path.name, path.read_bytes())
    review.import_file()
    assert review.messages.kind == "error" and "P005" in review.messages.text
    assert workspace.imports("P001") == before


def test_foreign_csv_shows_the_mapping_and_uses_the_correction(review, workspace):
    plan = workspace.plans_for("P001")[0]
    ex = plan.exercises[0].exercise
    day = plan.start.strftime("%d.%m.%Y")
    csv = f"Дата;Код;Сделал?;Боль до\n{day};{ex.id};да;3\n".encode("cp1251")
    review.load_file("from-patient.csv", csv)
    assert review.mapping_box.layout.display != "none"
    assert review.mapping_fields["date"].value == "Дата"
    assert review.mapping_fields["exercise_id"].value == "Код"
    review.mapping_fields["done"].value = "Сделал?"  # a header the guess could not place
    report = review.import_file()
    assert report is not None, review.messages.full_text
    assert report.rows_accepted == 1
    entry = workspace.log_entries("P001", plan.id)[0]
    assert entry.done is True and entry.pain_before == 3


def test_next_version_is_issued_once_from_the_recommendation(review, workspace, tmp_path):
    plan = workspace.plans_for("P001")[0]
    path = filled_workbook(plan, tmp_path / "returned.xlsx")
    review.load_file(path.name, path.read_bytes())
    review.import_file()
    before = len(workspace.plan_versions(plan.id))
    review.next_button.click()
    if review.recommendation.action == "refer":
        assert review.messages.kind == "error"
        assert len(workspace.plan_versions(plan.id)) == before
        return
    assert review.messages.kind == "ok", review.messages.full_text
    review.create_next_version()
    assert len(workspace.plan_versions(plan.id)) == before + 1
    latest = workspace.plan(plan.id)
    assert latest.start > plan.start


# ---------------------------------------------------------------- ClinicOverview

from physio.clinic import PRIORITY, clinic_overview  # noqa: E402
from physio.progression import ACTION_LABELS, recommend  # noqa: E402
from physio.ui import ClinicOverview  # noqa: E402
from physio.ui._base import esc as b_esc  # noqa: E402


def test_clinic_overview_lists_every_patient_and_sorts(workspace, library):
    co = ClinicOverview(workspace, library)
    assert sorted(set(co.order)) == sorted(p.id for p in workspace.patients()), "patients without a plan too"
    for p in workspace.patients():
        assert b_esc(p.name) in co.html
    co.sort.value = "Patient name"
    names = list(co.shown["patient"])
    assert names == sorted(names, key=str.casefold)
    co.sort.value = "Lowest adherence first"
    shown = list(co.shown["adherence"])
    known = [a for a in shown if a == a]
    assert len(known) >= 2 and known == sorted(known), "the example logs give several adherences"
    assert shown[: len(known)] == known, "lowest first, patients without a log last"
    co.sort.value = "Needs attention first"
    priorities = [PRIORITY[a] for a in co.shown["recommendation"].dropna()]
    assert priorities == sorted(priorities), "refer before step back before hold before advance"


def test_clinic_overview_shows_the_figures_of_clinic_overview(workspace, library):
    """The widget adds nothing of its own: each row's recommendation and reasons are clinic_overview's."""
    expected = clinic_overview(workspace, library=library)
    co = ClinicOverview(workspace, library)
    from physio.redflags import LEVEL_ACTION

    for r in expected.itertuples():
        label = f"Refer. {LEVEL_ACTION[r.level]}" if isinstance(r.level, str) else ACTION_LABELS[r.recommendation]
        assert b_esc(label) in co.html  # a refer says how fast: emergency, urgent or review
        assert b_esc(r.reasons) in co.html, "the reasons are shown in full"
    refer = expected[expected["recommendation"] == "refer"]
    assert not refer.empty and co.order[0] == refer.iloc[0]["patient_id"]


# ---------------------------------------------------------------- LogReview on the example logs


def test_review_uses_the_phase_cutoff_and_the_therapists_own(workspace, library):
    lr = LogReview(workspace, library)
    pid = next(i for i in ("P004", "P001", "P002") if workspace.imports(i))
    lr.patient.value = pid
    plan, summary = lr.plan, lr.summary
    phase = library.protocol(plan.protocol_id).phase(plan.phase_id)
    assert lr.cutoff.value == phase.progression.advance.min_adherence
    assert f"Default {phase.progression.advance.min_adherence:.0%}" in lr.cutoff_note.value
    assert phase.progression.advance.source in lr.cutoff_note.value
    assert lr.recommendation == recommend(plan, summary, max_weeks=phase.max_weeks)
    # a cut-off above the patient's adherence: advancing is no longer possible, and the view says which cut-off
    higher = min(1.0, round(summary.adherence + 0.05, 2))
    lr.cutoff.value = higher
    assert lr.recommendation.numbers["adherence_cutoff"] == higher
    assert lr.recommendation.action != "advance"
    assert lr.recommendation == recommend(plan, summary, adherence_cutoff=higher, max_weeks=phase.max_weeks)
    assert f"cut-off of {higher:.0%} (your choice" in lr.recommendation_view.value
    # another patient starts again from that phase's default
    lr.patient.value = next(p.id for p in workspace.patients() if p.id != pid and workspace.plans_for(p.id))
    assert lr.cutoff.value == lr.plan.progression.advance.min_adherence


def test_review_draws_the_charts_of_the_log(workspace, library):
    lr = LogReview(workspace, library)
    lr.patient.value = "P001"
    assert lr.charts_drawn == ["Weekly adherence"], "the open tab is drawn at once"
    lr.charts.selected_index = 1
    lr.charts.selected_index = 2
    assert lr.charts_drawn == ["Weekly adherence", "Pain over time", "Calendar"]
    assert lr.messages.kind is None, lr.messages.full_text
    lr.patient.value = next(p.id for p in workspace.patients() if not workspace.plans_for(p.id))
    assert lr.charts_drawn == [] and "no issued plan" in lr.summary_view.value


def test_red_flag_note_leads_to_refer_and_no_automatic_next_version(workspace, library):
    lr = LogReview(workspace, library)
    lr.patient.value = "P005"
    assert lr.recommendation.action == "refer"
    assert lr.summary.red_flags and b_esc(lr.summary.red_flags[0].message) in lr.recommendation_view.value
    assert lr.next_button.disabled
    before = len(workspace.plan_versions(lr.plan.id))
    lr.create_next_version()
    assert lr.messages.kind == "error" and len(workspace.plan_versions(lr.plan.id)) == before


def test_imported_logs_are_listed_with_their_counts(workspace, library):
    lr = LogReview(workspace, library)
    lr.patient.value = "P001"
    for rec in workspace.imports("P001"):
        assert rec.filename in lr.history_view.value
        assert f"<td>{rec.added}</td>" in lr.history_view.value and f"<td>{rec.rejected}</td>" in lr.history_view.value


def test_adherence_report_pdf_is_written_and_linked(workspace, library):
    lr = LogReview(workspace, library)
    lr.patient.value = "P006"
    lr.report_button.click()
    assert lr.messages.kind == "ok", lr.messages.full_text
    pdfs = list((workspace.folder / "export").glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].name.startswith(lr.plan.id)
    assert pdfs[0].name in lr.report_links.value and "base64," in lr.report_links.value
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    squashed = " ".join(text.split())
    assert lr.recommendation.label in squashed
    assert lr.plan.patient.name in squashed
    lr.report_button.click()
    assert len(list((workspace.folder / "export").glob("*.pdf"))) == 1, "the same report again, not a second file"
    assert not list((workspace.folder / "export").glob("*.part"))


# ---------------------------------------------------------------- pictures


def test_board_picture_follows_the_angle_slider(workspace, library):
    from physio.ui._pictures import exercise_svg

    b = PlanBuilder(workspace, library, today=START)
    b.patient.value = "P004"
    board = next(r for r in b.rows if "angle_deg" in r.sliders)
    first = board.picture.value
    assert "<svg" in first
    board.sliders["angle_deg"].value = board.sliders["angle_deg"].value + 10
    assert board.picture.value != first
    assert exercise_svg(board.exercise_id, board.dose(), library) in board.picture.value
    for r in b.rows:
        assert "<svg" in r.picture.value, f"{r.name} has a picture"


def test_protocol_browser_shows_pictures(library):
    pb = ProtocolBrowser(library)
    pb.exercise.value = pb.matching[0]
    assert "<svg" in pb.detail.value
    proto = next(p for p in library.protocols.values() if any(rx.dose.angle_deg for ph in p.phases for rx in ph.exercises))
    pb.show_protocol(proto.id)
    angles = {rx.dose.angle_deg for ph in proto.phases for rx in ph.exercises if rx.dose.angle_deg}
    assert pb.protocol_view.value.count("<svg") == sum(len(ph.exercises) for ph in proto.phases)
    assert len(angles) > 1, "the board is drawn at each phase's angle"


def _texts(widget) -> str:
    """Every piece of text a widget shows (descriptions and HTML), its children included."""
    import ipywidgets

    out = [str(widget.value) if isinstance(widget, ipywidgets.HTML) else "",
           str(getattr(widget, "description", "") or "")]
    for child in getattr(widget, "children", ()):
        out.append(_texts(child))
    return "\n".join(out)


@pytest.mark.parametrize("notebook, make", [
    ("01_build_home_plan.ipynb", lambda ws, lib: PlanBuilder(ws, lib)),
    ("02_review_returned_logs.ipynb", lambda ws, lib: physio.ui.LogReview(ws, lib)),
    ("03_browse_protocols.ipynb", lambda ws, lib: ProtocolBrowser(lib)),
    ("04_clinic_overview.ipynb", lambda ws, lib: physio.ui.ClinicOverview(ws, lib)),
])
def test_the_page_title_is_shown_once(notebook, make, workspace, library):
    """The notebook's heading is the page title; the widget under it must not print it a second time."""
    import json

    cells = json.loads((Path(__file__).parent.parent / "notebooks" / notebook).read_text())["cells"]
    heading = next(line[2:].strip() for c in cells if c["cell_type"] == "markdown"
                   for line in "".join(c["source"]).splitlines() if line.startswith("# "))
    assert heading.lower() not in _texts(make(workspace, library).widget).lower()


# ---------------------------------------------------------------- PlanBuilder: open formats (FHIR, calendar)


def test_fhir_and_calendar_buttons_write_files_a_reader_opens(builder, workspace):
    import base64
    import json

    import icalendar
    from fhir.resources.R4B.bundle import Bundle

    builder.fhir_button.click()
    assert builder.messages.kind == "ok", builder.messages.full_text
    plan = builder.issued
    fhir = workspace.folder / "export" / f"{plan.id}-v{plan.version}.fhir.json"
    bundle = Bundle.model_validate(json.loads(fhir.read_text(encoding="utf-8")))
    (sr,) = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "ServiceRequest"]
    assert [ext.extension[0].valueCoding.code for ext in sr.extension] == [pe.exercise.id for pe in plan.exercises]
    assert base64.b64encode(fhir.read_bytes()).decode() in builder.open_links.value  # the download link holds it

    builder.ics_button.click()  # P001 has no time zone recorded and the clinic's is empty: a plain message
    assert builder.messages.kind == "error" and "has no time zone recorded" in builder.messages.text
    assert "Traceback" not in builder.messages.full_text and builder.ics_button.disabled is False
    builder.time_zone.value = "Europe/Berlin"
    builder.ics_button.click()
    assert builder.messages.kind == "ok", builder.messages.full_text
    ics = workspace.folder / "export" / f"{plan.id}-v{plan.version}.ics"
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert events and all(str(ev["UID"]).endswith(f".{plan.id}@physio") for ev in events)
    assert [p.version for p in workspace.plan_versions(plan.id)][-1] == plan.version  # one version for both files


def test_a_start_weeks_in_the_past_needs_a_reason_in_the_builder(workspace, library):
    import datetime as dt

    b = PlanBuilder(workspace, library, today=START + dt.timedelta(days=21))
    b.patient.value = "P001"
    b.start.value = START
    assert b.plan is None and "21 days before today" in (b.problem or "")
    b.start_reason.value = "plan given on paper three weeks ago"
    assert b.plan is not None and b.plan.start_reason == "plan given on paper three weeks ago"
    assert any("Entered after the fact" in w for w in b.plan.warnings)
