"""Social preview images as Scenes: Page + template `[social]` variant + canvas size → `Scene` (px).

Every decision is taken here: which variant, where each layer lands in pixels, what text each layer
shows and at which size it fits, where the site logo and tag pills go. Text never leaves the safe area
(the central 1200×600 band with 60 px margins, so platforms that crop to 1.91:1 or round the corners
never cut a word). What only pixels can tell — whether light text over a photograph is legible — is
asked of the raster backend through `TextBox.min_contrast`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cardgen.fields import field_text
from cardgen.layout.decoration import decorations, mirrored
from cardgen.layout.model import (
    Background,
    CropSpec,
    Fit,
    ImageBox,
    Line,
    Node,
    Overlay,
    Scene,
    Shape,
    TextBox,
)
from cardgen.layout.text import Typeface, baseline_offset, line_width, mirrored_align, place
from cardgen.layouts.layers import ImageLayer, Layer, PillsLayer, ShapeLayer, TextLayer
from cardgen.layouts.social import REFERENCE, Variant
from cardgen.page import FocalPoint, Page
from cardgen.text.fit import fit_text
from cardgen.text.style import Box, TextStyle
from cardgen.units import Rect

if TYPE_CHECKING:
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

SAFE_BAND = (1200, 600)
SAFE_MARGIN = 60
# Feeds show a card at about a third of its size: text under 28 px at 1200 px wide (scaled with the
# canvas) is then unreadable. Secondary text (everything but the title) is set at least this large, and
# is left out rather than squeezed when its box cannot hold one line of it.
SECONDARY_MIN_PX = 28.0


def safe_area(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where text may go: inside the central 1200×600 band and 60 px from every edge (scaled down on
    canvases under 600 px)."""
    width, height = size
    margin = SAFE_MARGIN if min(size) >= 600 else round(SAFE_MARGIN * min(size) / 600)
    left = max(margin, (width - SAFE_BAND[0]) // 2)
    top = max(margin, (height - SAFE_BAND[1]) // 2)
    return left, top, width - left, height - top


def family(font: str, template: Template) -> str:
    """A layer's `font`: a role of the template's `[fonts]` or a family name."""
    if font in ("heading", "body", "mono"):
        return str(getattr(template.fonts, font))
    return font


def _px(box: Rect, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    return (
        round(box.x * width),
        round(box.y * height),
        round((box.x + box.w) * width),
        round((box.y + box.h) * height),
    )


def social_scene(page: Page, size: tuple[int, int], template: Template, images: PageImages) -> Scene:
    """The scene of the social image of `page` at `size` px with the template's layout."""
    layout = template.social
    variant: Variant = layout.variant(size)
    scale = min(size[0] / REFERENCE[0], size[1] / REFERENCE[1])
    safe = safe_area(size)
    art: list[Node] = []
    front: list[Node] = []  # text and what belongs to it (pills, logos): drawn above every picture
    bottoms: dict[str, float] = {}
    warnings: list[str] = []
    from cardgen.math import inline_formulas

    formulas = inline_formulas([r for runs in (page.title_runs, page.summary_runs) for r in runs])
    from cardgen.i18n import is_rtl

    layers = variant.layers
    marks = decorations(layers)
    if is_rtl(page.language):
        layers = mirrored(layers, marks)
    for index, layer in enumerate(layers):
        if index in marks:
            marked = layers[marks[index]]
            if isinstance(marked, TextLayer) and not _shows_text(page, marked, images):
                continue  # its text is empty this time: the mark would stand alone
        if isinstance(layer, ImageLayer):
            picture = _image(page, layer, size, scale, bottoms, images, template)
            if picture is not None:
                art.extend(picture)
        elif isinstance(layer, ShapeLayer):
            left, top, right, bottom = _px(layer.box, size)
            moved = _below(layer, top, bottoms, scale)  # a shape that follows a layer moves down whole
            shape = Rect.from_ltrb(left, moved, right, bottom + (moved - top))
            art.append(Shape(shape, layer.color, layer.radius * scale, layer.opacity, layer.name))
            bottoms[layer.name] = shape.bottom
        elif isinstance(layer, TextLayer):
            front.extend(
                _text(
                    page, layer, template, size, scale, safe, bottoms, images, layout.min_contrast, formulas
                )
            )
        elif isinstance(layer, PillsLayer):
            front.extend(_pills(page, layer, template, size, scale, safe, bottoms))
    for node in front:
        if isinstance(node, TextBox):
            if node.truncated and node.name == "title":
                warnings.append(f"{page.path}: title: shortened with an ellipsis to fit the social image")
            if node.missing:
                warnings.append(f"{page.path}: {node.name}: no font has {''.join(node.missing)!r}")
    return Scene(
        size=(float(size[0]), float(size[1])),
        unit="px",
        background=Background(variant.background, variant.background_to, variant.background_angle),
        nodes=(*art, *front),
        safe=Rect.from_ltrb(*safe),
        diagnostics=tuple(dict.fromkeys(warnings)),
        name="social",
    )


def _below(layer: Layer, top: float, bottoms: dict[str, float], scale: float) -> float:
    if layer.below and layer.below in bottoms:
        return max(top, round(bottoms[layer.below] + layer.gap * scale))
    return top


def image_surface(template: Template) -> str:
    """The colour behind contained or transparent art: the template's `surface`, else its `background`."""
    return template.colors.get("surface") or template.colors.get("background") or "#ffffff"


def placed(
    fit: Fit, images: PageImages, box: Rect, frame_px: tuple[float, float], surface: str
) -> tuple[Fit, Rect, Shape | None]:
    """The layout's image decision for a frame (`cardgen.imaging.placement`, from the picture's
    content and the frame at the output's resolution): cover, or contain — the picture whole, centred,
    never above 2× its pixels, art with a margin — plus the background shape behind a contained
    picture (its own edge colour for flat-bordered art, the template surface for transparent art)."""
    placement = images.placement(frame_px, fit) if images.has_image else None
    if placement is None or placement.covers:
        return "cover", box, None
    bx, by, bw, bh = placement.box
    rect = Rect(box.x + bx * box.w, box.y + by * box.h, bw * box.w, bh * box.h)
    background = placement.background
    behind = None
    if background is not None and background.kind == "edge" and background.colour is not None:
        behind = Shape(box, "#{:02x}{:02x}{:02x}".format(*background.colour))
    elif background is not None and background.kind == "surface":
        behind = Shape(box, surface)
    return "contain", rect, behind


def _image(
    page: Page,
    layer: ImageLayer,
    size: tuple[int, int],
    scale: float,
    bottoms: dict[str, float],
    images: PageImages,
    template: Template,
) -> list[Shape | ImageBox] | None:
    left, top, right, bottom = _px(layer.box, size)
    moved = round(_below(layer, top, bottoms, scale))  # a picture that follows a layer moves down whole
    top, bottom = moved, bottom + (moved - top)
    left, top = max(0, left), max(0, top)
    right, bottom = min(size[0], right), min(size[1], bottom)
    if right - left < 2 or bottom - top < 2:
        return None
    bottoms[layer.name] = bottom
    overlay = Overlay(
        layer.scrim, layer.scrim_color, layer.gradient, layer.gradient_strength, layer.gradient_extent
    )
    rect = Rect.from_ltrb(left, top, right, bottom)
    surface = image_surface(template)
    fit, whole, behind = placed(layer.fit, images, rect, (rect.w, rect.h), surface)
    if fit == "contain":
        rect = Rect.from_ltrb(*(float(v) for v in whole.px()))
    picture = ImageBox(
        name=layer.name,
        rect=rect,
        crop=CropSpec("featured", (max(2, round(rect.w)), max(2, round(rect.h))), shown_from(fit, page)),
        fit=fit,
        overlay=overlay,
        radius=layer.radius * scale,
        surface=surface,
    )
    return [behind, picture] if behind is not None else [picture]


def shown_from(fit: str, page: Page) -> FocalPoint:
    """The anchor a picture is cut at: the page's focal point when it covers its frame; the centre when
    it is shown whole (its frame has its aspect already: a Smart crop would zoom in by up to a tenth,
    as Hugo's does, and cut the edge of a logo or a diagram)."""
    return FocalPoint.CENTER if fit == "contain" else page.image.focal_point


def _shows_text(page: Page, layer: TextLayer, images: PageImages) -> bool:
    return bool(_content(page, layer, 3).strip()) or (layer.logo and images.logo(10.0) is not None)


def _content(page: Page, layer: TextLayer, authors_max: int) -> str:
    if layer.text:
        return layer.text
    parts = []
    for name in layer.fields:
        parts.append(field_text(page, name, authors_max if name == "authors" else layer.max_items))
    return layer.separator.join(p.strip() for p in parts if p and p.strip())


def _text(
    page: Page,
    layer: TextLayer,
    template: Template,
    size: tuple[int, int],
    scale: float,
    safe: tuple[int, int, int, int],
    bottoms: dict[str, float],
    images: PageImages,
    min_contrast: float,
    formulas: dict[str, str],
) -> list[Node]:
    left, top, right, bottom = _px(layer.box, size)
    left, top = max(left, safe[0]), max(top, safe[1])
    right, bottom = min(right, safe[2]), min(bottom, safe[3])
    top = round(_below(layer, top, bottoms, scale))
    title = "title" in layer.fields and not layer.text
    floor = layer.min_size if title else max(layer.min_size, SECONDARY_MIN_PX)
    font_size = max(layer.size, floor)
    if right - left < 20 or bottom - top < floor * scale * min(layer.line_height, 1.2):
        return []
    face = Typeface(family(layer.font, template), layer.bold, layer.italic, page.language or None)
    pad = (0.6 * font_size * scale, 0.3 * font_size * scale) if layer.pill else (0.0, 0.0)
    style = TextStyle(
        family=face.family,
        size=font_size * scale,
        min_size=floor * scale,
        max_lines=layer.max_lines,
        bold=layer.bold,
        italic=layer.italic,
        line_height=layer.line_height,
        balance="title" in layer.fields,
        lang=face.lang,
    )
    avail = Box(right - left - 2 * pad[0], bottom - top - 2 * pad[1])
    fitted = None
    content = ""
    # A whole secondary element goes before any ellipsis: authors shorten ("A, B and 3 others" →
    # "A and 4 others"), then trailing fields (the date after the authors) are dropped.
    fields = layer.fields
    done = False
    for count in range(len(fields), 0, -1) if len(fields) > 1 and not layer.text else (len(fields),):
        shown = replace(layer, fields=fields[:count])
        for authors_max in (3, 2, 1) if "authors" in shown.fields else (3,):
            candidate = _content(page, shown, authors_max)
            if layer.uppercase:
                candidate = candidate.upper()
            if not candidate:
                continue
            attempt = fit_text(candidate, avail, style)
            if fitted is None or not attempt.truncated:
                content, fitted = candidate, attempt
            if not attempt.truncated:
                done = True
                break
        if done:
            break
    if fitted is None:
        return []
    if fitted.truncated and not title and len(fitted.lines) <= 1:
        return []  # a one-line kicker or meta cut short reads as a mistake: better left out
    nodes: list[Node] = []
    box = Rect.from_ltrb(left, top, right, bottom)
    logo = images.logo(fitted.line_height * 0.9) if layer.logo else None
    shift = 0.0
    from cardgen.i18n import is_rtl

    rtl = is_rtl(page.language)
    if logo is not None:
        # The site logo sits before the first line, as tall as a line (at its right end on a
        # right-to-left page); the text moves over to make room.
        shift = logo[0] + 0.4 * fitted.size
        fitted = fit_text(content, Box(avail.w - shift, avail.h), style)
        box = Rect.from_ltrb(left, top, right - round(shift), bottom) if rtl else \
            Rect.from_ltrb(left + round(shift), top, right, bottom)
    text = place(
        fitted,
        box,
        face,
        name=layer.name,
        color=layer.color,
        align=layer.align,
        valign=layer.valign,
        pad=pad,
        min_contrast=0.0 if layer.pill else min_contrast,
        background=layer.pill,
        formulas=formulas,
    )
    text = replace(text, rect=_whole(text.rect))
    if layer.pill:
        pill = _whole(text.rect).inset(-pad[0], -pad[1])
        nodes.append(
            Shape(
                Rect.from_ltrb(*(float(round(v)) for v in pill.ltrb)),
                layer.pill,
                pill.h / 2,
                name=f"{layer.name}-pill",
            )
        )
    if logo is not None and text.lines:
        first = text.lines[0]
        height = logo[1]
        x = round(first.x + first.width + 0.4 * fitted.size) if rtl else round(first.x - shift)
        y = round(text.rect.y + (text.line_height - height) / 2)
        nodes.append(
            ImageBox(
                name=f"{layer.name}-logo",
                rect=Rect(x, y, logo[0], height),
                crop=CropSpec("logo", (logo[0], height)),
                fit="contain",
            )
        )
        text = replace(text, rect=Rect.from_ltrb(text.rect.x, text.rect.y, x + logo[0], text.rect.bottom) if rtl
                       else Rect.from_ltrb(x, text.rect.y, text.rect.right, text.rect.bottom))
    nodes.append(text)
    bottoms[layer.name] = text.rect.bottom
    return nodes


def _whole(rect: Rect) -> Rect:
    """The pixels a box touches (a drawn text extent is measured on whole pixels)."""
    return Rect.from_ltrb(int(rect.x), int(rect.y), int(rect.right + 0.999), int(rect.bottom + 0.999))


def _pills(
    page: Page,
    layer: PillsLayer,
    template: Template,
    size: tuple[int, int],
    scale: float,
    safe: tuple[int, int, int, int],
    bottoms: dict[str, float],
) -> list[Node]:
    """Tags as a row of pills, as many as fit (up to `max_items`), never a half pill."""
    items = page.tags if layer.field == "tags" else page.categories
    tags = [t.strip() for t in items if t and t.strip()][: layer.max_items]
    if not tags:
        return []
    left, top, right, bottom = _px(layer.box, size)
    left, top = max(left, safe[0]), max(top, safe[1])
    right, bottom = min(right, safe[2]), min(bottom, safe[3])
    top = round(_below(layer, top, bottoms, scale))
    if right - left < 20 or bottom - top < layer.min_size * scale:
        return []
    face = Typeface(family(layer.font, template), layer.bold, False, page.language or None)
    floor = max(layer.min_size, SECONDARY_MIN_PX) * scale
    font = max(layer.size * scale, floor)
    pad_x, pad_y, gap = 0.6 * font, 0.3 * font, 0.4 * font
    height = font * layer.line_height
    if height + 2 * pad_y > bottom - top:
        font = max(floor, (bottom - top) / (layer.line_height + 0.6))
        pad_x, pad_y, gap = 0.6 * font, 0.3 * font, 0.4 * font
        height = font * layer.line_height
        if height + 2 * pad_y > bottom - top + 0.5:  # not even one row at the readable floor: left out
            return []
    style = TextStyle(
        family=face.family, size=font, min_size=font, max_lines=1, bold=layer.bold, lang=face.lang
    )
    labels: list[tuple[str, float]] = []
    used = 0.0
    for tag in tags:
        label = tag.upper() if layer.uppercase else tag
        fitted = fit_text(label, Box((right - left) - 2 * pad_x, height + 1), style)
        label = fitted.lines[0] if fitted.lines else label
        width = line_width(label, font, face)
        need = width + 2 * pad_x + (gap if labels else 0)
        if used + need > right - left:
            break
        labels.append((label, width))
        used += need
    if not labels:
        return []
    pill_top = top + ((bottom - top) - (height + 2 * pad_y)) / 2 if layer.valign == "middle" else top
    if layer.valign == "bottom":
        pill_top = bottom - (height + 2 * pad_y)
    align = mirrored_align(layer.align, face.lang)
    x = left if align != "right" else right - used
    if align == "center":
        x = left + (right - left - used) / 2
    baseline = pill_top + pad_y + baseline_offset(font, height, face)
    nodes: list[Node] = []
    lines: list[Line] = []
    for i, (label, width) in enumerate(labels):
        pill = Rect.from_ltrb(
            round(x), round(pill_top), round(x + width + 2 * pad_x), round(pill_top + height + 2 * pad_y)
        )
        nodes.append(Shape(pill, layer.pill, pill.h / 2, name=f"{layer.name}-pill-{i}"))
        lines.append(Line(label, x + pad_x, baseline, width))
        x += width + 2 * pad_x + gap
    text_top = pill_top + pad_y
    rect = Rect.from_ltrb(
        int(lines[0].x),
        int(text_top),
        int(lines[-1].x + lines[-1].width + 0.999),
        int(text_top + height + 0.999),
    )
    nodes.append(
        TextBox(
            name=layer.name,
            rect=rect,
            lines=tuple(lines),
            size=font,
            line_height=height,
            color=layer.color,
            family=face.family,
            bold=layer.bold,
            align=layer.align,
            lang=face.lang,
            background=layer.pill,
        )
    )
    bottoms[layer.name] = rect.bottom
    return nodes
