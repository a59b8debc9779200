"""Language tags: one normal form for the whole program, and what each consumer needs from it.

Pages carry a BCP 47 tag in a short normal form: the primary language in lower case ("de", "ar"), plus
the script for Chinese ("zh-Hans", "zh-Hant"), since labels, fonts and line breaking differ by script
and not by region. Office wants a full culture name ("ar-SA", "zh-TW"); Babel wants a locale; label
files are named by the normal form.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Regions and old codes that mean Traditional Chinese (Hong Kong, Macao and Taiwan write it).
_HANT = {"tw", "hk", "mo", "hant"}
#: Deprecated ISO 639 codes still found in front matter.
_OLD = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "tl": "fil"}
_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")


def normalize(tag: str | None) -> str:
    """'pt_BR' → 'pt', 'zh-TW' → 'zh-Hant', 'zh-cn' → 'zh-Hans', 'IW' → 'he'; '' for anything not a tag."""
    text = (tag or "").strip()
    if not text or not _TAG.match(text):
        return ""
    parts = text.replace("_", "-").lower().split("-")
    primary = _OLD.get(parts[0], parts[0])
    if primary == "zh":
        return "zh-Hant" if any(p in _HANT for p in parts[1:]) else "zh-Hans"
    return primary


def primary(tag: str | None) -> str:
    """The language alone: 'zh-Hant' → 'zh'."""
    return normalize(tag).split("-")[0]


@lru_cache(maxsize=128)
def _locale(tag: str) -> Any:  # babel.Locale | None
    from babel import Locale, UnknownLocaleError

    code = normalize(tag)
    if not code:
        return None
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def babel_locale(tag: str | None) -> str:
    """The Babel/CLDR locale for a tag ('en' when CLDR does not know the language)."""
    locale = _locale(normalize(tag))
    return str(locale) if locale is not None else "en"


@lru_cache(maxsize=256)
def is_rtl(tag: str | None) -> bool:
    """True for languages written right to left (Arabic, Persian, Urdu, Hebrew, Yiddish, Pashto …)."""
    locale = _locale(normalize(tag))
    return locale is not None and locale.character_order == "right-to-left"


@lru_cache(maxsize=256)
def office_tag(tag: str | None) -> str:
    """The culture name Office spell-checks with: 'ar' → 'ar-SA', 'bn' → 'bn-BD', 'zh-Hant' → 'zh-TW'.

    CLDR's likely subtags give the region most speakers use ("ar" is "ar_Arab_EG"); Office's own
    defaults differ for a few languages, and those are what PowerPoint shows in its language menu."""
    code = normalize(tag)
    if not code:
        return "en-US"
    if code in _OFFICE:
        return _OFFICE[code]
    from babel.core import get_global

    likely = get_global("likely_subtags").get(code.replace("-", "_"), "")
    region = next((p for p in likely.split("_")[1:] if p.isupper() or p.isdigit()), "")
    return f"{code}-{region}" if region else code


_OFFICE = {
    "en": "en-US", "ar": "ar-SA", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "pt": "pt-BR", "es": "es-ES",
    "sv": "sv-SE", "da": "da-DK", "nb": "nb-NO", "no": "nb-NO", "ms": "ms-MY", "sr": "sr-Latn-RS",
}
