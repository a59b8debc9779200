"""A contact sheet: every page's social image as a labelled thumbnail grid in one PNG."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.output import atomic_write

if TYPE_CHECKING:
    from PIL import ImageDraw

THUMB_W = 400
GAP = 24
LABEL_H = 34
MARGIN = 48
TITLE_SIZE = 36
LABEL_SIZE = 18


def render_contact_sheet(items: list[tuple[str, Path]], output: Path, *, title: str | None = None,
                         columns: int | None = None) -> Path:
    """`items` are (label, image path) pairs, laid out in reading order on a light canvas."""
    from PIL import Image, ImageDraw

    columns = columns or max(1, min(5, math.ceil(math.sqrt(max(1, len(items))))))
    thumbs = []
    for label, path in items:
        with Image.open(path) as img:
            width, height = img.size
            size = (THUMB_W, max(1, round(height * THUMB_W / width)))
            img.draft("RGB", size)  # a JPEG decodes at the DCT scale just above the thumbnail
            thumbs.append((label, img.convert("RGB").resize(size, Image.Resampling.LANCZOS)))
    cell_h = max((t.height for _, t in thumbs), default=210) + LABEL_H
    rows = max(1, math.ceil(len(thumbs) / columns))
    header = 72 if title else 0
    width = MARGIN * 2 + columns * THUMB_W + (columns - 1) * GAP
    height = MARGIN * 2 + header + rows * cell_h + (rows - 1) * GAP
    sheet = Image.new("RGB", (width, height), "#f6f8fa")
    draw = ImageDraw.Draw(sheet)
    if title:  # through the text engine: font fallback (CJK, Arabic…), shaping, word-boundary ellipsis
        _label(draw, title, (MARGIN, MARGIN + TITLE_SIZE), width - 2 * MARGIN, TITLE_SIZE, "#1f2328", bold=True)
    for i, (label, thumb) in enumerate(thumbs):
        col, row = i % columns, i // columns
        x = MARGIN + col * (THUMB_W + GAP)
        y = MARGIN + header + row * (cell_h + GAP)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x, y, x + thumb.width - 1, y + thumb.height - 1), outline="#d0d7de")
        _label(draw, label, (x, y + thumb.height + 8 + LABEL_SIZE), THUMB_W, LABEL_SIZE, "#57606a")
    buffer = io.BytesIO()
    sheet.save(buffer, "PNG", compress_level=6)  # optimize=True costs seconds on a big site for ~5 %
    return atomic_write(Path(output), buffer.getvalue())


def _label(draw: ImageDraw.ImageDraw, text: str, baseline: tuple[int, int], width: int, size: int, fill: str, bold: bool = False) -> None:
    """One line of `text` at most `width` px wide, shortened at a word boundary when it must be."""
    from cardgen.text.fit import fit_text
    from cardgen.text.raster import draw_text
    from cardgen.text.style import Box, TextStyle

    fitted = fit_text(text, Box(width, size * 1.3), TextStyle(size=size, min_size=size, max_lines=1, bold=bold))
    line = fitted.lines[0] if fitted.lines else ""
    draw_text(draw, baseline, line, size, bold=bold, fill=fill)
