"""Social preview images (SPEC §3.2): Page + template `[social]` layout → PNG/JPEG/WebP + meta snippet.

`compose()` draws one canvas and reports where every piece of text landed and its measured contrast
(tests check both); `render_social()` picks presets, encodes under the byte budget, writes files and
the meta snippet. Text never leaves the safe area: the central 1200×600 band with 60 px margins, so
platforms that crop to 1.91:1 or round the corners never cut a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.colors import contrast_ratio, relative_luminance
from cardgen.colors import rgb as _rgb
from cardgen.errors import UsageError
from cardgen.layouts.social import REFERENCE, ImageArea, SocialLayout, TextElement, Variant
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page

if TYPE_CHECKING:
    from PIL import Image, ImageDraw

    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

#: name → (width, height). OpenGraph's 1.91:1, X's 2:1, a square for Instagram/Mastodon grids,
#: LinkedIn's 1200×627 and GitHub's repository social preview.
PRESETS: dict[str, tuple[int, int]] = {
    "og": (1200, 630),
    "x": (1200, 600),
    "square": (1080, 1080),
    "linkedin": (1200, 627),
    "github": (1280, 640),
}
SAFE_BAND = (1200, 600)
SAFE_MARGIN = 60
MAX_EXTRA_SCRIM = 0.6  # how much further a picture may be darkened before patches take over
MAX_SIDE = 8000
_SIZE = re.compile(r"\s*(\d{2,5})\s*[x×X]\s*(\d{2,5})\s*")


@dataclass(frozen=True)
class PlacedText:
    """One text element as drawn: its lines, the box they occupy (px) and the contrast measured there."""

    name: str
    lines: tuple[str, ...]
    box: tuple[int, int, int, int]
    size: float
    contrast: float
    truncated: bool = False
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class SocialImage:
    image: Image.Image
    photo: bool  # a real photograph is shown (JPEG suits it); False for placeholder art / flat layouts
    texts: tuple[PlacedText, ...]
    warnings: tuple[str, ...] = ()
    safe_area: tuple[int, int, int, int] = (0, 0, 0, 0)
    scrims: int = 0  # text regions that needed extra darkening/lightening to reach the contrast floor

    def text(self, name: str) -> PlacedText | None:
        return next((t for t in self.texts if t.name == name), None)


# --------------------------------------------------------------------------- presets and sizes


def parse_size(value: str) -> tuple[int, int]:
    match = _SIZE.fullmatch(value or "")
    if not match:
        raise UsageError(f"--size: expected WIDTHxHEIGHT like 1600x900, got {value!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if not (200 <= width <= MAX_SIDE and 200 <= height <= MAX_SIDE):
        raise UsageError(f"--size: each side must be from 200 to {MAX_SIDE} pixels, got {value!r}")
    return width, height


def resolve_presets(preset: str, size: str | None = None) -> list[tuple[str, tuple[int, int]]]:
    """`og` → [("og", (1200, 630))]; `og,x` → both; `all` → every preset; a custom size → [("custom", (w, h))]."""
    if size:
        return [("custom", parse_size(size))]
    names = [n.strip().lower() for n in (preset or "og").split(",") if n.strip()] or ["og"]
    if names == ["all"]:
        return list(PRESETS.items())
    bad = [n for n in names if n not in PRESETS]
    if bad:
        raise UsageError(f"--preset: expected one of {', '.join(PRESETS)} or all, got {preset!r}")
    return [(name, PRESETS[name]) for name in dict.fromkeys(names)]


def safe_area(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where text may go: inside the central 1200×600 band and 60 px from every edge (scaled down on
    canvases under 600 px)."""
    width, height = size
    margin = SAFE_MARGIN if min(size) >= 600 else round(SAFE_MARGIN * min(size) / 600)
    left = max(margin, (width - SAFE_BAND[0]) // 2)
    top = max(margin, (height - SAFE_BAND[1]) // 2)
    return left, top, width - left, height - top


# --------------------------------------------------------------------------- composition


def compose(
    page: Page, size: tuple[int, int], template: Template, images: PageImages | None = None
) -> SocialImage:
    """Draw the social image for `page` at `size` with the template's layout (no file written)."""
    from PIL import ImageDraw

    from cardgen.render.assets import PageImages

    layout: SocialLayout = template.social
    variant = layout.variant(size)
    images = images or PageImages(page, palette=layout.placeholder_palette or None)
    scale = min(size[0] / REFERENCE[0], size[1] / REFERENCE[1])
    warnings: list[str] = []

    safe = safe_area(size)
    plans = _plan_texts(page, variant, template, size, scale, safe, warnings)
    # Text over a bright picture: first darken the whole picture a little more (it reads as a
    # deliberate tint), and only then shade patches under the text that still fails.
    extra = 0.0
    while True:
        canvas, photo = _base(variant, size, scale, images, extra)
        failing = [
            plan
            for plan in plans
            if not plan.pill
            and relative_luminance(plan.color) > 0.4  # a darker tint only helps light text
            and _measure(canvas, plan.box, relative_luminance(plan.color)) < layout.min_contrast
        ]
        if (
            not failing
            or variant.image is None
            or extra >= MAX_EXTRA_SCRIM
            or not _over_image(failing, variant, size)
        ):
            break
        extra = round(extra + 0.15, 2)
    draw = ImageDraw.Draw(canvas)
    for plan in plans:  # pills first: the contrast check then sees the text's real background
        if plan.pill:
            for pill in plan.pills:
                _rect(draw, pill, plan.pill, (pill[3] - pill[1]) / 2)
    scrims = 0
    for plan in plans:
        if not plan.pill and _ensure_contrast(canvas, plan, layout.min_contrast):
            scrims += 1
    draw = ImageDraw.Draw(canvas)
    placed: list[PlacedText] = []
    for plan in plans:
        _draw_plan(draw, canvas, plan, page)
        placed.append(
            PlacedText(
                plan.element.name,
                tuple(plan.lines),
                plan.box,
                plan.size,
                _contrast(canvas, plan, before_text=plan.background),
                plan.truncated,
                plan.missing,
            )
        )
        if plan.truncated and plan.element.name == "title":
            warnings.append(f"{page.path}: title: shortened with an ellipsis to fit the social image")
        if plan.missing:
            warnings.append(f"{page.path}: {plan.element.name}: no font has {''.join(plan.missing)!r}")
    return SocialImage(canvas, photo, tuple(placed), tuple(dict.fromkeys(warnings)), safe, scrims)


def _base(
    variant: Variant, size: tuple[int, int], scale: float, images: PageImages, extra_scrim: float
) -> tuple[Image.Image, bool]:
    """Background, shapes and picture (no text); `extra_scrim` darkens the picture further."""
    from PIL import ImageDraw

    canvas = _background(variant, size)
    draw = ImageDraw.Draw(canvas)
    for shape in variant.shapes:
        if shape.layer == "below":
            _rect(draw, shape.rect.px(size), shape.color, shape.radius * scale)
    photo = False
    if variant.image is not None:
        photo = _paste_image(canvas, variant.image, size, scale, images, extra_scrim)
        draw = ImageDraw.Draw(canvas)
    for shape in variant.shapes:
        if shape.layer == "above":
            _rect(draw, shape.rect.px(size), shape.color, shape.radius * scale)
    return canvas, photo


def _over_image(plans: list[_Plan], variant: Variant, size: tuple[int, int]) -> bool:
    assert variant.image is not None
    left, top, right, bottom = variant.image.rect.px(size)
    return any(p.box[0] < right and p.box[2] > left and p.box[1] < bottom and p.box[3] > top for p in plans)


def _background(variant: Variant, size: tuple[int, int]) -> Image.Image:
    from PIL import Image

    if not variant.background_to:
        return Image.new("RGB", size, variant.background)
    import math

    import numpy as np

    width, height = size
    angle = math.radians(variant.background_angle)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (xs / max(1, width - 1)) * math.cos(angle) + (ys / max(1, height - 1)) * math.sin(angle)
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    a = np.array(_rgb(variant.background), np.float32)
    b = np.array(_rgb(variant.background_to), np.float32)
    pixels = a + (b - a) * t[..., None]
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")


def _paste_image(
    canvas: Image.Image,
    area: ImageArea,
    size: tuple[int, int],
    scale: float,
    images: PageImages,
    extra: float = 0.0,
) -> bool:
    from PIL import Image, ImageDraw

    left, top, right, bottom = area.rect.px(size)
    left, top = max(0, left), max(0, top)
    right, bottom = min(size[0], right), min(size[1], bottom)
    if right - left < 2 or bottom - top < 2:
        return False
    hero = images.hero((right - left, bottom - top))
    picture = hero.image.convert("RGB")
    if extra > 0:
        area = replace(area, scrim=1 - (1 - area.scrim) * (1 - extra))
    picture = _overlay(picture, area)
    mask = None
    if area.radius > 0:
        mask = Image.new("L", picture.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            (0, 0, picture.width - 1, picture.height - 1), area.radius * scale, fill=255
        )
    canvas.paste(picture, (left, top), mask)
    return not hero.is_placeholder


def _overlay(picture: Image.Image, area: ImageArea) -> Image.Image:
    """Uniform scrim plus a smooth gradient towards one side (eased, so it has no visible edge)."""
    if area.scrim <= 0 and (area.gradient == "none" or area.gradient_strength <= 0):
        return picture
    import numpy as np
    from PIL import Image

    width, height = picture.size
    alpha = np.full((height, width), area.scrim, np.float32)
    if area.gradient != "none" and area.gradient_strength > 0:
        length = height if area.gradient in ("top", "bottom") else width
        pos = np.linspace(0.0, 1.0, length, dtype=np.float32)
        if area.gradient in ("top", "left"):
            pos = pos[::-1]
        start = 1.0 - area.gradient_extent
        ramp = np.clip((pos - start) / max(1e-6, area.gradient_extent), 0, 1)
        ramp = ramp * ramp * (3 - 2 * ramp)  # smoothstep
        ramp = ramp[:, None] if area.gradient in ("top", "bottom") else ramp[None, :]
        alpha = 1 - (1 - alpha) * (1 - area.gradient_strength * ramp)
    colour = np.array(_rgb(area.scrim_color), np.float32)
    pixels = np.asarray(picture, np.float32)
    out = pixels * (1 - alpha[..., None]) + colour * alpha[..., None]
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "RGB")


def _rect(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], colour: str, radius: float) -> None:
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        return
    if radius > 0:
        draw.rounded_rectangle((left, top, right - 1, bottom - 1), radius=radius, fill=colour)
    else:
        draw.rectangle((left, top, right - 1, bottom - 1), fill=colour)


