"""The raster backend: a `Scene` in pixels → a Pillow image. It translates, it does not decide.

Nodes are drawn in order: the background (solid or gradient), pictures and shapes, then text and what
belongs to it (tag pills, the site logo). The one thing only pixels can tell is legibility over a
photograph: for text with `min_contrast`, the picture is first tinted a little more as a whole (it
reads as a deliberate tint) and only then shaded locally under the text that still fails (SPEC §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cardgen.colors import contrast_ratio, relative_luminance
from cardgen.colors import rgb as _rgb
from cardgen.layout.model import ImageBox, Node, Overlay, Scene, Shape, TextBox

if TYPE_CHECKING:
    from PIL import Image, ImageDraw

    from cardgen.render.assets import PageImages

MAX_EXTRA_SCRIM = 0.6  # how much further a picture may be darkened before patches take over


@dataclass(frozen=True)
class Raster:
    image: Image.Image
    photo: bool  # a real photograph is shown (JPEG suits it); False for placeholder art / flat layouts
    contrast: dict[str, float]  # text node name → contrast measured against its background
    scrims: int = 0  # text regions that needed local shading to reach their contrast floor


def _is_front(node: Node) -> bool:
    """Text and what belongs to it: drawn above every picture and shape."""
    if isinstance(node, TextBox):
        return True
    if isinstance(node, ImageBox):
        return node.crop.source == "logo"
    return isinstance(node, Shape) and "-pill" in node.name


def draw(scene: Scene, images: PageImages) -> Raster:
    from PIL import ImageDraw

    size = (round(scene.size[0]), round(scene.size[1]))
    art = [n for n in scene.nodes if not _is_front(n)]
    front = [n for n in scene.nodes if _is_front(n)]
    texts = [n for n in front if isinstance(n, TextBox)]
    pictures = [n for n in art if isinstance(n, ImageBox)]
    extra = 0.0
    while True:
        canvas, photo = _base(scene, size, art, images, extra)
        failing = [
            t
            for t in texts
            if t.min_contrast
            and not t.background
            and relative_luminance(t.color) > 0.4  # a darker tint only helps light text
            and _measure(canvas, t.rect.px(), relative_luminance(t.color)) < t.min_contrast
        ]
        if not failing or not pictures or extra >= MAX_EXTRA_SCRIM or not _over(failing, pictures):
            break
        extra = round(extra + 0.15, 2)
    drawer = ImageDraw.Draw(canvas)
    for node in front:  # pills first: the contrast check then sees the text's real background
        if isinstance(node, Shape):
            _rect(drawer, node.rect.px(), node.color, node.radius)
    contrast: dict[str, float] = {}
    scrims = 0
    for text in texts:
        if text.background:
            contrast[text.name] = _solid_contrast(text.color, text.background)
            continue
        measured, patched = ensure_contrast(canvas, text, text.min_contrast)
        contrast[text.name] = measured
        scrims += patched
    for node in front:  # logos after the shading: it is for the text, not for the picture beside it
        if isinstance(node, ImageBox):
            logo = images.logo_image(node.crop.pixels)
            if logo is not None:
                canvas.paste(logo, node.rect.px()[:2], logo)
    drawer = ImageDraw.Draw(canvas)
    for text in texts:
        draw_text_box(drawer, text, canvas)
    return Raster(canvas, photo, contrast, scrims)


def _base(
    scene: Scene, size: tuple[int, int], art: list[Node], images: PageImages, extra: float
) -> tuple[Image.Image, bool]:
    from PIL import ImageDraw

    canvas = background(scene, size)
    drawer = ImageDraw.Draw(canvas)
    photo = False
    for node in art:
        if isinstance(node, Shape):
            _rect(drawer, node.rect.px(), node.color, node.radius)
        elif isinstance(node, ImageBox):
            photo = _paste(canvas, node, images, extra) or photo
            drawer = ImageDraw.Draw(canvas)
    return canvas, photo


def _over(texts: list[TextBox], pictures: list[ImageBox]) -> bool:
    return any(t.rect.overlaps(p.rect) for t in texts for p in pictures)


def background(scene: Scene, size: tuple[int, int]) -> Image.Image:
    from PIL import Image

    bg = scene.background
    if not bg.color_to:
        return Image.new("RGB", size, bg.color)
    import math

    import numpy as np

    width, height = size
    angle = math.radians(bg.angle)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (xs / max(1, width - 1)) * math.cos(angle) + (ys / max(1, height - 1)) * math.sin(angle)
    t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
    a = np.array(_rgb(bg.color), np.float32)
    b = np.array(_rgb(bg.color_to), np.float32)
    pixels = a + (b - a) * t[..., None]
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")


def _paste(canvas: Image.Image, node: ImageBox, images: PageImages, extra: float = 0.0) -> bool:
    """The featured image cut to the node's crop spec, tinted by its overlay; True for a photograph."""
    from PIL import Image, ImageDraw

    left, top, _right, _bottom = node.rect.px()
    # The layout placed the picture (a contained one already has its own aspect and size): cut it as given.
    hero = images.hero(node.crop.pixels, node.crop.focal_point, fit="cover", surface=node.surface)
    picture = hero.image.convert("RGB")
    overlay = node.overlay
    if extra > 0:
        overlay = replace(overlay, scrim=1 - (1 - overlay.scrim) * (1 - extra))
    picture = apply_overlay(picture, overlay)
    mask = None
    if node.radius > 0:
        mask = Image.new("L", picture.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            (0, 0, picture.width - 1, picture.height - 1), node.radius, fill=255
        )
    canvas.paste(picture, (left, top), mask)
    return not hero.is_placeholder


