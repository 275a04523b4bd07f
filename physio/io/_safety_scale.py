"""The handout's one safety scale: which of a plan's stop rules and red flags go in which zone.

Green (normal: carry on), amber (ease off, or stop and call), red (emergency) on page 1; the "always" rules (how
to exercise safely) are printed just before the first exercise.
Each text comes from the protocol with its source (stop rules carry their `level`; a red flag is an emergency
when one of the vocabulary flags it names is at level "emergency"), and each appears once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Plan
from ..models.protocol import RedFlag


@dataclass(frozen=True)
class SafetyScale:
    always: list[str] = field(default_factory=list)
    normal: list[str] = field(default_factory=list)
    ease_off: list[str] = field(default_factory=list)
    emergency: list[str] = field(default_factory=list)


def is_emergency(flag: RedFlag) -> bool:
    """True when the red flag names a vocabulary flag of level "emergency" (cauda equina: same day)."""
    from ..errors import UnknownId
    from ..vocabulary import default_vocabulary

    vocabulary = default_vocabulary()
    for f in flag.flags:
        try:
            if vocabulary.red_flag(f).level == "emergency":
                return True
        except UnknownId:
            continue
    return False


def _keys(source: str) -> frozenset[str]:
    from ..library import source_keys

    return frozenset(source_keys(source))


def restates_emergency(rule_source: str, emergency_sources: list[frozenset[str]]) -> bool:
    """True when a stop rule without a level cites exactly the sources of an emergency red flag.

    Plans issued before the scale (stored without levels) carry the protocol's old emergency stop rule, "stop
    and go to an emergency department now" (BP1, BK1), beside the cauda-equina red flag that says the same from
    the same sources: printed as both, the emergency appeared twice. The same sources mean the same fact."""
    keys = _keys(rule_source)
    return bool(keys) and any(keys == flag for flag in emergency_sources)


def safety_scale(plan: Plan) -> SafetyScale:
    """The plan's stop rules and red flags sorted into the four zones, in the protocol's order, none twice.

    A stop rule from a plan made before the scale (no level) counts as "ease off", unless it restates an
    emergency red flag (see `restates_emergency`): the red zone says that once. A text said twice (the same
    words as a stop rule and a red flag) is printed once, in the more urgent zone."""
    zones: dict[str, list[str]] = {"always": [], "normal": [], "ease-off": [], "emergency": []}
    emergency_sources = [_keys(f.source) for f in plan.red_flags if is_emergency(f)]
    for rule in plan.stop_rules:
        if rule.level is None and restates_emergency(rule.source, emergency_sources):
            continue
        zones[rule.level or "ease-off"].append(rule.text)
    for flag in plan.red_flags:
        zones["emergency" if is_emergency(flag) else "ease-off"].append(flag.text)
    seen: set[str] = set()
    for zone in ("emergency", "ease-off", "normal", "always"):
        kept = []
        for text in zones[zone]:
            key = " ".join(text.split()).casefold()
            if key not in seen:
                seen.add(key)
                kept.append(text)
        zones[zone] = kept
    return SafetyScale(always=zones["always"], normal=zones["normal"], ease_off=zones["ease-off"],
                       emergency=zones["emergency"])
