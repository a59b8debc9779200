"""Plain text from Markdown/HTML strings (titles, summaries, captions) for images and cards."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
#: Unicode's control characters (category Cc: C0, DEL and C1) but tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Where sentences end: full stops, question and exclamation marks of the scripts cardgen sets (the
#: danda of Bengali and Devanagari, Arabic's question mark and Urdu's full stop, Ethiopic, Myanmar,
#: Armenian, the Tibetan shad); a space follows them, unlike `CJK_STOPS`.
SENTENCE_STOPS = ".!?\u061f\u06d4\u0964\u0965\u1362\u104b\u0589\u0f0d"
CJK_STOPS = "。！？｡"


def to_plain(text: str) -> str:
    """Markdown and HTML stripped, entities decoded, shortcode delimiters dropped, emoji kept,
    whitespace collapsed to single spaces."""
    if not text:
        return ""
    from cardgen.markdown import parse_inline

    plain = "".join(run.text for run in parse_inline(str(text)))  # entities are decoded by the parser
    plain = _CONTROLS.sub("", plain)
    return _SPACES.sub(" ", plain.replace("\u00a0", " ")).strip()
