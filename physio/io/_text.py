"""Text made safe for the outputs: no control characters, nothing a PDF paragraph or a spreadsheet misreads.

Plans carry text typed by therapists (notes, reasons) and names in any script. Whatever they typed must
come out as the same words, never as markup, a broken file or a formula a spreadsheet would run.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 control characters except tab and newline, and lone surrogates (they cannot be encoded).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

#: A spreadsheet treats a cell starting with one of these as a formula (or part of one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: object) -> str:
    """The text without control characters (tab and newline are kept) and in composed Unicode form."""
    s = "" if text is None else str(text)
    return unicodedata.normalize("NFC", _CONTROL.sub("", s))


def para(text: object) -> str:
    """Text ready for a reportlab Paragraph: markup characters escaped, line breaks kept, tabs as spaces."""
    s = clean(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\t", "    ").replace("\n", "<br/>")


def looks_like_formula(text: str) -> bool:
    """True when Excel or LibreOffice would read the text as a formula if typed into a cell."""
    return text.startswith(FORMULA_START)
