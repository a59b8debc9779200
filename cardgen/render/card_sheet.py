"""Imposed card sheets (SPEC §3.3 `--sheet`): draws the layout `cardgen.layout.imposition` decides.

Each sheet is a fronts page followed by a backs page whose slots are mirrored for the chosen duplex
flip; the PDF's viewer preferences tell the printer which edge to flip on and to print at 100 %.
A sheet page is the paper itself: its TrimBox and BleedBox are the MediaBox (the shop cuts the cards
out on the crop marks, not the sheet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import UsageError
from cardgen.layout.card import CardContext, card_scene
from cardgen.layout.imposition import Imposition, impose, sheet_size
from cardgen.layout.model import Scene
from cardgen.layout.print_sizes import card_size, check_bleed
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.pdf import Sides, Writer, fixed_date, new_pdf, set_boxes
from cardgen.render.print_pdf import finish_pdf
from cardgen.units import pt_to_mm

if TYPE_CHECKING:
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

MARK_WIDTH_PT = 0.25  # hairline registration marks, as print shops draw them


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
    marks: bool = True,
    duplex: str = "long",
    laid_out: Mapping[str, Sequence[Scene]] | None = None,
) -> RenderResult:
    """Impose one card per page N-up on `sheet` paper (fronts page, then the mirrored backs page).

    `fill=True` repeats the cards to fill every slot of the last sheet (one page → a sheet of copies).
    `laid_out`: sides of these pages' cards laid out already (by page path, as the page's own card was
    drawn with this template and `images`); a side of the sheet's size and bleed is drawn as it is.
    Raises `UsageError` when the card with its bleed (and marks) does not fit inside the printer margin."""
    from cardgen.templates import load_template

    pages = list(pages)
    if not pages:
        raise UsageError("card sheet: no pages to impose")
    bleed = check_bleed(bleed_mm, size)
    plan = impose(
        sheet_size(sheet),
        card_size(size, orientation),
        bleed,
        marks=marks,
        duplex=duplex,
        name=sheet.strip().lower(),
    )
    from cardgen.render.assets import PageImages

    tpl = load_template(template)
    images = images or {}
    specs = [
        CardContext(
            p,
            tpl,
            images.get(p.path) or PageImages(p, palette=tpl.card.placeholder_palette or None),
            plan.card,
            bleed,
        )
        for p in pages
    ]
    if fill and len(specs) % plan.per_sheet:
        specs += [specs[i % len(specs)] for i in range(plan.per_sheet - len(specs) % plan.per_sheet)]
    pdf = new_pdf("Cards", fixed_date(pages[0]), plan.sheet)
    if back:
        from fpdf import ViewerPreferences

        flip = "DuplexFlipLongEdge" if duplex == "long" else "DuplexFlipShortEdge"
        pdf.viewer_preferences = ViewerPreferences(print_scaling="None", duplex=flip)
    w = Writer(pdf)
    known = _known_sides(laid_out or {}, plan.card, bleed)
    slots: list[dict[str, object]] = []
    for first in range(0, len(specs), plan.per_sheet):
        chunk = specs[first : first + plan.per_sheet]
        sheet_no = first // plan.per_sheet
        _draw_side(w, plan, chunk, "front", sheet_no, slots, known)
        if back:
            _draw_side(w, plan, chunk, "back", sheet_no, slots, known)
    path = Path(output)
    data = finish_pdf(pdf)
    atomic_write(path, data)
    warnings = list(w.warnings)
    for spec in dict.fromkeys(specs):
        warnings.extend(spec.images.warnings)
    info: dict[str, object] = {
        "sheet": sheet,
        "sheet_mm": plan.sheet,
        "grid": (plan.cols, plan.rows),
        "per_sheet": plan.per_sheet,
        "sheets": -(-len(specs) // plan.per_sheet),
        "trim_mm": plan.card,
        "bleed_mm": bleed,
        "margin_mm": plan.margin,
        "duplex": duplex,
        "marks": len(plan.marks),
        "extent_mm": plan.extent,
        "slots": slots,
        "bytes": len(data),
    }
    return RenderResult((path,), tuple(dict.fromkeys(warnings)), info)


def _draw_side(
    w: Writer,
    plan: Imposition,
    chunk: list[CardContext],
    side: str,
    sheet_no: int,
    slots: list[dict[str, object]],
    known: Mapping[tuple[str, str], Scene],
) -> None:
    w.pdf.add_page(format=plan.sheet)
    paper = (0.0, 0.0, plan.sheet[0], plan.sheet[1])
    set_boxes(w.pdf, paper, paper)
    places = plan.fronts if side == "front" else plan.backs
    for spec, place in zip(chunk, places, strict=False):
        scene = known.get((str(spec.page.path), side)) or card_scene(spec, side)
        w.warnings.extend(scene.diagnostics)
        w.draw(scene, (place.x, place.y), Sides.all(plan.bleed), spec.images, spec.page)
        slots.append(
            {
                "sheet": sheet_no,
                "side": side,
                "index": place.index,
                "page": str(spec.page.path),
                "col": place.col,
                "row": place.row,
                "x": round(place.x, 3),
                "y": round(place.y, 3),
                "w": place.w,
                "h": place.h,
            }
        )
    _draw_marks(w, plan)


def _known_sides(laid_out: Mapping[str, Sequence[Scene]], trim: tuple[float, float],
                 bleed: float) -> dict[tuple[str, str], Scene]:
    """(page path, side) → the side laid out already, for the sides of this sheet's trim and bleed."""
    return {(path, scene.name): scene for path, scenes in laid_out.items() for scene in scenes
            if isinstance(scene, Scene) and tuple(scene.size) == tuple(trim) and scene.bleed == bleed}


def _draw_marks(w: Writer, plan: Imposition) -> None:
    if w.text_only or not plan.marks:
        return
    pdf = w.pdf
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(pt_to_mm(MARK_WIDTH_PT))
    for mark in plan.marks:
        pdf.line(mark.x1, mark.y1, mark.x2, mark.y2)
