"""A worksheet kept as plain data (cells with their style, column widths, row heights, print set-up ...), written
to an .xlsx file by XlsxWriter in one pass.

The workbook's writers (xlsx.py, log_sheet.py) fill these sheets; nothing here knows about plans. XlsxWriter only
writes, and fast (openpyxl took three times as long for a log of 1,500 styled cells); keeping the sheets as data
also lets the texts a workbook prints be listed without writing a file (xlsx.printed_texts).
Rows and columns count from 1, as on screen.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace
from typing import Iterator

from ..errors import ExportError
from ._text import looks_like_formula

#: A cell's edge: line style ("thin", "medium", "thick") and its colour as RRGGBB.
Edge = tuple[str, str]

_EDGE_INDEX = {"thin": 1, "medium": 2, "thick": 5}


@dataclass(frozen=True)
class Style:
    """How one cell looks and whether the patient may type in it (locked unless said otherwise)."""

    size: float = 11
    bold: bool = False
    color: str | None = None
    fill: str | None = None
    left: Edge | None = None
    right: Edge | None = None
    top: Edge | None = None
    bottom: Edge | None = None
    align: str | None = None  # "left", "center"
    valign: str | None = None  # "top", "vcenter", "bottom"
    wrap: bool = False
    rotation: int = 0
    locked: bool = True
    number_format: str | None = None
    quote_prefix: bool = False

    def framed(self, edge: Edge, bottom: Edge | None = None) -> "Style":
        return replace(self, left=edge, right=edge, top=edge, bottom=bottom or edge)

    def but(self, **changes: object) -> "Style":
        return replace(self, **changes)

    def xlsxwriter_properties(self) -> dict[str, object]:
        p: dict[str, object] = {"font_name": "Calibri", "font_size": self.size}
        if self.bold:
            p["bold"] = True
        if self.color:
            p["font_color"] = f"#{self.color}"
        if self.fill:
            p.update(pattern=1, bg_color=f"#{self.fill}")
        for side in ("left", "right", "top", "bottom"):
            edge = getattr(self, side)
            if edge:
                p[side], p[f"{side}_color"] = _EDGE_INDEX[edge[0]], f"#{edge[1]}"
        if self.align:
            p["align"] = self.align
        if self.valign:
            p["valign"] = self.valign
        if self.wrap:
            p["text_wrap"] = True
        if self.rotation:
            p["rotation"] = self.rotation
        if not self.locked:
            p["locked"] = False
        if self.number_format:
            p["num_format"] = self.number_format
        if self.quote_prefix:
            p["quote_prefix"] = True
        return p


PLAIN = Style()


@dataclass(frozen=True)
class Validation:
    """What a range of cells accepts (XlsxWriter's data_validation options), over one or more A1 ranges."""

    ranges: tuple[str, ...]
    options: dict


@dataclass(frozen=True)
class Picture:
    row: int
    col: int
    png: bytes
    width_px: int
    height_px: int
    description: str


@dataclass
class PageSetup:
    """A4, as wide as the page, as many pages down as needed."""

    landscape: bool
    margins: tuple[float, float, float, float] | None = None  # left, right, top, bottom, in inches
    title_rows: tuple[int, int] | None = None  # repeated at the top of every page
    footer_left: str = ""
    footer_right: str = ""
    footer_pt: float | None = None
    #: A fixed print scale in per cent instead of "as wide as the page" (Excel ignores manual page breaks when
    #: printing fitted to the page, so a sheet with `Sheet.breaks` prints at a fixed scale).
    scale: int | None = None


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], tuple[object, Style]] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)
    heights: dict[int, float] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    #: Rows that start a new printed page (manual page breaks), e.g. before an exercise that would be split.
    breaks: list[int] = field(default_factory=list)
    #: The first row and column that scroll (as in "C4": rows 1-3 and columns A-B stay in view).
    freeze: tuple[int, int] | None = None
    protected: bool = False
    hidden: bool = False
    page: PageSetup | None = None

    def put(self, row: int, col: int, value: object, style: Style = PLAIN) -> None:
        """One cell; text that a spreadsheet would run as a formula is kept as text."""
        if isinstance(value, str) and looks_like_formula(value) and not style.quote_prefix:
            style = replace(style, quote_prefix=True)
        self.cells[(row, col)] = (value, style)

    def style_of(self, row: int, col: int) -> Style:
        return self.cells.get((row, col), (None, PLAIN))[1]

    def merge(self, row: int, first_col: int, last_col: int) -> None:
        self.merged.append((row, first_col, row, last_col))

    def texts(self) -> Iterator[str]:
        return (v for v, _ in self.cells.values() if isinstance(v, str))

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)


