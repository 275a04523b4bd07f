"""Find red flags in what a patient wrote: the red-flag lexicon (data in protocols/red-flag-lexicon/) matched on text.

Pure: text in, matches out. The lexicon names a red flag of the vocabulary (physio.vocabulary) for every term;
the level (emergency / urgent / review) always comes from the vocabulary. Matching is on whole words of the text
in lower case (ё read as е, curly apostrophes straight, Latin look-alike letters inside a Cyrillic word read as
Cyrillic and the reverse), so "онемела", "немеет" and "онемение" are caught by their own forms and "жарко" is not
caught by "жар". A negated mention ("no bladder problems") still matches: over-triage is the safe side.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import ProtocolError
from .vocabulary import LEVEL_ORDER, Level, Vocabulary, default_vocabulary

#: What each level asks the therapist to do; said the same way in the CLI, the report PDF and every widget.
LEVEL_ACTION: dict[str, str] = {
    "emergency": "Emergency: contact the patient today and advise the emergency department now; no plan is advanced",
    "urgent": "Urgent: contact the patient within days; hold the plan until the patient is seen",
    "review": "Review: discuss at the next contact",
}
"""Why: the levels of protocols/vocabulary.yaml and /work/shared/clinical/red-flags.md (BP1, BK1, N1, FI1)."""

#: A short heading per level, for tables.
LEVEL_WORD: dict[str, str] = {"emergency": "EMERGENCY", "urgent": "URGENT", "review": "review"}

#: Characters removed from what a patient wrote before it is stored, scanned and shown: control characters
#: (except line breaks and tabs), zero-width characters and the byte-order mark.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "ё": "е",
                              "\u00ad": "-", "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"})
#: Latin letters that look like Cyrillic ones (a patient switching keyboards mid-word), and the reverse.
_LAT_TO_CYR = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYR_TO_LAT = str.maketrans("асеорхукмтнв", "aceopxykmthb")
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")


def clean_text(value: object) -> str:
    """What a patient wrote, as stored and shown: NFC, control and invisible characters removed, ends trimmed.

    Emoji, any script and any length are kept: nothing the patient wrote is dropped."""
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _fold_word(m: re.Match) -> str:
    w = m.group(0)
    cyr, lat = len(_CYRILLIC.findall(w)), len(_LATIN.findall(w))
    if cyr and lat:
        return w.translate(_LAT_TO_CYR) if cyr >= lat else w.translate(_CYR_TO_LAT)
    return w


def fold(text: str) -> str:
    """The text as the lexicon is matched against it; same length as `text`, so positions carry over."""
    lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return _WORD.sub(_fold_word, lowered.translate(_APOSTROPHES))


@dataclass(frozen=True)
class Term:
    """One pattern of the lexicon, with the red flag it means and where it is written."""

    flag: str
    pattern: re.Pattern
    text: str
    language: str
    source: str
    where: str


@dataclass(frozen=True)
class Hit:
    """One red flag found in a text: the flag, its level and the words that matched (with their places)."""

    flag: str
    level: Level
    spans: tuple[tuple[int, int], ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    vocabulary: Vocabulary

    @functools.cached_property
    def _any_term(self) -> re.Pattern:
        """Every term's pattern in one: a text none of them matches is passed over in one look (most notes are
        "felt fine"), instead of one look per term. Whole-word terms (all of ours) share one word-edge test."""
        patterns = [t.pattern.pattern for t in self.terms]
        if not patterns:
            return re.compile(r"(?!)")
        if all(p.startswith(_WORD_START) and p.endswith(_WORD_END) for p in patterns):
            bodies = (p[len(_WORD_START):-len(_WORD_END)] for p in patterns)
            return re.compile(_WORD_START + "|".join(bodies) + _WORD_END)
        return re.compile("|".join(f"(?:{p})" for p in patterns))

    def mentions(self, folded: str) -> bool:
        """Whether find() may find anything in a text, given folded (fold(text)): one look with every term at once,
        never False when find would find something."""
        return bool(folded) and self._any_term.search(folded) is not None

    def find(self, text: str) -> list[Hit]:
        """Every red flag the text mentions, most urgent first; each with the words that matched."""
        if not text:
            return []
        folded = fold(text)
        if self._any_term.search(folded) is None:
            return []
        spans: dict[str, list[tuple[int, int]]] = {}
        for term in self.terms:
            for m in term.pattern.finditer(folded):
                if m.end() > m.start():
                    spans.setdefault(term.flag, []).append((m.start(), m.end()))
        hits = []
        for flag, found in spans.items():
            merged = _merge(found)
            hits.append(Hit(flag, self.vocabulary.red_flag(flag).level, tuple(merged),
                            tuple(text[a:b] for a, b in merged)))
        return sorted(hits, key=lambda h: (LEVEL_ORDER.index(h.level), h.spans[0]))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


SHOWN_CHARS = 400
"""Longest text shown whole in a line or a table cell; a longer note is shown around its matched words (the
stored note stays whole). Team-default: a few lines of a report table."""


def snippet(text: str, spans: Iterable[tuple[int, int]], limit: int = SHOWN_CHARS, around: int = 80
            ) -> tuple[str, list[tuple[int, int]]]:
    """The part of a long text around its matched words ("…" where text is left out), with the spans moved."""
    spans = _merge([tuple(sp) for sp in spans])
    if len(text) <= limit:
        return text, spans
    windows = _merge([(max(0, a - around), min(len(text), b + around)) for a, b in spans] or [(0, limit)])
    out, moved = "", []
    for a, b in windows:
        prefix = ("… " if a > 0 and not out else " … " if out else "")
        base = len(out) + len(prefix) - a
        out += prefix + text[a:b]
        moved += [(x + base, y + base) for x, y in spans if a <= x and y <= b]
    if windows[-1][1] < len(text):
        out += " …"
    return out, moved


def highlight(text: str, spans: Iterable[tuple[int, int]], left: str = "[", right: str = "]") -> str:
    """The text with each matched place wrapped in `left` … `right` (plain text: CLI, PDF)."""
    out, at = [], 0
    for a, b in _merge(list(spans)):
        out += [text[at:a], left, text[a:b], right]
        at = b
    out.append(text[at:])
    return "".join(out)


def highlight_html(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text, HTML-escaped, with each matched place in <mark> (widgets)."""
    out, at = [], 0
    for a, b in _merge(list(spans)):
        out += [html.escape(text[at:a]), "<mark>", html.escape(text[a:b]), "</mark>"]
        at = b
    out.append(html.escape(text[at:]))
    return "".join(out).replace("\n", "<br>")


