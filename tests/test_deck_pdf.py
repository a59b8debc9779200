"""Decks as PDF: the same slide plans as the pptx, read back with poppler (pdfinfo, pdffonts, pdftotext,
pdftoppm) and zbarimg."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_deck import checker

from cardgen.errors import UsageError
from cardgen.loader import load_page
from cardgen.render.deck import render_deck

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, write


def poppler(tool: str, *args: str) -> str:
    if not shutil.which(tool):
        pytest.skip(f"{tool} (poppler-utils) not available")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = poppler("pdfinfo", "-f", "1", "-l", "9999", str(pdf))
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def pdf_of(path: Path, tmp_path: Path, name: str = "talk.pdf", **options):
    page = load_page(path)
    result = render_deck(page, tmp_path / name, **options)
    return page, result, result.outputs[0]


def test_seed_pdf_has_one_16_9_page_per_slide(tmp_path):
    _, result, pdf = pdf_of(SEED, tmp_path)
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    sizes = page_sizes(pdf)
    assert len(sizes) == result.info["slides"] == result.info["pages"]
    assert all(w / h == pytest.approx(16 / 9, rel=0.01) for w, h in sizes)


def test_seed_pdf_embeds_subset_fonts(tmp_path):
    _, _, pdf = pdf_of(SEED, tmp_path)
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "text is real text, in fonts"
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub) == ("yes", "yes"), row
        assert re.match(r"[A-Z]{6}\+", name), "subset fonts carry a subset tag"


def test_seed_pdf_text_has_title_authors_and_a_live_link_to_the_project(tmp_path):
    page, _, pdf = pdf_of(SEED, tmp_path)
    text = " ".join(poppler("pdftotext", str(pdf), "-").split())
    assert page.title_plain in text
    from cardgen.fields import authors_line

    assert authors_line(page, 4) in text and "Noriko Takemura" in text
    assert "mlphys.scphys.kyoto-u.ac.jp" in text
    uris = re.findall(rb"/URI \(([^)]*)\)", pdf.read_bytes())
    assert b"https://mlphys.scphys.kyoto-u.ac.jp/en/" in uris


def test_pdf_closing_page_qr_code_decodes_to_the_main_url(tmp_path):
    page, result, pdf = pdf_of(SEED, tmp_path)
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg not available")
    last = result.info["pages"]
    poppler("pdftoppm", "-r", "100", "-png", "-f", str(last), "-l", str(last), str(pdf), str(tmp_path / "last"))
    png = next(tmp_path.glob("last*.png"))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    assert decoded == [page.main_url]


def test_format_option_and_extension_pick_the_backend(tmp_path):
    page = load_page(SEED)
    by_option = render_deck(page, tmp_path / "by-option", fmt="pdf").outputs[0]
    assert by_option.name == "mlphys-project.pdf" and by_option.read_bytes().startswith(b"%PDF")
    pptx = render_deck(page, tmp_path / "deck.pptx").outputs[0]
    assert pptx.read_bytes().startswith(b"PK")
    with pytest.raises(UsageError, match="--format"):
        render_deck(page, tmp_path / "x", fmt="odp")


def test_4_3_pdf_pages(tmp_path):
    _, _, pdf = pdf_of(SEED, tmp_path, aspect="4:3")
    assert all(w / h == pytest.approx(4 / 3, rel=0.01) for w, h in page_sizes(pdf))


def test_handout_pages_carry_each_slide_with_its_notes(tmp_path):
    path = write(tmp_path / "talk" / "index.md", """
        ---
        title: Handout talk
        type: slides
        ---
        # Opening

        ---

        ## Method

        - A point

        {{% speaker_note %}}
        Remember to mention the calibration run.
        {{% /speaker_note %}}
        """)
    _, result, pdf = pdf_of(path, tmp_path, name="handout.pdf", handout=True)
    sizes = page_sizes(pdf)
    assert len(sizes) == result.info["slides"]
    assert all(w == pytest.approx(595.3, abs=1) and h == pytest.approx(841.9, abs=1) for w, h in sizes)
    second = poppler("pdftotext", "-f", "2", "-l", "2", str(pdf), "-")
    assert "Method" in second and "A point" in second and "Remember to mention the calibration run." in second


def test_pdf_is_deterministic(tmp_path):
    page = load_page(SEED)
    a = render_deck(page, tmp_path / "a.pdf").outputs[0].read_bytes()
    b = render_deck(page, tmp_path / "b.pdf").outputs[0].read_bytes()
    assert a == b


def test_cjk_pdf_embeds_the_cjk_font_and_keeps_the_text(tmp_path):
    path = CORPUS / "ja-itijoho" / "index.md"
    if not path.exists():
        pytest.skip("corpus not available")
    page, _, pdf = pdf_of(path, tmp_path)
    assert "CJK" in poppler("pdffonts", str(pdf))
    text = "".join(poppler("pdftotext", str(pdf), "-").split())
    assert "".join(page.title_plain.split()) in text


@pytest.mark.slow
@pytest.mark.parametrize("page_path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_every_corpus_deck_makes_a_pdf_page_per_slide(tmp_path, page_path):
    _, result, pdf = pdf_of(page_path, tmp_path, template="dark")
    assert len(page_sizes(pdf)) == result.info["slides"]


def test_code_in_the_pdf_is_set_in_the_monospace_font_with_its_indentation(tmp_path):
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Code talk
        ---
        ## Listing

        ```python
        def f(x):
            return x + 1
        ```
        """)
    _, _, pdf = pdf_of(path, tmp_path)
    assert "NotoSansMono" in poppler("pdffonts", str(pdf))
    layout = poppler("pdftotext", "-layout", str(pdf), "-")
    first = next(line for line in layout.splitlines() if "def f(x):" in line)
    second = next(line for line in layout.splitlines() if "return x + 1" in line)
    assert second.index("return") > first.index("def"), "the body of the function stays indented"


