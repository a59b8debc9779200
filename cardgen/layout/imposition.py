"""Imposition: which sheet orientation, how many cards, where each front, back and crop mark goes.

A pure layout decision (sheet size, card size, bleed, marks, printer margin → placements); the PDF
backend (`cardgen.render.card_sheet`) only draws what this returns.

Every card keeps its full bleed: neighbours sit two bleeds apart, so their pictures meet in the gutter
and each card is cut on its own trim lines (no seam shows after a guillotine cut). Crop marks stand
outside the block of cards, one pair per cut line, and every cut runs from edge to edge of the sheet
so a stack can be cut on a guillotine. Nothing — bleed or mark — enters the printer margin: office
printers cannot print the outer 4–5 mm, and a print shop's press needs a gripper edge too.

Duplex: the back page's slots are mirrored so each back lands behind its own front when the sheet is
flipped on the edge the printer is told to bind (`/Duplex` in the PDF's viewer preferences). Flipping a
portrait sheet on its long edge mirrors left↔right; flipping it on its short edge mirrors top↔bottom;
a landscape sheet the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardgen.errors import UsageError
from cardgen.units import MM_PER_INCH as INCH_MM

#: name → (width, height) in mm, portrait. Office sheets first, then the sheets print shops run.
SHEETS: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "letter": (8.5 * INCH_MM, 11 * INCH_MM),
    "a3": (297.0, 420.0),
    "tabloid": (11 * INCH_MM, 17 * INCH_MM),
    "sra3": (320.0, 450.0),
    "12x18": (12 * INCH_MM, 18 * INCH_MM),
}
PRINT_SHOP_SHEETS = ("sra3", "12x18")
PRINTER_MARGIN_MM = 5.0  # what office printers leave unprinted (4–5 mm); presses need a gripper edge
MARK_GAP_MM = 1.0  # marks start this far outside the bleed, so a slightly off cut never shows them
MARK_LENGTH_MM = 4.0
DUPLEX = ("long", "short")


@dataclass(frozen=True)
class Placement:
    """One card on a sheet side: its trim's top-left corner and size (mm from the sheet's top-left)."""

    index: int  # slot number in reading order of the fronts page
    col: int
    row: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Mark:
    """A crop-mark line segment (mm)."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Imposition:
    """The layout of one sheet: `fronts[i]` and `backs[i]` are the two sides of the same card."""

    sheet: tuple[float, float]  # page size as printed (landscape already swapped)
    card: tuple[float, float]
    bleed: float
    margin: float
    cols: int
    rows: int
    duplex: str
    fronts: tuple[Placement, ...]
    backs: tuple[Placement, ...]
    marks: tuple[Mark, ...]

    @property
    def landscape(self) -> bool:
        return self.sheet[0] > self.sheet[1]

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of everything printed: bleeds and marks."""
        xs = [p.x - self.bleed for p in self.fronts] + [p.x + p.w + self.bleed for p in self.fronts]
        ys = [p.y - self.bleed for p in self.fronts] + [p.y + p.h + self.bleed for p in self.fronts]
        for m in self.marks:
            xs += [m.x1, m.x2]
            ys += [m.y1, m.y2]
        return min(xs), min(ys), max(xs), max(ys)


def sheet_size(name: str) -> tuple[float, float]:
    key = (name or "").strip().lower()
    if key not in SHEETS:
        raise UsageError(f"--sheet: expected none or one of {', '.join(SHEETS)}, got {name!r}")
    return SHEETS[key]


def _fit(space: float, card: float, gutter: float) -> int:
    """How many cards of `card` mm with `gutter` mm between them fit in `space` mm."""
    if space + 1e-6 < card:
        return 0
    return int((space - card + 1e-6) // (card + gutter)) + 1


def impose(
    sheet: tuple[float, float],
    card: tuple[float, float],
    bleed: float,
    *,
    marks: bool = True,
    margin: float = PRINTER_MARGIN_MM,
    duplex: str = "long",
    name: str = "",
) -> Imposition:
    """The densest grid of `card` (trim, mm) on `sheet` (mm, either orientation) that keeps each card's
    full `bleed` and, with `marks`, its crop marks inside `margin` mm of every paper edge.

    The sheet is turned to whichever orientation holds more cards (portrait on a tie); the card is never
    rotated, so the grid's cut lines stay straight across the sheet. Raises `UsageError` (one line, with
    the room needed and the room there is) when not even one card fits."""
    if duplex not in DUPLEX:
        raise UsageError(f"--duplex: expected long or short, got {duplex!r}")
    if bleed < 0 or margin < 0:
        raise UsageError(f"imposition: bleed and margin must not be negative (got {bleed:g}, {margin:g})")
    mark_room = MARK_GAP_MM + MARK_LENGTH_MM if marks else 0.0
    outer = margin + bleed + mark_room  # from the paper edge to the outermost trim line
    gutter = 2 * bleed  # between two trims: both bleeds
    short, long = sorted(sheet)
    best: tuple[int, int, tuple[float, float]] | None = None
    for size in ((short, long), (long, short)):
        cols = _fit(size[0] - 2 * outer, card[0], gutter)
        rows = _fit(size[1] - 2 * outer, card[1], gutter)
        if best is None or cols * rows > best[0] * best[1]:
            best = (cols, rows, size)
    assert best is not None
    cols, rows, size = best
    if cols * rows == 0:
        label = f"--sheet {name}" if name else f"a {sheet[0]:g}×{sheet[1]:g} mm sheet"
        need = (card[0] + 2 * (bleed + mark_room), card[1] + 2 * (bleed + mark_room))
        room = (short - 2 * margin, long - 2 * margin)
        raise UsageError(
            f"{label}: a {card[0]:g}×{card[1]:g} mm card with {bleed:g} mm bleed"
            f"{' and crop marks' if marks else ''} needs {need[0]:g}×{need[1]:g} mm, but inside the "
            f"{margin:g} mm printer margin the sheet has {room[0]:g}×{room[1]:g} mm; "
            "choose a bigger --sheet or a smaller --size"
        )
    block = (cols * card[0] + (cols - 1) * gutter, rows * card[1] + (rows - 1) * gutter)
    left, top = (size[0] - block[0]) / 2, (size[1] - block[1]) / 2
    fronts = tuple(
        Placement(
            r * cols + c, c, r, left + c * (card[0] + gutter), top + r * (card[1] + gutter), card[0], card[1]
        )
        for r in range(rows)
        for c in range(cols)
    )
    landscape = size[0] > size[1]
    mirror_x = (duplex == "long") != landscape  # portrait+long or landscape+short: left↔right
    backs = tuple(_behind(p, size, cols, rows, mirror_x) for p in fronts)
    lines = _marks(fronts, size, bleed, block, (left, top)) if marks else ()
    return Imposition(size, card, bleed, margin, cols, rows, duplex, fronts, backs, lines)


def _behind(front: Placement, sheet: tuple[float, float], cols: int, rows: int, mirror_x: bool) -> Placement:
    if mirror_x:
        return Placement(
            front.index,
            cols - 1 - front.col,
            front.row,
            sheet[0] - front.x - front.w,
            front.y,
            front.w,
            front.h,
        )
    return Placement(
        front.index, front.col, rows - 1 - front.row, front.x, sheet[1] - front.y - front.h, front.w, front.h
    )


def _marks(
    fronts: tuple[Placement, ...],
    sheet: tuple[float, float],
    bleed: float,
    block: tuple[float, float],
    origin: tuple[float, float],
) -> tuple[Mark, ...]:
    """A pair of marks (above and below, or left and right of the block) for every cut line.

    The marks are symmetric about the sheet's centre, so the backs page carries the same marks."""
    left, top = origin
    right, bottom = left + block[0], top + block[1]
    start = bleed + MARK_GAP_MM
    xs = sorted({round(v, 4) for p in fronts for v in (p.x, p.x + p.w)})
    ys = sorted({round(v, 4) for p in fronts for v in (p.y, p.y + p.h)})
    lines: list[Mark] = []
    for x in xs:
        lines.append(Mark(x, top - start, x, top - start - MARK_LENGTH_MM))
        lines.append(Mark(x, bottom + start, x, bottom + start + MARK_LENGTH_MM))
    for y in ys:
        lines.append(Mark(left - start, y, left - start - MARK_LENGTH_MM, y))
        lines.append(Mark(right + start, y, right + start + MARK_LENGTH_MM, y))
    return tuple(lines)
