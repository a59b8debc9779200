"""Shaping with HarfBuzz (uharfbuzz): the glyphs a run of text really becomes, and their advances.

Arabic letters take their joining forms, Indic clusters reorder and form conjuncts, Thai marks stack,
emoji ZWJ sequences become one glyph where the font has it. Widths of such text are sums of these
shaped advances, never of per-character advances (which are 10–40 % off for Arabic and Devanagari).
Text that shaping cannot change (Latin, Cyrillic, Greek, CJK without marks) keeps the cheaper
per-character sum, which is also exactly what Pillow's basic layout draws.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

#: Scripts and characters whose glyphs depend on their neighbours: Arabic, Syriac, Thaana, N'Ko,
#: Hebrew points, every Indic script, Thai, Lao, Tibetan, Myanmar, Khmer, combining marks, joiners,
#: variation selectors, emoji modifiers, tags and regional indicators.
_COMPLEX = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0600-\u08ff\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff"
    "\u1000-\u109f\u1780-\u17ff\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufb1d-\ufb4f"
    "\ufb50-\ufdff\ufe00-\ufe0f\ufe20-\ufe2f\ufe70-\ufeff\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff"
    "\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)


class Glyph(NamedTuple):
    """One shaped glyph; lengths in ems (multiply by the font size). A tuple: a paragraph shapes
    into hundreds, built in half the time frozen dataclass instances take."""

    gid: int
    cluster: int  # index of the first character of its cluster in the shaped text
    advance: float
    dx: float
    dy: float  # up is positive, as in fonts


def needs_shaping(text: str) -> bool:
    return bool(_COMPLEX.search(text))


@lru_cache(maxsize=32)
def hb_face(path: Path) -> Any:  # a uharfbuzz Face
    """A HarfBuzz face of a font file, read once per process (shaping, and the PDF's and the
    gallery's subsetting)."""
    import uharfbuzz as hb

    return hb.Face(hb.Blob.from_file_path(str(path)), 0)


@lru_cache(maxsize=32)
def hb_font(path: Path) -> tuple[Any, int]:
    import uharfbuzz as hb

    face = hb_face(path)
    return hb.Font(face), face.upem


@lru_cache(maxsize=16384)
def shape(text: str, path: Path, rtl: bool, lang: str | None = None) -> tuple[Glyph, ...]:
    """Glyphs of `text` (one direction, one font) in display order, left to right."""
    font, upem = hb_font(path)
    buf = _shaped(font, text, rtl, lang)
    return tuple(
        Glyph(info.codepoint, info.cluster, pos.x_advance / upem, pos.x_offset / upem, pos.y_offset / upem)
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
    )


def _shaped(font: Any, text: str, rtl: bool, lang: str | None) -> Any:  # a shaped uharfbuzz Buffer
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    if lang:
        buf.language = lang
    hb.shape(font, buf, {})
    return buf


@lru_cache(maxsize=16384)
def shaped_advance(text: str, path: Path, rtl: bool, lang: str | None = None) -> float:
    """Width of `text` shaped in the font at `path`, in ems (the sum of `shape`'s advances, without
    making its glyphs: fitting measures thousands of candidate lines it never draws)."""
    font, upem = hb_font(path)
    return float(sum(pos.x_advance / upem for pos in _shaped(font, text, rtl, lang).glyph_positions))

