"""Math: LaTeX as pages write it → typeset equations (MathML, SVG, OMML, PNG, Unicode), and the parser
finding math the way the theme's MathJax/KaTeX does."""

from __future__ import annotations

import io
import re

import pytest
from lxml import etree
from PIL import Image

from cardgen.document import MathBlock, Paragraph
from cardgen.markdown import parse_document, parse_inline
from cardgen.math import Equation, check_drawing, macros_from_front_matter, parse_macros, typeset
from cardgen.math.tex import expand, normalise, only_definitions, unescape_markdown
from cardgen.slides import parse_slides

# --- LaTeX normalising and macros ---------------------------------------------------------------------


def test_blackfriday_escapes_are_undone() -> None:
    assert unescape_markdown(r"\epsilon\_1 \ll \\{f\_1\\} \\\\ x") == r"\epsilon_1 \ll \{f_1\} \\ x"


def test_escaped_brackets_inside_a_formula_are_brackets() -> None:
    r"""`\[` and `\(` inside a formula are Markdown escapes (Goldmark turns them into `[` and `(`
    before MathJax sees the page); TeX's row break with spacing, `\\[2pt]`, stays."""
    assert unescape_markdown(r"\mathbf{X} = \[\mathbf{x}\_1, ..., \mathbf{x}\_N\]") == r"\mathbf{X} = [\mathbf{x}_1, ..., \mathbf{x}_N]"
    assert unescape_markdown(r"f\(x\) = \left( y \right)") == r"f(x) = \left( y \right)"
    assert unescape_markdown(r"a \\[2pt] b") == r"a \\[2pt] b"
    from cardgen.math import typeset

    assert typeset(r"\mathbf{X} = \[\mathbf{x}\_1\]", display=False).text == "X\u00a0=\u00a0[x₁]"


def test_display_environments_are_unwrapped() -> None:
    assert normalise(r"\begin{equation} a = b \label{eq:1} \end{equation}") == "a = b"
    assert normalise(r"\begin{align*} a &= b \\ c &= d \end{align*}") == r"\begin{aligned}a &= b \\ c &= d\end{aligned}"
    assert normalise(r"\begin{gather} a \\ b \end{gather}").startswith(r"\begin{gathered}")
    assert normalise(r"\begin{cases} a \newline b \end{cases}") == r"\begin{cases} a \\ b \end{cases}"


def test_page_macros_expand_with_arguments_and_defaults() -> None:
    macros = parse_macros(
        r"\DeclareMathOperator*{\E}{\mathbb{E}} \newcommand{\cE}{\mathcal{E}} \newcommand{\pair}[2][a]{(#1, #2)}"
        r" \def\br{\mathbf{r}} \DeclareMathOperator{\Var}{Var}"
    )
    assert expand(r"\E_x \cE \pair{y} \pair[b]{c} \br \Var x", macros) == (
        r"\mathbb{E}_x \mathcal{E} (a, y) (b, c) \mathbf{r} {\operatorname{Var}} x"
    )


def test_recursive_macros_stop_with_an_error() -> None:
    eq = typeset(r"\loop", display=True, macros=parse_macros(r"\newcommand{\loop}{x\loop}"))
    assert not eq.ok and "nest" in eq.error or "20,000" in eq.error


def test_front_matter_macros_katex_and_mathjax_styles() -> None:
    meta = {"math": {"macros": {"RR": r"\mathbb{R}"}},
            "slides": {"reveal_options": {"mathjax3": {"tex": {"macros": {"vv": [r"\mathbf{#1}", 1]}}}}}}
    found = {m.name: m for m in macros_from_front_matter(meta)}
    assert found[r"\RR"].body == r"\mathbb{R}" and found[r"\vv"].nargs == 1


def test_physics_package_commands() -> None:
    for tex in (r"\ket{\psi}", r"\bra{\phi}", r"\braket{\phi|\psi}", r"\abs{x}", r"\norm{v}", r"\dv{f}{x}",
                r"\pdv{f}{x}", r"\expval{A}", r"\mel{a}{H}{b}", r"\qty(\frac{a}{b})", r"\vectorbold{a}", r"\Tr\rho"):
        assert typeset(tex, display=True).ok, tex


