"""Which language a page is written in: Hugo's own rules first, then the text itself.

Hugo decides a page's language by where the file is (`content/<lang>/…` with per-language content
folders), by its name (`index.fr.md`, "translation by file name"), else it is the site's
`defaultContentLanguage` (https://gohugo.io/content-management/multilingual/). Front matter has no
language key in Hugo, but themes and hand-made pages use `lang` / `language` / `languageCode`, and
they are honoured before the site default. When none of these names a language, the text decides:
scripts that belong to one language (kana, Hangul, Thai, Hebrew …) directly, everything else with
py3langid's model (a naive Bayes model over byte n-grams, no native code), cut down to the languages
research pages are written in (`cardgen.i18n.langid`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cardgen.i18n.tags import normalize, primary

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Scripts written by (nearly) one language of those we support.
_SCRIPTS = (
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0b80-\u0bff]"), "ta"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
    (re.compile(r"[\u0e80-\u0eff]"), "lo"),
    (re.compile(r"[\u1780-\u17ff]"), "km"),
    (re.compile(r"[\u0d80-\u0dff]"), "si"),
)
#: Scripts shared by several languages: the model decides among these.
_SHARED = (
    (re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"), ("ar", "fa", "ur", "ps", "ku", "ug")),
    (re.compile(r"[\u0900-\u097f]"), ("hi", "mr", "ne", "sa")),
    (re.compile(r"[\u0980-\u09ff]"), ("bn", "as")),
)
#: Languages the model may answer for Latin, Cyrillic and Greek text (its other classes — Galician vs
#: Spanish on a short title, Wu Chinese, Old Hebrew — are wrong more often than right on our pages).
MODEL_LANGUAGES = (
    "en", "es", "pt", "fr", "de", "it", "nl", "tr", "pl", "ru", "uk", "vi", "id", "ms", "ca", "eu", "gl",
    "cs", "sk", "sv", "da", "no", "fi", "hu", "ro", "el", "bg", "sr", "hr", "sl", "et", "lv", "lt", "tl",
    "sw", "af", "is", "ga", "cy", "az", "kk", "uz", "mn", "be", "mk", "sq", "eo", "la",
)
#: Below this probability a guess from the text alone is not trusted over the site's language.
CONFIDENT = 0.9
_WORD_CHARS = re.compile(r"\w", re.UNICODE)


def language_from_path(page_path: Path, content_root: Path | None, site_languages: Iterable[str]) -> str:
    """Hugo's placement rules: `index.<lang>.md` (the language a configured one, or any valid tag when the
    site configures none), else the first folder under `content/` when it names a configured language."""
    configured = {normalize(code) for code in site_languages if normalize(code)}
    parts = page_path.name.split(".")
    if len(parts) >= 3 and parts[-1].lower() in ("md", "markdown", "html"):
        code = normalize(parts[-2])
        if code and (code in configured or (not configured and _known(parts[-2]))):
            return code
    if content_root is not None:
        try:
            rel = page_path.resolve().relative_to(content_root.resolve())
        except ValueError:
            return ""
        if len(rel.parts) > 1:
            code = normalize(rel.parts[0])
            if code and code in configured:
                return code
    return ""


def language_from_front_matter(meta: Mapping[str, object]) -> str:
    for key in ("lang", "language", "languageCode", "locale"):
        value = meta.get(key)
        if isinstance(value, str) and normalize(value):
            return normalize(value)
    return ""


def detect_language(text: str, model: bool = True) -> tuple[str, float]:
    """(language, confidence 0–1) of `text`; ('', 0.0) when there is nothing to go on. Without
    `model`, only what the script alone tells (kana → ja, Thai → th …); Latin text then gives ''."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "", 0.0
    sample = "".join(letters)
    if _KANA.search(sample):
        return "ja", 1.0
    hangul = len(_HANGUL.findall(sample))
    han = len(_HAN.findall(sample))
    if hangul and hangul >= han / 4:
        return "ko", 1.0
    counts = [(len(pattern.findall(sample)), code) for pattern, code in _SCRIPTS]
    best = max(counts)
    if han and han >= best[0]:
        return chinese_script(text), 1.0
    if best[0] >= len(letters) * 0.3:
        return best[1], 1.0
    for pattern, choices in _SHARED:
        if len(pattern.findall(sample)) >= len(letters) * 0.3:
            return _classify(text, choices) if model else (choices[0], 0.5)
    return _classify(text, MODEL_LANGUAGES) if model else ("", 0.0)


def chinese_script(text: str) -> str:
    """'zh-Hant' when the Han characters are traditional forms, else 'zh-Hans'.

    A character GB 2312 (the simplified set) cannot encode but Big5 (the traditional set) can is a
    traditional form; the other way round a simplified one. Characters both sets share say nothing."""
    simplified = traditional = 0
    for ch in set(_HAN.findall(text)):
        in_gb = _encodes(ch, "gb2312")
        in_big5 = _encodes(ch, "big5")
        if in_big5 and not in_gb:
            traditional += 1
        elif in_gb and not in_big5:
            simplified += 1
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _classify(text: str, choices: tuple[str, ...]) -> tuple[str, float]:
    code, prob = _identifier(choices).classify(text)
    return normalize(str(code)), float(prob)


def _identifier(choices: tuple[str, ...]) -> Any:  # cardgen.i18n.langid.Identifier, cached there
    from cardgen.i18n.langid import identifier, model

    known = set(model().classes)
    return identifier(tuple(c for c in choices if c in known))


def _mostly_cjk(text: str) -> bool:
    letters = [ch for ch in text[:800] if ch.isalpha()]
    cjk = sum(1 for ch in letters if _KANA.match(ch) or _HANGUL.match(ch) or _HAN.match(ch))
    return bool(letters) and cjk >= len(letters) * 0.3


def _guess(text: str) -> tuple[str, float]:
    return detect_language(text) if _WORD_CHARS.search(text) else ("", 0.0)


def _known(code: str) -> bool:
    from cardgen.i18n.tags import babel_locale

    return babel_locale(code) != "en" or normalize(code) == "en"


def page_language(
    *,
    path_language: str = "",
    front_matter: Mapping[str, object] | None = None,
    site_language: str = "",
    headline: str = "",
    body: str = "",
) -> str:
    """The page's language tag by precedence: file placement, front matter, the site's default
    language (unless the page is plainly in another script: a Japanese page in a site left at
    `en-us`), then the text's best guess.

    The text is the title and summary (what every output shows) when they alone are confidently in
    one language — a Turkish title over an English body is a Turkish page to its readers — else those
    with the start of the body."""
    explicit = normalize(path_language) or language_from_front_matter(front_matter or {})
    if explicit:
        return explicit
    site = normalize(site_language)
    if site:
        text = body if _mostly_cjk(body) else f"{headline} {body[:1500]}"
        script, sure = detect_language(text, model=False)
        if sure >= CONFIDENT and primary(script) != primary(site):
            return script
        return site
    guess, confidence = _guess(headline)
    if _mostly_cjk(body):
        guess, confidence = _guess(body)  # an English title over a Chinese, Japanese or Korean body
    elif confidence < CONFIDENT and body.strip():
        guess, confidence = max((guess, confidence), _guess(f"{headline} {body[:1500]}"), key=lambda g: g[1])
    return guess