# --------------------------------------------------------------------------- text


@dataclass
class _Plan:
    element: TextElement
    family: str
    lang: str | None
    size: float
    line_height: float
    lines: list[str]
    x: list[float]  # left of each line
    top: float
    box: tuple[int, int, int, int]  # the drawn text
    color: str
    pill: str = ""
    pills: list[tuple[int, int, int, int]] = field(default_factory=list)
    truncated: bool = False
    missing: tuple[str, ...] = ()
    background: str = ""  # solid colour under the text (pills), "" = measure pixels
    inline: bool = False  # lines sit side by side (tag pills), not stacked
    logo: Image.Image | None = None
    logo_xy: tuple[int, int] = (0, 0)
    measured: float | None = None  # contrast measured on the pixels before the text was drawn


def _plan_texts(
    page: Page,
    variant: Variant,
    template: Template,
    size: tuple[int, int],
    scale: float,
    safe: tuple[int, int, int, int],
    warnings: list[str],
) -> list[_Plan]:
    plans: dict[str, _Plan] = {}
    lang = page.language or None
    for element in variant.texts:
        left, top, right, bottom = element.rect.px(size)
        left, top = max(left, safe[0]), max(top, safe[1])
        right, bottom = min(right, safe[2]), min(bottom, safe[3])
        if element.below and element.below in plans:
            top = max(top, round(plans[element.below].box[3] + element.gap * scale))
        if right - left < 20 or bottom - top < element.min_size * scale:
            continue
        family = _family(element.font, template)
        if element.name == "tags":
            plan = _plan_tags(page, element, family, lang, (left, top, right, bottom), scale)
        else:
            plan = _plan_block(page, element, family, lang, (left, top, right, bottom), scale)
        if plan is not None:
            plans[element.name] = plan
    return list(plans.values())