def test_only_definitions_is_a_setup_block() -> None:
    assert only_definitions("\\DeclareMathOperator*{\\E}{\\mathbb{E}}\n\\newcommand{\\cE}{\\mathcal{E}}")
    assert not only_definitions(r"\newcommand{\x}{y} a = \x")


# --- equations ---------------------------------------------------------------------------------------------


def test_unknown_macro_is_an_error_naming_it_not_a_crash() -> None:
    eq = typeset(r"a + \frobnicate{b}", display=True)
    assert not eq.ok and r"\frobnicate" in eq.error and eq.text == r"a + \frobnicate{b}"
    assert not typeset(r"\left( x", display=True).ok
    assert not typeset("", display=False).ok


def test_display_equation_draws_as_svg_paths_with_baseline_metrics() -> None:
    eq = check_drawing(typeset(r"p(\mathbf{x})=\frac{\exp\left[-\beta \mathcal{E}(\mathbf{x})\right]}{Z}", display=True))
    assert eq.ok
    assert eq.width > 3 and eq.ascent > 1 and eq.depth > 0.3  # a fraction rises above and drops below the line
    svg = eq.svg("#123456")
    root = etree.fromstring(svg.encode())
    assert root.tag.endswith("svg") and root.findall(".//{http://www.w3.org/2000/svg}path")
    assert "<text" not in svg and 'fill="#123456"' in svg and 'fill="black"' not in svg


def test_fences_around_large_operators_keep_their_size() -> None:
    eq = typeset(r"\exp\left(\sum_{i<j}\phi(r_i - r_j)\right)", display=True)
    assert eq.height < 4


def test_png_is_the_svg_rasterised() -> None:
    eq = typeset(r"\sum_{n=1}^N x_n = \frac{a}{b}", display=True)
    image = Image.open(io.BytesIO(eq.png("#000000", zoom=3)))
    assert image.mode == "RGBA" and image.width > image.height > 20
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)  # ink on a transparent background


def test_omml_is_well_formed_office_math() -> None:
    omml = typeset(r"\frac{a}{b} + \sqrt{x} + \overbrace{a+b}^{n}", display=True).omml()
    root = etree.fromstring(omml)
    m = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
    assert root.tag == m + "oMathPara" and root.find(f"{m}oMath") is not None
    assert {m + "f", m + "rad", m + "groupChr"} <= {el.tag for el in root.iter()}
    assert etree.fromstring(typeset("x^2", display=False).omml()).tag == m + "oMath"


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\phi_T = 0.8", "ϕ_T = 0.8"),
        (r"x^2 + y_{12}", "x² + y₁₂"),
        (r"\mathbf{x} \in \mathbb{R}^D", "x ∈ ℝᴰ"),
        (r"\alpha_n \in \{0, 1\}", "αₙ ∈ {0, 1}"),
        (r"\sum_i a_i", "∑ᵢ aᵢ"),
        (r"\hat{x}", "x̂"),
        (r"1+\epsilon", "1 + ϵ"),
    ],
)
def test_inline_math_reads_as_unicode(tex: str, text: str) -> None:
    assert typeset(tex, display=False).text.replace("\u00a0", " ") == text


def test_inline_segments_carry_italic_bold_and_scripts() -> None:
    segments = typeset(r"\mathbf{x}_i^2", display=False).linear.segments
    assert [(s.text, s.bold, s.script) for s in segments][:1] == [("x", True, 0)]
    assert {s.script for s in segments} == {0, -1, 1}


def test_inline_letters_keep_the_slant_of_their_tex_style() -> None:
    """`\\mathbf` is upright bold (as the typeset equations draw it), `\\boldsymbol` bold italic,
    `\\mathit` and a bare letter italic, `\\mathrm` upright."""
    def style(tex: str) -> tuple[bool, bool]:
        first = typeset(tex, display=False).linear.segments[0]
        return first.bold, first.italic

    assert style(r"\mathbf{X}") == (True, False)
    assert style(r"\boldsymbol{x}") == (True, True)
    assert style(r"\mathit{x}") == (False, True)
    assert style("x") == (False, True)
    assert style(r"\mathrm{d}") == (False, False)