@dataclass(frozen=True)
class Properties:
    title: str
    author: str
    created: dt.datetime


def xlsx_bytes(sheets: list[Sheet], properties: Properties) -> bytes:
    """The sheets as one .xlsx file, the first one active. XlsxWriter stamps every part of the zip with one fixed
    time and the properties carry `created`, so the same sheets always give the same bytes."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    formats: dict[Style, object] = {}
    by_id: dict[int, tuple[Style, object]] = {}  # the same style object on many cells: found without hashing it

    def fmt(style: Style):
        hit = by_id.get(id(style))
        if hit is not None and hit[0] is style:
            return hit[1]
        made = formats.get(style)
        if made is None:
            made = formats[style] = wb.add_format(style.xlsxwriter_properties())
        by_id[id(style)] = (style, made)
        return made

    for sheet in sheets:
        _write_sheet(wb.add_worksheet(sheet.name), sheet, fmt)
    wb.set_properties({"title": properties.title, "author": properties.author, "created": properties.created})
    wb.close()
    return buf.getvalue()


def _write_sheet(ws, sheet: Sheet, fmt) -> None:
    for col in sorted(set(sheet.widths) | sheet.hidden_columns):
        width = sheet.widths.get(col)
        # in pixels of 7 per character, so the file says exactly `width` (as Excel's own column width does)
        ws.set_column_pixels(col - 1, col - 1, None if width is None else width * 7, None,
                             {"hidden": col in sheet.hidden_columns})
    for row, height in sheet.heights.items():
        ws.set_row(row - 1, height)
    merged_at = {}
    for r1, c1, r2, c2 in sheet.merged:
        ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", fmt(sheet.style_of(r1, c1)))
        merged_at.update({(r, c): True for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)})
    for (row, col), (value, style) in sheet.cells.items():
        if (row, col) not in merged_at:
            _write_cell(ws, row - 1, col - 1, value, fmt(style))
    for v in sheet.validations:
        _validate(ws, sheet.name, v)
    for p in sheet.pictures:
        png_w, png_h = _png_size(p.png)
        ws.insert_image(p.row - 1, p.col - 1, "picture.png", {
            "image_data": io.BytesIO(p.png), "x_scale": p.width_px / png_w, "y_scale": p.height_px / png_h,
            "description": p.description})
    if sheet.freeze:
        ws.freeze_panes(sheet.freeze[0] - 1, sheet.freeze[1] - 1)
    if sheet.protected:
        # No password: anyone can lift it, so nothing is ever locked away. Rows and columns may be resized.
        ws.protect("", {"format_columns": True, "format_rows": True})
    if sheet.page:
        _page_setup(ws, sheet.page)
    if sheet.breaks:
        ws.set_h_pagebreaks([row - 1 for row in sheet.breaks])  # the break is above the row (counted from 0)
    if sheet.hidden:
        ws.hide()


def _write_cell(ws, row: int, col: int, value: object, cell_format) -> None:
    if value is None:
        ws.write_blank(row, col, None, cell_format)
    elif isinstance(value, str):
        ws.write_string(row, col, value, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, cell_format)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, cell_format)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value, cell_format)
    else:
        ws.write_string(row, col, str(value), cell_format)


def _validate(ws, sheet_name: str, v: Validation) -> None:
    from xlsxwriter.utility import xl_cell_to_rowcol

    first, _, last = v.ranges[0].partition(":")
    r1, c1 = xl_cell_to_rowcol(first)
    r2, c2 = xl_cell_to_rowcol(last or first)
    options = {**v.options, "multi_range": " ".join(v.ranges)} if len(v.ranges) > 1 else dict(v.options)
    if ws.data_validation(r1, c1, r2, c2, options) != 0:
        raise ExportError(f"the list or limits of cells {', '.join(v.ranges)} on sheet '{sheet_name}' could not "
                          "be written (a message longer than a spreadsheet allows); shorten the words and export again")


def _page_setup(ws, page: PageSetup) -> None:
    ws.set_paper(9)  # A4
    if page.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if page.scale:
        ws.set_print_scale(page.scale)
    else:
        ws.fit_to_pages(1, 0)
    if page.margins:
        left, right, top, bottom = page.margins
        ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    if page.title_rows:
        ws.repeat_rows(page.title_rows[0] - 1, page.title_rows[1] - 1)
    size = f"&{page.footer_pt:g}" if page.footer_pt else ""
    footer = "".join(f"&{side}{size}{text}" for side, text in (("L", page.footer_left), ("R", page.footer_right))
                     if text)
    if footer:
        ws.set_footer(footer)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
