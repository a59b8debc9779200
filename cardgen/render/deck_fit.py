"""Measuring slide text with the text engine, so nothing overflows when PowerPoint lays it out.

A slide body is a list of `TextItem`s (paragraphs, list items, code lines). Their height at a font
size is the sum of wrapped lines × exact line spacing + paragraph spacing, measured with the wider of
Noto Sans and DejaVu Sans (what a viewer without Noto falls back to) and a small width reserve.
`paginate()` picks the largest size that fits one box, or splits the items over several boxes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import cast

from cardgen.document import Inline, Run, plain
from cardgen.layouts.deck import TextRole
from cardgen.text.breaking import wrap_lines
from cardgen.text.fit import FittedText, fit_text
from cardgen.text.measure import text_width
from cardgen.text.plain import CJK_STOPS, SENTENCE_STOPS
from cardgen.text.style import Box, TextStyle

#: Text frame insets in pt (left, top, right, bottom): python-pptx/PowerPoint defaults, written out.
INSETS = (7.2, 3.6, 7.2, 3.6)
WIDTH_RESERVE = 0.96  # measure against 96 % of the box: bold words, kerning and renderer differences
LEVEL_INDENT = 26.0  # pt per list level
BULLET_INDENT = 20.0  # hanging indent of a bullet's text
NUMBER_INDENT = 32.0  # room for "10." before a numbered item's text
_SENTENCE_END = re.compile(rf"(?<=[{SENTENCE_STOPS}])\s+|(?<=[{CJK_STOPS}])")


@dataclass(frozen=True)
class TextItem:
    """One paragraph of a slide body."""

    runs: Inline
    level: int = 0
    bullet: str | None = None  # "•", "–", "☐"/"☑"; None for a plain paragraph
    number: int | None = None  # ordered list: the item's number
    role: str = "body"  # body | code | quote | callout | heading | caption | muted | math
    label: str = ""  # callouts: "Note", "Warning" … drawn bold before the text
    language: str | None = None  # code: the block's language (syntax colours)
    digits: int = 1  # ordered list: digits of its largest number, so every item's text lines up
    tex: str = ""  # math: the expanded LaTeX of a display formula (see `cardgen.render.deck_math`)
    source: str = ""  # math: the LaTeX as the page wrote it (the picture's alt text)

    @property
    def text(self) -> str:
        body = plain(self.runs)
        return f"{self.label}: {body}" if self.label else body

    def indent(self, size: float = 24.0) -> float:
        """Left margin of the text (pt): nesting, quote inset and the room for a bullet or number."""
        base = self.level * LEVEL_INDENT
        if self.role == "quote":
            base += 18.0
        return base + self.hanging(size)

    def hanging(self, size: float = 24.0) -> float:
        """Room for the bullet or the number ("12.") before the text, at font `size`."""
        if self.number is not None:
            digits = min(6, max(self.digits, len(str(self.number))))
            return max(NUMBER_INDENT, size * 0.62 * (digits + 1) + 6)
        return BULLET_INDENT if self.bullet else 0.0


@dataclass(frozen=True)
class Frame:
    """A text box in pt (the shape's outer size; insets are subtracted when measuring)."""

    w: float
    h: float

    @property
    def inner_w(self) -> float:
        return max(1.0, self.w - INSETS[0] - INSETS[2])

    @property
    def inner_h(self) -> float:
        return max(1.0, self.h - INSETS[1] - INSETS[3])


def fit_in(text: str, frame: Frame, size: float, min_size: float, *, max_lines: int | None = None,
           bold: bool = False, line_height: float = 1.2, lang: str | None = None,
           balance: bool = False) -> FittedText:
    """One text fitted into a deck box, measured like body text (conservative, with the width reserve)."""
    style = TextStyle(size=size, min_size=min_size, max_lines=max_lines, bold=bold, line_height=line_height,
                      conservative=True, lang=lang, balance=balance)
    return fit_text(text, Box(frame.inner_w * WIDTH_RESERVE, frame.inner_h), style)


def spacing_before(item: TextItem, previous: TextItem | None, size: float) -> float:
    if previous is None:
        return 0.0
    if item.role == "code" and previous.role == "code":
        return 0.0
    if item.level > 0 and previous.level < item.level:
        return size * 0.15
    if item.level > 0 or (item.bullet and previous.bullet):
        return size * 0.3
    return size * 0.55


@lru_cache(maxsize=20000)
def line_count(text: str, width: float, family: str | None, bold: bool, size: float, lang: str | None) -> int:
    style = TextStyle(family=family, size=size, bold=bold, conservative=True, lang=lang)
    return max(1, len(wrap_lines(text, width, style, size)))


def item_size(item: TextItem, size: float) -> float:
    """Muted lines (tags, markers) are set a size smaller than the body."""
    return size * 0.8 if item.role == "muted" else size


def indentation_width(text: str, size: float, family: str | None) -> float:
    """Width of a code line's leading spaces (tabs as four): the breaker strips them, the slide shows them."""
    body = text.lstrip(" \t")
    lead = text[: len(text) - len(body)].replace("\t", "    ")
    return text_width(lead, size, family=family, conservative=True) if lead else 0.0


def item_lines(item: TextItem, size: float, frame: Frame, lang: str | None, mono: str) -> int:
    width = (frame.inner_w - item.indent(size)) * WIDTH_RESERVE
    family = mono if item.role == "code" else None
    if item.role == "code":
        width -= indentation_width(item.text, size, family)
    bold = item.role == "heading" or _mostly_bold(item.runs)
    if item.role == "code":
        return line_count(item.text, max(10.0, width), family, bold, round(size, 2), lang)
    # a hard line break starts a line of its own
    return sum(line_count(part, max(10.0, width), family, bold, round(size, 2), lang) for part in item.text.split("\n"))


def unwrapped_size(lines: list[str], frame: Frame, mono: str, largest: float) -> float:
    """The largest size up to `largest` at which each line of a listing fits `frame`'s width on one
    line of the fixed-pitch face (a wrapped line breaks a listing's columns and drawn trees)."""
    widest = max((text_width(line, 1.0, family=mono) for line in lines), default=0.0)
    if widest <= 0:
        return largest
    return min(largest, math.floor(frame.inner_w * WIDTH_RESERVE / widest * 10) / 10)  # a tenth of a point down


def _mostly_bold(runs: Inline) -> bool:
    total = sum(len(r.text) for r in runs) or 1
    return sum(len(r.text) for r in runs if r.bold) / total > 0.3


def items_height(items: list[TextItem], size: float, role: TextRole, frame: Frame, lang: str | None,
                 mono: str) -> float:
    total = 0.0
    previous = None
    for item in items:
        s = item_size(item, size)
        total += spacing_before(item, previous, s)
        total += item_height(item, s, role, frame, lang, mono)
        previous = item
    return total


def item_height(item: TextItem, size: float, role: TextRole, frame: Frame, lang: str | None, mono: str) -> float:
    """Height (pt) of one item at `size`: its wrapped lines, or a display formula's box."""
    if item.role == "math":
        from cardgen.render.deck_math import math_height

        width = (frame.inner_w - item.indent(size)) * WIDTH_RESERVE
        return math_height(item.tex, size, width, role.line_height, frame.inner_h)
    return item_lines(item, size, frame, lang, mono) * size * role.line_height


def sizes_down(role: TextRole, floor: float | None = None) -> list[float]:
    top, bottom = role.size, max(role.min_size, floor or role.min_size)
    out, size = [], top
    while size >= bottom - 1e-9:
        out.append(round(size, 2))
        size -= 1.0 if size <= 20 else 2.0
    if not out or out[-1] > bottom:
        out.append(bottom)
    return out


def one_line_size(item: TextItem, role: TextRole, frame: Frame, lang: str | None, mono: str) -> float | None:
    """The largest size (down to the floor) at which `item` takes a single line of `frame`."""
    for size in sizes_down(role):
        if item_lines(item, item_size(item, size), frame, lang, mono) == 1:
            return size
    return None


def best_size(items: list[TextItem], role: TextRole, frame: Frame, lang: str | None, mono: str) -> float | None:
    """The largest size (down to the floor) at which `items` fit `frame`; None when none does."""
    for size in sizes_down(role):
        if items_height(items, size, role, frame, lang, mono) <= frame.inner_h:
            return size
    return None


def paginate(items: list[TextItem], role: TextRole, frame: Frame, lang: str | None, mono: str,
             first_frame: Frame | None = None) -> list[tuple[list[TextItem], float]]:
    """Split `items` into chunks that each fit (first chunk in `first_frame` when given), with sizes.

    Items are packed at a size between the preferred and the minimum, so continuation slides stay
    readable; an item taller than a whole box is split at a sentence or word boundary.
    """
    if not items:
        return []
    box = first_frame or frame
    size = best_size(items, role, box, lang, mono)
    if size is not None:
        return [(items, size)]
    pack = max(role.min_size, round((role.size + role.min_size) / 2))
    chunks = _pack(items, pack, role, frame, first_frame, lang, mono)
    if len(chunks) > 1:
        chunks = _balanced(items, chunks, pack, role, frame, first_frame, lang, mono)
    result = []
    for index, chunk in enumerate(chunks):
        target = (first_frame or frame) if index == 0 else frame
        result.append((chunk, best_size(chunk, role, target, lang, mono) or role.min_size))
    return result


def _pack(items: list[TextItem], pack: float, role: TextRole, frame: Frame, first_frame: Frame | None,
          lang: str | None, mono: str) -> list[list[TextItem]]:
    """Greedy packing at `pack` pt: each box as full as it goes, long paragraphs split at sentences
    (one with no sentence end near the cut, which fits a box alone, starts the next box instead)."""
    box = first_frame or frame
    chunks: list[list[TextItem]] = []
    current: list[TextItem] = []
    queue = list(items)
    while queue:
        item = queue.pop(0)
        trial = current + [item]
        if items_height(trial, pack, role, box, lang, mono) <= box.inner_h:
            if item.role == "heading" and current and queue and \
                    not _starts_after(trial, queue[0], pack, role, box, lang, mono):
                chunks.append(current)  # a heading goes with its text: to the next box
                current, box = [], frame
                queue.insert(0, item)
                continue
            current = trial
            continue
        if item.role == "code" and current and current[-1].role == "code":
            # A code block on a text slide is one item per line: it goes to the next slide whole
            # rather than leaving part of it behind (it is short: longer ones get their own slides).
            start = len(current)
            while start > 0 and current[start - 1].role == "code":
                start -= 1
            end = 0
            while end < len(queue) and queue[end].role == "code":
                end += 1
            block = current[start:] + [item] + queue[:end]
            if start > 0 and items_height(block, pack, role, frame, lang, mono) <= frame.inner_h:
                chunks.append(current[:start])
                queue[0:0] = current[start:] + [item]
                current, box = [], frame
                continue
        if current and not _worth_splitting(item, current, pack, role, box, lang, mono):
            chunks.append(current)
            current, box = [], frame
            queue.insert(0, item)
            continue
        room = box.inner_h - (items_height(current, pack, role, box, lang, mono) if current else 0.0)
        head, tail = split_item(item, pack, role, box, lang, mono, room - (pack * 0.55 if current else 0.0))
        if head is not None and tail is None:  # it fits after all (measurement rounding)
            chunks.append(current + [head])
            current, box = [], frame
            continue
        if current and tail is not None and not _ends_sentence(head) and \
                items_height([item], pack, role, frame, lang, mono) <= frame.inner_h:
            # No sentence ends near the bottom: a cut here would leave a sentence hanging across two
            # slides; the paragraph fits a slide of its own, so it starts the next one whole.
            chunks.append(current)
            current, box = [], frame
            queue.insert(0, item)
            continue
        if head is None:
            if not current:  # not even one line fits: place it anyway at the floor and move on
                chunks.append([item])
                box = frame
                continue
            chunks.append(current)
            current, box = [], frame
            queue.insert(0, item)
            continue
        chunks.append(current + [head])
        current, box = [], frame
        queue.insert(0, cast(TextItem, tail))  # head and tail: both set here
    if current:
        chunks.append(current)
    return _lead_ins_kept(chunks, pack, role, frame, lang, mono)


def _lead_ins_kept(chunks: list[list[TextItem]], pack: float, role: TextRole, frame: Frame, lang: str | None,
                   mono: str) -> list[list[TextItem]]:
    """A paragraph that introduces what follows ("The steps are:") is not left at the bottom of a slide
    whose next one starts with what it introduces (a list, code, a formula, a heading that moved
    there to stay with its text): it moves over when it fits there."""
    for i in range(len(chunks) - 1):
        here, there = chunks[i], chunks[i + 1]
        introduced = there and (there[0].bullet or there[0].number is not None or
                                there[0].role in ("code", "math", "heading"))
        if len(here) > 1 and introduced and _leads_in(here[-1]) and \
                items_height([here[-1], *there], pack, role, frame, lang, mono) <= frame.inner_h:
            chunks[i], chunks[i + 1] = here[:-1], [here[-1], *there]
    return chunks


def _starts_after(items: list[TextItem], following: TextItem, pack: float, role: TextRole, box: Frame,
                  lang: str | None, mono: str) -> bool:
    """Whether `following` starts in the box after `items` (which end with a heading): all of it, or
    at least two lines of a paragraph that can be split."""
    if items_height([*items, following], pack, role, box, lang, mono) <= box.inner_h:
        return True
    two_lines = 2 * pack * role.line_height + pack * 0.55  # and the space before the paragraph
    splits = following.role in ("body", "quote") and following.bullet is None and following.number is None
    return splits and items_height(items, pack, role, box, lang, mono) + two_lines <= box.inner_h


def _leads_in(item: TextItem) -> bool:
    return item.role == "body" and item.bullet is None and item.number is None and \
        bool(_LEAD_IN.search(plain(item.runs)))


_LEAD_IN = re.compile(r"[:：]\s*$")


# Continuation slides share their section's text evenly: the greedy pass fills every box and leaves the
# remainder (often two lines) to the last one. Packing again into shorter boxes — the average fill plus a
# little slack — keeps the same number of slides with none near empty next to a full one.
BALANCE_SLACK = (1.04, 1.12, 1.25)


def _balanced(items: list[TextItem], chunks: list[list[TextItem]], pack: float, role: TextRole, frame: Frame,
              first_frame: Frame | None, lang: str | None, mono: str) -> list[list[TextItem]]:
    boxes = [(first_frame or frame) if i == 0 else frame for i in range(len(chunks))]
    fills = [items_height(c, pack, role, b, lang, mono) / b.inner_h for c, b in zip(chunks, boxes, strict=True)]
    average = sum(fills) / len(fills)
    for slack in BALANCE_SLACK:
        share = average * slack
        if share >= 0.98:
            break
        trial = _pack(items, pack, role, _shortened(frame, share), first_frame and _shortened(first_frame, share),
                      lang, mono)
        if len(trial) == len(chunks):
            return trial
    return chunks


def _shortened(frame: Frame, share: float) -> Frame:
    """`frame` with its text height cut to `share` of what it holds (width unchanged)."""
    return Frame(frame.w, frame.h - frame.inner_h * (1 - share))


def _worth_splitting(item: TextItem, current: list[TextItem], size: float, role: TextRole, frame: Frame,
                     lang: str | None, mono: str) -> bool:
    """Split a paragraph across slides only when it is long; short items move to the next slide whole."""
    return item_lines(item, size, frame, lang, mono) > 4 and item.role in ("body", "quote", "code")


def split_item(item: TextItem, size: float, role: TextRole, frame: Frame, lang: str | None, mono: str,
               room: float) -> tuple[TextItem | None, TextItem | None]:
    """(head that fits `room`, the rest), cut at a sentence end when one is near, else at a space."""
    line = size * role.line_height
    fit_lines = int(room // line)
    if fit_lines < 2:
        return None, None
    text = plain(item.runs)
    width = (frame.inner_w - item.indent(size)) * WIDTH_RESERVE
    style = TextStyle(family=mono if item.role == "code" else None, size=size, conservative=True, lang=lang)
    lines = [line for part in text.split("\n") for line in wrap_lines(part, width, style, size) or [""]]
    if len(lines) <= fit_lines:
        return item, None
    approx = sum(len(x) + 1 for x in lines[:fit_lines])
    cut = _cut_point(text, min(approx, len(text)))
    if cut <= 0 or cut >= len(text):
        return None, None
    head_runs, tail_runs = slice_runs(item.runs, 0, cut), slice_runs(item.runs, cut, len(text))
    tail_runs = _lstrip_runs(tail_runs)
    return replace(item, runs=head_runs), replace(item, runs=tail_runs, label="")


def _ends_sentence(item: TextItem | None) -> bool:
    return item is not None and bool(_ENDS_SENTENCE.search(plain(item.runs)))


_ENDS_SENTENCE = re.compile(rf"[{SENTENCE_STOPS}{CJK_STOPS}…][\"'”’»)\]]*\s*$")


def _cut_point(text: str, limit: int) -> int:
    window = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] > limit * 0.5:
        return ends[-1]
    space = window.rfind(" ")
    if space > limit * 0.5:
        return space + 1
    return max(1, limit - 1)


def slice_runs(runs: Inline, start: int, end: int) -> Inline:
    out: list[Run] = []
    pos = 0
    for run in runs:
        lo, hi = pos, pos + len(run.text)
        pos = hi
        a, b = max(lo, start), min(hi, end)
        if a < b:
            out.append(replace(run, text=run.text[a - lo:b - lo]))
    return tuple(out)


def _lstrip_runs(runs: Inline) -> Inline:
    out = list(runs)
    while out and not out[0].text.strip():
        out.pop(0)
    if out:
        out[0] = replace(out[0], text=out[0].text.lstrip())
    return tuple(out)


def first_sentences(text: str, limit: int) -> str:
    """Leading whole sentences of `text` within `limit` characters (at least the first sentence)."""
    parts = [p for p in _SENTENCE_END.split(text) if p]
    out = ""
    for part in parts:
        candidate = (out + " " + part).strip() if out and not out.endswith(("。", "！", "？")) else out + part
        if out and len(candidate) > limit:
            break
        out = candidate
    return out.strip()
