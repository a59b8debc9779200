"""Drawing text with Pillow: per-character font fallback, bidi order and shaping.

A line is laid out once (`line.place_line`: runs in display order, a font per piece, x positions);
pieces that need no shaping are drawn by Pillow's basic layout, exactly as measured. Shaped pieces
(Arabic, Hebrew, Indic, Thai, joiners) are drawn by Pillow's raqm layout when this Pillow has it
(`PIL.features.check("raqm")`: raqm needs the system's FriBiDi, which macOS and Windows wheels lack),
else by the bundled path: HarfBuzz (uharfbuzz) shapes, and each glyph is drawn by its id through a copy
of the font whose cmap maps Private Use code points to glyph ids. Both place each piece where the
layout says, so they differ by antialiasing only.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.text.fonts import pil_font, segments
from cardgen.text.line import Piece, needs_layout, place_line
from cardgen.text.measure import ascent_descent, text_width

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

    from cardgen.text.fit import FittedText

#: A Pillow ink: a colour name, a grey level or an RGB(A) tuple.
Fill = str | float | tuple[int, ...]


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    size: float,
    *,
    family: str | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
    fill: Fill = (0, 0, 0),
    anchor: str = "ls",
) -> float:
    """Draw one line whose left end of the baseline is at `xy` (anchor "ls"); returns the advance width.

    Other anchors: "ms"/"rs" centre or right-align on x; "la"/"lt" put `xy` at the top (ascent).
    """
    x, y = xy
    total = text_width(text, size, family=family, bold=bold, italic=italic, lang=lang)
    if anchor[0] == "m":
        x -= total / 2
    elif anchor[0] == "r":
        x -= total
    if anchor[1] in "at":
        y += ascent_descent(size, family, bold)[0]
    if not needs_layout(text):
        for part, path in segments(text, family, bold, italic, lang):
            font = pil_font(path, size)
            draw.text((x, y), part, font=font, fill=fill, anchor="ls")
            x += font.getlength(part)
        return total
    for piece in place_line(text, family, bold, italic, lang).pieces:
        draw_piece(draw, (x + piece.x * size, y), piece, size, fill=fill, lang=lang)
    return total


def draw_piece(draw: ImageDraw.ImageDraw, xy: tuple[float, float], piece: Piece, size: float, *, fill: Fill = (0, 0, 0),
               lang: str | None = None, engine: str | None = None) -> None:
    """Draw one laid-out piece with the left end of its baseline at `xy`. `engine` forces "raqm" or
    "bundled" for shaped pieces (tests draw both); by default raqm when available."""
    if not piece.text.strip():
        return
    if not piece.shaped:
        draw.text(xy, piece.text, font=pil_font(piece.path, size), fill=fill, anchor="ls")
        return
    if (engine or shaping_engine()) == "raqm":
        font = _raqm_font(piece.path, size)
        draw.text(xy, piece.text, font=font, fill=fill, anchor="ls", direction="rtl" if piece.rtl else "ltr",
                  language=lang or None)
        return
    from cardgen.text.shaping import shape

    font = _glyph_font(piece.path, size)
    pen_x, base_y = xy
    for glyph in shape(piece.text, piece.path, piece.rtl, lang or None):
        if glyph.gid:
            draw.text((pen_x + glyph.dx * size, base_y - glyph.dy * size), chr(_PUA + glyph.gid), font=font,
                      fill=fill, anchor="ls")
        pen_x += glyph.advance * size


@lru_cache(maxsize=1)
def shaping_engine() -> str:
    """"raqm" when Pillow can shape by itself, else "bundled"."""
    from PIL import features

    return "raqm" if features.check("raqm") else "bundled"


@lru_cache(maxsize=128)
def _raqm_font(path: Path, size: float) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size=size, layout_engine=ImageFont.Layout.RAQM)


_PUA = 0xF0000  # Supplementary Private Use Area-A: 65 534 code points, more than any font's glyphs


@lru_cache(maxsize=16)
def _glyph_font_bytes(path: Path) -> bytes:
    """The font with a (3, 10) cmap mapping U+F0000 + glyph id → glyph, so Pillow's basic layout can
    draw any glyph HarfBuzz chose (joining forms and conjuncts have no code point of their own)."""
    from fontTools.ttLib import TTCollection, TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    font = TTCollection(str(path)).fonts[0] if path.suffix.lower() == ".ttc" else TTFont(str(path))
    order = font.getGlyphOrder()
    table = CmapSubtable.newSubtable(12)
    table.platformID, table.platEncID, table.language = 3, 10, 0
    table.cmap = {_PUA + gid: name for gid, name in enumerate(order)}
    font["cmap"].tables = [table]
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=64)
def _glyph_font(path: Path, size: float) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(BytesIO(_glyph_font_bytes(path)), size=size, layout_engine=ImageFont.Layout.BASIC)


def draw_fitted(
    draw: ImageDraw.ImageDraw,
    box_xy: tuple[float, float],
    fitted: FittedText,
    *,
    family: str | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
    fill: Fill = (0, 0, 0),
    align: str = "left",
    box_width: float | None = None,
) -> None:
    """Draw every line of `fitted` with the box's top-left corner at `box_xy`."""
    left, top = box_xy
    ascent = ascent_descent(fitted.size, family, bold)[0]
    # Centre the glyphs within each line box: half the extra leading above the ascent.
    baseline = top + (fitted.line_height - fitted.size * 1.2) / 2 + ascent if fitted.line_height > fitted.size * 1.2 else top + ascent
    width = box_width if box_width is not None else fitted.width
    for line in fitted.lines:
        if align == "center":
            draw_text(draw, (left + width / 2, baseline), line, fitted.size, family=family, bold=bold,
                      italic=italic, lang=lang, fill=fill, anchor="ms")
        elif align == "right":
            draw_text(draw, (left + width, baseline), line, fitted.size, family=family, bold=bold,
                      italic=italic, lang=lang, fill=fill, anchor="rs")
        else:
            draw_text(draw, (left, baseline), line, fitted.size, family=family, bold=bold, italic=italic,
                      lang=lang, fill=fill)
        baseline += fitted.line_height
