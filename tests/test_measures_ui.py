"""MeasureEntry and MeasuresPanel driven as a therapist would: choose an instrument, type answers, click Save, read
what the widget shows and what the workspace kept. Each refusal is the rule of the instrument file (outcomes:
/work/shared/clinical/outcome-measures.md; ODI minimum: team-default; SRS-22r domain ≥ 3 answers; PSFS activities
named by the patient, ST1; Cobb 0–120°; a date between birth and today)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from physio.store import Workspace
from physio.ui.measures import MeasureEntry, MeasuresPanel

DAY = dt.date(2026, 9, 7)


@pytest.fixture
def ws(example_workspace, monkeypatch):
    monkeypatch.setenv("PHYSIO_TODAY", "2026-11-30")
    return Workspace(example_workspace)


def shown(widget) -> str:
    """What a person reads in an HTML widget: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def entry(ws, patient="P001", **kw) -> MeasureEntry:
    e = MeasureEntry(ws, patient, **kw)
    e.date.value = DAY
    return e


def test_odi_saved_once_on_a_double_click_and_called_back(ws):
    """MA1: ODI 16 of 50 = 32 %, moderate disability (OD1)."""
    got = []
    e = entry(ws, purpose="baseline", on_saved=got.append)
    e.instrument.value = "odi"
    assert [r.item.label for r in e.rows] == [f"Section {i}" for i in range(1, 11)]
    e.set_answers("3 2 1 0 2 1 3 2 1 1".split())
    e.save_button.click()
    e.save_button.click()
    kept = ws.results("P001", "odi")
    assert len(kept) == 1 and kept[0].score.value == pytest.approx(32.0) and kept[0].on == DAY
    assert len(got) == 1 and got[0].id == kept[0].id
    assert e.messages.kind == "info" and "already saved" in e.messages.text
    e.date.value = DAY + dt.timedelta(days=14)  # another day's sheet with the same answers is a new result
    e.save_button.click()
    assert len(ws.results("P001", "odi")) == 2 and e.messages.kind == "ok"


def test_an_impossible_answer_is_refused_beside_its_item_naming_the_allowed_values(ws):
    e = entry(ws)
    e.instrument.value = "odi"
    e.set_answers("3 2 1 0 2 1 3 2 1 7".split())
    e.save_button.click()
    assert "Section 10: '7' is outside the allowed answers; allowed: whole numbers 0–5" in shown(e.rows[9].error)
    assert all(not shown(r.error).strip() for r in e.rows[:9])
    assert e.messages.kind == "error" and "Nothing was saved" in e.messages.text
    assert ws.results("P001") == []


def test_odi_with_three_of_ten_sections_names_the_rule_and_keeps_nothing(ws):
    e = entry(ws)
    e.instrument.value = "odi"
    e.set_answers(["3", "2", "1"] + [""] * 7)
    e.save_button.click()
    assert e.messages.kind == "error" and "Not enough answers" in e.messages.text
    assert "ODI needs at least 9 of 10 sections answered and 3 were (team-default" in e.messages.full_text
    assert ws.results("P001") == []


def test_srs_domain_with_two_answers_is_said_and_the_total_withheld(ws):
    """outcomes (SRS-22r row), BG1: a domain needs ≥ 3 answers; no total without each of its four domains."""
    e = entry(ws, "P002")
    e.instrument.value = "srs-22r"
    answers = {str(i): "4" for i in range(1, 23)}
    for i in ("1", "2", "8"):  # pain keeps items 11 and 17 only
        answers[i] = ""
    e.set_answers(answers)
    e.save_button.click()
    assert e.messages.kind == "error"
    assert "the pain domain needs at least 3 of its 5 items answered and 2 were" in e.messages.full_text
    assert ws.results("P002") == []


def test_cobb_of_150_and_a_date_before_birth_are_refused(ws):
    e = entry(ws, "P002")  # born 2012
    e.instrument.value = "cobb"
    e.set_answers(["150"])
    e.save_button.click()
    assert "'150' is outside the allowed answers; allowed: 0–120" in shown(e.rows[0].error)
    e.set_answers(["24"])
    e.date.value = dt.date(2011, 5, 1)
    e.save_button.click()
    assert e.messages.kind == "error" and "before the patient's birth (born 2012)" in e.messages.text
    assert ws.results("P002") == []


def test_wording_only_where_the_licence_allows(ws):
    e = entry(ws)
    e.instrument.value = "nprs-leg"
    assert "How strong is your leg pain?" in shown(e.rows[0].label)
    e.instrument.value = "start-back"
    assert "wording is not shown" in shown(e.licence) and "score entry only" in shown(e.licence)
    assert [r.item.label for r in e.rows] == [f"Item {i}" for i in range(1, 10)]
    assert "disagree" in e.rows[0].box.placeholder and "very much" in e.rows[8].box.placeholder


