"""One laid-out text piece (`cardgen.text.line.Piece`) drawn with fpdf2: shared by the card and deck
PDF backends so both shape complex scripts the same way."""

from __future__ import annotations

from typing import Any

from cardgen.text.line import Piece


def draw_piece(pdf: Any, x: float, y: float, piece: Piece, size: float, lang: str | None) -> None:
    """`piece` with its baseline's left end at (x, y) in the document's unit (mm or pt), at `size` pt,
    in the font already set. Shaped pieces go through fpdf2's HarfBuzz shaping (`text()` does not
    shape), in a margin-less cell whose baseline fpdf2 puts at 0.5 h + 0.3 size below its top
    (fpdf.FPDF._render_styled_text_line)."""
    if not piece.shaped:
        pdf.text(x, y, piece.text)
        return
    em = size / pdf.k  # the size in the document's unit (pdf.k: points per unit)
    margin = pdf.c_margin
    pdf.c_margin = 0
    pdf.set_text_shaping(True, direction="rtl" if piece.rtl else "ltr", language=lang or None)
    try:
        pdf.set_xy(x, y - 0.8 * em)
        pdf.cell(w=piece.width * em, h=em, text=piece.text, align="L")
    finally:
        pdf.set_text_shaping(False)
        pdf.c_margin = margin



