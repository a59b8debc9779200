"""Draw a `Placement` as pixels: the frame's raster, opaque, exactly the requested size.

Cover is the focal-point crop; contain is the whole image centred on its background (edge colour,
a blurred darkened extension of the photo, or the template's surface). Transparent images are
composited on the frame's background here, never on black or white by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageFilter

from cardgen.imaging.crop import REDUCING_GAP, RESAMPLE, CropResult, focal_crop_result
from cardgen.imaging.placement import RGB, Placement

if TYPE_CHECKING:
    from cardgen.page import FocalPoint

#: How dark the blurred extension behind a contained photo is (0 = as is, 1 = black).
EXTEND_SHADE = 0.35
EXTEND_BLUR = 0.04  # Gaussian radius as a share of the frame's longer side
EXTEND_STEP = 4  # the blurred extension is made at 1/EXTEND_STEP of the frame's size


@dataclass(frozen=True)
class PlacedImage:
    image: Image.Image  # RGB, exactly the frame's pixel size
    placement: Placement
    crop: CropResult | None  # the cover crop (None for contain: the whole image is shown)
    image_box: tuple[int, int, int, int]  # where the picture's own pixels are, in frame pixels


def render_placement(
    img: Image.Image,
    placement: Placement,
    size: tuple[int, int],
    focal_point: FocalPoint | str,
    *,
    surface: RGB = (255, 255, 255),
    resample_filter: str = "box",
    crop: CropResult | None = None,
) -> PlacedImage:
    """The frame's raster for `placement` of `img` at `size` pixels.

    `crop` may pass an already-cut cover crop of `img` at `size` (a cache's), to avoid cutting twice.
    """
    width, height = max(1, int(size[0])), max(1, int(size[1]))
    if placement.covers:
        result = crop or focal_crop_result(img, (width, height), focal_point, resample_filter=resample_filter)
        return PlacedImage(_flatten(result.image, surface), placement, result, (0, 0, width, height))

    bx, by, bw, bh = placement.box
    iw, ih = max(1, round(bw * width)), max(1, round(bh * height))
    x, y = round(bx * width), round(by * height)
    canvas = _background(img, placement, (width, height), surface)
    picture = img.resize((iw, ih), RESAMPLE, reducing_gap=REDUCING_GAP if iw < img.width else None)
    if picture.mode == "RGBA":
        canvas.paste(picture, (x, y), picture)
    else:
        canvas.paste(picture.convert("RGB"), (x, y))
    return PlacedImage(canvas, placement, None, (x, y, x + iw, y + ih))


def _background(img: Image.Image, placement: Placement, size: tuple[int, int], surface: RGB) -> Image.Image:
    bg = placement.background
    if bg is not None and bg.kind == "edge" and bg.colour is not None:
        return Image.new("RGB", size, bg.colour)
    if bg is not None and bg.kind == "extend":
        # The photo itself, scaled to cover the frame from a small copy (it is blurred anyway), blurred
        # and shaded at a quarter of the frame's size and then scaled up: a blur this wide has nothing
        # the smaller raster cannot hold (within 1–3 levels of blurring at full size, 55–60 dB), at a
        # fifth of the time (1920×1080: ~140 → ~25 ms).
        small = img.convert("RGB")
        small.thumbnail((64, 64), Image.Resampling.BOX)
        w, h = -(-size[0] // EXTEND_STEP), -(-size[1] // EXTEND_STEP)
        k = max(w / small.width, h / small.height)
        cover = small.resize((max(w, round(small.width * k)), max(h, round(small.height * k))), Image.Resampling.BILINEAR)
        left, top = (cover.width - w) // 2, (cover.height - h) // 2
        cover = cover.crop((left, top, left + w, top + h))
        cover = cover.filter(ImageFilter.GaussianBlur(max(2.0, EXTEND_BLUR * max(size)) / EXTEND_STEP))
        cover = Image.blend(cover, Image.new("RGB", cover.size, (0, 0, 0)), EXTEND_SHADE)
        return cover.resize(size, Image.Resampling.BILINEAR)
    return Image.new("RGB", size, surface)


def _flatten(image: Image.Image, surface: RGB) -> Image.Image:
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, surface)
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")
