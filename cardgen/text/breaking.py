"""Line breaking: spaces for Latin (and Korean), BudouX phrases for Japanese, Chinese and Thai (which
writes no spaces between words), kinsoku rules; never inside a grapheme cluster (a base with its marks,
an emoji ZWJ sequence).

Text is cut into *atoms* that must not be split (a word with its trailing space, or a CJK phrase), then
laid out greedily. A single atom wider than the line is split by characters (with a hyphen for Latin
words) — the only case where a word is broken.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from cardgen.text.line import SimpleFace, simple_face
from cardgen.text.measure import conservative_faces, text_width
from cardgen.text.style import TextStyle

#: Characters that must not start a line (closing brackets, small kana, prolonged sound mark, punctuation).
NO_START = set(
    "、。，．・：；？！゛゜ヽヾゝゞ々〻ー―‐〜～…‥)）]］}｝〕〉》」』】〙〗〟’”»›"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ,.:;?!%％"
)
#: Characters that must not end a line (opening brackets and quotes).
NO_END = set("(（[［{｛〔〈《「『【〘〖〝‘“«‹")

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u31f0-\u31ff]")
#: No-break spaces (U+00A0, figure space, narrow no-break space) join what they separate: a formula's
#: reading ("X = [x₁, …]"), French "mot :", "10 km". Python's `\s` counts them as spaces.
_NO_BREAK = "\u00a0\u2007\u202f"
_ATOMS = re.compile(rf"(?:[^\s]|[{_NO_BREAK}])+[^\S{_NO_BREAK}]*|[^\S{_NO_BREAK}]+")


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


@lru_cache(maxsize=4)
def _budoux(lang: str) -> Any:  # budoux.Parser
    import budoux

    if lang.startswith("zh"):
        if lang in ("zh-tw", "zh-hant", "zh-hk", "zh-mo"):
            return budoux.load_default_traditional_chinese_parser()
        return budoux.load_default_simplified_chinese_parser()
    return budoux.load_default_japanese_parser()


def _cjk_lang(text: str, lang: str | None) -> str:
    code = (lang or "").lower().replace("_", "-")
    if code.startswith("zh"):
        return code
    if code == "ja" or re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    return "zh-hans" if code.startswith("zh") or not code else "ja"


@lru_cache(maxsize=4096)
def atoms(text: str, lang: str | None = None) -> tuple[str, ...]:
    """Unbreakable pieces of one paragraph, in order; joining them gives back `text`."""
    pieces: list[str] = []
    for word in _ATOMS.findall(text):
        if _THAI.search(word):
            pieces.extend(_split_thai_word(word))
        elif not any(is_cjk(ch) for ch in word):
            pieces.append(word)
        else:
            pieces.extend(_split_cjk_word(word, lang))
    return tuple(_kinsoku(pieces))


_THAI = re.compile(r"[\u0e00-\u0e7f]")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+|[^\u0e00-\u0e7f]+")


def _split_thai_word(word: str) -> list[str]:
    """Thai between spaces: BudouX's Thai phrases (its model ships with budoux); other parts whole."""
    parser = _thai_parser()
    parts: list[str] = []
    for run in _THAI_RUN.findall(word):
        if _THAI.match(run):
            parts.extend(p for p in parser.parse(run) if p)
        elif parts and run.isspace():
            parts[-1] += run
        else:
            parts.append(run)
    return parts


@lru_cache(maxsize=1)
def _thai_parser() -> Any:  # budoux.Parser
    import budoux

    return budoux.load_default_thai_parser()


def _split_cjk_word(word: str, lang: str | None) -> list[str]:
    """A space-free stretch containing CJK: BudouX phrases; Latin parts inside stay whole."""
    parts: list[str] = []
    for run in re.findall(r"[A-Za-z0-9\u00c0-\u024f'’\-_.@/#+]+|[^A-Za-z0-9\u00c0-\u024f'’\-_.@/#+]+", word):
        if any(is_cjk(ch) for ch in run):
            for phrase in _budoux(_cjk_lang(run, lang)).parse(run):
                # the katakana middle dot separates words as a space does ("シミュレーション・チーム")
                parts.extend(p for p in _AFTER_MIDDLE_DOT.split(phrase) if p)
        else:
            parts.append(run)
    return parts


