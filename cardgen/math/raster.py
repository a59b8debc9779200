"""SVG → PNG with resvg (a Rust wheel, no system libraries): the same drawing the vector outputs use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1024)
def svg_to_png(svg: str, zoom: float) -> bytes:
    """PNG bytes of `svg` at `zoom` × its own size, transparent background."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=max(0.1, zoom), skip_system_fonts=True))


def svg_to_image(svg: str, zoom: float) -> Any:
    """A Pillow RGBA image of `svg` at `zoom`."""
    import io

    from PIL import Image

    return Image.open(io.BytesIO(svg_to_png(svg, zoom))).convert("RGBA")


__all__ = ["svg_to_image", "svg_to_png"]
