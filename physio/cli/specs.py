"""The short texts of `physio patients` for a condition or a doctor's clearance, typed as an option or answered
at a prompt: 'lumbar-disc-hernia,disc-level=L4-L5,side=left' → the record's fields."""

from __future__ import annotations

from typing import Any

from ..errors import WorkspaceError

#: The details a --condition may carry after its name, and a --clearance after its contraindication.
CONDITION_KEYS = {"disc-level": "disc_level", "level": "disc_level", "side": "side",
                   "preference": "directional_preference", "directional-preference": "directional_preference",
                   "cobb": "cobb_deg", "risser": "risser", "curve": "curve_type", "curve-type": "curve_type",
                   "details": "details"}
CLEARANCE_KEYS = {"by": "by", "doctor": "by", "on": "on", "protocol": "protocol", "exercise": "exercise",
                   "valid-until": "valid_until", "note": "note"}


def spec_fields(text: str, flag: str, keys: dict[str, str], head: str, example: str) -> dict[str, Any]:
    """'lumbar-disc-hernia,disc-level=L4-L5,side=left' → {head: 'lumbar-disc-hernia', 'disc_level': 'L4-L5', ...}."""
    first, *rest = [part.strip() for part in text.split(",")]
    if not first or "=" in first:
        raise WorkspaceError(f"{flag} {text!r} must start with the {head.replace('_', ' ')}, e.g. {flag} {example}")
    out: dict[str, Any] = {head: first}
    for part in rest:
        key, sep, value = part.partition("=")
        field = keys.get(key.strip().lower().replace("_", "-"))
        if not sep or field is None:
            raise WorkspaceError(f"{flag} {text!r}: '{part}' is not understood; after the {head.replace('_', ' ')} "
                                 f"write KEY=VALUE with KEY one of {', '.join(sorted(set(keys)))}, e.g. {example}")
        out[field] = value.strip()
    return out
