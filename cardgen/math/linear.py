"""MathML → linear Unicode text, for math inside running text.

Slides set inline math as styled runs (`Segment`s: italic letters, bold vectors, raised and lowered
scripts — what PowerPoint's superscript/subscript does), cards and social images as one string
with Unicode super/subscript letters (φ_T becomes φ_T only when no subscript T exists). `exact` says
whether the text shows the same thing as the typeset formula (a built-up fraction, a matrix or a
root of degree n does not linearise exactly).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from cardgen.math.mathml import BINARY, MATHML_NS, RELATIONS

_NS = "{" + MATHML_NS + "}"


@dataclass(frozen=True)
class Segment:
    text: str
    bold: bool = False
    italic: bool = False
    script: int = 0  # +1 superscript, -1 subscript


@dataclass(frozen=True)
class Linear:
    segments: tuple[Segment, ...]
    exact: bool

    @property
    def exact_text(self) -> bool:
        """Whether `text` reads exactly like the formula (every script had a Unicode form)."""
        return self.exact and not any(
            seg.script and any(ch not in (_SUPER if seg.script > 0 else _SUB) for ch in seg.text) for seg in self.segments
        )

    @property
    def text(self) -> str:
        """One string: scripts as Unicode super/subscript characters where every character has one."""
        out: list[str] = []
        for seg in self.segments:
            if seg.script == 0:
                out.append(seg.text)
                continue
            table = _SUPER if seg.script > 0 else _SUB
            mapped = "".join(table.get(ch, "") for ch in seg.text)
            if len(mapped) == len(seg.text):
                out.append(mapped)
            else:
                mark = "^" if seg.script > 0 else "_"
                body = seg.text if len(seg.text) == 1 else f"({seg.text})"
                out.append(mark + body)
        # A formula set in running text does not break inside (TeX breaks only after relations):
        # no-break spaces keep it on one line, so outputs that draw it typeset can find it whole.
        return "".join(out).replace(" ", "\u00a0")


_SUPER = dict(zip("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUPER.update(dict(zip("abcdefghijklmoprstuvwxyzABDEGHIJKLMNOPRTUVW", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True)))
_SUPER.update({"α": "ᵅ", "β": "ᵝ", "γ": "ᵞ", "δ": "ᵟ", "θ": "ᶿ", "φ": "ᵠ", "χ": "ᵡ", "*": "*", "′": "′",
               "″": "″", "†": "†", "∗": "*", "⊤": "ᵀ", " ": " ", ",": "˒", ".": "·"})
_SUB = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SUB.update({"β": "ᵦ", "γ": "ᵧ", "ρ": "ᵨ", "φ": "ᵩ", "χ": "ᵪ", " ": " ", ",": ","})

_SPACED = RELATIONS - {"∣"}
_BINARY = BINARY - {"*"}
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "\u0302": "\u0302", "~": "\u0303", "˜": "\u0303", "\u0303": "\u0303",
            "¯": "\u0304", "‾": "\u0305", "→": "\u20d7", "⃗": "\u20d7", "˙": "\u0307", "¨": "\u0308",
            ".": "\u0307", "ˇ": "\u030c", "˘": "\u0306", "´": "\u0301", "`": "\u0300", "˚": "\u030a"}
_ROOTS = {"3": "∛", "4": "∜"}
_BIG = set("∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂")


def linearise(mathml: str) -> Linear:
    root = ET.fromstring(mathml)
    walker = _Walker()
    walker.node(root, 0, False, False)
    return Linear(_merge(walker.out), walker.exact)


class _Walker:
    def __init__(self) -> None:
        self.out: list[Segment] = []
        self.exact = True
        self.pending_space = False

    def emit(self, text: str, script: int, bold: bool = False, italic: bool = False) -> None:
        if text and self.pending_space and script == 0:
            self.pending_space = False
            self.out.append(Segment(" "))
        if text:
            self.out.append(Segment(text, bold, italic, max(-1, min(1, script))))

    def node(self, el: ET.Element, script: int, bold: bool, italic: bool) -> None:
        tag = el.tag.replace(_NS, "")
        kids = list(el)
        variant = el.get("mathvariant", "")
        if "bold" in variant:
            bold = True
        if tag in ("mi", "mn", "mtext", "ms"):
            text = (el.text or "").replace("\u2061", "").replace("\u2062", "")
            if tag == "mtext":
                self.emit(text.replace("\u00a0", " "), script, bold)
                return
            styled_bold, styled_italic, plain_text = _unstyle(text)
            text = _variant(plain_text, variant)
            slant = tag == "mi" and len(plain_text) == 1 and variant in ("", "italic", "bold-italic") and plain_text.isalpha()
            slant = slant and not _is_upright(plain_text)
            if styled_italic is not None:  # 𝐱 (\mathbf) is upright, 𝒙 (\boldsymbol) and 𝑥 italic
                slant = styled_italic
            if tag == "mi" and len(plain_text) > 1 and plain_text.isalpha():
                text += "\u2009"  # a function name (dim, log) before its argument
            self.emit(text, script, bold or styled_bold, slant or (italic and tag == "mi"))
        elif tag == "mo":
            text = (el.text or "").replace("\u2061", "").replace("\u2062", "").replace("-", "−").replace("~", "∼")
            sign = el.get("form") == "prefix"  # a sign, not an operation (`mathml._UNARY`)
            if text in _SPACED and script == 0 or text in _BINARY and script == 0 and not sign and self.out \
                    and not self.out[-1].text.endswith(("(", "[", " ")):
                text = f" {text} "
            elif text == "," and script == 0:
                text = ", "
            self.emit(text, script)
        elif tag == "mspace":
            if el.get("linebreak") == "newline":
                self.emit("; ", script)
                self.exact = False
            elif _width_em(el.get("width", "")) >= 0.5:
                self.emit(" ", script)
        elif tag in ("msub", "msup", "msubsup"):
            if not kids:
                return
            self.node(kids[0], script, bold, italic)
            self.after_operator(kids[0], script)
            if tag == "msubsup" and len(kids) == 3:
                self.scripted(kids[1], -1, bold, italic, script)
                self.scripted(kids[2], 1, bold, italic, script)
            elif len(kids) > 1:
                self.scripted(kids[1], 1 if tag == "msup" else -1, bold, italic, script)
        elif tag in ("munder", "mover", "munderover"):
            self.limits(tag, kids, script, bold, italic, el)
        elif tag == "mfrac":
            self.fraction(kids, script, bold, italic, el)
        elif tag == "msqrt":
            self.emit("√", script)
            self.group(_row(kids), script, bold, italic)
        elif tag == "mroot":
            if len(kids) == 2:
                degree = "".join(kids[1].itertext()).strip()
                self.emit(_ROOTS.get(degree, "√"), script)
                if degree not in _ROOTS:
                    self.exact = False
                self.group(kids[0], script, bold, italic)
        elif tag == "mtable":
            self.exact = False
            rows = [r for r in kids if r.tag.replace(_NS, "") == "mtr"]
            for i, row in enumerate(rows):
                if i:
                    self.emit("; ", script)
                for j, cell in enumerate(row):
                    if j:
                        self.emit(" ", script)
                    self.node(cell, script, bold, italic)
        elif tag in ("mphantom", "annotation", "annotation-xml"):
            return
        elif tag == "semantics":
            if kids:
                self.node(kids[0], script, bold, italic)
        else:  # math, mrow, mstyle, mpadded, menclose, mtd, merror, mfenced …
            if tag == "menclose":
                self.exact = False
            for kid in kids:
                self.node(kid, script, bold, italic)

    def after_operator(self, base: ET.Element, script: int) -> None:
        """A big operator's scripts are followed by a space before its operand (∑ᵢ aᵢ)."""
        if script == 0 and base.tag.replace(_NS, "") == "mo" and (base.text or "").strip() in _BIG:
            self.pending_space = True

    def scripted(self, el: ET.Element, script: int, bold: bool, italic: bool, parent: int = 0) -> None:
        """A script of a script stays at its parent's level (slides have one level of raise)."""
        if parent:
            self.exact = False
            script = parent
        self.node(el, script, bold, italic)

    def group(self, el: ET.Element, script: int, bold: bool, italic: bool) -> None:
        """`el`, in parentheses when it is more than one symbol."""
        if _atoms(el) > 1:
            self.emit("(", script)
            self.node(el, script, bold, italic)
            self.emit(")", script)
        else:
            self.node(el, script, bold, italic)

    def fraction(self, kids: list[ET.Element], script: int, bold: bool, italic: bool, el: ET.Element) -> None:
        if len(kids) != 2:
            return
        if el.get("linethickness") in ("0", "0pt", "0em"):
            self.exact = False
        if script == 0 and _atoms(kids[0]) == 1 and _atoms(kids[1]) == 1:
            pass  # a/b is how inline TeX writes a simple fraction too
        else:
            self.exact = False
        self.group(kids[0], script, bold, italic)
        self.emit("/", script)
        self.group(kids[1], script, bold, italic)

    def limits(self, tag: str, kids: list[ET.Element], script: int, bold: bool, italic: bool, el: ET.Element) -> None:
        if not kids:
            return
        base = kids[0]
        if tag == "mover" and len(kids) == 2:
            mark = "".join(kids[1].itertext()).strip()
            accent = _ACCENTS.get(mark)
            if accent and _atoms(base) == 1:
                before = len(self.out)
                self.node(base, script, bold, italic)
                if len(self.out) > before:
                    last = self.out[-1]
                    self.out[-1] = Segment(last.text + accent, last.bold, last.italic, last.script)
                return
            if accent:
                self.exact = False
                self.node(base, script, bold, italic)
                return
        if tag == "munder" and len(kids) == 2 and "".join(kids[1].itertext()).strip() in ("_", "‾", "︸", "⏟"):
            self.node(base, script, bold, italic)
            return
        self.node(base, script, bold, italic)
        self.after_operator(base, script)
        if tag in ("munder", "munderover") and len(kids) > 1:
            self.scripted(kids[1], -1, bold, italic, script)
        if tag == "mover" and len(kids) > 1:
            self.scripted(kids[1], 1, bold, italic, script)
        if tag == "munderover" and len(kids) > 2:
            self.scripted(kids[2], 1, bold, italic, script)


