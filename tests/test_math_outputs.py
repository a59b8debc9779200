"""Typeset math in every output: deck pictures (SVG + PNG, LaTeX alt text), native Office Math with a
picture fallback, vector formulas on cards, rasterised formulas on social images — and no LaTeX left
anywhere a reader looks."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from mathcheck import equation_pictures, leaks, notes_have_omml, omath_count, slide_xml
from PIL import Image

from cardgen.document import MathBlock
from cardgen.loader import load_page
from cardgen.render.card import render_card
from cardgen.render.deck import render_deck
from cardgen.render.social import render_social

from conftest import CORPUS, SHARED, tiny_png, write

MATH_PAGES = ["gp-stable-unstable", "math-poset-least-squares", "slides/ml-stat-mech-1", "slides/math-quantum-circuits",
              "slides/rl4qm-msml", "tumor-modeling-toml"]
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
PAGE = """
---
title: 'A $(1+\\epsilon)$ solver for the $\\phi_T$ contour'
summary: 'We bound $\\|A - CXB\\|_F^2$ for $\\mathbf{x}_n \\in \\mathbb{R}^D$.'
math:
  macros:
    RR: '\\mathbb{R}'
---
$$
\\newcommand{\\cE}{\\mathcal{E}}
$$

## Energy

- The Boltzmann distribution over $\\mathbf{x} \\in \\RR^N$, with $\\phi_T = 0.8$:

$$
p(\\mathbf{x})=\\frac{\\exp\\left[-\\beta \\cE(\\mathbf{x})\\right]}{Z},
$$

- and the partition function \\(Z\\) sums it:

\\begin{equation}
Z = \\sum_{\\mathbf{x}} \\exp\\left[-\\beta \\cE(\\mathbf{x})\\right]
\\end{equation}

