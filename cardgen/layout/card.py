"""Card sides as Scenes: Page + template `[card]` layers + trim size → one `Scene` per side (mm).

Coordinates are millimetres from the trim's top-left corner; the bleed lies outside `0 … trim`. The
reference boxes of the template (A6) are scaled to the trim; type scales with the short side. Rules
applied here, whatever the boxes say: text stays inside the trim less the 4 mm safe margin and clear of
the QR code; nothing is printed below 7 pt (text is shortened instead); pictures and shapes touching a
trim edge run on into the bleed; the picture is cut at up to 300 dpi (never upscaled) for its full
bleed, so an imposed sheet shows the same crop as the single card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cardgen import fields
from cardgen.layout.model import (
    QR,
    Background,
    CropSpec,
    ImageBox,
    Node,
    Overlay,
    Scene,
    Shape,
)
from cardgen.layout.social import family, image_surface, placed, shown_from
from cardgen.layout.text import Typeface, line_width, place
from cardgen.layouts.layers import ImageLayer, Layer, PillsLayer, QRLayer, ShapeLayer, TextLayer
from cardgen.page import FocalPoint, Page
from cardgen.text.breaking import is_cjk
from cardgen.text.fit import FittedText, fit_text
from cardgen.text.style import Box, TextStyle
from cardgen.units import PT_PER_MM, Rect, mm_to_px

if TYPE_CHECKING:
    from cardgen.layouts.card import CardLayout
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

SAFE_MM = 4.0
MIN_PT = 7.0  # nothing smaller is printed (what stays legible in hand): below it, text is shortened
TARGET_DPI = 300
QR_MIN_MM = 20.0
QR_QUIET = 4  # modules of quiet zone, as ISO/IEC 18004 asks
EDGE_MM = 0.05  # a box this close to a trim edge touches it (and runs on into the bleed)
CAPTION_SCRIM = 0.55
CREDIT_LINES = 2
ADDRESS_LINES = 2  # a link's address on a card back: typed from the card, so whole when it can be
#: Where an address may break: after a "/", "?", "&", "=", "#" or "-", before a ".".
_URL_PIECES = re.compile(r"[^/?&=#\-.]+[/?&=#\-]*|\.[^/?&=#\-.]*[/?&=#\-]*|[/?&=#\-]+")
MIN_LINKS_MM = 28.0  # a link column narrower than this cannot show an address: the QR code carries it


@dataclass(frozen=True)
class CardContext:
    page: Page
    template: Template
    images: PageImages
    trim: tuple[float, float]
    bleed: float = 3.0

    @property
    def landscape(self) -> bool:
        return self.trim[0] > self.trim[1]

    @property
    def scale(self) -> float:
        """Type scale relative to A6 (sizes in the template are for a 105 mm wide card)."""
        return max(0.62, min(1.6, min(self.trim) / 105.0))

    @property
    def lang(self) -> str | None:
        return self.page.language or None


def card_scene(context: CardContext, side: str) -> Scene:
    """The `front` or `back` of the card as a Scene (mm, origin at the trim's top-left)."""
    layout: CardLayout = context.template.card
    layers, reference = layout.side(side, context.landscape)
    sx, sy = context.trim[0] / reference[0], context.trim[1] / reference[1]
    builder = _Builder(context, side, sx, sy)
    # The QR code is placed first: text layers keep clear of it.
    for layer in layers.layers:
        if isinstance(layer, QRLayer):
            builder.qr(layer)
    for layer in layers.layers:
        if isinstance(layer, ImageLayer):
            builder.image(layer)
        elif isinstance(layer, ShapeLayer):
            builder.shape(layer)
        elif isinstance(layer, TextLayer):
            builder.text(layer)
        elif isinstance(layer, PillsLayer):
            builder.warnings.append(f"{context.page.path}: card {side}: pills layers are for social images")
        elif isinstance(layer, QRLayer):
            builder.nodes.extend(builder.qr_nodes)
    return Scene(
        size=context.trim,
        unit="mm",
        background=Background(layout.side_background(side)),
        nodes=tuple(builder.nodes),
        bleed=context.bleed,
        safe=Rect(SAFE_MM, SAFE_MM, context.trim[0] - 2 * SAFE_MM, context.trim[1] - 2 * SAFE_MM),
        diagnostics=tuple(dict.fromkeys(builder.warnings)),
        name=side,
    )


class _Builder:
    """Places one side's layers in order, remembering where each one ended (for `below`)."""

    def __init__(self, context: CardContext, side: str, sx: float, sy: float) -> None:
        self.c = context
        self.side = side
        self.sx, self.sy = sx, sy
        self.nodes: list[Node] = []
        self.qr_nodes: list[Node] = []
        self.qr_tile: Rect | None = None
        self.bottoms: dict[str, float] = {}
        self.warnings: list[str] = []
        self.rtl = _rtl(context.lang)
        from cardgen.math import inline_formulas
        from cardgen.mathsyntax import inline_math_runs

        page = context.page
        # Inline formulas whose plain reading is inexact ("ϕ_T") are drawn typeset on the text baseline.
        self.formulas = inline_formulas(
            inline_math_runs(page.document.blocks, page.title_runs, page.summary_runs)
        )

    # ------------------------------------------------------------------ geometry

    def box(self, layer: Layer) -> Rect:
        """The layer's box on this trim, mirrored left to right on a right-to-left page (the layout
        reads from the right: its picture, text, rules, QR code and address change sides, as the text's
        alignment does). With `below`, a text box's top moves down to follow that layer (its bottom
        stays: text flows into what is left); any other box moves down whole."""
        b = layer.box
        rect = Rect(b.x * self.sx, b.y * self.sy, b.w * self.sx, b.h * self.sy)
        if self.rtl:
            rect = Rect(self.c.trim[0] - rect.right, rect.y, rect.w, rect.h)
        if layer.below and layer.below in self.bottoms:
            top = max(rect.y, self.bottoms[layer.below] + layer.gap * self.c.scale)
            if isinstance(layer, TextLayer):
                rect = Rect.from_ltrb(rect.x, top, rect.right, max(top, rect.bottom))
            else:
                rect = Rect(rect.x, top, rect.w, rect.h)
        return rect

    def skip(self, layer: Layer) -> None:
        """An empty layer: what follows it follows what it followed."""
        if layer.below and layer.below in self.bottoms:
            self.bottoms[layer.name] = self.bottoms[layer.below]

    def bleed_out(self, rect: Rect) -> Rect:
        """A box touching a trim edge runs on into the bleed on that side."""
        width, height = self.c.trim
        b = self.c.bleed
        left = rect.x - b if rect.x <= EDGE_MM else rect.x
        top = rect.y - b if rect.y <= EDGE_MM else rect.y
        right = rect.right + b if rect.right >= width - EDGE_MM else rect.right
        bottom = rect.bottom + b if rect.bottom >= height - EDGE_MM else rect.bottom
        return Rect.from_ltrb(left, top, right, bottom)

    def text_area(self, rect: Rect) -> Rect:
        """Inside the safe margin, and clear of the QR code (beside or above it, whichever keeps more)."""
        width, height = self.c.trim
        rect = rect.intersect(Rect(SAFE_MM, SAFE_MM, width - 2 * SAFE_MM, height - 2 * SAFE_MM))
        tile = self.qr_tile
        if tile is not None and rect.overlaps(tile):
            gap = 4.0 * self.c.scale
            before = Rect.from_ltrb(rect.x, rect.y, max(rect.x, min(rect.right, tile.x - gap)), rect.bottom)
            after = Rect.from_ltrb(min(rect.right, max(rect.x, tile.right + gap)), rect.y, rect.right, rect.bottom)
            beside = before if before.w >= after.w else after  # the code's other side (left unless mirrored)
            above = Rect.from_ltrb(rect.x, rect.y, rect.right, min(rect.bottom, tile.y - 3.0 * self.c.scale))
            rect = beside if beside.w * beside.h >= above.w * above.h else above
        return rect

    def size(self, points: float) -> float:
        return max(MIN_PT, points * self.c.scale)

    # ------------------------------------------------------------------ layers

    def shape(self, layer: ShapeLayer) -> None:
        rect = self.box(layer)
        self.nodes.append(Shape(self.bleed_out(rect), layer.color, layer.radius, layer.opacity, layer.name))
        self.bottoms[layer.name] = rect.bottom

    def image(self, layer: ImageLayer) -> None:
        visible = self.box(layer)
        full = self.bleed_out(visible)
        surface = image_surface(self.c.template)
        frame = (mm_to_px(visible.w, TARGET_DPI), mm_to_px(visible.h, TARGET_DPI))  # the 2x cap counts at 300 dpi
        fit, whole, behind = placed(layer.fit, self.c.images, visible, frame, surface)
        shown = visible
        if fit == "contain":
            if behind is not None:
                self.nodes.append(replace(behind, rect=full))  # the background runs into the bleed
            else:  # a photograph shown whole on the card's own surface
                whole = clear_of_trim(whole, self.c.trim)
            full = shown = whole  # shown whole, inside the trim
        focal = shown_from(fit, self.c.page)
        pixels = self.hero_pixels((full.w, full.h), focal)
        self.nodes.append(
            ImageBox(
                name=layer.name,
                rect=full,
                crop=CropSpec("featured", pixels, focal),
                fit=fit,
                overlay=Overlay(
                    layer.scrim,
                    layer.scrim_color,
                    layer.gradient,
                    layer.gradient_strength,
                    layer.gradient_extent,
                ),
                radius=layer.radius,
                surface=surface,
            )
        )
        self.bottoms[layer.name] = visible.bottom
        caption = self.c.page.image.caption_text.strip()
        if layer.caption and caption and self.c.images.has_image:  # never credit placeholder art
            self.credit(caption, shown)

    def hero_pixels(self, size_mm: tuple[float, float], focal: FocalPoint) -> tuple[int, int]:
        """Crop at 300 dpi, or at the source's own resolution when it has fewer pixels (no upscaling)."""
        px = (mm_to_px(size_mm[0], TARGET_DPI), mm_to_px(size_mm[1], TARGET_DPI))
        full = self.c.images.source_size()
        if full is not None:
            widest = min(full[0], full[1] * px[0] / px[1])
            headroom = 0.9 if focal == FocalPoint.SMART else 1.0  # smart keeps ≤ 0.9×
            factor = min(1.0, widest * headroom / px[0])
            px = (px[0] * factor, px[1] * factor)
        return max(8, round(px[0])), max(8, round(px[1]))

    def credit(self, caption: str, shown: Rect) -> None:
        """The image caption as a small credit at the bottom right of the picture as shown (bottom left
        on a right-to-left page), on a dark scrim: up to two lines, so that a photographer's name
        is not cut short. Kept the safe margin from a trim edge the picture runs on to, closer in
        elsewhere."""
        width, height = self.c.trim
        margin = max(SAFE_MM, round(0.065 * min(self.c.trim), 1))
        area = shown.intersect(Rect(0, 0, width, height))
        near = min(margin, 2.5)
        side_margin = margin if (area.x <= EDGE_MM if self.rtl else area.right >= width - EDGE_MM) else near
        bottom_margin = margin if area.bottom >= height - 0.01 else near
        size = MIN_PT
        face = Typeface("Noto Sans", lang=self.c.lang)
        line = size * 1.35 / PT_PER_MM
        fitted = self.fit(caption, (area.w - side_margin - near, 2 * line), size, size, CREDIT_LINES, face, 1.3)
        pad_x, pad_y = 1.2, 0.5
        text_w = fitted.width / PT_PER_MM
        strip_h = fitted.height / PT_PER_MM + 2 * pad_y
        x = area.x + side_margin if self.rtl else area.right - side_margin - text_w
        y = area.bottom - bottom_margin - strip_h
        self.nodes.append(
            Shape(
                Rect(x - pad_x, y, text_w + 2 * pad_x, strip_h), "#000000", 0.0, CAPTION_SCRIM, "credit-scrim"
            )
        )
        self.nodes.append(
            place(
                fitted,
                Rect(x, y + pad_y, text_w, strip_h - 2 * pad_y),
                face,
                name="credit",
                color="#ffffff",
                per_size_unit=1 / PT_PER_MM,
                formulas=self.formulas,
            )
        )
        if fitted.truncated:
            self.warnings.append(f"{self.c.page.path}: image caption shortened to fit the card's credit line")

    def fit(
        self,
        text: str,
        box_mm: tuple[float, float],
        size: float,
        min_size: float,
        max_lines: int | None,
        face: Typeface,
        line_height: float,
    ) -> FittedText:
        """`fit_text` in print units: box in mm, sizes in pt."""
        size = max(size, MIN_PT)
        style = TextStyle(
            family=face.family,
            size=size,
            min_size=min(max(min_size, MIN_PT), size),
            max_lines=max_lines,
            bold=face.bold,
            italic=face.italic,
            line_height=line_height,
            balance=False,
            lang=face.lang,
            step=0.5,
        )
        return fit_text(text, Box(box_mm[0] * PT_PER_MM, max(0.0, box_mm[1]) * PT_PER_MM), style)

    def face(self, layer: TextLayer, bold: bool | None = None) -> Typeface:
        return Typeface(
            family(layer.font, self.c.template),
            layer.bold if bold is None else bold,
            layer.italic,
            self.c.lang,
        )

    def text(self, layer: TextLayer) -> None:
        area = self.text_area(self.box(layer))
        size, floor = self.size(layer.size), self.size(layer.min_size)
        if area.w <= 1 or area.h < floor * layer.line_height / PT_PER_MM:
            self.skip(layer)
            return
        if layer.fields in (("links",), ("back_links",)):
            self.links(layer, area, size)
            return
        if layer.fields == ("highlights",):
            self.highlights(layer, area, size, floor)
            return
        if len(layer.fields) == 1 and layer.fields[0] in fields.LIST_FIELDS:
            self.paragraphs(layer, area, size, floor)
            return
        content = self.content(layer)
        if not content:
            self.skip(layer)
            return
        face = self.face(layer)
        if layer.fields == ("url",):
            fitted = self.fit_url(self.c.page.main_url, area.w, size, face)
        else:
            fitted = self.fit(
                content, (area.w, area.h), size, floor, layer.max_lines, face, layer.line_height
            )
        box = place(
            fitted,
            area,
            face,
            name=layer.name,
            color=layer.color,
            align=layer.align,
            valign=layer.valign,
            per_size_unit=1 / PT_PER_MM,
            formulas=self.formulas,
        )
        self.nodes.append(box)
        self.bottoms[layer.name] = box.rect.bottom if box.lines else area.y
        what = layer.name
        if fitted.truncated and what in ("title", "summary"):
            self.warnings.append(f"{self.c.page.path}: {what}: shortened with an ellipsis to fit the card")
        if fitted.missing:
            self.warnings.append(f"{self.c.page.path}: {what}: no font has {''.join(fitted.missing)!r}")

    def content(self, layer: TextLayer) -> str:
        if layer.text:
            text = layer.text
        else:
            parts = [
                fields.field_text(self.c.page, name, 3 if name == "authors" else layer.max_items)
                for name in layer.fields
            ]
            text = layer.separator.join(p.strip() for p in parts if p and p.strip())
        if layer.uppercase and not any(is_cjk(ch) for ch in text):
            text = text.upper()
        return text

    def fit_address(self, url: str, width_mm: float, size: float, face: Typeface) -> FittedText:
        """A link's address as it can be typed: whole, on up to `ADDRESS_LINES` lines broken after a
        "/" (or before a "." or after a "-", "?", "&", "=", "#" where a path part is too long); one
        that needs more is shortened in the middle on one line (`fit_url`)."""
        text = fields.display_url(url, 10_000)
        width = width_mm * PT_PER_MM
        lines: list[str] = []
        pieces = _URL_PIECES.findall(text)
        for piece in pieces if "".join(pieces) == text else [text]:
            if lines and line_width(lines[-1] + piece, size, face) <= width:
                lines[-1] += piece
            elif line_width(piece, size, face) <= width:
                lines.append(piece)
            else:
                lines = []
                break
        if not lines or len(lines) > ADDRESS_LINES:
            return self.fit_url(url, width_mm, size, face)
        line_height = size * 1.3
        widest = max(line_width(line, size, face) for line in lines)
        return FittedText(tuple(lines), size, line_height, False, widest, line_height * len(lines))

    def fit_url(self, url: str, width_mm: float, size: float, face: Typeface) -> FittedText:
        """A URL on one line, shortened in the middle (host and last path part stay readable)."""
        limit = 60
        text = fields.display_url(url, limit)
        while limit > 12 and line_width(text, size, face) > width_mm * PT_PER_MM:
            limit -= 2
            text = fields.display_url(url, limit)
        return self.fit(text, (width_mm, size * 1.4 / PT_PER_MM), size, size, 1, face, 1.3)

    def paragraphs(self, layer: TextLayer, area: Rect, size: float, floor: float) -> None:
        """Several paragraphs, all at one size: the largest that fits, else the last one ellipsised."""
        items = [
            str(p)
            for p in fields.field_items(self.c.page, layer.fields[0], layer.max_items)
            if str(p).strip()
        ]
        if not items or area.h < 5:
            self.skip(layer)
            return
        face = self.face(layer)
        lh = layer.line_height
        gap = 0.5  # paragraph gap, in lines
        while True:
            fitted = [self.fit(p, (area.w, 1000.0), size, size, None, face, lh) for p in items]
            lines = sum(len(f.lines) for f in fitted) + gap * (len(fitted) - 1)
            if lines * size * lh / PT_PER_MM <= area.h or size <= floor:
                break
            size = max(floor, size - 0.25)
        lead = size * lh / PT_PER_MM
        y = area.y
        truncated = False
        for para in items:
            room = area.bottom - y
            if room < lead:
                truncated = True
                break
            piece = self.fit(para, (area.w, room), size, size, None, face, lh)
            box = place(
                piece,
                Rect(area.x, y, area.w, room),
                face,
                name=layer.name,
                color=layer.color,
                align=layer.align,
                per_size_unit=1 / PT_PER_MM,
                formulas=self.formulas,
            )
            self.nodes.append(box)
            y += box.rect.h + gap * lead
            if piece.truncated:
                truncated = True
                break
        self.bottoms[layer.name] = y
        if truncated:
            self.warnings.append(
                f"{self.c.page.path}: card {self.side}: {layer.fields[0]} shortened with an ellipsis to fit"
            )

    def highlights(self, layer: TextLayer, area: Rect, size: float, floor: float) -> None:
        """The page's highlights (`cardgen.content`) as a marked list: a bold lead-in (the section
        heading) over its sentence. As many as fit (3–5) at the layer's size or a little less (down to
        8 pt), else fewer and smaller, never below 7 pt; the last one ellipsised when even one does not
        fit."""
        from cardgen.content import highlights

        items = highlights(self.c.page, layer.max_items)
        if not items:
            self.skip(layer)
            return
        s, lh = self.c.scale, layer.line_height
        indent = 3.4 * s
        text_w = area.w - indent
        from cardgen.i18n import is_rtl

        rtl = is_rtl(self.c.lang)
        text_x = area.x if rtl else area.x + indent
        bold, plain = self.face(layer, bold=True), self.face(layer)
        # one or two highlights have the back to themselves: each may take six lines instead of four
        body_lines = 4 if len(items) >= 3 else 6
        cache: dict[float, list[tuple[FittedText | None, FittedText]]] = {}

        def parts(size_pt: float) -> list[tuple[FittedText | None, FittedText]]:
            if size_pt not in cache:
                cache[size_pt] = [
                    (
                        self.fit(h.heading, (text_w, 1000.0), size_pt, size_pt, 2, bold, lh)
                        if h.heading
                        else None,
                        self.fit(h.text, (text_w, 1000.0), size_pt, size_pt, body_lines, plain, lh),
                    )
                    for h in items
                ]
            return cache[size_pt]

        def height(chosen: list[tuple[FittedText | None, FittedText]], size_pt: float) -> float:
            lines = sum(len(b.lines) + (len(h.lines) if h else 0) for h, b in chosen)
            return (lines + 0.6 * (len(chosen) - 1)) * size_pt * lh / PT_PER_MM

        roomy = sorted(
            {size, max(floor, MIN_PT, min(size, 8.5 * s)), max(floor, MIN_PT, 8.0 * s)}, reverse=True
        )
        small = sorted({max(MIN_PT, 7.5 * s), MIN_PT} - set(roomy), reverse=True)
        plans = [(n, z) for n in range(len(items), min(3, len(items)) - 1, -1) for z in roomy]
        plans += [(n, z) for n in range(min(3, len(items)), 0, -1) for z in [*roomy, *small]]
        chosen = next(((n, z) for n, z in plans if height(parts(z)[:n], z) <= area.h), None)
        truncated = chosen is None
        n, z = chosen or (1, MIN_PT)
        lead = z * lh / PT_PER_MM
        mark = 1.1 * s
        y = area.y
        for item, (head, body) in zip(items[:n], parts(z)[:n], strict=True):
            if area.bottom - y < lead:
                truncated = True
                break
            size_mm = z / PT_PER_MM
            middle = y + (lead - size_mm) / 2 + 0.8 * size_mm - 0.36 * size_mm  # the x-height's middle
            mark_x = area.right - mark if rtl else area.x
            marker = Rect(mark_x, middle - mark / 2, mark, mark)
            self.nodes.append(Shape(marker, layer.link_color or layer.color, 0.0, 1.0, "highlight-mark"))
            for piece, face, colour in ((head, bold, layer.color), (body, plain, layer.color)):
                if piece is None:
                    continue
                room = area.bottom - y
                if room < lead:
                    truncated = True
                    break
                if len(piece.lines) * lead > room + 1e-6:
                    text = item.heading if piece is head else item.text
                    piece = self.fit(text, (text_w, room), z, z, None, face, lh)
                    truncated = True
                box = place(
                    piece,
                    Rect(text_x, y, text_w, room),
                    face,
                    name=layer.name,
                    color=colour,
                    align=layer.align,
                    per_size_unit=1 / PT_PER_MM,
                    formulas=self.formulas,
                )
                self.nodes.append(box)
                y += box.rect.h
            y += 0.6 * lead
        self.bottoms[layer.name] = y
        if truncated:
            self.warnings.append(
                f"{self.c.page.path}: card {self.side}: highlights shortened with an ellipsis to fit"
            )

    def links(self, layer: TextLayer, area: Rect, size: float) -> None:
        """Link rows (bold label, shortened address), as many as the box holds, aligned to its bottom."""
        rows = fields.field_items(self.c.page, layer.fields[0], layer.max_items)
        row_h = size * 1.3 / PT_PER_MM
        if area.w < MIN_LINKS_MM * min(1.0, self.c.scale) or not rows:
            self.skip(layer)
            return
        bold, plain = self.face(layer, bold=True), self.face(layer)
        addresses = [self.fit_address(url, area.w, size, plain) for _, url in rows]
        heights = [(1 + len(a.lines)) * row_h + 1.0 for a in addresses]
        count = 1
        while count < len(rows) and sum(heights[: count + 1]) - 1.0 <= area.h + 0.5:
            count += 1
        rows, addresses = rows[:count], addresses[:count]
        used = sum(heights[:count]) - 1.0
        y = area.bottom - used if layer.valign == "bottom" else area.y
        for (label, _), address in zip(rows, addresses, strict=True):
            lab = self.fit(label, (area.w, row_h), size, size, 1, bold, 1.3)
            box = place(
                lab,
                Rect(area.x, y, area.w, row_h),
                bold,
                name="link",
                color=layer.color,
                per_size_unit=1 / PT_PER_MM,
                formulas=self.formulas,
            )
            self.nodes.append(box)
            y += box.rect.h
            box = place(
                address,
                Rect(area.x, y, area.w, row_h * len(address.lines)),
                plain,
                name="link",
                color=layer.link_color or layer.color,
                per_size_unit=1 / PT_PER_MM,
                formulas=self.formulas,
            )
            self.nodes.append(box)
            y += box.rect.h + 1.0
        self.bottoms[layer.name] = y

    def qr(self, layer: QRLayer) -> None:
        url = self.c.page.qr_url
        if not url:
            if self.c.page.main_url:
                return  # too long for a QR code: the loader has warned
            self.warnings.append(
                f"{self.c.page.path}: card back: no QR code (no absolute URL in external_link, the site's "
                "baseURL, url_project, the body's project link or links)"
            )
            return
        from cardgen.qr import qr_matrix

        matrix = qr_matrix(url)
        n = len(matrix)
        box = self.box(layer)
        tile = min(box.w, box.h)
        symbol = max(QR_MIN_MM, tile * n / (n + 2 * QR_QUIET))
        module = symbol / n
        side = module * (n + 2 * QR_QUIET)
        width, height = self.c.trim
        right = min(box.right, width - SAFE_MM)
        bottom = min(box.bottom, height - SAFE_MM)
        left = min(max(SAFE_MM, box.x), width - SAFE_MM - side) if self.rtl else max(SAFE_MM, right - side)
        rect = Rect(left, max(SAFE_MM, bottom - side), side, side)
        self.qr_tile = rect
        self.qr_nodes = [QR(rect, url, matrix, module, QR_QUIET, layer.color, layer.tile)]
        self.bottoms[layer.name] = rect.bottom


#: How far a photograph shown whole keeps from the trim: at the trim itself, a cut a little off
#: would leave a sliver of paper or of picture along the card's edge (an edge-to-edge picture runs
#: on into the bleed instead; flat art stands on its own edge colour, which does).
CLEAR_OF_TRIM_MM = 3.0


def clear_of_trim(rect: Rect, trim: tuple[float, float]) -> Rect:
    """`rect` scaled down about its centre until no side is closer than `CLEAR_OF_TRIM_MM` to the trim
    edge it touched; a rect clear of the trim as it is."""
    width, height = trim
    shrink_x = rect.w
    shrink_y = rect.h
    if rect.x <= EDGE_MM or rect.right >= width - EDGE_MM:
        shrink_x = rect.w - 2 * CLEAR_OF_TRIM_MM
    if rect.y <= EDGE_MM or rect.bottom >= height - EDGE_MM:
        shrink_y = rect.h - 2 * CLEAR_OF_TRIM_MM
    factor = max(0.1, min(shrink_x / rect.w, shrink_y / rect.h)) if rect.w > 0 and rect.h > 0 else 1.0
    if factor >= 1.0:
        return rect
    w, h = rect.w * factor, rect.h * factor
    return Rect(rect.x + (rect.w - w) / 2, rect.y + (rect.h - h) / 2, w, h)


def _rtl(lang: str | None) -> bool:
    from cardgen.i18n import is_rtl

    return bool(is_rtl(lang))


def placed_texts(scene: Scene) -> list[dict[str, Any]]:
    """Where each text block landed (mm from the trim), for reports and tests."""
    return [
        {
            "side": scene.name,
            "name": t.name,
            "box": (t.rect.x, t.rect.y, t.rect.w, t.rect.h),
            "lines": tuple(line.text for line in t.lines),
            "size": t.size,
            "truncated": t.truncated,
        }
        for t in scene.texts()
    ]
