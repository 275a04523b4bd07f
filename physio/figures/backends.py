"""Turn a Figure into SVG (notebooks), a reportlab Drawing (the PDF handout) or PNG bytes (the Excel sheet)."""

from __future__ import annotations

import functools
import struct
import zlib
from xml.sax.saxutils import escape

from .shapes import Circle, Figure, Line, Polygon, Text

FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"


# ---------------------------------------------------------------- SVG


def to_svg(fig: Figure, width_px: int = 360) -> str:
    """A standalone SVG document; height follows the picture's proportions."""
    x0, y0, x1, y1 = fig.bbox
    w, h = x1 - x0, y1 - y0
    height_px = round(width_px * h / w)

    def pt(p: tuple[float, float]) -> str:
        return f"{p[0] - x0:.1f},{y1 - p[1]:.1f}"

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {w:.1f} {h:.1f}" role="img" aria-label="{escape(fig.label or fig.exercise_id)}">',
        f'<rect x="0" y="0" width="{w:.1f}" height="{h:.1f}" fill="#ffffff"/>',
    ]
    for s in fig.shapes:
        if isinstance(s, Line):
            dash = f' stroke-dasharray="{s.dash[0]} {s.dash[1]}"' if s.dash else ""
            out.append(
                f'<polyline points="{" ".join(pt(p) for p in s.points)}" fill="none" stroke="{s.color}" '
                f'stroke-width="{s.width:.2f}" stroke-linecap="{"butt" if s.dash else "round"}" '
                f'stroke-linejoin="round"{dash}/>'
            )
        elif isinstance(s, Circle):
            cx, cy = pt(s.center).split(",")
            out.append(
                f'<circle cx="{cx}" cy="{cy}" r="{s.r:.2f}" fill="{s.fill or "none"}" '
                f'stroke="{s.stroke or "none"}" stroke-width="{s.width:.2f}"/>'
            )
        elif isinstance(s, Polygon):
            out.append(
                f'<polygon points="{" ".join(pt(p) for p in s.points)}" fill="{s.fill or "none"}" '
                f'stroke="{s.stroke or "none"}" stroke-width="{s.width:.2f}" stroke-linejoin="round"/>'
            )
        elif isinstance(s, Text):
            x, y = pt(s.pos).split(",")
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(
                f'<text x="{x}" y="{y}" font-family="{FONT_FAMILY}" font-size="{s.size:.1f}" fill="{s.color}" '
                f'text-anchor="{s.anchor}"{weight}>{escape(s.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


# ---------------------------------------------------------------- reportlab


def drawing_scale(fig: Figure, width_pt: float, height_pt: float) -> float:
    """Points per figure unit when `to_drawing` fits the figure into width_pt × height_pt."""
    x0, y0, x1, y1 = fig.bbox
    return min(width_pt / (x1 - x0), height_pt / (y1 - y0))


def min_text_pt(fig: Figure, width_pt: float, height_pt: float) -> float | None:
    """The size in points of the smallest word of the figure drawn into width_pt × height_pt (None: no words)."""
    sizes = [s.size for s in fig.shapes if isinstance(s, Text)]
    return min(sizes) * drawing_scale(fig, width_pt, height_pt) if sizes else None


def to_drawing(fig: Figure, width_pt: float, height_pt: float, font_name: str = "Helvetica", bold_font_name: str = "Helvetica-Bold"):
    """A reportlab Drawing of exactly width_pt × height_pt; the picture is scaled to fit and centred.

    Pass the handout's own (embedded) font names so the picture's words match the text around it."""
    from reportlab.graphics.shapes import Circle as RCircle
    from reportlab.graphics.shapes import Drawing, Group, PolyLine, String
    from reportlab.graphics.shapes import Polygon as RPolygon
    from reportlab.lib.colors import HexColor

    x0, y0, x1, y1 = fig.bbox
    scale = drawing_scale(fig, width_pt, height_pt)
    ox = (width_pt - (x1 - x0) * scale) / 2
    oy = (height_pt - (y1 - y0) * scale) / 2
    d = Drawing(width_pt, height_pt)
    d.initialFontName = font_name  # otherwise reportlab's default state names Helvetica, which is not embedded
    g = Group()
    g.transform = (scale, 0, 0, scale, ox - x0 * scale, oy - y0 * scale)

    def flat(points):
        return [c for p in points for c in p]

    for s in fig.shapes:
        if isinstance(s, Line):
            g.add(PolyLine(flat(s.points), strokeColor=HexColor(s.color), strokeWidth=s.width,
                           strokeLineCap=0 if s.dash else 1, strokeLineJoin=1,
                           strokeDashArray=list(s.dash) if s.dash else None))
        elif isinstance(s, Circle):
            g.add(RCircle(s.center[0], s.center[1], s.r, fillColor=HexColor(s.fill) if s.fill else None,
                          strokeColor=HexColor(s.stroke) if s.stroke else None, strokeWidth=s.width))
        elif isinstance(s, Polygon):
            g.add(RPolygon(flat(s.points), fillColor=HexColor(s.fill) if s.fill else None,
                           strokeColor=HexColor(s.stroke) if s.stroke else None, strokeWidth=s.width,
                           strokeLineJoin=1))
        elif isinstance(s, Text):
            g.add(String(s.pos[0], s.pos[1], s.text, fontName=bold_font_name if s.bold else font_name,
                         fontSize=s.size, fillColor=HexColor(s.color), textAnchor=s.anchor))
    d.add(g)
    return d


def to_flowable(fig: Figure, width_pt: float, height_pt: float, font_name: str = "Helvetica",
                bold_font_name: str = "Helvetica-Bold"):
    """The same picture as `to_drawing`, as a platypus Flowable that paints straight onto the page's canvas:
    the handout draws ~16 pictures, and reportlab's graphics layer (a validated object per shape, replayed
    through renderPDF) was a third of a handout's time."""
    from reportlab.platypus import Flowable

    x0, y0, x1, y1 = fig.bbox
    scale = drawing_scale(fig, width_pt, height_pt)
    ox = (width_pt - (x1 - x0) * scale) / 2 - x0 * scale
    oy = (height_pt - (y1 - y0) * scale) / 2 - y0 * scale

    class _Picture(Flowable):
        def wrap(self, available_w, available_h):
            return width_pt, height_pt

        def draw(self):
            c = self.canv
            c.saveState()
            c.transform(scale, 0, 0, scale, ox, oy)
            for s in fig.shapes:
                _paint(c, s, font_name, bold_font_name)
            c.restoreState()

    return _Picture()


@functools.lru_cache(maxsize=128)
def _rl_color(hex_color: str):
    """reportlab's colour for '#rrggbb', made once: parsing a colour string on every shape was slow."""
    from reportlab.lib.colors import HexColor

    return HexColor(hex_color)


def _paint(c, s, font_name: str, bold_font_name: str) -> None:
    """One shape on a reportlab canvas, styled as `to_drawing` styles it (round caps and joins)."""
    if isinstance(s, Text):
        c.setFillColor(_rl_color(s.color))
        c.setFont(bold_font_name if s.bold else font_name, s.size)
        x, y = s.pos
        {"start": c.drawString, "middle": c.drawCentredString, "end": c.drawRightString}[s.anchor](x, y, s.text)
        return
    if isinstance(s, Circle):
        fill, stroke = s.fill, s.stroke
    elif isinstance(s, Polygon):
        fill, stroke = s.fill, s.stroke
    else:  # Line
        fill, stroke = None, s.color
    if fill:
        c.setFillColor(_rl_color(fill))
    if stroke:
        c.setStrokeColor(_rl_color(stroke))
        c.setLineWidth(s.width)
        c.setLineJoin(1)
        c.setLineCap(0 if isinstance(s, Line) and s.dash else 1)
        c.setDash(list(s.dash) if isinstance(s, Line) and s.dash else [])
    if isinstance(s, Circle):
        c.circle(s.center[0], s.center[1], s.r, stroke=1 if stroke else 0, fill=1 if fill else 0)
        return
    path = c.beginPath()
    path.moveTo(*s.points[0])
    for p in s.points[1:]:
        path.lineTo(*p)
    if isinstance(s, Polygon):
        path.close()
    c.drawPath(path, stroke=1 if stroke else 0, fill=1 if fill else 0)


# ---------------------------------------------------------------- PNG

_DPI = 100


#: PNGs already made, by figure identity and width: a workbook shows the same few exercises again and
#: again. The figure is kept alive with its bytes.
_PNG_CACHE: dict[tuple[int, int], tuple[Figure, bytes]] = {}


def to_png(fig: Figure, width_px: int = 360) -> bytes:
    """PNG bytes, width_px wide (height follows the proportions)."""
    hit = _PNG_CACHE.get((id(fig), width_px))
    if hit is not None and hit[0] is fig:
        return hit[1]
    if len(_PNG_CACHE) > 256:
        _PNG_CACHE.clear()
    png = _render_png(fig, width_px)
    _PNG_CACHE[(id(fig), width_px)] = (fig, png)
    return png


_SUPERSAMPLE = 2  # draw twice as large, then average each 2×2 block: smooth edges without an anti-aliasing renderer


@functools.lru_cache(maxsize=64)
def _font(size_px: int, bold: bool):
    from PIL import ImageFont

    from ..io._fonts import font_path

    return ImageFont.truetype(font_path(bold=bold), max(size_px, 1))


def _render_png(fig: Figure, width_px: int) -> bytes:
    """Pillow draws the same shapes as the vector backends, in a few milliseconds (matplotlib took ~80 ms)."""
    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = fig.bbox
    height_px = round(width_px * (y1 - y0) / (x1 - x0))
    k = _SUPERSAMPLE
    scale = width_px * k / (x1 - x0)  # pixels per cm on the large canvas

    def px(p: tuple[float, float]) -> tuple[float, float]:
        return ((p[0] - x0) * scale, (y1 - p[1]) * scale)

    img = Image.new("RGB", (width_px * k, height_px * k), "white")
    d = ImageDraw.Draw(img)
    for s in fig.shapes:
        if isinstance(s, Line):
            pts = [px(p) for p in s.points]
            w = max(1, round(s.width * scale))
            if s.dash:
                _dashed(d, pts, w, s.color, (s.dash[0] * scale, s.dash[1] * scale))
            else:
                d.line(pts, fill=s.color, width=w, joint="curve")
                for x, y in (pts[0], pts[-1]):  # round caps, as in the SVG and the PDF
                    d.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=s.color)
        elif isinstance(s, Circle):
            x, y = px(s.center)
            r = s.r * scale
            d.ellipse((x - r, y - r, x + r, y + r), fill=s.fill, outline=s.stroke,
                      width=max(1, round(s.width * scale)) if s.stroke else 0)
        elif isinstance(s, Polygon):
            d.polygon([px(p) for p in s.points], fill=s.fill, outline=s.stroke,
                      width=max(1, round(s.width * scale)) if s.stroke else 0)
        elif isinstance(s, Text):
            x, y = px(s.pos)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            d.text((x, y), s.text, fill=s.color, font=_font(round(s.size * scale), s.bold), anchor=anchor)
    img = img.reduce(k)  # the mean of each k×k block: as smooth as a LANCZOS resize here, many times faster
    return _png_bytes(img)


def _png_bytes(img) -> bytes:
    """An RGB image as PNG bytes: each row unfiltered, deflated at the fastest level.

    Pillow's encoder tries every PNG filter on every row to pick one: for a flat drawing of a few dozen colours
    that took half of a picture's time, and no filter at all gives a file 8 % smaller. The pixels are the same."""
    width, height = img.size
    raw = img.tobytes()
    stride = 3 * width
    rows = b"".join(b"\x00" + raw[i:i + stride] for i in range(0, len(raw), stride))  # filter type 0 before each row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits a channel, RGB, deflate, no interlace

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


def _dashed(d, pts: list[tuple[float, float]], width: int, color: str, dash: tuple[float, float]) -> None:
    on, off = dash
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        if length == 0:
            continue
        t = 0.0
        while t < length:
            t2 = min(t + on, length)
            d.line([(ax + (bx - ax) * t / length, ay + (by - ay) * t / length),
                    (ax + (bx - ax) * t2 / length, ay + (by - ay) * t2 / length)], fill=color, width=width)
            t = t2 + off