def _family(font: str, template: Template) -> str:
    if font in ("heading", "body", "mono"):
        return getattr(template.fonts, font)
    return font


def _element_text(page: Page, element: TextElement, authors_max: int = 3) -> str:
    from cardgen import fields

    if element.name == "title":
        return page.title_plain
    parts: list[str] = []
    for name in element.fields:
        if name == "site":
            parts.append(fields.site_line(page))
        elif name == "authors":
            parts.append(fields.authors_line(page, max_names=authors_max))
        elif name == "date":
            parts.append(fields.date_line(page))
        elif name == "tags":
            parts.append(", ".join(page.tags[: element.max_items]))
        elif name == "categories":
            parts.append(", ".join(page.categories[: element.max_items]))
        elif name == "url":
            parts.append(fields.display_url(page.main_url, 48) if page.main_url else "")
        elif name == "description":
            parts.append(page.description)
    return element.separator.join(p.strip() for p in parts if p and p.strip())


def _plan_block(
    page: Page,
    element: TextElement,
    family: str,
    lang: str | None,
    box: tuple[int, int, int, int],
    scale: float,
) -> _Plan | None:
    from cardgen.text.fit import Box, TextStyle, fit_text

    left, top, right, bottom = box
    pad_x = pad_y = 0.0
    if element.pill:
        pad_x, pad_y = 0.6 * element.size * scale, 0.3 * element.size * scale
    style = TextStyle(
        family=family,
        size=element.size * scale,
        min_size=element.min_size * scale,
        max_lines=element.max_lines,
        bold=element.bold,
        line_height=element.line_height,
        balance=element.name == "title",
        lang=lang,
    )
    avail = Box(right - left - 2 * pad_x, bottom - top - 2 * pad_y)
    fitted = None
    # Authors shorten gracefully ("A, B and 3 others" → "A and 4 others") before any ellipsis.
    for authors_max in (3, 2, 1) if "authors" in element.fields else (3,):
        content = _element_text(page, element, authors_max)
        if element.uppercase:
            content = content.upper()
        if not content:
            return None
        fitted = fit_text(content, avail, style)
        if not fitted.truncated:
            break
    assert fitted is not None
    logo = _logo(page, element, fitted.line_height)
    if logo is None:
        return _place(element, family, lang, fitted, box, pad_x, pad_y)
    # The site logo sits before the first line, as tall as a line; the text moves right to make room.
    shift = logo.width + 0.4 * fitted.size
    fitted = fit_text(content, Box(avail.w - shift, avail.h), style)
    plan = _place(element, family, lang, fitted, (left + round(shift), top, right, bottom), pad_x, pad_y)
    plan.logo = logo
    plan.logo_xy = (round(plan.x[0] - shift), round(plan.top + (plan.line_height - logo.height) / 2))
    plan.box = (plan.logo_xy[0], plan.box[1], plan.box[2], plan.box[3])
    return plan


