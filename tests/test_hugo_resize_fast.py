"""The opaque fast path of Hugo's resizer gives the bits of the general float path.

`_rows_opaque` works from the bytes, column-major, skipping zero-weight taps; the general path turns
the band into float32 (r, g, b, a) first. Smart crops depend on every level of the result, so
the two must agree exactly, for every filter and Go image kind without alpha, and RGB input must give
what RGBA input with opaque alpha gives.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardgen.imaging import hugo_resize as hr
from cardgen.imaging.smartcrop import _prescale_geometry

RNG = np.random.default_rng(11)
IMAGES = [RNG.integers(0, 256, shape, dtype=np.uint8) for shape in ((300, 1000, 4), (777, 555, 4), (61, 2100, 4))]
FILTERS = ["box", "linear", "lanczos", "catmullrom", "gaussian", "nearestneighbor"]


def _general(rgba: np.ndarray, kind: str, size: tuple[int, int], name: str, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """The horizontal pass the general way: the band as float32 (r, g, b, a), then `_resize_axis`."""

    def general_rows(columns: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        band = columns.transpose(1, 0, 2)
        return hr._resize_axis(hr._source_pixels(band, kind), weights[0].shape[0], name, axis=1, weights=weights)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(hr, "_rows_opaque", general_rows)
        return hr.resize_for_smartcrop(rgba, kind, size, name)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("kind", ["ycbcr", "rgba", "gray"])
def test_opaque_fast_path_is_bit_identical(name: str, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for rgba in IMAGES:
        _, small = _prescale_geometry(rgba.shape[1], rgba.shape[0])
        for size in (small, (small[0] // 2 + 1, small[1] + 3)):
            fast = hr.resize_for_smartcrop(rgba, kind, size, name)  # type: ignore[arg-type]
            assert np.array_equal(fast, _general(rgba, kind, size, name, monkeypatch)), (rgba.shape, size)


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
