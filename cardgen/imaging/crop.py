"""Focal-point crops: cover the target size and keep the part of the picture the page asks for.

Fixed anchors mirror Hugo's `Fill` (gift's `ResizeToFill`): scale the whole image to the smallest size
that covers the target, rounding as gift does, then cut the target at the anchor (integer-halved
offsets for the centred axis). We do the same arithmetic but resample only the kept region, straight
from the source (`Image.resize(box=…)`), which is both faster and sharper.

`Smart` takes the smartcrop window (see `smartcrop.py`), trims it to the exact target aspect around its
centre (Hugo stretches the 1–2 px of rounding; we never distort) and resizes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from cardgen.errors import ImageError
from cardgen.imaging.decode import INFO_PATH, INFO_SOURCE_SIZE
from cardgen.imaging.smartcrop import smart_crop_box
from cardgen.page import FocalPoint
from cardgen.units import MM_PER_INCH

Box = tuple[int, int, int, int]
Region = tuple[float, float, float, float]

#: Where each fixed anchor sits along x and y (kept for callers; the enum carries the same values).
ANCHOR_FRACTIONS: dict[str, tuple[float, float]] = {
    f.value: f.fractions for f in FocalPoint if f.fractions is not None
}

#: Resample with Pillow's antialiased BICUBIC (support 2: about a third faster than LANCZOS on the
#: 1–3× reductions every output needs, with no visible difference on photographs; Hugo's own default
#: filter is the cruder Box). `reducing_gap` lets Pillow box-reduce first when the source is ≥ 4× the
#: target.
RESAMPLE = Image.Resampling.BICUBIC
REDUCING_GAP = 2.0
#: An enlargement below this (under one pixel in 200) is not worth a warning: it prints as 1.00×.
_VISIBLE_UPSCALE = 1.005


@dataclass(frozen=True)
class CropResult:
    """A focal-point crop and the facts a backend needs about it (warnings are returned, not printed)."""

    image: Image.Image  # exactly the requested size
    box: Box  # kept region in pixels of the decoded image (what `crop_box` returns)
    focal_point: FocalPoint
    decoded_size: tuple[int, int]  # size of the image that was cropped
    source_size: tuple[int, int]  # full-resolution size of the file (= decoded_size if unknown)
    scale: float  # output pixels per source pixel of the file; > 1 means upscaled
    warnings: tuple[str, ...] = ()

    @property
    def upscaled(self) -> bool:
        return self.scale > 1.0 + 1e-6

    def dpi(self, out_size_mm: tuple[float, float]) -> float:
        """Effective resolution of the kept region when printed at `out_size_mm` (width, height)."""
        return effective_dpi(self.source_size, self.box, out_size_mm, decoded_size=self.decoded_size)


def anchor_of(focal_point: FocalPoint | str | None) -> FocalPoint:
    """The anchor a crop uses: a `FocalPoint` as it is; a name (any case, as `FocalPoint.parse` reads
    it) for callers that build crops without a page. An unknown name is a caller bug and raises (the
    page loader already turned front-matter mistakes into a warning and the default)."""
    anchor = FocalPoint.parse(focal_point)
    if anchor is None:
        valid = ", ".join(f.display for f in FocalPoint)
        raise ImageError(f"{focal_point!r} is not one of {valid}", field="image.focal_point")
    return anchor


def crop_box(
    img_size: tuple[int, int],
    aspect_or_size: float | tuple[int, int],
    focal_point: FocalPoint | str,
    img: Image.Image | None = None,
    *,
    resample_filter: str = "box",
) -> Box:
    """The `(left, top, right, bottom)` pixels of an `img_size` image that `focal_crop` keeps.

    - `img_size`: size of the picture the box refers to — the decoded image, or the file's
      full-resolution size (the pptx backend crops the original file and needs fractions of it).
    - `aspect_or_size`: the target as output pixels `(w, h)` (exactly what `focal_crop` gets) or a
      width/height ratio (for a box in EMU or mm); with a ratio the box is exact to the pixel.
    - `focal_point`: a `FocalPoint` (or a name, read as `FocalPoint.parse` reads it).
    - `img`: required for `smart` (the analysis needs pixels); it may be a smaller decode of the same
      picture — the box is scaled from `img.size` to `img_size`.
    - `resample_filter`: the site's `imaging.resampleFilter` (Smart analyses a copy prescaled with it).

    The box has the target aspect to within one pixel of rounding.
    """
    region = _region(img_size, aspect_or_size, anchor_of(focal_point), img, resample_filter)
    return _round_box(region, img_size)


def focal_crop(
    img: Image.Image, size: tuple[int, int], focal_point: FocalPoint | str, *, resample_filter: str = "box"
) -> Image.Image:
    """`img` scaled to cover `size` and cut at `focal_point`; always exactly `size` pixels."""
    return focal_crop_result(img, size, focal_point, resample_filter=resample_filter).image


def focal_crop_result(
    img: Image.Image, size: tuple[int, int], focal_point: FocalPoint | str, *, resample_filter: str = "box"
) -> CropResult:
    """`focal_crop` plus the kept box, the scale and an upscale warning (print cares: see `dpi`)."""
    size = (int(size[0]), int(size[1]))
    if size[0] <= 0 or size[1] <= 0:
        raise ImageError(f"crop target {size[0]}×{size[1]} has no pixels", path=img.info.get(INFO_PATH))
    anchor = anchor_of(focal_point)
    region = _region(img.size, size, anchor, img, resample_filter)
    out = img.resize(size, RESAMPLE, box=region, reducing_gap=REDUCING_GAP)

    source_size = tuple(img.info.get(INFO_SOURCE_SIZE) or img.size)
    to_source = source_size[0] / img.size[0]
    kept_w = (region[2] - region[0]) * to_source
    scale = size[0] / kept_w
    decoded_scale = size[0] / (region[2] - region[0])
    where = img.info.get(INFO_PATH)
    name = f"{Path(where).name}: " if where else ""
    warnings: tuple[str, ...] = ()
    if scale >= _VISIBLE_UPSCALE:
        warnings = (
            f"{name}image is {source_size[0]}×{source_size[1]} px; its {anchor.display} crop is "
            f"upscaled {scale:.2f}× to {size[0]}×{size[1]}",
        )
    elif decoded_scale > 1.05:
        warnings = (
            f"{name}image was decoded at {img.size[0]}×{img.size[1]}, too small for {size[0]}×{size[1]}; "
            "pass the largest output size as open_image(target_size=…)",
        )
    return CropResult(
        image=out,
        box=_round_box(region, img.size),
        focal_point=anchor,
        decoded_size=img.size,
        source_size=source_size,
        scale=scale,
        warnings=warnings,
    )


def effective_dpi(
    src_size: tuple[int, int],
    crop_box: Sequence[float],
    out_size_mm: tuple[float, float],
    *,
    decoded_size: tuple[int, int] | None = None,
) -> float:
    """Pixels per inch of the file that end up on paper when `crop_box` is printed at `out_size_mm`.

    `crop_box` is in pixels of `decoded_size` (default: `src_size`, the file's full resolution); a box
    from a draft decode is scaled up to the file's resolution, since that is what print could use.
    The lower of the two axes is returned (they agree for an undistorted crop).
    """
    dec = decoded_size or src_size
    kx, ky = src_size[0] / dec[0], src_size[1] / dec[1]
    w_in, h_in = out_size_mm[0] / MM_PER_INCH, out_size_mm[1] / MM_PER_INCH
    if w_in <= 0 or h_in <= 0:
        raise ValueError(f"effective_dpi: output size {out_size_mm!r} mm has no area")
    dpi_x = (crop_box[2] - crop_box[0]) * kx / w_in
    dpi_y = (crop_box[3] - crop_box[1]) * ky / h_in
    return min(dpi_x, dpi_y)


def dpi_warning(result: CropResult, out_size_mm: tuple[float, float], minimum: float = 200.0) -> str | None:
    """A one-line print warning when the crop prints below `minimum` dpi (SPEC §3.3: warn below 200)."""
    dpi = result.dpi(out_size_mm)
    if dpi >= minimum:
        return None
    where = result.image.info.get(INFO_PATH)
    name = f"{Path(where).name}: " if where else ""
    return (
        f"{name}image prints at {dpi:.0f} dpi on {out_size_mm[0]:g}×{out_size_mm[1]:g} mm "
        f"(below {minimum:.0f}); use a larger featured image"
    )


def _region(
    img_size: tuple[int, int],
    aspect_or_size: float | tuple[int, int],
    anchor: FocalPoint,
    img: Image.Image | None,
    resample_filter: str = "box",
) -> Region:
    width, height = int(img_size[0]), int(img_size[1])
    if width <= 0 or height <= 0:
        raise ImageError(f"image of {width}×{height} pixels cannot be cropped")
    fractions = anchor.fractions
    if fractions is None:  # Smart
        if img is None:
            raise ValueError("crop_box(…, 'smart') needs the image: pass img=")
        target = _target(aspect_or_size)
        box: tuple[float, float, float, float] = smart_crop_box(img, target, resample_filter=resample_filter)
        if img.size != (width, height):
            kx, ky = width / img.size[0], height / img.size[1]
            box = (box[0] * kx, box[1] * ky, box[2] * kx, box[3] * ky)
        aspect = target if isinstance(target, float) else target[0] / target[1]
        return _trim_to_aspect(box, aspect)
    fx, fy = fractions
    if isinstance(aspect_or_size, (int, float)):
        return _anchor_region(width, height, float(aspect_or_size), fx, fy)
    return _fill_region(width, height, int(aspect_or_size[0]), int(aspect_or_size[1]), fx, fy)


def _target(aspect_or_size: float | tuple[int, int]) -> float | tuple[int, int]:
    if isinstance(aspect_or_size, (int, float)):
        if aspect_or_size <= 0:
            raise ValueError(f"aspect ratio must be positive, not {aspect_or_size!r}")
        return float(aspect_or_size)
    w, h = int(aspect_or_size[0]), int(aspect_or_size[1])
    if w <= 0 or h <= 0:
        raise ValueError(f"target size must be positive, not {aspect_or_size!r}")
    return w, h


def _fill_region(width: int, height: int, w: int, h: int, fx: float, fy: float) -> Region:
    """gift.ResizeToFill's arithmetic, mapped back to source pixels."""
    wratio, hratio = width / w, height / h
    if wratio < hratio:
        tmp_w, tmp_h = w, max(int(height / wratio + 0.5), h)
    else:
        tmp_w, tmp_h = max(int(width / hratio + 0.5), w), h
    x = _anchor_offset(tmp_w - w, fx)
    y = _anchor_offset(tmp_h - h, fy)
    sx, sy = width / tmp_w, height / tmp_h
    return x * sx, y * sy, (x + w) * sx, (y + h) * sy


def _anchor_offset(spare: int, fraction: float) -> int:
    if fraction == 0.0:
        return 0
    if fraction == 1.0:
        return spare
    return spare // 2  # Go's integer division, as gift's anchorPt


def _anchor_region(width: int, height: int, aspect: float, fx: float, fy: float) -> Region:
    if width / height > aspect:
        kept_w = height * aspect
        x = (width - kept_w) * fx
        return x, 0.0, x + kept_w, float(height)
    kept_h = width / aspect
    y = (height - kept_h) * fy
    return 0.0, y, float(width), y + kept_h


def _trim_to_aspect(box: Sequence[float], aspect: float) -> Region:
    x0, y0, x1, y1 = (float(v) for v in box)
    w, h = x1 - x0, y1 - y0
    if w / h > aspect:
        new_w = h * aspect
        x0 += (w - new_w) / 2
        return x0, y0, x0 + new_w, y1
    new_h = w / aspect
    y0 += (h - new_h) / 2
    return x0, y0, x1, y0 + new_h


def _round_box(region: Region, img_size: tuple[int, int]) -> Box:
    x0, y0, x1, y1 = (int(round(v)) for v in region)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(int(img_size[0]), max(x1, x0 + 1)), min(int(img_size[1]), max(y1, y0 + 1))
    return x0, y0, x1, y1
