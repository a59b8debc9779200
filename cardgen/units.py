"""Lengths in the units each output speaks, and the one rectangle type layouts hand to backends.

Print works in millimetres (cards, sheets) and points (type sizes, PDF user space); pptx in EMU
(English Metric Units: 914 400 per inch, 12 700 per point, as ECMA-376 §20.1.2.1 defines them);
raster in pixels at some resolution. Every conversion lives here, so no renderer carries a bare
25.4 or 72.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
PT_PER_MM = PT_PER_INCH / MM_PER_INCH
EMU_PER_INCH = 914_400
EMU_PER_PT = 12_700
EMU_PER_MM = 36_000


def mm_to_pt(mm: float) -> float:
    return mm * PT_PER_MM


def pt_to_mm(pt: float) -> float:
    return pt / PT_PER_MM


def mm_to_px(mm: float, dpi: float) -> float:
    """Pixels covering `mm` at `dpi` dots per inch (not rounded)."""
    return mm / MM_PER_INCH * dpi


def px_to_mm(px: float, dpi: float) -> float:
    return px / dpi * MM_PER_INCH


def pt_to_px(pt: float, dpi: float) -> float:
    return pt / PT_PER_INCH * dpi


def dpi_of(px: float, mm: float) -> float:
    """Resolution of `px` pixels printed across `mm` millimetres."""
    return px / (mm / MM_PER_INCH)


def pt_to_emu(pt: float) -> int:
    return round(pt * EMU_PER_PT)


def emu_to_pt(emu: float) -> float:
    return emu / EMU_PER_PT


def mm_to_emu(mm: float) -> int:
    return round(mm * EMU_PER_MM)


def emu_to_mm(emu: float) -> float:
    return emu / EMU_PER_MM


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box: left `x`, top `y`, width `w`, height `h`, in the unit of the scene it is in
    (mm for cards, px for social images, pt for slides; fractions of a canvas in templates)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def ltrb(self) -> tuple[float, float, float, float]:
        return self.x, self.y, self.x + self.w, self.y + self.h

    @classmethod
    def from_ltrb(cls, left: float, top: float, right: float, bottom: float) -> Rect:
        return cls(left, top, right - left, bottom - top)

    def scaled(self, sx: float, sy: float | None = None) -> Rect:
        """Each coordinate multiplied (fractions of a canvas → that canvas's unit)."""
        sy = sx if sy is None else sy
        return Rect(self.x * sx, self.y * sy, self.w * sx, self.h * sy)

    def moved(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.w, self.h)

    def inset(
        self, left: float, top: float | None = None, right: float | None = None, bottom: float | None = None
    ) -> Rect:
        top = left if top is None else top
        right = left if right is None else right
        bottom = top if bottom is None else bottom
        return Rect(self.x + left, self.y + top, self.w - left - right, self.h - top - bottom)

    def intersect(self, other: Rect) -> Rect:
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(left, top, max(0.0, right - left), max(0.0, bottom - top))

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def px(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) rounded to whole pixels."""
        return round(self.x), round(self.y), round(self.x + self.w), round(self.y + self.h)
