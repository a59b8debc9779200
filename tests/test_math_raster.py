"""Equation pictures through resvg's tree: the canvas resvg's own `--zoom` gives (sizes rounded in
single precision, halves up), the drawing scaled to fill it, and the same pixels as resvg-py's
one-call renderer (the binding cardgen used before, kept for SVG featured images)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cardgen.math import typeset
from cardgen.math.raster import svg_to_png

# A 100×50 drawing: red fills it, a 10×10 blue square sits in its bottom-right corner.
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">'
       '<rect width="100" height="50" fill="#ff0000"/><rect x="90" y="40" width="10" height="10" fill="#0000ff"/></svg>')


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGBA")


@pytest.mark.parametrize(("zoom", "size"), [(1.0, (100, 50)), (1.5, (150, 75)), (0.33, (33, 17)), (2.675, (268, 134))])
def test_canvas_size_and_the_drawing_fills_it(zoom: float, size: tuple[int, int]) -> None:
    image = _image(svg_to_png(SVG, zoom))
    assert image.size == size
    w, h = size
    assert image.getpixel((0, 0)) == (255, 0, 0, 255)
    assert image.getpixel((w - 1, h - 1)) == (0, 0, 255, 255)  # the corner square reaches the far corner
    assert image.getpixel((int(w * 0.85), int(h * 0.5))) == (255, 0, 0, 255)


@pytest.mark.parametrize("tex", [r"E = mc^2", r"\int_0^1 \frac{x^2}{1+x}\,dx = \sum_{n=1}^{\infty} \frac{(-1)^n}{n}",
                                 r"\mathbf{K}_{ij} = k(x_i, x_j) + \sigma^2 \delta_{ij}"])
@pytest.mark.parametrize("zoom", [0.5, 1.53, 2.9, 3.0, 6.28])
def test_same_pixels_as_resvg_py(tex: str, zoom: float) -> None:
    resvg_py = pytest.importorskip("resvg_py")
    svg = typeset(tex, display=True).svg("#1f2328")
    reference = bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, skip_system_fonts=True))
    ours = svg_to_png(svg, zoom)
    if ours == reference:  # the same resvg inside both wheels: the same bytes
        return
    # a newer resvg in one wheel may antialias an edge differently; the canvas must still agree
    import numpy as np

    a, b = np.asarray(_image(ours), dtype=int), np.asarray(_image(reference), dtype=int)
    assert a.shape == b.shape and np.abs(a - b).max() <= 16


def test_a_drawing_resvg_cannot_read_is_a_value_error() -> None:
    """The binding panics on such markup (pyo3's PanicException, not an Exception): callers get the
    ValueError they handle."""
    for bad in ("<svg", "<html/>", '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>'):
        with pytest.raises(ValueError):
            svg_to_png(bad, 1.0)