def _logo(page: Page, element: TextElement, height: float) -> Image.Image | None:
    """The site's raster logo scaled to `height` (SVG logos need Cairo: skipped)."""
    path = page.site.logo if page.site is not None else None
    if not element.logo or path is None or path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
        return None
    from cardgen.errors import ImageError
    from cardgen.imaging import open_image

    try:
        img = open_image(path, keep_alpha=True)
    except (ImageError, TypeError):
        return None
    target = max(1, round(height * 0.9))
    width = max(1, round(img.width * target / img.height))
    return img.convert("RGBA").resize((width, target), 1)  # LANCZOS


def _place(
    element: TextElement, family: str, lang: str | None, fitted, box, pad_x: float, pad_y: float
) -> _Plan:
    from cardgen.text.measure import text_width

    left, top, right, bottom = box
    size, lh = float(fitted.size), float(fitted.line_height)
    lines = [line for line in fitted.lines]
    widths = [text_width(line, size, family=family, bold=element.bold, lang=lang) for line in lines]
    block_h = lh * len(lines)
    inner_left, inner_right = left + pad_x, right - pad_x
    if element.valign == "bottom":
        y = bottom - pad_y - block_h
    elif element.valign == "middle":
        y = top + (bottom - top - block_h) / 2
    else:
        y = top + pad_y
    xs = []
    align = mirrored_align(element.align, lang)
    for width in widths:
        if align == "center":
            xs.append(inner_left + (inner_right - inner_left - width) / 2)
        elif align == "right":
            xs.append(inner_right - width)
        else:
            xs.append(inner_left)
    text_box = (
        int(min(xs)),
        int(y),
        int(max(x + w for x, w in zip(xs, widths, strict=True)) + 0.999),
        int(y + block_h + 0.999),
    )
    plan = _Plan(
        element=element,
        family=family,
        lang=lang,
        size=size,
        line_height=lh,
        lines=lines,
        x=xs,
        top=y,
        box=text_box,
        color=element.color,
        truncated=bool(fitted.truncated),
        missing=tuple(getattr(fitted, "missing", ()) or ()),
    )
    if element.pill:
        plan.pill = element.pill
        plan.background = element.pill
        plan.pills = [
            (
                round(text_box[0] - pad_x),
                round(text_box[1] - pad_y),
                round(text_box[2] + pad_x),
                round(text_box[3] + pad_y),
            )
        ]
    return plan


