"""Bidi order, shaping and drawing of complex scripts (both the raqm and the bundled HarfBuzz path)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, features

from cardgen.text import raster
from cardgen.text.bidi import base_rtl, visual_runs
from cardgen.text.fonts import FONTS_DIR
from cardgen.text.line import place_line, table_width
from cardgen.text.measure import text_width
from cardgen.text.shaping import shape

SAMPLES = [
    "مشروع تشكيل الفرق البحثية (2021)",  # Arabic with digits and brackets
    "تشکیل تیم‌های پژوهشی",  # Persian with ZWNJ
    "שלום עולם (מחקר) 2024",  # Hebrew
    "स्टीफन हॉकिंग का जीवन",  # Devanagari
    "স্টিফেন হকিংয়ের জীবন",  # Bengali
    "การเรียนรู้ของเครื่อง",  # Thai
    "தமிழ் மொழி",  # Tamil
]


def runs(text: str, rtl: bool | None = None) -> list[tuple[str, bool]]:
    return [(r.text, r.rtl) for r in visual_runs(text, rtl)]


def test_bidi_runs_come_in_display_order_with_brackets_paired() -> None:
    assert runs("abc (שלום) 123 def") == [("abc (", False), ("שלום", True), (") ", False), ("123", False), (" def", False)]
    assert runs("مرحبا ABC 123 (نعم)") == [(" (نعم)", True), ("ABC 123", False), ("مرحبا ", True)]
    assert runs("Hello") == [("Hello", False)]
    assert base_rtl("  (2021) שלום") and not base_rtl("123") and base_rtl("123", default=True)


def test_bidi_controls_steer_and_are_never_kept() -> None:
    assert runs("The word \u202eabc\u202c here") == [("The word ", False), ("abc", True), (" here", False)]
    isolated = runs("سلام \u2066English\u2069 دنیا")
    assert ("English", False) in isolated
    assert all(ch not in text for text, _ in isolated for ch in "\u2066\u2069\u202e\u200f")
    assert runs("abc\u200f") == [("abc", False)]
    assert "\u200c" in "".join(t for t, _ in runs("تیم‌ها"))  # ZWNJ stays: it changes the joining


def test_shaped_width_is_what_is_drawn_not_a_sum_of_characters() -> None:
    arabic = FONTS_DIR / "NotoSansArabic-Regular.ttf"
    text = "مشروع تشكيل الفرق"
    shaped = sum(g.advance for g in shape(text, arabic, True))
    assert abs(shaped - table_width(text, arabic)) > 0.05 * shaped  # isolated forms are wider
    assert text_width(text, 10) == pytest.approx(place_line(text).width * 10)
    assert text_width(text, 10) == pytest.approx(shaped * 10, rel=1e-6)
    deva = FONTS_DIR / "NotoSansDevanagari-Regular.ttf"
    conjunct = shape("स्त", deva, False)
    assert len(conjunct) < 3  # a conjunct, not three glyphs


def test_lines_of_mixed_direction_add_up() -> None:
    line = place_line("مرحبا ABC 123 (نعم)")
    assert line.rtl
    xs = [p.x for p in line.pieces]
    assert xs == sorted(xs)
    assert line.width == pytest.approx(sum(p.width for p in line.pieces))


def _draw(engine: str, size: float = 40) -> np.ndarray:
    img = Image.new("L", (900, 70 * len(SAMPLES)), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(SAMPLES):
        for piece in place_line(text, bold=True).pieces:
            raster.draw_piece(draw, (20 + piece.x * size, 50 + 70 * i), piece, size, fill=0, engine=engine)
    return np.asarray(img, dtype=float)


def test_bundled_shaping_draws_every_sample_with_ink_inside_its_measure() -> None:
    pixels = _draw("bundled")
    for i, text in enumerate(SAMPLES):
        band = pixels[70 * i: 70 * (i + 1)]
        cols = np.where(band.min(axis=0) < 128)[0]
        assert cols.size, text
        width = place_line(text, bold=True).width * 40
        assert cols[0] >= 20 - 3 and cols[-1] <= 20 + width + 3, text  # ink where the layout measured it


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow built without raqm")
def test_raqm_and_bundled_paths_draw_the_same_glyphs() -> None:
    raqm, bundled = _draw("raqm"), _draw("bundled")
    assert np.abs(raqm - bundled).mean() < 4  # antialiasing differences only
    for i in range(len(SAMPLES)):
        band = slice(70 * i, 70 * (i + 1))
        assert np.abs(raqm[band] - bundled[band]).mean() < 6, SAMPLES[i]


def test_controls_draw_nothing() -> None:
    def image(text: str) -> np.ndarray:
        img = Image.new("L", (400, 60), 255)
        raster.draw_text(ImageDraw.Draw(img), (10, 45), text, 32, fill=0)
        return np.asarray(img)

    assert (image("abc \u200eשלום\u200f") == image("abc שלום")).all()
    assert (image("\u2067abc\u2069") == image("abc")).all()


def test_thai_breaks_between_budoux_phrases_never_inside_a_cluster() -> None:
    import unicodedata

    from cardgen.text.breaking import atoms, cluster_start, wrap_lines
    from cardgen.text.fit import TextStyle

    text = "การเรียนรู้ของเครื่องสำหรับฟิสิกส์ดาราศาสตร์"
    pieces = atoms(text)
    assert "".join(pieces) == text and len(pieces) >= 4
    lines = wrap_lines(text, 260, TextStyle(size=24), 24)
    assert len(lines) >= 2 and "".join(lines) == text
    assert all(set(pieces) & {line[: len(p)] for p in pieces} for line in lines)  # each line starts a phrase
    for line in lines[1:]:
        assert unicodedata.category(line[0])[0] != "M"  # no line starts with a vowel sign or tone mark
    word = "স্টিফেনহকিংয়েরজীবন"
    for cut in range(2, len(word)):
        safe = cluster_start(word, cut)
        assert safe == 1 or (unicodedata.category(word[safe])[0] != "M" and unicodedata.combining(word[safe - 1]) != 9)
    family = "👨\u200d👩\u200d👧x"
    assert cluster_start(family, 2) == 1 and cluster_start(family, 3) == 1


def test_the_rtl_prefilter_holds_every_right_to_left_character() -> None:
    """`has_rtl` asks unicodedata only about characters in its ranges: every character of class R, AL,
    RLE, RLO or RLI must be in them, or a line in that script would be laid out left to right."""
    import sys
    import unicodedata

    from cardgen.text.bidi import _MAYBE_RTL, has_rtl

    rtl = [chr(c) for c in range(sys.maxunicode + 1)
           if unicodedata.bidirectional(chr(c)) in ("R", "AL", "RLE", "RLO", "RLI")]
    assert len(rtl) > 2000
    assert all(_MAYBE_RTL.fullmatch(ch) for ch in rtl)
    assert all(has_rtl(f"abc {ch} def") for ch in rtl[::50])
    assert not has_rtl("Plain text “quoted” — 2026, ১২৩ বাংলা, 日本語")  # dashes and quotes lie between RLM and RLI
    assert has_rtl("\u200f") and has_rtl("x\u202bx")


def test_shaped_widths_are_the_sum_of_the_drawn_advances() -> None:
    """Measuring shapes without making glyphs: the width must be the drawn glyphs' advances, summed."""
    from cardgen.text.shaping import shaped_advance

    for text, name, rtl, lang in [("স্টিফেন হকিং ছিলেন", "NotoSansBengali-Regular.ttf", False, "bn"),
                                  ("تكوين الفرق البحثية", "NotoSansArabic-Regular.ttf", True, "ar"),
                                  ("नमस्ते दुनिया", "NotoSansDevanagari-Regular.ttf", False, "hi")]:
        path = FONTS_DIR / name
        assert shaped_advance(text, path, rtl, lang) == sum(g.advance for g in shape(text, path, rtl, lang)) > 0
