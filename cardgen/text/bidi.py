"""Bidirectional text: which parts of a line run right to left, and in which order they are drawn.

Lines are kept in logical (typed) order everywhere — breaking and fitting never see visual order —
and only the drawing step asks for `visual_runs`: the line's level runs (Unicode Bidirectional
Algorithm, UAX #9, as implemented by python-bidi) in left-to-right display order, each still in
logical order so that a shaper can shape it with its direction (HarfBuzz then mirrors brackets in
right-to-left runs and orders the glyphs).

Bracket pairs (N0), isolates (LRI, RLI, FSI, PDI), embeddings and overrides (LRE, RLE, LRO, RLO, PDF)
and marks (LRM, RLM, ALM) all steer the algorithm, and are then dropped: none is ever drawn. ZWJ and
ZWNJ are kept: they change Arabic joining and emoji sequences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Directional formatting characters, never drawn.
CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_STRONG_RTL = ("R", "AL")


@dataclass(frozen=True)
class Run:
    text: str  # logical order
    rtl: bool


_RTL_CLASSES = ("R", "AL", "RLE", "RLO", "RLI")
#: Every character of bidi class R, AL, RLE, RLO or RLI lies in these ranges (Hebrew to Arabic
#: Extended-A, the RTL mark and controls, the Hebrew and Arabic presentation forms, plane 1's
#: right-to-left scripts): `has_rtl` asks unicodedata only about the characters found here.
_MAYBE_RTL = re.compile(
    "[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def has_rtl(text: str) -> bool:
    """True when `text` holds a right-to-left letter or an RTL control (then it needs the algorithm)."""
    return any(unicodedata.bidirectional(m.group()) in _RTL_CLASSES for m in _MAYBE_RTL.finditer(text))


def base_rtl(text: str, default: bool = False) -> bool:
    """Paragraph direction by the first strong letter (UAX #9 P2–P3); `default` when there is none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _STRONG_RTL:
            return True
        if kind == "L":
            return False
    return default


def strip_controls(text: str) -> str:
    return "".join(ch for ch in text if ch not in CONTROLS)


def visual_runs(line: str, rtl: bool | None = None) -> tuple[Run, ...]:
    """The runs of one line, left to right as displayed. `rtl` sets the paragraph direction (None:
    from the text)."""
    if not has_rtl(line) and CONTROLS.isdisjoint(line):
        return (Run(line, False),) if line else ()
    return _visual_runs(line, base_rtl(line) if rtl is None else rtl)


@lru_cache(maxsize=4096)
def _visual_runs(line: str, rtl: bool) -> tuple[Run, ...]:
    chars = [(ch, level) for ch, level in zip(line, levels(line, rtl), strict=True) if ch not in CONTROLS]
    return _reorder(chars, 1 if rtl else 0)


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def levels(line: str, rtl: bool) -> list[int]:
    """The resolved embedding level of every character (UAX #9 through I2, bracket pairs and isolates
    included), from python-bidi's Rust core (the unicode-bidi crate).

    python-bidi exposes the levels only through its debug description of the crate's `BidiInfo`,
    indexed by UTF-8 byte: each character takes the level of its first byte."""
    from bidi import get_display

    info = str(get_display(line, base_dir="R" if rtl else "L", debug=True))
    start, end = info.find("levels: ["), info.find("paragraphs:")
    by_byte = [int(n) for n in _LEVEL.findall(info[start:end])] if start >= 0 else []
    size = len(line.encode("utf-8"))
    if len(by_byte) != size:
        raise RuntimeError(f"python-bidi gave {len(by_byte)} levels for {size} bytes (an unsupported version?)")
    out: list[int] = []
    offset = 0
    for ch in line:
        out.append(by_byte[offset])
        offset += len(ch.encode("utf-8"))
    return out


def _reorder(chars: list[tuple[str, int]], base: int) -> tuple[Run, ...]:
    """UAX #9 L1–L2 on level runs: trailing whitespace at the paragraph level, then reverse every
    sequence at each level from the highest down to the lowest odd one."""
    levels = [level for _, level in chars]
    i = len(chars)
    while i > 0 and chars[i - 1][0].isspace():  # L1: trailing whitespace takes the paragraph level
        i -= 1
        levels[i] = base
    runs: list[tuple[int, list[str]]] = []
    for (ch, _), level in zip(chars, levels, strict=True):
        if runs and runs[-1][0] == level:
            runs[-1][1].append(ch)
        else:
            runs.append((level, [ch]))
    if not runs:
        return ()
    order = list(range(len(runs)))
    highest = max(level for level, _ in runs)
    lowest_odd = min(level for level, _ in runs if level % 2) if any(level % 2 for level, _ in runs) else highest + 1
    for level in range(highest, lowest_odd - 1, -1):
        k = 0
        while k < len(order):
            if runs[order[k]][0] >= level:
                end = k
                while end < len(order) and runs[order[end]][0] >= level:
                    end += 1
                order[k:end] = reversed(order[k:end])
                k = end
            else:
                k += 1
    return tuple(Run("".join(runs[i][1]), runs[i][0] % 2 == 1) for i in order)
