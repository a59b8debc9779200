"""Font metrics: advance widths and vertical metrics per font file, precomputed for bundled fonts.

The lowest layer of the text engine: `fonts` (which file draws a character) asks it which code points a
bundled font covers, and `measure` (how wide a line is) sums its advances. It imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
METRICS_FILE = "metrics.json.gz"


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
        out[name] = FontMetrics(
            entry["upem"],
            dict(zip(codes, entry["advances"], strict=True)),
            entry["default"],
            entry["ascent"],
            entry["descent"],
        )
    return out


def metrics_record(path: Path) -> dict[str, Any]:
    """The JSON record of one font for `metrics.json.gz`."""
    m = read_metrics(path)
    codes = sorted(m.advances)
    deltas = [b - a for a, b in zip([0, *codes[:-1]], codes, strict=True)]
    return {
        "upem": m.units_per_em,
        "default": m.default_advance,
        "ascent": m.ascent,
        "descent": m.descent,
        "code_deltas": deltas,
        "advances": [m.advances[c] for c in codes],
    }


def read_metrics(path: Path) -> FontMetrics:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True, fontNumber=0)
    try:
        cmap = font.getBestCmap() or {}
        hmtx = font["hmtx"].metrics
        advances = {code: hmtx[name][0] for code, name in cmap.items() if name in hmtx}
        hhea = font["hhea"]
        upem = font["head"].unitsPerEm
        return FontMetrics(
            upem, advances, hmtx.get(".notdef", (upem // 2, 0))[0], hhea.ascent, abs(hhea.descent)
        )
    finally:
        font.close()
