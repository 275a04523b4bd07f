"""The two frames of an exercise (start and end) as the handout draws them: same box and scale, the arrow on
the start frame, the hold time on the end frame, and every word at 10 pt or more at the smallest frame size,
read back from a real PDF."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from physio import Dose, load_library
from physio.figures import (
    MIN_FRAME_HEIGHT_MM, MIN_FRAME_WIDTH_MM, exercise_figure, exercise_frames, min_text_pt, to_drawing, to_png, to_svg,
)
from physio.figures.shapes import Text

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def lib():
    return load_library(PROTOCOLS)


def _roles(fig) -> set[str]:
    return {s.role for s in fig.shapes}


def _pdf_text_sizes(fig, width_pt: float, height_pt: float) -> list[tuple[str, float]]:
    """Draw the frame into a PDF page of exactly that box and read back each word's size as printed."""
    from reportlab.graphics import renderPDF

    from physio.io import _fonts

    _fonts.register_fonts()  # the handout's own embedded fonts, which print Cyrillic
    buf = io.BytesIO()
    renderPDF.drawToFile(to_drawing(fig, width_pt, height_pt, _fonts.SANS, _fonts.SANS_BOLD), buf)
    sizes: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            sizes.append((text.strip(), size * math.hypot(c, d)))

    PdfReader(io.BytesIO(buf.getvalue())).pages[0].extract_text(visitor_text=visit)
    return sizes


def test_start_and_end_are_two_pictures_with_the_same_box(lib):
    for ex_id in lib.exercises:
        start, end = exercise_frames(ex_id, library=lib)
        assert (start.frame, end.frame) == ("start", "end")
        assert start.bbox == end.bbox, ex_id  # the same box: drawn at the same size, the same scale
        assert start.exercise_id == end.exercise_id == ex_id
        assert "ghost" not in _roles(start) | _roles(end), f"{ex_id}: no faded figure in a frame"
        assert "body" in _roles(start) and "body" in _roles(end), ex_id


def test_frames_show_the_start_and_the_end_pose(lib):
    start, end = exercise_frames("glute-bridge", library=lib)
    body_s = [s for s in start.shapes if s.role == "body"]
    body_e = [s for s in end.shapes if s.role == "body"]
    assert body_s != body_e
    # the start frame's body is drawn from the start skeleton: its pelvis ends at the start hip
    hip_s, hip_e = start.skeletons["start"].points["hip"], start.skeletons["end"].points["hip"]
    assert any(hip_s in s.points for s in body_s) and not any(hip_e in s.points for s in body_s)
    assert any(hip_e in s.points for s in body_e)


def test_the_arrow_is_on_the_start_frame_and_the_hold_on_the_end_frame(lib):
    start, end = exercise_frames("glute-bridge", Dose(sets=2, reps=10, hold_s=10), library=lib)
    assert "motion" in _roles(start) and "motion" not in _roles(end)
    assert [s.text for s in end.shapes if isinstance(s, Text)] == ["hold 10 s"]
    assert not [s for s in start.shapes if isinstance(s, Text)]


def test_frames_work_in_every_backend(lib):
    for fig in exercise_frames("cat-camel", library=lib):
        root = ET.fromstring(to_svg(fig, width_px=240))
        assert root.get("width") == "240" and len(root) > 10
        d = to_drawing(fig, 120, 90)
        assert (d.width, d.height) == (120, 90) and d.contents
        png = to_png(fig, width_px=300)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == 300


LONG = Dose(duration_s=150, angle_deg=45)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("dose", [Dose(sets=2, reps=10, hold_s=10), Dose(duration_s=150), LONG],
                         ids=["hold", "duration", "board"])
def test_every_word_is_at_least_10_pt_at_the_smallest_frame(lib, dose, language):
    small = []
    for ex_id in lib.exercises:
        for fig in exercise_frames(ex_id, dose, library=lib, language=language):
            w = MIN_FRAME_WIDTH_MM * MM
            natural = (w, w * fig.height / fig.width)  # at its own proportions, MIN_FRAME_WIDTH_MM wide
            boxed = (w, MIN_FRAME_HEIGHT_MM * MM)  # into the smallest box
            for box in (natural, boxed):
                pt = min_text_pt(fig, *box)
                if pt is not None and pt < 10:
                    small.append(f"{ex_id} {fig.frame} {box}: {pt:.1f} pt")
    assert small == []


def test_word_sizes_read_back_from_a_pdf_are_at_least_10_pt(lib):
    # read from the PDF itself, as a reader sees them: the hold time, the board angle, in Russian too
    for ex_id, dose, language, word in [
        ("glute-bridge", Dose(sets=2, reps=10, hold_s=10), "en", "hold 10 s"),
        ("board-traction-supine", LONG, "ru", "45°"),
        ("warmup-reach-up", Dose(duration_s=150), "ru", "2 мин 30 с"),
        ("prone-lying", Dose(duration_s=120), "en", "2 min"),
    ]:
        end = exercise_frames(ex_id, dose, library=lib, language=language)[1]
        w = MIN_FRAME_WIDTH_MM * MM
        sizes = _pdf_text_sizes(end, w, min(w * end.height / end.width, MIN_FRAME_HEIGHT_MM * MM))
        words = " ".join(t for t, _ in sizes)
        assert word.split()[-1] in words, (ex_id, sizes)
        assert sizes and min(s for _, s in sizes) >= 10, (ex_id, sizes)
        assert min(s for _, s in sizes) == pytest.approx(min_text_pt(end, w, min(w * end.height / end.width,
                                                                                 MIN_FRAME_HEIGHT_MM * MM)), rel=0.01)


def test_the_thumbnail_stays_one_picture_for_the_workbook(lib):
    fig = exercise_figure("glute-bridge", Dose(hold_s=10), library=lib)
    assert fig.frame == "" and "ghost" in _roles(fig) and "body" in _roles(fig)
    assert "hold 10 s" in [s.text for s in fig.shapes if isinstance(s, Text)]
