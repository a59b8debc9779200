"""The fast paths of Hugo's resizer give the bits of gift's algorithm written out plainly.

The fast paths work from the bytes, column-major (horizontal pass) and on contiguous colour lines
(vertical pass of an opaque image), skipping zero-weight taps; the reference below turns the whole
image into float32 (r, g, b, a) and runs gift's alpha-weighted line resize tap by tap on both axes.
Smart crops depend on every level of the result, so the two must agree exactly, for every filter and
Go image kind, and RGB input must give what RGBA input with opaque alpha gives.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardgen.imaging import hugo_resize as hr
from cardgen.imaging.smartcrop import _prescale_geometry

RNG = np.random.default_rng(11)
IMAGES = [RNG.integers(0, 256, shape, dtype=np.uint8) for shape in ((300, 1000, 4), (777, 555, 4), (61, 2100, 4))]
FILTERS = ["box", "linear", "lanczos", "catmullrom", "gaussian", "nearestneighbor"]


def _line_resize(px: np.ndarray, size: int, name: str, axis: int) -> np.ndarray:
    """gift's resizeLine along `axis` for every line: float32, tap by tap, colours weighted by alpha."""
    idx, weight = hr._weights(size, px.shape[axis], name)
    lines = np.moveaxis(px, axis, 0)
    rgb = np.zeros((size, *lines.shape[1:-1], 3), np.float32)
    a = np.zeros((size, *lines.shape[1:-1], 1), np.float32)
    for k in range(weight.shape[1]):
        c = lines[idx[:, k]]
        wa = c[..., 3:4] * weight[:, k].reshape((size,) + (1,) * (lines.ndim - 1))
        rgb += c[..., :3] * wa
        a += wa
    nz = a != 0
    rgb = np.where(nz, rgb / np.where(nz, a, np.float32(1)), rgb)
    return np.moveaxis(np.concatenate([rgb, a], axis=-1), 0, axis)