def _plan_tags(
    page: Page,
    element: TextElement,
    family: str,
    lang: str | None,
    box: tuple[int, int, int, int],
    scale: float,
) -> _Plan | None:
    """Tags as a row of pills, as many as fit (up to `max_items`), never a half pill."""
    from cardgen.text.fit import Box, TextStyle, fit_text
    from cardgen.text.measure import text_width

    tags = [t.strip() for t in page.tags if t and t.strip()][: element.max_items]
    if not tags:
        return None
    left, top, right, bottom = box
    size = element.size * scale
    pad_x, pad_y, gap = 0.6 * size, 0.3 * size, 0.4 * size
    style = TextStyle(
        family=family, size=size, min_size=element.min_size * scale, max_lines=1, bold=element.bold, lang=lang
    )
    height = size * element.line_height
    if height + 2 * pad_y > bottom - top:
        size = max(element.min_size * scale, (bottom - top) / (element.line_height + 0.6))
        pad_x, pad_y, gap = 0.6 * size, 0.3 * size, 0.4 * size
        height = size * element.line_height
    labels: list[tuple[str, float]] = []
    used = 0.0
    for tag in tags:
        label = tag.upper() if element.uppercase else tag
        fitted = fit_text(
            label, Box((right - left) - 2 * pad_x, height + 1), replace(style, size=size, min_size=size)
        )
        label = fitted.lines[0] if fitted.lines else label
        width = text_width(label, size, family=family, bold=element.bold, lang=lang)
        need = width + 2 * pad_x + (gap if labels else 0)
        if used + need > right - left:
            break
        labels.append((label, width))
        used += need
    if not labels:
        return None
    pill_top = top + ((bottom - top) - (height + 2 * pad_y)) / 2 if element.valign == "middle" else top
    if element.valign == "bottom":
        pill_top = bottom - (height + 2 * pad_y)
    align = mirrored_align(element.align, lang)
    x = left if align != "right" else right - used
    if align == "center":
        x = left + (right - left - used) / 2
    xs, pills = [], []
    for _label, width in labels:
        pills.append(
            (round(x), round(pill_top), round(x + width + 2 * pad_x), round(pill_top + height + 2 * pad_y))
        )
        xs.append(x + pad_x)
        x += width + 2 * pad_x + gap
    text_top = pill_top + pad_y
    plan = _Plan(
        element=element,
        family=family,
        lang=lang,
        size=size,
        line_height=height,
        lines=[label for label, _ in labels],
        x=xs,
        top=text_top,
        box=(int(xs[0]), int(text_top), int(xs[-1] + labels[-1][1] + 0.999), int(text_top + height + 0.999)),
        color=element.color,
        pill=element.pill,
        pills=pills,
        background=element.pill,
    )
    plan.inline = True
    return plan


