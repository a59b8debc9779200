"""`Smart` focal point: a numpy port of the smartcrop that Hugo uses (muesli/smartcrop v0.3.0).

Hugo's `Fill … Smart` asks `FindBestCrop(img, w, h)` for the best window and resizes it. We follow the
Go code step by step so the same photo gets the same window:

- prescale so the short side is 400 px (`prescaleMin`), box filter (Hugo's default resampling);
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
correlation (`sliding_window_view` + `tensordot`). Features are computed only at the sample points.
"""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING

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

# Smart boxes of images still alive, keyed by id(img): crop_box and focal_crop ask for the same box.
_memo: dict[int, tuple[weakref.ref, dict[tuple, object]]] = {}


def smart_crop_box(img: Image.Image, aspect: float | tuple[int, int]) -> Box:
    """The window Hugo's `Smart` would keep, as `(left, top, right, bottom)` pixels of `img`.

    `aspect` is either the target's width/height ratio or the target size `(w, h)` in output pixels;
    the size matters only when the target is larger than the image (Hugo then skips the 0.9 window).
    The box has the target aspect to within a pixel or two of rounding (as Hugo's); `focal_crop`
    trims it to the exact aspect. Deterministic; about 5–15 ms whatever the input size after draft
    decoding, because the analysis runs on a 400-px prescaled copy.
    """
    key = (img.size, img.mode, aspect if isinstance(aspect, tuple) else float(aspect))
    return _memoised(img, key, lambda: _find_best_crop(img, aspect))


def _analysis(img: Image.Image, small: tuple[int, int]) -> np.ndarray:
    """Feature values of the prescaled copy; they do not depend on the target aspect, so every crop
    of one image (deck, social, card) shares them."""
    key = ("values", img.size, img.mode, small)
    return _memoised(img, key, lambda: _sample_values(_prescaled_rgb(img, small)))


def _memoised(img: Image.Image, key: tuple, compute):
    """`compute()` once per (live image, key); entries go when the image is garbage-collected."""
    entry = _memo.get(id(img))
    if entry is not None and entry[0]() is img and key in entry[1]:
        return entry[1][key]
    value = compute()
    if entry is None or entry[0]() is not img:
        ident = id(img)
        entry = (weakref.ref(img, lambda _ref, ident=ident: _memo.pop(ident, None)), {})
        _memo[ident] = entry
    entry[1][key] = value
    return value


def _find_best_crop(img: Image.Image, aspect: float | tuple[int, int]) -> Box:
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
    factor = 1.0
    if PRESCALE_MIN / min(width, height) < 1.0:
        factor = PRESCALE_MIN / min(width, height)
    small_w = max(1, int(width * factor))
    small_h = max(1, math.ceil(height * small_w / width))  # Hugo's resizer, after gohugoio/hugo#7955
    crop_w = _chop(tw * scale * factor)
    crop_h = _chop(th * scale * factor)
    real_min_scale = min(MAX_SCALE, max(1.0 / scale, MIN_SCALE))

    values = _analysis(img, (small_w, small_h))
    best = _best_window(values, small_w, small_h, crop_w, crop_h, real_min_scale)
    if best is None:  # no window fits (degenerate sizes): fall back to the centre, like Hugo's Fill
        return _centre_box(width, height, tw / th)
    x0, y0, x1, y1 = (int(_chop(v / factor)) for v in best)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    box = (max(0, x0), max(0, y0), min(width, x1), min(height, y1))
    if box[2] <= box[0] or box[3] <= box[1]:
        return _centre_box(width, height, tw / th)
    return box


