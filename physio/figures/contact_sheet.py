"""A contact sheet: every exercise's start and end frames beside its numbered steps, for a therapist to review.

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

ROWS = 5
"""Five exercises a page, each as its start frame, its end frame and its numbered steps: big enough to judge
a pose against the words, few enough pages (13) to review at one sitting."""


def contact_sheet_bytes(library: "Library | None" = None) -> bytes:
    """The PDF in memory; exercises in library order (those with poses), each a row: start, end, steps."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    if library is None:
        from ..library import default_library

        library = default_library()
    ids = [i for i in library.exercises if i in library.poses] + sorted(set(library.poses) - set(library.exercises))
    page_w, page_h = A4
    margin, title_h = 28.0, 24.0
    row_h = (page_h - 2 * margin - title_h) / ROWS
    pages = max(1, -(-len(ids) // ROWS))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("physio: exercise pictures")
    for page in range(pages):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(margin, page_h - margin - 12, f"Exercise pictures ({len(ids)}) — page {page + 1} of {pages}")
        c.setFont("Helvetica", 8)
        c.drawRightString(page_w - margin, page_h - margin - 12, "1 start · 2 end · arrow: the movement")
        for k, ex_id in enumerate(ids[page * ROWS:(page + 1) * ROWS]):
            y = page_h - margin - title_h - (k + 1) * row_h
            _row(c, library, ex_id, margin, y, page_w - 2 * margin, row_h)
        c.showPage()
    c.save()
    return buf.getvalue()


def _row(c, library: "Library", ex_id: str, x: float, y: float, width: float, height: float) -> None:
    """One exercise: its two frames at the same scale, then its name, view and numbered steps."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph
    from xml.sax.saxutils import escape

    from . import exercise_frames
    from .backends import to_drawing

    frame_w = width * 0.29
    for i, fig in enumerate(exercise_frames(ex_id, library=library)):
        renderPDF.draw(to_drawing(fig, frame_w - 6, height - 18), c, x + i * frame_w + 3, y + 4)
        c.setFont("Helvetica", 8)
        c.setFillColorRGB(0.45, 0.45, 0.45)
        c.drawString(x + i * frame_w + 4, y + height - 11, ("1 start", "2 end")[i])
        c.setFillColorRGB(0, 0, 0)
    ex = library.exercises.get(ex_id)
    ep = library.poses[ex_id]
    text_x, text_w = x + 2 * frame_w + 6, width - 2 * frame_w - 8
    title = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=9, leading=11)
    body = ParagraphStyle("b", fontName="Helvetica", fontSize=7.5, leading=9, leftIndent=9, firstLineIndent=-9)
    parts = [Paragraph(escape(ex.name if ex else ex_id), title),
             Paragraph(f"{escape(ex_id)} · {_seen_from(ep)}", body)]
    if ex is not None:
        parts.append(Paragraph(f"<i>Start:</i> {escape(ex.starting_position)}", body))
        parts += [Paragraph(f"{n}. {escape(step)}", body) for n, step in enumerate(ex.steps, 1)]
    top = y + height - 4
    for p in parts:
        _, h = p.wrap(text_w, height)
        if top - h < y + 2:
            break
        p.drawOn(c, text_x, top - h)
        top -= h + 1
    c.setStrokeColorRGB(0.85, 0.85, 0.85)
    c.rect(x, y, width, height, stroke=1, fill=0)


def _seen_from(ep) -> str:
    """The view in words: a figure lying on its back seen 'from the front' is seen from its feet."""
    if ep.view in ("front", "oblique") and abs(ep.end.tilt) > 45:
        return "seen from the feet" + (" and above" if ep.view == "oblique" else "")
    return {"side": "seen from the side", "front": "seen from the front", "back": "seen from behind",
            "top": "seen from above", "oblique": "seen from the front and above",
            "side-above": "seen from the side and above", "head-above": "seen from above, diagonally beyond the head",
            "feet-above": "seen from beyond the feet and above",
            "front-side": "seen from the front, a little to the side"}[ep.view]


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
