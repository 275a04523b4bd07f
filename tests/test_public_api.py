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


def test_import_physio_leaves_the_heavy_libraries_for_later():
    """`import physio` in a fresh interpreter loads no table, chart, PDF or spreadsheet library (speed: issue 18)."""
    import subprocess
    import sys

    heavy = ["pandas", "matplotlib", "reportlab", "openpyxl", "python_calamine", "ipywidgets", "numpy"]
    code = ("import sys, physio; "
            f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_a_public_name_loads_its_module_on_first_use():
    """The lazy names are the real objects, and `from physio import *` still gives every name in __all__."""
    import physio.io.export
    import physio.models

    assert physio.Plan is physio.models.Plan
    assert physio.export_plan is physio.io.export.export_plan
    space: dict = {}
    exec("from physio import *", space)
    assert set(physio.__all__) <= set(space)
    assert set(physio.__all__) <= set(dir(physio))
