"""How much of a page the layout ever considers: caps that keep every text path linear in the input.

A deck, a card or a social image can show a few thousand characters at most. Anything beyond these
caps is cut once, in the loader, with a warning naming the field, so no later stage (Markdown, line
breaking, fitting at many sizes, code highlighting) ever sees a 1 MB summary or a 20 000-character
word.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import Any

from cardgen.document import CodeBlock, Run

MAX_TITLE_CHARS = 400
MAX_SUMMARY_CHARS = 4000
MAX_LIST_ITEMS = 100  # tags, categories, authors
MAX_BODY_CHARS = 60_000  # the longest real page of the corpus is 22 kB
MAX_WORD_CHARS = 100
MAX_PARAGRAPH_CHARS = 5000  # a paragraph, list item or table cell
MAX_CODE_LINES = 200
MAX_CODE_LINE_CHARS = 240

#: A word: characters between spaces, except those of scripts a line breaks between (Han, kana,
#: Hangul, Thai, CJK punctuation and full-width forms): a Chinese paragraph has no spaces, and the
#: line breaker splits it into phrases anyway.
_WORD_CHAR = (
    r"[^\s\u0e00-\u0e7f\u1100-\u11ff\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_LONG_WORD = re.compile(rf"{_WORD_CHAR}{{{MAX_WORD_CHARS + 1},}}")


def cut_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a space when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ", limit - 200)
    return (head[:space] if space > 0 else head).rstrip() + "…"


def cut_body(body: str, limit: int = MAX_BODY_CHARS) -> str:
    """The first `limit` characters of a Markdown body, ending at a blank line (a block boundary)
    when there is one, so no construct is cut in half."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    boundary = head.rfind("\n\n")
    return head[:boundary] if boundary > limit // 2 else head


def cut_words(text: str) -> str:
    """Words (runs without spaces or break opportunities) longer than MAX_WORD_CHARS shortened to
    that, with an ellipsis."""
    return _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD_CHARS] + "…", text)


def cut_runs(runs: tuple[Run, ...], limit: int) -> tuple[Run, ...]:
    """Inline runs holding at most `limit` characters in all (the last one cut, with an ellipsis)."""
    out: list[Run] = []
    left = limit
    for run in runs:
        if len(run.text) < left:
            out.append(run)
            left -= len(run.text)
            continue
        if left > 0:
            out.append(replace(run, text=cut_text(run.text, left) if not (run.code or run.math) else run.text[:left] + "…"))
        break
    return tuple(out)


def cut_code(code: str) -> str:
    lines = code.split("\n")
    if len(lines) > MAX_CODE_LINES:
        lines = [*lines[:MAX_CODE_LINES], "…"]
    return "\n".join(line if len(line) <= MAX_CODE_LINE_CHARS else line[:MAX_CODE_LINE_CHARS] + "…" for line in lines)


_NESTED = ("runs", "children", "items", "header", "rows", "caption", "figures", "blocks", "notes")


def cap_blocks(blocks: tuple[Any, ...], problems: set[str]) -> tuple[Any, ...]:
    """Blocks with over-long words and code cut (names of what was cut are added to `problems`)."""
    return tuple(_cap(block, problems) for block in blocks)


def _cap(value: Any, problems: set[str]) -> Any:
    if isinstance(value, Run):
        if value.code or value.math or len(value.text) <= MAX_WORD_CHARS:
            return value
        text = cut_words(value.text)
        if text != value.text:
            problems.add("word")
            return replace(value, text=text)
        return value
    if isinstance(value, CodeBlock):
        code = cut_code(value.code)
        if code != value.code:
            problems.add("code")
            return replace(value, code=code)
        return value
    if isinstance(value, tuple):
        if value and isinstance(value[0], Run) and sum(len(r.text) for r in value) > MAX_PARAGRAPH_CHARS:
            problems.add("paragraph")
            value = cut_runs(value, MAX_PARAGRAPH_CHARS)
        return tuple(_cap(item, problems) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            if f.name in _NESTED:
                old = getattr(value, f.name)
                new = _cap(old, problems)
                if new is not old and new != old:
                    changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value
