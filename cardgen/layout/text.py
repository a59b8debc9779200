"""Fitted text → a positioned `TextBox`: lines aligned in their box, baselines set from the font.

Fitting (`cardgen.text.fit`) works in the type unit (px for social images, pt for print); scenes may
use another unit (mm for cards): `per_size_unit` converts. Each line's slot is `line_height` tall and
the font's ascent/descent are centred in it, so ascenders and descenders stay inside the slot.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardgen.layout.model import Align, Line, TextBox
from cardgen.text.fit import FittedText
from cardgen.text.measure import ascent_descent, text_width
from cardgen.units import Rect


@dataclass(frozen=True)
class Typeface:
    family: str
    bold: bool = False
    italic: bool = False
    lang: str | None = None


def formula_pieces(text: str, formulas: dict[str, str]) -> list[tuple[str, str]]:
    """`text` cut into (plain text, "") and (reading, tex) pieces at the formulas it shows."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    keys = sorted(formulas, key=len, reverse=True)
    while pos < len(text):
        found = min(((text.find(k, pos), k) for k in keys if text.find(k, pos) >= 0), default=None)
        if found is None:
            break
        start, key = found
        if start > pos:
            pieces.append((text[pos:start], ""))
        pieces.append((key, formulas[key]))
        pos = start + len(key)
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], ""))
    return pieces


def mirrored_align(align: Align, lang: str | None) -> Align:
    """A right-to-left page sets text flush right where the template says left, and the other way round."""
    from cardgen.i18n import is_rtl

    if not is_rtl(lang):
        return align
    flipped: dict[str, Align] = {"left": "right", "right": "left"}
    return flipped.get(align, align)


def line_width(text: str, size: float, face: Typeface) -> float:
    return text_width(text, size, family=face.family, bold=face.bold, italic=face.italic, lang=face.lang)


def baseline_offset(size: float, line_height: float, face: Typeface) -> float:
    """Distance from the top of a line slot of `line_height` to its baseline (type units)."""
    ascent, descent = ascent_descent(size, family=face.family, bold=face.bold)
    return (line_height - (ascent + descent)) / 2 + ascent


def place(
    fitted: FittedText,
    box: Rect,
    face: Typeface,
    *,
    name: str,
    color: str,
    align: Align = "left",
    valign: str = "top",
    per_size_unit: float = 1.0,
    pad: tuple[float, float] = (0.0, 0.0),
    min_contrast: float = 0.0,
    background: str = "",
    formulas: dict[str, str] | None = None,
) -> TextBox:
    """Lines of `fitted` laid into `box` (scene units), `pad` (x, y) kept free inside it."""
    align = mirrored_align(align, face.lang)
    k = per_size_unit
    size, lead = float(fitted.size), float(fitted.line_height) * k
    lines = list(fitted.lines)
    widths = [line_width(line, size, face) * k for line in lines]
    block_h = lead * len(lines)
    pad_x, pad_y = pad
    inner_left, inner_right = box.x + pad_x, box.right - pad_x
    if valign == "bottom":
        top = box.bottom - pad_y - block_h
    elif valign == "middle":
        top = box.y + (box.h - block_h) / 2
    else:
        top = box.y + pad_y
    first = baseline_offset(size, float(fitted.line_height), face) * k
    placed: list[Line] = []
    for i, (text, width) in enumerate(zip(lines, widths, strict=True)):
        if align == "center":
            x = inner_left + (inner_right - inner_left - width) / 2
        elif align == "right":
            x = inner_right - width
        else:
            x = inner_left
        placed.append(Line(text, x, top + i * lead + first, width))
    if placed:
        left = min(line.x for line in placed)
        right = max(line.x + line.width for line in placed)
    else:
        left = right = inner_left
    return TextBox(
        name=name,
        rect=Rect(left, top, right - left, block_h),
        lines=tuple(placed),
        size=size,
        line_height=lead,
        color=color,
        family=face.family,
        bold=face.bold,
        italic=face.italic,
        align=align,
        lang=face.lang,
        truncated=bool(fitted.truncated),
        missing=tuple(fitted.missing or ()),
        min_contrast=min_contrast,
        background=background,
        formulas=tuple((k, v) for k, v in (formulas or {}).items() if any(k in line.text for line in placed)),
    )
