"""The PDF backend: card-side Scenes (mm) → fpdf2 pages. It translates, it does not decide.

Real text in the bundled fonts (embedded and subset; each run drawn in the font the text engine picked
for it, so CJK and symbols never become tofu), pictures as high-quality JPEG at the pixel size the
layout chose, QR codes as vector rectangles. A scene is drawn at an `origin` (the trim's top-left on
the PDF page) and clipped to the bleed painted on each side, so the same scene draws a single card
and each cell of an imposed sheet.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgen.colors import rgb as _rgb
from cardgen.layout.model import QR, ImageBox, Scene, Shape, TextBox
from cardgen.page import Page
from cardgen.render.pdf_fonts import Fonts
from cardgen.units import PT_PER_MM, Rect, mm_to_px, pt_to_mm

if TYPE_CHECKING:
    from fpdf import FPDF

    from cardgen.render.assets import PageImages
    from cardgen.text.line import Piece

LOW_DPI = 200
CARD_DPI = 300  # print resolution the card pictures are judged at


@dataclass(frozen=True)
class Sides:
    """Bleed painted on each side of a card (mm); inner edges of an imposed sheet get 0."""

    left: float = 0.0
    top: float = 0.0
    right: float = 0.0
    bottom: float = 0.0

    @classmethod
    def all(cls, value: float) -> Sides:
        return cls(value, value, value, value)


def fixed_date(page: Page, undated: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) -> dt.datetime:
    """The PDF's creation date: the page date (so the same page gives the same bytes), else `undated`."""
    value = page.date
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return undated


def new_pdf(title: str, date: dt.datetime, page_size: tuple[float, float]) -> FPDF:
    """An fpdf2 document in mm with deterministic metadata and print-at-100 % preferences."""
    from fpdf import FPDF, ViewerPreferences

    pdf = FPDF(unit="mm", format=page_size)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creation_date(date)
    pdf.set_title(title)
    pdf.set_creator("cardgen")
    pdf.set_producer("cardgen")
    pdf.viewer_preferences = ViewerPreferences(print_scaling="None")
    return pdf


def set_boxes(
    pdf: FPDF, trim: tuple[float, float, float, float], bleed: tuple[float, float, float, float]
) -> None:
    """TrimBox and BleedBox of the current page, given as (left, top, right, bottom) in mm from the top.

    fpdf2 has no API for them, but it serialises every public attribute of a page object as a key of the
    page dictionary (`media_box` → /MediaBox), so setting `trim_box`/`bleed_box` writes real entries.
    """
    page = pdf.pages[pdf.page]
    height = pdf.h

    def box(rect: tuple[float, float, float, float]) -> str:
        left, top, right, bottom = rect
        values = (left, height - bottom, right, height - top)
        return "[" + " ".join(f"{v * PT_PER_MM:.3f}" for v in values) + "]"

    page.trim_box = box(trim)  # type: ignore[attr-defined]
    page.bleed_box = box(bleed)  # type: ignore[attr-defined]


