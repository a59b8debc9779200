"""A contact sheet: every page's social image as a labelled thumbnail grid in one PNG."""

from __future__ import annotations

import io
import math
from pathlib import Path

from cardgen.output import atomic_write

THUMB_W = 400
GAP = 24
LABEL_H = 34
MARGIN = 48


def render_contact_sheet(items: list[tuple[str, Path]], output: Path, *, title: str | None = None,
                         columns: int | None = None) -> Path:
    """`items` are (label, image path) pairs, laid out in reading order on a light canvas."""
    from PIL import Image, ImageDraw

    from cardgen.text.fonts import font_path

    columns = columns or max(1, min(5, math.ceil(math.sqrt(max(1, len(items))))))
    thumbs = []
    for label, path in items:
        with Image.open(path) as img:
            img = img.convert("RGB")
            ratio = THUMB_W / img.width
            thumbs.append((label, img.resize((THUMB_W, max(1, round(img.height * ratio))), Image.Resampling.LANCZOS)))
    cell_h = max((t.height for _, t in thumbs), default=210) + LABEL_H
    rows = max(1, math.ceil(len(thumbs) / columns))
    header = 72 if title else 0
    width = MARGIN * 2 + columns * THUMB_W + (columns - 1) * GAP
    height = MARGIN * 2 + header + rows * cell_h + (rows - 1) * GAP
    sheet = Image.new("RGB", (width, height), "#f6f8fa")
    draw = ImageDraw.Draw(sheet)
    from PIL import ImageFont

    label_font = ImageFont.truetype(str(font_path("Noto Sans", bold=False, italic=False)), 18)
    if title:
        title_font = ImageFont.truetype(str(font_path("Noto Sans", bold=True, italic=False)), 36)
        draw.text((MARGIN, MARGIN), title, font=title_font, fill="#1f2328")
    for i, (label, thumb) in enumerate(thumbs):
        col, row = i % columns, i // columns
        x = MARGIN + col * (THUMB_W + GAP)
        y = MARGIN + header + row * (cell_h + GAP)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x, y, x + thumb.width - 1, y + thumb.height - 1), outline="#d0d7de")
        text = label
        while draw.textlength(text, font=label_font) > THUMB_W and len(text) > 2:
            text = text[:-2] + "…"
        draw.text((x, y + thumb.height + 8), text, font=label_font, fill="#57606a")
    buffer = io.BytesIO()
    sheet.save(buffer, "PNG", compress_level=6)  # optimize=True costs seconds on a big site for ~5 %
    return atomic_write(Path(output), buffer.getvalue())
