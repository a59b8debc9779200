"""QR codes: the one place a URL becomes a module matrix (segno, error correction M, ISO/IEC 18004).

Cards (vector rectangles), deck PDFs and the closing slide draw from this matrix; the quiet zone of four
modules is the drawer's to keep.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache

QUIET_MODULES = 4

Matrix = tuple[tuple[bool, ...], ...]

_known: dict[str, Matrix] = {}  # made by another process for these URLs (see `known`)


def qr_matrix(url: str) -> Matrix:
    """Dark (True) and light modules of the QR symbol for `url`, without the quiet zone."""
    given = _known.get(url)
    return given if given is not None else _encoded(url)


@lru_cache(maxsize=256)
def _encoded(url: str) -> Matrix:
    import segno

    return tuple(tuple(bool(v) for v in row) for row in segno.make(url, error="m", micro=False).matrix)


def packed(matrix: Matrix) -> str:
    """`matrix` as one line of "0"/"1" per row (what a batch worker sends back: ~1.4 KB for a 37×37
    symbol, where the tuples pickle to ~15 KB)."""
    return "\n".join("".join("1" if dark else "0" for dark in row) for row in matrix)


@contextmanager
def known(symbols: Mapping[str, str]) -> Iterator[None]:
    """Draw these URLs' symbols from `symbols` (`packed` matrices `qr_matrix` gave for them in another
    process: a batch's event pack draws the QR codes its page workers encoded) instead of encoding
    them again; anything that is not a QR symbol's square of modules is left out and encoded here."""
    added = {url: m for url, text in symbols.items() if url not in _known and (m := _unpacked(text)) is not None}
    _known.update(added)
    try:
        yield
    finally:
        for url in added:
            _known.pop(url, None)


def _unpacked(text: object) -> Matrix | None:
    rows = text.split("\n") if isinstance(text, str) else []
    size = len(rows)
    if not 21 <= size <= 177 or (size - 21) % 4 or any(len(row) != size or row.strip("01") for row in rows):
        return None
    return tuple(tuple(ch == "1" for ch in row) for row in rows)


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
    # zlib's default level: `optimize` (level 9) saves ~80 bytes of ~800 for four times the time (~7 ms).
    modules.resize((side * scale, side * scale), Image.Resampling.NEAREST).save(buffer, "PNG")
    return buffer.getvalue()
