"""Which words go on a card's back: a few highlights of the page (`highlights`, the `highlights` field
of template layers; the links worth printing are `cardgen.fields.back_links`).

A back is read in seconds, by someone holding the card after a poster session: it should say what the
front could not, in a few short items, and say where to go next. So the highlights are taken from the
page's own structure — a section heading with its first sentence, list items, the lead's first
sentences — never a wall of paragraphs, and never what the front already prints (title, summary).
A line that is only a link label ("論文URL", "Source") is left out: on paper a label means nothing
without its address, and the addresses are printed with their labels by `fields.back_links`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cardgen.document import Callout, Heading, ListBlock, MathBlock, Paragraph, Quote, Video, plain
from cardgen.text.plain import CJK_STOPS, SENTENCE_STOPS

if TYPE_CHECKING:
    from cardgen.document import Block, Inline
    from cardgen.page import Page

MAX_HIGHLIGHTS = 5
MAX_CHARS = 200  # one highlight: a sentence, not a paragraph
MIN_WIDTH = 14  # shorter items ("MISO", "Source") say nothing on their own; CJK characters count twice
#: Sentence ends: Latin/Greek/Cyrillic punctuation followed by a space, or CJK, Arabic, Indic full stops.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(\[]?[^\s\w]*\w)|(?<=[。！？؟।])")
#: Sections whose text is apparatus, not content (their first line is a citation key or a licence).
_APPARATUS = (
    "references",
    "bibliography",
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "citation",
    "cite",
    "howtocite",
    "license",
    "licence",
    "publications",
    "参考文献",
    "謝辞",
    "文献",
    "参考资料",
    "致谢",
    "참고문헌",
    "referencias",
    "bibliografía",
    "références",
    "literatur",
    "kaynaklar",
)
#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "et al.",
    "etc.",
    "vs.",
    "fig.",
    "figs.",
    "eq.",
    "dr.",
    "prof.",
    "no.",
    "approx.",
    "cf.",
    "inc.",
    "st.",
    "mr.",
    "ms.",
    "jr.",
    "u.s.",
    "ca.",
)


@dataclass(frozen=True)
class Highlight:
    """One item of a card back: an optional lead-in (a section heading) and a sentence."""

    heading: str
    text: str
    kind: str  # "section", "item" (a list item) or "lead" (a sentence of the opening paragraphs)

    def as_text(self) -> str:
        return f"{self.heading}: {self.text}" if self.heading else self.text


def highlights(page: Page, limit: int = MAX_HIGHLIGHTS) -> tuple[Highlight, ...]:
    """Up to `limit` highlights, in the page's reading order: sections first choice, then list items,
    then the lead's sentences. A slides page (or a body too thin to give three) adds its slides.

    Worked out once per page object and limit (a page's card front, back and summary slide ask)."""
    from cardgen.memo import memoised

    return memoised(page, ("highlights", limit), lambda: _highlights(page, limit))


def _highlights(page: Page, limit: int) -> tuple[Highlight, ...]:
    shown = _key(f"{page.title_plain} {page.description}")
    candidates = _candidates(page.document.blocks, shown, page.title_plain)
    if len(candidates) < 3:
        for slide in page.slides:
            if not slide.hidden:
                candidates += _candidates(slide.blocks, shown, page.title_plain, slide=True)
    unique: list[tuple[int, int, Highlight]] = []
    seen: set[str] = set()
    for position, (rank, item) in enumerate(candidates):
        key = _key(item.as_text())
        if key in seen:
            continue
        seen.add(key)
        unique.append((rank, position, item))
    chosen = sorted(unique, key=lambda c: (c[0], c[1]))[: max(0, limit)]
    return tuple(item for _, _, item in sorted(chosen, key=lambda c: c[1]))


_TERMINAL = re.compile(rf"[{SENTENCE_STOPS}{CJK_STOPS}…][\"'”’)\]]*$")
_RANK = {"section": 0, "item": 1, "lead": 2}


def _candidates(
    blocks: tuple[Block, ...], shown: str, title: str, slide: bool = False
) -> list[tuple[int, Highlight]]:
    """(rank, highlight) for every usable heading+sentence, list item and lead sentence."""
    found: list[tuple[int, Highlight]] = []
    heading = ""  # the section we are in; "" before the first heading
    waiting = False  # the current heading has not got its sentence yet
    skipping = False  # inside a References / Acknowledgements section
    flat = _flatten(blocks)
    for index, block in enumerate(flat):
        if isinstance(block, MathBlock):
            continue
        if isinstance(block, Heading):
            text = _clean(block.text).rstrip(":：").rstrip()  # "Features:" reads as a lead-in already
            key = _key(text.lstrip("0123456789. "))
            if key in _APPARATUS or _has_math(block.runs):
                heading, waiting, skipping = text, False, True
            elif _key(text) and _key(text) != _key(title):
                heading, waiting, skipping = text, True, False
            continue
        if skipping:
            continue
        if isinstance(block, Video):
            if waiting:  # a section that is a video ("30-second introduction"): its words are about it
                waiting, skipping = False, True
            continue
        if isinstance(block, Paragraph):
            if _mostly_link(block.runs) or _has_math(block.runs):
                continue
            sentences = _sentences(_clean(block.text))
            if sentences and index + 1 < len(flat) and isinstance(flat[index + 1], MathBlock) \
                    and not _TERMINAL.search(sentences[-1]):
                sentences.pop()  # "… of the form" introduces the dropped equation
            sentences = [s for s in sentences if _fresh(s, shown) and _complete(s)]
            if not sentences:
                continue
            if waiting:
                found.append((_RANK["section"], Highlight(heading, _short(sentences[0]), "section")))
                waiting = False
            elif not heading or slide:
                found.append((_RANK["lead"], Highlight("", _short(sentences[0]), "lead")))
        elif isinstance(block, ListBlock):
            for item in block.items:
                if _mostly_link(item.runs) or _has_math(item.runs):
                    continue
                text = _clean(item.text)
                if not _fresh(text, shown):
                    continue
                if waiting:
                    found.append((_RANK["section"], Highlight(heading, _short(text), "section")))
                    waiting = False
                else:
                    found.append((_RANK["item"], Highlight("", _short(text), "item")))
    return found


def _flatten(blocks: tuple[Block, ...]) -> list[Block]:
    """Headings, paragraphs, lists and videos in reading order; quotes and callouts opened, the rest
    left out."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, (Quote, Callout)):
            out.extend(_flatten(block.children))
        elif isinstance(block, (Heading, Paragraph, ListBlock, Video, MathBlock)):
            out.append(block)
    return out


def _clean(text: str) -> str:
    from cardgen.text.plain import to_plain

    return " ".join(to_plain(text).split())


def _key(text: str) -> str:
    """Letters and digits only, case-folded: "Machine Learning Physics" and “machine-learning physics” agree."""
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKC", text).casefold()))


def _width(text: str) -> int:
    if text.isascii():  # no wide characters
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fresh(text: str, shown: str) -> bool:
    """Long enough to say something, and not already on the front."""
    key = _key(text)
    return _width(text) >= MIN_WIDTH and bool(key) and key not in shown


def _complete(sentence: str) -> bool:
    """Not a lead-in to something the card cannot show ("The tools are shown below:", a sentence
    broken off before display math) nor the tail of one ("which can be represented as …")."""
    text = sentence.strip()
    return bool(text) and not text.endswith((":", ",", "：", "、", "，", ";")) and not ("a" <= text[0] <= "z")


def _has_math(runs: Inline) -> bool:
    """Math cannot be typeset on the card: a line with math would print its LaTeX source."""
    return any(r.math for r in runs)


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for part in _SENTENCE_END.split(text):
        last = pieces[-1].casefold() if pieces else ""
        if pieces and any(last == a or last.endswith((" " + a, "(" + a)) for a in _ABBREVIATIONS):
            pieces[-1] = f"{pieces[-1]} {part}"
        elif part and part.strip():
            pieces.append(part.strip())
    return pieces


def _short(text: str) -> str:
    """At most MAX_CHARS, cut at a word (or, in CJK, a character) with an ellipsis."""
    if len(text) <= MAX_CHARS:
        return text
    cut = text[: MAX_CHARS - 1]
    if " " in cut[MAX_CHARS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def _mostly_link(runs: Inline) -> bool:
    """A line that is little more than link text ("For more detail, visit here.", "論文URL")."""
    total = len(plain(runs).strip())
    linked = sum(len(r.text.strip()) for r in runs if r.href)
    return 0 < total < 120 and linked > 0 and (linked >= total * 0.5 or total < 40)