def test_equations_are_cached_by_source() -> None:
    a = typeset(r"e^{i\pi} + 1 = 0", display=True)
    assert a is typeset(r"e^{i\pi} + 1 = 0", display=True)
    assert isinstance(a, Equation) and a.drawing is a.drawing


# --- parsing as the theme does -----------------------------------------------------------------------------


def math_runs(doc):
    return [r for b in doc.blocks if isinstance(b, Paragraph) for r in b.runs if r.math]


def test_bracket_delimiters_inline_and_display() -> None:
    doc = parse_document("Energy \\(E = mc^2\\) and \\\\(a_1\\\\).\n\n\\[\n\\int_0^1 f\n\\]\n")
    assert [r.text for r in math_runs(doc)] == ["E\u00a0=\u00a0mc²", "a₁"]  # a formula does not break
    assert doc.blocks[1] == MathBlock("\\int_0^1 f")


def test_backtick_and_shortcode_math() -> None:
    doc = parse_document("`\\begin{align} a &= b \\end{align}`\n\n{{< katex >}}$$x^2$${{< /katex >}}\n")
    assert [type(b).__name__ for b in doc.blocks] == ["MathBlock", "MathBlock"]


def test_macros_from_a_first_slide_serve_the_whole_deck() -> None:
    body = "$$\n\\newcommand{\\br}{\\mathbf{r}}\n$$\n\n# Title\n\n---\n\n## Two\n\n$\\br_1$ and\n\n$$\\br = 0$$\n"
    slides, warnings = parse_slides(body)
    assert not warnings
    blocks = slides[1].blocks
    assert any(r.math and r.tex.startswith(r"\mathbf{r}") for r in blocks[1].runs)
    assert isinstance(blocks[2], MathBlock) and blocks[2].expanded == r"\mathbf{r} = 0"
    assert isinstance(slides[0].blocks[0], MathBlock) and slides[0].blocks[0].definitions_only


def test_bad_latex_is_monospace_source_with_a_warning_naming_it() -> None:
    doc = parse_document("See $\\nosuchmacro{x}$ here.\n\n$$\n\\alsonot + 1\n$$\n")
    code = [r for r in doc.blocks[0].runs if r.code]
    assert code and code[0].text == "\\nosuchmacro{x}"
    assert isinstance(doc.blocks[1], MathBlock) and "\\alsonot" in doc.blocks[1].error
    assert any("\\nosuchmacro" in w and "nosuchmacro{x}" in w for w in doc.warnings)


def test_cite_and_ref_read_as_text() -> None:
    doc = parse_document("As in \\\\cite{Titsias2009} and $x\\cite{a,b}$, see \\\\ref{eq1}.\n")
    text = doc.blocks[0].text.replace("\u00a0", " ")
    assert "[Titsias2009]" in text and "[a, b]" in text and "eq1" in text and "\\" not in text


def test_math_in_titles_and_raw_html() -> None:
    assert "".join(r.text for r in parse_inline("A $1+\\epsilon$ approximation")) == "A 1\u00a0+\u00a0ϵ approximation"
    doc = parse_document('<div align="right">\nover paths with $\\mathbf{r}_{t}$\n</div>\n')
    assert "rₜ" in doc.blocks[0].text and "$" not in doc.blocks[0].text


def test_no_latex_left_in_parsed_text_of_a_blackfriday_page() -> None:
    body = (
        "We assume two regimes $\\{f\\_1, f\\_2\\}$,\n\n\\begin{equation}\n f = \\begin{cases}\n"
        " f_1 + \\epsilon\\_1,\\ \\text{if}\\ h < 0 \\newline\n f_2 + \\epsilon\\_2,\\ \\text{if}\\ h > 0\n"
        "\\end{cases}\n\\end{equation}\nwhere $\\epsilon\\_i \\sim \\mathcal{N}(0, \\Sigma\\_{i})$.\n"
    )
    doc = parse_document(body)
    text = " ".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    assert not re.search(r"\\[A-Za-z]|\\_|\$|\^\{", text), text
    block = next(b for b in doc.blocks if isinstance(b, MathBlock))
    assert block.expanded and typeset(block.expanded, display=True).ok


