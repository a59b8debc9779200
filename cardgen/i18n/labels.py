"""Built-in words of the outputs ("Summary", "(cont.)", "Thank you", callout kinds …) in the page's
language: one TOML file per language in `cardgen/i18n/labels/`, English as the fallback for a key a
language lacks, and a template's `[labels]` / `[labels.<lang>]` tables over both.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cardgen.i18n.tags import normalize, primary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LABELS_DIR = Path(__file__).resolve().parent / "labels"
FALLBACK = "en"


@lru_cache(maxsize=64)
def _file(code: str) -> Mapping[str, str]:
    path = LABELS_DIR / f"{code}.toml"
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def label_language(tag: str | None) -> str:
    """The label file a page in `tag` uses: 'pt-BR' → 'pt', 'zh-TW' → 'zh-Hant', 'sw' → 'en'."""
    code = normalize(tag)
    for candidate in (code, primary(code)):
        if candidate and (LABELS_DIR / f"{candidate}.toml").is_file():
            return candidate
    return FALLBACK


def languages() -> tuple[str, ...]:
    """Every language with a label file."""
    return tuple(sorted(p.stem for p in LABELS_DIR.glob("*.toml")))


def keys() -> tuple[str, ...]:
    """Every label key (the English file defines them all)."""
    return tuple(_file(FALLBACK))


@dataclass(frozen=True)
class Labels:
    """The words for one language. `text(key)` never fails for a key English has; `format(key, n=3)`
    fills `{placeholders}`."""

    language: str
    words: Mapping[str, str] = field(repr=False)

    def text(self, key: str) -> str:
        if key in self.words:
            return self.words[key]
        english = _file(FALLBACK)
        if key in english:
            return english[key]
        raise KeyError(f"no label {key!r} (known: {', '.join(english)})")

    def format(self, key: str, **values: object) -> str:
        return self.text(key).format(**values)

    def __getitem__(self, key: str) -> str:
        return self.text(key)

    def callout(self, kind: str) -> str:
        """The heading word of a callout kind (note, tip, warning …); unknown kinds keep their name."""
        key = kind.strip().lower()
        if key in self.words or key in _file(FALLBACK):
            return self.text(key)
        return kind.strip().capitalize()


def labels(tag: str | None, overrides: Mapping[str, object] | None = None) -> Labels:
    """The labels for a page in language `tag`.

    `overrides` is a template's `[labels]` table: plain `key = "text"` entries apply to every
    language, and `[labels.<lang>]` sub-tables (`[labels.fr]`, `[labels.zh-Hant]`) to that one only."""
    code = label_language(tag)
    words: dict[str, str] = dict(_file(code))
    if overrides:
        words.update({k: str(v) for k, v in overrides.items() if isinstance(v, str)})
        for key in (normalize(tag), primary(tag), code):
            table = overrides.get(key)
            if isinstance(table, Mapping):
                words.update({k: str(v) for k, v in table.items() if isinstance(v, str)})
                break
    return Labels(code, words)
