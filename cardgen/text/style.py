"""What fitting is asked for: the box and the type style (shared by `breaking` and `fit`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    w: float
    h: float


@dataclass(frozen=True)
class TextStyle:
    family: str | None = None
    size: float = 24
    min_size: float = 12
    max_lines: int | None = None
    bold: bool = False
    italic: bool = False
    line_height: float = 1.2  # multiple of the font size
    balance: bool = False  # even line lengths (no orphan word on the last line)
    conservative: bool = False  # measure with the wider of Noto Sans and DejaVu Sans (decks)
    lang: str | None = None
    step: float = 1.0  # size decrement while shrinking
