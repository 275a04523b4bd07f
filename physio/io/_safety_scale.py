"""The one safety scale: which of a plan's stop rules and red flags go in which zone, and the words around them.

Green (normal: carry on), amber (ease off, or stop and call), red (emergency): on the handout's page 1 and on the
workbook's Plan sheet, built by `scale_zones` for both, so the patient reads the same scale on paper and on screen.
The "always" rules (how to exercise safely) are printed just before the first exercise.
Each text comes from the protocol with its source (stop rules carry their `level`; a red flag is an emergency
when one of the vocabulary flags it names is at level "emergency"), and each appears once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import ClinicProfile, Plan
from ..models.protocol import RedFlag
from ._labels import labels
from ._text import without_source_keys

#: Each zone's colours as RRGGBB: its name's background, its name's ink, its texts' background. The zone's name is
#: printed in words too, so the zones stay apart on a black-and-white printout (team-default: issue 14).
ZONE_COLOURS = {
    "normal": ("1B5E20", "FFFFFF", "E8F5E9"),
    "ease-off": ("F9A825", "000000", "FFF8E1"),
    "emergency": ("B71C1C", "FFFFFF", "FFEBEE"),
}


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
    from ..protocol_files import source_keys

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


@dataclass(frozen=True)
class Zone:
    """One zone of the scale as the patient reads it: its name, its texts (without source keys), whom to call."""

    key: str  # "normal", "ease-off" or "emergency" (ZONE_COLOURS)
    name: str
    lines: list[str]
    #: The clinic's phone for "ease off or stop", the emergency number for "emergency"; "" for "normal".
    call: str = ""


def unbroken(number: str) -> str:
    """A phone number that never wraps in the middle: a patient dials it from one line."""
    return number.replace(" ", "\u00a0")


def scale_zones(plan: Plan, clinic: ClinicProfile | None) -> list[Zone]:
    """The scale's zones in the order printed, in the plan's language; an empty zone is left out.

    Who to call: the clinic's name and phone under "ease off or stop" (without a clinic profile, the therapist),
    the clinic's emergency number under "emergency" (else the words "your local emergency number")."""
    L = labels(plan.language)
    scale = safety_scale(plan)
    call = (L["call_clinic"].format(name=clinic.name, phone=unbroken(clinic.phone)) if clinic is not None
            else L["call_therapist"].format(therapist=plan.therapist))
    emergency = (L["call_emergency"].format(number=unbroken(clinic.emergency_number)) if clinic is not None
                 else L["call_emergency_local"])
    zones = [
        Zone("normal", L["zone_normal"], [without_source_keys(t) for t in scale.normal]),
        Zone("ease-off", L["zone_ease"], [without_source_keys(t) for t in scale.ease_off], call),
        Zone("emergency", L["zone_emergency"], [without_source_keys(t) for t in scale.emergency], emergency),
    ]
    return [z for z in zones if z.lines]


def every_time(plan: Plan) -> list[str]:
    """How to exercise safely, every time (the protocol's "always" stop rules), as the patient reads them."""
    return [without_source_keys(t) for t in safety_scale(plan).always]