Unknown $\\nosuch{x}$ stays readable.
"""


@pytest.fixture()
def math_page(tmp_path: Path):
    path = write(tmp_path / "site" / "content" / "project" / "energy" / "index.md", PAGE)
    tiny_png(path.parent / "featured.png", (400, 240))
    return load_page(path)


def test_default_deck_has_equation_pictures_with_latex_alt_text_and_svg(math_page, tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    render_deck(math_page, out)
    alts = equation_pictures(out)
    assert len(alts) == 2 and alts[0].startswith("p(\\mathbf{x})") and "\\begin{equation}" in alts[1]
    with zipfile.ZipFile(out) as z:
        svgs = [n for n in z.namelist() if n.endswith(".svg")]
        assert len(svgs) == 2 and b"<path" in z.read(svgs[0])
        assert "image/svg+xml" in z.read("[Content_Types].xml").decode()
    slide = next(root for _, root in slide_xml(out) if b"svgBlip" in etree.tostring(root))
    assert slide.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip").get(
        "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")  # the PNG every viewer shows
    assert [x for x in leaks(out) if "\\nosuch{x}" not in x] == []  # bad LaTeX is shown as its source
    assert any("\\nosuch" in w for w in math_page.warnings)
    assert omath_count(out) == 0


def test_inline_math_is_styled_runs_with_raised_and_lowered_scripts(math_page, tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    render_deck(math_page, out)
    xml = "".join(etree.tostring(root, encoding="unicode") for _, root in slide_xml(out))
    assert 'baseline="-25000"' in xml and 'baseline="30000"' in xml  # x_n and ^2
    assert "ℝ" in xml  # \RR from the front matter's macros


def test_native_deck_has_office_math_with_the_picture_as_fallback(math_page, tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    render_deck(math_page, out, math="native")
    assert omath_count(out) >= 2 + 3  # two display equations and the inline ones
    shapes = [ac for _, root in slide_xml(out) for ac in root.iter(f"{MC}AlternateContent")
              if ac.getparent().tag.endswith("spTree")]
    assert len(shapes) == 2
    for ac in shapes:
        choice, fallback = ac.find(f"{MC}Choice"), ac.find(f"{MC}Fallback")
        assert choice.get("Requires") in choice.nsmap
        assert fallback[0].tag.endswith("}pic")  # the same equation picture
    assert not notes_have_omml(out)
    assert [x for x in leaks(out) if "\\nosuch{x}" not in x] == []


def test_bad_math_mode_is_refused(math_page, tmp_path: Path) -> None:
    from cardgen.errors import UsageError

    with pytest.raises(UsageError, match="--math"):
        render_deck(math_page, tmp_path / "x.pptx", math="mathml")


def test_card_draws_inexact_formulas_as_vector_paths(math_page, tmp_path: Path) -> None:
    out = tmp_path / "card.pdf"
    render_card(math_page, out)
    data = out.read_bytes()
    assert data.count(b"/Subtype /Image") <= 1  # the featured image only: formulas are never bitmaps
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout \
        if _has("pdftotext") else ""
    if text:
        text = text.replace("\\nosuch{x}", "")  # bad LaTeX is shown as its source
        assert "ϕ_T" not in text and not re.search(r"\\[A-Za-z]|\$|\^\{", text), text


def test_social_image_rasterises_formulas_in_the_title(math_page, tmp_path: Path) -> None:
    result = render_social(math_page, tmp_path, preset="og")
    image = Image.open(result.outputs[0])
    assert image.size == (1200, 630)


def _has(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


# --- the corpus ------------------------------------------------------------------------------------------


def _display_count(page) -> int:
    count = 0
    stack = list(page.document.blocks) + [b for s in page.slides for b in s.blocks]
    while stack:
        block = stack.pop()
        if isinstance(block, MathBlock) and not block.definitions_only:
            count += 1
        stack.extend(getattr(block, "children", ()) or ())
        for item in getattr(block, "items", ()) or ():
            stack.extend(item.children)
    return count


@pytest.mark.slow
@pytest.mark.parametrize("name", MATH_PAGES)
def test_corpus_math_decks_have_equations_and_no_latex(name: str, tmp_path: Path) -> None:
    path = CORPUS / name / "index.md"
    if not path.exists():
        pytest.skip("corpus not available")
    from test_deck import checker

    page = load_page(path)
    displays = _display_count(page)
    picture = tmp_path / "picture.pptx"
    native = tmp_path / "native.pptx"
    render_deck(page, picture)
    render_deck(page, native, math="native")
    assert leaks(picture) == [] and leaks(native) == []
    assert len(equation_pictures(picture)) * 2 >= displays
    assert omath_count(native) * 2 >= displays
    assert checker(picture) == []
    assert not notes_have_omml(native)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gp-stable-unstable", "slides/ml-stat-mech-1"])
def test_corpus_math_decks_pass_the_render_check(name: str, tmp_path: Path) -> None:
    script = SHARED / "tools" / "render-check-pptx.py"
    if not script.exists() or not _has("soffice"):
        pytest.skip("LibreOffice or render-check-pptx.py not available")
    page = load_page(CORPUS / name / "index.md")
    for mode in ("picture", "native"):
        out = tmp_path / f"{mode}.pptx"
        render_deck(page, out, math=mode)
        run = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, timeout=600)
        assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stdout[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("name", MATH_PAGES)
def test_corpus_math_cards_show_no_latex(name: str, tmp_path: Path) -> None:
    path = CORPUS / name / "index.md"
    if not path.exists() or not _has("pdftotext"):
        pytest.skip("corpus or pdftotext not available")
    out = tmp_path / "card.pdf"
    render_card(load_page(path), out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert not re.search(r"\\[A-Za-z]+|\$|\\_|\^\{", text), text


def test_deck_titles_set_inexact_formulas_with_scripts(math_page, tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    render_deck(math_page, out)
    cover = slide_xml(out)[0][1]
    runs = [(r.findtext("{http://schemas.openxmlformats.org/drawingml/2006/main}t"),
             r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr").get("baseline"))
            for r in cover.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}r")]
    assert ("T", "-25000") in runs  # ϕ_T in the title: a lowered T, no underscore
    assert not any("_" in (text or "") for text, _ in runs)
