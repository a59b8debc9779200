"""One line of text laid out for drawing: bidi runs in display order, each split into the fonts that
draw it, each piece at its x position — the same for every backend (Pillow, fpdf2), so a social image
and a card place an Arabic title identically, and measuring a line is laying it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from cardgen.text.bidi import CONTROLS, base_rtl, has_rtl, visual_runs
from cardgen.text.fonts import coverage, font_path, segments
from cardgen.text.metrics import metrics
from cardgen.text.shaping import needs_shaping, shaped_advance


@dataclass(frozen=True)
class Piece:
    """Text in one font and one direction (logical order), placed on the line; lengths in ems."""

    text: str
    path: Path
    x: float
    width: float
    rtl: bool
    shaped: bool  # needs a shaper to draw (complex script, RTL, joiners); else per-character drawing is exact


@dataclass(frozen=True)
class PlacedLine:
    pieces: tuple[Piece, ...]
    width: float  # ems
    rtl: bool  # the paragraph direction the line was ordered in


def needs_layout(text: str) -> bool:
    """False for text that is drawn character by character left to right (Latin, CJK …)."""
    return needs_shaping(text) or has_rtl(text) or not CONTROLS.isdisjoint(text)


def table_width(text: str, path: Path) -> float:
    """Sum of per-character advances (ems): exact for text that needs no shaping."""
    m = metrics(path)
    adv = m.advances
    default = m.default_advance
    return sum(map(adv.get, map(ord, text), repeat(default))) / m.units_per_em


class SimpleFace:
    """The characters a face draws one by one, left to right, with no fallback: text made only of
    them is one run in that face, needs neither bidi nor a shaper, and is as wide as the sum of their
    advances (`units` per character, in font units). Most Latin text is; it is measured without the
    per-character fallback walk. Characters are judged when text first brings them (a face maps tens
    of thousands; a page uses a few hundred)."""

    def __init__(self, path: Path) -> None:
        m = metrics(path)
        self.path = path
        self.units_per_em: int = m.units_per_em
        self.units: dict[str, int] = {}
        self._advances = m.advances
        self._default = m.default_advance
        self._covered = coverage(path)
        self._other: set[str] = set()

    def covers(self, text: str) -> bool:
        chars = set(text)
        return self.units.keys() >= chars or self._learn(chars - self.units.keys())

    def width_units(self, text: str) -> int:
        return sum(map(self.units.__getitem__, text))

    def _learn(self, chars: set[str]) -> bool:
        for ch in chars:
            if ch in self._other:
                return False
            code = ord(ch)
            if code not in self._covered or needs_layout(ch):
                self._other.add(ch)
                return False
            self.units[ch] = self._advances.get(code, self._default)
        return True


@lru_cache(maxsize=64)
def simple_face(family: str | None = None, bold: bool = False, italic: bool = False) -> SimpleFace:
    return SimpleFace(font_path(family, bold, italic))


def piece_width(text: str, path: Path, rtl: bool, lang: str | None = None) -> float:
    if rtl or needs_shaping(text):
        return shaped_advance(text, path, rtl, _hb_lang(lang))
    return table_width(text, path)


@lru_cache(maxsize=16384)
def place_line(
    text: str,
    family: str | None = None,
    bold: bool = False,
    italic: bool = False,
    lang: str | None = None,
    rtl: bool | None = None,
) -> PlacedLine:
    """Lay out one line. `rtl` is the paragraph direction (None: by the text's first strong letter,
    else by `lang`)."""
    if rtl is None:
        rtl = base_rtl(text, default=_rtl_language(lang))
    face = simple_face(family, bold, italic)
    if text and face.covers(text):
        width = face.width_units(text) / face.units_per_em
        return PlacedLine((Piece(text, face.path, 0.0, width, False, False),), width, rtl)
    pieces: list[Piece] = []
    x = 0.0
    for run in visual_runs(text, rtl):
        parts = segments(run.text, family, bold, italic)
        for part, path in reversed(parts) if run.rtl else parts:
            shaped = run.rtl or needs_shaping(part)
            width = piece_width(part, path, run.rtl, lang)
            pieces.append(Piece(part, path, x, width, run.rtl, shaped))
            x += width
    return PlacedLine(tuple(pieces), x, rtl)


def _rtl_language(lang: str | None) -> bool:
    if not lang:
        return False
    from cardgen.i18n import is_rtl

    return is_rtl(lang)


def _hb_lang(lang: str | None) -> str | None:
    """HarfBuzz takes BCP 47 tags ("fa", "ur", "zh-Hant"); Persian and Urdu select their own forms."""
    return lang or None
