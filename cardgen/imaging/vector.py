"""SVG featured images rasterised with resvg (a Rust wheel, no system libraries).

Only self-contained drawings are rendered: an SVG that references other files (`href` to anything
but `#fragment` or `data:`) could make the renderer read outside the site, so it is refused.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from cardgen.errors import ImageError
from cardgen.safepath import MAX_CONFIG_BYTES, RefusedFile, read_capped

#: Longest side of a rasterised SVG (px): enough for any output, small enough to stay cheap.
MAX_SIDE = 4096
_EXTERNAL = re.compile(r"""(?:xlink:)?href\s*=\s*["']\s*(?!#|data:)""", re.I)


def rasterise_svg(path: Path, target_size: tuple[int, int] | None = None) -> Image.Image:
    """The SVG at `path` as an RGBA image covering `target_size` (its own size when None)."""
    try:
        data = read_capped(path, MAX_CONFIG_BYTES)
    except RefusedFile as exc:
        raise ImageError(exc.reason, path=path) from None
    except OSError as exc:
        raise ImageError(f"cannot read image ({exc.strerror or exc})", path=path) from None
    if path.suffix.lower() == ".svgz":
        import gzip

        try:
            data = gzip.decompress(data)[: MAX_CONFIG_BYTES + 1]
        except (OSError, EOFError) as exc:
            raise ImageError(f"not a readable .svgz ({exc})", path=path) from None
    text = data.decode("utf-8", errors="replace")
    if _EXTERNAL.search(text):
        raise ImageError("SVG refers to other files (href); only self-contained SVG images are drawn", path=path)
    if "<!ENTITY" in text:
        raise ImageError("SVG declares XML entities; refused", path=path)
    import resvg_py

    width = min(MAX_SIDE, max(target_size)) if target_size else None
    try:
        png = resvg_py.svg_to_bytes(svg_string=text, width=width, skip_system_fonts=True)
    except (ValueError, RuntimeError) as exc:
        raise ImageError(f"cannot draw SVG: {' '.join(str(exc).split())[:160]}", path=path) from None
    image = Image.open(io.BytesIO(bytes(png)))
    image.load()
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image