_AFTER_MIDDLE_DOT = re.compile(r"(?<=[\u30fb\uff65])(?=.)")


def _kinsoku(pieces: list[str]) -> list[str]:
    """Move characters that may not start a line to the end of the previous piece, and opening
    brackets that may not end a line to the start of the next."""
    out: list[str] = []
    for piece in pieces:
        while out and piece and piece[0] in NO_START:
            out[-1] += piece[0]
            piece = piece[1:]
        if not piece:
            continue
        out.append(piece)
    fixed: list[str] = []
    carry = ""
    for piece in out:
        piece = carry + piece
        carry = ""
        stripped = piece.rstrip()
        while stripped and stripped[-1] in NO_END and len(stripped) > 1:
            carry = stripped[-1] + carry
            stripped = stripped[:-1]
            piece = stripped
        fixed.append(piece)
    if carry:
        fixed.append(carry)
    return [p for p in fixed if p]


def _measure(text: str, style: TextStyle, size: float) -> float:
    return text_width(text, size, family=style.family, bold=style.bold, italic=style.italic,
                      lang=style.lang, conservative=style.conservative)


def wrap_lines(text: str, width: float, style: TextStyle, size: float) -> list[str]:
    """Lines of `text` no wider than `width` at `size` (explicit newlines kept)."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        lines.extend(_wrap_paragraph(paragraph.strip(), width, style, size))
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _wrap_paragraph(paragraph: str, width: float, style: TextStyle, size: float) -> list[str]:
    if not paragraph:
        return [""]
    faces = _simple_faces(paragraph, style)
    if faces is not None:
        try:
            return _wrap_simple(atoms(paragraph, style.lang), width, style, size, faces)
        except KeyError:  # a hyphen added by a word split that a face lacks: measure the general way
            pass
    return _wrap_measured(atoms(paragraph, style.lang), width, style, size)


def _wrap_measured(pieces: tuple[str, ...], width: float, style: TextStyle, size: float) -> list[str]:
    """Greedy breaking of text that is measured by laying it out (fallback fonts, bidi, shaping).

    The line takes atoms while the whole line, laid out, still fits. Measuring every candidate line
    would cost O(n²) layouts for a paragraph; instead the atoms' own widths, added up, estimate
    where the line ends, and whole-line measurements step from that guess to the last atom that
    fits (a line's width grows with its atoms, so this is where a candidate-by-candidate breaker
    stops): two or three layouts per line."""
    heads = [_measure(atom.rstrip(), style, size) for atom in pieces]
    # Only the estimate uses these: an atom's trailing space measured on its own is close enough.
    fulls = [head + (_measure(atom[len(atom.rstrip()):], style, size) if atom[-1:].isspace() else 0.0)
             for head, atom in zip(heads, pieces, strict=True)]
    lines: list[str] = []
    current = ""
    k = 0
    while k < len(pieces):
        def fits(m: int, start: int = k, head: str = current) -> bool:
            return _measure((head + "".join(pieces[start:start + m])).rstrip(), style, size) <= width

        guess, used = 0, _measure(current, style, size) if current else 0.0
        while k + guess < len(pieces) and used + heads[k + guess] <= width:
            used += fulls[k + guess]
            guess += 1
        if not guess or fits(guess):
            while k + guess < len(pieces) and fits(guess + 1):
                guess += 1
        else:
            while guess > 0 and not fits(guess):
                guess -= 1
        if guess:
            current += "".join(pieces[k:k + guess])
            k += guess
            continue
        atom = pieces[k]  # does not fit on the open line
        k += 1
        if current.strip():
            lines.append(current.rstrip())
            current = ""
        if heads[k - 1] <= width:
            current = atom.lstrip()
            continue
        # A single atom wider than the line: split it by characters.
        split = _split_long(atom.rstrip(), width, style, size)
        lines.extend(split[:-1])
        current = split[-1] + (" " if atom.endswith(" ") else "")
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _simple_faces(paragraph: str, style: TextStyle) -> tuple[SimpleFace, ...] | None:
    """The faces whose advances add up to the width of any part of `paragraph` (see `SimpleFace`), or
    None when the paragraph needs fallback fonts, bidi or shaping."""
    faces = (conservative_faces(style.family, style.bold, style.italic) if style.conservative
             else (simple_face(style.family, style.bold, style.italic),))
    return faces if all(face.covers(paragraph) for face in faces) else None


def _wrap_simple(pieces: tuple[str, ...], width: float, style: TextStyle, size: float,
                 faces: tuple[SimpleFace, ...]) -> list[str]:
    """`_wrap_paragraph` for simple text: the width of a line grows by the width of each atom, so
    every candidate is measured by adding one atom's advances instead of re-measuring the line (the
    same sums, in font units, so the same breaks)."""

    def units(text: str) -> list[int]:
        return [face.width_units(text) for face in faces]

    def fits(total: list[int]) -> bool:
        return max(u / face.units_per_em for u, face in zip(total, faces, strict=True)) * size <= width

    lines: list[str] = []
    current = ""
    current_units = [0] * len(faces)
    for atom in pieces:
        head = atom.rstrip()
        head_units = units(head)
        candidate = ([c + h for c, h in zip(current_units, head_units, strict=True)] if head
                     else units(current.rstrip()))  # (current + atom).rstrip()
        if fits(candidate):
            current += atom
            current_units = [c + a for c, a in zip(current_units, units(atom), strict=True)]
            continue
        if current.strip():
            lines.append(current.rstrip())
            current = ""
        if fits(head_units):
            current = atom.lstrip()
            current_units = units(current)
            continue
        split = _split_long(head, width, style, size)
        lines.extend(split[:-1])
        current = split[-1] + (" " if atom.endswith(" ") else "")
        current_units = units(current)
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return "katakana"
    if 0x3040 <= code <= 0x309F:
        return "hiragana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    return "other"


def _nicer_cjk_cut(text: str, cut: int) -> int:
    """Within a phrase too long for a line, prefer cutting after "・" or where the script changes."""
    for i in range(cut, max(1, cut // 2) - 1, -1):
        if text[i - 1] in "・、，":
            return i
        if i < len(text) and _script(text[i - 1]) != _script(text[i]) and text[i] not in NO_START:
            return i
    return cut


def cluster_start(text: str, cut: int) -> int:
    """The nearest cut at or before `cut` that does not split a grapheme cluster: not before a
    combining mark, a joiner or a variation selector, not after a ZWJ or a virama (which binds an Indic
    conjunct), 1 at least."""
    import unicodedata

    while cut > 1 and cut < len(text) and (
        unicodedata.category(text[cut])[0] == "M" or text[cut] in "\u200d\u200c\ufe0f\ufe0e"
        or text[cut - 1] == "\u200d" or unicodedata.combining(text[cut - 1]) == 9
        or 0x1F3FB <= ord(text[cut]) <= 0x1F3FF
    ):
        cut -= 1
    return cut


def _split_long(word: str, width: float, style: TextStyle, size: float) -> list[str]:
    latin = not any(is_cjk(ch) for ch in word)
    hyphen = "-" if latin else ""
    pieces: list[str] = []
    rest = word
    while rest:
        # Measure only a window about one line long (doubled until it overflows), never the whole
        # rest: a 20 000-character word costs O(n log line) instead of O(n²).
        window = 16
        while window < len(rest) and _measure(rest[:window], style, size) <= width:
            window *= 2
        if window >= len(rest) and _measure(rest, style, size) <= width:
            pieces.append(rest)
            break
        lo, hi = 1, min(window, len(rest) - 1)  # largest cut whose head (+ hyphen) fits: widths grow with the cut
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _measure(rest[:mid] + hyphen, style, size) <= width:
                lo = mid
            else:
                hi = mid - 1
        cut = cluster_start(rest, lo)
        if not latin:
            cut = _nicer_cjk_cut(rest, cut)
            while 1 < cut < len(rest) and rest[cut] in NO_START:
                cut -= 1
        head = rest[:cut]
        pieces.append(head + (hyphen if latin and head[-1].isalnum() and rest[cut:][:1].isalnum() else ""))
        rest = rest[cut:]
    return pieces
