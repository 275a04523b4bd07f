"""A handout read back with a real PDF reader (pdfplumber): every word with its page, place, font and size.

What the tests check is what a patient sees on paper: how large the type is, where each word sits, whether
two lines overlap or run past the margins, which page holds what.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str

    @property
    def bold(self) -> bool:
        return "Bold" in self.font


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: list[Word]
    rects: list[dict]
    curves: list[dict]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def read_pages(pdf: bytes | Path, first: int | None = None) -> list[Page]:
    """Every page of the PDF (or its `first` pages) with its words (in reading order), rectangles and curves."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf)
    out = []
    with pdfplumber.open(source) as doc:
        for n, page in enumerate(doc.pages[:first], 1):
            words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False,
                                       use_text_flow=True, x_tolerance=1.5)
            out.append(Page(n, float(page.width), float(page.height),
                            [Word(n, w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"],
                                  w["fontname"]) for w in words],
                            list(page.rects), list(page.curves) + list(page.lines)))
    return out


def all_words(pages: list[Page]) -> list[Word]:
    return [w for p in pages for w in p.words]


def flat_text(pages: list[Page]) -> str:
    return " ".join(p.text for p in pages)


def find_phrase(pages: list[Page], phrase: str) -> list[list[Word]]:
    """Every run of consecutive words (in reading order, on one page) that reads `phrase`."""
    target = phrase.split()
    hits = []
    for p in pages:
        texts = [w.text for w in p.words]
        for i in range(len(texts) - len(target) + 1):
            if texts[i:i + len(target)] == target:
                hits.append(p.words[i:i + len(target)])
    return hits


def overlapping_words(page: Page, tolerance: float = 0.8) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes overlap by more than `tolerance` points both across and down."""
    out = []
    words = sorted(page.words, key=lambda w: w.top)
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.top >= a.bottom - tolerance:
                break
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            down = min(a.bottom, b.bottom) - max(a.top, b.top)
            if across > tolerance and down > tolerance:
                out.append((a, b))
    return out


def outside_margins(page: Page, margin_mm: float = 10) -> list[Word]:
    """Words that run past the page's edge minus `margin_mm` (clipped, or too close to the edge to print)."""
    m = margin_mm * MM
    return [w for w in page.words if w.x0 < m or w.x1 > page.width - m or w.top < m or w.bottom > page.height - m]
