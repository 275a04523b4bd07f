"""Names and notes in any script: the handout prints them (extractable, fonts embedded) or refuses clearly."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import arabic_reshaper
import pytest
from bidi import get_display
from export_helpers import make_plan, need_tool
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfgen.canvas import Canvas

from physio.errors import ExportError
from physio.io import _fonts
from physio.io.pdf import handout_bytes, write_handout

# Chinese, Japanese (kana and kanji), Greek, Cyrillic, an emoji DejaVu has and one only Symbola has.
NAME = "李小龍 やまだ 花子 Σοφία Анна 🌷😀"
NOTE = "Gentle start 🐈, 注意してください"
NO_FONT_CHAR = "\U00010C80"  # 𐲀, Old Hungarian: in none of DejaVu, Droid Sans Fallback, Symbola


def need_fallback_fonts() -> None:
    """The fallback fonts are system packages: missing in CI is a failure, missing locally a skip."""
    missing = [name for name, _ in _fonts.FALLBACKS if name not in _fonts.fallback_files()]
    if missing:
        message = (f"fallback fonts not installed ({', '.join(missing)}): Chinese, Japanese and emoji cannot be "
                   "printed; run `make system-deps` (Debian packages fonts-droid-fallback, fonts-symbola)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run(tool: str, why: str, *args: str) -> str:
    exe = need_tool(tool, why)
    return subprocess.run([exe, *args], check=True, capture_output=True, text=True, encoding="utf-8").stdout


def pdf_text(path: Path) -> str:
    return run("pdftotext", "it extracts the handout's text", "-enc", "UTF-8", str(path), "-")


def font_rows(path: Path) -> list[list[str]]:
    lines = run("pdffonts", "it lists the handout's fonts", str(path)).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


@pytest.fixture(scope="module")
def multiscript(tmp_path_factory) -> tuple[Path, str]:
    need_fallback_fonts()
    plan = make_plan(patient_name=NAME, note=NOTE)
    path = write_handout(plan, tmp_path_factory.mktemp("pdf") / "handout.pdf")
    return path, pdf_text(path)


def test_name_in_every_script_reads_back_exactly(multiscript):
    text = multiscript[1]
    assert f"{NAME} (born 1970)" in re.sub(r"\s+", " ", text)  # may wrap in its table cell
    assert f"for {NAME} only" in re.sub(r"\s+", " ", text)  # the footer on every page
    assert NOTE in re.sub(r"\s+", " ", text)


def test_every_font_is_embedded_including_the_fallbacks(multiscript):
    rows = font_rows(multiscript[0])
    names = [r[0].split("+")[-1] for r in rows]
    assert {"DejaVuSans", "DroidSansFallback", "Symbola"} <= set(names)
    assert not [n for n in names if "Helvetica" in n]
    # Columns: name type encoding emb sub uni object-id: "emb" is the fourth from the end.
    assert all(r[-4] == "yes" for r in rows), rows


def test_same_multiscript_plan_gives_identical_bytes():
    need_fallback_fonts()
    plan = make_plan(patient_name=NAME, note=NOTE)
    assert handout_bytes(plan) == handout_bytes(plan)


def test_cyrillic_only_plan_needs_no_fallback_font(tmp_path):
    path = write_handout(make_plan(patient_name="Анна Петрова"), tmp_path / "handout.pdf")
    names = {r[0].split("+")[-1] for r in font_rows(path)}
    assert names <= {"DejaVuSans", "DejaVuSans-Bold"}, names
    assert "Анна Петрова (born 1970)" in pdf_text(path)


def test_name_no_font_can_print_is_refused_before_anything_is_written(tmp_path):
    target = tmp_path / "handout.pdf"
    with pytest.raises(ExportError) as err:
        write_handout(make_plan(patient_name=f"Li 李 {NO_FONT_CHAR}"), target)
    message = str(err.value)
    assert "patient's name" in message and "Li 李" in message
    assert NO_FONT_CHAR in message and "U+10C80" in message
    assert "make system-deps" in message and "Latin letters" in message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_private_use_character_in_a_note_is_refused_naming_the_exercise(tmp_path):
    with pytest.raises(ExportError) as err:
        write_handout(make_plan(note="see the \ue000 sign"), tmp_path / "handout.pdf")
    message = str(err.value)
    assert "note on exercise 'cat-camel'" in message and "U+E000" in message
    assert list(tmp_path.iterdir()) == []


def test_text_drawn_on_a_canvas_switches_font_per_run(tmp_path):
    need_fallback_fonts()
    _fonts.register_fonts()
    path = tmp_path / "runs.pdf"
    canvas = Canvas(str(path), invariant=1)
    end = _fonts.draw_text_runs(canvas, 50, 700, NAME, _fonts.SANS, 12)
    canvas.save()
    assert end > 50 + canvas.stringWidth("Anna", _fonts.SANS, 12)
    assert NAME in pdf_text(path)
    assert {"DroidSansFallback", "Symbola"} <= {r[0].split("+")[-1] for r in font_rows(path)}


# ------------------------------------------------------------------ right-to-left names (Arabic, Hebrew)
#
# reportlab draws every line left to right, one glyph per character. A correct handout therefore draws a
# right-to-left name in visual order (its last letter first) and, for Arabic, in joined letter forms.
# pdftotext and pypdf turn right-to-left runs back into reading order on their own, which would hide a
# name drawn back to front; so these tests read the strings in the order the page content draws them.

ARABIC = "محمد علي"
HEBREW = "שרה כהן"
MIXED = "Ali علي (P007)"


def expected_drawing(text: str) -> str:
    """How `text` must be drawn left to right, according to the reshaping and bidi libraries themselves."""
    return get_display(arabic_reshaper.reshape(text))


def drawn_text(path: Path, page: int = 0) -> str:
    """The page's text strings decoded and joined in the order they are drawn (no reordering)."""
    reader = PdfReader(str(path))
    pg = reader.pages[page]
    maps = {}
    for key, ref in pg["/Resources"]["/Font"].items():
        cmap = ref.get_object()["/ToUnicode"].get_object().get_data().decode()
        maps[key] = {int(code, 16): bytes.fromhex(uni).decode("utf-16-be")
                     for code, uni in re.findall(r"^<([0-9A-F]{2})> <((?:[0-9A-F]{4})+)>$", cmap, re.M)}
    font, out = None, []
    for operands, op in ContentStream(pg.get_contents(), reader).operations:
        if op == b"Tf":
            font = operands[0]
        elif op == b"Tj":
            s = operands[0]
            raw = s.original_bytes if hasattr(s, "original_bytes") else bytes(s)
            out.append("".join(maps[font][b] for b in raw))
    return "".join(out).replace("\u00a0", " ")


