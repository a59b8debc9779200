"""Fit text into a box: the largest size that fits in at most N lines, down to a floor, then ellipsis.

Used by all three outputs (px for social images, pt for decks and cards). Renderers decide what to do
with a truncated result (a deck continues on another slide, a card warns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardgen.text.breaking import atoms, wrap_lines
from cardgen.text.fonts import missing_glyphs
from cardgen.text.measure import text_width
from cardgen.text.style import Box, TextStyle

ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedText:
    lines: tuple[str, ...]
    size: float
    line_height: float  # absolute: distance between baselines
    truncated: bool
    width: float  # widest line
    height: float  # len(lines) * line_height
    missing: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def measure(text: str, style: TextStyle, size: float) -> float:
    return text_width(text, size, family=style.family, bold=style.bold, italic=style.italic,
                      lang=style.lang, conservative=style.conservative)


def _fits(lines: list[str], box: Box, style: TextStyle, size: float) -> bool:
    if style.max_lines is not None and len(lines) > style.max_lines:
        return False
    if len(lines) * size * style.line_height > box.h + 1e-6:
        return False
    return all(measure(line, style, size) <= box.w + 1e-6 for line in lines)


def _has_broken_word(text: str, lines: list[str], lang: str | None = None) -> bool:
    """True when wrapping had to split a word or a CJK phrase: a line ends inside one of the text's
    atoms (`breaking.atoms`; a split Latin word carries an added hyphen, a split phrase nothing)."""
    return bool(_breaks_inside(text, lines, lang))


def _breaks_inside(text: str, lines: list[str] | tuple[str, ...], lang: str | None) -> int | None:
    """How many line ends of `lines` (a wrapping of `text`) fall inside an atom rather than between
    two; None when `lines` are not a wrapping of `text` (nothing can be said)."""
    bounds = {0}
    at = 0
    for atom in atoms(text, lang):
        at += len("".join(atom.split()))
        bounds.add(at)
    letters = "".join(text.split())
    inside = 0
    at = 0
    for line in lines[:-1]:
        piece = "".join(line.split())
        if letters.startswith(piece, at):
            at += len(piece)
        elif piece.endswith("-") and letters.startswith(piece[:-1], at):
            at += len(piece) - 1  # a hyphen the breaker added
        else:
            return None
        inside += at not in bounds
    return inside


def fit_text(text: str, box: Box, style: TextStyle) -> FittedText:
    """The largest size ≤ style.size at which `text` fits `box` (and max_lines); else truncated at min_size."""
    text = " ".join(str(text).split(" ")).strip()
    missing = tuple(missing_glyphs(text, style.family))
    if not text:
        return FittedText((), style.size, style.size * style.line_height, False, 0.0, 0.0, missing)
    size = float(style.size)
    floor = float(min(style.min_size, style.size))
    step = max(0.25, float(style.step))
    while True:
        lines = wrap_lines(text, box.w, style, size)
        if _fits(lines, box, style, size) and not (_has_broken_word(text, lines, style.lang) and size - step >= floor):
            if style.balance and len(lines) > 1:
                lines = balance_lines(text, lines, box.w, style, size)
            return _result(lines, size, style, False, missing)
        if size - step < floor - 1e-9:
            break
        size = max(floor, size - step)
    return _truncate(text, box, style, floor, missing)


def _truncate(text: str, box: Box, style: TextStyle, size: float, missing: tuple[str, ...]) -> FittedText:
    lines = wrap_lines(text, box.w, style, size)
    capacity = int((box.h + 1e-6) // (size * style.line_height))
    if style.max_lines is not None:
        capacity = min(capacity, style.max_lines)
    capacity = max(1, capacity)
    kept = lines[:capacity]
    kept[-1] = _with_ellipsis(kept[-1] if kept else "", box.w, style, size)
    return _result(kept, size, style, True, missing)


_TRAILING = " ,.;:、。，；：-–—(（[「『"


def _with_ellipsis(line: str, width: float, style: TextStyle, size: float) -> str:
    """`line` shortened by whole words (BudouX phrases in CJK) until it and an ellipsis fit `width`.

    Dropping the last word is what a reader expects ("…solving…", never "…solving proble…"); only a
    line that is a single word wider than the box is cut inside it.
    """
    pieces = list(atoms(line, style.lang))
    while pieces:
        candidate = "".join(pieces).rstrip(_TRAILING)
        if candidate and measure(candidate + ELLIPSIS, style, size) <= width:
            return candidate + ELLIPSIS
        if len(pieces) == 1:
            break
        pieces.pop()
    word = pieces[0] if pieces else line
    while word and measure(word.rstrip(_TRAILING) + ELLIPSIS, style, size) > width:
        word = word[:-1]
    return word.rstrip(_TRAILING) + ELLIPSIS


def _result(lines: list[str], size: float, style: TextStyle, truncated: bool, missing: tuple[str, ...]) -> FittedText:
    widths = [measure(line, style, size) for line in lines]
    lh = size * style.line_height
    return FittedText(tuple(lines), size, lh, truncated, max(widths, default=0.0), lh * len(lines), missing)


def balance_lines(text: str, lines: list[str], width: float, style: TextStyle, size: float) -> list[str]:
    """Narrowest wrap width that keeps the same number of lines: even lines, no lone last word."""
    target = len(lines)
    broken = _breaks_inside(text, lines, style.lang) or 0
    lo, hi = width * 0.4, width
    best = lines
    for _ in range(12):
        mid = (lo + hi) / 2
        candidate = wrap_lines(text, mid, style, size)
        # never narrower than a word or phrase the full width keeps whole ("セルフリオネッ" / "ト")
        inside = _breaks_inside(text, candidate, style.lang)
        if len(candidate) <= target and inside is not None and inside <= broken:
            best, hi = candidate, mid
        else:
            lo = mid
        if hi - lo < 1:
            break
    return best
