"""The fonts every PDF we make uses: DejaVu, shipped with matplotlib, embedded so Cyrillic prints anywhere.

Registering a TrueType font parses the file, which costs milliseconds; it happens once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
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
