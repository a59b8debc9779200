"""Text engine: fonts and fallback, widths, line breaking (Latin, CJK, kinsoku), fitting, drawing."""

from __future__ import annotations

import frontmatter
import pytest
from PIL import Image, ImageDraw

from cardgen.text import missing_glyphs
from cardgen.text.breaking import NO_END, NO_START, atoms, wrap_lines
from cardgen.text.fit import Box, TextStyle, fit_text
from cardgen.text.fonts import FONTS_DIR, coverage, font_path, pptx_typefaces, segments
from cardgen.text.measure import text_width

from conftest import CORPUS, corpus_pages


def test_bundled_fonts_exist_with_licences() -> None:
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSansMono-Regular.ttf",
                 "NotoSansCJK-Regular.subset.otf", "NotoSansCJK-Bold.subset.otf", "DejaVuSans.ttf", "OFL.txt",
                 *(f"NotoSans{s}-{w}.ttf" for s in ("Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil", "Thai")
                   for w in ("Regular", "Bold"))):
        assert (FONTS_DIR / name).is_file(), name
    assert font_path("Noto Sans", bold=True).name == "NotoSans-Bold.ttf"
    assert font_path("monospace").name == "NotoSansMono-Regular.ttf"
    assert font_path("No Such Family").name == "NotoSans-Regular.ttf"


def test_cjk_and_latin_are_covered_and_gaps_reported() -> None:
    assert missing_glyphs("Hello 日本語 한국어 中文 繁體 Ελληνικά Кириллица «ß»") == []
    assert missing_glyphs("日本語の文章、「括弧」。") == []
    assert missing_glyphs("机器学习物理基础研究") == []  # zh-Hans
    assert missing_glyphs("機器學習物理基礎研究") == []  # zh-Hant
    assert missing_glyphs("기계 학습 물리학의 기초") == []
    assert missing_glyphs("Физика машинного обучения · Φυσική μηχανικής μάθησης") == []
    assert missing_glyphs("🙂🚀🎉👍❤️✅⭐🔬📊 → ✓ ★") == []
    assert missing_glyphs("  \n\t") == []
    assert "\U00020bb7" in missing_glyphs("𠮷野家")  # CJK Ext-B: not in any bundled font


@pytest.mark.parametrize(("text", "face"), [
    ("العربية والفارسية: پژوهش گروهی، اردو: ٹیم ڈیٹا ے", "NotoSansArabic"),
    ("עברית: צוות מחקר", "NotoSansHebrew"),
    ("हिन्दी: मशीन लर्निंग", "NotoSansDevanagari"),
    ("বাংলা: স্টিফেন হকিং।", "NotoSansBengali"),
    ("தமிழ்: இயந்திர கற்றல்", "NotoSansTamil"),
    ("ภาษาไทย: การเรียนรู้ของเครื่อง", "NotoSansThai"),
])
def test_complex_scripts_are_covered_by_their_noto_face(text: str, face: str) -> None:
    assert missing_glyphs(text) == []
    for bold in (False, True):
        script_runs = [(part, path) for part, path in segments(text, bold=bold) if not path.name.startswith("NotoSans-")]
        assert script_runs and all(path.name.startswith(face + "-") for _, path in script_runs)
        assert all(("Bold" in path.name) == bold for _, path in script_runs)


def test_marks_and_danda_stay_in_the_run_of_their_script() -> None:
    # the Bengali danda and Arabic digits/comma are shaped with their words, not split off to Noto Sans
    assert [p.name for _, p in segments("হকিং।")] == ["NotoSansBengali-Regular.ttf"]
    assert [p.name for _, p in segments("عام 2020، نعم")] == ["NotoSansArabic-Regular.ttf"]


def test_segments_pick_a_covering_font_per_run() -> None:
    parts = segments("MLPhys: 機械学習 physics")
    assert [p for p, _ in parts] == ["MLPhys: ", "機械学習 ", "physics"]
    for text, path in parts:
        assert all(ord(ch) in coverage(path) for ch in text.strip())