@pytest.fixture(scope="module", params=[ARABIC, HEBREW, MIXED], ids=["arabic", "hebrew", "mixed"])
def rtl_handout(request, tmp_path_factory) -> tuple[str, Path]:
    name = request.param
    return name, write_handout(make_plan(patient_name=name), tmp_path_factory.mktemp("rtl") / "handout.pdf")


def test_right_to_left_name_is_drawn_in_visual_order_and_joined(rtl_handout):
    name, path = rtl_handout
    drawn = drawn_text(path)
    assert f"{expected_drawing(name)} (born 1970)" in drawn
    assert name not in drawn  # the typed (logical) order would read back to front on paper
    if name == ARABIC:
        assert any(0xFE70 <= ord(ch) <= 0xFEFF for ch in drawn)  # joined letter forms, not isolated letters


def test_right_to_left_name_in_the_footer_of_every_page(rtl_handout):
    name, path = rtl_handout
    for page in range(len(PdfReader(str(path)).pages)):
        assert f"for {expected_drawing(name)} only" in drawn_text(path, page)


def test_right_to_left_name_prints_with_embedded_dejavu_only(rtl_handout):
    rows = font_rows(rtl_handout[1])
    assert {r[0].split("+")[-1] for r in rows} <= {"DejaVuSans", "DejaVuSans-Bold"}, rows
    assert all(r[-4] == "yes" for r in rows), rows


def test_arabic_letter_dejavu_lacks_is_refused_clearly(tmp_path):
    rare = "\u063b"  # Keheh with two dots above: no glyph in DejaVu
    with pytest.raises(ExportError) as err:
        write_handout(make_plan(patient_name=f"علي {rare}"), tmp_path / "handout.pdf")
    assert "patient's name" in str(err.value) and "U+063B" in str(err.value)
    assert list(tmp_path.iterdir()) == []