def mirrored_align(align: str, lang: str | None) -> str:
    """A right-to-left page sets text flush right where the template says left, and the other way round."""
    from cardgen.i18n import is_rtl

    if not is_rtl(lang):
        return align
    return {"left": "right", "right": "left"}.get(align, align)


def _draw_plan(draw: ImageDraw.ImageDraw, canvas: Image.Image, plan: _Plan, page: Page) -> None:
    from cardgen.text.measure import ascent_descent
    from cardgen.text.raster import draw_text

    if plan.logo is not None:
        canvas.paste(plan.logo, plan.logo_xy, plan.logo)
    ascent, descent = ascent_descent(plan.size, family=plan.family, bold=plan.element.bold)
    lead = (plan.line_height - (ascent + descent)) / 2
    formulas = _formulas(page)
    for i, (line, x) in enumerate(zip(plan.lines, plan.x, strict=True)):
        row = 0 if plan.inline else i
        baseline = plan.top + row * plan.line_height + lead + ascent
        if formulas and any(key in line for key in formulas):
            _draw_with_formulas(draw, canvas, (x, baseline), line, plan, formulas)
            continue
        draw_text(
            draw,
            (x, baseline),
            line,
            plan.size,
            family=plan.family,
            bold=plan.element.bold,
            italic=False,
            lang=plan.lang,
            fill=plan.color,
            anchor="ls",
        )


def _formulas(page: Page) -> dict[str, str]:
    from cardgen.math import inline_formulas

    return inline_formulas([r for runs in (page.title_runs, page.summary_runs) for r in runs])


def _draw_with_formulas(draw: ImageDraw.ImageDraw, canvas: Image.Image, xy: tuple[float, float], line: str,
                        plan: _Plan, formulas: dict[str, str]) -> None:
    """A line whose plain reading of a formula is inexact ("ϕ_T"): the formula is rasterised from the
    same vector drawing the card uses, on the text's baseline."""
    from cardgen.math import check_drawing, typeset
    from cardgen.render.card_draw import _formula_pieces
    from cardgen.text.raster import draw_text

    x, baseline = xy
    for piece, tex in _formula_pieces(line, formulas):
        if not tex:
            x += draw_text(draw, (x, baseline), piece, plan.size, family=plan.family, bold=plan.element.bold,
                           italic=False, lang=plan.lang, fill=plan.color, anchor="ls")
            continue
        from cardgen.math.raster import svg_to_image
        from cardgen.math.svg import DRAW_SIZE

        eq = check_drawing(typeset(tex, display=False))
        image = svg_to_image(eq.svg(plan.color), plan.size / DRAW_SIZE)
        canvas.alpha_composite(image, (int(round(x)), int(round(baseline - eq.ascent * plan.size)))) \
            if canvas.mode == "RGBA" else canvas.paste(image, (int(round(x)), int(round(baseline - eq.ascent * plan.size))), image)
        x += image.width


# --------------------------------------------------------------------------- contrast


