"""Smart crop: the vectorised port agrees with a literal transcription of muesli/smartcrop's loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cardgen.imaging import smart_crop_box
from cardgen.imaging.smartcrop import _find_best_crop


def _reference_best_crop(img: Image.Image, width: int, height: int) -> tuple[int, int, int, int]:
    """Go's FindBestCrop/analyse/score, loop for loop (no prescale: images here are < 400 px)."""
    rgb = np.asarray(img.convert("RGB")).astype(np.float64)
    h, w = rgb.shape[:2]
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    cie = 0.5126 * b + 0.7152 * g + 0.0722 * r

    edge = np.zeros((h, w))
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            lap = cie[y, x] * 4 - cie[y - 1, x] - cie[y, x - 1] - cie[y, x + 1] - cie[y + 1, x]
            edge[y, x] = math.floor(min(max(lap, 0.0), 255.0))
    skin = np.zeros((h, w))
    sat = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            rr, gg, bb = r[y, x], g[y, x], b[y, x]
            light = cie[y, x] / 255.0
            mag = math.sqrt(rr * rr + gg * gg + bb * bb)
            if mag > 0:
                d = math.sqrt((rr / mag - 0.78) ** 2 + (gg / mag - 0.57) ** 2 + (bb / mag - 0.44) ** 2)
                s = 1.0 - d
                if s > 0.8 and 0.2 <= light <= 1.0:
                    skin[y, x] = math.floor(min(max((s - 0.8) * (255.0 / 0.2), 0), 255))
            hi, lo = max(rr, gg, bb) / 255.0, min(rr, gg, bb) / 255.0
            if hi != lo:
                ss = (hi - lo) / (2.0 - hi - lo) if (hi + lo) / 2 > 0.5 else (hi - lo) / (hi + lo)
                if ss > 0.4 and 0.05 <= light <= 0.9:
                    sat[y, x] = math.floor(min(max((ss - 0.4) * (255.0 / 0.6), 0), 255))

    def thirds(v: float) -> float:
        v = (math.fmod(v - 1 / 3 + 1.0, 2.0) * 0.5 - 0.5) * 16.0
        return max(1.0 - v * v, 0.0)

    def importance(c: tuple[int, int, int, int], x: int, y: int) -> float:
        if c[0] > x or x >= c[2] or c[1] > y or y >= c[3]:
            return -0.5
        px = abs(0.5 - (x - c[0]) / (c[2] - c[0])) * 2
        py = abs(0.5 - (y - c[1]) / (c[3] - c[1])) * 2
        dx, dy = max(px - 0.6, 0.0), max(py - 0.6, 0.0)
        d = (dx * dx + dy * dy) * -20.0
        s = 1.41 - math.sqrt(px * px + py * py)
        s += (max(0.0, s + d + 0.5) * 1.2) * (thirds(px) + thirds(py))
        return s + d

    scale = min(w / width, h / height)
    crop_w, crop_h = math.floor(width * scale), math.floor(height * scale)
    min_scale = min(1.0, max(1.0 / scale, 0.9))
    best, best_score = None, -1.0
    sc = 1.0
    while sc >= min_scale:
        y0 = 0
        while y0 + crop_h * sc <= h:
            x0 = 0
            while x0 + crop_w * sc <= w:
                c = (x0, y0, x0 + int(crop_w * sc), y0 + int(crop_h * sc))
                det_s = skin_s = sat_s = 0.0
                for y in range(0, h - 8 + 1, 8):
                    for x in range(0, w - 8 + 1, 8):
                        imp = importance(c, x, y)
                        det = edge[y, x] / 255.0
                        skin_s += skin[y, x] / 255.0 * (det + 0.01) * imp
                        det_s += det * imp
                        sat_s += sat[y, x] / 255.0 * (det + 0.2) * imp
                total = (det_s * 0.2 + skin_s * 1.8 + sat_s * 0.3) / (c[2] - c[0]) / (c[3] - c[1])
                if total > best_score:
                    best, best_score = c, total
                x0 += 8
            y0 += 8
        sc -= 0.1
    assert best is not None
    return best


def _scene(seed: int, size: tuple[int, int]) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    base = np.full((h, w, 3), rng.integers(60, 200, 3), dtype=np.uint8)
    img = Image.fromarray(base)
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = int(rng.integers(0, w - 20)), int(rng.integers(0, h - 20))
        s = int(rng.integers(8, 40))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.rectangle((x, y, x + s, y + s), fill=colour)
    draw.ellipse((w * 0.6, h * 0.2, w * 0.8, h * 0.5), fill=(220, 160, 125))  # skin tone
    noise = rng.integers(-12, 13, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(img).astype(int) + noise, 0, 255).astype(np.uint8))


