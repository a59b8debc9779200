"""cardgen: Hugo project pages → PowerPoint decks, social preview images and print-ready cards.

    from cardgen import load_page, render_deck, render_social, render_card

Heavy backends (python-pptx, numpy, fpdf2) are imported only when their function is first used.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load_page",
    "render_deck",
    "render_social",
    "render_card",
    "CardgenError",
]

_LAZY = {
    "load_page": ("cardgen.loader", "load_page"),
    "render_deck": ("cardgen.render.deck", "render_deck"),
    "render_social": ("cardgen.render.social", "render_social"),
    "render_card": ("cardgen.render.card", "render_card"),
    "CardgenError": ("cardgen.errors", "CardgenError"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cardgen' has no attribute {name!r}")
