"""PowerPoint decks: real pptx files opened with python-pptx, measured, and (slow) rendered with LibreOffice."""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Emu, Pt

from cardgen.errors import TemplateError, UsageError
from cardgen.loader import load_page
from cardgen.render.deck import render_deck

from conftest import CORPUS, SAMPLES, SEED, SHARED, corpus_ids, corpus_pages, tiny_png, write

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
TOOLS = SHARED / "tools"
FONTS = Path(__file__).resolve().parents[1] / "cardgen" / "fonts"
SITE = SAMPLES / "site"


def deck_of(page_path: Path, tmp_path: Path, **options):
    page = load_page(page_path)
    out = tmp_path / f"{page.slug}.pptx"
    result = render_deck(page, out, **options)
    return page, result, Presentation(str(out))


def texts(slide) -> list[str]:
    """The text of each shape as a reader sees it: without the zero-width pieces that end a split link
    (`test_libreoffice_draws_every_word_of_a_link_in_its_colour`)."""
    return [shape.text_frame.text.translate(ZERO_WIDTH) for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text.strip()]


ZERO_WIDTH = {0xFEFF: None, 0x200B: None}


def all_text(prs) -> str:
    return "\n".join(t for slide in prs.slides for t in texts(slide))


def pictures(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE or
            (s.shape_type == MSO_SHAPE_TYPE.PLACEHOLDER and hasattr(s, "image"))]


@functools.lru_cache(maxsize=1)
def _check_pptx():
    """The shared checker script loaded once as a module (its font look-ups are then cached across decks)."""
    script = TOOLS / "check-pptx.py"
    if not script.exists():
        return None
    spec = importlib.util.spec_from_file_location("check_pptx", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.scan_font_dirs([str(FONTS)])
    return module


def checker(path: Path) -> list[str]:
    """The shared overflow / off-slide / distortion / no-title checker, measuring with the fonts we ship;
    its default tolerance, nothing ignored, one line per problem as the script prints them."""
    module = _check_pptx()
    if module is None:
        pytest.skip("../shared/tools/check-pptx.py not available")
    _, problems = module.check(str(path), 0.05)
    return [f"slide {p['slide']}: {p['kind']}: {p['shape']}: {p['detail']}".replace(": : ", ": ") for p in problems]


# --------------------------------------------------------------------------- the seed


def test_seed_deck_has_title_summary_body_and_closing(tmp_path):
    page, result, prs = deck_of(SEED, tmp_path)
    assert result.outputs[0].exists()
    kinds = result.info["kinds"]
    assert kinds[0] == "cover" and kinds[1] == "summary" and kinds[-1] == "closing"
    cover = prs.slides[0]
    assert cover.slide_layout.name == "Title Slide"
    title = next(s for s in cover.placeholders if s.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE))
    assert title.text_frame.text == page.title_plain
    assert "Hajime Nagahara" in all_text(prs)
    assert Emu(prs.slide_width).inches == pytest.approx(13.333, abs=0.01)


def test_a_short_untitled_lead_joins_the_summary_instead_of_an_almost_empty_slide(tmp_path):
    _, result, prs = deck_of(SEED, tmp_path)
    assert result.info["kinds"] == ["cover", "summary", "closing"]  # the QR to the project site is on the closing slide
    summary = "\n".join(texts(prs.slides[1]))
    assert summary.startswith("Summary") and "For more detail, visit here." in summary


def test_seed_deck_passes_the_overflow_checker(tmp_path):
    _, result, _ = deck_of(SEED, tmp_path)
    assert checker(result.outputs[0]) == []


def test_hero_is_the_focal_crop_and_not_distorted(tmp_path):
    from PIL import Image

    from cardgen.render.assets import PageImages

    page, result, prs = deck_of(SAMPLES / "mlphys" / "index.md", tmp_path)
    pics = pictures(prs.slides[0])
    assert len(pics) == 1
    pic = pics[0]
    shown = Image.open(io.BytesIO(pic.image.blob)).convert("RGB")
    visible = shown.width * (1 - pic.crop_left - pic.crop_right) / (shown.height * (1 - pic.crop_top - pic.crop_bottom))
    assert visible == pytest.approx(pic.width / pic.height, rel=0.01)
    expected = PageImages(page).hero(shown.size).image.convert("RGB")
    import numpy as np

    small = (64, 80)
    diff = np.abs(np.asarray(shown.resize(small), float) - np.asarray(expected.resize(small), float)).mean()
    assert diff < 6, "the hero must show the focal-point crop of the featured image"
    # the picture sits on the right part of the slide, full height
    assert pic.left > prs.slide_width * 0.4 and pic.height == prs.slide_height


def test_caption_is_a_credit_line_on_the_hero(tmp_path):
    bundle = tmp_path / "p"
    tiny_png(bundle / "featured.png", (1600, 900))
    write(bundle / "index.md", """
        ---
        title: A captioned project
        summary: Short.
        image:
          caption: "Photo by [Jane](https://example.org) on Unsplash"
          focal_point: Left
        ---
        Body text.
        """)
    _, _, prs = deck_of(bundle / "index.md", tmp_path)
    cover = prs.slides[0]
    credit = [s for s in cover.shapes if s.has_text_frame and "Photo by Jane on Unsplash" in s.text_frame.text]
    assert credit, "caption credit missing"
    pic = pictures(cover)[0]
    assert credit[0].left >= pic.left - 12700 and credit[0].top + credit[0].height <= pic.top + pic.height + 12700
    assert "Photo by Jane on Unsplash" in cover.notes_slide.notes_text_frame.text
    assert pic._element.xpath("./*[1]/p:cNvPr")[0].get("descr") == "Photo by Jane on Unsplash"  # alt text


def test_preview_only_hides_the_hero_unless_asked(tmp_path):
    bundle = tmp_path / "p"
    tiny_png(bundle / "featured.jpg", (1200, 800))
    write(bundle / "index.md", """
        ---
        title: Preview only
        image:
          preview_only: true
        ---
        Text.
        """)
    _, _, prs = deck_of(bundle / "index.md", tmp_path)
    assert pictures(prs.slides[0]) == []
    _, _, prs = deck_of(bundle / "index.md", tmp_path, show_image=True)
    assert len(pictures(prs.slides[0])) == 1


def test_webp_featured_image_is_converted(tmp_path):
    from PIL import Image

    bundle = tmp_path / "w"
    bundle.mkdir()
    Image.new("RGB", (800, 600), (20, 120, 200)).save(bundle / "featured.webp", "WEBP")
    write(bundle / "index.md", "---\ntitle: WebP\n---\nBody.\n")
    _, _, prs = deck_of(bundle / "index.md", tmp_path)
    pic = pictures(prs.slides[0])[0]
    assert pic.image.content_type in ("image/jpeg", "image/png")


# --------------------------------------------------------------------------- fonts


def every_run(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield from shape.text_frame._txBody.iter(f"{A}r")
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield from cell.text_frame._txBody.iter(f"{A}r")


@pytest.mark.parametrize("page_path, east_asian", [
    (SITE / "content/project/ja-itijoho/index.md", "Noto Sans CJK JP"),
    (SITE / "content/project/zh-gan-editing/index.md", "Noto Sans CJK SC"),
    (SITE / "content/project/ko-spack-packager/index.md", "Noto Sans CJK KR"),
])
def test_every_run_names_latin_and_east_asian_fonts(tmp_path, page_path, east_asian):
    _, _, prs = deck_of(page_path, tmp_path)
    runs = list(every_run(prs))
    assert runs
    for run in runs:
        rpr = run.find(f"{A}rPr")
        assert rpr is not None and rpr.get("sz"), "every run carries its size"
        assert rpr.find(f"{A}latin").get("typeface") in ("Noto Sans", "Noto Sans Mono")
        assert rpr.find(f"{A}ea").get("typeface") == east_asian


def test_cjk_deck_passes_the_checker(tmp_path):
    _, result, _ = deck_of(SITE / "content/project/ja-itijoho/index.md", tmp_path)
    assert checker(result.outputs[0]) == []


# --------------------------------------------------------------------------- body


LONG_BODY = """
---
title: A long project page
summary: What we did, in one line.
authors: [admin]
links:
  - name: Code
    url: https://github.com/example/project
    icon: github
    icon_pack: fab
url_pdf: https://example.org/paper.pdf
external_link: https://project.example.org/
---
## Background

{para}

- Top level point with **bold** text
  - Nested point one
  - Nested point two
    - Third level
- Another top level point

{{{{% speaker_note %}}}}
Remember to mention the funding agency.
{{{{% /speaker_note %}}}}

## Many points

{bullets}

## Results table

| Model | Accuracy | Notes |
|-------|---------:|-------|
{rows}

## Code

```python
{code}
```

## Video

{{{{< youtube dQw4w9WgXcQ >}}}}

> [!NOTE]
> Callouts keep their label.
"""


def long_page(tmp_path: Path) -> Path:
    para = " ".join(f"Sentence number {i} explains one more detail of the method we used." for i in range(40))
    bullets = "\n".join(f"- Point {i}: a statement long enough to wrap on a narrow slide at a large size, really." for i in range(30))
    rows = "\n".join(f"| model-{i} | {90 - i * 0.5:.1f} | trained on split {i} with a long description |" for i in range(40))
    code = "\n".join(f"def step_{i}(x):\n    return x * {i}  # comment {i}" for i in range(25))
    text = LONG_BODY.format(para=para, bullets=bullets, rows=rows, code=code)
    return write(tmp_path / "long" / "index.md", text)


def test_long_body_continues_on_cont_slides_and_never_overflows(tmp_path):
    page, result, prs = deck_of(long_page(tmp_path), tmp_path)
    titles = [next(iter(texts(s)), "") for s in prs.slides]
    assert any(t.startswith("Many points (cont.)") for t in titles)
    assert any(t.startswith("Results table (cont.)") for t in titles)
    assert any(t.startswith("Code (cont.)") for t in titles)
    assert checker(result.outputs[0]) == []
    # every bullet survives somewhere in the deck
    body = all_text(prs)
    for i in range(30):
        assert f"Point {i}:" in body


def test_lists_keep_nesting_levels(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path)
    slide = next(s for s in prs.slides if any("Nested point one" in t for t in texts(s)))
    margins = {}
    for shape in slide.shapes:
        if shape.has_text_frame:
            for p in shape.text_frame.paragraphs:
                ppr = p._p.find(f"{A}pPr")
                margins[p.text] = int(ppr.get("marL")) if ppr is not None else 0
    top = margins["Top level point with bold text"]
    assert margins["Nested point one"] > top
    assert margins["Third level"] > margins["Nested point one"]


def test_tables_are_native_and_split_with_header_repeated(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path)
    tables = [shape.table for slide in prs.slides for shape in slide.shapes if getattr(shape, "has_table", False) and shape.has_table]
    assert len(tables) >= 2
    for table in tables:
        assert table.cell(0, 0).text == "Model" and table.cell(0, 1).text == "Accuracy"
    cells = [table.cell(r, 0).text for table in tables for r in range(1, len(table.rows))]
    assert cells == [f"model-{i}" for i in range(40)], "every row once, in order"
    assert tables[0].cell(1, 1).text_frame.paragraphs[0].alignment is not None  # right-aligned numbers


def test_code_is_monospace_with_syntax_colour(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path)
    slide = next(s for s in prs.slides if any("def step_0" in t for t in texts(s)))
    runs = [r for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs for r in p.runs
            if r.text.strip()]
    code_runs = [r for r in runs if r.font.name == "Noto Sans Mono"]
    assert code_runs
    colours = {str(r.font.color.rgb) for r in code_runs if r.font.color and r.font.color.type is not None}
    assert len(colours) >= 2, "keywords, comments and numbers get their own colours"


def test_notes_carry_speaker_notes_and_condensed_text(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path)
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide)
    assert "Remember to mention the funding agency." in notes
    assert "Sentence number 39 explains" in notes  # the long paragraph is condensed on the slide, kept in notes
    assert "Remember to mention" not in all_text(prs)