def test_the_deck_planner_does_not_import_python_pptx():
    import subprocess
    import sys

    code = "import sys, cardgen.render.deck_plan, cardgen.render.deck_fit; print('pptx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_display_math_is_drawn_into_the_pdf(tmp_path):
    import numpy as np
    from PIL import Image

    path = write(tmp_path / "p" / "index.md", r"""
        ---
        title: Math talk
        summary: Energies of spins.
        ---
        ## Energy

        The energy is

        $$
        E = \sum_n h_n \sigma_n
        $$
        """)
    _, _, pdf = pdf_of(path, tmp_path)
    text = poppler("pdftotext", "-f", "3", "-l", "3", str(pdf), "-")
    assert "The energy is" in text and "sum" not in text, "the formula is drawn, not its LaTeX source"
    poppler("pdftoppm", "-r", "40", "-png", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "eq"))
    ink = np.asarray(Image.open(next(tmp_path.glob("eq*.png"))).convert("L")) < 128
    height = ink.shape[0]
    below_text = ink[int(height * 0.3):int(height * 0.55)]
    assert below_text.sum() > 50, "the equation's ink sits under its lead-in line"


def _text_shows(pdf: Path) -> list[tuple[float, float, float]]:
    """(font size, x, y) of every text fpdf2 drew: its `/Fn size Tf` and `BT x y Td` operators."""
    import zlib

    shows = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf.read_bytes(), re.S):
        try:
            content = zlib.decompress(stream.group(1)).decode("latin-1")
        except zlib.error:
            continue  # fonts and pictures
        size = 0.0
        for op in re.finditer(r"/F\d+ ([\d.]+) Tf|BT ([\d.]+) ([\d.]+) Td", content):
            if op.group(1):
                size = float(op.group(1))
            else:
                shows.append((size, float(op.group(2)), float(op.group(3))))
    return shows


def test_inline_math_scripts_are_raised_and_lowered_in_the_pdf(tmp_path):
    path = write(tmp_path / "p" / "index.md", r"""
        ---
        title: Scripts talk
        summary: Inline formulas.
        ---
        ## Energy

        The state $\mathbf{x}_N$ and the exponent $e^{Q}$ are set as in the slides.
        """)
    _, _, pdf = pdf_of(path, tmp_path)
    text = poppler("pdftotext", "-f", "3", "-l", "3", str(pdf), "-")
    assert "xN" in text and "eQ" in text and "x_N" not in text and "e^Q" not in text
    body = [(size, y) for size, _, y in _text_shows(pdf) if size == 24.0]
    small = [(size, y) for size, _, y in _text_shows(pdf) if abs(size - 16.0) < 0.01]
    line = {y for _, y in body}
    lowered = [y for _, y in small if any(abs(y - (b - 0.25 * 24)) < 0.05 for b in line)]
    raised = [y for _, y in small if any(abs(y - (b + 0.30 * 24)) < 0.05 for b in line)]
    assert lowered and raised, (body, small)


