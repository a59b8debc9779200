"""LaTeX → MathML with latex2mathml, checked: an unknown command or malformed output is an error
(latex2mathml passes unknown commands through as `<mi>\\foo</mi>` and can emit a bare `&`)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_UNKNOWN = re.compile(r"<(m[ionst]|mtext)\b[^>]*>\s*(\\[A-Za-z]+)")


class MathSyntaxError(ValueError):
    """LaTeX that cannot be typeset; the message names the offending command when known."""


def to_mathml(tex: str, *, display: bool) -> str:
    """A `<math>` element for `tex` (already normalised and expanded)."""
    from latex2mathml.converter import convert

    prepared = _prepare(tex)
    try:
        mml = convert(prepared, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises bare exceptions (StopIteration, its own errors)
        raise MathSyntaxError(_describe(exc)) from None
    unknown = _UNKNOWN.search(mml)
    if unknown:
        raise MathSyntaxError(f"unknown command {unknown.group(2)}")
    try:
        ET.fromstring(mml)
    except ET.ParseError:
        raise MathSyntaxError("the converter produced malformed MathML (unbalanced & or braces?)") from None
    return _finish(mml)


def _prepare(tex: str) -> str:
    """Work-arounds for latex2mathml, after ziamath's `tex2mml` (ziamath/tex.py)."""
    tex = tex.replace(r"\begin{aligned}", r"\begin{align*}").replace(r"\end{aligned}", r"\end{align*}")
    tex = tex.replace(r"\begin{gathered}", r"\begin{array}{c}").replace(r"\end{gathered}", r"\end{array}")
    tex = re.sub(r"\\mathrm\{", r"\\mathrm {", tex)  # latex2mathml needs a space after \mathrm
    tex = re.sub(r"\\binom\s*\{(.+?)\}\s*\{(.+?)\}", r"\\left( \1 \\atop \2 \\right)", tex)
    return tex


def _finish(mml: str) -> str:
    # \uparrow, \langle … are not stretchy in TeX (ziamath makes them stretch otherwise)
    mml = re.sub(r"<mi>&#x027E8;", r'<mi stretchy="false">&#x027E8;', mml)
    mml = re.sub(r"<mi>&#x027E9;", r'<mi stretchy="false">&#x027E9;', mml)
    mml = re.sub(r'<mo stretchy="false">&#x0005E;', r'<mo stretchy="false">&#710;', mml)
    mml = re.sub(r"<mo>&#x0005E;", r"<mo>&#x00302;", mml)
    mml = re.sub(r"<mo>&#x0007E;", r"<mo>&#x00303;", mml)
    # Large operators are "stretchy" in ziamath's operator table; inside a \left…\right row its
    # no-stretch measuring pass then gives them an empty box and the fences grow to ~1000 em.
    mml = _LARGE_OP.sub(lambda m: f'<mo stretchy="false"{m.group(1)}>{m.group(2)}</mo>', mml)
    mml = _UNARY.sub(r'\1<mo form="prefix">\3</mo>', mml)
    # `$速度$`: latex2mathml makes each letter an identifier; a word of a script without math letters
    # is text, set as one run (shaped, in its script's face: cardgen.math.fallback)
    mml = _SCRIPT_IDENTIFIERS.sub(lambda m: "<mtext>" + "".join(_SCRIPT_IDENTIFIER.findall(m.group(0))) + "</mtext>", mml)
    return re.sub(r'columnspacing="0em 2em"', r'columnspacing="0em 0.3em"', mml)


#: Letters of scripts math fonts have none of: Hebrew to Sinhala, Thai, Lao, Hangul, kana, Han.
_SCRIPT_LETTERS = "\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SCRIPT_IDENTIFIER = re.compile(rf"<mi>([{_SCRIPT_LETTERS}]+)</mi>")
_SCRIPT_IDENTIFIERS = re.compile(rf"(?:<mi>[{_SCRIPT_LETTERS}]+</mi>)+")
_LARGE_OPS = "∑∏∐∫∬∭∮∯∰⋃⋂⋁⋀⨀⨁⨂⨄⨆"
_LARGE_OP = re.compile(
    r"<mo((?:\s+(?!stretchy)[a-z]+=\"[^\"]*\")*)>((?:&#x0*(?:"
    + "|".join(f"{ord(c):X}" for c in _LARGE_OPS)
    + r");|[" + _LARGE_OPS + r"]))</mo>",
    re.I,
)


def _alternatives(chars: str) -> str:
    """A regex matching any of `chars` as latex2mathml writes it: the character or its hex entity."""
    return "|".join(sorted({re.escape(c) for c in chars} | {f"&#x0*{ord(c):X};" for c in chars}))


#: Relations and binary operators as MathML writes them (the linear reading spaces them too).
RELATIONS = frozenset("=<>≤≥≠≈≃≅≡∼~≪≫∝∈∉⊂⊆⊃⊇→←↦⇒⇔⟹⟺↔≔⟶∣")
BINARY = frozenset("+−±∓×·∘⊗⊕∪∩∧∨÷∗⋅*")

#: A sign after an opening fence, a relation, punctuation, another operator or a large operator set
#: without limits is a sign, not a subtraction (TeX makes such a binary atom ordinary): "exp[−βE]",
#: "= −Σ", "{−1, +1}" are set without the spaces around a binary minus (ziamath reads the form an
#: operator is given). latex2mathml writes some fences and operators (⟨, ⌈, ±) as identifiers.
_UNARY = re.compile(
    r"(<(mo|mi)(?:\s+[a-z]+=\"[^\"]*\")*>(?:"
    + _alternatives("([{⟨⌈⌊:,;" + "".join(sorted(RELATIONS | BINARY)) + _LARGE_OPS) + r")</\2>)"
    r"<mo>(" + _alternatives("−+") + r")</mo>",
    re.I,
)


def _describe(exc: Exception) -> str:
    name = type(exc).__name__
    words = {
        "ExtraLeftOrMissingRightError": r"a \left without its \right",
        "MissingSuperScriptOrSubscriptError": "a ^ or _ without its script",
        "DoubleSubscriptsError": "a double subscript",
        "DoubleSuperscriptsError": "a double superscript",
        "NoAvailableTokensError": "the expression ends too early",
        "StopIteration": "the expression ends too early",
        "MissingEndError": r"a \begin without its \end",
        "InvalidAlignmentError": "a misplaced &",
        "InvalidStyleForGenfracError": r"a bad \genfrac",
        "InvalidWidthError": "a bad width",
        "LimitsMustFollowMathOperatorError": r"\limits after something that is not an operator",
    }
    return words.get(name, f"{name} {exc}".strip())


__all__ = ["MATHML_NS", "MathSyntaxError", "to_mathml"]