@pytest.mark.parametrize(
    ("seed", "source", "target"),
    [
        (1, (240, 160), (100, 100)),
        (2, (240, 160), (191, 100)),
        (3, (160, 240), (160, 90)),
        (4, (200, 200), (100, 150)),
        (5, (240, 130), (300, 300)),  # target larger than the image: only the 1.0 window
    ],
)
def test_vectorised_scoring_matches_the_literal_go_loops(seed, source, target):
    img = _scene(seed, source)
    assert _find_best_crop(img, target, "box") == _reference_best_crop(img, *target)


@pytest.mark.parametrize("target", [(100, 100), (60, 160), (240, 60)])
def test_tied_windows_resolve_as_the_go_loops_do(target):
    """A mirrored picture on a flat ground: windows tie up to float rounding, and the winner is
    the one Go's own summation order makes first-best."""
    half = np.asarray(_scene(21, (120, 160)))
    flat = np.full_like(half, 90)
    flat[40:120, 70:110] = half[40:120, 70:110]
    img = Image.fromarray(np.concatenate([flat, flat[:, ::-1]], axis=1))
    assert _find_best_crop(img, target, "box") == _reference_best_crop(img, *target)


def test_flat_image_keeps_the_first_window_like_hugo():
    # Every window scores 0 on a flat picture; Go keeps the first one (top-left, scale 1.0).
    img = Image.new("RGB", (900, 600), (128, 128, 128))
    assert smart_crop_box(img, (600, 600)) == (0, 0, 600, 600)


def test_same_size_target_returns_the_whole_image():
    img = _scene(9, (300, 200))
    assert smart_crop_box(img, (300, 200)) == (0, 0, 300, 200)


def test_result_is_deterministic_across_copies():
    img = _scene(7, (1200, 800))
    first = smart_crop_box(img, 1.0)
    assert smart_crop_box(img.copy(), 1.0) == first
    assert smart_crop_box(img, 1.0) == first  # memoised path


def test_box_has_the_target_aspect_within_rounding():
    img = _scene(11, (1600, 1000))
    for aspect in (1.0, 1.91, 16 / 9, 2 / 3):
        x0, y0, x1, y1 = smart_crop_box(img, aspect)
        assert 0 <= x0 < x1 <= 1600 and 0 <= y0 < y1 <= 1000
        assert abs((x1 - x0) / (y1 - y0) - aspect) / aspect < 0.02


def test_a_reduced_decode_is_prescaled_by_pillow_and_keeps_the_exact_resizers_windows(tmp_path, monkeypatch):
    """A big JPEG is DCT-scaled for its outputs, so Hugo's prescale (which reads the full file)
    cannot be matched to the bit: Pillow's BOX resampler prescales that decode instead of the exact
    port, and the windows it leads to are the exact port's on the same decode."""
    from cardgen.imaging import smartcrop
    from cardgen.imaging.decode import INFO_SOURCE_SIZE, open_image
    from cardgen.render.assets import DECODE_SIZE

    path = tmp_path / "big.jpg"
    _scene(31, (400, 300)).resize((4000, 3000), Image.Resampling.BICUBIC).save(path, quality=90)
    reduced = open_image(path, target_size=DECODE_SIZE)
    assert reduced.size == (2000, 1500) and reduced.info[INFO_SOURCE_SIZE] == (4000, 3000)

    exact_calls = []
    real = smartcrop.resize_for_smartcrop
    monkeypatch.setattr(smartcrop, "resize_for_smartcrop", lambda *a, **k: exact_calls.append(1) or real(*a, **k))
    targets = [(1200, 630), (400, 400), (300, 600), (1920, 1080)]
    fast = [smartcrop._find_best_crop(reduced, t, "box") for t in targets]
    assert exact_calls == []

    as_if_full = reduced.copy()
    as_if_full.info[INFO_SOURCE_SIZE] = reduced.size  # the same pixels, taken for the whole file
    exact = [smartcrop._find_best_crop(as_if_full, t, "box") for t in targets]
    assert exact_calls  # a full-resolution decode still goes through Hugo's resizer
    lattice = 8 / smartcrop.smart_analysis(reduced).factor  # one step of smartcrop's window grid
    for target, a, b in zip(targets, fast, exact, strict=True):
        assert max(abs(u - v) for u, v in zip(a, b, strict=True)) <= lattice, (target, a, b)
