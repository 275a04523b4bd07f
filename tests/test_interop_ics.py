"""`physio export PLAN --ics`: calendar reminders read by two independent parsers (icalendar and vobject): version,
event ids stable across exports and versions, removed sessions cancelled, local times in the patient's zone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from physio.interop.ics import fold, plan_calendar
from physio.planning import schedule
from physio.store import Workspace

PLAN = "P001-lumbar-disc-hernia"


def reissue(ws: Workspace, **changes):
    """A new version of the plan with these changes, issued as the therapist would."""
    plan = ws.plan(PLAN)
    return ws.issue(plan.model_copy(update={**changes, "version": 0, "issued_at": None, "issued_by": None}),
                    "Anna Berg")


def physio(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120, env={**os.environ})


def export_ics(ws_folder: Path, out: Path, *extra: str) -> Path:
    out.mkdir(exist_ok=True)
    done = physio("--workspace", str(ws_folder), "export", PLAN, "--ics", "--out", str(out), *extra)
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("*.ics")
    assert done.stdout == f"Calendar: {path}\n"
    return path


def by_icalendar(data: bytes) -> dict[str, dict]:
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and "physio" in str(cal["PRODID"])
    return {str(ev["UID"]): {"start": ev.decoded("DTSTART"), "status": str(ev["STATUS"]),
                             "sequence": int(ev["SEQUENCE"]), "description": str(ev["DESCRIPTION"])}
            for ev in cal.walk("VEVENT")}


def by_vobject(data: bytes) -> dict[str, dict]:
    cal = vobject.readOne(data.decode("utf-8"))
    assert cal.version.value == "2.0"
    return {ev.uid.value: {"start": ev.dtstart.value, "status": ev.status.value,
                           "sequence": int(ev.sequence.value), "description": ev.description.value}
            for ev in cal.vevent_list}


def test_one_event_per_session_at_local_times_read_by_two_parsers(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    # Sydney moves its clocks on 4 October 2026, inside this plan: 09:00 stays 09:00 for the patient
    ws.add_patient(ws.patient("P001").model_copy(update={"time_zone": "Australia/Sydney"}), update=True)
    reissue(ws, weeks=5)  # 7 September to 11 October
    data = export_ics(example_workspace, tmp_path / "out").read_bytes()
    plan = ws.plan(PLAN)
    sessions = Counter((s.date, s.session) for s in schedule(plan))
    most = max(n for _, n in sessions)
    assert most > 1

    for events in (by_icalendar(data), by_vobject(data)):
        assert len(events) == len(sessions)
        assert {e["status"] for e in events.values()} == {"CONFIRMED"}
        seen = set()
        for uid, ev in events.items():
            local = ev["start"].astimezone(ZoneInfo("Australia/Sydney"))
            seen.add((local.date(), local.time()))
            day, session = local.date(), int(uid.split("-")[1].split(".")[0])
            assert uid == f"{day:%Y%m%d}-{session}.{PLAN}@physio" and (day, session) in sessions
            if session == most:  # the last session of the day: 18:00 (the first: 09:00, below)
                assert local.time() == dt.time(18, 0)
        assert {d for d, _ in seen} == {d for d, _ in sessions}
        firsts = {ev["start"] for uid, ev in events.items() if "-1." in uid}
        utc_hours = {s.astimezone(dt.timezone.utc).hour for s in firsts}
        assert utc_hours == {22, 23}  # 09:00 in Sydney is 23:00 UTC before the change and 22:00 after it
        assert {s.astimezone(ZoneInfo("Australia/Sydney")).time() for s in firsts} == {dt.time(9, 0)}


def test_a_reissued_plan_updates_the_same_events_and_cancels_removed_sessions(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    v1 = reissue(ws, weeks=3)
    assert v1.version == 2
    first = by_icalendar(export_ics(example_workspace, tmp_path / "v1", "--time-zone", "Europe/Berlin").read_bytes())
    again = by_vobject(export_ics(example_workspace, tmp_path / "again", "--time-zone", "Europe/Berlin").read_bytes())
    assert set(again) == set(first)  # the same version exported twice: the same ids

    shorter = v1.model_copy(update={"weeks": v1.weeks - 1, "version": 0, "issued_at": None, "issued_by": None})
    v2 = ws.issue(shorter, "Anna Berg")
    assert v2.version == 3
    data = export_ics(example_workspace, tmp_path / "v2", "--time-zone", "Europe/Berlin").read_bytes()
    last_week = {uid for uid, ev in first.items() if ev["start"].date() > v2.end}
    assert last_week
    for events in (by_icalendar(data), by_vobject(data)):
        assert set(events) == set(first)  # kept sessions keep their ids; removed ones come back cancelled
        for uid, ev in events.items():
            assert ev["sequence"] == 2 > first[uid]["sequence"] == 1
            assert ev["start"] == first[uid]["start"]
            assert ev["status"] == ("CANCELLED" if uid in last_week else "CONFIRMED")


def test_text_is_escaped_and_lines_folded_at_75_octets(example_workspace):
    ws = Workspace(example_workspace)
    plan = ws.plan(PLAN)
    tricky = "Slowly, then 5; not more \\ and\nbreathe out — медленно, не больше пяти раз; потом отдых"
    exercises = [plan.exercises[0].model_copy(update={"note": tricky}), *plan.exercises[1:]]
    data = plan_calendar(plan.model_copy(update={"exercises": exercises}), time_zone="Europe/Moscow")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character cut in half by folding
    assert b"\n" not in data.replace(b"\r\n", b"")
    for events in (by_icalendar(data), by_vobject(data)):
        first = next(ev for uid, ev in sorted(events.items()))
        assert f"{plan.exercises[0].exercise.name}: {plan.exercises[0].dose.summary()} ({tricky})" in first["description"]


def test_fold_keeps_multibyte_characters_whole():
    line = "DESCRIPTION:" + "щ" * 100
    folded = fold(line).encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in folded) and folded[1].startswith(b" ")
    assert "".join(p.decode("utf-8")[1:] if i else p.decode("utf-8") for i, p in enumerate(folded)) == line


def test_a_patient_without_a_time_zone_needs_the_clinics(example_workspace, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    done = physio("--workspace", str(example_workspace), "export", PLAN, "--ics", "--fhir", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == ("physio: error: patient P001 (Maria Kovacs) has no time zone recorded, so the reminders "
                           "cannot be put at the right hour; record it (time_zone: Europe/Berlin) or give the clinic's "
                           "zone (--time-zone Europe/Berlin)\n")
    assert list(tmp_path.iterdir()) == []  # nothing half-written: the FHIR file is not left alone either
    bad = physio("--workspace", str(example_workspace), "export", PLAN, "--ics", "--time-zone", "Mars/Olympus",
                 "--out", str(tmp_path))
    assert bad.returncode == 2
    assert "'Mars/Olympus' is not a time zone; write an IANA name such as Europe/Berlin" in bad.stderr


@pytest.mark.parametrize("times,message", [("8am", "'8am' is not a clock time"),
                                           ("19:00,08:00", "give the times of a day in order")])
def test_bad_session_times_are_refused(example_workspace, tmp_path, times, message):
    done = physio("--workspace", str(example_workspace), "export", PLAN, "--ics", "--time-zone", "Europe/Berlin",
                  "--times", times, "--out", str(tmp_path))
    assert done.returncode == 2 and message in done.stderr


def test_therapists_session_times_are_used(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    n = max(s.session for s in schedule(ws.plan(PLAN)))
    times = ",".join(f"{7 + i:02d}:15" for i in range(n))
    data = export_ics(example_workspace, tmp_path / "o", "--time-zone", "Europe/Berlin", "--times", times).read_bytes()
    for uid, ev in by_vobject(data).items():
        session = int(uid.split("-")[1].split(".")[0])
        assert ev["start"].astimezone(ZoneInfo("Europe/Berlin")).time() == dt.time(6 + session, 15)


def test_a_next_phase_version_leaves_the_lived_sessions_alone(example_workspace, tmp_path):
    ws = Workspace(example_workspace)
    v1 = ws.plan(PLAN)
    first = by_icalendar(export_ics(example_workspace, tmp_path / "v1", "--time-zone", "Europe/Berlin").read_bytes())
    later = reissue(ws, start=v1.end + dt.timedelta(days=1), weeks=2)  # as `plan advance` does: from the day after
    data = export_ics(example_workspace, tmp_path / "v2", "--time-zone", "Europe/Berlin").read_bytes()
    for events in (by_icalendar(data), by_vobject(data)):
        assert not set(events) & set(first)  # nothing of the lived week is cancelled or changed
        assert {ev["status"] for ev in events.values()} == {"CONFIRMED"}
        assert min(ev["start"] for ev in events.values()).date() == later.start


@settings(max_examples=40, deadline=None)
@given(note=st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), min_size=1,
                    max_size=200).map(lambda t: t.strip()).filter(bool) | st.sampled_from(
    ["a,b;c\\d\ne", "\\n is not a line break", ";;;,,,\\\\", "строка\nвторая; третья, четвёртая"]))
def test_any_note_survives_escaping_in_both_parsers(plan_for_notes, note):
    plan = plan_for_notes
    exercises = [plan.exercises[0].model_copy(update={"note": note}), *plan.exercises[1:]]
    data = plan_calendar(plan.model_copy(update={"exercises": exercises}), time_zone="Europe/Berlin")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    want = f"{plan.exercises[0].exercise.name}: {plan.exercises[0].dose.summary()} ({note})"
    for events in (by_icalendar(data), by_vobject(data)):
        first = events[min(events)]
        assert want in first["description"]


@pytest.fixture(scope="module")
def plan_for_notes(tmp_path_factory):
    from conftest import build_workspace

    return Workspace(build_workspace(tmp_path_factory.mktemp("notes") / "ws")).plan(PLAN)