def _row(kids: list[ET.Element]) -> ET.Element:
    if len(kids) == 1:
        return kids[0]
    row = ET.Element(_NS + "mrow")
    row.extend(kids)
    return row


def _atoms(el: ET.Element) -> int:
    """How many symbols `el` shows, roughly: a number or a letter with scripts is one."""
    tag = el.tag.replace(_NS, "")
    if tag in ("mi", "mn", "mtext"):
        return 1 if (el.text or "").strip() else 0
    if tag == "mo":
        return 2 if (el.text or "").strip() else 0
    if tag in ("msub", "msup", "msubsup", "mover", "munder", "msqrt"):
        return 1
    kids = list(el)
    return sum(_atoms(k) for k in kids) if kids else 0


def _width_em(width: str) -> float:
    m = re.match(r"([\d.]+)\s*(em|ex|pt|px)?", width or "")
    if not m:
        return 0.0
    value = float(m.group(1))
    return {"ex": value * 0.45, "pt": value / 10, "px": value / 10}.get(m.group(2) or "em", value)


_UPRIGHT_GREEK = set("ΓΔΘΛΞΠΣΥΦΨΩ")


def _is_upright(ch: str) -> bool:
    return ch in _UPRIGHT_GREEK or not ch.isascii() and not ("\u03b1" <= ch <= "\u03c9" or ch in "ϵϑϕϱϖ")


