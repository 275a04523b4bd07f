"""The fonts every PDF we make uses: DejaVu, shipped with matplotlib, embedded so Cyrillic prints anywhere.

Registering a TrueType font parses the file, which costs milliseconds; it happens once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

#: Names the PDF styles use; bold and italic markup in paragraphs map onto the same family.
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_OBLIQUE = "DejaVuSans-Oblique"
SANS_BOLD_OBLIQUE = "DejaVuSans-BoldOblique"
MONO = "DejaVuSansMono"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_OBLIQUE: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_OBLIQUE: "DejaVuSans-BoldOblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}


def font_folder() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map, with characters beyond U+FFFF (emoji, rare CJK) written as UTF-16 pairs.

    reportlab writes their code point as 5 hex digits, which PDF readers cut to 4: copying a patient's
    name from the handout, or a screen reader, would give the wrong characters."""
    lines = _reportlab_to_unicode_cmap(fontname, subset).split("\n")
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            pair = chr(v).encode("utf-16-be").hex().upper()
            lines = [f"<{i:02X}> <{pair}>" if line == f"<{i:02X}> <{v:04X}>" else line for line in lines]
    return "\n".join(lines)


_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@functools.cache
def register_fonts() -> str:
    """Register the DejaVu family with reportlab (once) and return the regular font's name."""
    folder = font_folder()
    for name, file in _FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    # <b> and <i> inside a Paragraph pick the matching face instead of falling back to Helvetica.
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_OBLIQUE)
    addMapping(SANS, 1, 1, SANS_BOLD_OBLIQUE)
    addMapping(SANS_BOLD, 0, 0, SANS_BOLD)
    addMapping(SANS_BOLD, 1, 0, SANS_BOLD)
    addMapping(SANS_BOLD, 0, 1, SANS_BOLD_OBLIQUE)
    addMapping(SANS_BOLD, 1, 1, SANS_BOLD_OBLIQUE)
    return SANS


def font_path(bold: bool = False) -> str:
    """The TrueType file of the regular (or bold) face, for drawing text outside reportlab (PNG pictures)."""
    return str(font_folder() / _FILES[SANS_BOLD if bold else SANS])


# ------------------------------------------------------------------ fallback fonts for other scripts
#
# DejaVu has Latin, Greek and Cyrillic but no Chinese, Japanese or emoji: reportlab would print those as
# empty boxes. Characters DejaVu lacks are printed, one run at a time, in the first fallback font found on
# this machine that has them. A fallback is parsed only when a text first needs it (parsing the CJK font
# costs about 100 ms), so plans written in DejaVu's scripts pay nothing.

#: Fallback fonts in the order they are tried, each with the places Linux distributions install it.
#: Droid Sans Fallback: Chinese, Japanese, Korean. Symbola: emoji and symbols.
FALLBACKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DroidSansFallback", (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # Debian, Ubuntu: fonts-droid-fallback
        "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",  # Fedora
    )),
    ("Symbola", (
        "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",  # Debian, Ubuntu: fonts-symbola
        "/usr/share/fonts/gdouros-symbola/Symbola.ttf",  # Fedora
    )),
)

#: What to tell the therapist when a character has no font at all.
INSTALL_HINT = (
    "install the fonts with `make system-deps` (Debian packages fonts-droid-fallback, fonts-symbola)"
)


def fallback_files() -> dict[str, str]:
    """The fallback fonts present on this machine: name -> file."""
    found = {}
    for name, paths in FALLBACKS:
        for p in paths:
            if Path(p).is_file():
                found[name] = p
                break
    return found


def _cmap(name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


@functools.cache
def _dejavu_chars() -> tuple[frozenset[int], frozenset[int]]:
    """Characters every DejaVu face of the paragraphs has (bold and italic text is safe with them),
    and those the regular face has."""
    register_fonts()
    regular = _cmap(SANS)
    common = regular & _cmap(SANS_BOLD) & _cmap(SANS_OBLIQUE) & _cmap(SANS_BOLD_OBLIQUE)
    return common, regular


@functools.cache
def _fallback(name: str) -> frozenset[int]:
    """Register one fallback font (once) and return the characters it has; empty when it is not installed."""
    path = fallback_files().get(name)
    if path is None:
        return frozenset()
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    # The fallbacks have one face: bold or italic markup around them keeps that face instead of failing.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return _cmap(name)


#: The font of a character no installed font has.
NO_FONT = ""

#: DejaVu's regular face under a second name whose bold and italic stay regular. Arabic is only in the
#: regular face: in a bold heading (an exercise's name, a report's title) it would print as empty boxes.
SANS_UPRIGHT = "DejaVuSans-Upright"


@functools.cache
def _upright() -> str:
    """Register the regular face under SANS_UPRIGHT (once), only when a text first needs it."""
    if SANS_UPRIGHT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SANS_UPRIGHT, str(font_folder() / _FILES[SANS])))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(SANS_UPRIGHT, bold, italic, SANS_UPRIGHT)
    return SANS_UPRIGHT


def font_of(char: str) -> str | None:
    """None when every DejaVu face prints `char`; else SANS_UPRIGHT when the regular face does; else the
    fallback font that does; else NO_FONT."""
    common, regular = _dejavu_chars()
    cp = ord(char)
    if cp in common:
        return None
    if cp in regular:
        return _upright()
    for name, _ in FALLBACKS:
        if cp in _fallback(name):
            return name
    return NO_FONT


def runs(text: str) -> list[tuple[str | None, str]]:
    """The text cut into runs of one font each: (None for DejaVu | fallback name | NO_FONT, characters)."""
    if text.isascii():
        return [(None, text)] if text else []
    out: list[tuple[str | None, str]] = []
    start, current = 0, font_of(text[0])
    for i in range(1, len(text)):
        f = font_of(text[i])
        if f != current:
            out.append((current, text[start:i]))
            start, current = i, f
    out.append((current, text[start:]))
    return out


def unprintable(text: str) -> str:
    """The characters of `text` that no installed font prints, each once, in order of appearance."""
    if text.isascii():
        return ""
    return "".join(dict.fromkeys(ch for font, run in runs(text) if font == NO_FONT for ch in run))


def draw_text_runs(canvas, x: float, y: float, text: str, font: str, size: float) -> float:
    """Draw `text` at (x, y) in `font`, each run DejaVu lacks in its fallback; return where the text ends.

    Characters no font has are left to the caller to refuse beforehand (see `unprintable`)."""
    for fallback, run in runs(text):
        name = fallback or font
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, name, size)
    canvas.setFont(font, size)
    return x