def test_no_notes_option(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path, notes=False)
    assert not any(s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip() for s in prs.slides)


def test_video_becomes_a_link_with_a_thumbnail(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path)
    slide = next(s for s in prs.slides if any("youtube.com/watch?v=dQw4w9WgXcQ" in t for t in texts(s)))
    pic = pictures(slide)[0]
    assert pic.click_action.hyperlink.address == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_callout_keeps_its_label(tmp_path):
    _, _, prs = deck_of(long_page(tmp_path), tmp_path)
    assert "Note: Callouts keep their label." in all_text(prs)


def test_links_slide_lists_links_and_the_closing_qr_encodes_the_main_url(tmp_path):
    import numpy as np
    import segno
    from PIL import Image

    page, _, prs = deck_of(long_page(tmp_path), tmp_path)
    slide = next(s for s in prs.slides if texts(s) and texts(s)[0] == "Links")
    text = "\n".join(texts(slide))
    assert "github.com/example/project" in text and "example.org/paper.pdf" in text
    assert not any(s.name == "QR code" for s in slide.shapes), "one QR code per deck, on the closing slide"
    qr = next(s for s in prs.slides[-1].shapes if s.name == "QR code")
    assert Emu(qr.width).mm >= 20
    image = np.array(Image.open(io.BytesIO(qr.image.blob)).convert("L")) < 128
    expected = segno.make(page.main_url, error="m")
    border = 4
    n = len(expected.matrix) + 2 * border
    step = image.shape[0] / n
    sampled = np.array([[image[int((r + 0.5) * step), int((c + 0.5) * step)] for c in range(n)] for r in range(n)])
    assert page.main_url == "https://project.example.org/"
    assert (sampled[border:-border, border:-border] == np.array(expected.matrix, dtype=bool)).all()
    assert not sampled[:border].any(), "quiet zone kept"


def test_figures_become_picture_slides_with_caption(tmp_path):
    bundle = tmp_path / "fig"
    tiny_png(bundle / "plot.png", (300, 600))
    write(bundle / "index.md", """
        ---
        title: Figures
        ---
        ## Results

        {{< figure src="plot.png" caption="Accuracy over time" >}}
        """)
    _, _, prs = deck_of(bundle / "index.md", tmp_path)
    slide = next(s for s in list(prs.slides)[1:] if pictures(s))  # the title slide has placeholder art
    assert slide.slide_layout.name == "Picture with Caption"
    assert "Accuracy over time" in "\n".join(texts(slide))
    pic = pictures(slide)[0]
    assert pic.width / pic.height == pytest.approx(0.5, rel=0.02)  # contained, never stretched
    assert "Accuracy over time" in slide.notes_slide.notes_text_frame.text


def _figure_page(bundle: Path, names: list[str]) -> Path:
    figures = "\n\n".join(f'{{{{< figure src="{name}" caption="Figure {name}" >}}}}' for name in names)
    return write(bundle / "index.md", f"---\ntitle: Figures\n---\n## Results\n\n{figures}\n")


def _slide_pictures(prs) -> list[bytes]:
    return [pic.image.blob for slide in list(prs.slides)[1:] if slide.slide_layout.name == "Picture with Caption"
            for pic in pictures(slide)]


def test_a_figure_that_fits_its_slide_is_embedded_as_its_own_file(tmp_path):
    """A JPEG photo or a PNG diagram that fits its picture slide goes in as the file itself: no second
    generation of JPEG loss, no zlib pass for the same pixels."""
    import numpy as np
    from PIL import Image

    bundle = tmp_path / "fig"
    bundle.mkdir()
    rng = np.random.default_rng(1)
    photo = (np.linspace(0, 255, 800)[None, :, None] * np.ones((600, 1, 3)) * 0.7
             + rng.integers(0, 70, (600, 800, 3))).astype(np.uint8)
    Image.fromarray(photo).save(bundle / "photo.jpg", quality=75)
    diagram = Image.new("RGB", (900, 500), "white")
    diagram.paste((30, 90, 200), (100, 100, 400, 300))
    diagram.save(bundle / "diagram.png", compress_level=9)  # not what an encode would write
    clear = Image.new("RGBA", (600, 400), (0, 0, 0, 0))  # transparency, which the slide keeps
    clear.paste((20, 20, 20, 255), (100, 100, 300, 200))
    clear.save(bundle / "featured.png", optimize=True)  # the featured image: from the decode the page's outputs share
    names = ["photo.jpg", "diagram.png", "featured.png"]
    _, _, prs = deck_of(_figure_page(bundle, names), tmp_path)
    assert _slide_pictures(prs) == [(bundle / name).read_bytes() for name in names]


def test_a_figure_the_decode_changes_is_encoded_from_its_pixels(tmp_path):
    """Rotated by EXIF, wider than its slide, a photograph saved as PNG, a colour profile other than
    sRGB: the slide gets the decoded pixels."""
    import numpy as np
    from PIL import Image, ImageCms

    bundle = tmp_path / "fig"
    bundle.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown rotated a quarter turn
    Image.new("RGB", (600, 300), (200, 40, 40)).save(bundle / "rotated.jpg", exif=exif.tobytes())
    Image.new("RGB", (4000, 1000), (40, 160, 90)).save(bundle / "wide.png")
    noise = np.random.default_rng(2).integers(0, 256, (500, 700, 3), dtype=np.uint8)
    Image.fromarray(noise).save(bundle / "noise.png")
    lab = ImageCms.createProfile("LAB")  # not sRGB: the decode converts it
    Image.new("RGB", (500, 400), (90, 120, 200)).save(bundle / "profiled.jpg",
                                                       icc_profile=ImageCms.ImageCmsProfile(lab).tobytes())
    names = ["rotated.jpg", "wide.png", "noise.png", "profiled.jpg"]
    _, _, prs = deck_of(_figure_page(bundle, names), tmp_path)
    blobs = _slide_pictures(prs)
    assert len(blobs) == len(names)
    for name, blob in zip(names, blobs, strict=True):
        assert blob != (bundle / name).read_bytes(), name
    shown = [Image.open(io.BytesIO(blob)) for blob in blobs]
    assert shown[0].size == (300, 600)  # upright
    assert max(shown[1].size) < 4000
    assert shown[2].format == "JPEG"


