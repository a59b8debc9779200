"""QR codes: the one place a URL becomes a module matrix (segno, error correction M, ISO/IEC 18004).

Cards (vector rectangles), deck PDFs and the closing slide draw from this matrix; the quiet zone of four
modules is the drawer's to keep.
"""

from __future__ import annotations

from functools import lru_cache

QUIET_MODULES = 4


@lru_cache(maxsize=256)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """Dark (True) and light modules of the QR symbol for `url`, without the quiet zone."""
    import segno

    return tuple(tuple(bool(v) for v in row) for row in segno.make(url, error="m", micro=False).matrix)
