"""Text made safe for the outputs: no control characters, nothing a PDF paragraph or a spreadsheet misreads.

Plans carry text typed by therapists (notes, reasons) and names in any script. Whatever they typed must
come out as the same words, never as markup, a broken file or a formula a spreadsheet would run.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import arabic_reshaper
from bidi import get_display

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


#: Bidi classes of right-to-left characters: Hebrew letters (R), Arabic letters (AL), Arabic-Indic digits (AN).
_RTL = frozenset({"R", "AL", "AN"})

#: Right-to-left passages up to this many characters are kept on one line, so that a name never wraps
#: with its halves swapped. Longer passages may wrap (reportlab lays lines out left to right).
_KEEP_TOGETHER = 40


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in _RTL


def has_rtl(text: str) -> bool:
    """True when `text` has a right-to-left character (Hebrew, Arabic...)."""
    return not text.isascii() and any(_is_rtl(ch) for ch in text if ch > "\x7f")


def _rtl_word(word: str) -> bool:
    return any(_is_rtl(ch) for ch in word) and not any(unicodedata.bidirectional(ch) == "L" for ch in word)


def _keep_together(line: str) -> str:
    """Join the words of each short right-to-left passage with no-break spaces."""
    words = line.split(" ")
    out = [words[0]]
    run = len(words[0]) if _rtl_word(words[0]) else 0
    for word in words[1:]:
        if _rtl_word(word):
            joined = run and run + 1 + len(word) <= _KEEP_TOGETHER
            out.append("\u00a0" if joined else " ")
            run = run + 1 + len(word) if joined else len(word)
        else:
            out.append(" ")
            run = 0
        out.append(word)
    return "".join(out)


@functools.cache
def _reshaper() -> arabic_reshaper.ArabicReshaper:
    """Joins Arabic letters using only the ligatures DejaVu has (it lacks some, such as the word Allah's).

    Reading the font's tables costs milliseconds, so it happens when a text first has Arabic."""
    return arabic_reshaper.ArabicReshaper(arabic_reshaper.config_for_true_type_font(_fonts.font_path()))


def visual(text: str) -> str:
    """The text in the order its glyphs are drawn: right-to-left passages reversed, Arabic letters joined.

    reportlab draws every line left to right, one glyph per character, so Arabic and Hebrew would print
    back to front and Arabic letters unjoined. Each line is laid out by the Unicode bidi algorithm with a
    left-to-right base, since our handouts are English sentences that carry names and notes in any script.
    Text with no right-to-left character comes back unchanged."""
    if not has_rtl(text):
        return text
    lines = []
    for line in text.split("\n"):
        if has_rtl(line):
            line = get_display(_reshaper().reshape(_keep_together(line)), base_dir="L")
        lines.append(line)
    return "\n".join(lines)


def _escape(s: str) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\t", "    ").replace("\n", "<br/>")


def para(text: object) -> str:
    """Text ready for a reportlab Paragraph: markup characters escaped, line breaks kept, tabs as spaces,
    right-to-left text (Arabic, Hebrew) in drawing order with Arabic letters joined (see `visual`),
    and each run of characters DejaVu lacks (Chinese, Japanese, emoji...) set in a fallback font that has them.

    Raises ExportError rather than print empty boxes when no installed font has some character; callers
    that know which field the text comes from check it first with `check_printable` for a better message."""
    s = clean(text)
    if s.isascii():
        return _escape(s)
    shown = visual(s)
    pieces = _fonts.runs(shown)
    if len(pieces) == 1 and pieces[0][0] is None:
        return _escape(shown)
    check_printable(s, f"the text {s!r}")
    return "".join(_escape(run) if font is None else f'<font name="{font}">{_escape(run)}</font>'
                   for font, run in pieces)


def check_printable(text: str, what: str, instead: str = "write it without those characters") -> None:
    """Refuse text with characters no installed font can print, naming it (`what`), the characters and the cure.

    `what` says where the text comes from ("the patient's name 'Li 李'"); `instead` is the other way out.
    Arabic is checked in the joined letter forms that are printed."""
    missing = _fonts.unprintable(visual(text))
    if missing:
        codes = ", ".join(f"U+{ord(c):04X}" for c in missing)
        raise ExportError(
            f"{what} has characters no installed font can print ({missing}; {codes}); "
            f"{_fonts.INSTALL_HINT} or {instead}"
        )


def looks_like_formula(text: str) -> bool:
    """True when Excel or LibreOffice would read the text as a formula if typed into a cell."""
    return text.startswith(FORMULA_START)


#: A source reference in a protocol's own text: "(TE1)", "(article)", "(M1, L1)", "[U]". Protocol texts
#: name their sources for the reviewing clinician; the patient's handout prints them without.
_SOURCE_KEY = r"(?:[A-Z]{1,3}\d{1,2}|article|evidence)"
_SOURCE_REF = re.compile(rf"\s*(?:\(\s*{_SOURCE_KEY}(?:\s*(?:[,;]|and)\s*{_SOURCE_KEY})*\s*\)|\[U\])")


def without_source_keys(text: str) -> str:
    """The text with its source references taken out: 'a day (TE1), and' -> 'a day, and'."""
    return _SOURCE_REF.sub("", text)
