"""Font metrics: advance widths and vertical metrics per font file, precomputed for bundled fonts.

The lowest layer of the text engine: `fonts` (which file draws a character) asks it which code points a
bundled font covers, and `measure` (how wide a line is) sums its advances. It imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

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
    bundled = bundled_font(path.name) if path.parent == FONTS_DIR else None
    if bundled is not None:
        return bundled
    return read_metrics(path)


def bundled_metrics() -> dict[str, FontMetrics]:
    """The metrics of every bundled font (`cardgen/fonts/metrics.json.gz`, written by
    scripts/make_fonts.py): reading it is ~20× faster than parsing the fonts' cmap and hmtx tables."""
    return {name: font for name in _bundled_records() if (font := bundled_font(name)) is not None}


@lru_cache(maxsize=64)
def bundled_font(name: str) -> FontMetrics | None:
    """The precomputed metrics of one bundled font file, built when first asked for (a page in one
    script needs two or three of the 24 tables)."""
    entry = _bundled_records().get(name)
    if entry is None:
        return None
    codes, code = [], 0
    for delta in entry["code_deltas"]:
        code += delta
        codes.append(code)
    return FontMetrics(
        entry["upem"],
        dict(zip(codes, entry["advances"], strict=True)),
        entry["default"],
        entry["ascent"],
        entry["descent"],
    )


@lru_cache(maxsize=1)
def _bundled_records() -> dict[str, Any]:
    import gzip
    import json

    index = FONTS_DIR / METRICS_FILE
    if not index.is_file():
        return {}
    return cast("dict[str, Any]", json.loads(gzip.decompress(index.read_bytes())))


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