def test_mathematical_letters_in_running_text_are_drawn_with_the_math_font(tmp_path, caplog):
    """`\\mathcal{O}` and `\\mathbb{E}` inline are 𝒪 and 𝔼 (U+1D4AA, U+1D53C), in no text font
    bundled: the PDF draws them with STIX Two Math, the font display formulas are set in, and
    fpdf2 finds no glyph missing."""
    path = write(tmp_path / "p" / "index.md", r"""
        ---
        title: Complexity talk
        summary: Inline formulas.
        ---
        ## Cost

        Solving takes $\mathcal{O}(m^3 + n^3)$ time, and $\mathbb{E}[x]$ is the mean.
        """)
    with caplog.at_level("WARNING"):
        _, result, pdf = pdf_of(path, tmp_path)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    assert not [w for w in result.warnings if "no font" in w]
    assert "STIXTwoMath" in poppler("pdffonts", str(pdf))
    text = poppler("pdftotext", str(pdf), "-")
    assert "𝒪(m3 + n3)" in text and "𝔼[x]" in text


def test_a_character_no_font_has_is_reported_once_by_cardgen_not_by_fpdf(tmp_path, caplog):
    """fpdf2 logs a font's missing glyphs when it writes the file (raw lines on a terminal without
    logging set up); cardgen's own warning names the page and field."""
    from cardgen.render.card import render_card

    page = load_page(write(tmp_path / "p" / "index.md", "---\ntitle: Shaking \U0001fae8 face\n---\nText.\n"))
    with caplog.at_level("WARNING"):
        result = render_card(page, tmp_path / "card.pdf")
    assert [w for w in result.warnings if "no font has" in w and "title" in w]
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]


def test_a_wrapped_tag_line_never_starts_with_its_separator(tmp_path):
    """Tags are one line of "a · b · c"; when it wraps, it wraps after a dot, not before one."""
    tags = ["word-embeddings", "natural-language-processing", "semantic-similarity", "computational-linguistics",
            "distributional-semantics", "representation-learning", "machine-learning", "spanish", "evaluation"]
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Tags\nsummary: A short summary.\ntags: [" +
                 ", ".join(tags) + "]\n---\nBody.\n")
    _, _, pdf = pdf_of(path, tmp_path)
    lines = [line.strip() for line in poppler("pdftotext", "-f", "2", "-l", "2", str(pdf), "-").splitlines()]
    tagged = [line for line in lines if any(tag in line for tag in tags)]
    assert len(tagged) >= 2, lines  # it wraps
    assert not [line for line in tagged if line.startswith("·")], tagged
    assert all(line.endswith("·") for line in tagged[:-1]), tagged


def test_a_listing_is_set_small_enough_that_no_line_breaks(tmp_path):
    """A drawn tree or a table in a code block falls apart when a line wraps: the listing's size goes
    down (not below 14 pt) until its longest line fits the panel."""
    tree = ["project", "|   README.md", "|---package", "|   |   _utils.py                  Utility functions",
            "|   |---attacks", "|   |   |   _fgsm.py                         Fast Gradient Sign Method",
            "|   |   |   |   _amp.py             Mixed Precision (Faster) - Fast Gradient Sign Method"]  # 88
    code = "\n".join(tree)
    path = write(tmp_path / "p" / "index.md", f"---\ntitle: Tree\nsummary: Files.\n---\n## Layout\n\n```\n{code}\n```\n")
    _, _, pdf = pdf_of(path, tmp_path)
    text = poppler("pdftotext", "-layout", "-f", "3", "-l", "3", str(pdf), "-")
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert " ".join(tree[-1].split()) in lines, lines
    assert "Sign Method" not in lines
    from pptx import Presentation

    page = load_page(path)
    render_deck(page, tmp_path / "tree.pptx")
    sizes = {run.font.size.pt for slide in Presentation(str(tmp_path / "tree.pptx")).slides for shape in slide.shapes
             if shape.has_text_frame and "README.md" in shape.text_frame.text
             for p in shape.text_frame.paragraphs for run in p.runs}
    assert sizes and min(sizes) >= 14.0, sizes


