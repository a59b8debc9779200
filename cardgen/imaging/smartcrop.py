"""`Smart` focal point: muesli/smartcrop v0.3.0 exactly as Hugo 0.111 runs it for `Fill … Smart`.

Hugo's `smartCrop` (resources/images/smartcrop.go) calls `FindBestCrop(img, w, h)` with its own
`imagingResizer` and intersects the returned window with the image bounds. We follow the Go code
step by step so the same file gets the same window:

- prescale so the short side is 400 px (`prescaleMin`): width `int(W·f)`, height
  `ceil(H / (W / width))`, through Hugo's resizer with the site's `imaging.resampleFilter`
  (`hugo_resize.py` reproduces gift's float32 arithmetic; default `box`), drawn into RGBA — except
  for a decode already reduced below the file's size (a big JPEG DCT-scaled for its outputs):
  Hugo's prescale reads pixels that decode does not hold, so Pillow's resampler of the same filter
  family prescales it (~4× faster; on reduced decodes of 13 photos its windows agreed with Hugo's as
  often as the exact resizer's did);
- feature maps: edges (4-neighbour Laplacian of the lopsided "cie" lightness
  0.0722 R + 0.7152 G + 0.5126 B — sic), skin (distance of the normalised RGB to (0.78, 0.57, 0.44),
  kept above 0.8 with lightness in [0.2, 1]) and saturation (HSL S above 0.4, lightness in [0.05, 0.9]),
  each quantised to a byte as the Go code stores them in an RGBA image;
- windows of the target aspect at scales 1.0 and 0.9 of the largest that fits, every 8 px;
- each window scores every 8th pixel of the maps weighted by an importance map (centre, edge penalty,
  rule-of-thirds boost, −0.5 outside); total = (0.2·detail + 1.8·skin + 0.3·saturation) / area;
  the first window with the highest total wins (scale 1.0 first, then top-to-bottom, left-to-right).

The Go code scores each window with a loop over the whole image. Here windows and samples share the
8-px lattice, so the importance map is one kernel per scale and all windows are scored at once as a
correlation (`sliding_window_view` + `tensordot`). That sums in another order, so windows within
rounding of the best (flat backgrounds, symmetric art) are scored again the Go way — the same float64
operations, accumulated sample by sample — and the first strict maximum wins, as in Go.

`smart_analysis` exposes the prescaled copy and the sampled maps so that image placement reads its
features from them instead of passing over the pixels again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from cardgen.imaging.decode import INFO_GO_KIND, INFO_SOURCE_SIZE
from cardgen.imaging.hugo_resize import DEFAULT_FILTER, OPAQUE_KINDS, GoKind, go_kind, resize_for_smartcrop
from cardgen.memo import memoised

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

DETAIL_WEIGHT = 0.2
SKIN_BIAS = 0.01
SKIN_BRIGHTNESS_MIN = 0.2
SKIN_BRIGHTNESS_MAX = 1.0
SKIN_THRESHOLD = 0.8
SKIN_WEIGHT = 1.8
SKIN_COLOR = (0.78, 0.57, 0.44)
SATURATION_BRIGHTNESS_MIN = 0.05
SATURATION_BRIGHTNESS_MAX = 0.9
SATURATION_THRESHOLD = 0.4
SATURATION_BIAS = 0.2
SATURATION_WEIGHT = 0.3
SCORE_DOWN_SAMPLE = 8
STEP = 8
SCALE_STEP = 0.1
MIN_SCALE = 0.9
MAX_SCALE = 1.0
EDGE_RADIUS = 0.4
EDGE_WEIGHT = -20.0
OUTSIDE_IMPORTANCE = -0.5
PRESCALE_MIN = 400.0

Box = tuple[int, int, int, int]



@dataclass(frozen=True)
class SmartAnalysis:
    """What smartcrop computes once per image, whatever the target: the prescaled copy and the maps.

    `small` is the premultiplied RGBA copy (H×W×4 bytes) smartcrop analyses; `factor` its scale from
    the image; `detail`, `skin` and `saturation` the byte maps at every 8th pixel (where the score
    samples), and `values` their weighted sum per sample.
    """

    small: np.ndarray
    factor: float
    detail: np.ndarray
    skin: np.ndarray
    saturation: np.ndarray
    values: np.ndarray

    @property
    def small_size(self) -> tuple[int, int]:
        return int(self.small.shape[1]), int(self.small.shape[0])


def smart_crop_box(
    img: Image.Image, aspect: float | tuple[int, int], *, resample_filter: str = DEFAULT_FILTER
) -> Box:
    """The window Hugo's `Smart` would keep, as `(left, top, right, bottom)` pixels of `img`.

    `aspect` is either the target's width/height ratio or the target size `(w, h)` in output pixels;
    the size matters only when the target is larger than the image (Hugo then skips the 0.9 window).
    `resample_filter` is the site's `imaging.resampleFilter`. The box has the target aspect to within
    a pixel or two of rounding (as Hugo's); `focal_crop` trims it to the exact aspect. Deterministic;
    about 10–30 ms whatever the input size after draft decoding, because the analysis runs on a
    400-px prescaled copy.
    """
    name = (resample_filter or DEFAULT_FILTER).lower()
    key = (img.size, img.mode, aspect if isinstance(aspect, tuple) else float(aspect), name)
    return memoised(img, key, lambda: _find_best_crop(img, aspect, name))


def smart_analysis(img: Image.Image, resample_filter: str = DEFAULT_FILTER) -> SmartAnalysis:
    """The prescaled copy and feature maps of `img` (memoised while `img` lives)."""
    name = (resample_filter or DEFAULT_FILTER).lower()
    factor, small = _prescale_geometry(*img.size)
    key = ("analysis", img.size, img.mode, name)
    return memoised(img, key, lambda: _analyse(img, small, factor, name))


def _prescale_geometry(width: int, height: int) -> tuple[float, tuple[int, int]]:
    """smartcrop's prescale factor and the size Hugo's imagingResizer gives for `Resize(int(W·f), 0)`."""
    factor = 1.0
    if PRESCALE_MIN / min(width, height) < 1.0:
        factor = PRESCALE_MIN / min(width, height)
    small_w = max(1, int(width * factor))
    small_h = max(1, math.ceil(height / (width / small_w)))  # gohugoio/hugo#7955: ceil, not round
    return factor, (small_w, small_h)


def _find_best_crop(img: Image.Image, aspect: float | tuple[int, int], filter_name: str) -> Box:
    width, height = img.size
    if isinstance(aspect, tuple):
        tw, th = float(aspect[0]), float(aspect[1])
        if (int(tw), int(th)) == (width, height):
            return 0, 0, width, height  # Hugo returns the bounds untouched
    else:
        tw, th = float(aspect), 1.0  # a tiny target: both window scales apply, as for any downscale
    if tw <= 0 or th <= 0 or width <= 0 or height <= 0:
        raise ValueError(f"smart_crop_box: bad target {aspect!r} for a {width}×{height} image")

    scale = min(width / tw, height / th)
    analysis = smart_analysis(img, filter_name)
    factor = analysis.factor
    small_w, small_h = analysis.small_size
    crop_w = _chop(tw * scale * factor)
    crop_h = _chop(th * scale * factor)
    real_min_scale = min(MAX_SCALE, max(1.0 / scale, MIN_SCALE))

    best = _best_window(analysis, small_w, small_h, crop_w, crop_h, real_min_scale)
    if best is None:  # no window fits (degenerate sizes): fall back to the centre, like Hugo's Fill
        return _centre_box(width, height, tw / th)
    x0, y0, x1, y1 = (int(_chop(v / factor)) for v in best)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    box = (max(0, x0), max(0, y0), min(width, x1), min(height, y1))
    if box[2] <= box[0] or box[3] <= box[1]:
        return _centre_box(width, height, tw / th)
    return box


def _analyse(img: Image.Image, small: tuple[int, int], factor: float, filter_name: str) -> SmartAnalysis:
    rgba = _prescaled_rgba(img, small, filter_name)
    detail, skin, sat = _sample_maps(rgba)
    det = detail / 255.0
    values = (
        det * DETAIL_WEIGHT
        + skin / 255.0 * (det + SKIN_BIAS) * SKIN_WEIGHT
        + sat / 255.0 * (det + SATURATION_BIAS) * SATURATION_WEIGHT
    )
    return SmartAnalysis(small=rgba, factor=factor, detail=detail, skin=skin, saturation=sat, values=values)


def _prescaled_rgba(img: Image.Image, size: tuple[int, int], filter_name: str) -> np.ndarray:
    """The premultiplied RGBA copy smartcrop analyses, through Hugo's resizer (`hugo_resize`)."""
    import numpy as np

    kind: GoKind = img.info.get(INFO_GO_KIND) or go_kind(img, None)
    if tuple(img.info.get(INFO_SOURCE_SIZE, img.size)) != img.size:
        return _prescaled_from_reduced(img, size, filter_name)
    src = img
    if src.mode == "RGB" and kind in OPAQUE_KINDS:  # opaque: no alpha plane to add; read by columns
        from PIL import Image

        columns = np.asarray(src.transpose(Image.Transpose.TRANSPOSE))
        return resize_for_smartcrop(columns, kind, size, filter_name, column_major=True)
    if src.mode != "RGBA":
        src = src.convert("RGBA")
    if kind == "nrgba":  # read by columns too, alpha weighed in
        from PIL import Image

        columns = np.asarray(src.transpose(Image.Transpose.TRANSPOSE))
        return resize_for_smartcrop(columns, kind, size, filter_name, column_major=True)
    return resize_for_smartcrop(np.asarray(src), kind, size, filter_name)


#: Hugo's resample filters as Pillow's closest resamplers, for decodes Hugo's prescale cannot be matched on.
_PILLOW_FILTERS = {
    "nearestneighbor": "NEAREST", "box": "BOX", "linear": "BILINEAR", "hermite": "BILINEAR",
    "mitchellnetravali": "BICUBIC", "catmullrom": "BICUBIC", "bspline": "BICUBIC", "gaussian": "BICUBIC",
    "lanczos": "LANCZOS", "hann": "HAMMING", "hamming": "HAMMING", "blackman": "LANCZOS",
    "bartlett": "BILINEAR", "welch": "LANCZOS", "cosine": "LANCZOS",
}


def _prescaled_from_reduced(img: Image.Image, size: tuple[int, int], filter_name: str) -> np.ndarray:
    """The premultiplied RGBA copy of a decode smaller than its file, through Pillow's resampler."""
    import numpy as np
    from PIL import Image

    resample = Image.Resampling[_PILLOW_FILTERS.get(filter_name, "BOX")]
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    small = img.resize(size, resample)
    return np.asarray(small.convert("RGBa" if small.mode == "RGBA" else "RGBA"))


def _sample_maps(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge, skin and saturation bytes at every 8th pixel, where the score samples."""
    import numpy as np

    h, w = rgba.shape[:2]
    ys = np.arange(0, h - SCORE_DOWN_SAMPLE + 1, SCORE_DOWN_SAMPLE)
    xs = np.arange(0, w - SCORE_DOWN_SAMPLE + 1, SCORE_DOWN_SAMPLE)
    if len(ys) == 0 or len(xs) == 0:
        empty = np.zeros((len(ys), len(xs)))
        return empty, empty.copy(), empty.copy()

    def cie(yy: np.ndarray, xx: np.ndarray) -> np.ndarray:
        px = rgba[np.ix_(yy, xx)].astype(np.float64)
        return cast("np.ndarray", 0.5126 * px[..., 2] + 0.7152 * px[..., 1] + 0.0722 * px[..., 0])

    centre = cie(ys, xs)
    # Laplacian at the samples; the Go code writes 0 on the image border (x == 0 or y == 0 here).
    ym, yp = np.maximum(ys - 1, 0), np.minimum(ys + 1, h - 1)
    xm, xp = np.maximum(xs - 1, 0), np.minimum(xs + 1, w - 1)
    lap = centre * 4.0 - cie(ym, xs) - cie(ys, xm) - cie(ys, xp) - cie(yp, xs)
    border = (ys == 0)[:, None] | (ys >= h - 1)[:, None] | (xs == 0)[None, :] | (xs >= w - 1)[None, :]
    lap[border] = 0.0
    detail = np.trunc(np.clip(lap, 0.0, 255.0))  # Go's uint8(bounds(x)) truncates

    px = rgba[np.ix_(ys, xs)][..., :3].astype(np.float64)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    lightness = centre / 255.0

    with np.errstate(invalid="ignore", divide="ignore"):
        mag = np.sqrt(r * r + g * g + b * b)
        rd = r / mag - SKIN_COLOR[0]
        gd = g / mag - SKIN_COLOR[1]
        bd = b / mag - SKIN_COLOR[2]
        dist = np.sqrt(rd * rd + gd * gd + bd * bd)
    skin_col = 1.0 - dist  # NaN for black pixels: the comparisons below are False, as in Go
    is_skin = (
        (skin_col > SKIN_THRESHOLD) & (lightness >= SKIN_BRIGHTNESS_MIN) & (lightness <= SKIN_BRIGHTNESS_MAX)
    )
    skin = np.where(
        is_skin, np.trunc(np.clip((skin_col - SKIN_THRESHOLD) * (255.0 / (1.0 - SKIN_THRESHOLD)), 0, 255)), 0.0
    )

    hi = px.max(axis=2) / 255.0
    lo = px.min(axis=2) / 255.0
    d = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        sat_v = np.where((hi + lo) / 2.0 > 0.5, d / (2.0 - hi - lo), d / (hi + lo))
    sat_v = np.where(d == 0, 0.0, sat_v)
    is_sat = (
        (sat_v > SATURATION_THRESHOLD)
        & (lightness >= SATURATION_BRIGHTNESS_MIN)
        & (lightness <= SATURATION_BRIGHTNESS_MAX)
    )
    sat = np.where(
        is_sat,
        np.trunc(np.clip((sat_v - SATURATION_THRESHOLD) * (255.0 / (1.0 - SATURATION_THRESHOLD)), 0, 255)),
        0.0,
    )
    return detail, skin, sat


def _thirds(x: np.ndarray) -> np.ndarray:
    import numpy as np

    x = (np.mod(x - (1.0 / 3.0) + 1.0, 2.0) * 0.5 - 0.5) * 16.0
    return np.maximum(1.0 - x * x, 0.0)


def _importance_kernel(crop_w: int, crop_h: int) -> np.ndarray:
    """Importance of each sample inside a `crop_w`×`crop_h` window, by its offset from the corner."""
    import numpy as np

    xf = np.arange(0, crop_w, SCORE_DOWN_SAMPLE) / crop_w
    yf = np.arange(0, crop_h, SCORE_DOWN_SAMPLE) / crop_h
    px = np.abs(0.5 - xf)[None, :] * 2.0
    py = np.abs(0.5 - yf)[:, None] * 2.0
    dx = np.maximum(px - 1.0 + EDGE_RADIUS, 0.0)
    dy = np.maximum(py - 1.0 + EDGE_RADIUS, 0.0)
    d = (dx * dx + dy * dy) * EDGE_WEIGHT
    s = 1.41 - np.sqrt(px * px + py * py)
    s = s + (np.maximum(0.0, s + d + 0.5) * 1.2) * (_thirds(px) + _thirds(py))
    return cast("np.ndarray", s + d)


def _best_window(
    analysis: SmartAnalysis, width: int, height: int, crop_w: float, crop_h: float, real_min_scale: float
) -> tuple[int, int, int, int] | None:
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    values = analysis.values
    if crop_w == 0.0:
        crop_w = float(min(width, height))
    if crop_h == 0.0:
        crop_h = float(min(width, height))
    total = float(values.sum())
    windows_in_order: list[tuple[int, int, int, int]] = []  # Go's crop order
    fast_scores: list[np.ndarray] = []
    scale = MAX_SCALE
    while scale >= real_min_scale:
        win_w, win_h = int(crop_w * scale), int(crop_h * scale)
        n_x = _positions(width, crop_w * scale)
        n_y = _positions(height, crop_h * scale)
        if win_w > 0 and win_h > 0 and n_x > 0 and n_y > 0:
            kernel = _importance_kernel(win_w, win_h) - OUTSIDE_IMPORTANCE
            kh, kw = kernel.shape
            rows = max(values.shape[0], n_y + kh - 1)
            cols = max(values.shape[1], n_x + kw - 1)
            padded = np.zeros((rows, cols))
            padded[: values.shape[0], : values.shape[1]] = values
            windows = sliding_window_view(padded, (kh, kw))[:n_y, :n_x]
            inside = np.tensordot(windows, kernel, axes=([2, 3], [0, 1]))
            fast_scores.append(((inside + OUTSIDE_IMPORTANCE * total) / (win_w * win_h)).ravel())
            ys, xs = np.divmod(np.arange(n_y * n_x), n_x)
            windows_in_order.extend(
                (int(x) * STEP, int(y) * STEP, int(x) * STEP + win_w, int(y) * STEP + win_h) for y, x in zip(ys, xs, strict=True)
            )
        scale -= SCALE_STEP
    if not windows_in_order:
        return None
    scores = np.concatenate(fast_scores)
    top = float(scores.max())
    near = np.flatnonzero(scores >= top - _TIE * max(abs(top), 1e-12))
    if len(near) == 1:
        return windows_in_order[int(near[0])]
    if not np.any(values):
        return windows_in_order[0]  # every window scores exactly 0: Go keeps the first
    exact = _go_scores(analysis, [windows_in_order[i] for i in near])
    return windows_in_order[int(near[int(np.argmax(exact))])]  # argmax: first of equal maxima


#: Windows whose vectorised score is within this relative distance of the best are re-scored the
#: Go way (the correlation sums in another order; float64 rounding is ~1e-16).
_TIE = 1e-9


def _go_scores(analysis: SmartAnalysis, crops: list[tuple[int, int, int, int]]) -> np.ndarray:
    """`score` + `totalScore` of muesli/smartcrop for each crop, with Go's float64 operations in
    Go's order (samples row by row, accumulated one at a time), so equal windows tie as in Go."""
    import numpy as np

    h, w = analysis.detail.shape
    ys, xs = np.divmod(np.arange(h * w), w)
    ys = ys * SCORE_DOWN_SAMPLE
    xs = xs * SCORE_DOWN_SAMPLE
    det = analysis.detail.ravel() / 255.0
    r8 = analysis.skin.ravel()
    b8 = analysis.saturation.ravel()
    skin_f = (r8 / 255.0 * (det + SKIN_BIAS))[:, None]
    sat_f = (b8 / 255.0 * (det + SATURATION_BIAS))[:, None]
    out = np.empty(len(crops))
    for start in range(0, len(crops), 64):
        part = np.asarray(crops[start : start + 64], dtype=np.int64)
        x0, y0, x1, y1 = (part[:, i][None, :] for i in range(4))
        cw, ch = (x1 - x0).astype(np.float64), (y1 - y0).astype(np.float64)
        imp = _go_importance(xs[:, None], ys[:, None], x0, y0, x1, y1, cw, ch)
        detail = np.cumsum(det[:, None] * imp, axis=0)[-1]
        skin = np.cumsum(skin_f * imp, axis=0)[-1]
        sat = np.cumsum(sat_f * imp, axis=0)[-1]
        total = (detail * DETAIL_WEIGHT + skin * SKIN_WEIGHT + sat * SATURATION_WEIGHT) / cw[0] / ch[0]
        out[start : start + len(part)] = total
    return out


def _go_importance(x: np.ndarray, y: np.ndarray, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                   cw: np.ndarray, ch: np.ndarray) -> np.ndarray:  # numpy broadcasting
    import numpy as np

    outside = (x0 > x) | (x >= x1) | (y0 > y) | (y >= y1)
    xf = (x - x0) / cw
    yf = (y - y0) / ch
    px = np.abs(0.5 - xf) * 2.0
    py = np.abs(0.5 - yf) * 2.0
    dx = np.maximum(px - 1.0 + EDGE_RADIUS, 0.0)
    dy = np.maximum(py - 1.0 + EDGE_RADIUS, 0.0)
    d = (dx * dx + dy * dy) * EDGE_WEIGHT
    s = 1.41 - np.sqrt(px * px + py * py)
    s = s + (np.maximum(0.0, s + d + 0.5) * 1.2) * (_thirds(px) + _thirds(py))
    return np.where(outside, OUTSIDE_IMPORTANCE, s + d)


def _positions(extent: int, window: float) -> int:
    """How many window origins 0, 8, 16… satisfy `origin + window <= extent` (Go's float loop)."""
    if window > extent:
        return 0
    n = int((extent - window) // STEP) + 1
    while n > 0 and (n - 1) * STEP + window > extent:
        n -= 1
    while n * STEP + window <= extent:
        n += 1
    return n


def _chop(x: float) -> float:
    return math.ceil(x) if x < 0 else math.floor(x)


def _centre_box(width: int, height: int, aspect: float) -> Box:
    if width / height > aspect:
        w = max(1, round(height * aspect))
        x = (width - w) // 2
        return x, 0, x + w, height
    h = max(1, round(width / aspect))
    y = (height - h) // 2
    return 0, y, width, y + h
