"""The shared vocabulary: every red flag has a level, labels in both languages and a known source."""

import pytest
import yaml

from physio.errors import UnknownId
from physio.library import DEFAULT_PROTOCOLS_DIR
from physio.vocabulary import LEVEL_ORDER, default_vocabulary


def test_cauda_equina_signs_are_emergencies_and_serious_pathology_is_urgent():
    vocab = default_vocabulary()
    levels = {f.id: f.level for f in vocab.red_flags}
    for ces in ("ces-bladder", "ces-bowel", "ces-saddle", "ces-sexual", "ces-both-legs", "foot-drop"):
        assert levels[ces] == "emergency"
    for serious in ("fever", "weight-loss", "cancer-history", "night-pain"):
        assert levels[serious] == "urgent"
    assert set(levels.values()) <= set(LEVEL_ORDER)


def test_every_red_flag_is_labelled_in_english_and_russian_and_cites_a_known_source():
    sources = yaml.safe_load((DEFAULT_PROTOCOLS_DIR / "sources.yaml").read_text())["sources"]
    for flag in default_vocabulary().red_flags:
        assert flag.label["en"].strip() and flag.label["ru"].strip(), flag.id
        keys = flag.source.split(":")[0].split(",")
        assert all(k.strip() in sources for k in keys), flag.source


def test_synonyms_and_case_map_to_the_id_and_an_unknown_flag_names_the_allowed_ids():
    vocab = default_vocabulary()
    assert vocab.red_flag("Saddle-Anaesthesia").id == "ces-saddle"
    with pytest.raises(UnknownId, match="allowed: ces-bladder"):
        vocab.red_flag("purple-toes")


RELEASED = DEFAULT_PROTOCOLS_DIR.parent / "tests" / "data" / "vocabulary-released-ids.txt"


def _released() -> list[tuple[str, str]]:
    lines = RELEASED.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("kind, term_id", _released())
def test_no_released_id_disappears_so_every_stored_patient_still_loads(kind, term_id):
    """Patients' records store vocabulary ids: an entry renamed or merged keeps its old id as a synonym, so a
    record written years ago still loads (as the new id) instead of becoming unreadable."""
    assert getattr(default_vocabulary(), kind)(term_id) is not None


def test_an_old_id_kept_as_a_synonym_loads_a_stored_record_as_the_new_id():
    from physio.models import Patient

    stored = ('{"id": "P9", "name": "Old Record", "birth_year": 1950, "therapist": "T", '
              '"red_flags": ["urinary-retention"]}')
    assert Patient.model_validate_json(stored).red_flags == ["ces-bladder"]


def test_every_current_id_is_in_the_released_list():
    """A new id is released when it is added to the list (then it may never disappear)."""
    vocab, released = default_vocabulary(), set(_released())
    current = {("red_flag", t.id) for t in vocab.red_flags} | {("condition", t.id) for t in vocab.conditions} | {
        ("contraindication", t.id) for t in vocab.contraindications}
    assert current - released == set(), f"add these to {RELEASED.name}"
