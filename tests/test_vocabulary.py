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