# ---------------------------------------------------------------- loading the lexicon

_MACRO = re.compile(r"\{([a-z_]+)\}")
#: Around every term: whole words only.
_WORD_START, _WORD_END = r"(?<!\w)(?:", r")(?!\w)"


def _compile(text: str, macros: dict[str, str]) -> re.Pattern:
    """A term's pattern: macros filled in, a space for any run of spaces or punctuation (" ?" for an optional
    one: "my ?self" is "myself" or "my self"), whole words only."""
    expanded = _MACRO.sub(lambda m: macros[m.group(1)], text)
    body = fold(expanded).replace(" ?", r"\W*").replace(" ", r"\W+")
    return re.compile(_WORD_START + body + _WORD_END)


def load_lexicon(folder: Path, vocabulary: Vocabulary, sources: dict[str, str]) -> Lexicon:
    """Read every <language>.yaml of the lexicon folder; every problem is reported with file:line, all at once."""
    from .protocol_files import TEAM_DEFAULT, _read, source_keys

    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise ProtocolError(f"{folder}: the red-flag lexicon is missing (expected en.yaml, ru.yaml...)")
    known_flags = {f.id for f in vocabulary.red_flags}
    problems: list[str] = []
    terms: list[Term] = []
    for file in files:
        doc = _read(file)
        data = doc.data if isinstance(doc.data, dict) else {}
        language = data.get("language")
        if not isinstance(language, str) or language != file.stem:
            problems.append(f"{doc.where(('language',))}: write 'language: {file.stem}' (the file's name)")
        macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
        items = data.get("terms")
        if not isinstance(items, list) or not items:
            problems.append(f"{doc.where(('terms',))}: expected a 'terms:' list")
            continue
        for i, item in enumerate(items):
            base = ("terms", i)
            if not isinstance(item, dict) or set(item) - {"flag", "source", "match"}:
                problems.append(f"{doc.where(base)}: a term has exactly flag, source and match")
                continue
            flag = item.get("flag")
            if flag not in known_flags:
                problems.append(f"{doc.where(base + ('flag',))}: unknown red flag '{flag}'; the vocabulary "
                                f"(vocabulary.yaml) has: {', '.join(sorted(known_flags))}")
            source = str(item.get("source") or "")
            keys = source_keys(source)
            if not keys:
                problems.append(f"{doc.where(base + ('source',))}: '{source}' does not start with a source key")
            for k in keys:
                if k != TEAM_DEFAULT and k not in sources:
                    problems.append(f"{doc.where(base + ('source',))}: unknown source key '{k}'; add it to sources.yaml")
            patterns = item.get("match")
            if not isinstance(patterns, list) or not patterns:
                problems.append(f"{doc.where(base + ('match',))}: expected a list of patterns")
                continue
            for j, text in enumerate(patterns):
                where = doc.where(base + ("match", j))
                unknown = [m for m in _MACRO.findall(str(text)) if m not in macros]
                if unknown:
                    problems.append(f"{where}: unknown macro {{{unknown[0]}}}; the macros are: {', '.join(macros)}")
                    continue
                try:
                    pattern = _compile(str(text), macros)
                except re.error as e:
                    problems.append(f"{where}: '{text}' is not a valid pattern ({e})")
                    continue
                if pattern.fullmatch(""):
                    problems.append(f"{where}: '{text}' matches an empty text; it would flag every note")
                    continue
                if flag in known_flags:
                    terms.append(Term(flag, pattern, str(text), str(language), source, where))
    if problems:
        raise ProtocolError(problems)
    return Lexicon(tuple(terms), vocabulary)


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    from .protocol_files import DEFAULT_PROTOCOLS_DIR, default_sources

    return load_lexicon(DEFAULT_PROTOCOLS_DIR / "red-flag-lexicon", default_vocabulary(), default_sources())


def scan(text: object, lexicon: Lexicon | None = None) -> tuple[str, list[Hit]]:
    """The cleaned text and the red flags it mentions (most urgent first)."""
    cleaned = clean_text(text)
    return cleaned, (lexicon or default_lexicon()).find(cleaned)
