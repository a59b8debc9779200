"""Drawing text with Pillow, with per-character font fallback (Latin, CJK, symbols)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cardgen.text.fonts import pil_font, segments
from cardgen.text.measure import ascent_descent, text_width

if TYPE_CHECKING:
    from PIL import ImageDraw

    from cardgen.text.fit import FittedText


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
    fill=(0, 0, 0),
    anchor: str = "ls",
) -> float:
    """Draw one line whose left end of the baseline is at `xy` (anchor "ls"); returns the advance width.

    Other anchors: "ms"/"rs" centre or right-align on x; "la"/"lt" put `xy` at the top (ascent).
    """
    x, y = xy
    total = text_width(text, size, family=family, bold=bold, italic=italic)
    if anchor[0] == "m":
        x -= total / 2
    elif anchor[0] == "r":
        x -= total
    if anchor[1] in "at":
        y += ascent_descent(size, family, bold)[0]
    for part, path in segments(text, family, bold, italic, lang):
        font = pil_font(path, size)
        draw.text((x, y), part, font=font, fill=fill, anchor="ls")
        x += font.getlength(part)
    return total


def draw_fitted(
    draw: ImageDraw.ImageDraw,
    box_xy: tuple[float, float],
    fitted: FittedText,
    *,
    family: str | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
    fill=(0, 0, 0),
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