def _store(px: np.ndarray, kind: str) -> np.ndarray:
    """Hugo's destination image for the kind, then smartcrop's toRGBA, channel by channel."""
    f = np.float32
    out = np.empty(px.shape, dtype=np.uint8)
    if kind == "rgba":
        fa = px[..., 3] * f(0xFF)
        for ch in range(3):
            out[..., ch] = hr._f32_to_uint(px[..., ch] * fa, 0xFF)
        out[..., 3] = hr._f32_to_uint(fa, 0xFF)
        return out
    if kind == "gray":
        y = (f(0.299) * px[..., 0] + f(0.587) * px[..., 1] + f(0.114) * px[..., 2]) * px[..., 3] * f(0xFF)
        out[..., 0] = out[..., 1] = out[..., 2] = hr._f32_to_uint(y, 0xFF).astype(np.uint8)
        out[..., 3] = 255
        return out
    n = np.empty(px.shape, dtype=np.uint32)
    for ch in range(4):
        n[..., ch] = hr._f32_to_uint(px[..., ch] * f(0xFF), 0xFF)
    sa = n[..., 3] * 0x101
    for ch in range(3):
        out[..., ch] = ((n[..., ch] * sa // 0xFF) >> 8).astype(np.uint8)
    out[..., 3] = (sa >> 8).astype(np.uint8)
    return out


def _reference(rgba: np.ndarray, kind: str, size: tuple[int, int], name: str) -> np.ndarray:
    px = hr._source_pixels(rgba, kind)  # type: ignore[arg-type]
    h, w = px.shape[:2]
    if size == (w, h):
        return _store(px, kind)
    if name == "nearestneighbor":
        return _store(hr._nearest(px, *size), kind)
    if w == size[0]:
        return _store(_line_resize(px, size[1], name, 0), kind)
    tmp = _line_resize(px, size[0], name, 1)
    if h == size[1]:
        return _store(tmp, kind)
    return _store(_line_resize(hr._quantise16(tmp), size[1], name, 0), kind)


def _sizes(rgba: np.ndarray) -> list[tuple[int, int]]:
    _, small = _prescale_geometry(rgba.shape[1], rgba.shape[0])
    return [small, (small[0] // 2 + 1, small[1] + 3), (rgba.shape[1], small[1]), (small[0], rgba.shape[0])]


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("kind", ["ycbcr", "rgba", "gray"])
def test_opaque_fast_path_is_bit_identical(name: str, kind: str) -> None:
    for rgba in IMAGES:
        for size in _sizes(rgba):
            fast = hr.resize_for_smartcrop(rgba, kind, size, name)  # type: ignore[arg-type]
            assert np.array_equal(fast, _reference(rgba, kind, size, name)), (rgba.shape, size)


@pytest.mark.parametrize("name", FILTERS)
def test_alpha_fast_path_is_bit_identical(name: str) -> None:
    """An image with alpha (Go's NRGBA), as smartcrop passes it: its bytes column-major. Bands that
    happen to be opaque and bands with transparency."""
    for rgba in IMAGES:
        rgba = rgba.copy()
        rgba[: rgba.shape[0] // 2, :, 3] = 255  # the top half opaque
        rgba[-5:, :, 3] = 0  # fully transparent rows at the bottom
        columns = np.ascontiguousarray(rgba.transpose(1, 0, 2))
        for size in _sizes(rgba):
            expected = _reference(rgba, "nrgba", size, name)
            assert np.array_equal(hr.resize_for_smartcrop(columns, "nrgba", size, name, column_major=True), expected)
            assert np.array_equal(hr.resize_for_smartcrop(rgba, "nrgba", size, name), expected)


@pytest.mark.parametrize("name", ["box", "lanczos", "nearestneighbor"])
def test_rgb_input_equals_opaque_rgba_input(name: str) -> None:
    """RGB bytes, opaque RGBA bytes and the RGB bytes column-major (as smartcrop passes a Pillow
    transpose) give the same result."""
    for rgba in IMAGES:
        rgb = np.ascontiguousarray(rgba[..., :3])
        opaque = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
        columns = np.ascontiguousarray(rgb.transpose(1, 0, 2))
        _, small = _prescale_geometry(rgb.shape[1], rgb.shape[0])
        for size in (small, (rgb.shape[1], small[1]), (rgb.shape[1], rgb.shape[0])):
            expected = hr.resize_for_smartcrop(opaque, "ycbcr", size, name)
            assert np.array_equal(hr.resize_for_smartcrop(rgb, "ycbcr", size, name), expected)
            assert np.array_equal(hr.resize_for_smartcrop(columns, "ycbcr", size, name, column_major=True), expected)


def test_rounding_to_integers_is_gifts_int64_conversion() -> None:
    """`_f32_to_uint` (float32 rounding and clamping, no int64 arrays) gives what gift's
    `int64(v + 0.5)` clamped to [0, top] gives, at the halves and out of range included."""
    values = np.concatenate([
        RNG.uniform(-3, 70000, 20000).astype(np.float32),
        np.arange(-2, 300, 0.5, dtype=np.float32),
        np.nextafter(np.arange(0, 300, 0.5, dtype=np.float32), np.float32(-1)),
        np.array([65534.5, 65535.0, 65535.49, 65536.0, 1e9, -1e9], np.float32),
    ])
    for top in (0xFF, 0xFFFF):
        expected = np.clip((values + np.float32(0.5)).astype(np.int64), 0, top)
        assert np.array_equal(hr._f32_to_uint(values, top).astype(np.int64), expected)
        assert np.array_equal(hr._quantise16(values / np.float32(0xFFFF)),
                              (np.clip((values / np.float32(0xFFFF) * np.float32(0xFFFF) + np.float32(0.5)).astype(np.int64), 0, 0xFFFF)
                               .astype(np.float32) * np.float32(1.0 / 0xFFFF)))