def apply_overlay(picture: Image.Image, overlay: Overlay) -> Image.Image:
    """Uniform scrim plus a smooth gradient towards one side (eased, so it has no visible edge)."""
    if not overlay.visible:
        return picture
    import numpy as np
    from PIL import Image

    width, height = picture.size
    alpha = np.full((height, width), overlay.scrim, np.float32)
    if overlay.gradient != "none" and overlay.strength > 0:
        length = height if overlay.gradient in ("top", "bottom") else width
        pos = np.linspace(0.0, 1.0, length, dtype=np.float32)
        if overlay.gradient in ("top", "left"):
            pos = pos[::-1]
        start = 1.0 - overlay.extent
        ramp = np.clip((pos - start) / max(1e-6, overlay.extent), 0, 1)
        ramp = ramp * ramp * (3 - 2 * ramp)  # smoothstep
        ramp = ramp[:, None] if overlay.gradient in ("top", "bottom") else ramp[None, :]
        alpha = 1 - (1 - alpha) * (1 - overlay.strength * ramp)
    colour = np.array(_rgb(overlay.color), np.float32)
    pixels = np.asarray(picture, np.float32)
    out = pixels * (1 - alpha[..., None]) + colour * alpha[..., None]
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "RGB")


def _rect(drawer: ImageDraw.ImageDraw, box: tuple[int, int, int, int], colour: str, radius: float) -> None:
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        return
    if radius > 0:
        drawer.rounded_rectangle((left, top, right - 1, bottom - 1), radius=radius, fill=colour)
    else:
        drawer.rectangle((left, top, right - 1, bottom - 1), fill=colour)


def draw_text_box(drawer: ImageDraw.ImageDraw, text: TextBox, canvas: Image.Image | None = None) -> None:
    from cardgen.text.raster import draw_text

    formulas = dict(text.formulas)
    for line in text.lines:
        if canvas is not None and formulas and any(key in line.text for key in formulas):
            _draw_with_formulas(drawer, canvas, line.x, line.baseline, line.text, text, formulas)
            continue
        draw_text(
            drawer,
            (line.x, line.baseline),
            line.text,
            text.size,
            family=text.family,
            bold=text.bold,
            italic=text.italic,
            lang=text.lang,
            fill=text.color,
            anchor="ls",
        )


