"""A contact sheet: every exercise's picture with its name on a few A4 pages, for a therapist to review.

Run it as a command:  python -m physio.figures.contact_sheet all-pictures.pdf
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import write_atomic
from ..errors import ExportError

if TYPE_CHECKING:
    from ..library import Library

COLUMNS, ROWS = 3, 5
"""Fifteen pictures a page: big enough to judge a pose, few enough pages to review at a glance."""


def contact_sheet_bytes(library: "Library | None" = None) -> bytes:
    """The PDF in memory; exercises in library order (those with poses), name and id under each."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from . import exercise_figure
    from .backends import to_drawing

    if library is None:
        from ..library import default_library

        library = default_library()
    ids = [i for i in library.exercises if i in library.poses] + sorted(set(library.poses) - set(library.exercises))
    page_w, page_h = A4
    margin, title_h, caption_h = 28.0, 26.0, 22.0
    cell_w = (page_w - 2 * margin) / COLUMNS
    cell_h = (page_h - 2 * margin - title_h) / ROWS
    per_page = COLUMNS * ROWS
    pages = max(1, -(-len(ids) // per_page))

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("physio: exercise pictures")
    for page in range(pages):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(margin, page_h - margin - 12, f"Exercise pictures ({len(ids)}) — page {page + 1} of {pages}")
        c.setFont("Helvetica", 7.5)
        c.drawRightString(page_w - margin, page_h - margin - 12, "faded figure: start · solid figure: end · arrow: the movement")
        for k, ex_id in enumerate(ids[page * per_page:(page + 1) * per_page]):
            col, row = k % COLUMNS, k // COLUMNS
            x = margin + col * cell_w
            y = page_h - margin - title_h - (row + 1) * cell_h
            fig = exercise_figure(ex_id, library=library)
            d = to_drawing(fig, cell_w - 8, cell_h - caption_h - 6)
            renderPDF.draw(d, c, x + 4, y + caption_h)
            ex = library.exercises.get(ex_id)
            c.setFont("Helvetica-Bold", 8)
            c.drawCentredString(x + cell_w / 2, y + 12, _fit(ex.name if ex else ex_id, cell_w, 8, c, "Helvetica-Bold"))
            c.setFont("Helvetica", 7)
            c.drawCentredString(x + cell_w / 2, y + 3, ex_id)
            c.setStrokeColorRGB(0.85, 0.85, 0.85)
            c.rect(x + 1, y + 1, cell_w - 2, cell_h - 2, stroke=1, fill=0)
        c.showPage()
    c.save()
    return buf.getvalue()


def _fit(text: str, width: float, size: float, c, font: str) -> str:
    if c.stringWidth(text, font, size) <= width - 8:
        return text
    while len(text) > 4 and c.stringWidth(text + "…", font, size) > width - 8:
        text = text[:-1]
    return text.rstrip() + "…"


def write_contact_sheet(path: str | Path, library: "Library | None" = None) -> Path:
    """Write the contact sheet PDF atomically; returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ExportError(f"{path}: the contact sheet is a PDF; give a file name ending in .pdf")
    return write_atomic(path, contact_sheet_bytes(library), error=ExportError)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m physio.figures.contact_sheet OUTPUT.pdf", file=sys.stderr)
        return 2
    print(write_contact_sheet(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
