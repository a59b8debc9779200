"""MathML → SVG paths with ziamath and its bundled STIX Two Math font (OFL), plus the box metrics
that let a layout set the formula like text: width, ascent above the baseline, depth below it."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Size (px = pt in the SVG's user units) equations are drawn at; they scale as vectors from there.
DRAW_SIZE = 20.0
MAX_EM = 60.0  # taller than this is a layout failure, not a formula
_VIEWBOX = re.compile(r'viewBox="([-\d.e]+) ([-\d.e]+) ([-\d.e]+) ([-\d.e]+)"')


@dataclass(frozen=True)
class Drawing:
    """A typeset formula: SVG (black) and its box in em of the font size it was drawn at."""

    svg: str
    width: float  # em
    ascent: float  # em above the baseline
    depth: float  # em below the baseline

    @property
    def height(self) -> float:
        return self.ascent + self.depth

    def coloured(self, colour: str) -> str:
        """The SVG with its ink in `colour` (#rrggbb)."""
        return self.svg.replace('fill="black"', f'fill="{colour}"').replace('stroke="black"', f'stroke="{colour}"')


class DrawError(ValueError):
    """ziamath could not lay out the MathML."""


@lru_cache(maxsize=1)
def _ziamath() -> Any:  # imported on first use: it loads a 1.5 MB font
    with warnings.catch_warnings():  # its font lookup uses a deprecated importlib.resources call
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    config = ziamath.config  # type: ignore[attr-defined]
    config.svg2 = False  # plain <path>s, no <symbol>/<use>: fpdf2 and every viewer draw them
    config.precision = 2
    _skip_needless_prepass()
    _shallow_style_copies()
    from cardgen.math.fallback import install

    install()  # text in scripts the math font lacks: the bundled faces' outlines
    return ziamath


def _shallow_style_copies() -> None:
    """ziamath reads a parent's style through `dataclasses.asdict`, a deep copy made for every node
    and only ever read: a shallow field dict gives the same values at a fraction of the cost."""
    import dataclasses

    from ziamath import styles

    names: dict[type, tuple[str, ...]] = {}

    def shallow(obj):  # type: ignore[no-untyped-def]
        cls = type(obj)
        if cls not in names:
            names[cls] = tuple(f.name for f in dataclasses.fields(obj))
        return {name: getattr(obj, name) for name in names[cls]}

    styles.asdict = shallow  # type: ignore[attr-defined,assignment]


def _skip_needless_prepass() -> None:
    """ziamath lays out every row twice (once to learn how tall its stretchy fences must be), and
    rows inside rows again at each level, which grows exponentially with nesting. The first pass
    only matters when the row holds a stretchy operator somewhere below it; without one its result
    is never read, so it is skipped (same drawing, measured on the corpus: 3-10x faster)."""
    from ziamath import operators
    from ziamath.nodes.mrow import Mrow

    original = Mrow._get_height_nostretch
    if getattr(original, "_cardgen", False):
        return

    def stretchy_mo(node) -> bool:  # type: ignore[no-untyped-def]
        if node.get("stretchy", "") == "true" or node.get("minsize") or node.get("maxsize"):
            return True
        if node.get("stretchy", "") == "false":
            return False
        return stretchy_by_default("".join(node.itertext()), node.get("form", "infix"))

    @lru_cache(maxsize=4096)
    def stretchy_by_default(text: str, form: str) -> bool:
        """The operator dictionary's word (a ChainMap searched up to four times per question)."""
        return bool(operators.get_params(text, form).get("stretchy", "false") != "false")

    def stretchy(element) -> bool:  # type: ignore[no-untyped-def]
        """A stretchy operator that would read this row's heights: one not inside a nested row (a
        nested row measures its own, and passes those down instead)."""
        if element.tag == "mo":
            return stretchy_mo(element)
        if element.tag not in _NOT_ROWS:
            return False
        return any(stretchy(child) for child in element)

    def get_height(self, line, **kwargs):  # type: ignore[no-untyped-def]
        if any(stretchy(child) for child in line):
            return original(self, line, **kwargs)
        return 0.0, 0.0

    get_height._cardgen = True  # type: ignore[attr-defined]
    Mrow._get_height_nostretch = get_height  # type: ignore[method-assign]


#: ziamath node kinds that are not rows (everything else, including unknown tags, is laid out as an
#: `Mrow`, which measures its own stretchy operators).
_NOT_ROWS = frozenset({"mi", "mn", "mo", "mtext", "ms", "mspace", "msub", "msup", "msubsup", "mmultiscripts",
                       "munder", "mover", "munderover", "mfrac", "mroot", "msqrt", "mtable", "menclose",
                       "mfenced", "semantics"})


#: Rows with stretchy fences nested deeper than this would take ziamath seconds to minutes (each
#: level lays out its contents twice); such a formula is refused rather than left to hang a build.
MAX_FENCE_DEPTH = 9


def _fence_depth(mathml: str) -> int:
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/1998/Math/MathML}"

    def local(el: ET.Element) -> str:
        return str(el.tag).replace(ns, "")

    def fence(el: ET.Element) -> bool:
        return local(el) == "mo" and (el.get("stretchy") == "true" or el.get("fence") == "true")

    def depth(el: ET.Element, level: int) -> int:
        if level > 200:
            return level
        own = 1 if any(fence(child) for child in el) else 0
        return own + max((depth(child, level + own) for child in el), default=0)

    return depth(ET.fromstring(mathml), 0)


@lru_cache(maxsize=4096)
def draw(mathml: str) -> Drawing:
    if _fence_depth(mathml) > MAX_FENCE_DEPTH:
        raise DrawError(f"fences nest more than {MAX_FENCE_DEPTH} deep (too slow to lay out)")
    zm = _ziamath()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            svg = zm.Math(mathml, size=DRAW_SIZE, margin=0).svg()
    except Exception as exc:  # ziamath raises whatever its node code hits
        raise DrawError(f"{type(exc).__name__}: {exc}") from None
    m = _VIEWBOX.search(svg)
    if m is None:
        raise DrawError("no viewBox in the drawing")
    _, y, w, h = (float(v) for v in m.groups())
    if w <= 0 or h <= 0:
        raise DrawError("the formula draws nothing")
    ascent = -y
    if h / DRAW_SIZE > MAX_EM:
        raise DrawError(f"the layout came out {h / DRAW_SIZE:.0f} em tall")
    return Drawing(svg, w / DRAW_SIZE, ascent / DRAW_SIZE, (h - ascent) / DRAW_SIZE)


__all__ = ["DRAW_SIZE", "DrawError", "Drawing", "draw"]
