"""QR codes: the one place a URL becomes a module matrix (segno, error correction M, ISO/IEC 18004).

Cards (vector rectangles), deck PDFs and the closing slide draw from this matrix; the quiet zone of four
modules is the drawer's to keep.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

QUIET_MODULES = 4


@lru_cache(maxsize=256)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """Dark (True) and light modules of the QR symbol for `url`, without the quiet zone."""
    import segno

    return tuple(tuple(bool(v) for v in row) for row in segno.make(url, error="m", micro=False).matrix)


def dark_runs(matrix: Sequence[Sequence[bool]]) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules: vector drawers fill one
    rectangle per run."""
    for r, row in enumerate(matrix):
        c, count = 0, len(row)
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            yield r, start, c - start


@lru_cache(maxsize=256)
def qr_png(url: str, scale: int = 12) -> bytes:
    """The symbol for `url` as a black-on-white PNG, `scale` pixels per module, with the quiet zone
    (for slides, which place pictures). Encoded once per address and process."""
    import io

    from PIL import Image

    matrix = qr_matrix(url)
    side = len(matrix) + 2 * QUIET_MODULES
    light = [1] * side
    margin = [1] * QUIET_MODULES
    rows = [light] * QUIET_MODULES + [margin + [0 if dark else 1 for dark in row] + margin for row in matrix]
    modules = Image.new("1", (side, side))
    modules.putdata([v for row in rows + [light] * QUIET_MODULES for v in row])
    buffer = io.BytesIO()
    modules.resize((side * scale, side * scale), Image.Resampling.NEAREST).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