def test_psfs_on_the_patients_activities_and_an_activity_without_a_name(ws):
    """ST1: the patient names 3–5 activities; each is scored 0–10; the score is their mean."""
    p = ws.patient("P001")
    if "psfs_activities" in type(p).model_fields:  # the intake (issue 13a) keeps the activities the patient named
        ws.update_patient(p.model_copy(update={"psfs_activities": ["putting on socks", "walking 1 km",
                                                                   "lifting a child"]}), by="test")
        e = entry(ws)
        e.instrument.value = "psfs"
        assert [a.name.value for a in e.activities[:3]] == ["putting on socks", "walking 1 km", "lifting a child"]
    e = entry(ws)
    e.instrument.value = "psfs"
    e.set_activities([("putting on socks", "4"), ("", "6"), ("lifting a child", "5")])
    e.save_button.click()
    assert "activity 2 has no name" in shown(e.activities[1].error) and ws.results("P001") == []
    e.set_activities([("putting on socks", "4"), ("walking 1 km", "6"), ("lifting a child", "5")])
    e.save_button.click()
    [kept] = ws.results("P001", "psfs")
    assert kept.score.value == pytest.approx(5.0) and kept.score.parts["walking 1 km"] == 6


def test_panel_shows_latest_band_signals_and_a_chart_per_measure_and_follows_an_entry(ws):
    panel = MeasuresPanel(ws, "P001")
    assert "No outcome measures are recorded" in shown(panel.table) and not panel.charts.children
    e = panel.entry
    e.date.value = DAY
    e.instrument.value = "nprs-leg"
    e.set_answers(["3"])
    e.save_button.click()
    e.date.value = DAY + dt.timedelta(days=14)
    e.set_answers(["6"])
    e.save_button.click()
    e.instrument.value = "start-back"
    e.set_answers("0 0 0 0 1 1 1 1 4".split())
    e.save_button.click()
    assert "5 (21.09.2026) — high risk (psychosocial subscore 5)" in shown(panel.table)
    assert "6 (21.09.2026)" in shown(panel.table) and "3 (07.09.2026)" in shown(panel.table)
    assert "Review, do not advance: NPRS leg rose from 3 on 07.09.2026 to 6 on 21.09.2026" in shown(panel.signals)
    assert "Psychologically informed care: STarT Back on 21.09.2026: high risk" in shown(panel.signals)
    assert panel.chart_titles == ["Numeric Pain Rating Scale, leg pain (higher is worse)",
                                  "STarT Back Screening Tool (higher is worse)"]
    assert all(img.value[:8] == b"\x89PNG\r\n\x1a\n" for img in panel.charts.children)


def test_panel_lists_srs_domains_with_their_own_change_that_matters(ws):
    """BG1: SRS-22r domains, pain 0.6; the satisfaction domain has no figure, so none is shown."""
    e = entry(ws, "P002")
    e.instrument.value = "srs-22r"
    e.set_answers(["4"] * 22)
    e.save_button.click()
    e.date.value = DAY + dt.timedelta(days=60)
    e.set_answers(["3"] * 22)
    e.save_button.click()
    table = shown(MeasuresPanel(ws, "P002").table)
    assert "SRS-22r pain 3 4 -1 (matters from 0.6)" in " ".join(table.split())
    assert "SRS-22r satisfaction 3 4 -1" in " ".join(table.split())
    assert "(matters from" not in " ".join(table.split()).split("SRS-22r satisfaction")[1]


def _words(widget) -> list[str]:
    """The widget's own words: HTML, descriptions, placeholders, dropdown labels (typed values aside)."""
    import ipywidgets as w

    out = [shown(widget)] if isinstance(widget, w.HTML) else []
    out += [str(getattr(widget, a, "") or "") for a in ("description", "placeholder")]
    if isinstance(widget, w.Dropdown):
        out += [str(label) for label in widget._options_labels]
    for child in getattr(widget, "children", ()):
        out += _words(child)
    return [t for t in out if t.strip()]


def test_a_russian_speaking_patients_full_psfs_entry_is_in_the_apps_language_with_the_patients_words(ws):
    """The app's screens are in the therapist's language (English) for every patient; the instrument files hold
    English texts only. A Russian-speaking patient's activities stay in the patient's words."""
    p = ws.patient("P005")
    assert p.language == "ru"
    named = ["надевать носки", "ходить 1 км", "поднимать ящики"]
    ws.update_patient(p.model_copy(update={"psfs_activities": named}), by="test")
    before = len(ws.results("P005", "psfs"))  # the example's own PSFS sheets
    e = entry(ws, "P005")
    e.instrument.value = "psfs"
    assert [a.name.value for a in e.activities[:3]] == named
    e.set_activities([(named[0], "4"), (named[1], "11"), (named[2], "5")])
    e.save_button.click()
    refusal = shown(e.activities[1].error)  # names the activity in the patient's words, the rule in English
    assert "'ходить 1 км': '11' is outside the allowed answers; allowed: whole numbers 0–10" in refusal
    assert len(ws.results("P005", "psfs")) == before
    e.set_activities([(named[0], "4"), (named[1], "6"), (named[2], "5")])
    e.save_button.click()
    [kept] = [r for r in ws.results("P005", "psfs") if r.on == DAY]
    assert len(ws.results("P005", "psfs")) == before + 1
    assert kept.score.value == pytest.approx(5.0) and kept.score.parts[named[1]] == 6
    words = _words(e.widget)
    assert "Saved PSFS of 07.09.2026: 5" in " ".join(words)
    assert {"Instrument", "Date", "Save"} <= set(words)
    cyrillic = [t for t in words if re.search("[А-Яа-яЁё]", re.sub("|".join(map(re.escape, named)), "", t))]
    assert cyrillic == [], f"the widget's own words are not in the app's language: {cyrillic}"
