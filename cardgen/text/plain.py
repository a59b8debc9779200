"""Plain text from Markdown/HTML strings (titles, summaries, captions) for images and cards."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def to_plain(text: str) -> str:
    """Markdown and HTML stripped, entities decoded, shortcode delimiters dropped, emoji kept,
    whitespace collapsed to single spaces."""
    if not text:
        return ""
    from cardgen.markdown import parse_inline

    plain = "".join(run.text for run in parse_inline(str(text)))  # entities are decoded by the parser
    plain = "".join(ch for ch in plain if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return _SPACES.sub(" ", plain.replace("\u00a0", " ")).strip()
