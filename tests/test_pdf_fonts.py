"""HarfBuzz cuts each PDF font down before fpdf2 subsets it: the glyphs a document uses keep their
names (how fpdf2 finds them), outlines and advances, for TrueType and for the CID-keyed CFF of the
CJK face, and the cut-down font holds little more than those glyphs."""

from __future__ import annotations

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from fpdf import FPDF

from cardgen.render import pdf_fonts
from cardgen.text.fonts import cjk_path, font_path

CASES = [(cjk_path(), "深層学習による錯視の生成と知覚メカニズム、情報処理学会。"),
         (font_path(), "Machine learning for physics — Ising model, 2024 (ÄÖÜ)")]


@pytest.mark.parametrize(("path", "text"), CASES, ids=["cjk-cff", "latin-truetype"])
def test_cut_down_font_keeps_the_used_glyphs(path, text) -> None:
    pdf = FPDF()
    pdf.add_page()
    fonts = pdf_fonts.Fonts(pdf)
    pdf.set_font(fonts.name(path), size=12)
    pdf.text(10, 20, text)
    font = pdf.fonts[fonts.name(path).lower()]
    full = TTFont(path, lazy=True)
    pdf_fonts.presubset(pdf)
    small = font.ttfont
    assert small is not full and len(small.reader.file.getvalue()) < path.stat().st_size / 4
    used = [g for g, _ in font.subset.items() if g is not None]
    assert len(used) >= len(set(text.replace(" ", ""))) - 2
    order, cut = full.getGlyphOrder(), small.getGlyphOrder()
    # the used glyphs, the components of composite ones, .notdef: not the whole font
    assert len(cut) <= 2 * len(used) + 4 and len(cut) < len(order) / 20
    glyphs_full, glyphs_cut = full.getGlyphSet(), small.getGlyphSet()
    for glyph in used:
        name = glyph.glyph_name
        assert name in cut  # fpdf2 finds glyphs by name
        a, b = RecordingPen(), RecordingPen()
        glyphs_full[name].draw(a)
        glyphs_cut[name].draw(b)
        assert a.value == b.value and full["hmtx"][name] == small["hmtx"][name]
    assert pdf.output()[:5] == b"%PDF-"