def test_hostile_nesting_is_refused_not_left_to_hang() -> None:
    deep = r"\left(" * 40 + "x" + r"\right)" * 40
    eq = check_drawing(typeset(deep, display=True))
    assert not eq.ok and "nest" in eq.error
    braces = typeset("{" * 3000 + "x" + "}" * 3000, display=True)  # recursion inside the converter
    assert isinstance(braces, Equation)


@pytest.mark.parametrize("tex", [r"\exp[-\beta E]", r"H[p] = -\sum_x p(x)", r"\{-1, +1\}", r"f(-x) = -g(x)",
                                 r"a \cdot -b", r"a \pm -b", r"\langle -x \rangle", r"x \ll -y"])
def test_a_sign_is_set_without_the_spaces_of_a_subtraction(tex):
    """TeX makes a binary minus after an opening fence, a relation, punctuation or another operator a
    sign: "exp[−βE]", "= −Σ", not "exp[ − βE]" (ziamath and the linear reading take the form given)."""
    from cardgen.math.mathml import to_mathml

    mml = to_mathml(tex, display=False)
    signs = re.findall(r'<mo form="prefix">(&#x0*2212;|&#x0*2B;|[−+])</mo>', mml)
    assert len(signs) == tex.count("-") + tex.count("+")
    with_sign = typeset(tex, display=False)
    spaced = typeset(tex.replace("-", "0-").replace("+", "0+"), display=False)  # subtractions, spaced
    zero = typeset("0", display=False).width
    assert with_sign.width < spaced.width - (tex.count("-") + tex.count("+")) * zero - 0.1
    reading = with_sign.linear.text.replace("\u00a0", " ")  # the reading's spaces do not break
    assert "[ −" not in reading and "= − " not in reading and "{ −" not in reading


def test_a_subtraction_keeps_its_spaces():
    from cardgen.math.mathml import to_mathml

    for tex in (r"a - b", r"(a) - b", r"x_1 + x_2"):
        assert 'form="prefix"' not in to_mathml(tex, display=False)
    assert typeset("a - b", display=False).linear.text.replace("\u00a0", " ") == "a − b"


@pytest.mark.parametrize(("one", "other"), [(r"\text{静止摩擦}", r"\text{動摩擦力}"), (r"\text{أينشتاين}", r"\text{الفيزياء}"),
                                            (r"\text{আইনস্টাইন}", r"\text{পদার্থবিদ}")])
def test_text_in_scripts_the_math_font_lacks_is_drawn_not_boxed(one: str, other: str) -> None:
    """STIX Two Math has no CJK, Arabic or Bengali letters: `\\text{…}` in them is set from the bundled
    faces (shaped, as outlines), so two different words of as many characters draw differently — as
    empty boxes of the math font they came out the same — and take about their width in the text face."""
    assert len(one) == len(other)
    from cardgen.render.deck_math import display_equation
    from cardgen.text.measure import text_width

    first, second = display_equation(rf"F \ ({one})"), display_equation(rf"F \ ({other})")
    assert first.ok and second.ok
    paths = [re.findall(r'<path[^>]* d="([^"]+)"', e.svg("#000000")) for e in (first, second)]
    assert paths[0] != paths[1]
    word = re.sub(r"\\text\{(.*)\}", r"\1", one)
    drawn = max(len(p) for p in paths[0])  # the word's outline path is the longest
    assert drawn > 200
    assert first.width > text_width(word, 1.0) * 0.8  # the word in ems, and F and the parentheses


def test_identifiers_in_such_scripts_are_one_text_run() -> None:
    from cardgen.math.mathml import to_mathml

    mml = to_mathml(r"v = \frac{距離}{時間} + x_{速}", display=True)
    assert "<mtext>距離</mtext>" in mml and "<mtext>時間</mtext>" in mml and "<mtext>速</mtext>" in mml
    assert "<mi>v</mi>" in mml and "<mi>x</mi>" in mml
