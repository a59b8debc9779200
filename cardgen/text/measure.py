"""Text widths from the fonts' advance widths (fontTools), without rasterising anything.

Widths are sums of glyph advances of the font each character is drawn with (see `fonts.segments`);
kerning is ignored, as in Pillow's basic layout, which is what draws social images. `conservative`
widths are the largest of the Noto Sans and DejaVu Sans measurements and of the width in the primary
face alone (characters it lacks at its .notdef advance), for decks that may be shown with any of them or
without the complex-script faces (cardgen/fonts/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cardgen.text.fonts import FONTS_DIR, METRICS_FALLBACK, METRICS_FILE, fallback_chain, font_path, segments


@dataclass(frozen=True)
class FontMetrics:
    units_per_em: int
    advances: dict[int, int]  # code point → advance in font units
    default_advance: int
    ascent: int
    descent: int  # positive


@lru_cache(maxsize=64)
def metrics(path: Path) -> FontMetrics:
    """Advance widths and vertical metrics of a font file (precomputed for the bundled fonts)."""
    bundled = bundled_metrics().get(path.name) if path.parent == FONTS_DIR else None
    if bundled is not None:
        return bundled
    return read_metrics(path)


@lru_cache(maxsize=1)
def bundled_metrics() -> dict[str, FontMetrics]:
    """`cardgen/fonts/metrics.json.gz` (written by scripts/make_fonts.py): reading it is ~20× faster
    than parsing the cmap and hmtx tables of the fonts at every start."""
    import gzip
    import json

    index = FONTS_DIR / METRICS_FILE
    if not index.is_file():
        return {}
    data = json.loads(gzip.decompress(index.read_bytes()))
    out: dict[str, FontMetrics] = {}
    for name, entry in data.items():
        codes, code = [], 0
        for delta in entry["code_deltas"]:
            code += delta
            codes.append(code)
        out[name] = FontMetrics(entry["upem"], dict(zip(codes, entry["advances"], strict=True)),
                                entry["default"], entry["ascent"], entry["descent"])
    return out


def metrics_record(path: Path) -> dict:
    """The JSON record of one font for `metrics.json.gz`."""
    m = read_metrics(path)
    codes = sorted(m.advances)
    deltas = [b - a for a, b in zip([0, *codes[:-1]], codes, strict=True)]
    return {"upem": m.units_per_em, "default": m.default_advance, "ascent": m.ascent, "descent": m.descent,
            "code_deltas": deltas, "advances": [m.advances[c] for c in codes]}


def read_metrics(path: Path) -> FontMetrics:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True, fontNumber=0)
    try:
        cmap = font.getBestCmap() or {}
        hmtx = font["hmtx"].metrics
        advances = {code: hmtx[name][0] for code, name in cmap.items() if name in hmtx}
        hhea = font["hhea"]
        upem = font["head"].unitsPerEm
        return FontMetrics(upem, advances, hmtx.get(".notdef", (upem // 2, 0))[0], hhea.ascent, abs(hhea.descent))
    finally:
        font.close()


def _advance_units(text: str, path: Path) -> float:
    m = metrics(path)
    adv = m.advances
    default = m.default_advance
    return sum(adv.get(ord(ch), default) for ch in text) / m.units_per_em


@lru_cache(maxsize=65536)
def _em_width(text: str, family: str | None, bold: bool, italic: bool) -> float:
    """Width of `text` in ems with per-character fallback."""
    return sum(_advance_units(part, path) for part, path in segments(text, family, bold, italic))


@lru_cache(maxsize=65536)
def _em_width_conservative(text: str, family: str | None, bold: bool, italic: bool) -> float:
    normal = _em_width(text, family, bold, italic)
    wide = _em_width(text, METRICS_FALLBACK, bold, False)
    alone = _advance_units(text, font_path(family, bold, italic))
    return max(normal, wide, alone)


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
    return fn(text, family, bold, italic) * size


def ascent_descent(size: float, family: str | None = None, bold: bool = False) -> tuple[float, float]:
    """(ascent, descent) above/below the baseline at `size`, both positive, from the primary font."""
    m = metrics(font_path(family, bold))
    return m.ascent / m.units_per_em * size, m.descent / m.units_per_em * size


__all__ = ["FontMetrics", "ascent_descent", "fallback_chain", "metrics", "text_width"]
