"""IANA time zone names (e.g. "Europe/Berlin"), checked against the computer's zone database."""

from __future__ import annotations

import zoneinfo


def check_time_zone(name: str) -> str:
    """The name if it is a known IANA time zone, else a ValueError saying what is allowed."""
    name = name.strip()
    try:
        if name and "\\" not in name and not name.startswith("/"):
            zoneinfo.ZoneInfo(name)
            return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    raise ValueError(f"'{name}' is not a time zone; write an IANA name such as Europe/Berlin or America/New_York")


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(check_time_zone(name))
