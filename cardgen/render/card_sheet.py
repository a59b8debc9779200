"""N-up imposition of cards on office paper (SPEC §3.3 `--sheet a4|letter`).

Cards sit edge to edge in a centred grid (shared cut lines: one cut separates two cards), cut marks in
the sheet margin where there is room, the card pictures bleed into that margin. Each sheet is a fronts
page followed by a backs page whose slots are mirrored across the sheet's long edge, so that with
long-edge duplex printing every back lands behind its own front (portrait sheet: columns mirrored;
landscape sheet: rows mirrored, because the long edge is then horizontal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import UsageError
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.card_draw import (
    MARK_GAP_MM,
    CardSpec,
    Sides,
    Writer,
    card_size,
    card_spec,
    check_bleed,
    draw_back,
    draw_front,
    fixed_date,
    new_pdf,
    set_boxes,
)
from cardgen.units import pt_to_mm

if TYPE_CHECKING:
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

#: name → (width, height) in mm, portrait.
SHEETS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARK_LENGTH_MM = 5.0
MIN_MARK_MM = 2.0  # shorter marks are not worth drawing (the margin is too thin)


@dataclass(frozen=True)
class Grid:
    """Where the cards go on one sheet."""

    sheet: tuple[float, float]  # page size in mm, as printed (landscape swaps)
    card: tuple[float, float]
    cols: int
    rows: int

    @property
    def landscape(self) -> bool:
        return self.sheet[0] > self.sheet[1]

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows

    @property
    def margin(self) -> tuple[float, float]:
        return (
            (self.sheet[0] - self.cols * self.card[0]) / 2,
            (self.sheet[1] - self.rows * self.card[1]) / 2,
        )

    def origin(self, col: int, row: int) -> tuple[float, float]:
        mx, my = self.margin
        return mx + col * self.card[0], my + row * self.card[1]

    def back_slot(self, col: int, row: int) -> tuple[int, int]:
        """The slot behind (col, row) after a flip on the sheet's long edge."""
        if self.landscape:
            return col, self.rows - 1 - row
        return self.cols - 1 - col, row

    def sides(self, col: int, row: int, bleed: float) -> Sides:
        """Bleed into the sheet margin on outer edges; none between cards (they share the cut)."""
        mx, my = self.margin
        return Sides(
            min(bleed, mx) if col == 0 else 0.0,
            min(bleed, my) if row == 0 else 0.0,
            min(bleed, mx) if col == self.cols - 1 else 0.0,
            min(bleed, my) if row == self.rows - 1 else 0.0,
        )


