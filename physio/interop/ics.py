"""A plan version as an iCalendar file (RFC 5545) of reminders: one event per session of each day.

Event ids (UID) come from the plan id, the date and the session number, never from the version: a re-issued plan
keeps the ids of the sessions it keeps, so a calendar that imports the new file updates those events instead of
adding copies. A session an earlier version had and this one does not is written again as cancelled
(STATUS:CANCELLED) so the calendar removes it; sessions dated before this version's start are history
(a new phase that starts after the last one) and are left alone. SEQUENCE is the version less one: every re-issue counts as a
revision. Times are the patient's local session times in their time zone, written in UTC (RFC 5545 form 2), which
every calendar converts back to the phone's own zone; the zone's name is in X-WR-TIMEZONE.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Sequence

from ..errors import ExportError
from ..models import Plan
from ..timezones import check_time_zone, zone

PRODID = "-//physio//home-exercise plans//EN"

SESSION_MINUTES = 30
"""How long a reminder event lasts. team-default: a home session of this toolkit's protocols takes 15–30 minutes;
the event only blocks the time in the patient's calendar."""

FIRST_SESSION = dt.time(9, 0)
LAST_SESSION = dt.time(18, 0)
"""Default clock times when the therapist names none: one session at 09:00; more spread evenly from 09:00 to 18:00.
team-default: a morning session before work and an evening one after it; the therapist can give --times."""

_WORDS = {
    "en": {"title": "Home exercises", "session": "session {} of {}", "cancelled": "cancelled: no longer in the plan"},
    "ru": {"title": "Домашние упражнения", "session": "занятие {} из {}", "cancelled": "отменено: больше нет в плане"},
}


class CalendarError(ExportError):
    """A calendar cannot be written as asked (no time zone, a bad session time)."""


def escape_text(text: str) -> str:
    """TEXT value escaping of RFC 5545 3.3.11: backslash, semicolon, comma and line breaks."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character; CRLF ends each part."""
    data = line.encode("utf-8")
    parts: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte: step back to the character's start
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines begin with one space, which counts
    parts.append(data)
    return "\r\n ".join(p.decode("utf-8") for p in parts) + "\r\n"


def session_times(n: int, given: Sequence[dt.time] = ()) -> list[dt.time]:
    """Clock times of n sessions a day: the therapist's (--times) if given, else FIRST_SESSION..LAST_SESSION."""
    if given:
        if len(given) < n:
            raise CalendarError(f"the plan has up to {n} sessions a day and {len(given)} time"
                                f"{'s were' if len(given) != 1 else ' was'} given; give one time per session")
        return list(given[:n])
    if n == 1:
        return [FIRST_SESSION]
    start = FIRST_SESSION.hour * 60 + FIRST_SESSION.minute
    span = LAST_SESSION.hour * 60 + LAST_SESSION.minute - start
    mins = [start + round(span * i / (n - 1) / 30) * 30 for i in range(n)]
    return [dt.time(m // 60, m % 60) for m in mins]


def _sessions(plan: Plan) -> dict[tuple[dt.date, int], list[str]]:
    from ..planning import schedule

    out: dict[tuple[dt.date, int], list[str]] = defaultdict(list)
    for s in schedule(plan):
        out[(s.date, s.session)].append(s.exercise_id)
    return out


def _lines(plan: Plan) -> dict[str, str]:
    """Each exercise as the event's description shows it: name, dose and the therapist's note."""
    return {pe.exercise.id: f"{pe.exercise.name}: {pe.dose.summary(plan.language)}"
            + (f" ({pe.note})" if pe.note else "") for pe in plan.exercises}


def _uid(plan_id: str, date: dt.date, session: int) -> str:
    return f"{date:%Y%m%d}-{session}.{plan_id}@physio"


def _utc(date: dt.date, at: dt.time, tz: str) -> str:
    local = dt.datetime.combine(date, at, tzinfo=zone(tz))
    return local.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _event(plan: Plan, date: dt.date, session: int, per_day: int, lines: list[str], *, at: dt.time, tz: str,
           stamp: str, cancelled: bool = False) -> list[str]:
    w = _WORDS.get(plan.language, _WORDS["en"])
    summary = f"{w['title']} ({w['session'].format(session, per_day)})" if per_day > 1 else w["title"]
    end = (dt.datetime.combine(date, at) + dt.timedelta(minutes=SESSION_MINUTES)).time()
    out = ["BEGIN:VEVENT", f"UID:{_uid(plan.id, date, session)}", f"DTSTAMP:{stamp}",
           f"DTSTART:{_utc(date, at, tz)}", f"DTEND:{_utc(date, end, tz)}",
           f"SEQUENCE:{max(plan.version - 1, 0)}", f"SUMMARY:{escape_text(summary)}",
           f"DESCRIPTION:{escape_text(chr(10).join(([w['cancelled']] if cancelled else []) + lines))}",
           f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}", "TRANSP:OPAQUE", "END:VEVENT"]
    return out


def plan_calendar(plan: Plan, *, time_zone: str | None, earlier: Sequence[Plan] = (),
                  times: Sequence[dt.time] = (), stamp: dt.datetime | None = None) -> bytes:
    """The plan's sessions as calendar events in `time_zone` (the patient's); sessions of `earlier` versions of
    the same plan that this version no longer has are included as cancelled."""
    if not time_zone:
        raise CalendarError(f"patient {plan.patient.id} ({plan.patient.name}) has no time zone recorded, so the "
                            "reminders cannot be put at the right hour; record it (time_zone: Europe/Berlin) or give "
                            "the clinic's zone (--time-zone Europe/Berlin)")
    try:
        tz = check_time_zone(time_zone)
    except ValueError as e:
        raise CalendarError(str(e)) from None
    when = stamp or plan.issued_at or dt.datetime.now(dt.timezone.utc)
    stamp_text = when.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    current = _sessions(plan)
    per_day = {d: max(s for (day, s) in current if day == d) for d, _ in current}
    most = max(per_day.values(), default=1)
    clock = session_times(most, times)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(plan.protocol_title + ': ' + plan.phase_name)}", f"X-WR-TIMEZONE:{tz}"]
    names = _lines(plan)
    for (date, s), ex_ids in sorted(current.items()):
        lines += _event(plan, date, s, per_day[date], [names[e] for e in ex_ids], at=clock[s - 1], tz=tz,
                        stamp=stamp_text)
    lines += _cancelled(plan, earlier, set(current), tz, times, stamp_text)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")


def _cancelled(plan: Plan, earlier: Sequence[Plan], kept: set, tz: str, times: Sequence[dt.time],
               stamp: str) -> list[str]:
    """Sessions the earlier versions of this plan had from this version's start on and this version does not:
    each once, as cancelled. Sessions before this version's start (the previous phase, already lived) stay."""
    gone: dict[tuple[dt.date, int], tuple[Plan, list[str], int]] = {}
    for old in sorted((p for p in earlier if p.id == plan.id and p.version < plan.version), key=lambda p: p.version):
        sessions = _sessions(old)
        names = _lines(old)
        for key, ex_ids in sessions.items():
            if key not in kept and key[0] >= plan.start:  # before this version began: history, left as it was
                n = max(s for (d, s) in sessions if d == key[0])
                gone[key] = (old, [names[e] for e in ex_ids], n)
    out: list[str] = []
    for (date, s), (old, lines, n) in sorted(gone.items()):
        at = session_times(max(n, s), times)[s - 1]
        out += _event(plan, date, s, n, lines, at=at, tz=tz, stamp=stamp, cancelled=True)
    return out
