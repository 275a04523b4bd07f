"""The instrument files (protocols/measures/*.yaml): what they hold, what their licences allow, and a broken file
refused with file:line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from physio.errors import ProtocolError
from physio.library import DEFAULT_PROTOCOLS_DIR, load_library
from physio.measures import default_measures, load_measures

REQUIRED = {"nprs-back", "nprs-leg", "rmdq-24", "odi", "psfs", "start-back", "srs-22r", "atr-thoracic",
            "atr-thoracolumbar", "atr-lumbar", "cobb", "risser"}


def test_every_instrument_the_issue_names_is_there():
    assert REQUIRED <= set(default_measures())


def test_wording_only_where_the_licence_allows_it():
    """outcomes: ODI (Mapi), STarT Back (commercial use: contact Keele) and SRS-22r (no permission found) are score
    entry: no item carries the form's text, only our neutral label 'Section n' / 'Item n'."""
    ms = default_measures()
    for mid in ("odi", "start-back", "srs-22r"):
        m = ms[mid]
        assert not m.licence.print_wording, mid
        assert all(it.text is None for it in m.items), mid
        assert all(it.label in (f"Section {it.id}", f"Item {it.id}") for it in m.items), mid
    assert ms["nprs-back"].items[0].text and ms["psfs"].items[0].text  # generic 0–10 scales may be printed
    assert ms["rmdq-24"].licence.print_wording and "Roland & Fairbank" in ms["rmdq-24"].licence.reason


def test_each_instrument_names_its_sources_direction_and_change():
    ms = default_measures()
    assert ms["odi"].meaningful_change.points == 10 and ms["odi"].meaningful_change.percent == 30
    assert ms["nprs-leg"].meaningful_change.points == 2 and ms["rmdq-24"].meaningful_change.points == 5
    assert ms["psfs"].higher_is_better and ms["srs-22r"].higher_is_better and not ms["odi"].higher_is_better
    assert {d.name: d.meaningful_change.points for d in ms["srs-22r"].domains if d.meaningful_change} == {
        "function": 0.3, "pain": 0.6, "self-image": 1.3, "mental health": 0.3}  # BG1, surgical AIS
    assert ms["nprs-back"].loinc == ms["nprs-leg"].loinc == "72514-3"
    # only a code we are sure of: every other instrument leaves it empty and says so
    assert all(m.loinc is None and "no LOINC code we are sure of" in m.loinc_note
               for m in ms.values() if not m.id.startswith("nprs"))


def test_the_protocol_library_does_not_read_the_measures_folder():
    """library.py reads only top-level protocols/*.yaml: the instruments never pass for protocols."""
    lib = load_library(DEFAULT_PROTOCOLS_DIR)
    assert not set(lib.protocols) & set(default_measures())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped sources and instruments, to break one at a time."""
    shutil.copy(DEFAULT_PROTOCOLS_DIR / "sources.yaml", tmp_path / "sources.yaml")
    shutil.copytree(DEFAULT_PROTOCOLS_DIR / "measures", tmp_path / "measures")
    return tmp_path


def edit(folder: Path, name: str, old: str, new: str) -> int:
    path = folder / "measures" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems(folder: Path) -> list[str]:
    with pytest.raises(ProtocolError) as e:
        load_measures(folder)
    return e.value.problems


def test_copy_loads_as_shipped(folder):
    assert set(load_measures(folder)) == set(default_measures())


def test_unknown_source_key_named_with_file_and_line(folder):
    line = edit(folder, "odi.yaml", 'source: "O1: 10 points or 30 %"', 'source: "Q9: 10 points or 30 %"')
    assert f"odi.yaml:{line} meaningful_change.source: unknown source key 'Q9'; add it to sources.yaml" in problems(folder)


def test_minimum_answered_needs_a_known_source(folder):
    line = edit(folder, "start-back.yaml", 'min_answered_source: "team-default:', 'min_answered_source: "Z7:')
    assert f"start-back.yaml:{line} scoring.min_answered_source: unknown source key 'Z7'; add it to sources.yaml" \
        in problems(folder)


def test_wording_of_a_score_entry_instrument_is_refused(folder):
    line = edit(folder, "odi.yaml", '{id: "1", label: "Section 1", min: 0, max: 5}',
                '{id: "1", label: "Section 1", text: "copied from the form", min: 0, max: 5}')
    assert any(p.startswith(f"odi.yaml:{line} items[0].text: the licence does not allow printing") for p in problems(folder))


def test_broken_rule_bands_and_ids_are_each_named(folder):
    rule = edit(folder, "rmdq-24.yaml", "rule: count-ticked", "rule: count-ticks")
    edit(folder, "odi.yaml", "{up_to: 100, label: bed-bound}", "{up_to: 90, label: bed-bound}")
    band = (folder / "measures" / "odi.yaml").read_text().splitlines().index("  bands:") + 1
    ident = edit(folder, "cobb.yaml", "id: cobb", "id: cobb-angle")
    found = problems(folder)
    assert any(p.startswith(f"rmdq-24.yaml:{rule} scoring.rule: unknown scoring rule 'count-ticks'") for p in found)
    assert any(p.startswith(f"odi.yaml:{band} bands.bands: the bands must cover the score range 0–100") for p in found)
    assert f"cobb.yaml:{ident} id: the id 'cobb-angle' differs from the file name; name the file cobb-angle.yaml" in found


def test_signal_group_and_parameters_are_checked(folder):
    group = edit(folder, "start-back.yaml", "group: high risk", "group: very high risk")
    param = edit(folder, "start-back.yaml", "low_total_max: 3", "low_total_max: three")
    found = problems(folder)
    assert any(p.startswith(f"start-back.yaml:{group} signals[0].group: 'very high risk' is not a group") for p in found)
    assert any(p.startswith(f"start-back.yaml:{param} scoring.parameters.low_total_max:") for p in found)


def test_unknown_field_and_bad_yaml(folder):
    line = edit(folder, "psfs.yaml", "short_name: PSFS", "short_name: PSFS\nshortname: PSFS")
    (folder / "measures" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    found = problems(folder)
    assert f"psfs.yaml:{line + 1} shortname: unknown field; check its spelling (given: 'PSFS')" in found
    assert any(p.startswith("broken.yaml:") and "is not valid YAML" in p for p in found)


def test_answer_range_and_direction_agree_with_the_rule(folder):
    line = edit(folder, "cobb.yaml", "min: 0, max: 120,", "min: 0, max: 180,")
    found = problems(folder)
    assert any(p.startswith(f"cobb.yaml:{line} items[0]: the answer range 0–180 differs from the score range 0–120")
               for p in found)


def test_public_names_of_the_measures_package_exist():
    import physio.measures as pm

    assert [n for n in pm.__all__ if not hasattr(pm, n)] == []