def test_a_heading_over_subsections_only_gets_a_divider_slide(tmp_path):
    """"## Technical details" straight over "### 1. Force input": the parent heading becomes a divider
    before its subsections' slides, so they keep their context (pandoc makes a heading above the
    slide level a title slide); an empty heading followed by one of its own level adds nothing."""
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Dividers
        summary: A short summary.
        ---
        ## Technical details

        ### 1. Force input

        The load cells measure the force of each finger.

        ### 2. Motion

        The force moves the avatar through a spring model.

        ## Empty

        ## Publications

        One paper at UIST.
        """)
    _, result, prs = deck_of(path, tmp_path)
    titles = [texts(slide)[0] if texts(slide) else "" for slide in prs.slides]
    kinds = result.info["kinds"]
    at = titles.index("Technical details")
    assert kinds[at] == "section" and titles[at + 1] == "1. Force input" and titles[at + 2] == "2. Motion"
    assert "Empty" not in titles and kinds.count("section") == 1
    assert checker(result.outputs[0]) == []


def test_bullets_take_the_accent_and_numbers_the_text_colour_as_in_the_pdf(tmp_path):
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Lists\nsummary: Short.\n---\n## Steps\n\n"
                 "1. First step\n2. Second step\n\n- a point\n- another point\n")
    _, _, prs = deck_of(path, tmp_path)
    ppr = [p._p.find(f"{A}pPr") for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
           for p in shape.text_frame.paragraphs if p.text in ("First step", "a point")]
    numbered, bulleted = sorted(ppr, key=lambda el: el.find(f"{A}buAutoNum") is None)
    assert numbered.find(f"{A}buAutoNum") is not None and numbered.find(f"{A}buClr") is None  # follows the text
    assert bulleted.find(f"{A}buChar") is not None and bulleted.find(f"{A}buClr") is not None


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_closing_qr_code_is_on_the_side_the_page_reads_towards(tmp_path, lang):
    """The closing slide's QR code sits after its text: at the right of an English slide, at the
    left of an Arabic one (whose text is flush right), in the pptx and the PDF alike."""
    from cardgen.render.deck_plan import qr_columns

    title = {"en": "Team projects", "ar": "إنشاء فرق المشاريع"}[lang]
    path = write(tmp_path / "p" / "index.md", f"---\ntitle: {title}\nlanguage: {lang}\n"
                 "external_link: https://lab.example.org/p\n---\nنص.\n")
    _, _, prs = deck_of(path, tmp_path)
    closing = prs.slides[len(prs.slides) - 1]
    qr = next(shape for shape in closing.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
              or shape.name.lower().startswith("qr"))
    text = next(shape for shape in closing.shapes if shape.has_text_frame and "lab.example.org" in shape.text_frame.text)
    middle = prs.slide_width / 2
    if lang == "ar":
        assert qr.left + qr.width < middle < text.left + text.width and qr.left < text.left
    else:
        assert text.left < middle < qr.left
    assert qr_columns(60.0, 800.0, 500.0, 200.0, rtl=True) == (360.0, 60.0)  # the PDF's boxes, from one helper
    assert qr_columns(60.0, 800.0, 500.0, 200.0, rtl=False) == (60.0, 660.0)


# --------------------------------------------------------------------------- slides pages


def test_slides_page_one_slide_per_section_hidden_skipped_backgrounds(tmp_path):
    path = write(tmp_path / "talk" / "index.md", """
        ---
        title: A talk
        type: slides
        ---
        # The talk

        ---

        ## Second

        {{% fragment %}} Appears later {{% /fragment %}}

        {{% speaker_note %}}
        Say hello.
        {{% /speaker_note %}}

        ---

        <!-- hide -->
        ## Hidden one

        ---

        {{< slide background-color="#0d47a1" >}}
        ## Blue

        White text here.
        """)
    page, _, prs = deck_of(path, tmp_path)
    assert page.is_slides_page
    body = all_text(prs)
    assert "Hidden one" not in body
    titles = [texts(s)[0] for s in prs.slides]
    assert titles == ["The talk", "Second", "Blue"]
    assert "Appears later" in body
    assert "Say hello." in prs.slides[1].notes_slide.notes_text_frame.text
    blue = prs.slides[2]
    assert str(blue.background.fill.fore_color.rgb) == "0D47A1"
    run = next(r for s in blue.shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs)
    assert str(run.font.color.rgb) == "FFFFFF"


def test_project_with_slides_key_uses_its_slides(tmp_path):
    page, result, prs = deck_of(SITE / "content/project/stat-mech-talk/index.md", tmp_path)
    assert page.slides
    assert result.info["slides"] > len(page.slides) // 2
    assert checker(result.outputs[0]) == []


# --------------------------------------------------------------------------- masters and options


def test_aspect_4_3_uses_the_4_3_master(tmp_path):
    _, result, prs = deck_of(SEED, tmp_path, aspect="4:3")
    assert Emu(prs.slide_width).inches == pytest.approx(10, abs=0.01)
    assert checker(result.outputs[0]) == []
    with pytest.raises(UsageError):
        deck_of(SEED, tmp_path, aspect="21:9")


@pytest.mark.parametrize("template", ["default", "dark", "event"])
@pytest.mark.parametrize(("aspect", "size_type"), [("16:9", None), ("4:3", "screen4x3")])
def test_the_slide_size_is_named_as_powerpoint_names_it(tmp_path, template, aspect, size_type):
    """PowerPoint's Slide Size dialog reads `sldSz@type`: widescreen is a custom size (no type), and
    a 16:9 deck that said "screen4x3" would be offered as "On-screen Show (4:3)"."""
    _, _, prs = deck_of(SEED, tmp_path, aspect=aspect, template=template)
    size = prs.part._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}sldSz")
    assert size.get("type") == size_type


def test_corporate_master_layouts_found_and_placeholders_filled(tmp_path):
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    corporate = Presentation()  # python-pptx's stock master: 4:3, standard layout names
    theme = corporate.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)  # the organisation's own colours and fonts
    root.find(f".//{A}majorFont/{A}latin").set("typeface", "Corporate Sans")
    root.find(f".//{A}accent1/{A}srgbClr").set("val", "C00040")
    theme._blob = etree.tostring(root)
    corporate.slides.add_slide(corporate.slide_layouts[0]).shapes.title.text = "Sample slide to drop"
    master = tmp_path / "corporate.pptx"
    corporate.save(str(master))
    _, result, prs = deck_of(long_page(tmp_path), tmp_path, pptx_template=master)
    assert "Sample slide to drop" not in all_text(prs)
    kept = prs.slide_master.part.part_related_by(RT.THEME).blob
    assert b"Corporate Sans" in kept and b"C00040" in kept, "the organisation's theme is kept"
    assert Emu(prs.slide_width).inches == pytest.approx(10, abs=0.01)
    layouts = {s.slide_layout.name for s in prs.slides}
    assert {"Title Slide", "Title and Content"} <= layouts
    for slide in prs.slides:
        if slide.slide_layout.name == "Title and Content":
            kinds = {ph.placeholder_format.type for ph in slide.placeholders}
            assert PP_PLACEHOLDER.TITLE in kinds
    assert checker(result.outputs[0]) == []


def test_layouts_found_by_placeholder_type_when_names_differ(tmp_path):
    from cardgen.render.deck import find_layout

    corporate = Presentation()
    for layout in corporate.slide_layouts:
        layout.name = "Custom " + layout.name.upper()
    assert PP_PLACEHOLDER.CENTER_TITLE in [p.placeholder_format.type for p in find_layout(corporate, "Title Slide").placeholders]
    pic = find_layout(corporate, "Picture with Caption")
    assert PP_PLACEHOLDER.PICTURE in [p.placeholder_format.type for p in pic.placeholders]


def test_bad_pptx_template_is_a_clear_error(tmp_path):
    from cardgen.errors import RenderError

    bad = tmp_path / "bad.pptx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RenderError, match="bad.pptx"):
        deck_of(SEED, tmp_path, pptx_template=bad)


@pytest.mark.parametrize("template", ["default", "dark", "event"])
def test_builtin_templates_make_clean_decks(tmp_path, template):
    _, result, prs = deck_of(long_page(tmp_path), tmp_path, template=template)
    assert checker(result.outputs[0]) == []
    assert prs.core_properties.title == "A long project page"


def test_document_properties(tmp_path):
    page, _, prs = deck_of(SITE / "content/project/counterfactual-fairness/index.md", tmp_path)
    props = prs.core_properties
    assert props.title == page.title_plain
    assert page.author_names[0] in props.author
    for tag in page.tags:
        assert tag in props.keywords


def test_output_is_deterministic(tmp_path):
    page = load_page(long_page(tmp_path))
    a, b = tmp_path / "a.pptx", tmp_path / "b.pptx"
    render_deck(page, a)
    render_deck(page, b)
    assert a.read_bytes() == b.read_bytes()


def test_package_is_written_once_with_fixed_entries(tmp_path):
    """Every entry carries the same fixed time and mode (so a deck written tomorrow has today's bytes),
    XML (and SVG formulas) deflated, pictures stored as they are, and python-pptx reads it back."""
    import zipfile

    from cardgen.render.package_zip import FIXED_ZIP_TIME

    page, result, prs = deck_of(SITE / "content/project/counterfactual-fairness/index.md", tmp_path)
    with zipfile.ZipFile(result.outputs[0]) as package:
        assert package.testzip() is None
        entries = package.infolist()
        assert entries[0].filename == "[Content_Types].xml"
        assert {e.date_time for e in entries} == {FIXED_ZIP_TIME}
        assert {e.external_attr for e in entries} == {0o644 << 16}
        pictures = [e for e in entries if e.filename.endswith((".jpg", ".png"))]
        assert pictures and all(e.compress_type == zipfile.ZIP_STORED for e in pictures)
        xml = [e for e in entries if e.filename.endswith((".xml", ".rels", ".svg"))]
        assert xml and all(e.compress_type == zipfile.ZIP_DEFLATED for e in xml)
    assert len(prs.slides) >= 2


def test_one_pass_package_is_what_python_pptx_saves(tmp_path):
    """The one-pass writer (python-pptx's internal writer steps into our zip) gives exactly the bytes
    of python-pptx's public save with the entries rewritten, the fallback should those steps move."""
    import io

    from pptx import Presentation

    from cardgen.render.pptx_io import package_bytes, rezipped

    _, result, _ = deck_of(SITE / "content/project/counterfactual-fairness/index.md", tmp_path)
    prs = Presentation(io.BytesIO(result.outputs[0].read_bytes()))
    assert package_bytes(prs) == rezipped(prs)


def test_add_run_writes_what_python_pptx_and_style_run_write():
    """`add_run` (one element written at once) gives the XML of python-pptx's `add_run`, `text` and
    `style_run`: placed before the paragraph's end properties, control characters escaped, colour,
    weight, slant and the typefaces of code."""
    from lxml import etree
    from pptx import Presentation
    from pptx.util import Pt

    from cardgen.render.pptx_io import Typefaces, add_run, style_run

    faces = Typefaces("Noto Sans", "Noto Sans CJK JP", "Noto Sans Mono")
    cases = [("plain", {}), ("bold and coloured", {"bold": True, "color": "#1a2b3c"}),
             ("ctrl\x01\x1fchars\x0b", {"italic": True}), ("def f(x):", {"code": True, "color": "#abcdef"}),
             ("漢字", {"bold": True, "italic": True})]
    written = []
    for fast in (False, True):
        prs = Presentation()
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        paragraph = slide.shapes.add_textbox(Pt(10), Pt(10), Pt(200), Pt(50)).text_frame.paragraphs[0]
        paragraph._p.get_or_add_endParaRPr()
        for text, style in cases:
            if fast:
                add_run(paragraph, text, faces, 18.5, **style)
            else:
                run = paragraph.add_run()
                run.text = text
                style_run(run, faces, 18.5, **style)
        written.append(etree.tostring(paragraph._p))
    assert written[0] == written[1]
    assert b"_x0001__x001F_" in written[1] and written[1].index(b"endParaRPr") > written[1].rindex(b"<a:r>")


def test_notes_are_written_as_python_pptx_writes_them():
    from lxml import etree
    from pptx import Presentation

    from cardgen.render.pptx_io import write_notes

    text = "First paragraph\n\nSecond\vwith a soft break\x01 and a control character\n"
    written = []
    for fast in (False, True):
        prs = Presentation()
        notes = prs.slides.add_slide(prs.slide_layouts[1]).notes_slide
        notes.notes_text_frame.text = "old notes"
        if fast:
            write_notes(notes, text)
        else:
            notes.notes_text_frame.text = text
        written.append(etree.tostring(notes._element))
    assert written[0] == written[1] and b"_x0001_" in written[1] and b"old notes" not in written[1]


def test_relationship_files_are_the_xml_python_pptx_writes():
    """`rels_xml` writes python-pptx's relationship XML as text: numerical order (rId10 after rId9),
    internal and external targets, and addresses with characters lxml escapes (& < > " tab newline)
    or keeps (' and non-ASCII); a carriage return goes through python-pptx."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from cardgen.render.pptx_io import rels_xml

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    urls = ["https://example.org/a?b=1&c=<2>", 'https://example.org/"quoted"', "https://example.org/it's/é/漢",
            "https://example.org/tab\there", "https://example.org/new\nline"] + [f"https://example.org/{n}" for n in range(8)]
    for url in urls:
        slide.part.relate_to(url, RT.HYPERLINK, is_external=True)
    rels = slide.part._rels
    assert rels_xml(rels) == rels.xml
    assert rels_xml(prs.part._rels) == prs.part._rels.xml
    slide.part.relate_to("https://example.org/cr\rhere", RT.HYPERLINK, is_external=True)
    assert rels_xml(rels) == rels.xml


def test_zip_entries_are_the_bytes_zipfile_writes():
    """The deck's zip writer gives, byte for byte, what Python's zipfile writes for the same entries
    (fixed time, mode 0644): names in ASCII and not, pictures stored, XML deflated (formula SVGs at the
    fastest level), and a template part
    whose deflated bytes are reused the second time (equal, and still equal when its content changes)."""
    import io
    import zipfile

    from cardgen.render.package_zip import (
        FAST_EXTENSIONS,
        FAST_LEVEL,
        FIXED_ZIP_TIME,
        STORED_EXTENSIONS,
        ZipEntries,
    )

    layout = b"<p:sldLayout>" + b"<a:t>layout</a:t>" * 500 + b"</p:sldLayout>"
    entries = [("[Content_Types].xml", b"<Types/>" * 40), ("ppt/slideLayouts/slideLayout1.xml", layout),
               ("ppt/media/image1.png", bytes(range(256)) * 30), ("ppt/slides/slide1.xml", "<a:t>é ü 漢字</a:t>".encode()),
               ("ppt/media/caf\u00e9.jpeg", b"\xff\xd8" + b"x" * 999), ("ppt/slideLayouts/slideLayout1.xml", layout),
               ("ppt/slideLayouts/slideLayout1.xml", layout.replace(b"layout", b"LAYOUT")),
               ("ppt/media/image9.svg", b"<svg><path d='M 1.5 2.25 L 3 4'/></svg>" * 200)]
    for chosen in (entries[:4], entries[4:], entries):
        ours = ZipEntries()
        theirs = io.BytesIO()
        with zipfile.ZipFile(theirs, "w") as target:
            for name, blob in chosen:
                ours.add(name, blob)
                info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                stored = name.rsplit(".", 1)[-1].lower() in STORED_EXTENSIONS
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # zipfile warns of the duplicate names written on purpose
                    target.writestr(info, blob, compresslevel=FAST_LEVEL if name.endswith(FAST_EXTENSIONS) else None)
        assert ours.finish() == theirs.getvalue()


def test_bad_deck_section_is_a_template_error(tmp_path):
    from cardgen.templates import load_template

    folder = tmp_path / "tpl"
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates" / "default", folder)
    text = (folder / "template.toml").read_text()
    (folder / "template.toml").write_text(text + "\n[deck]\nbody = { size = 24, sise = 3 }\n")
    with pytest.raises(TemplateError, match="deck.body.sise"):
        load_template(folder)


# --------------------------------------------------------------------------- corpus (slow)


@pytest.mark.slow
@pytest.mark.parametrize("page_path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_corpus_decks_pass_the_checker_in_every_template(tmp_path, page_path):
    page = load_page(page_path)
    for template in ("default", "dark", "event"):
        out = tmp_path / f"{page.slug}-{template}.pptx"
        render_deck(page, out, template=template)
        assert checker(out) == [], template


RENDER_PAGES = [SEED, SITE / "content/project/ja-itijoho/index.md", SITE / "content/project/stat-mech-talk/index.md"]
RENDER_PAGES += [p for p in (CORPUS / "slides/ml-stat-mech-1/index.md",) if p.exists()]  # running heads, math


@pytest.mark.slow
@pytest.mark.parametrize("page_path", RENDER_PAGES + corpus_pages()[:0], ids=lambda p: p.parent.name)
def test_libreoffice_draws_no_word_outside_its_box(tmp_path, page_path):
    script = TOOLS / "render-check-pptx.py"
    if not script.exists() or not shutil.which("soffice"):
        pytest.skip("LibreOffice or render-check-pptx.py not available")
    _, result, _ = deck_of(page_path, tmp_path)
    done = subprocess.run([sys.executable, str(script), str(result.outputs[0])], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_libreoffice_render_of_long_page(tmp_path):
    script = TOOLS / "render-check-pptx.py"
    if not script.exists() or not shutil.which("soffice"):
        pytest.skip("LibreOffice or render-check-pptx.py not available")
    _, result, _ = deck_of(long_page(tmp_path), tmp_path)
    done = subprocess.run([sys.executable, str(script), str(result.outputs[0])], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


#: Words that are only ever linked, each once, in the link-colour render.
LINKED_WORDS = (
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo",
    "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
    "whiskey", "xray", "yankee", "zulu", "amber", "basil", "cedar", "dahlia", "elder", "fennel", "ginger",
    "hazel", "iris", "jasmine", "kale", "lotus", "myrtle", "nutmeg", "olive", "peony",
)
LINK_PAGE = """---
title: Links in colour
---
## Links

Read [alpha bravo](https://example.org/1), then [charlie delta echo foxtrot](https://example.org/2); and
[golf hotel india juliet kilo lima mike november oscar papa quebec romeo](https://example.org/3), which wraps.
**[sierra tango uniform](https://example.org/4)** is bold and [victor whiskey](https://example.org/5)

- An item with [xray yankee zulu](https://example.org/6) in it
- and [amber basil cedar dahlia elder](https://example.org/7).

| [fennel ginger](https://example.org/8) | Plain |
|---|---|
| [hazel iris jasmine](https://example.org/9) | text |
| [kale lotus](https://example.org/10) and [myrtle nutmeg olive peony](https://example.org/11) | more |
"""


def _expected_colours(prs) -> dict[str, str]:
    """Each word of `LINKED_WORDS` with the colour its run is written in (the theme's link colour when
    the run names none)."""
    from lxml import etree

    theme = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
    hlink = etree.fromstring(theme.blob).find(f".//{A}hlink/{A}srgbClr").get("val")
    colours: dict[str, str] = {}
    for slide in prs.slides:
        for run in slide._element.iter(f"{A}r"):
            fill = run.find(f"{A}rPr/{A}solidFill/{A}srgbClr")
            colour = fill.get("val") if fill is not None else hlink
            for word in (run.findtext(f"{A}t") or "").split():
                if word.strip(".,;") in LINKED_WORDS:
                    colours[word.strip(".,;")] = colour
    return colours


@pytest.mark.slow
@pytest.mark.parametrize("template", ["default", "dark", "event"])
def test_libreoffice_draws_every_word_of_a_link_in_its_colour(tmp_path, template):
    """A link split into a run per word (so LibreOffice can wrap it) is drawn in its colour to the
    last word: LibreOffice 7.4 draws a split link's last piece in the text's colour, which the
    zero-width piece it ends with absorbs. Links of 2 to 12 words, several to a paragraph, bold,
    wrapping, in a list and in a table's header and body, rendered by LibreOffice; every word's ink
    is the colour its run is written in."""
    import numpy as np
    from PIL import Image

    if not all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdftoppm")):
        pytest.skip("LibreOffice or poppler not available")
    _, result, prs = deck_of(write(tmp_path / "links" / "index.md", LINK_PAGE), tmp_path, template=template)
    expected = _expected_colours(prs)
    assert set(expected) == set(LINKED_WORDS)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(result.outputs[0])], check=True, capture_output=True,
                   timeout=300)
    pdf = tmp_path / "links.pdf"
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(tmp_path / "words.html")], check=True)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = [np.asarray(Image.open(png).convert("RGB")).astype(int) for png in sorted(tmp_path.glob("page-*.png"))]
    seen, wrong = set(), []
    for number, page in enumerate((tmp_path / "words.html").read_text().split("<page ")[1:]):
        for box, word in re.findall(r'<word (xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+")>(.*?)</word>', page):
            word = word.strip(".,;\u200b\ufeff")
            if word not in expected:
                continue
            x0, y0, x1, y1 = (round(float(v) * 100 / 72) for v in re.findall(r'"([\d.]+)"', box))
            image = pages[number]
            around = np.median(image[max(0, y0 - 4):y1 + 4, max(0, x0 - 4):x1 + 4].reshape(-1, 3), axis=0)
            pixels = image[y0:y1 + 1, x0:x1 + 1].reshape(-1, 3)
            ink = pixels[np.abs(pixels - around).sum(axis=1) > 150]
            want = np.array([int(expected[word][i:i + 2], 16) for i in (0, 2, 4)])
            drawn = np.median(ink, axis=0) if len(ink) else around
            seen.add(word)
            if np.abs(drawn - want).sum() > 60:
                wrong.append(f"{word}: {drawn.astype(int).tolist()} not #{expected[word]}")
    assert seen == set(LINKED_WORDS), sorted(set(LINKED_WORDS) - seen)
    assert wrong == []


def test_the_zero_width_piece_of_a_split_link_is_tagged_as_the_text_around_it(tmp_path):
    """U+FEFF lies in the Arabic Presentation Forms-B block but is no Arabic letter: the piece that
    ends a split link takes the page's language and no Arabic face (tagged ar-SA with Noto Sans
    Arabic, LibreOffice drew a Japanese link's line over the line above it)."""
    from cardgen.i18n.scripts import script_of

    assert script_of("\ufeff") == "" and script_of("\ufefc") == "Arab"
    page = write(tmp_path / "ja" / "index.md", "---\ntitle: 論文情報\nlanguage: ja\nsummary: 概要です。\n---\n"
                 "## UIST 2024\n\n- **著者**: Takeru Hashimoto, Yutaro Hirao\n- [論文URL](https://example.org/paper)\n")
    _, _, prs = deck_of(page, tmp_path)
    pieces = [r._r for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
              for p in shape.text_frame.paragraphs for r in p.runs if r.hyperlink.address == "https://example.org/paper"]
    assert [r.findtext(f"{A}t") for r in pieces] == ["論文", "URL", "\ufeff"]
    assert not [r for r in pieces if r.find(f"{A}rPr").get("lang") == "ar-SA"
                or (r.find(f"{A}rPr/{A}cs") is not None and "Arabic" in r.find(f"{A}rPr/{A}cs").get("typeface"))]


def test_corpus_is_available_for_the_slow_suite():
    assert CORPUS.is_dir() or not (SHARED / "tools").is_dir()


# --------------------------------------------------------------------------- titles on every slide


def slide_title(slide) -> str:
    holder = next((ph for ph in slide.placeholders
                   if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)), None)
    return holder.text_frame.text if holder is not None else ""


UNTITLED_SLIDES = """
    ---
    title: Untitled slides
    type: slides
    ---
    $$
    \\newcommand{\\cE}{\\mathcal{E}}
    $$

    # The talk

    ---

    Text before any section heading.

    ---

    ## Probabilities

    - One

    ---

    - Joint probabilities, a slide the author left without a heading

    ---

    | a | b |
    |---|---|
    | 1 | 2 |

    ---

    ```python
    print("untitled code")
    ```
    """


def test_every_slide_has_a_title_placeholder_with_text(tmp_path):
    path = write(tmp_path / "talk" / "index.md", UNTITLED_SLIDES)
    _, result, prs = deck_of(path, tmp_path)
    titles = [slide_title(s) for s in prs.slides]
    assert titles == ["The talk", "The talk (cont.)", "Probabilities", "Probabilities (cont.)",
                      "Probabilities (cont.)", "Probabilities (cont.)"]
    assert checker(result.outputs[0]) == []


def test_a_borrowed_title_is_a_small_running_head_that_leaves_the_body_its_room(tmp_path):
    path = write(tmp_path / "talk" / "index.md", UNTITLED_SLIDES)
    _, _, prs = deck_of(path, tmp_path)
    titled, running = prs.slides[2], prs.slides[3]
    def title_shape(slide):
        return next(ph for ph in slide.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.TITLE)
    big, small = title_shape(titled), title_shape(running)
    big_size = big.text_frame.paragraphs[0].runs[0].font.size.pt
    small_size = small.text_frame.paragraphs[0].runs[0].font.size.pt
    assert small_size <= 16 < big_size
    assert small.height < big.height / 2
    body_top = min(s.top for s in running.shapes if s.has_text_frame and s != small and s.name != "Slide Number")
    titled_body_top = min(s.top for s in titled.shapes if s.has_text_frame and s != big and s.name != "Slide Number")
    assert body_top < titled_body_top, "an untitled slide's text may use most of the title's room"
    assert running.slide_layout.name == "Blank"  # no title rule under a running head


def test_the_title_of_a_slide_on_a_layout_without_one_is_still_a_placeholder(tmp_path):
    from cardgen.render.deck import DeckWriter, open_master
    from cardgen.render.pptx_io import Typefaces
    from cardgen.templates import load_template

    template = load_template("default")
    writer = DeckWriter(open_master(template), template, Typefaces("Noto Sans", "Noto Sans CJK JP", "Noto Sans Mono"))
    slide = writer.new_slide("Blank")
    writer.title(slide, "Shown in the outline", 24)
    assert slide.shapes.title is not None and slide.shapes.title.text_frame.text == "Shown in the outline"


def test_a_slides_page_without_any_heading_borrows_the_deck_title(tmp_path):
    path = write(tmp_path / "talk" / "index.md", """
        ---
        title: Only text
        type: slides
        ---
        First untitled slide.

        ---

        Second untitled slide.
        """)
    _, result, prs = deck_of(path, tmp_path)
    assert [slide_title(s) for s in prs.slides] == ["Only text", "Only text"]
    assert checker(result.outputs[0]) == []


# --------------------------------------------------------------------------- closing slide


def zbar(png: bytes | Path) -> list[str]:
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg not available")
    if isinstance(png, bytes):
        done = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=png, capture_output=True)
    else:
        done = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True)
    return done.stdout.decode().split()


def test_seed_closing_slide_shows_the_project_site_and_a_qr_code_that_opens_it(tmp_path):
    page, result, prs = deck_of(SEED, tmp_path)
    last = prs.slides[-1]
    text = "\n".join(texts(last))
    assert "mlphys.scphys.kyoto-u.ac.jp" in text
    assert "Hajime Nagahara" in text, "the authors are named where the audience looks last"
    assert slide_title(last) and text.strip() != slide_title(last), "never a bare thank-you"
    qr = next(s for s in last.shapes if s.name == "QR code")
    assert zbar(qr.image.blob) == ["https://mlphys.scphys.kyoto-u.ac.jp/en/"]
    assert qr.click_action.hyperlink.address == page.main_url
    link = next(r.hyperlink.address for s in last.shapes if s.has_text_frame for p in s.text_frame.paragraphs
                for r in p.runs if r.hyperlink.address)
    assert link == page.main_url
    assert checker(result.outputs[0]) == []


def test_closing_slide_gives_the_authors_addresses_from_their_profiles(site, tmp_path):
    write(site / "content" / "authors" / "admin" / "_index.md", """
        ---
        title: Ada Lovelace
        organizations:
          - name: University of Examples
        social:
          - icon: envelope
            icon_pack: fas
            link: "mailto:ada@examples.edu"
        ---
        """)
    write(site / "content" / "authors" / "grace-hopper" / "_index.md", """
        ---
        title: Grace Hopper
        email: grace@examples.edu
        ---
        """)
    path = write(site / "content" / "project" / "p" / "index.md", """
        ---
        title: Contactable
        authors: [admin, grace-hopper]
        ---
        Body.
        """)
    _, _, prs = deck_of(path, tmp_path)
    last = prs.slides[-1]
    text = "\n".join(texts(last))
    assert "Ada Lovelace · ada@examples.edu" in text and "Grace Hopper · grace@examples.edu" in text
    links = {r.hyperlink.address for s in last.shapes if s.has_text_frame for p in s.text_frame.paragraphs
             for r in p.runs if r.hyperlink.address}
    assert {"mailto:ada@examples.edu", "mailto:grace@examples.edu", "https://lab.example.org/project/p/"} <= links


def test_a_page_with_nothing_to_link_still_closes_with_its_title(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Lonely project
        ---
        Body.
        """)
    _, result, prs = deck_of(path, tmp_path)
    last = prs.slides[-1]
    assert "Lonely project" in "\n".join(texts(last)) and not any(s.name == "QR code" for s in last.shapes)
    assert result.info["kinds"][-1] == "closing"


# --------------------------------------------------------------------------- code


def code_runs(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        latin = run._r.find(f"{A}rPr/{A}latin")
                        if latin is not None and "Mono" in latin.get("typeface", ""):
                            yield slide, shape, run, latin


def listing_page(tmp_path, lines: int, extra: str = ""):
    code = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(lines // 2))
    return write(tmp_path / "code" / "index.md", "---\ntitle: Code talk\nsummary: A listing.\n---\n## Listing\n\n"
                 + extra + "```python\n" + code + "```\n")


def test_every_monospace_run_is_marked_fixed_pitch(tmp_path):
    _, _, prs = deck_of(listing_page(tmp_path, 30), tmp_path)
    found = list(code_runs(prs))
    assert found
    for _, _, _, latin in found:
        assert latin.get("pitchFamily") == "49", "FIXED_PITCH | FF_MODERN: viewers substitute a monospace font"
        assert latin.get("panose")[6:8] == "09", "PANOSE proportion: monospaced"


def test_listings_are_at_least_14_pt_on_a_panel_sized_to_the_code(tmp_path):
    _, _, prs = deck_of(listing_page(tmp_path, 12, "![](missing.png)\n\n"), tmp_path)
    panels = [s for slide in prs.slides for s in slide.shapes if s.name == "Code"]
    assert panels
    for _, _, run, _ in code_runs(prs):
        assert run.font.size.pt >= 14
    short = panels[0]
    assert short.height < Emu(Pt(368)) * 0.8, "a short listing gets a short panel, not the whole body"


def test_a_long_listing_stops_after_two_slides_and_continues_in_the_notes(tmp_path):
    _, result, prs = deck_of(listing_page(tmp_path, 160), tmp_path)
    assert result.info["kinds"].count("code") == 2
    code_slides = [s for s in prs.slides if any(sh.name == "Code" for sh in s.shapes)]
    last = code_slides[-1]
    assert "speaker notes" in "\n".join(texts(last))
    notes = last.notes_slide.notes_text_frame.text
    assert "def f79(x):" in notes and "return x + 79" in notes
    assert checker(result.outputs[0]) == []


def test_a_slides_page_with_a_blank_line_before_its_front_matter_reads_it(tmp_path):
    path = tmp_path / "talk" / "index.md"
    path.parent.mkdir(parents=True)
    path.write_text("\n---\ntitle: Blank first\ntype: slides\n---\n# Hello\n\n---\n\n## Two\n\nText.\n", encoding="utf-8")
    page, _, prs = deck_of(path, tmp_path)
    assert page.title_plain == "Blank first" and page.is_slides_page
    body = all_text(prs)
    assert "type: slides" not in body and "title:" not in body
    assert [slide_title(s) for s in prs.slides] == ["Hello", "Two"]


# --------------------------------------------------------------------------- content choices


def test_an_empty_table_header_row_is_left_out(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Tables
        summary: Short.
        ---
        ## Results

        |   |   |
        |---|---|
        | alpha | 1 |
        | beta | 2 |
        """)
    _, _, prs = deck_of(path, tmp_path)
    frame = next(s for slide in prs.slides for s in slide.shapes if s.has_table)
    grid = frame.table
    assert len(grid.rows) == 2 and grid.cell(0, 0).text_frame.text == "alpha"
    assert not grid.first_row


def test_mermaid_is_shown_as_code_with_a_note_saying_so(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Diagrams
        summary: Short.
        ---
        ## Flow

        ```mermaid
        graph TD
          A --> B
        ```
        """)
    _, result, prs = deck_of(path, tmp_path)
    assert "code" in result.info["kinds"]
    slide = prs.slides[result.info["kinds"].index("code")]
    text = "\n".join(texts(slide))
    assert "Mermaid diagram, shown as its source" in text and "A --> B" in text


def test_a_players_iframe_title_is_not_a_slide_title(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Videos
        summary: Short.
        ---
        ## Demo

        <iframe width="560" height="315" src="https://www.youtube.com/embed/abc123" title="YouTube video player"></iframe>
        """)
    _, result, prs = deck_of(path, tmp_path)
    slide = prs.slides[result.info["kinds"].index("video")]
    assert slide_title(slide) == "Demo"


def test_headings_whose_content_shows_nothing_make_no_empty_section_slides(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Sections
        summary: Short.
        ---
        ## Remote only

        ![A chart](https://example.org/remote.png)

        ## Comment only

        <!-- nothing to see -->

        ## Real

        Text.
        """)
    _, result, prs = deck_of(path, tmp_path)
    titles = [slide_title(s) for s in prs.slides]
    assert "Remote only" not in titles and "Comment only" not in titles and "Real" in titles
    real = prs.slides[titles.index("Real")]
    assert "A chart" in real.notes_slide.notes_text_frame.text, "the dropped section's notes move on"


def test_the_first_section_does_not_repeat_the_summary(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Duplicates
        ---
        ## Overview

        We study how slides repeat themselves when a summary comes from the body.

        Second paragraph stays.
        """)
    _, _, prs = deck_of(path, tmp_path)
    text = all_text(prs)
    assert text.count("We study how slides repeat themselves") == 1
    assert "Second paragraph stays." in text


# --------------------------------------------------------------------------- contrast


P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _solid(element) -> str | None:
    if element is None:
        return None
    fill = element.find(f"{A}solidFill")
    clr = fill.find(f"{A}srgbClr") if fill is not None else None
    return f"#{clr.get('val')}" if clr is not None else None


def _slide_background(slide, prs) -> str:
    """The colour behind a slide's text: its own background, a full-slide colour field of its layout,
    else the master's background (read from the XML, not from cardgen)."""
    for part in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        bg = part._element.find(f".//{P_NS}bg/{P_NS}bgPr")
        colour = _solid(bg)
        if part is slide.slide_layout:
            for shape in part.shapes:
                if not shape.is_placeholder and shape.width >= prs.slide_width * 0.95 and shape.height >= prs.slide_height * 0.95:
                    colour = colour or _solid(shape._element.find(f"{P_NS}spPr"))
        if colour:
            return colour
    return "#ffffff"


@pytest.mark.parametrize("template", ["default", "dark", "event"])
def test_every_text_run_reaches_4_5_to_1_against_what_it_sits_on(tmp_path, template):
    from cardgen.colors import contrast

    pages = [SEED, long_page(tmp_path), SITE / "content/project/stat-mech-talk/index.md"]
    for page_path in pages:
        _, _, prs = deck_of(page_path, tmp_path, template=template)
        for number, slide in enumerate(prs.slides, 1):
            if any(s.name == "Picture" or s.shape_type == MSO_SHAPE_TYPE.PICTURE and s.width == prs.slide_width
                   for s in slide.shapes):
                continue  # text over a background picture sits on its dark scrim
            behind = _slide_background(slide, prs)
            for shape in slide.shapes:
                cells = [c for row in shape.table.rows for c in row.cells] if shape.has_table else [shape]
                for cell in cells:
                    holder = cell._tc.find(f"{A}tcPr") if shape.has_table else shape._element.find(f"{P_NS}spPr")
                    back = _solid(holder) or behind
                    frame = cell.text_frame if shape.has_table or shape.has_text_frame else None
                    if frame is None or shape.name == "Image credit":
                        continue
                    for paragraph in frame.paragraphs:
                        for r in paragraph._p.iter(f"{A}r", f"{A}fld"):
                            text = "".join(t.text or "" for t in r.iter(f"{A}t"))
                            if not text.strip():
                                continue
                            colour = _solid(r.find(f"{A}rPr"))
                            assert colour, f"{page_path.parent.name} slide {number}: {text!r} has no colour of its own"
                            ratio = contrast(colour, back)
                            assert ratio >= 4.5, f"{template} {page_path.parent.name} slide {number}: {text!r} {colour} on {back} = {ratio:.2f}"


def test_title_slide_without_a_picture_gets_the_placeholder_art_and_no_credit(tmp_path):
    """Like the social image and the card: a page without a featured image still gets art on its title
    slide, and the caption (a credit for a real picture) is not printed on that art."""
    from cardgen.loader import load_page
    from cardgen.render.deck import render_deck

    page_file = tmp_path / "site" / "content" / "project" / "p" / "index.md"
    page_file.parent.mkdir(parents=True)
    page_file.write_text("---\ntitle: Angiogenesis models\nimage:\n  caption: Angiogenesis simulation\n---\nBody.\n",
                         encoding="utf-8")
    page = load_page(page_file)
    out = render_deck(page, tmp_path / "deck.pptx").outputs[0]
    cover = Presentation(str(out)).slides[0]
    assert pictures(cover), "placeholder art on the title slide"
    assert "Angiogenesis simulation" not in "\n".join(texts(cover))


def test_continuation_slides_share_the_text_evenly():
    """Greedy packing leaves a near-empty last slide next to a full one; balanced packing keeps the count
    and evens the fill (the planner's own measurement)."""
    from cardgen.document import Run
    from cardgen.render.deck_fit import Frame, TextItem, _pack, items_height, paginate
    from cardgen.render.deck_plan import DeckLayout

    role = DeckLayout().role("body")
    frame = Frame(800, 380)
    mono = "Noto Sans Mono"
    pack = max(role.min_size, round((role.size + role.min_size) / 2))
    items: list[TextItem] = []
    # grow a list until packing it greedily (each box as full as it goes) leaves one lone item behind
    while True:
        items.append(TextItem((Run(f"Measured result number {len(items) + 1} of the series"),), bullet="•"))
        greedy = _pack(items, pack, role, frame, None, None, mono)
        if len(greedy) >= 2 and len(greedy[-1]) == 1 and len(paginate(items, role, frame, None, mono)) >= 2:
            break  # (the list no longer fits one slide even at the smallest size)
    chunks = paginate(items, role, frame, None, mono)
    fills = [items_height(c, size, role, frame, None, mono) / frame.inner_h for c, size in chunks]
    assert len(chunks) == len(greedy)
    assert min(len(c) for c, _ in chunks) > 1 and min(fills) >= 0.3, fills


def test_nested_numbered_items_carry_their_level_so_numbering_restarts(tmp_path):
    bundle = tmp_path / "nest"
    write(bundle / "index.md", """
        ---
        title: Steps
        ---
        ## Steps

        1. Agree on a team
        2. Pick a lead
        3. Accept the assignment:
           1. The lead creates the team
           2. Members join it
        4. Write the readme
        """)
    _, _, prs = deck_of(bundle / "index.md", tmp_path)
    slide = next(s for s in prs.slides if "Members join it" in "\n".join(texts(s)))
    levels = {p.text: p.level for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs}
    assert levels["The lead creates the team"] == 1 and levels["Members join it"] == 1
    assert levels["Agree on a team"] == 0 and levels["Write the readme"] == 0


def test_a_paragraph_without_a_sentence_end_near_the_cut_starts_the_next_slide_whole(tmp_path):
    # One-sentence paragraphs of 2–7 lines: a cut at the bottom of a slide would fall mid-sentence, and
    # each fits a slide alone, so none is split; every slide's text ends where a sentence ends.
    clause = "the detector records every pulse that crosses the threshold while the shaper keeps its baseline"
    paragraphs = "\n\n".join(f"Paragraph {n} says that {', and '.join([clause] * k)}."
                               for n, k in enumerate((2, 5, 5, 2, 3)))
    path = write(tmp_path / "p" / "index.md",
                 "---\ntitle: Long sentences\nsummary: Many long sentences.\n---\n## Results\n\n" + paragraphs + "\n")
    _, result, prs = deck_of(path, tmp_path)
    bodies = [texts(s) for s in prs.slides if texts(s) and texts(s)[0].startswith("Results")]
    assert len(bodies) > 1, "the section continues over several slides"
    for body in bodies:
        here = [p for text in body[1:] for p in text.split("\n") if p.startswith("Paragraph")]
        assert here and all(p.endswith(".") for p in here), body
    assert sum(p.startswith("Paragraph") for b in bodies for text in b[1:] for p in text.split("\n")) == 5
    assert checker(result.outputs[0]) == []


@pytest.mark.parametrize("lead, after", [(5, 4), (6, 3), (6, 4)])
def test_a_short_code_block_on_a_text_slide_is_never_split_across_slides(tmp_path, lead, after):
    clause = "the detector records every pulse that crosses the threshold while the shaper keeps its baseline"
    code = "```\nx = read(port)\nif x > limit:\n    alarm(x)\n    log(x)\nreturn x\n```"
    body = (f"Lead says that {', and '.join([clause] * lead)}.\n\n{code}\n\n"
            f"After says that {', and '.join([clause] * after)}.\n\nMore says that {clause}.")
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Code talk\nsummary: Some code.\n---\n## Results\n\n"
                 + body + "\n")
    _, result, prs = deck_of(path, tmp_path)
    slides_with = {line: {i for i, slide in enumerate(prs.slides) for shape in slide.shapes if shape.has_text_frame
                          for p in shape.text_frame.paragraphs if p.text.strip() == line}
                   for line in ("x = read(port)", "if x > limit:", "alarm(x)", "log(x)", "return x")}
    assert all(len(found) == 1 for found in slides_with.values()), slides_with
    assert len(set().union(*slides_with.values())) == 1, "the five lines share one slide"
    assert checker(result.outputs[0]) == []


@pytest.mark.parametrize("url", ["https://bench.example.org/project/math-poset-least-squares/",
                                 "https://bench.example.org/project/ar-team-creation-and-the-workshop/",
                                 "https://www.example-university.edu/research/groups/computational-imaging/projects/"
                                 "deep-illusion-generation-and-perception/"])
def test_closing_slide_sets_the_address_on_one_line(tmp_path, url):
    """A URL broken mid-word ("…ar-team-creat" / "ion") is hard to read off a screen: the closing slide
    sets it at the size where it takes one line, even in the widest fallback face, shortened in the
    middle only when the smallest size cannot hold it (the link and the QR code carry it whole)."""
    from cardgen.render.deck_fit import INSETS, WIDTH_RESERVE, line_count

    page_path = write(tmp_path / "content" / "project" / "p" / "index.md", f"""
        ---
        title: Team creation
        authors: [Ada Lovelace, Grace Hopper]
        url_project: "{url}"
        summary: A short summary.
        ---
        Body text.
        """)
    page, result, prs = deck_of(page_path, tmp_path)
    last = prs.slides[-1]
    shown = next((shape, run) for shape in last.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs
                 for run in p.runs if run.hyperlink.address == url)
    shape, run = shown
    width = (Emu(shape.width).pt - INSETS[0] - INSETS[2]) * WIDTH_RESERVE
    assert line_count(run.text, width, None, True, run.font.size.pt, None) == 1
    assert run.font.size.pt >= 16
    whole = url.split("://")[1].rstrip("/")
    if len(whole) <= 50:
        assert run.text == whole  # it fits at some size: whole, so it can be typed in
    else:
        assert "…" in run.text
    assert checker(result.outputs[0]) == []


@pytest.mark.parametrize("stop, clause", [
    ("।", "হকিং তার স্কুল যাওয়া শুরু করেন লন্ডনের হাইগেটের বায়রন হাউজ স্কুলে"),  # Bengali, the danda
    ("؟", "هل يمكن للفريق أن يعمل معا دون قائد واضح في المشروع"),  # Arabic question mark
])
def test_sentences_of_other_scripts_end_where_their_stops_are(tmp_path, stop, clause):
    """A danda or an Arabic question mark ends a sentence as a full stop does: paragraphs are not cut
    between slides mid-sentence, and a long one shows its first sentences, not a cut at any space."""
    from cardgen.document import Run
    from cardgen.render.deck_fit import TextItem, _ends_sentence, first_sentences

    text = f"{clause} {clause}{stop} {clause}{stop} {clause}{stop}"
    head = first_sentences(text, len(text) // 2 + 10)
    assert head.endswith(stop) and len(head) < len(text)
    assert _ends_sentence(TextItem((Run(f"{clause}{stop}"),))) and not _ends_sentence(TextItem((Run(clause),)))
    paragraphs = "\n\n".join(f"{n} {', '.join([clause] * k)}{stop}" for n, k in enumerate((3, 4) * 5))
    lang = "bn" if stop == "।" else "ar"
    path = write(tmp_path / "p" / "index.md",
                 f"---\ntitle: Long\nsummary: {clause}{stop}\nlanguage: {lang}\n---\n## Part\n\n{paragraphs}\n")
    _, result, prs = deck_of(path, tmp_path)
    bodies = [texts(s) for s in prs.slides if texts(s) and texts(s)[0].startswith("Part")]
    assert len(bodies) > 1
    for body in bodies:
        here = [p for p in body[1].split("\n") if p.strip()]  # the body box (then the slide number)
        assert here and all(p.rstrip().endswith((stop, "…")) for p in here), body
    assert checker(result.outputs[0]) == []


@pytest.mark.parametrize("lead", [5, 11])
def test_a_lead_in_paragraph_stays_with_the_list_it_introduces(tmp_path, lead):
    """"The steps are:" alone at the bottom of a slide whose next one starts the steps (found by a sweep
    of paragraph and list lengths): it moves over to its list when the two fit there."""
    clause = "the detector records every pulse that crosses the threshold while the shaper keeps its baseline"
    steps = "\n".join(f"- Step {k}: calibrate the {k}th channel against the pulser" for k in range(1, 9))
    paragraphs = "\n\n".join(f"Lead {j} says that {', and '.join([clause] * 2)}." for j in range(lead // 2))
    body = f"{paragraphs}\n\nAlso {', and '.join([clause] * (lead % 2 + 1))}.\n\nThe steps are:\n\n{steps}\n"
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Steps\nsummary: Some steps.\n---\n## Method\n\n" + body)
    _, result, prs = deck_of(path, tmp_path)
    where = {line: i for i, slide in enumerate(prs.slides) for shape in slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for line in [p.text.strip()] if line}
    assert where["The steps are:"] == where["Step 1: calibrate the 1th channel against the pulser"]
    assert checker(result.outputs[0]) == []


@pytest.mark.parametrize(("lang", "aspect"), [("ar", "16:9"), ("ar", "4:3"), ("en", "16:9")])
def test_right_to_left_decks_put_the_title_accent_under_the_flush_right_titles(tmp_path, lang, aspect):
    from cardgen.render.deck_media import HERO_SPLIT

    title = "إنشاء فرق المشاريع" if lang == "ar" else "Team creation"
    path = write(tmp_path / "p" / "index.md", f"---\ntitle: {title}\nlanguage: {lang}\nsummary: {title}.\n---\n"
                 f"## {title}\n\n{title} {title}.\n")
    _, result, prs = deck_of(path, tmp_path, aspect=aspect)
    width = prs.slide_width
    for slide in prs.slides:
        layout = slide.slide_layout
        accents = [s for s in layout.shapes if not s.is_placeholder and s.width < width * 0.95]
        cover = any(s.is_placeholder and s.placeholder_format.type == PP_PLACEHOLDER.CENTER_TITLE for s in layout.shapes)
        for accent in accents:
            middle = accent.left + accent.width / 2
            if cover:  # within the title's column, left of the picture: at its right end for Arabic
                column_right = width * HERO_SPLIT - Pt(40)
                assert (abs(accent.left + accent.width - column_right) < Pt(2)) == (lang == "ar")
            else:
                assert (middle > width / 2) == (lang == "ar"), layout.name
    assert checker(result.outputs[0]) == []


def test_a_top_level_section_that_says_more_than_a_lead_is_set_on_content_slides(tmp_path):
    """A divider carries its title and a lead of a few lines; a first-level section with paragraphs
    is read on content slides at body sizes, not shrunk to the divider's small print."""
    clause = "the detector records every pulse that crosses the threshold while the shaper keeps its baseline"
    long_part = "\n\n".join(f"Paragraph {n} says that {clause}, and {clause}." for n in range(4))
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Parts\nsummary: Two parts.\n---\n"
                 f"# Part one\n\nA short lead.\n\n# Part two\n\n{long_part}\n")
    _, result, prs = deck_of(path, tmp_path)
    by_title = {slide_title(s): s for s in prs.slides}
    assert by_title["Part one"].slide_layout.name == "Section Header"
    part_two = [s for s in prs.slides if (slide_title(s) or "").startswith("Part two")]
    assert part_two and all(s.slide_layout.name != "Section Header" for s in part_two)
    sizes = {run.font.size.pt for s in part_two for shape in s.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs if "Paragraph" in p.text and run.font.size}
    assert sizes and min(sizes) >= 16
    shown = "\n".join(t for s in part_two for t in texts(s))
    assert all(f"Paragraph {n}" in shown for n in range(4))
    assert checker(result.outputs[0]) == []


def test_the_title_slide_sets_its_title_under_the_accent_whatever_its_length(tmp_path):
    """The accent above the title is the layout's: the title starts the same distance below it for
    one line or four, and the authors and date follow the title's last line."""
    tops = {}
    for name, title in (("short", "LiveHD"), ("long", "Zuverlässigkeit von Systemen beim Einsatz von "
                                                         "Machine Learning in eingebetteten Steuerungen")):
        path = write(tmp_path / name / "index.md", f"---\ntitle: {title}\nauthors: [Ada Lovelace]\n"
                     "date: 2020-06-01\nsummary: A summary.\n---\nBody.\n")
        _, result, prs = deck_of(path, tmp_path / name)
        cover = prs.slides[0]
        title_shape = next(s for s in cover.shapes if s.is_placeholder and s.placeholder_format.type in
                           (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE))
        meta = next(s for s in cover.shapes if s.has_text_frame and "Ada Lovelace" in s.text_frame.text)
        assert title_shape.text_frame._bodyPr.get("anchor") == "t"
        tops[name] = (title_shape.top, title_shape.top + title_shape.height, meta.top)
        assert meta.top >= title_shape.top + title_shape.height  # after the title, never over it
        assert checker(result.outputs[0]) == []
    assert tops["short"][0] == tops["long"][0]  # the same distance below the accent
    assert tops["short"][2] < tops["long"][2]  # the meta follows a one-line title up


@pytest.mark.parametrize("template", ["default", "dark", "event"])
def test_links_are_drawn_in_their_run_colour_not_the_theme_accent(tmp_path: Path, template: str) -> None:
    """The theme's hyperlink colour is the accent, which is the event template's title-slide background:
    every link run carries its colour and Office's extension that says to draw it (PowerPoint 2019+ and
    LibreOffice otherwise ignore a link's run colour)."""
    import re

    write(tmp_path / "slides" / "talk" / "index.md",
          "---\ntitle: Talk\ntype: slides\n---\n# Talk about links\n\n- Slides: [example.org/talk](https://example.org/talk)\n"
          "\n---\n\n## Next\n\nRead [the paper](https://example.org/paper).\n")
    page = load_page(tmp_path / "slides" / "talk" / "index.md")
    out = tmp_path / "t.pptx"
    render_deck(page, out, template=template)
    import zipfile

    with zipfile.ZipFile(out) as z:
        slides = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    runs = [r for xml in slides for r in re.findall(r"<a:rPr[^>]*>(?:(?!</a:rPr>).)*<a:hlinkClick.*?</a:rPr>", xml, re.S)]
    assert len(runs) >= 2
    for run in runs:
        colour = re.search(r'<a:solidFill><a:srgbClr val="([0-9A-F]{6})"/>', run)
        assert colour, run
        assert 'uri="{A12FA001-AC4F-418D-AE19-62706E023703}"' in run and '<ahyp:hlinkClr' in run and 'val="tx"' in run
    if template == "event":
        from cardgen.colors import contrast

        first = re.search(r'<a:srgbClr val="([0-9A-F]{6})"/>', runs[0])
        assert first and contrast("#" + first.group(1), "#ff5a36") >= 3.0


def test_a_long_link_is_written_a_run_per_unbreakable_piece(tmp_path: Path) -> None:
    """LibreOffice lays a linked run out as one field that cannot break, so a link written as one run
    that has to wrap is drawn over the line below it. A run per word (per phrase in Japanese), each
    linked, wraps like the text; a one-word link stays one run, and so does a link in a right-to-left
    paragraph. A split link ends with a zero-width piece (see `test_libreoffice_draws_every_word_of_a_link_in_its_colour`)."""
    title = "【「五感」を創る コンテンツ制作の今】　指先だけでアバター操作、触覚も再現"
    words = "A Demonstration of a Force-Input Controller for Continuous Full-Body Avatar Manipulation"
    path = write(tmp_path / "p" / "index.md",
                 f"---\ntitle: Links\n---\n## Press\n\n電波新聞 [{title}](https://example.org/ja)\n\n"
                 f"Paper: [{words}](https://example.org/paper), site [example.org/one](https://example.org/one).\n")
    _, result, prs = deck_of(path, tmp_path)
    runs = [r for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs]

    def linked(url: str) -> list[str]:
        return [r.text for r in runs if r.hyperlink.address == url]

    for url, text, end in (("https://example.org/ja", title, "\u200b"), ("https://example.org/paper", words, "\ufeff")):
        pieces = linked(url)  # and a last piece that draws nothing, which LibreOffice draws unlinked
        assert len(pieces) > 3 and "".join(pieces[:-1]) == text and pieces[-1] == end, pieces
    assert linked("https://example.org/one") == ["example.org/one"]
    assert checker(result.outputs[0]) == []

    arabic = "تعليمات إنشاء الفريق على GitHub"  # right to left: LibreOffice would lose a piece's colour
    path = write(tmp_path / "ar" / "index.md",
                 f"---\ntitle: روابط\n---\n## الخطوات\n\nاتبع [{arabic}](https://example.org/ar) ثم تابع.\n")
    _, _, prs = deck_of(path, tmp_path)
    assert [r.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs if r.hyperlink.address == "https://example.org/ar"] == [arabic]


def test_a_heading_is_never_left_at_the_bottom_of_a_slide_without_its_text() -> None:
    """A heading goes with the text under it: however much text comes before it and however tall the
    box, no slide ends with a heading whose paragraph starts the next one."""
    import itertools

    from cardgen.document import Run
    from cardgen.render.deck_fit import Frame, TextItem, paginate
    from cardgen.templates import load_template

    role = load_template("default").deck.role("body")
    sentence = "The measured force moves the avatar's limb through a spring and damper model of the arm."
    short = " ".join(sentence.split()[:14])
    orphans = []
    for before, after, height in itertools.product(range(12, 23), (1, 2, 3), (300.0, 340.0)):
        items = [TextItem((Run(short),)) for _ in range(before)]
        items += [TextItem((Run("Weight of the object"),), role="heading"), TextItem((Run(" ".join([sentence] * after)),))]
        chunks = paginate(items, role, Frame(760.0, height), "en", "Noto Sans Mono")
        orphans += [(before, after, height) for chunk, _ in chunks[:-1] if chunk[-1].role == "heading"]
    assert orphans == []


def test_a_picture_left_out_is_named_in_the_notes_in_the_page_language(tmp_path: Path) -> None:
    page = load_page(write(tmp_path / "p" / "index.md",
                           "---\ntitle: إنشاء فرق المشاريع\nsummary: ملخص قصير.\n---\n## الخطوات\n\nنص الخطوة الأولى.\n\n"
                           "{{< figure src=\"team1.png\" caption=\"ربط الحساب\" >}}\n"))
    render_deck(page, tmp_path / "d.pptx")
    notes = [s.notes_slide.notes_text_frame.text for s in Presentation(str(tmp_path / "d.pptx")).slides if s.has_notes_slide]
    assert any("شكل (team1.png): ربط الحساب" in n for n in notes), notes
    assert not any("Image (" in n for n in notes)


def test_a_top_level_section_with_one_long_paragraph_is_read_on_content_slides(tmp_path):
    """A paragraph the divider would cut to its first sentence is not a lead: the section is set on a
    content slide at body size (its sentences all on the slide or in the notes, never cut in small print)."""
    sentence = "Numerical linear algebra is the core computational engine behind most optimization algorithms"
    paragraph = ". ".join(f"{sentence} number {n}" for n in range(6)) + "."
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Parts\nsummary: Two parts.\n---\n"
                 f"# Motivation\n\n{paragraph}\n\n# Next\n\nA short lead.\n")
    _, result, prs = deck_of(path, tmp_path, aspect="4:3")
    motivation = [s for s in prs.slides if (slide_title(s) or "").startswith("Motivation")]
    assert motivation and all(s.slide_layout.name != "Section Header" for s in motivation)
    sizes = {run.font.size.pt for s in motivation for shape in s.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs if "linear algebra" in p.text and run.font.size}
    assert sizes and min(sizes) >= 18
    assert checker(result.outputs[0]) == []


def test_a_first_level_slide_whose_picture_is_missing_is_still_a_title_slide(tmp_path):
    """A slides deck opening with `# Title`, a picture that is not there and its links: the missing
    picture shows nothing, so the slide is the deck's title slide, as without it."""
    path = write(tmp_path / "slides" / "qc" / "index.md",
                 "---\ntype: slides\n---\n# Quantum Circuits\n\n<img src=\"assets/brickwall.png\" width=\"60%\">\n\n"
                 "- [example.org/qc](https://example.org/qc)\n\n---\n\n## Gates\n\n- One\n")
    _, result, prs = deck_of(path, tmp_path)
    first = prs.slides[0]
    assert slide_title(first) == "Quantum Circuits" and first.slide_layout.name == "Section Header"
    assert checker(result.outputs[0]) == []


def test_a_long_title_beside_the_4_3_picture_runs_on_instead_of_losing_words(tmp_path):
    """On 4:3 the title column beside the picture takes four lines at the smallest size; a longer title
    runs on into the room the authors and date leave below, whole, and they follow it."""
    title = "Seperating Stable & Unstable Regimes in Gaussian Process Transition Dynamics Models"
    bundle = tmp_path / "p"
    tiny_png(bundle / "featured.png", (800, 600), (90, 120, 160))
    path = write(bundle / "index.md", f"---\ntitle: \"{title}\"\nauthors: [Aidan Scannell]\ndate: 2020-01-01\n"
                 "summary: A summary.\n---\nBody.\n")
    for template in ("default", "event"):
        page, result, prs = deck_of(path, tmp_path / template, template=template, aspect="4:3")
        cover = prs.slides[0]
        title_shape = next(s for s in cover.shapes if s.is_placeholder and s.placeholder_format.type in
                           (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE))
        assert title_shape.text_frame.text == title and "…" not in title_shape.text_frame.text
        meta = next(s for s in cover.shapes if s.has_text_frame and "Aidan Scannell" in s.text_frame.text)
        assert meta.top >= title_shape.top + title_shape.height
        assert meta.top + meta.height <= prs.slide_height
        assert not any("title" in w and "shortened" in w for w in result.warnings)
        assert checker(result.outputs[0]) == []


def test_a_shrunk_title_stays_above_its_body_text(tmp_path):
    """A long heading fitted down to 23 pt over 24 pt body text inverts the hierarchy: the body steps down."""
    heading = "Seperating Stable and Unstable Regimes in Gaussian Process Transition Dynamics Models Today"
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Parts\nsummary: Two parts.\n---\n"
                 f"## {heading}\n\nWe present an approach for separating regimes.\n\n## Short\n\nAnother line.\n")
    _, result, prs = deck_of(path, tmp_path, aspect="4:3")
    for slide in list(prs.slides)[1:]:
        title = next((s for s in slide.shapes if s.is_placeholder and s.placeholder_format.type in
                      (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE)), None)
        if title is None or not title.text_frame.text.strip():
            continue
        title_pt = max(r.font.size.pt for p in title.text_frame.paragraphs for r in p.runs if r.font.size)
        body = [r.font.size.pt for s in slide.shapes if s.has_text_frame and s is not title
                for p in s.text_frame.paragraphs for r in p.runs if r.font.size and "approach" in p.text]
        if body:
            assert title_pt < 32 and max(body) <= title_pt - 2, (title_pt, body)
    assert checker(result.outputs[0]) == []


def test_the_subtitle_is_shown_under_the_title_before_the_authors(tmp_path):
    """Front matter `subtitle`, which the theme's page header shows under the title."""
    path = write(tmp_path / "p" / "index.md", "---\ntitle: The Wheelchair Cosmos Traveller\n"
                 "subtitle: \"The story of a *scientist* who never gave up\"\nauthors: [Ada Lovelace]\n"
                 "date: 2020-02-01\nsummary: A summary.\n---\nBody.\n")
    page, result, prs = deck_of(path, tmp_path)
    assert page.subtitle == "The story of a scientist who never gave up"
    cover = prs.slides[0]
    meta = next(s for s in cover.shapes if s.has_text_frame and "Ada Lovelace" in s.text_frame.text)
    lines = [(p.text, any(r.font.bold for r in p.runs)) for p in meta.text_frame.paragraphs if p.text]
    assert lines[0] == ("The story of a scientist who never gave up", False)
    assert lines[1] == ("Ada Lovelace", True)
    assert checker(result.outputs[0]) == []
    pdf = tmp_path / "p.pdf"
    render_deck(page, pdf)
    import subprocess

    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert text.index("The story of a scientist") < text.index("Ada Lovelace")


def test_rules_between_lone_lead_ins_of_missing_screenshots_do_not_make_a_slide_each(tmp_path):
    """A step-by-step page separates its steps with rules; when the screenshots are not in the site,
    each step is one sentence ending in ':' and the steps share a slide instead of one each. A rule
    after real content still starts a new slide."""
    steps = "\n\n---\n\n".join(f"Step {i}: open the page and press the button:\n\n"
                                f'{{{{< figure src="shot{i}.png" caption="Screen {i}" >}}}}' for i in range(1, 5))
    long = "A long explanation of the method. " * 8
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Team creation\nsummary: How to make a team.\n---\n"
                 f"## How\n\n{steps}\n\n## Method\n\n{long}\n\n---\n\n{long}\n")
    page, result, prs = deck_of(path, tmp_path)
    step_slides = {i for i, slide in enumerate(prs.slides) if any("Step " in t for t in texts(slide))}
    assert len(step_slides) == 1, step_slides
    method_slides = [i for i, slide in enumerate(prs.slides) if texts(slide) and texts(slide)[0].startswith("Method")]
    assert len(method_slides) == 2
    assert checker(result.outputs[0]) == []


def test_a_break_in_a_table_cell_stays_a_space_as_the_table_is_measured(tmp_path):
    """Table rows are measured as one run of text per cell: a `<br>` in a cell is written as the space
    it was measured as, so the row keeps the height it was given."""
    import re
    import zipfile

    path = write(tmp_path / "p" / "index.md", "---\ntitle: Table\nsummary: S.\n---\n## Results\n\n"
                 "| Model | Notes |\n|---|---|\n| A | first line<br>second line |\n| B | plain |\n")
    _, result, _ = deck_of(path, tmp_path)
    with zipfile.ZipFile(result.outputs[0]) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide"))
    cell = re.search(r"<a:tc>(?:(?!</a:tc>).)*first line(?:(?!</a:tc>).)*</a:tc>", xml, re.S).group(0)
    assert "<a:br" not in cell and "first line second line" in cell
    assert checker(result.outputs[0]) == []


def test_a_paragraph_alone_under_its_heading_keeps_more_of_itself(tmp_path):
    """A long paragraph shows its first sentences and keeps the rest in the notes; alone under its
    heading it has the slide to itself and keeps up to 0.9 of `condense_chars` (0.6 beside others),
    so the slide is not two thirds empty."""
    sentence = "The detector records every collision and stores the tracks for the analysis. "
    long = sentence * 8  # ~620 characters, over condense_chars (320)
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Condensing\nsummary: S.\n---\n"
                 f"## Alone\n\n{long}\n\n## Together\n\n{long}\n\nA second, short paragraph.\n")
    _, result, prs = deck_of(path, tmp_path)

    def shown(title: str) -> str:
        slide = next(s for s in prs.slides if texts(s) and texts(s)[0] == title)
        return next(t for t in texts(slide)[1:] if t.startswith("The detector")).split("\n")[0]

    alone, together = shown("Alone"), shown("Together")
    assert alone.endswith("…") and together.endswith("…")
    assert 0.6 * 320 < len(alone) <= 0.9 * 320 + 3 and len(together) <= 0.6 * 320 + 3
    assert checker(result.outputs[0]) == []
