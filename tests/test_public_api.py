"""The public surface a notebook may import: everything in __all__ exists, and nothing private leaks in."""

import physio


def test_every_name_in_all_is_importable():
    missing = [name for name in physio.__all__ if not hasattr(physio, name)]
    assert missing == []


def test_all_has_no_duplicates_or_private_names():
    assert len(physio.__all__) == len(set(physio.__all__))
    assert not [n for n in physio.__all__ if n.startswith("_")]


def test_models_are_frozen_and_refuse_unknown_fields():
    import pydantic
    import pytest

    dose = physio.Dose(sets=3, reps=10)
    with pytest.raises(pydantic.ValidationError):
        dose.sets = 4  # an issued dose cannot change in place
    with pytest.raises(pydantic.ValidationError, match="extra"):
        physio.Dose(sets=3, reps=10, repetitions=12)