class Writer:
    """Draws Scenes on one fpdf2 document: fonts registered once per file, text as per-font runs."""

    def __init__(self, pdf: FPDF, text_only: bool = False) -> None:
        self.pdf = pdf
        self.text_only = text_only  # tests render text alone to check the safe margin in pixels
        self.warnings: list[str] = []
        self._fonts = Fonts(pdf)

    def font(self, path: Path) -> str:
        return self._fonts.name(path)

    def rect(self, rect: Rect, colour: str, opacity: float = 1.0) -> None:
        if self.text_only or rect.w <= 0 or rect.h <= 0:
            return
        self.pdf.set_fill_color(*_rgb(colour))
        if opacity < 1.0:
            with self.pdf.local_context(fill_opacity=opacity):
                self.pdf.rect(rect.x, rect.y, rect.w, rect.h, style="F")
        else:
            self.pdf.rect(rect.x, rect.y, rect.w, rect.h, style="F")

    def draw(
        self, scene: Scene, origin: tuple[float, float], sides: Sides, images: PageImages, page: Page
    ) -> None:
        """Draw `scene` with its trim's top-left at `origin`, painting `sides` of bleed."""
        ox, oy = origin
        width, height = scene.size
        clip = Rect(
            ox - sides.left,
            oy - sides.top,
            width + sides.left + sides.right,
            height + sides.top + sides.bottom,
        )
        self.rect(clip, scene.background.color)
        if self.text_only:
            for node in scene.nodes:
                if isinstance(node, TextBox):
                    self.text(node, ox, oy)
            return
        # The clip's `q … Q` puts the PDF's font and colours back as they were; fpdf2 tracks what it
        # set and skips setting it again, so it must go back with them (`local_context`), or the
        # next card of a sheet that starts in the font this one ended in shows text with no font.
        with self.pdf.local_context(), self.pdf.rect_clip(clip.x, clip.y, clip.w, clip.h):
            for node in scene.nodes:
                if isinstance(node, Shape):
                    self.rect(node.rect.moved(ox, oy), node.color, node.opacity)
                elif isinstance(node, ImageBox):
                    self.image(node, ox, oy, images, page)
                elif isinstance(node, QR):
                    self.qr(node, ox, oy)
                elif isinstance(node, TextBox):
                    self.text(node, ox, oy)

    def image(self, node: ImageBox, ox: float, oy: float, images: PageImages, page: Page) -> None:
        if node.crop.source != "featured":
            return
        frame = (mm_to_px(node.rect.w, CARD_DPI), mm_to_px(node.rect.h, CARD_DPI))  # the 2x cap counts at 300 dpi
        # The layout placed the picture (a contained one already has its own aspect): cut it as given.
        hero = images.hero(node.crop.pixels, node.crop.focal_point, fit="cover", frame_px=frame, surface=node.surface)
        rect = node.rect.moved(ox, oy)
        self.pdf.image(io.BytesIO(images.encoded(hero, "print")), rect.x, rect.y, rect.w, rect.h)
        dpi = hero.dpi((node.rect.w, node.rect.h))
        if dpi is not None and dpi < LOW_DPI:
            self.warnings.append(
                f"{page.path}: featured image prints at {dpi:.0f} dpi on this card "
                f"(below {LOW_DPI}; use a larger image for sharp print)"
            )

    def text(self, node: TextBox, ox: float, oy: float) -> None:
        """Each line in the fonts the text engine picked; complex-script and right-to-left lines as the
        shaped pieces `cardgen.text.line.place_line` lays out, in display order."""
        from cardgen.text.fonts import segments
        from cardgen.text.line import needs_layout, place_line
        from cardgen.text.measure import text_width

        self.pdf.set_text_color(*_rgb(node.color))
        size_mm = pt_to_mm(node.size)
        formulas = dict(node.formulas)
        for line in node.lines:
            x = ox + line.x
            if formulas and not self.text_only and any(key in line.text for key in formulas):
                self._with_formulas(x, oy + line.baseline, line.text, node, formulas)
                continue
            if needs_layout(line.text):
                for piece in place_line(line.text, node.family, node.bold, node.italic, node.lang).pieces:
                    if piece.text.strip():
                        self.pdf.set_font(self.font(piece.path), size=node.size)
                        self._piece(x + piece.x * size_mm, oy + line.baseline, piece, node)
                continue
            for chunk, path in segments(
                line.text, node.family, bold=node.bold, italic=node.italic, lang=node.lang
            ):
                self.pdf.set_font(self.font(path), size=node.size)
                if chunk.strip():
                    self.pdf.text(x, oy + line.baseline, chunk)
                x += pt_to_mm(
                    text_width(
                        chunk,
                        node.size,
                        family=node.family,
                        bold=node.bold,
                        italic=node.italic,
                        lang=node.lang,
                    )
                )

    def _with_formulas(self, x: float, y: float, text: str, node: TextBox, formulas: dict[str, str]) -> None:
        """A line whose plain reading of a formula is inexact: the formula as typeset vector paths on the
        baseline, the rest as text."""
        from dataclasses import replace as _replace

        from cardgen.layout.model import Line
        from cardgen.layout.text import formula_pieces
        from cardgen.math import check_drawing, typeset
        from cardgen.text.measure import text_width

        em = pt_to_mm(node.size)
        for piece, tex in formula_pieces(text, formulas):
            if tex:
                eq = check_drawing(typeset(tex, display=False))
                self.pdf.image(
                    io.BytesIO(eq.svg(node.color).encode("utf-8")),
                    x=x,
                    y=y - eq.ascent * em,
                    w=eq.width * em,
                    h=eq.height * em,
                )
                x += eq.width * em
                continue
            plain = _replace(node, lines=(Line(piece, 0.0, 0.0, 0.0),), formulas=())
            self.text(plain, x, y)
            self.pdf.set_text_color(*_rgb(node.color))
            x += pt_to_mm(text_width(piece, node.size, family=node.family, bold=node.bold, lang=node.lang))

    def _piece(self, x: float, y: float, piece: Piece, node: TextBox) -> None:
        from cardgen.render.pdf_text import draw_piece

        draw_piece(self.pdf, x, y, piece, node.size, node.lang)

    def qr(self, node: QR, ox: float, oy: float) -> None:
        """A light tile (the quiet zone) and one filled rectangle per run of dark modules."""
        self.rect(node.rect.moved(ox, oy), node.tile)
        self.pdf.set_fill_color(*_rgb(node.color))
        from cardgen.qr import dark_runs

        module = node.module
        x0 = ox + node.rect.x + node.quiet * module
        y0 = oy + node.rect.y + node.quiet * module
        for r, start, length in dark_runs(node.matrix):
            self.pdf.rect(x0 + start * module, y0 + r * module, length * module, module, style="F")

    def crop_marks(self, trim: tuple[float, float, float, float], offset: float, length: float) -> None:
        """Thin registration-black lines at the trim corners, starting `offset` mm outside the trim."""
        if self.text_only or length <= 0:
            return
        left, top, right, bottom = trim
        pdf = self.pdf
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(pt_to_mm(0.25))
        for x in (left, right):
            pdf.line(x, top - offset, x, top - offset - length)
            pdf.line(x, bottom + offset, x, bottom + offset + length)
        for y in (top, bottom):
            pdf.line(left - offset, y, left - offset - length, y)
            pdf.line(right + offset, y, right + offset + length, y)


def qr_info(scene: Scene, origin: tuple[float, float]) -> dict[str, Any] | None:
    """Where the QR code went on the PDF page and its matrix (for reports and tests)."""
    node = scene.qr()
    if node is None:
        return None
    return {
        "url": node.url,
        "xy": (origin[0] + node.rect.x, origin[1] + node.rect.y),
        "trim_xy": (node.rect.x, node.rect.y),
        "side": node.rect.w,
        "module": node.module,
        "modules": len(node.matrix),
        "matrix": [list(row) for row in node.matrix],
    }