def plan_grid(sheet: str, card: tuple[float, float]) -> Grid:
    """The sheet orientation that holds the most cards (portrait on a tie)."""
    name = (sheet or "").strip().lower()
    if name not in SHEETS:
        raise UsageError(f"--sheet: expected none, {' or '.join(SHEETS)}, got {sheet!r}")
    width, height = SHEETS[name]
    best: Grid | None = None
    for size in ((width, height), (height, width)):
        cols, rows = int((size[0] + 1e-6) // card[0]), int((size[1] + 1e-6) // card[1])
        grid = Grid(size, card, cols, rows)
        if best is None or grid.per_sheet > best.per_sheet:
            best = grid
    assert best is not None
    if best.per_sheet == 0:
        raise UsageError(f"--sheet {name}: a {card[0]:g}×{card[1]:g} mm card does not fit on the sheet")
    return best


def cut_marks(w: Writer, grid: Grid, bleed: Sides) -> int:
    """Short lines in the sheet margin on every cut line; returns how many were drawn."""
    pdf = w.pdf
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(pt_to_mm(0.25))
    mx, my = grid.margin
    width, height = grid.sheet
    count = 0
    xs = [mx + c * grid.card[0] for c in range(grid.cols + 1)]
    ys = [my + r * grid.card[1] for r in range(grid.rows + 1)]
    start_y = max(bleed.top, bleed.bottom) + MARK_GAP_MM
    length_y = min(MARK_LENGTH_MM, my - start_y - 0.5)
    if length_y >= MIN_MARK_MM:
        for x in xs:
            pdf.line(x, my - start_y, x, my - start_y - length_y)
            pdf.line(x, height - my + start_y, x, height - my + start_y + length_y)
            count += 2
    start_x = max(bleed.left, bleed.right) + MARK_GAP_MM
    length_x = min(MARK_LENGTH_MM, mx - start_x - 0.5)
    if length_x >= MIN_MARK_MM:
        for y in ys:
            pdf.line(mx - start_x, y, mx - start_x - length_x, y)
            pdf.line(width - mx + start_x, y, width - mx + start_x + length_x, y)
            count += 2
    return count


def _outer(grid: Grid, bleed: float) -> Sides:
    return (
        grid.sides(0, 0, bleed)
        if grid.per_sheet == 1
        else Sides(
            grid.sides(0, 0, bleed).left,
            grid.sides(0, 0, bleed).top,
            grid.sides(grid.cols - 1, grid.rows - 1, bleed).right,
            grid.sides(grid.cols - 1, grid.rows - 1, bleed).bottom,
        )
    )


def _sheet_page(w: Writer, grid: Grid, bleed: float) -> None:
    mx, my = grid.margin
    outer = _outer(grid, bleed)
    w.pdf.add_page(format=grid.sheet)
    trim = (mx, my, grid.sheet[0] - mx, grid.sheet[1] - my)
    set_boxes(
        w.pdf,
        trim,
        (trim[0] - outer.left, trim[1] - outer.top, trim[2] + outer.right, trim[3] + outer.bottom),
    )


def render_card_sheet(
    pages: list[Page] | tuple[Page, ...],
    output: Path | str,
    *,
    sheet: str = "a4",
    size: str = "a6",
    orientation: str = "portrait",
    template: str | Path | Template = "default",
    images: dict[Path, PageImages | None] | None = None,
    bleed_mm: float | None = None,
    back: bool = True,
    fill: bool = False,
) -> RenderResult:
    """Impose one card per page N-up on `sheet` paper (fronts page, then mirrored backs page, per sheet).

    `fill=True` repeats the cards to fill every slot of the last sheet (one page → a sheet of copies)."""
    pages = list(pages)
    if not pages:
        raise UsageError("card sheet: no pages to impose")
    grid = plan_grid(sheet, card_size(size, orientation))
    bleed = check_bleed(bleed_mm, size)
    from cardgen.templates import load_template

    tpl = load_template(template)
    images = images or {}
    specs = [card_spec(p, grid.card, tpl, images.get(p.path), bleed) for p in pages]
    if fill and len(specs) % grid.per_sheet:
        specs += [specs[i % len(specs)] for i in range(grid.per_sheet - len(specs) % grid.per_sheet)]
    pdf = new_pdf("Cards", fixed_date(pages[0]), grid.sheet)
    if back:
        from fpdf import ViewerPreferences

        pdf.viewer_preferences = ViewerPreferences(print_scaling="None", duplex="DuplexFlipLongEdge")
    w = Writer(pdf)
    slots: list[dict[str, object]] = []
    for first in range(0, len(specs), grid.per_sheet):
        chunk = specs[first : first + grid.per_sheet]
        sheet_no = first // grid.per_sheet
        _draw_side(w, grid, chunk, bleed, "front", sheet_no, slots)
        if back:
            _draw_side(w, grid, chunk, bleed, "back", sheet_no, slots)
    path = Path(output)
    data = bytes(pdf.output())
    atomic_write(path, data)
    warnings = list(w.warnings)
    for spec in dict.fromkeys(specs):
        warnings.extend(spec.images.warnings)
    info: dict[str, object] = {
        "sheet": sheet,
        "sheet_mm": grid.sheet,
        "grid": (grid.cols, grid.rows),
        "per_sheet": grid.per_sheet,
        "sheets": -(-len(specs) // grid.per_sheet),
        "trim_mm": grid.card,
        "bleed_mm": bleed,
        "slots": slots,
        "bytes": len(data),
    }
    return RenderResult((path,), tuple(dict.fromkeys(warnings)), info)


def _draw_side(
    w: Writer,
    grid: Grid,
    chunk: list[CardSpec],
    bleed: float,
    side: str,
    sheet_no: int,
    slots: list[dict[str, object]],
) -> None:
    _sheet_page(w, grid, bleed)
    for index, spec in enumerate(chunk):
        col, row = index % grid.cols, index // grid.cols
        if side == "back":
            col, row = grid.back_slot(col, row)
        origin = grid.origin(col, row)
        w.lang = spec.page.language or None
        draw = draw_front if side == "front" else draw_back
        draw(w, spec, origin, grid.sides(col, row, bleed))
        slots.append(
            {
                "sheet": sheet_no,
                "side": side,
                "index": index,
                "page": str(spec.page.path),
                "col": col,
                "row": row,
                "x": round(origin[0], 3),
                "y": round(origin[1], 3),
                "w": grid.card[0],
                "h": grid.card[1],
            }
        )
    cut_marks(w, grid, _outer(grid, bleed))
