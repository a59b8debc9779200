"""How an image sits in a frame: cover (crop at the focal point) or contain (whole, on a background).

A layout decision, made once per frame by `decide_placement` from facts about the image
(`ImageFeatures`, read off the Smart analysis's prescaled copy — no second pass over the pixels) and
the frame's size in pixels *at the output's resolution* (96 px/in on slides, the canvas on social
images, 300 dpi on cards). The rules, as a designer would place a picture:

- never show an image above `max_scale` (2×) its own pixels: a small image is shown smaller, whole;
- a logo or diagram (flat background, few colours or transparency) is contained when a cover crop
  would cut more than a third of its content in either direction (the LiveHD logo, wide diagrams),
  a transparent logo as soon as a cover would cut into it; contained art keeps a margin;
- everything else covers the frame, cut at the focal point (photos, and graphics that fit).

A contained image sits on a background that suits it: its own edge colour when its border is a flat
colour (logos and diagrams on white or a brand colour), a blurred, darkened extension of itself for
photos, the template's surface otherwise (transparent art, busy borders). A template may force
`fit = "cover"` or `"contain"` per image layer; the 2× cap still holds for a forced cover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

Fit = Literal["cover", "contain", "auto"]
Mode = Literal["cover", "contain"]
BackgroundKind = Literal["edge", "extend", "surface"]
RGB = tuple[int, int, int]

FITS: tuple[Fit, ...] = ("cover", "contain", "auto")
#: The most an image is ever enlarged, in output pixels per image pixel.
MAX_SCALE = 2.0
#: A logo, diagram, chart or screenshot is contained when cover would cut more than this share of
#: its content (the box of what is not its flat background): its labels, axes and nodes reach the
#: edges of that box, so any real cut loses some ("kelihood", a node without its arrows).
MAX_ART_LOSS = 0.05
#: Breathing room around contained art (share of the frame on each side): a logo never touches the frame.
ART_MARGIN = 0.06
#: Output resolutions the scale cap is measured at.
SLIDE_PX_PER_INCH = 96.0
CARD_PX_PER_INCH = 300.0

_EDGE_TOLERANCE = 10  # per channel, in 0–255: "the same colour" as the border (JPEG noise passes)
_FLAT_COVERAGE = 0.75  # share of pixels in the 16 commonest colours that makes flat art


@dataclass(frozen=True)
class ImageFeatures:
    """What placement needs to know about a picture, independent of any frame."""

    size: tuple[int, int]  # full-resolution pixels of the file (what the scale cap counts)
    graphic: bool  # a logo, diagram, chart or screenshot rather than a photograph
    transparent: float  # share of pixels that are (partly) transparent
    edge_colour: RGB | None  # the border's colour when the border is one flat opaque colour
    content: tuple[float, float, float, float]  # (x0, y0, x1, y1) fractions holding non-background

    @property
    def content_size(self) -> tuple[float, float]:
        return self.content[2] - self.content[0], self.content[3] - self.content[1]


@dataclass(frozen=True)
class Background:
    kind: BackgroundKind
    colour: RGB | None = None  # the edge colour for "edge"; None for "extend" and "surface"


@dataclass(frozen=True)
class Placement:
    """The decision for one frame. `box` is where the image goes, as fractions of the frame
    (x, y, w, h); (0, 0, 1, 1) for cover. `scale` is output pixels per image pixel."""

    mode: Mode
    box: tuple[float, float, float, float]
    scale: float
    background: Background | None  # None for cover: the image fills the frame
    reason: str

    @property
    def covers(self) -> bool:
        return self.mode == "cover"


def decide_placement(
    features: ImageFeatures,
    frame_px: tuple[float, float],
    *,
    fit: Fit | str = "auto",
    max_scale: float = MAX_SCALE,
) -> Placement:
    """Cover or contain `features`' image in a frame of `frame_px` (width, height) output pixels.

    `frame_px` is the frame at the output's resolution (see `frame_pixels`). Pure: same inputs,
    same decision, for every output that shows the frame.
    """
    fit = str(fit or "auto").strip().lower()
    if fit not in FITS:
        raise ValueError(f"fit {fit!r} is not one of {', '.join(FITS)}")
    fw, fh = float(frame_px[0]), float(frame_px[1])
    w, h = float(features.size[0]), float(features.size[1])
    if fw <= 0 or fh <= 0 or w <= 0 or h <= 0:
        raise ValueError(f"decide_placement: frame {frame_px!r} or image {features.size!r} has no area")
    cover_scale = max(fw / w, fh / h)
    contain_scale = min(fw / w, fh / h)

    if cover_scale > max_scale * (1 + 1e-9):
        why = f"cover would enlarge it {cover_scale:.2f}× (cap {max_scale:g}×)"
        return _contain(features, fw, fh, min(contain_scale, max_scale), why)
    if fit == "contain":
        return _contain(features, fw, fh, min(contain_scale, max_scale), "template asks for contain")
    if fit == "cover":
        return Placement("cover", (0.0, 0.0, 1.0, 1.0), cover_scale, None, "template asks for cover")
    if features.graphic:
        loss = content_loss(features, fw, fh)
        if loss > MAX_ART_LOSS:
            return _contain(features, fw, fh, min(contain_scale, max_scale), f"cover would cut {loss:.0%} of the art")
    return Placement("cover", (0.0, 0.0, 1.0, 1.0), cover_scale, None, "cover at the focal point")


def content_loss(features: ImageFeatures, fw: float, fh: float) -> float:
    """The largest share of the content's width or height that a cover crop of the frame cuts."""
    w, h = features.size
    cover_scale = max(fw / w, fh / h)
    kept_x = fw / cover_scale / w
    kept_y = fh / cover_scale / h
    cw, ch = features.content_size
    lost_x = max(0.0, 1.0 - kept_x / cw) if cw > 0 else 0.0
    lost_y = max(0.0, 1.0 - kept_y / ch) if ch > 0 else 0.0
    return max(lost_x, lost_y)