def test_a_formula_in_running_text_stays_on_one_line_of_the_pdf(tmp_path):
    # the same sentence after 0…11 words: wherever a line ends, it does not end inside a formula
    sentence = (r"we denote all of the $N$ inputs $\mathbf{X} = [\mathbf{x}_1, ..., \mathbf{x}_N]$, all of the "
                r"targets $\mathbf{Y} = [\mathbf{y}_1, ..., \mathbf{y}_N]$ and all of the assignments.")
    paragraphs = "\n\n".join(" ".join(["So"] * n + [sentence]) for n in range(12))
    path = write(tmp_path / "p" / "index.md", "---\ntitle: Long formula\nsummary: Paragraphs.\n---\n## Data\n\n"
                 + paragraphs + "\n")
    _, _, pdf = pdf_of(path, tmp_path)
    lines = [line.strip() for line in poppler("pdftotext", "-layout", str(pdf), "-").splitlines()]
    for formula in ("X = [x1, ..., xN]", "Y = [y1, ..., yN]"):
        assert sum(formula in line for line in lines) == 12, (formula, lines)


def test_pdf_lines_run_as_far_as_the_embedded_fonts_allow_and_never_outnumber_the_plan() -> None:
    """The planner counts lines in the widest face a viewer may substitute; the PDF embeds its fonts,
    so its lines are filled with their real widths (a narrow column and lone words otherwise)."""
    from cardgen.render.deck_fit import line_count
    from cardgen.render.deck_pdf import _break
    from cardgen.render.pdf_canvas import Piece
    from cardgen.text.measure import text_width

    text = ("LiveHD is a compiler infrastructure for hardware design optimized for synthesis and simulation. "
            "The goals is to enable a more productive flow where the ASIC or FPGA designer can work with "
            "multiple hardware description languages like CHISEL, Pyrope, or Verilog.")
    for width in (300.0, 420.0, 560.0, 700.0):
        lines = ["".join(p.text for p in line).strip() for line in _break([Piece(text)], width, 24.0, False, None, "en")]
        assert len(lines) <= line_count(text, width, None, False, 24.0, "en")
        for line, following in zip(lines, lines[1:], strict=False):
            next_word = following.split()[0]
            assert text_width(line, 24.0) <= width
            assert text_width(f"{line} {next_word}", 24.0) > width, (width, line)  # the next word did not fit


def test_pdf_lines_mixing_bold_and_code_keep_the_planners_cut() -> None:
    """Bold words and inline code are set in wider faces than the line is measured in: a line that
    mixes them keeps the planner's cut in the widest faces (whose slack covers bold), not the exact
    one of a single face, which would run bold words past the box."""
    from cardgen.render.deck_fit import line_count
    from cardgen.render.deck_pdf import _break
    from cardgen.render.pdf_canvas import Piece
    from cardgen.text.breaking import wrap_lines
    from cardgen.text.style import TextStyle

    words = "the detector records every pulse that crosses the threshold while the shaper keeps its baseline "
    pieces = [Piece(words), Piece("calibrated reference amplitude ", bold=True), Piece(words * 2),
              Piece("bold again and again ", bold=True), Piece(words)]
    text = "".join(p.text for p in pieces)
    for width in (300.0, 420.0, 560.0, 700.0):
        lines = ["".join(p.text for p in line).strip() for line in _break(pieces, width, 24.0, False, None, "en")]
        planned = wrap_lines(text, width, TextStyle(size=24.0, conservative=True, lang="en"), 24.0)
        assert lines == planned and len(lines) == line_count(text.strip(), width, None, False, 24.0, "en")