def _prescaled_rgb(img: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """RGB bytes of the prescaled copy; alpha premultiplied, as Go's `toRGBA` draws NRGBA into RGBA."""
    import numpy as np
    from PIL import Image

    src = img
    if src.mode not in ("RGB", "RGBA"):
        src = src.convert("RGBA" if "A" in src.getbands() or src.mode == "P" else "RGB")
    if src.size != size:
        src = src.resize(size, Image.Resampling.BOX)
    arr = np.asarray(src)
    if src.mode == "RGBA":
        alpha = arr[..., 3:4].astype(np.uint16)
        arr = ((arr[..., :3].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
    return arr


def _sample_values(rgb: np.ndarray) -> np.ndarray:
    """Weighted feature value (detail, skin, saturation) at every 8th pixel, where the score samples."""
    import numpy as np

    h, w = rgb.shape[:2]
    ys = np.arange(0, h - SCORE_DOWN_SAMPLE + 1, SCORE_DOWN_SAMPLE)
    xs = np.arange(0, w - SCORE_DOWN_SAMPLE + 1, SCORE_DOWN_SAMPLE)
    if len(ys) == 0 or len(xs) == 0:
        return np.zeros((len(ys), len(xs)))

    def cie(yy: np.ndarray, xx: np.ndarray) -> np.ndarray:
        px = rgb[np.ix_(yy, xx)].astype(np.float64)
        return 0.5126 * px[..., 2] + 0.7152 * px[..., 1] + 0.0722 * px[..., 0]

    centre = cie(ys, xs)
    # Laplacian at the samples; the Go code writes 0 on the image border (x == 0 or y == 0 here).
    ym, yp = np.maximum(ys - 1, 0), np.minimum(ys + 1, h - 1)
    xm, xp = np.maximum(xs - 1, 0), np.minimum(xs + 1, w - 1)
    lap = centre * 4.0 - cie(ym, xs) - cie(ys, xm) - cie(ys, xp) - cie(yp, xs)
    border = (ys == 0)[:, None] | (ys >= h - 1)[:, None] | (xs == 0)[None, :] | (xs >= w - 1)[None, :]
    lap[border] = 0.0
    det = np.floor(np.clip(lap, 0.0, 255.0)) / 255.0

    px = rgb[np.ix_(ys, xs)].astype(np.float64)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    lightness = centre / 255.0

    with np.errstate(invalid="ignore", divide="ignore"):
        mag = np.sqrt(r * r + g * g + b * b)
        dist = np.sqrt(
            (r / mag - SKIN_COLOR[0]) ** 2 + (g / mag - SKIN_COLOR[1]) ** 2 + (b / mag - SKIN_COLOR[2]) ** 2
        )
    skin = 1.0 - dist  # NaN for black pixels: the comparisons below are False, as in Go
    is_skin = (
        (skin > SKIN_THRESHOLD) & (lightness >= SKIN_BRIGHTNESS_MIN) & (lightness <= SKIN_BRIGHTNESS_MAX)
    )
    skin_byte = np.where(
        is_skin, np.floor(np.clip((skin - SKIN_THRESHOLD) * (255.0 / (1.0 - SKIN_THRESHOLD)), 0, 255)), 0.0
    )

    hi = px.max(axis=2) / 255.0
    lo = px.min(axis=2) / 255.0
    d = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        sat = np.where((hi + lo) / 2.0 > 0.5, d / (2.0 - hi - lo), d / (hi + lo))
    sat = np.where(d == 0, 0.0, sat)
    is_sat = (
        (sat > SATURATION_THRESHOLD)
        & (lightness >= SATURATION_BRIGHTNESS_MIN)
        & (lightness <= SATURATION_BRIGHTNESS_MAX)
    )
    sat_byte = np.where(
        is_sat,
        np.floor(np.clip((sat - SATURATION_THRESHOLD) * (255.0 / (1.0 - SATURATION_THRESHOLD)), 0, 255)),
        0.0,
    )

    skin_term = skin_byte / 255.0 * (det + SKIN_BIAS)
    sat_term = sat_byte / 255.0 * (det + SATURATION_BIAS)
    return det * DETAIL_WEIGHT + skin_term * SKIN_WEIGHT + sat_term * SATURATION_WEIGHT


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
    return s + d


def _best_window(
    values: np.ndarray, width: int, height: int, crop_w: float, crop_h: float, real_min_scale: float
) -> tuple[int, int, int, int] | None:
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    if crop_w == 0.0:
        crop_w = float(min(width, height))
    if crop_h == 0.0:
        crop_h = float(min(width, height))
    total = float(values.sum())
    best: tuple[int, int, int, int] | None = None
    best_score = -1.0
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
            scores = (inside + OUTSIDE_IMPORTANCE * total) / (win_w * win_h)
            flat = int(np.argmax(scores))
            top = float(scores.flat[flat])
            if top > best_score:
                by, bx = divmod(flat, n_x)
                x0, y0 = bx * STEP, by * STEP
                best = (x0, y0, x0 + win_w, y0 + win_h)
                best_score = top
        scale -= SCALE_STEP
    return best


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