def test_widths_scale_and_conservative_is_never_narrower() -> None:
    w = text_width("Machine Learning Physics", 20)
    assert text_width("Machine Learning Physics", 40) == pytest.approx(2 * w)
    assert text_width("Machine Learning Physics", 20, conservative=True) >= w
    assert text_width("Machine Learning Physics", 20, bold=True) > w
    assert text_width("日本語", 10) == pytest.approx(30, rel=0.05)  # full-width ideographs are 1 em


def test_latin_words_are_never_broken_when_they_fit() -> None:
    style = TextStyle(size=20)
    text = "Throughout its long history physics has provided the most precise testing ground in science"
    lines = wrap_lines(text, 200, style, 20)
    assert len(lines) > 2
    assert " ".join(lines).split() == text.split()
    assert all(text_width(line, 20) <= 200 for line in lines)


def test_a_word_wider_than_the_box_is_split_with_a_hyphen() -> None:
    lines = wrap_lines("Pneumonoultramicroscopicsilicovolcanoconiosis", 150, TextStyle(size=20), 20)
    assert len(lines) > 1 and lines[0].endswith("-")
    assert all(text_width(line, 20) <= 150 for line in lines)


def test_japanese_breaks_at_phrases_and_obeys_kinsoku() -> None:
    text = "指先の力入力を用いてVR空間内で全身アバターを操作可能にする革新的なコントローラです。"
    parts = atoms(text, "ja")
    assert "".join(parts) == text
    assert len(parts) > 4
    lines = wrap_lines(text, 150, TextStyle(size=16, lang="ja"), 16)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_START
    for line in lines[:-1]:
        assert line[-1] not in NO_END


def test_corpus_japanese_titles_keep_phrases_whole() -> None:
    for page in sorted(CORPUS.glob("ja-*/index.md")):
        title = str(frontmatter.load(page).get("title", ""))
        phrases = set(atoms(title, "ja"))
        width = max(text_width(p.rstrip(), 24) for p in phrases) + 1  # every phrase fits on a line
        lines = wrap_lines(title, width, TextStyle(size=24, lang="ja"), 24)
        assert "".join(lines).replace(" ", "") == title.replace(" ", "")
        for line in lines[:-1]:
            assert any(line.endswith(p.rstrip()) for p in phrases), (title, line)


@pytest.mark.parametrize("page", corpus_pages(), ids=lambda p: p.parent.name)
def test_every_corpus_title_fits_a_social_title_box(page) -> None:
    title = str(frontmatter.load(page).get("title") or page.parent.name)
    style = TextStyle(size=64, min_size=34, max_lines=4, bold=True, balance=True)
    fitted = fit_text(title, Box(1000, 300), style)
    assert 1 <= len(fitted.lines) <= 4
    assert fitted.height <= 300 + 1e-6
    assert all(text_width(line, fitted.size, bold=True) <= 1000 + 1e-6 for line in fitted.lines)
    assert 34 <= fitted.size <= 64


def test_fit_shrinks_then_truncates_with_an_ellipsis() -> None:
    style = TextStyle(size=40, min_size=20, max_lines=2)
    short = fit_text("A short title", Box(600, 200), style)
    assert short.size == 40 and not short.truncated and short.lines == ("A short title",)
    longer = fit_text("A rather longer title that needs a smaller size to fit in two lines", Box(420, 200), style)
    assert 20 <= longer.size < 40 and not longer.truncated and len(longer.lines) <= 2
    huge = fit_text("word " * 400, Box(600, 200), style)
    assert huge.truncated and huge.size == 20 and huge.lines[-1].endswith("…") and len(huge.lines) == 2


def test_balance_avoids_a_lonely_last_word() -> None:
    text = "Foundation of Machine Learning Physics"
    plain = fit_text(text, Box(700, 400), TextStyle(size=60, min_size=60, max_lines=3))
    balanced = fit_text(text, Box(700, 400), TextStyle(size=60, min_size=60, max_lines=3, balance=True))
    assert len(plain.lines) == len(balanced.lines) == 2
    assert len(balanced.lines[-1].split()) >= 2
    assert balanced.width <= plain.width