def _luminance(rgb):
    """WCAG relative luminance of sRGB values in 0..255 (numpy array, last axis RGB)."""
    import numpy as np

    c = np.asarray(rgb, np.float32) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c[..., 0] * 0.2126 + c[..., 1] * 0.7152 + c[..., 2] * 0.0722


def _region(canvas: Image.Image, box: tuple[int, int, int, int]):
    import numpy as np

    left, top, right, bottom = box
    left, top = max(0, left), max(0, top)
    right, bottom = min(canvas.width, right), min(canvas.height, bottom)
    if right <= left or bottom <= top:
        return None
    return np.asarray(canvas.crop((left, top, right, bottom)), np.float32)


def _contrast(canvas: Image.Image, plan: _Plan, before_text: str = "") -> float:
    """Contrast of the text colour against the worst 5 % of the background under the text box.

    Measured on the pixels under the text: for light text against the brightest background pixels,
    for dark text against the darkest ones. After the text is drawn, solid backgrounds (pills) are
    given by colour; otherwise `_ensure_contrast` recorded the value before drawing.
    """
    import numpy as np

    text_l = float(_luminance(np.array(_rgb(plan.color), np.float32)))
    if before_text:
        return contrast_ratio(text_l, float(_luminance(np.array(_rgb(before_text), np.float32))))
    if plan.measured is not None:
        return plan.measured
    return _measure(canvas, plan.box, text_l)


def _measure(canvas: Image.Image, box: tuple[int, int, int, int], text_l: float) -> float:
    import numpy as np

    pixels = _region(canvas, box)
    if pixels is None:
        return 21.0
    lum = _luminance(pixels[::2, ::2] if pixels.shape[0] > 8 and pixels.shape[1] > 8 else pixels).ravel()
    light_text = text_l >= float(np.median(lum))
    worst = float(np.percentile(lum, 95 if light_text else 5))
    return contrast_ratio(text_l, worst)


