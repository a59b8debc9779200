"""Equations as pictures: their SVG (the drawing the vector outputs use) rendered by resvg.

The `resvg` wheel (Rust, no system libraries) parses the drawing into resvg's tree and renders it on
a canvas of the size resvg's own `--zoom` gives (the SVG's size rounded to whole pixels, then scaled
and rounded, in single precision), scaled to fill it: the same pixels as resvg-py's one-call
`svg_to_bytes`, in a quarter of the time (that binding spends ~37 ms per megapixel even on an empty
canvas; a deck of display equations has 20–90 of them at 160 dpi). No fonts are loaded: glyphs are
paths. SVG featured images, which come from users, go through resvg-py instead
(`cardgen.imaging.vector`): this binding panics, with a Rust backtrace on stderr, on markup it
cannot read, where resvg-py raises ValueError.
"""

from __future__ import annotations

import math
import struct
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resvg.usvg import Options


@lru_cache(maxsize=1024)
def svg_to_png(svg: str, zoom: float) -> bytes:
    """PNG bytes (RGBA, transparent background) of `svg` at `zoom` × its own size."""
    import resvg

    try:
        tree = resvg.usvg.Tree.from_str(svg, _options())
    except BaseException as exc:  # the binding panics on markup it cannot read: pyo3's PanicException,
        if isinstance(exc, Exception) or type(exc).__name__ != "PanicException":  # not an Exception
            raise
        raise ValueError(f"resvg cannot read the drawing: {exc}") from None
    own_w, own_h = tree.int_size()
    factor = _f32(max(0.1, zoom))
    width, height = max(1, _round_half_up(_f32(own_w * factor))), max(1, _round_half_up(_f32(own_h * factor)))
    # the transform is (scale x, skew x, translate x, skew y, scale y, translate y)
    scale = (width / own_w, 0.0, 0.0, 0.0, height / own_h, 0.0)
    return bytes(resvg.render(tree, scale, bg_size=(width, height)))


def svg_to_image(svg: str, zoom: float) -> Any:
    """A Pillow RGBA image of `svg` at `zoom`."""
    import io

    from PIL import Image

    return Image.open(io.BytesIO(svg_to_png(svg, zoom))).convert("RGBA")


@lru_cache(maxsize=1)
def _options() -> Options:
    """resvg's parsing settings, with an empty font database."""
    import resvg

    return resvg.usvg.Options.default()


def _f32(value: float) -> float:
    """`value` rounded to single precision, as resvg computes sizes."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _round_half_up(value: float) -> int:
    """Rust's `f32::round` for sizes (halves away from zero; Python's `round` goes to even)."""
    return math.floor(value + 0.5)


__all__ = ["svg_to_image", "svg_to_png"]
