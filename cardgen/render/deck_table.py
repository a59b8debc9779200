"""Native pptx tables: column widths from content, rows measured and split across slides."""

from __future__ import annotations

from cardgen.document import Inline, Table, plain
from cardgen.layouts.deck import TextRole
from cardgen.render.deck_fit import Frame, line_count, sizes_down
from cardgen.text.measure import text_width

CELL_PAD_X = 14.4  # left + right cell margins (pt), PowerPoint's defaults written explicitly
CELL_PAD_Y = 7.2
RESERVE = 0.95


def column_widths(table: Table, total: float, size: float) -> list[float]:
    """Share `total` between columns by their longest cell, never narrower than their longest word."""
    columns = max(len(table.header), *(len(r) for r in table.rows)) if table.rows else len(table.header)
    columns = max(1, columns)
    want, floor = [], []
    for col in range(columns):
        cells = [_cell(row, col) for row in (table.header, *table.rows)]
        longest = max((text_width(c, size, conservative=True) for c in cells), default=0.0)
        word = max((text_width(w, size, conservative=True) for c in cells for w in c.split()), default=0.0)
        want.append(min(longest, total * 0.6) + CELL_PAD_X)
        floor.append(min(word + CELL_PAD_X + 4, total / columns * 1.6))
    scale = total / (sum(want) or 1)
    widths = [max(f, w * scale) for w, f in zip(want, floor, strict=True)]
    excess = sum(widths) - total
    if excess > 0:  # take it from the columns that have room above their floor
        spare = [w - f for w, f in zip(widths, floor, strict=True)]
        room = sum(spare) or 1
        widths = [w - excess * s / room for w, s in zip(widths, spare, strict=True)]
    if min(widths) <= CELL_PAD_X + 2:  # cannot honour the floors: share evenly
        widths = [total / columns] * columns
    return widths


def _cell(row: tuple[Inline, ...], col: int) -> str:
    return plain(row[col]).replace("\n", " ") if col < len(row) else ""


def row_height(row: tuple[Inline, ...], widths: list[float], size: float, role: TextRole, lang: str | None,
               bold: bool = False) -> float:
    lines = 1
    for col, width in enumerate(widths):
        text = _cell(row, col)
        if text:
            lines = max(lines, line_count(text, max(8.0, (width - CELL_PAD_X) * RESERVE), None, bold, round(size, 2), lang))
    return lines * size * role.line_height + CELL_PAD_Y + 2


def paginate_rows(table: Table, role: TextRole, frame: Frame,
                  lang: str | None) -> list[tuple[tuple[tuple[Inline, ...], ...], float]]:
    """[(rows, size)]: the largest size at which the whole table fits, else row chunks (header repeated)."""
    for size in sizes_down(role):
        widths = column_widths(table, frame.w, size)
        total = row_height(table.header, widths, size, role, lang, True) + sum(
            row_height(r, widths, size, role, lang) for r in table.rows)
        if total <= frame.h:
            return [(table.rows, size)]
    size = role.min_size
    widths = column_widths(table, frame.w, size)
    head = row_height(table.header, widths, size, role, lang, True)
    pages: list[tuple[tuple[tuple[Inline, ...], ...], float]] = []
    current: list[tuple[Inline, ...]] = []
    used = head
    for row in table.rows:
        h = row_height(row, widths, size, role, lang)
        if current and used + h > frame.h:
            pages.append((tuple(current), size))
            current, used = [], head
        current.append(row)
        used += h
    if current:
        pages.append((tuple(current), size))
    return pages
