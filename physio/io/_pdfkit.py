"""What the patient's handout and the therapist's summary share: the page, the type sizes, the footer.

Type sizes are for a reader of 65 with weak eyes: body 12 pt (14 pt in larger print), the dose 18 pt bold,
nothing a patient reads under 10 pt (footer, calendar, captions).
"""

from __future__ import annotations

import datetime as dt
import functools

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, TableStyle
from reportlab.platypus import Paragraph as _ReportlabParagraph

from ..models import Plan
from . import _fonts
from ._text import para

PAGE_W, PAGE_H = A4
#: The calendar's pages: A4 turned sideways, so four weeks of days fit side by side.
LANDSCAPE = landscape(A4)
MARGIN = 15 * mm
#: 10 mm: the least a home printer leaves blank at the paper's edge with room to spare (team-default: issue 14).
TOP_MARGIN = 10 * mm
FOOTER_H = 17 * mm
#: The footer's lowest line sits this far above the paper's edge, where every printer still prints.
FOOTER_BOTTOM = 10.5 * mm
TEXT_W = PAGE_W - 2 * MARGIN

#: The smallest type anything a patient reads is set in (footer, calendar, captions, page numbers).
MIN_PATIENT_PT = 10.0
#: Body text: 12 pt, or 14 pt for a patient who asked for larger print (Patient.larger_print).
BODY_PT = 12.0
LARGER_BODY_PT = 14.0

RED = colors.HexColor("#b00020")
GRID = colors.HexColor("#8a8a8a")
SHADE = colors.HexColor("#eeeeee")
INK = colors.black
GREY_INK = colors.HexColor("#333333")


def issue_moment(plan: Plan) -> dt.datetime:
    """The fixed moment stamped into the files' metadata: when the plan was issued, else its start."""
    at = plan.issued_at
    if at is not None:
        if at.tzinfo is not None:
            at = at.astimezone(dt.timezone.utc)
        return at.replace(tzinfo=None, microsecond=0)
    return dt.datetime.combine(plan.start, dt.time())


@functools.cache
def styles(larger: bool = False) -> dict[str, ParagraphStyle]:
    """The paragraph styles, every one in an embedded DejaVu face; `larger` scales all by 14/12."""
    sans = _fonts.register_fonts()
    bold = _fonts.SANS_BOLD
    k = LARGER_BODY_PT / BODY_PT if larger else 1.0

    def pt(size: float) -> float:
        return round(size * k, 2)

    body = ParagraphStyle("body", fontName=sans, fontSize=pt(BODY_PT), leading=pt(14.5), spaceAfter=pt(2),
                          bulletFontName=sans)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=pt(22), leading=pt(26),
                                spaceAfter=pt(2)),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=pt(16), leading=pt(19), spaceBefore=pt(7),
                             spaceAfter=pt(3), keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=pt(13), leading=pt(16.5), spaceBefore=pt(4),
                             spaceAfter=pt(2), keepWithNext=1),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=bold, spaceAfter=0),
        "zone": ParagraphStyle("zone", parent=body, fontName=bold, fontSize=pt(12.5), leading=pt(15), spaceAfter=0),
        "step": ParagraphStyle("step", parent=body, leftIndent=pt(18), firstLineIndent=-pt(18), spaceAfter=pt(2)),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=pt(12), firstLineIndent=-pt(12), spaceAfter=pt(2)),
        "dose": ParagraphStyle("dose", parent=body, fontName=bold, fontSize=pt(18), leading=pt(22), spaceBefore=pt(2),
                               spaceAfter=pt(6), keepWithNext=1),
        "caption": ParagraphStyle("caption", parent=body, fontName=bold, fontSize=pt(11), leading=pt(13),
                                  alignment=1, spaceAfter=0),
        "footer": ParagraphStyle("footer", parent=body, fontSize=MIN_PATIENT_PT, leading=12, spaceAfter=0,
                                 textColor=GREY_INK),
    }


class Paragraph(_ReportlabParagraph):
    """reportlab's Paragraph, that breaks its lines once for each width it is asked to fit.

    reportlab breaks a paragraph's lines again each time its height is asked for: page 1 is measured before it is
    laid out, a block kept together is measured and then laid out paragraph by paragraph, a table wraps its cells
    to size its rows and again to draw them. Two wraps in three of a handout were at the width the paragraph had
    just been wrapped at (the same text, style and width: the same lines), some 5 ms of a large-print handout's 35."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        if self.__dict__.get("_wrapped_at") == availWidth and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        """Splitting may change the paragraph's lines (reportlab drops or re-breaks them): wrap afresh after it."""
        self._wrapped_at = None
        return super().split(availWidth, availHeight)


def table_style(*commands: tuple) -> TableStyle:
    """A table style whose cells use DejaVu: reportlab sets each cell's font, even for paragraph cells."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), _fonts.SANS), *commands])


class EmptyFrame(Flowable):
    """A thin-bordered empty box that holds the place of a picture."""

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(GRID)
        self.canv.setLineWidth(0.6)
        self.canv.rect(0, 0, self.width, self.height)


def canvas_maker(plan: Plan, footer_line: str, page_label: str):
    """A canvas that stamps the plan's own date and draws the footer and "page N of M" once the count is known.

    Pages may be upright or sideways (the calendar): each footer is drawn across its own page's width."""
    stamp = issue_moment(plan).strftime("D:%Y%m%d%H%M%S+00'00'")
    footer = Paragraph(para(footer_line), styles()["footer"])

    class _Canvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("initialFontName", _fonts.SANS)
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: stamp)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            width = self._pagesize[0]
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN, FOOTER_H + 2 * mm, width - MARGIN, FOOTER_H + 2 * mm)
            _, h = footer.wrap(width - 2 * MARGIN - 40 * mm, FOOTER_H)
            footer.drawOn(self, MARGIN, max(FOOTER_BOTTOM, FOOTER_H + mm - h))
            self.setFillColor(GREY_INK)
            self.setFont(_fonts.SANS, MIN_PATIENT_PT)
            self.drawRightString(width - MARGIN, FOOTER_H - 10, page_label.format(n=number, total=total))
            self.restoreState()

    return _Canvas
