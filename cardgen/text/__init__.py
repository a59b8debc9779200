"""Text engine: plain-text extraction, font resolution with fallback, line breaking and fitting.

Submodules load lazily (fontTools and budoux are only imported when text is measured):
`fonts` (files, fallback, coverage), `measure` (widths), `breaking` (lines), `fit` (fit to a box),
`raster` (Pillow drawing), `plain` (Markdown/HTML → text).
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "missing_glyphs": "cardgen.text.fonts",
    "font_path": "cardgen.text.fonts",
    "segments": "cardgen.text.fonts",
    "pptx_typefaces": "cardgen.text.fonts",
    "text_width": "cardgen.text.measure",
    "wrap_lines": "cardgen.text.breaking",
    "Box": "cardgen.text.fit",
    "TextStyle": "cardgen.text.fit",
    "FittedText": "cardgen.text.fit",
    "fit_text": "cardgen.text.fit",
    "to_plain": "cardgen.text.plain",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cardgen.text' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
