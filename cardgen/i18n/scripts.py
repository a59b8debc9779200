"""Writing systems: which script a piece of text is in, which scripts a language writes, and so which
language a run of text in a page most likely is (for Office's per-run `lang`, the spell-checker's
language).

A Japanese page's Latin words ("Python", "GitHub") are not Japanese to a spell-checker, and an
English page's quoted Arabic title is Arabic: a run takes the page's language when it is written in
one of the page language's scripts, else the usual language of its own script.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from cardgen.i18n.tags import normalize, office_tag

#: (first, last, ISO 15924 code): the letters of the scripts we tell apart.
_RANGES = (
    (0x0041, 0x024F, "Latn"), (0x1E00, 0x1EFF, "Latn"), (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"),
    (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"), (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"), (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFC, "Arab"), (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0B80, 0x0BFF, "Taml"), (0x0E00, 0x0E7F, "Thai"), (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"), (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"),
    (0xF900, 0xFAFF, "Hani"), (0x20000, 0x3134F, "Hani"), (0x1100, 0x11FF, "Hang"), (0x3130, 0x318F, "Hang"),
    (0xAC00, 0xD7AF, "Hang"),
)
#: Scripts a language's usual script tag stands for (CLDR's Jpan and Kore are mixtures).
_MIXED = {"Jpan": {"Hani", "Hira", "Kana"}, "Kore": {"Hang", "Hani"}, "Hans": {"Hani"}, "Hant": {"Hani"}}
#: The language a run in a script is taken to be in when it is not the page's.
_USUAL = {"Latn": "en", "Cyrl": "ru", "Grek": "el", "Arab": "ar", "Hebr": "he", "Deva": "hi", "Beng": "bn",
          "Taml": "ta", "Thai": "th", "Hira": "ja", "Kana": "ja", "Hang": "ko", "Hani": "zh-Hans"}
#: Scripts Office calls complex (a:cs typefaces), with the bundled face that draws each.
COMPLEX_FACES = {"Arab": "Noto Sans Arabic", "Hebr": "Noto Sans Hebrew", "Deva": "Noto Sans Devanagari",
                 "Beng": "Noto Sans Bengali", "Taml": "Noto Sans Tamil", "Thai": "Noto Sans Thai"}


@lru_cache(maxsize=8192)  # a page's text repeats a few hundred characters
def script_of(ch: str) -> str:
    """ISO 15924 code of a letter's script, '' for anything else (digits, punctuation, symbols)."""
    code = ord(ch)
    if code < 0x41:
        return ""
    for first, last, script in _RANGES:
        if first <= code <= last:
            return script if ch.isalpha() or script not in ("Latn",) else ""
    return ""


def dominant_script(text: str) -> str:
    """The script most letters of `text` are in ('' without letters)."""
    if text.isascii():  # the common case, without a look-up per character
        return "Latn" if any(ch.isalpha() for ch in text) else ""
    counts = Counter(map(script_of, text))
    del counts[""]
    return counts.most_common(1)[0][0] if counts else ""


@lru_cache(maxsize=128)
def language_scripts(tag: str | None) -> frozenset[str]:
    """Scripts a language is written in: 'ja' → {Hani, Hira, Kana}, 'sr' → {Cyrl}."""
    code = normalize(tag)
    if not code:
        return frozenset({"Latn"})
    from babel.core import get_global

    likely = get_global("likely_subtags").get(code.replace("-", "_")) or get_global("likely_subtags").get(
        code.split("-")[0], "")
    parts = [p for p in likely.split("_")[1:] if len(p) == 4]
    if "-" in code and len(code.split("-")[1]) == 4:
        parts = [code.split("-")[1]]
    script = parts[0] if parts else "Latn"
    return frozenset(_MIXED.get(script, {script}))


def run_language(text: str, page_tag: str | None) -> str:
    """The Office culture name for a run of `text` on a page in `page_tag` ("ja-JP", "en-US", "ar-SA")."""
    script = dominant_script(text)
    if not script or script in language_scripts(page_tag):
        return office_tag(page_tag)
    if script == "Hani" and normalize(page_tag) in ("ja", "ko"):
        return office_tag(page_tag)
    return office_tag(_USUAL.get(script, page_tag or "en"))


def complex_face(text: str) -> str | None:
    """The bundled typeface for the complex script in `text` (a:cs), None when it has none."""
    if text.isascii():
        return None
    for ch in text:
        face = COMPLEX_FACES.get(script_of(ch))
        if face:
            return face
    return None