def _unstyle(text: str) -> tuple[bool, bool | None, str]:
    """Mathematical bold/italic letters (𝐱, 𝑥, 𝒙) → (bold, italic, the plain letters): runs carry the
    style, so the slide font draws them instead of a math font the viewer may lack. `italic` is None
    when no letter is styled (the usual rule applies: single letters slant)."""
    if not text or all(ord(ch) < 0x1D400 for ch in text):
        return False, None, text
    bold = False
    italic: bool | None = None
    out = []
    for ch in text:
        name = unicodedata.name(ch, "")
        m = re.match(r"MATHEMATICAL (BOLD |ITALIC |BOLD ITALIC )(SMALL|CAPITAL) (\w+)$", name)
        if m:
            bold = bold or "BOLD" in m.group(1)
            italic = bool(italic) or "ITALIC" in m.group(1)
            plain = _letter(m.group(2), m.group(3))
            out.append(plain or ch)
        else:
            out.append(ch)
    return bold, italic, "".join(out)


def _letter(case: str, name: str) -> str:
    try:
        if len(name) == 1:
            return unicodedata.lookup(f"LATIN {case} LETTER {name}")
        return unicodedata.lookup(f"GREEK {case} LETTER {name}")
    except KeyError:
        return ""


_VARIANT_NAMES = {"double-struck": "DOUBLE-STRUCK", "script": "SCRIPT", "fraktur": "FRAKTUR",
                  "bold-script": "BOLD SCRIPT", "sans-serif": "SANS-SERIF", "monospace": "MONOSPACE",
                  "bold-fraktur": "BOLD FRAKTUR"}


def _variant(text: str, variant: str) -> str:
    """Letters in a mathvariant that no run style gives (ℝ, 𝒫, 𝔤) as their Unicode characters."""
    name = _VARIANT_NAMES.get(variant)
    if not name:
        return text
    out = []
    for ch in text:
        if not ch.isascii() or not ch.isalnum():
            out.append(ch)
            continue
        kind = "DIGIT" if ch.isdigit() else ("CAPITAL" if ch.isupper() else "SMALL")
        label = unicodedata.name(ch).split()[-1]
        found = ch
        for candidate in (f"MATHEMATICAL {name} {kind} {label}", f"{name} {kind} {label}",
                          f"{name.replace('DOUBLE-STRUCK', 'DOUBLE-STRUCK ITALIC')} {kind} {label}"):
            try:
                found = unicodedata.lookup(candidate)
                break
            except KeyError:
                continue
        out.append(found)
    return "".join(out)


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for seg in segments:
        if out and (out[-1].bold, out[-1].italic, out[-1].script) == (seg.bold, seg.italic, seg.script):
            out[-1] = Segment(out[-1].text + seg.text, seg.bold, seg.italic, seg.script)
        else:
            out.append(seg)
    if out:
        out[0] = Segment(out[0].text.lstrip(), out[0].bold, out[0].italic, out[0].script)
        out[-1] = Segment(out[-1].text.rstrip(), out[-1].bold, out[-1].italic, out[-1].script)
    cleaned = []
    for index, seg in enumerate(out):
        text = re.sub(r" {2,}", " ", seg.text)
        text = re.sub("\u2009(?=[ (\\[{)\\],]|$)", "", text)
        if text.endswith("\u2009") and index + 1 < len(out) and out[index + 1].text[:1] in "([{ ),":
            text = text[:-1]
        if text:
            cleaned.append(Segment(text, seg.bold, seg.italic, seg.script))
    return tuple(cleaned)


__all__ = ["Linear", "Segment", "linearise"]