def _ensure_contrast(canvas: Image.Image, plan: _Plan, minimum: float) -> bool:
    """Darken (light text) or lighten (dark text) a soft-edged patch under the text until it reaches
    `minimum`; returns True when a patch was needed. The patch is blurred so it reads as shade, not a box."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    text_l = float(_luminance(np.array(_rgb(plan.color), np.float32)))
    measured = _measure(canvas, plan.box, text_l)
    plan.measured = measured
    if measured >= minimum:
        return False
    pixels = _region(canvas, plan.box)
    assert pixels is not None
    light_text = text_l >= float(np.median(_luminance(pixels)))
    shade = (0, 0, 0) if light_text else (255, 255, 255)
    pad = round(plan.size * 0.6)
    blur = max(2, round(plan.size * 0.35))
    left, top, right, bottom = plan.box
    region = (
        max(0, left - pad - 2 * blur),
        max(0, top - pad - 2 * blur),
        min(canvas.width, right + pad + 2 * blur),
        min(canvas.height, bottom + pad + 2 * blur),
    )
    base = canvas.crop(region)
    mask = Image.new("L", base.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (left - pad - region[0], top - pad - region[1], right + pad - region[0], bottom + pad - region[1]),
        radius=pad,
        fill=255,
    )
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    solid = Image.new("RGB", base.size, shade)
    for strength in (0.25, 0.4, 0.55, 0.7, 0.85, 0.95):
        trial = Image.composite(solid, base, mask.point(lambda v, s=strength: round(v * s)))
        canvas.paste(trial, region[:2])
        measured = _measure(canvas, plan.box, text_l)
        if measured >= minimum:
            break
    plan.measured = measured
    return True


# --------------------------------------------------------------------------- files


def _targets(
    page: Page, output: Path | None, presets: list[tuple[str, tuple[int, int]]], fmt: str
) -> tuple[Path, Path | None, str]:
    """(folder, explicit file or None, format) for this call."""
    from cardgen.render.social_encode import SUFFIX_FORMATS, check_format

    fmt = check_format(fmt)
    if output is None:
        return Path.cwd(), None, fmt
    output = Path(output)
    if output.is_dir() or not output.suffix:
        return output, None, fmt
    suffix_fmt = SUFFIX_FORMATS.get(output.suffix.lower())
    if suffix_fmt is None:
        raise UsageError(f"{output}: unknown image suffix (use .png, .jpg or .webp, or give a folder)")
    if len(presets) > 1:
        raise UsageError(
            f"{output}: one file cannot hold {len(presets)} presets; give a folder with --preset all"
        )
    if fmt != "auto" and fmt != suffix_fmt:
        raise UsageError(f"{output}: suffix says {suffix_fmt} but --format is {fmt}")
    return output.parent, output, suffix_fmt


def _file_name(page: Page, preset: str, size: tuple[int, int], extension: str) -> str:
    label = f"{size[0]}x{size[1]}" if preset == "custom" else preset
    return f"{page.slug}-{label}.{extension}"


def render_social(
    page: Page,
    output: Path | None = None,
    *,
    preset: str = "og",
    size: str | None = None,
    template: str | Path | Template = "default",
    format: str = "auto",  # noqa: A002 - the CLI option's name
    max_bytes: int = 1_000_000,
    print_meta: bool = False,
    hugo: bool = False,
    images: PageImages | None = None,
) -> RenderResult:
    """Render the social image(s) of `page` and their meta snippet; see SPEC §3.2."""
    from cardgen.render import social_hugo
    from cardgen.render.assets import PageImages
    from cardgen.render.social_encode import encode
    from cardgen.render.social_meta import image_url, meta_snippet
    from cardgen.templates import load_template

    presets = resolve_presets(preset, size)
    tpl = load_template(template)
    folder, explicit, fmt = _targets(page, output, presets, format)
    if images is None:
        images = PageImages(page, palette=tpl.social.placeholder_palette or None)
    outputs: list[Path] = []
    warnings: list[str] = []
    sizes: dict[str, tuple[int, int]] = {}
    byte_counts: dict[str, int] = {}
    formats: dict[str, str] = {}
    primary: tuple[str, str, tuple[int, int], str] | None = None  # (preset, url, size, mime)
    for name, dims in presets:
        social = compose(page, dims, tpl, images)
        warnings.extend(social.warnings)
        encoded = encode(social.image, fmt, max_bytes, photo=social.photo)
        if encoded.note:
            warnings.append(f"{page.path}: social {name}: {encoded.note}")
        if hugo:
            path = social_hugo.static_path(page, encoded.extension, name)
            url = social_hugo.public_url(page, encoded.extension, name)
        else:
            path = (
                explicit if explicit is not None else folder / _file_name(page, name, dims, encoded.extension)
            )
            if explicit is not None and path.suffix.lower().lstrip(".") not in (encoded.extension, "jpeg"):
                path = path.with_suffix("." + encoded.extension)
                warnings.append(f"{page.path}: social {name}: wrote {path.name} ({encoded.note})")
            url = image_url(page, path.name)
        atomic_write(path, encoded.data)
        outputs.append(path)
        sizes[name] = dims
        byte_counts[name] = len(encoded.data)
        formats[name] = encoded.format
        if primary is None or name == "og":
            primary = (name, url, dims, f"image/{encoded.format}")
    assert primary is not None
    snippet = meta_snippet(page, primary[1], primary[2][0], primary[2][1], mime=primary[3])
    if hugo:
        partial = social_hugo.write_partial(page)
        if partial is not None:
            outputs.append(partial)
    elif not print_meta:
        outputs.append(atomic_write(folder / f"{page.slug}-social.html", snippet.encode("utf-8")))
    warnings.extend(images.warnings)
    return RenderResult(
        outputs=tuple(outputs),
        warnings=tuple(dict.fromkeys(warnings)),
        info={"meta_html": snippet, "sizes": sizes, "bytes": byte_counts, "formats": formats},
    )
