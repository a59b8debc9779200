"""HarfBuzz cuts each PDF font down before fpdf2 subsets it: the glyphs a document uses keep their
names (how fpdf2 finds them), outlines and advances, for TrueType and for the CID-keyed CFF of the
CJK face, and the cut-down font holds little more than those glyphs."""

from __future__ import annotations

import shutil
import subprocess

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


#: Texts whose fonts fpdf2's own subsetting would keep whole once HarfBuzz has cut them: Latin, the
#: CJK face (CID-keyed CFF), Arabic and Bengali (shaped forms whose characters' own glyphs are unused).
WHOLE = CASES + [(None, "فريق العمل: بناء الفرق في المؤسسات"), (None, "হকিং বিকিরণ ও কৃষ্ণগহ্বর")]


def _document(text: str, path=None) -> tuple[FPDF, list]:
    from cardgen.text.fonts import segments

    pdf = FPDF()
    pdf.add_page()
    fonts = pdf_fonts.Fonts(pdf)
    pdf.set_text_shaping(True)
    pdf.set_xy(10, 20)
    for part, face in segments(text) if path is None else [(text, path)]:
        pdf.set_font(fonts.name(face), size=12)
        pdf.cell(text=part)  # shaped (`text` is not)
    return pdf, [f for f in pdf.fonts.values() if hasattr(f, "ttfont")]


@pytest.mark.parametrize(("path", "text"), WHOLE, ids=["cjk-cff", "latin-truetype", "arabic", "bengali"])
def test_fonttools_would_keep_every_glyph_of_a_cut_font(path, text) -> None:
    """What makes passing fpdf2's subsetting over exact: run on the cut font with fpdf2's options and
    glyph list, fontTools keeps every glyph (so outlines, ids and fpdf2's code map are unchanged)."""
    from fontTools import subset as ftsubset

    pdf, fonts = _document(text, path)
    pdf_fonts.presubset(pdf)
    for font in fonts:
        small = font.ttfont
        before = list(small.getGlyphOrder())
        options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=font.subset.get_all_glyph_names())
        subsetter.subset(small)
        assert small.getGlyphOrder() == before, font.ttffile.name


@pytest.mark.parametrize(("path", "text"), WHOLE, ids=["cjk-cff", "latin-truetype", "arabic", "bengali"])
def test_output_embeds_cut_fonts_without_subsetting_them_again(path, text, monkeypatch) -> None:
    from fontTools import subset as ftsubset

    calls: list[object] = []
    real = ftsubset.Subsetter.subset
    monkeypatch.setattr(ftsubset.Subsetter, "subset", lambda self, font: calls.append(font) or real(self, font))
    pdf, fonts = _document(text, path)
    data = pdf_fonts.output(pdf)
    assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    assert calls == []
    for font in fonts:  # the code map fpdf2 wrote points into the embedded (cut) font
        assert font.ttfont in pdf_fonts._cut
    import fpdf.output

    assert fpdf.output.ftsubset.Options is ftsubset.Options  # everything else is fontTools' own


def test_fonttools_is_installed_once_and_hands_on_what_it_does_not_pass_over() -> None:
    import fpdf.output
    from fontTools import subset as ftsubset

    pdf, _ = _document(*reversed(CASES[1]))
    pdf_fonts.output(pdf)
    installed = fpdf.output.ftsubset
    pdf_fonts._pass_over_cut_fonts()
    assert fpdf.output.ftsubset is installed and installed._real is ftsubset  # not wrapped twice
    subsetter = installed.Subsetter(ftsubset.Options())
    subsetter.populate(glyphs=["A"], unicodes=[0x42])  # fontTools' own method, handed on
    assert subsetter.glyph_names_requested == {"A"} and subsetter.unicodes_requested == {0x42}


def test_a_font_harfbuzz_could_not_cut_is_still_subset_by_fpdf2(monkeypatch) -> None:
    from fontTools import subset as ftsubset

    calls: list[object] = []
    real = ftsubset.Subsetter.subset
    monkeypatch.setattr(ftsubset.Subsetter, "subset", lambda self, font: calls.append(font) or real(self, font))
    monkeypatch.setattr(pdf_fonts, "_subset", lambda font, full: pdf_fonts._whole(font))
    pdf, fonts = _document(CASES[1][1], CASES[1][0])
    data = pdf_fonts.output(pdf)
    assert data[:5] == b"%PDF-"
    assert len(calls) == 1 and len(calls[0].getGlyphOrder()) < 200  # fpdf2 cut the whole font down


@pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("pdftotext"), reason="poppler not installed")
@pytest.mark.parametrize(("path", "text"), WHOLE, ids=["cjk-cff", "latin-truetype", "arabic", "bengali"])
def test_passing_subsetting_over_changes_no_pixel_and_no_text(path, text, tmp_path, monkeypatch) -> None:
    import numpy as np
    from PIL import Image

    pages = {}
    for how in ("fpdf2", "cardgen"):
        pdf, _ = _document(text, path)
        if how == "fpdf2":  # fontTools subsets the cut fonts again, as fpdf2 does by itself
            import fpdf.output
            from fontTools import subset as ftsubset

            pdf_fonts.presubset(pdf)
            monkeypatch.setattr(fpdf.output, "ftsubset", ftsubset)
            data = bytes(pdf.output())
            monkeypatch.undo()
        else:
            data = pdf_fonts.output(pdf)
        out = tmp_path / f"{how}.pdf"
        out.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(out), str(tmp_path / how)], check=True)
        text_back = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        pages[how] = (np.asarray(Image.open(next(tmp_path.glob(f"{how}*.png")))), text_back)
    ink = pages["fpdf2"][0] < 128
    assert ink.sum() > 200  # something was drawn
    assert np.array_equal(pages["fpdf2"][0], pages["cardgen"][0])
    assert pages["fpdf2"][1] == pages["cardgen"][1] and pages["fpdf2"][1].strip()


def _embedded_cff(data: bytes) -> list:
    import io
    import re
    import zlib

    from fontTools.cffLib import CFFFontSet

    found = []
    for ref in re.finditer(rb"/FontFile3 (\d+) 0 R", data):
        head = re.search(rb"\n" + ref.group(1) + rb" 0 obj\s*<<(.*?)>>\s*stream\r?\n", data, re.S)
        length = int(re.search(rb"/Length (\d+)", head.group(1)).group(1))
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(zlib.decompress(data[head.end():head.end() + length])), None)
        found.append(fonts[fonts.fontNames[0]])
    return found


def test_the_cjk_cff_program_is_embedded_as_harfbuzz_wrote_it() -> None:
    path, text = CASES[0]
    pdf, (font,) = _document(text, path)
    pdf_fonts.presubset(pdf)
    written = font.ttfont.reader["CFF "]
    data = pdf_fonts.output(pdf)
    (embedded,) = _embedded_cff(data)
    assert font.ttfont["CFF "].compile(font.ttfont) == written  # embedded as written, not recompiled
    full = TTFont(path, lazy=True).getGlyphSet()
    used = [g.glyph_name for g, _ in font.subset.items() if g is not None]
    assert len(used) > 20 and set(used) <= set(embedded.CharStrings.keys())
    for name in used:  # the outlines a reader draws are the original font's
        a, b = RecordingPen(), RecordingPen()
        full[name].draw(a)
        embedded.CharStrings[name].draw(b)
        assert a.value == b.value, name