def _draw_with_formulas(
    drawer: ImageDraw.ImageDraw,
    canvas: Image.Image,
    x: float,
    baseline: float,
    line: str,
    text: TextBox,
    formulas: dict[str, str],
) -> None:
    """A line whose plain reading of a formula is inexact ("ϕ_T"): the formula is rasterised from the
    same vector drawing the card uses, on the text's baseline."""
    from cardgen.layout.text import formula_pieces
    from cardgen.math import check_drawing, typeset
    from cardgen.math.raster import svg_to_image
    from cardgen.math.svg import DRAW_SIZE
    from cardgen.text.raster import draw_text

    for piece, tex in formula_pieces(line, formulas):
        if not tex:
            x += draw_text(
                drawer,
                (x, baseline),
                piece,
                text.size,
                family=text.family,
                bold=text.bold,
                italic=text.italic,
                lang=text.lang,
                fill=text.color,
                anchor="ls",
            )
            continue
        eq = check_drawing(typeset(tex, display=False))
        image = svg_to_image(eq.svg(text.color), text.size / DRAW_SIZE)
        xy = (int(round(x)), int(round(baseline - eq.ascent * text.size)))
        if canvas.mode == "RGBA":
            canvas.alpha_composite(image, xy)
        else:
            canvas.paste(image, xy, image)
        x += image.width


# --------------------------------------------------------------------------- contrast


def _luminance(rgb: Any) -> Any:
    """WCAG relative luminance of sRGB values in 0..255 (numpy array, last axis RGB)."""
    import numpy as np

    c = np.asarray(rgb, np.float32) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c[..., 0] * 0.2126 + c[..., 1] * 0.7152 + c[..., 2] * 0.0722


def _solid_contrast(color: str, background_color: str) -> float:
    return contrast_ratio(relative_luminance(color), relative_luminance(background_color))


def _region(canvas: Image.Image, box: tuple[int, int, int, int]) -> Any:
    import numpy as np

    left, top, right, bottom = box
    left, top = max(0, left), max(0, top)
    right, bottom = min(canvas.width, right), min(canvas.height, bottom)
    if right <= left or bottom <= top:
        return None
    return np.asarray(canvas.crop((left, top, right, bottom)), np.float32)


def _measure(canvas: Image.Image, box: tuple[int, int, int, int], text_l: float) -> float:
    """Contrast of text of luminance `text_l` against the worst 5 % of the pixels under `box`: the
    brightest for light text, the darkest for dark text."""
    import numpy as np

    pixels = _region(canvas, box)
    if pixels is None:
        return 21.0
    lum = _luminance(pixels[::2, ::2] if pixels.shape[0] > 8 and pixels.shape[1] > 8 else pixels).ravel()
    light_text = text_l >= float(np.median(lum))
    worst = float(np.percentile(lum, 95 if light_text else 5))
    return contrast_ratio(text_l, worst)


def ensure_contrast(canvas: Image.Image, text: TextBox, minimum: float) -> tuple[float, bool]:
    """Darken (light text) or lighten (dark text) a soft-edged patch under the text until it reaches
    `minimum`; returns (contrast measured, whether a patch was needed). The patch is blurred so it reads
    as shade, not a box."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    text_l = relative_luminance(text.color)
    box = text.rect.px()
    measured = _measure(canvas, box, text_l)
    if measured >= minimum:
        return measured, False
    pixels = _region(canvas, box)
    assert pixels is not None
    light_text = text_l >= float(np.median(_luminance(pixels)))
    shade = (0, 0, 0) if light_text else (255, 255, 255)
    pad = round(text.size * 0.6)
    blur = max(2, round(text.size * 0.35))
    left, top, right, bottom = box
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
        measured = _measure(canvas, box, text_l)
        if measured >= minimum:
            break
    return measured, True
