"""How math measures and draws: LaTeX → MathML (latex2mathml) → SVG paths (ziamath, STIX Two Math),
OMML for editable PowerPoint equations (mathml2omml), PNG (resvg), and linear Unicode for math in
running text. Everything is cached by source within a run.

    eq = typeset(r"\\frac{a}{b}", display=True, macros=page.document.macros)
    eq.ok, eq.width, eq.ascent, eq.depth     # em of the surrounding font size
    eq.svg("#222222"), eq.png("#222222", zoom=4), eq.omml(), eq.text

An expression that cannot be typeset (an unknown macro, unbalanced braces) gives an Equation with
`error` set: renderers then show its source in a monospace run and report the warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

# The parser, the typesetter and the linear reader are imported on first use: a page without math
# (and its loader, which reads front-matter macros) does not pay for them.
from cardgen.math.tex import (
    Macro,
    MacroError,
    citations_as_text,
    expand,
    macros_from_front_matter,
    normalise,
    only_definitions,
    parse_macros,
    strip_definitions,
)

if TYPE_CHECKING:
    from cardgen.math.linear import Linear
    from cardgen.math.svg import Drawing


@dataclass(frozen=True)
class Equation:
    source: str  # as the page wrote it (alt text, notes)
    display: bool
    tex: str = ""  # what was typeset: escapes undone, environments unwrapped, macros expanded
    mathml: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def drawing(self) -> Drawing:
        from cardgen.math.svg import draw

        return draw(self.mathml)

    @property
    def width(self) -> float:
        return self.drawing.width

    @property
    def ascent(self) -> float:
        return self.drawing.ascent

    @property
    def depth(self) -> float:
        return self.drawing.depth

    @property
    def height(self) -> float:
        return self.drawing.height

    def svg(self, colour: str = "#000000") -> str:
        return self.drawing.coloured(colour)

    def png(self, colour: str = "#000000", zoom: float = 4.0) -> bytes:
        from cardgen.math.raster import svg_to_png

        return svg_to_png(self.svg(colour), zoom)

    def omml(self) -> str:
        from cardgen.math.omml import to_omml

        return to_omml(self.mathml, display=self.display)

    @property
    def linear(self) -> Linear:
        from cardgen.math.linear import Linear, Segment

        return _linear(self.mathml) if self.ok else Linear((Segment(self.source),), False)

    @property
    def text(self) -> str:
        """Readable Unicode for places that only take plain text (card lines, titles, notes)."""
        return self.linear.text if self.ok else self.source


def typeset(source: str, *, display: bool, macros: Iterable[Macro] = ()) -> Equation:
    """The equation for `source`; never raises (see `Equation.error`). Drawing happens on first use."""
    return _typeset(source, display, tuple(macros))


@lru_cache(maxsize=8192)
def _typeset(source: str, display: bool, macros: tuple[Macro, ...]) -> Equation:
    from cardgen.math.mathml import MathSyntaxError, to_mathml

    try:
        tex = expand(strip_definitions(normalise(source)), macros)
    except MacroError as exc:
        return Equation(source, display, error=str(exc))
    if not tex.strip():
        return Equation(source, display, tex, error="empty formula")
    try:
        mathml = to_mathml(tex, display=display)
    except MathSyntaxError as exc:
        return Equation(source, display, tex, error=str(exc))
    equation = Equation(source, display, tex, mathml)
    return equation


def check_drawing(equation: Equation) -> Equation:
    """`equation`, or a copy with `error` set when ziamath cannot lay it out (done by renderers
    that draw; parsing only converts to MathML)."""
    if not equation.ok:
        return equation
    from cardgen.math.svg import DrawError, draw

    try:
        draw(equation.mathml)
    except DrawError as exc:
        return Equation(equation.source, equation.display, equation.tex, equation.mathml, error=str(exc))
    return equation


@lru_cache(maxsize=8192)
def _linear(mathml: str) -> Linear:
    from cardgen.math.linear import linearise

    return linearise(mathml)


def inline_formulas(runs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """{plain reading: tex} of the inline math runs whose reading is not exact (a subscript T has
    no Unicode character, so "ϕ_T" stands in for it): outputs that set plain text draw these typeset."""
    found: dict[str, str] = {}
    for run in runs:
        if getattr(run, "math", False) and run.tex and run.text and not typeset(run.tex, display=False).linear.exact_text:
            found[run.text] = run.tex
            found[run.text.replace("\u00a0", " ")] = run.tex  # the same reading after plain-text clean-up
    return found


def warning(equation: Equation) -> str:
    """The one-line warning for an equation that could not be typeset."""
    shown = " ".join(equation.source.split())
    if len(shown) > 80:
        shown = shown[:77] + "…"
    return f"math {shown!r}: {equation.error}; shown as LaTeX source"


__all__ = [
    "Equation",
    "Macro",
    "check_drawing",
    "inline_formulas",
    "citations_as_text",
    "macros_from_front_matter",
    "only_definitions",
    "parse_macros",
    "typeset",
    "warning",
]
