"""Text widths from the fonts' advance widths (fontTools), without rasterising anything.

Widths are sums of glyph advances of the font each character is drawn with (see `fonts.segments`);
kerning is ignored, as in Pillow's basic layout, which is what draws social images. Text that needs
shaping or runs right to left is measured as it is drawn: laid out by `line.place_line` (bidi runs,
HarfBuzz advances). `conservative`
widths are the largest of the Noto Sans and DejaVu Sans measurements and of the width in the primary
face alone (characters it lacks at its .notdef advance), for decks that may be shown with any of them or
without the complex-script faces (cardgen/fonts/README.md).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cardgen.text.fonts import METRICS_FALLBACK, fallback_chain, font_path, segments
from cardgen.text.line import SimpleFace, needs_layout, place_line, simple_face, table_width
from cardgen.text.metrics import FontMetrics, bundled_metrics, metrics, metrics_record, read_metrics


def _advance_units(text: str, path: Path) -> float:
    return table_width(text, path)


@lru_cache(maxsize=65536)
def _em_width(text: str, family: str | None, bold: bool, italic: bool, lang: str | None = None) -> float:
    """Width of `text` in ems with per-character fallback (shaped where shaping changes it)."""
    face = simple_face(family, bold, italic)
    if face.covers(text):
        return face.width_units(text) / face.units_per_em
    if needs_layout(text):
        return place_line(text, family, bold, italic, lang).width
    return sum(_advance_units(part, path) for part, path in segments(text, family, bold, italic))


@lru_cache(maxsize=65536)
def _em_width_conservative(text: str, family: str | None, bold: bool, italic: bool, lang: str | None = None) -> float:
    normal = _em_width(text, family, bold, italic, lang)
    wide = _em_width(text, METRICS_FALLBACK, bold, False, lang)
    alone = _advance_units(text, font_path(family, bold, italic))
    return max(normal, wide, alone)


def conservative_faces(family: str | None, bold: bool, italic: bool) -> tuple[SimpleFace, SimpleFace]:
    """The two faces a conservative width of simple text is the larger of (see `_em_width_conservative`:
    for text the primary face draws alone, its width in the primary face equals the fallback width)."""
    return simple_face(family, bold, italic), simple_face(METRICS_FALLBACK, bold, False)


def text_width(
    text: str,
    size: float,
    *,
    family: str | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
    conservative: bool = False,
) -> float:
    """Advance width of one line of `text` at `size` (same unit as `size`: px or pt)."""
    if not text:
        return 0.0
    fn = _em_width_conservative if conservative else _em_width
    return fn(text, family, bold, italic, lang) * size


def ascent_descent(size: float, family: str | None = None, bold: bool = False) -> tuple[float, float]:
    """(ascent, descent) above/below the baseline at `size`, both positive, from the primary font."""
    m = metrics(font_path(family, bold))
    return m.ascent / m.units_per_em * size, m.descent / m.units_per_em * size


__all__ = [
    "FontMetrics",
    "ascent_descent",
    "bundled_metrics",
    "fallback_chain",
    "metrics",
    "metrics_record",
    "read_metrics",
    "text_width",
]