def _contain(features: ImageFeatures, fw: float, fh: float, scale: float, reason: str) -> Placement:
    w, h = features.size
    if features.graphic:
        scale = min(scale, min(fw / w, fh / h) * (1 - 2 * ART_MARGIN))
    bw, bh = w * scale / fw, h * scale / fh
    box = ((1.0 - bw) / 2, (1.0 - bh) / 2, bw, bh)
    return Placement("contain", box, scale, background_for(features), reason)


def background_for(features: ImageFeatures) -> Background:
    """Edge colour for flat-bordered art, a blurred extension for photos, the surface otherwise."""
    if features.edge_colour is not None and features.transparent < 0.01:
        return Background("edge", features.edge_colour)
    if not features.graphic and features.transparent < 0.01:
        return Background("extend")
    return Background("surface")


def frame_pixels(size: tuple[float, float], unit: Literal["px", "in", "mm", "pt"], px_per_inch: float) -> tuple[float, float]:
    """A frame's size in output pixels: `size` in `unit` at `px_per_inch` (ignored for "px")."""
    from cardgen.units import MM_PER_INCH, PT_PER_INCH

    per_unit = {"px": 1.0, "in": px_per_inch, "mm": px_per_inch / MM_PER_INCH, "pt": px_per_inch / PT_PER_INCH}[unit]
    return float(size[0]) * per_unit, float(size[1]) * per_unit


# ----------------------------------------------------------------------------- features


def image_features(img: Image.Image, resample_filter: str = "box") -> ImageFeatures:
    """Placement facts about `img`, read off the Smart analysis's prescaled copy (memoised there,
    so a page whose crop is Smart pays nothing more), computed once while `img` lives. `img` should
    keep its alpha channel."""
    from cardgen.imaging.decode import INFO_SOURCE_SIZE
    from cardgen.imaging.smartcrop import smart_analysis
    from cardgen.memo import memoised

    def compute() -> ImageFeatures:
        small = smart_analysis(img, resample_filter).small
        source = tuple(img.info.get(INFO_SOURCE_SIZE) or img.size)
        return features_from_pixels(small, (int(source[0]), int(source[1])))

    return memoised(img, ("features", img.size, img.mode, resample_filter), compute)


def features_from_pixels(rgba: np.ndarray, size: tuple[int, int]) -> ImageFeatures:
    """`ImageFeatures` from a small premultiplied RGBA copy (H×W×4 bytes) of an image of `size`."""
    import numpy as np

    h, w = rgba.shape[:2]
    alpha = rgba[..., 3]
    see_through = alpha < 250
    transparent = float(see_through.mean()) if alpha.size else 0.0
    rgb = rgba[..., :3]

    ring = max(1, min(h, w) // 50)
    border = np.zeros((h, w), bool)
    border[:ring, :] = border[-ring:, :] = True
    border[:, :ring] = border[:, -ring:] = True
    edge_opaque = border & ~see_through
    edge_colour: RGB | None = None
    background = see_through.copy()
    if edge_opaque.sum() >= 0.5 * border.sum():
        median = np.median(rgb[edge_opaque], axis=0)  # whole or half levels
        # |level − median| ≤ tolerance, per channel, as the whole levels between two bounds
        near = np.ones((h, w), bool)
        for ch in range(3):
            low, high = math.ceil(median[ch] - _EDGE_TOLERANCE), math.floor(median[ch] + _EDGE_TOLERANCE)
            channel = rgb[..., ch]
            near &= (channel >= max(low, 0)) & (channel <= min(high, 255))
        if (near & edge_opaque).sum() >= 0.8 * edge_opaque.sum():
            edge_colour = (int(median[0]), int(median[1]), int(median[2]))
            background |= near
    opaque = ~see_through
    flat = False
    if opaque.any():
        pixels = rgb.reshape(-1, 3) if transparent == 0.0 else rgb[opaque]
        quant = (pixels >> 2).astype(np.int32)  # 64 levels: smooth gradients spread out
        keys = (quant[:, 0] << 12) | (quant[:, 1] << 6) | quant[:, 2]
        counts = np.bincount(keys)
        counts = counts[counts > 0]
        top = np.partition(counts, counts.size - 16)[-16:] if counts.size > 16 else counts  # the 16 commonest
        flat = top.sum() >= _FLAT_COVERAGE * opaque.sum()
    background_share = float(background.mean())
    graphic = transparent > 0.05 or flat or (edge_colour is not None and background_share >= 0.4)
    content = _content_box(~background)
    return ImageFeatures(size=size, graphic=bool(graphic), transparent=transparent,
                         edge_colour=edge_colour, content=content)


def _content_box(mask: np.ndarray) -> tuple[float, float, float, float]:
    """Fractions (x0, y0, x1, y1) of the rows and columns that hold content (1 % of a line or more)."""
    import numpy as np

    h, w = mask.shape
    if not mask.any():
        return 0.0, 0.0, 1.0, 1.0
    cols = np.flatnonzero(mask.mean(axis=0) >= 0.01)
    rows = np.flatnonzero(mask.mean(axis=1) >= 0.01)
    if len(cols) == 0 or len(rows) == 0:
        return 0.0, 0.0, 1.0, 1.0
    return cols[0] / w, rows[0] / h, (cols[-1] + 1) / w, (rows[-1] + 1) / h