def test_a_long_katakana_phrase_breaks_at_the_middle_dot() -> None:
    lines = wrap_lines("物理シミュレーション・チーム", 270, TextStyle(size=24, lang="ja"), 24)
    assert lines == ["物理シミュレーション・", "チーム"]


def test_pptx_typefaces_follow_the_language() -> None:
    assert pptx_typefaces("ja") == ("Noto Sans", "Noto Sans CJK JP")
    assert pptx_typefaces("zh-TW")[1] == "Noto Sans CJK TC"
    assert pptx_typefaces("zh")[1] == "Noto Sans CJK SC"
    assert pptx_typefaces("ko")[1] == "Noto Sans CJK KR"


def test_cjk_titles_render_with_real_glyphs_not_boxes() -> None:
    from cardgen.text.raster import draw_fitted

    for page in ("ja-itijoho", "zh-gan-editing", "ko-spack-packager"):
        path = CORPUS / page / "index.md"
        if not path.exists():
            continue
        title = str(frontmatter.load(path)["title"])
        fitted = fit_text(title, Box(900, 200), TextStyle(size=48, min_size=24, max_lines=3, bold=True))
        assert fitted.missing == ()
        img = Image.new("L", (1000, 260), 255)
        draw_fitted(ImageDraw.Draw(img), (20, 20), fitted, bold=True, fill=0)
        # every character's own font has the glyph: none falls back to .notdef
        for text, font in segments(title, bold=True):
            assert all(ord(ch) in coverage(font) for ch in text if not ch.isspace())
        assert img.getextrema()[0] == 0  # something was drawn


def test_precomputed_metrics_match_the_font_files() -> None:
    from cardgen.text.measure import bundled_metrics, read_metrics

    table = bundled_metrics()
    fonts = sorted([*FONTS_DIR.glob("*.ttf"), *FONTS_DIR.glob("*.otf")])
    assert {p.name for p in fonts} == set(table)
    for path in fonts:
        if "CJK" in path.name:
            continue  # same code path; skipped only to keep the suite fast
        assert table[path.name] == read_metrics(path), path.name


def test_fonts_past_those_a_text_needs_are_not_opened() -> None:
    """Splitting text into font runs reads a font's coverage only when a character reaches it down the
    fallback chain, and the bundled metrics build only the tables asked for: a Latin page opens
    neither the CJK table nor the system symbol fonts at the end of the chain."""
    from cardgen.text import fonts, metrics

    for cached in (fonts.coverage, fonts._segments, fonts._first_fonts, metrics.bundled_font, metrics.metrics):
        cached.cache_clear()
    try:
        assert [font.name for _, font in segments("Plain Latin words, 2026.")] == ["NotoSans-Regular.ttf"]
        assert fonts.coverage.cache_info().currsize == 1
        assert metrics.bundled_font.cache_info().currsize == 1
        # a character the primary face lacks walks the chain as far as the first font that has it
        (_, first), (text, cjk) = segments("A漢")
        assert first.name == "NotoSans-Regular.ttf" and text == "漢" and "CJK" in cjk.name
        chain = fonts.fallback_chain(None)
        assert fonts.coverage.cache_info().currsize == chain.index(cjk) + 1 < len(chain)
    finally:
        for cached in (fonts.coverage, fonts._segments, fonts._first_fonts, metrics.bundled_font, metrics.metrics):
            cached.cache_clear()


def test_a_200_character_english_title_fits_a_social_box() -> None:
    title = ("Machine learning physics: integrating the precise testing ground of the natural sciences with "
             "the mathematical foundations of artificial intelligence for transformative research areas")[:200]
    fitted = fit_text(title, Box(1040, 300), TextStyle(size=64, min_size=28, max_lines=5, bold=True))
    assert not fitted.truncated
    assert fitted.height <= 300 and all(text_width(line, fitted.size, bold=True) <= 1040 for line in fitted.lines)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("abcdefghij ABCDE xyz,.-日本語の文章、。한국어中文繁體🙂 ")), max_size=300)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, w=st.floats(60, 1400), h=st.floats(20, 700), size=st.floats(10, 80),
       bold=st.booleans(), conservative=st.booleans(), max_lines=st.one_of(st.none(), st.integers(1, 6)))
