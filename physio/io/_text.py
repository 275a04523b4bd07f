"""Text made safe for the outputs: no control characters, nothing a PDF paragraph or a spreadsheet misreads.

Plans carry text typed by therapists (notes, reasons) and names in any script. Whatever they typed must
come out as the same words, never as markup, a broken file or a formula a spreadsheet would run.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import ExportError
from . import _fonts

# C0/C1 control characters except tab and newline, and lone surrogates (they cannot be encoded).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

#: A spreadsheet treats a cell starting with one of these as a formula (or part of one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: object) -> str:
    """The text without control characters (tab and newline are kept) and in composed Unicode form."""
    s = "" if text is None else str(text)
    return unicodedata.normalize("NFC", _CONTROL.sub("", s))


def _escape(s: str) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\t", "    ").replace("\n", "<br/>")


def para(text: object) -> str:
    """Text ready for a reportlab Paragraph: markup characters escaped, line breaks kept, tabs as spaces,
    and each run of characters DejaVu lacks (Chinese, Japanese, emoji...) set in a fallback font that has them.

    Raises ExportError rather than print empty boxes when no installed font has some character; callers
    that know which field the text comes from check it first with `check_printable` for a better message."""
    s = clean(text)
    if s.isascii():
        return _escape(s)
    pieces = _fonts.runs(s)
    if len(pieces) == 1 and pieces[0][0] is None:
        return _escape(s)
    check_printable(s, f"the text {s!r}")
    return "".join(_escape(run) if font is None else f'<font name="{font}">{_escape(run)}</font>'
                   for font, run in pieces)


def check_printable(text: str, what: str, instead: str = "write it without those characters") -> None:
    """Refuse text with characters no installed font can print, naming it (`what`), the characters and the cure.

    `what` says where the text comes from ("the patient's name 'Li 李'"); `instead` is the other way out."""
    missing = _fonts.unprintable(text)
    if missing:
        codes = ", ".join(f"U+{ord(c):04X}" for c in missing)
        raise ExportError(
            f"{what} has characters no installed font can print ({missing}; {codes}); "
            f"{_fonts.INSTALL_HINT} or {instead}"
        )


def looks_like_formula(text: str) -> bool:
    """True when Excel or LibreOffice would read the text as a formula if typed into a cell."""
    return text.startswith(FORMULA_START)
