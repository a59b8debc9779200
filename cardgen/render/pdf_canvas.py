"""Drawing on an fpdf2 page in points through a movable, scalable frame: rich text lines with per-
character font fallback, filled rectangles, pictures, vector QR codes and link areas.

The deck PDF draws a slide at full size on a slide page and scaled down on a handout page: every
coordinate goes through `Canvas.origin` and `Canvas.scale`, so one drawing routine serves both.
Fonts are embedded as subsets (fpdf2 subsets TrueType and CFF fonts when the file is saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgen.colors import rgb
from cardgen.i18n import is_rtl
from cardgen.render.pdf_fonts import Fonts
from cardgen.text.bidi import base_rtl
from cardgen.text.fonts import segments
from cardgen.text.line import PlacedLine, needs_layout, place_line


@dataclass(frozen=True)
class Piece:
    """A run of one style on one line."""

    text: str
    bold: bool = False
    italic: bool = False
    mono: bool = False
    colour: str = "#000000"
    href: str | None = None
    underline: bool = False
    tex: str | None = None  # inline math: the formula this reading of it stands for
    script: int = 0  # +1 superscript, -1 subscript (a typeset formula's scripts)


#: Scripts of inline math, as the deck's pptx sets them (PowerPoint's superscript button): raised 30 %
#: or lowered 25 % of the text size, set at two thirds of it.
SCRIPT_SIZE = 2 / 3
SCRIPT_RISE = {1: 0.30, -1: -0.25}


def _piece_size(piece: Piece, size: float) -> float:
    return size * SCRIPT_SIZE if piece.script else size


def _rise(piece: Piece, size: float) -> float:
    return SCRIPT_RISE.get(piece.script, 0.0) * size


class Canvas:
    def __init__(self, pdf: Any, fonts: Fonts, *, family: str | None, mono: str, lang: str | None,
                 origin: tuple[float, float] = (0.0, 0.0), scale: float = 1.0) -> None:
        self.pdf = pdf
        self.fonts = fonts
        self.family = family
        self.mono = mono
        self.lang = lang
        self.origin = origin
        self.scale = scale

    # ------------------------------------------------------------------ geometry

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return self.origin[0] + x * self.scale, self.origin[1] + y * self.scale

    def rect(self, x: float, y: float, w: float, h: float, colour: str, opacity: float = 1.0) -> None:
        if w <= 0 or h <= 0:
            return
        px, py = self._xy(x, y)
        self.pdf.set_fill_color(*rgb(colour))
        if opacity < 1.0:
            with self.pdf.local_context(fill_opacity=opacity):
                self.pdf.rect(px, py, w * self.scale, h * self.scale, style="F")
        else:
            self.pdf.rect(px, py, w * self.scale, h * self.scale, style="F")

    def frame(self, x: float, y: float, w: float, h: float, colour: str, width: float = 0.75) -> None:
        px, py = self._xy(x, y)
        self.pdf.set_draw_color(*rgb(colour))
        self.pdf.set_line_width(width * self.scale)
        self.pdf.rect(px, py, w * self.scale, h * self.scale, style="D")

    def link(self, x: float, y: float, w: float, h: float, url: str) -> None:
        px, py = self._xy(x, y)
        self.pdf.link(px, py, w * self.scale, h * self.scale, url)

    def image(self, source: Any, x: float, y: float, w: float, h: float, alt: str = "") -> None:
        px, py = self._xy(x, y)
        self.pdf.image(source, px, py, w * self.scale, h * self.scale, alt_text=alt or None)

    def qr(self, url: str, x: float, y: float, side: float, quiet: int = 4) -> None:
        """A vector QR code (black on a white tile with its quiet zone) that is also a link to `url`."""
        from cardgen.qr import dark_runs, qr_matrix

        matrix = qr_matrix(url)
        count = len(matrix)
        module = side / (count + 2 * quiet)
        self.rect(x, y, side, side, "#ffffff")
        self.pdf.set_fill_color(0, 0, 0)
        for r, start, length in dark_runs(matrix):
            px, py = self._xy(x + (quiet + start) * module, y + (quiet + r) * module)
            # a hair wider than the module: no white seams between neighbours in any viewer
            self.pdf.rect(px, py, length * module * self.scale + 0.05, module * self.scale + 0.05, style="F")
        self.link(x, y, side, side, url)

    # ------------------------------------------------------------------ text

    def width(self, pieces: Sequence[Piece], size: float) -> float:
        """Advance width (pt, unscaled) of `pieces` set at `size`, with the fonts they are drawn in."""
        if _complex(pieces):
            return sum(self._placed(piece).width * _piece_size(piece, size) for piece in pieces)
        total = 0.0
        for piece in pieces:
            for chunk, path in self._segments(piece):
                self.pdf.set_font(self.fonts.name(path), size=_piece_size(piece, size))
                total += self.pdf.get_string_width(chunk)
        return total

    def _segments(self, piece: Piece) -> list[tuple[str, Path]]:
        family = self.mono if piece.mono else self.family
        return segments(piece.text, family, bold=piece.bold, italic=piece.italic and not piece.mono, lang=self.lang)

    def line(self, pieces: Sequence[Piece], x: float, baseline: float, size: float, align: str = "left",
             width: float = 0.0) -> float:
        """One line of `pieces` with its baseline at `baseline` (pt); returns the width drawn.
        `align` right/center place it within `width` from `x`."""
        complex_line = _complex(pieces)
        rtl = complex_line and base_rtl("".join(p.text for p in pieces), default=is_rtl(self.lang))
        if rtl and align == "left":
            align = "right"  # a right-to-left paragraph starts at the right
        if align != "left" and width:
            used = self.width(pieces, size)
            x += (width - used) if align == "right" else (width - used) / 2
        if complex_line:
            return self._shaped_line(pieces, x, baseline, size, rtl)
        start = x
        for piece in pieces:
            piece_x = x
            self.pdf.set_text_color(*rgb(piece.colour))
            for chunk, path in self._segments(piece):
                self.pdf.set_font(self.fonts.name(path), size=_piece_size(piece, size) * self.scale)
                advance = self.pdf.get_string_width(chunk) / self.scale
                if chunk.strip():
                    px, py = self._xy(x, baseline - _rise(piece, size))
                    self.pdf.text(px, py, chunk)
                x += advance
            if piece.underline and x > piece_x:
                self.rect(piece_x, baseline + size * 0.12, x - piece_x, max(0.5, size * 0.05), piece.colour)
            if piece.href and x > piece_x:
                self.link(piece_x, baseline - size * 0.9, x - piece_x, size * 1.15, piece.href)
        return x - start

    def _placed(self, piece: Piece, rtl: bool | None = None) -> PlacedLine:
        family = self.mono if piece.mono else self.family
        return place_line(piece.text, family, piece.bold, piece.italic and not piece.mono, self.lang, rtl)

    def _shaped_line(self, pieces: Sequence[Piece], x: float, baseline: float, size: float, rtl: bool) -> float:
        """A line with complex-script or right-to-left text: each style piece laid out and shaped by
        `cardgen.text.line`, the pieces right to left in a right-to-left paragraph."""
        from cardgen.render.pdf_text import draw_piece

        start = x
        for piece in reversed(pieces) if rtl else pieces:
            placed = self._placed(piece, rtl)  # each piece ordered in the paragraph's direction
            self.pdf.set_text_color(*rgb(piece.colour))
            own = _piece_size(piece, size)
            for part in placed.pieces:
                if part.text.strip():
                    self.pdf.set_font(self.fonts.name(part.path), size=own * self.scale)
                    px, py = self._xy(x + part.x * own, baseline - _rise(piece, size))
                    draw_piece(self.pdf, px, py, part, own * self.scale, self.lang)
            advance = placed.width * own
            if piece.underline and advance > 0:
                self.rect(x, baseline + size * 0.12, advance, max(0.5, size * 0.05), piece.colour)
            if piece.href and advance > 0:
                self.link(x, baseline - size * 0.9, advance, size * 1.15, piece.href)
            x += advance
        return x - start


def _complex(pieces: Sequence[Piece]) -> bool:
    return any(needs_layout(piece.text) for piece in pieces)
