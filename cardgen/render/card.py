"""Printable summary cards (SPEC §3.3): Page + template `[card]` layout → print-ready PDF.

The public entry points: `build_card` (the PDF in memory), `render_card` (write it, or a sheet of
copies with `sheet=`) and `render_card_sheet` (one card per page, imposed N-up). The sides are Scenes
laid out by `cardgen.layout.card` from the template's layers and drawn by `cardgen.render.pdf`;
imposition lives in `cardgen.render.card_sheet`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgen.layout.card import QR_MIN_MM, QR_QUIET, SAFE_MM, CardContext, card_scene
from cardgen.layout.print_sizes import (
    BLEED_MM,
    MARK_AREA_MM,
    MARK_GAP_MM,
    SIZES,
    card_size,
    check_bleed,
    default_bleed,
)
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.pdf import Sides, Writer, fixed_date, new_pdf, qr_info, set_boxes
from cardgen.render.print_pdf import finish_pdf
from cardgen.units import PT_PER_MM

if TYPE_CHECKING:
    from cardgen.layout.model import Scene
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

__all__ = [
    "BLEED_MM",
    "PT_PER_MM",
    "QR_MIN_MM",
    "QR_QUIET",
    "SAFE_MM",
    "SIZES",
    "CardPdf",
    "PlacedText",
    "build_card",
    "card_context",
    "card_size",
    "default_bleed",
    "render_card",
    "render_card_sheet",
]


@dataclass(frozen=True)
class PlacedText:
    """One text block as drawn, relative to the card's trim (mm)."""

    side: str  # "front" or "back"
    name: str
    box: tuple[float, float, float, float]  # x, y, w, h of the lines' extent
    lines: tuple[str, ...]
    size: float  # pt
    truncated: bool = False


@dataclass
class CardPdf:
    """What building a card PDF produced (bytes not yet written) and the scenes it drew."""

    data: bytes
    trim: tuple[float, float]
    bleed: float
    texts: list[PlacedText] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    qr: dict[str, Any] | None = None  # where the QR was drawn and its matrix
    scenes: tuple[Scene, ...] = ()


def placed(scene: Scene) -> list[PlacedText]:
    return [
        PlacedText(
            scene.name,
            t.name,
            (t.rect.x, t.rect.y, t.rect.w, t.rect.h),
            tuple(line.text for line in t.lines),
            t.size,
            t.truncated,
        )
        for t in scene.texts()
    ]


def card_context(
    page: Page,
    trim: tuple[float, float],
    template: str | Path | Template,
    images: PageImages | None,
    bleed: float,
) -> CardContext:
    """What laying out a card needs; the page's images are shared when the caller has them."""
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template

    tpl = load_template(template)
    if images is None:
        images = PageImages(page, palette=tpl.card.placeholder_palette or None)
    return CardContext(page, tpl, images, trim, bleed)


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
    context = card_context(page, trim, template, images, bleed)
    mark = MARK_AREA_MM if marks else 0.0
    page_w, page_h = trim[0] + 2 * (bleed + mark), trim[1] + 2 * (bleed + mark)
    pdf = new_pdf(page.title_plain or page.slug, fixed_date(page), (page_w, page_h))
    writer = Writer(pdf, text_only)
    origin = (bleed + mark, bleed + mark)
    trim_rect = (origin[0], origin[1], origin[0] + trim[0], origin[1] + trim[1])
    bleed_rect = (origin[0] - bleed, origin[1] - bleed, trim_rect[2] + bleed, trim_rect[3] + bleed)
    scenes = tuple(card_scene(context, side) for side in (("front", "back") if back else ("front",)))
    qr = None
    for scene in scenes:
        pdf.add_page(format=(page_w, page_h))
        set_boxes(pdf, trim_rect, bleed_rect)
        writer.draw(scene, origin, Sides.all(bleed), context.images, page)
        qr = qr or qr_info(scene, origin)
        if marks:
            writer.crop_marks(trim_rect, bleed + MARK_GAP_MM, mark - MARK_GAP_MM - 0.5)
    texts = [t for scene in scenes for t in placed(scene)]
    warnings = [w for scene in scenes for w in scene.diagnostics] + writer.warnings + context.images.warnings
    return CardPdf(finish_pdf(pdf), trim, bleed, texts, list(dict.fromkeys(warnings)), qr, scenes)


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
    if path.is_dir() or not path.suffix:  # a folder: the card goes into it, as decks and social images do
        path = path / f"{page.slug}-card.pdf"
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
        "scenes": built.scenes,  # what the card was drawn from: a batch's card sheet draws the same
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
