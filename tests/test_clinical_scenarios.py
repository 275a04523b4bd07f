"""Issue 11, points 5 and 8: a table of clinical scenarios, inputs → expected recommendation or screening
outcome and the reason, each citing the evidence key (protocols/sources.yaml) behind the expectation.

Progression rows run recommend() on a logged plan with the shipped protocols' rules (the hernia's phase 2);
screening rows run personalise() on the shipped library, as the notebook and the CLI do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import yaml

from adherence_helpers import entry
from physio.adherence import summarise
from physio.errors import Contraindicated, PlanError
from physio.library import DEFAULT_PROTOCOLS_DIR
from physio.measures import default_measures, parse_tokens, record
from physio.models import AddedExercise, Dose, Overrides, Patient
from physio.planning import personalise, schedule
from physio.progression import recommend

START = dt.date(2026, 9, 7)
SOURCES = yaml.safe_load((DEFAULT_PROTOCOLS_DIR / "sources.yaml").read_text(encoding="utf-8"))["sources"]


@dataclass(frozen=True)
class Rec:
    """A progression scenario: pain per week (every session), a few sessions at another pain, adherence."""

    pain: dict[int, float]
    spikes: dict[int, float] = field(default_factory=dict)
    every: int = 1  # do every n-th session
    weeks: int = 3
    max_weeks: int | None = None
    phase_start_weeks_before: int = 0
    #: Outcome-measure results: (measure id, days after the start, the answers as typed).
    outcomes: tuple = ()
    #: A patient's note on the first session (red-flag words), to test what comes first.
    note: str | None = None
    scoliosis: bool = False


@dataclass(frozen=True)
class Scr:
    """A screening scenario on the shipped library."""

    protocol: str
    patient: dict
    phase: int = 0
    add: tuple = ()
    on: dt.date = START


def _hernia_plan(weeks: int, library):
    proto = library.protocol("lumbar-disc-hernia")
    pat = Patient.model_validate({"id": "S1", "name": "Scenario", "birth_year": 1980, "therapist": "T",
                                  "conditions": [{"kind": "lumbar-disc-hernia", "directional_preference": "extension"}]})
    plan = personalise(proto, pat, "motor-control", START, library=library, weeks=weeks, today=START)
    return plan.model_copy(update={"version": 1})


def _scoliosis_plan(weeks: int, library):
    proto = library.protocol("scoliosis")
    pat = Patient.model_validate({"id": "S3", "name": "Scenario", "therapist": "T", **scol(18, 4)})
    plan = personalise(proto, pat, proto.phases[0].id, START, library=library, weeks=weeks, today=START)
    return plan.model_copy(update={"version": 1})


def _outcomes(s: Rec):
    ms = default_measures()
    return [record(ms[mid], parse_tokens(ms[mid], list(answers)), START + dt.timedelta(days=days), birth_year=1980,
                   today=dt.date(2030, 1, 1)) for mid, days, *answers in s.outcomes]


def run_rec(s: Rec, library):
    plan = (_scoliosis_plan if s.scoliosis else _hernia_plan)(s.weeks, library)
    out = []
    for i, sess in enumerate(schedule(plan)):
        if i % s.every:
            continue
        p = s.spikes.get(i, s.pain.get(sess.week, 1))
        out.append(entry(plan, sess.date, sess.exercise_id, session=sess.session, pain_before=p, row=i + 2,
                         notes=s.note if i == 0 else None))
    began = START - dt.timedelta(weeks=s.phase_start_weeks_before)
    r = recommend(plan, summarise(plan, schedule(plan), out), max_weeks=s.max_weeks, phase_start=began,
                  outcomes=_outcomes(s))
    return r.action, " ".join(r.reasons)


def run_scr(s: Scr, library):
    proto = library.protocol(s.protocol)
    data = {"id": "S2", "name": "Scenario", "birth_year": 1980, "therapist": "T", **s.patient}
    pat = Patient.model_validate(data)
    try:
        plan = personalise(proto, pat, proto.phases[s.phase].id, s.on, Overrides(add=list(s.add)), library=library,
                           today=s.on)
    except Contraindicated as e:
        return "refused", " ".join(e.reasons)
    except PlanError as e:
        return "refused", str(e)
    return "allowed", " ".join(plan.warnings + plan.cleared)


HERNIA = {"conditions": [{"kind": "lumbar-disc-hernia", "directional_preference": "extension"}]}


def scol(cobb, risser=None, birth_year=2012):
    return {"birth_year": birth_year, "conditions": [{"kind": "scoliosis", "cobb_deg": cobb, "risser": risser}]}


def NPRS_LEG(days, pain):
    return ("nprs-leg", days, str(pain))


def ODI(days, total):
    """An ODI whose ten section scores add up to `total` (the index is 2 × total)."""
    return ("odi", days, *[str(min(5, max(0, total - 5 * i))) for i in range(10)])


def RMDQ(days, ticked):
    return ("rmdq-24", days, *(["1"] * ticked + ["0"] * (24 - ticked)))


def PSFS(days, each):
    return ("psfs", days, *[f"{a}={each}" for a in ("putting on socks", "walking 1 km", "lifting a child")])


BOARD_ADD = (AddedExercise(exercise="board-traction-supine", dose=Dose(duration_s=60)),)

#: (name, inputs, expected outcome, words the reason must contain, evidence keys)
SCENARIOS = [
    # ---- progression (hernia phase 2 rules: advance at ≥70%, mean pain ≤3, 2 weeks; step back at mean ≥6,
    #      a rise of 2 points or 30%, adherence <40%; a session at 6 blocks advancing)
    ("all targets met", Rec({1: 2, 2: 2, 3: 2}), "advance", "100%", ["MI1", "T1"]),
    ("adherence 50% holds", Rec({1: 2, 2: 2, 3: 2}, every=2), "hold", "is below the 70% needed", ["MI1"]),
    ("adherence 34% steps back", Rec({1: 2, 2: 2, 3: 2}, every=3), "step_back", "below 40%", ["team-default"]),
    ("mean pain 3.05 is above 3", Rec({1: 3.05, 2: 3.05, 3: 3.05}), "hold", "3.05/10 is above the 3.00", ["T1"]),
    ("mean pain exactly 3 is allowed", Rec({1: 3, 2: 3, 3: 3}), "advance", "3.0/10 is within the 3.0", ["T1"]),
    ("mean pain 6 steps back", Rec({1: 6, 2: 6, 3: 6}), "step_back", "at or above 6.0", ["T1"]),
    ("rise 2 to 3 (50%) steps back", Rec({1: 2, 2: 2, 3: 3}), "step_back", "Pain rose by 1.0 points", ["O1", "SA1"]),
    ("rise 1.5 to 2.5 (67%) steps back", Rec({1: 1.5, 2: 1.5, 3: 2.5}), "step_back", "30% [O1]", ["O1", "SA1"]),
    ("rise 0.5 to 1 is not noticed", Rec({1: 0.5, 2: 0.5, 3: 1.0}), "advance", "Adherence 100%", ["SA1"]),
    ("rise of 2 points steps back", Rec({1: 1, 2: 1, 3: 3}), "step_back", "Pain rose by 2.0 points", ["O1"]),
    ("two sessions at 9/10 block advancing", Rec({1: 2, 2: 2, 3: 2}, spikes={40: 9, 41: 9}), "hold",
     "a session reached pain 9.0/10", ["T1"]),
    ("one session at exactly 6 blocks advancing", Rec({1: 1, 2: 1, 3: 1}, spikes={30: 6}), "hold",
     "at or above the stop level 6.0", ["T1"]),
    ("too few weeks holds", Rec({1: 1}, weeks=1), "hold", "1 week done in this phase, of the at least 2", ["B1"]),
    ("weeks over versions: advance", Rec({1: 1}, weeks=1, phase_start_weeks_before=1), "advance", "2 weeks done",
     ["B1"]),
    ("8 weeks in a 4-week phase: review", Rec({1: 1, 2: 1}, weeks=2, max_weeks=4, phase_start_weeks_before=6),
     "review", "8 weeks in Phase 2", ["B1", "L1"]),
    # ---- outcome measures (issue 15, point 5; the rules of protocols/measures/*.yaml; the log meets every advance
    #      target unless the row says otherwise)
    ("leg pain 3 → 6: review, not advance", Rec({1: 1, 2: 1, 3: 1}, outcomes=(NPRS_LEG(0, 3), NPRS_LEG(14, 6))),
     "review", "Review, do not advance: NPRS leg rose from 3 on 07.09.2026 to 6 on 21.09.2026", ["L1", "O1"]),
    ("leg pain 5 → 6 (20 %, 1 point): advance", Rec({1: 1, 2: 1, 3: 1}, outcomes=(NPRS_LEG(0, 5), NPRS_LEG(14, 6))),
     "advance", "Adherence 100%", ["O1"]),
    ("daily leg pain, single days at 4 in weeks of 3: advance", Rec({1: 1, 2: 1, 3: 1}, outcomes=tuple(
        NPRS_LEG(d, p) for d, p in enumerate([3, 3, 4, 3, 3, 3, 3, 3, 4, 3, 3, 3, 4, 3]))), "advance",
     "Adherence 100%", ["O1", "team-default"]),
    ("daily leg pain, weekly mean 3.1 → 4.3: review", Rec({1: 1, 2: 1, 3: 1}, outcomes=tuple(
        NPRS_LEG(d, p) for d, p in enumerate([3, 3, 4, 3, 3, 3, 3, 4, 4, 5, 4, 4, 5, 4]))), "review",
     "NPRS leg rose from 3.1 (mean of 7 results, 07.09.2026–13.09.2026) to 4.3 (mean of 7 results", ["O1", "L1"]),
    ("back pain 2 → 8 is no outcome rule: advance", Rec({1: 1, 2: 1, 3: 1}, outcomes=(
        ("nprs-back", 0, "2"), ("nprs-back", 14, "8"))), "advance", "Adherence 100%", ["team-default"]),
    ("ODI 40 → 50 %: review, not advance", Rec({1: 1, 2: 1, 3: 1}, outcomes=(ODI(0, 20), ODI(20, 25))), "review",
     "ODI rose from 40% on 07.09.2026 to 50% on 27.09.2026: worse by 10 points", ["L1", "O1"]),
    ("ODI 40 → 50 % with pain 6: review, step-back reasons kept", Rec({1: 6, 2: 6, 3: 6}, outcomes=(
        ODI(0, 20), ODI(20, 25))), "review", "at or above 6.0", ["L1", "O1", "T1"]),
    ("ODI 40 → 48 % (8 points, 20 %): advance", Rec({1: 1, 2: 1, 3: 1}, outcomes=(ODI(0, 20), ODI(20, 24))),
     "advance", "Adherence 100%", ["O1"]),
    ("RMDQ 10 → 13 (30 %): review", Rec({1: 1, 2: 1, 3: 1}, outcomes=(RMDQ(0, 10), RMDQ(14, 13))), "review",
     "RMDQ-24 rose from 10 on 07.09.2026 to 13 on 21.09.2026", ["RF1", "O1"]),
    ("PSFS 6 → 4: review", Rec({1: 1, 2: 1, 3: 1}, outcomes=(PSFS(0, 6), PSFS(14, 4))), "review",
     "PSFS fell from 6 on 07.09.2026 to 4 on 21.09.2026", ["ST1", "L1"]),
    ("STarT Back high risk: advance, flagged for psychologically informed care", Rec({1: 1, 2: 1, 3: 1}, outcomes=(
        ("start-back", 0, *"0 0 0 0 1 1 1 1 4".split()),)), "advance",
     "Psychologically informed care: STarT Back on 07.09.2026: high risk", ["HI1"]),
    ("STarT Back high risk with mean pain 6: step back, still flagged", Rec({1: 6, 2: 6, 3: 6}, outcomes=(
        ("start-back", 0, *"0 0 0 0 1 1 1 1 4".split()),)), "step_back", "Psychologically informed care", ["HI1", "T1"]),
    ("Cobb 18° → 23°: refer to a specialist", Rec({1: 1, 2: 1, 3: 1}, scoliosis=True, outcomes=(
        ("cobb", 0, "18"), ("cobb", 70, "23"))), "refer",
     "Refer to a specialist: Cobb rose from 18° on 07.09.2026 to 23° on 16.11.2026", ["S1"]),
    ("Cobb 18° → 22.5°: no referral", Rec({1: 1, 2: 1, 3: 1}, scoliosis=True, outcomes=(
        ("cobb", 0, "18"), ("cobb", 70, "22.5"))), "advance", "Adherence 100%", ["S1"]),
    ("ATR 5° → 7°: refer to a specialist", Rec({1: 1, 2: 1, 3: 1}, scoliosis=True, outcomes=(
        ("atr-thoracic", 0, "5"), ("atr-thoracic", 60, "7"))), "refer", "reached the referral criterion of 7°",
     ["S1", "team-default"]),
    ("red flag and leg pain worse: the red flag comes first", Rec({1: 1, 2: 1, 3: 1}, note="cannot feel the saddle area",
     outcomes=(NPRS_LEG(0, 3), NPRS_LEG(14, 6))), "refer", "saddle", ["BP1", "L1"]),
    # ---- screening (shipped protocols and vocabulary)
    ("glaucoma + board added to a hernia plan", Scr("lumbar-disc-hernia", {**HERNIA, "contraindications":
     ["glaucoma"]}, phase=1, add=BOARD_ADD), "refused", "'glaucoma'", ["PU1"]),
    ("hypertension + board added, no clearance", Scr("lumbar-disc-hernia", {**HERNIA, "contraindications":
     ["high blood pressure"]}, phase=1, add=BOARD_ADD), "refused", "no valid clearance", ["G1", "Z1"]),
    ("board in the acute hernia phase", Scr("lumbar-disc-hernia", HERNIA, add=BOARD_ADD), "refused",
     "this phase forbids", ["N2", "CT1"]),
    ("osteoporosis in scoliosis (twist)", Scr("scoliosis", {**scol(15, 4), "contraindications": ["osteoporosis"]}),
     "refused", "pilyuiko-knee-drop", ["CL1"]),
    ("pregnancy in a hernia plan: named, allowed", Scr("lumbar-disc-hernia", {**HERNIA, "contraindications":
     ["pregnancy"]}), "allowed", "Pregnancy: noted at intake", ["CL1"]),
    ("severe acute pain alone: allowed", Scr("lumbar-disc-hernia", {**HERNIA, "notes": "severe acute pain"}),
     "allowed", "", ["N1"]),
    ("no directional preference: warning", Scr("lumbar-disc-hernia", {"conditions": [{"kind": "lumbar-disc-hernia"}]}),
     "allowed", "No directional preference was recorded", ["L1", "M1"]),
    ("Cobb 19 Risser 2: no specialist flag", Scr("scoliosis", scol(19, 2)), "allowed", "", ["MS1"]),
    ("Cobb 20 Risser 3 (boundary): specialist", Scr("scoliosis", scol(20, 3)), "allowed",
     "Still growing (Risser 0–3) with a curve of 20° or more", ["MS1"]),
    ("Cobb 22 Risser 4: grown, no flag", Scr("scoliosis", scol(22, 4)), "allowed", "", ["MS1"]),
    ("Cobb exactly 25: expert warning", Scr("scoliosis", scol(25, 4)), "allowed", "Curve of 25° or more", ["MS1"]),
    ("Cobb exactly 45: surgical range", Scr("scoliosis", scol(45, 4)), "allowed", "Curve of 45° or more", ["SC1"]),
    ("Risser not recorded at 14", Scr("scoliosis", scol(15, None)), "allowed", "No Risser sign recorded", ["MS1"]),
]


def test_the_table_has_at_least_25_scenarios_each_citing_known_evidence():
    assert len(SCENARIOS) >= 25
    for name, _, _, _, keys in SCENARIOS:
        assert keys and all(k in SOURCES or k == "team-default" for k in keys), name


@pytest.mark.parametrize("name, inputs, expected, words, evidence", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_clinical_scenario(name, inputs, expected, words, evidence, library):
    action, reason = run_rec(inputs, library) if isinstance(inputs, Rec) else run_scr(inputs, library)
    assert action == expected, (name, evidence, reason)
    assert words in reason, (name, evidence, reason)
    if expected == "allowed" and not words:  # a row expecting no flag: none of the curve warnings appears
        assert "specialist must review" not in reason and "25° or more" not in reason, (name, reason)


def test_scoliosis_has_a_self_correction_exercise_with_its_source_pose_and_russian_text(library):
    ex = library.exercise("active-self-correction")
    assert "S1" in ex.source and "MO1" in ex.source
    assert ex.id in library.poses
    assert library.translations["ru"].exercises[ex.id].name
    proto = library.protocol("scoliosis")
    assert all(ph.exercises[0].exercise == ex.id for ph in proto.phases)
    assert "What the evidence supports" in proto.summary and "What it does not" in proto.summary