def test_handout_notes_of_a_right_to_left_page_are_set_flush_right(tmp_path):
    """Arabic notes start at the right margin; an English paragraph among them still starts at the left."""
    path = write(tmp_path / "talk" / "index.md", """
        ---
        title: عرض
        type: slides
        ---
        # افتتاح

        ---

        ## الطريقة

        - نقطة أولى

        {{% speaker_note %}}
        تذكر ذكر التجربة.

        Mention the calibration run.
        {{% /speaker_note %}}
        """)
    _, _, pdf = pdf_of(path, tmp_path, name="handout.pdf", handout=True)
    xml = poppler("pdftotext", "-bbox", "-f", "2", "-l", "2", str(pdf), "-")
    words = [(float(a), float(b), float(c), w) for a, b, c, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml)]
    width = 595.3
    notes = [w for w in words if w[1] > 360]  # below the slide and the notes heading (poppler writes Arabic in visual order)
    arabic = [w for w in notes if any("\u0600" <= ch <= "\u06ff" for ch in w[3])]
    english = [w for w in words if w[3] in ("Mention", "run.")]
    assert arabic and english
    assert max(w[2] for w in arabic) == pytest.approx(width - 42, abs=3), "the Arabic note ends at the right margin"
    assert min(w[0] for w in arabic) > width / 2, "and is short: it stays on the right"
    assert min(w[0] for w in english) == pytest.approx(42, abs=3), "the English note starts at the left margin"


def test_the_pdf_title_picture_is_placed_as_the_pptx_one(tmp_path, monkeypatch):
    """Cover or whole: both backends ask for the same frame at slide resolution and surface (the PDF
    asked at its own finer raster, and a small photo came out letterboxed there, cropped in the pptx)."""
    from cardgen.render.assets import PageImages

    from conftest import tiny_png

    asks: list[tuple[object, object]] = []
    original = PageImages.hero

    def hero(self, size, focal_point=None, **kw):  # noqa: ANN001, ANN202
        asks.append((kw.get("frame_px"), kw.get("surface")))
        return original(self, size, focal_point, **kw)

    monkeypatch.setattr(PageImages, "hero", hero)
    bundle = tmp_path / "p"
    tiny_png(bundle / "featured.png", (420, 560), (90, 120, 160))
    path = write(bundle / "index.md", "---\ntitle: A small portrait\nsummary: S.\n---\nBody.\n")
    pdf_of(path, tmp_path, name="a.pdf")
    render_deck(load_page(path), tmp_path / "a.pptx")
    assert len(asks) >= 2 and asks[0][0] is not None and len(set(asks)) == 1, asks


def test_hard_line_breaks_start_lines_in_the_pptx_and_the_pdf(tmp_path):
    """A Markdown hard break (a backslash or two spaces at the end of a line, `<br>`) starts a new
    line on the slide, in PowerPoint (a line break) and in the PDF; the planner counts the line."""
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Dependencies
        summary: What it needs.
        ---
        ## Dependencies

        > numpy                     1.16.4\\
        > tqdm                      4.31.1

        Python 3.8<br>CUDA 11
        """)
    page = load_page(path)
    out = tmp_path / "deck.pptx"
    render_deck(page, out)
    import zipfile

    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
    quote = next(p for p in re.findall(r"<a:p>.*?</a:p>", xml, re.S) if "numpy" in p)
    assert re.search(r"numpy 1\.16\.4</a:t></a:r><a:br>.*?</a:br><a:r>.*?<a:t>tqdm 4\.31\.1<", quote, re.S)
    assert re.search(r"Python 3\.8</a:t></a:r><a:br>.*?<a:t>CUDA 11<", xml, re.S)
    assert checker(out) == []
    _, _, pdf = pdf_of(path, tmp_path)
    lines = [line.strip() for line in poppler("pdftotext", "-layout", str(pdf), "-").splitlines()]
    assert "numpy 1.16.4" in lines and "tqdm 4.31.1" in lines
    assert "Python 3.8" in lines and "CUDA 11" in lines


def test_a_hard_break_counts_as_a_line() -> None:
    from cardgen.document import Run
    from cardgen.render.deck_fit import Frame, TextItem, item_lines

    frame = Frame(600, 400)
    one = TextItem((Run("numpy 1.16.4 tqdm 4.31.1"),))
    two = TextItem((Run("numpy 1.16.4\ntqdm 4.31.1"),))
    assert item_lines(one, 24, frame, "en", "Noto Sans Mono") == 1
    assert item_lines(two, 24, frame, "en", "Noto Sans Mono") == 2