def test_fitted_text_measured_again_fits_its_box(text, w, h, size, bold, conservative, max_lines) -> None:
    style = TextStyle(size=size, min_size=max(6.0, size / 2), max_lines=max_lines, bold=bold,
                      conservative=conservative, balance=True)
    fitted = fit_text(text, Box(w, h), style)
    if not text.strip():
        assert fitted.lines == ()
        return
    if max_lines is not None:
        assert len(fitted.lines) <= max_lines
    for line in fitted.lines:
        assert text_width(line, fitted.size, bold=bold, conservative=conservative) <= w + 1e-6
    if not fitted.truncated or len(fitted.lines) > 1:
        assert fitted.height <= h + 1e-6


@pytest.mark.parametrize("width", [120, 180, 260, 333, 420, 555])
def test_ellipsis_never_cuts_inside_a_word(width: float) -> None:
    text = ("Throughout its long history, physics has provided the most precise testing ground in the natural "
            "sciences, solving problems in various natural hierarchies")
    fitted = fit_text(text, Box(width, 50), TextStyle(size=18, min_size=18, max_lines=2))
    assert fitted.truncated and fitted.lines[-1].endswith("…")
    words = set(text.replace(",", "").split())
    shown = " ".join(fitted.lines)[:-1].replace(",", "").split()
    assert shown and all(word in words for word in shown), shown


def test_ellipsis_in_japanese_falls_on_a_phrase_boundary() -> None:
    import budoux

    text = "位置推定が容易な場所の説明文の特徴分析についての詳しい研究と実験の結果をまとめました"
    phrases = budoux.load_default_japanese_parser().parse(text)
    ends = {len("".join(phrases[:i])) for i in range(1, len(phrases) + 1)}
    fitted = fit_text(text, Box(200, 30), TextStyle(size=18, min_size=18, max_lines=1, lang="ja"))
    assert fitted.truncated and len(fitted.lines[0][:-1]) in ends


def test_balancing_never_breaks_a_word_or_phrase_the_full_width_keeps_whole() -> None:
    """Narrowing the lines to even them out stops where a phrase would split: "セルフリオネッ" / "ト /
    Selfrionette" was the narrowest two-line wrapping of this title (a social image's)."""
    from cardgen.text.fit import _breaks_inside

    style = TextStyle(size=54, min_size=34, max_lines=4, bold=True, balance=True, lang="ja")
    title = "セルフリオネット / Selfrionette"
    fitted = fit_text(title, Box(560, 300), style)
    assert len(fitted.lines) == 2 and fitted.lines[0].rstrip().endswith(("セルフリオネット", "/"))
    assert _breaks_inside(title, fitted.lines, "ja") == 0
    for text, lang in (("Foundation of Machine Learning Physics", None), ("深層学習による錯視の生成と知覚メカニズム", "ja"),
                       ("物理シミュレーション・チーム", "ja"), ("自然语言处理中的事实核查研究", "zh")):
        for width in range(300, 1100, 40):
            plain = fit_text(text, Box(width, 400), TextStyle(size=54, min_size=34, max_lines=4, bold=True, lang=lang))
            even = fit_text(text, Box(width, 400), TextStyle(size=54, min_size=34, max_lines=4, bold=True,
                                                             balance=True, lang=lang))
            assert _breaks_inside(text, even.lines, lang) <= _breaks_inside(text, plain.lines, lang), (text, width)


def test_the_katakana_middle_dot_ends_an_atom() -> None:
    assert atoms("物理シミュレーション・チーム", "ja") == ("物理シミュレーション・", "チーム")
    assert atoms("ロボット・アーム・制御", "ja")[0].endswith("・")
