"""Printable summary cards (SPEC §3.3): Page + template `[card]` layout → print-ready PDF.

The public entry points: `build_card` (the PDF in memory), `render_card` (write it, or a sheet of
copies with `sheet=`) and `render_card_sheet` (one card per page, imposed N-up). Drawing lives in
`cardgen.render.card_draw`, imposition in `cardgen.render.card_sheet`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgen.math import inline_formulas
from cardgen.mathsyntax import inline_math_runs
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.card_draw import (
    BLEED_MM,
    MARK_AREA_MM,
    MARK_GAP_MM,
    MIN_PT,
    QR_MIN_MM,
    QR_QUIET,
    SAFE_MM,
    SIZES,
    CardPdf,
    PlacedText,
    Sides,
    Writer,
    card_size,
    card_spec,
    check_bleed,
    crop_marks,
    default_bleed,
    draw_back,
    draw_front,
    fixed_date,
    new_pdf,
    set_boxes,
)
from cardgen.units import PT_PER_MM

if TYPE_CHECKING:
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

__all__ = [
    "BLEED_MM",
    "MIN_PT",
    "PT_PER_MM",
    "QR_MIN_MM",
    "QR_QUIET",
    "SAFE_MM",
    "SIZES",
    "CardPdf",
    "PlacedText",
    "build_card",
    "card_size",
    "default_bleed",
    "render_card",
    "render_card_sheet",
]


def build_card(
    page: Page,
    *,
    size: str = "a6",
    orientation: str = "portrait",
    back: bool = True,
    bleed_mm: float | None = None,
    marks: bool = False,
    template: str | Path | Template = "default",
    images: PageImages | None = None,
    text_only: bool = False,
) -> CardPdf:
    """The card PDF in memory: page 1 front, page 2 back. `text_only` leaves out every picture and
    shape (tests use it to check in pixels that text stays inside the safe margin)."""
    trim = card_size(size, orientation)
    bleed = check_bleed(bleed_mm, size)
    from cardgen.templates import load_template

    tpl = load_template(template)
    card = card_spec(page, trim, tpl, images, bleed)
    mark = MARK_AREA_MM if marks else 0.0
    page_w, page_h = trim[0] + 2 * (bleed + mark), trim[1] + 2 * (bleed + mark)
    pdf = new_pdf(page.title_plain or page.slug, fixed_date(page), (page_w, page_h))
    writer = Writer(pdf, page.language or None, text_only)
    writer.formulas = inline_formulas(inline_math_runs(page.document.blocks, page.title_runs, page.summary_runs))
    origin = (bleed + mark, bleed + mark)
    trim_rect = (origin[0], origin[1], origin[0] + trim[0], origin[1] + trim[1])
    bleed_rect = (origin[0] - bleed, origin[1] - bleed, trim_rect[2] + bleed, trim_rect[3] + bleed)
    sides = [draw_front, draw_back] if back else [draw_front]
    qr = None
    for draw in sides:
        pdf.add_page(format=(page_w, page_h))
        set_boxes(pdf, trim_rect, bleed_rect)
        result = draw(writer, card, origin, Sides.all(bleed))
        if draw is draw_back:
            qr = result
        if marks:
            crop_marks(writer, trim_rect, bleed + MARK_GAP_MM, mark - MARK_GAP_MM - 0.5)
    warnings = [*writer.warnings, *card.images.warnings]
    from cardgen.render.print_pdf import finish_pdf

    return CardPdf(finish_pdf(pdf), trim, bleed, writer.texts, list(dict.fromkeys(warnings)), qr)


def render_card(
    page: Page,
    output: Path | str | None = None,
    *,
    size: str = "a6",
    orientation: str = "portrait",
    back: bool = True,
    bleed_mm: float | None = None,
    marks: bool | None = None,
    sheet: str | None = None,
    duplex: str = "long",
    template: str | Path | Template = "default",
    images: PageImages | None = None,
) -> RenderResult:
    """Write the print-ready card of `page` (SPEC §3.3); with `sheet`, copies imposed N-up on a sheet.

    `marks` defaults to off for a single card and on for a sheet (its cards are cut out on them)."""
    path = Path(output) if output is not None else Path.cwd() / f"{page.slug}-card.pdf"
    if sheet:
        from cardgen.render.card_sheet import render_card_sheet

        return render_card_sheet(
            [page],
            path,
            sheet=sheet,
            size=size,
            orientation=orientation,
            template=template,
            images={page.path: images} if images else None,
            bleed_mm=bleed_mm,
            back=back,
            fill=True,
            marks=True if marks is None else marks,
            duplex=duplex,
        )
    built = build_card(
        page,
        size=size,
        orientation=orientation,
        back=back,
        bleed_mm=bleed_mm,
        marks=bool(marks),
        template=template,
        images=images,
    )
    atomic_write(path, built.data)
    info: dict[str, object] = {
        "trim_mm": built.trim,
        "bleed_mm": built.bleed,
        "pages": 2 if back else 1,
        "bytes": len(built.data),
        "qr_url": built.qr["url"] if built.qr else "",
    }
    return RenderResult((path,), tuple(built.warnings), info)


def render_card_sheet(
    pages: list[Page] | tuple[Page, ...],
    output: Path | str,
    *,
    sheet: str = "a4",
    size: str = "a6",
    template: str | Path | Template = "default",
    images: dict[Path, PageImages | None] | None = None,
    **options: Any,
) -> RenderResult:
    """One card per page imposed N-up on a sheet, each with its full bleed and crop marks inside the
    printer margin, backs aligned for duplex printing (see `cardgen.render.card_sheet`)."""
    from cardgen.render import card_sheet

    return card_sheet.render_card_sheet(
        pages, output, sheet=sheet, size=size, template=template, images=images, **options
    )
