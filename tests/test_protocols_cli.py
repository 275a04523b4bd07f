"""`physio protocols validate/list/show` and the notebook views of exercises, phases and protocols."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import physio
from physio.cli import main
from display_helpers import shown

SHIPPED = Path(physio.library.DEFAULT_PROTOCOLS_DIR)


@pytest.fixture(scope="module")
def lib():
    return physio.default_library()


def _broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "protocols"
    shutil.copytree(SHIPPED, folder)
    hernia = folder / "lumbar-disc-hernia.yaml"
    text = hernia.read_text(encoding="utf-8")
    # Two independent faults in two files: both must be reported in one run.
    hernia.write_text(text.replace("forbidden_tags: [", "forbidden_tag: [", 1), encoding="utf-8")
    board = folder / "stretching-board.yaml"
    btext = board.read_text(encoding="utf-8")
    assert "angle_deg: 20" in btext
    board.write_text(btext.replace("angle_deg: 20", "angle_deg: 75", 1), encoding="utf-8")
    return folder


def test_validate_passes_the_shipped_protocols(capsys):
    assert main(["protocols", "validate"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "lumbar-disc-hernia" in out and "stretching-board" in out


def test_validate_prints_every_problem_and_fails(tmp_path, capsys):
    folder = _broken_copy(tmp_path)
    assert main(["protocols", "validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "lumbar-disc-hernia.yaml:" in err and "forbidden_tag: unknown field; check its spelling" in err
    assert "stretching-board.yaml:" in err and "angle_deg: 75 is above the hard limit 60" in err


def test_validate_accepts_a_file_and_checks_its_folder(tmp_path, capsys):
    folder = _broken_copy(tmp_path)
    assert main(["protocols", "validate", str(folder / "scoliosis.yaml")]) == 1
    assert "angle_deg: 75" in capsys.readouterr().err


def test_list_and_show(lib, capsys):
    assert main(["protocols", "list"]) == 0
    out = capsys.readouterr().out
    for pid in lib.protocols:
        assert pid in out
    assert main(["protocols", "show", "lumbar-disc-hernia"]) == 0
    out = capsys.readouterr().out
    hernia = lib.protocol("lumbar-disc-hernia")
    for ph in hernia.phases:
        assert ph.name in out
        for rx in ph.exercises:
            assert rx.dose.summary() in out
    assert "Never in this protocol: " in out and "twist" in out
    assert "week(s)" not in out and "at least 1 week\n" in out


def test_show_gives_an_exercises_own_limits(lib, capsys):
    # the board's own 20-minute hard limit replaces the protocol's: a therapist must see which one holds
    assert main(["protocols", "show", "stretching-board"]) == 0
    out = capsys.readouterr().out
    own = lib.protocol("stretching-board").phases[0].exercises[0].limits["duration_s"]
    assert f"own limit, duration (s): {own.usual[0]}–{own.usual[1]} / {own.hard[0]}–{own.hard[1]}" in out


def test_show_unknown_protocol_names_the_known_ones(capsys):
    assert main(["protocols", "show", "hernia"]) == 2
    err = capsys.readouterr().err
    assert "no protocol 'hernia'" in err and "lumbar-disc-hernia" in err


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(p.parts)


def test_exercise_phase_and_protocol_render_as_readable_html(lib):
    ex = lib.exercise("cat-camel")
    text = _text(shown(ex)["text/html"])
    assert ex.name in text and ex.steps[0] in text and ex.breathing in text and ex.source in text
    proto = lib.protocol("scoliosis")
    phase = proto.phases[1]
    ptext = _text(shown(phase)["text/html"])
    assert phase.name in ptext
    assert all(rx.dose.summary() in ptext for rx in phase.exercises)
    assert f"adherence ≥ {phase.progression.advance.min_adherence:.0%}" in ptext
    full = _text(shown(proto)["text/html"])
    assert all(ph.name in full for ph in proto.phases)
    assert all(c.text in full for c in proto.contraindications)


def test_a_broken_protocol_is_reported_once_not_again_as_an_unknown_translation(tmp_path, capsys):
    folder = tmp_path / "protocols"
    shutil.copytree(SHIPPED, folder)
    hernia = folder / "lumbar-disc-hernia.yaml"
    hernia.write_text(hernia.read_text(encoding="utf-8").replace("days_per_week: 7}", "days_per_week: 9}", 1),
                      encoding="utf-8")
    assert main(["protocols", "validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "days_per_week: must be at most 7 (given: 9)" in err
    assert "unknown protocol id" not in err and "1 problem(s)" in err
