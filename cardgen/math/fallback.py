"""Text in formulas that STIX Two Math has no glyphs for (`\\text{静止摩擦}`, an Arabic or Bengali
word in `\\text{…}`): set in the bundled face of its script, shaped by HarfBuzz, drawn as outlines.

ziamath sets `<mtext>` glyph by glyph from the math font, so such text came out as empty boxes in
every output (the SVG, its PNG fallback, the deck PDF and the card). `install` makes ziamath's text
node lay out the characters the math font has as before and hand every other run to
`OutlineText`, which takes the faces `cardgen.text.fonts` picks for it (the ones the slides use),
shapes them (Arabic joining, Indic clusters) and writes their outlines as one SVG path in the
formula's coordinates. Identifiers in such scripts (`$速度$`) are made text nodes by the MathML
step (`cardgen.math.mathml`), as TeX sets words in `\\text` anyway.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from cardgen.text.bidi import has_rtl


class _PathPen:
    """A fontTools-style pen writing SVG path data in formula points: font units scaled by `scale`,
    y flipped (fonts count up, SVG down), offset to the glyph's origin at (`x`, `y`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.x = self.y = 0.0
        self.scale = 1.0

    def _xy(self, point: tuple[float, float]) -> str:
        return f"{self.x + point[0] * self.scale:.2f} {self.y - point[1] * self.scale:.2f}"

    def moveTo(self, point: tuple[float, float]) -> None:  # noqa: N802 - the pen protocol's names
        self.parts.append("M" + self._xy(point))

    def lineTo(self, point: tuple[float, float]) -> None:  # noqa: N802
        self.parts.append("L" + self._xy(point))

    def qCurveTo(self, *points: tuple[float, float]) -> None:  # noqa: N802
        self.parts.append("Q" + " ".join(self._xy(p) for p in points))

    def curveTo(self, *points: tuple[float, float]) -> None:  # noqa: N802
        self.parts.append("C" + " ".join(self._xy(p) for p in points))

    def closePath(self) -> None:  # noqa: N802
        self.parts.append("Z")

    def endPath(self) -> None:  # noqa: N802
        pass


def covered(font: Any, ch: str) -> bool:
    """The math font draws `ch` (spaces always count as covered: ziamath spaces them itself)."""
    return ch.isspace() or font.glyphindex(ch) != 0


def install() -> None:
    """Make ziamath's `<mtext>` node set uncovered runs with `OutlineText` (once per process)."""
    from ziafont.fonttypes import BBox
    from ziamath.nodes.mnumber import Mtext

    original = Mtext._setup
    if getattr(original, "_cardgen", False):
        return

    def setup(self: Any, **kwargs: Any) -> None:
        text = self.string
        pieces = _runs(self.font, text)
        if all(own for _, own in pieces):
            original(self, **kwargs)
            return
        nodes: list[Any] = []
        places: list[tuple[float, float]] = []
        x, ymin, ymax = 0.0, 9999.0, -9999.0
        for part, own in pieces:
            if own:
                self.string, self.nodes, self.nodexy = part, [], []
                original(self, **kwargs)
                nodes += self.nodes
                places += [(x + px, py) for px, py in self.nodexy]
                box = self.bbox
            else:
                outline = OutlineText(part, self.glyphsize, self.style, phantom=kwargs.get("phantom", False))
                nodes.append(outline)
                places.append((x, 0.0))
                box = BBox(outline.bbox.xmin, outline.advance, outline.bbox.ymin, outline.bbox.ymax)
            ymin, ymax = min(ymin, box.ymin), max(ymax, box.ymax)
            x += box.xmax
        self.string, self.nodes, self.nodexy = text, nodes, places
        self.bbox = BBox(min(0.0, nodes[0].bbox.xmin), x, ymin, ymax)

    setup._cardgen = True  # type: ignore[attr-defined]
    Mtext._setup = setup  # type: ignore[method-assign]


def _runs(font: Any, text: str) -> list[tuple[str, bool]]:
    """`text` cut into runs the math font covers (True) and runs it does not (False)."""
    out: list[tuple[str, bool]] = []
    for ch in text:
        own = covered(font, ch) if not ch.isspace() or not out else out[-1][1]
        if out and out[-1][1] == own:
            out[-1] = (out[-1][0] + ch, own)
        else:
            out.append((ch, own))
    return out


class OutlineText:
    """A run of text drawn from the bundled faces as SVG outlines (ziamath's `Drawable` protocol:
    `bbox` in points with y up, `xadvance`, `draw`)."""

    mtag = "drawable"
    nodes: list[Any] = []

    def __init__(self, text: str, size: float, style: Any, *, phantom: bool = False) -> None:
        from ziafont.fonttypes import BBox

        from cardgen.text.fonts import segments
        from cardgen.text.shaping import hb_font, shape

        self.size, self.style, self.phantom = size, style, phantom
        self.glyphs: list[tuple[Any, int, float, float, float]] = []  # (hb font, gid, x, dy, scale) in points
        x = 0.0
        xmin, xmax, ymin, ymax = 0.0, 0.0, 0.0, 0.0
        rtl = has_rtl(text)
        pieces = list(segments(text, None, False, False))
        for piece, path in reversed(pieces) if rtl else pieces:
            font, upem = hb_font(path)
            scale = size / upem
            for glyph in shape(piece, path, rtl):
                extents = font.get_glyph_extents(glyph.gid)
                gx = x + glyph.dx * size
                if extents is not None and extents.width:
                    xmin = min(xmin, gx + extents.x_bearing * scale)
                    xmax = max(xmax, gx + (extents.x_bearing + extents.width) * scale)
                    ymax = max(ymax, glyph.dy * size + extents.y_bearing * scale)
                    ymin = min(ymin, glyph.dy * size + (extents.y_bearing + extents.height) * scale)
                self.glyphs.append((font, glyph.gid, gx, glyph.dy * size, scale))
                x += glyph.advance * size
        self.advance = x
        self.bbox = BBox(xmin, max(xmax, x), ymin, ymax)

    def firstglyph(self) -> None:
        return None

    def lastglyph(self) -> None:
        return None

    def lastchar(self) -> None:
        return None

    def xadvance(self) -> float:
        return self.advance

    def draw(self, x: float, y: float, svg: ET.Element) -> tuple[float, float]:
        if not self.phantom and self.glyphs:
            pen = _PathPen()
            for font, gid, gx, dy, scale in self.glyphs:
                pen.x, pen.y, pen.scale = x + gx, y - dy, scale
                font.draw_glyph_with_pen(gid, pen)
            if pen.parts:
                path = ET.SubElement(svg, "path", d="".join(pen.parts))
                if self.style.mathcolor:
                    path.set("fill", str(self.style.mathcolor))
        return x + self.advance, y
