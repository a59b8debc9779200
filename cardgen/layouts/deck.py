"""The `[deck]` section of template.toml: type sizes, colours and the pptx master of talk decks.

Geometry lives in the master (`base.pptx` / `base-4x3.pptx`, made by `scripts/make_masters.py`):
the renderer reads each layout's placeholder boxes, so an organisation's own master works the same
way. This section holds what a master cannot say: the sizes text may shrink to, and colours::

    [deck]
    master = "base.pptx"          # 16:9 master in the template folder; base-4x3.pptx for --aspect 4:3
    title = { size = 34, min_size = 24 }
    body = { size = 24, min_size = 16, line_height = 1.2 }
    colors = { title = "text", text = "text", accent = "accent" }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cardgen.layouts import check_keys, color_ref, number, table, text

TEXT_ROLES = ("cover_title", "cover_meta", "title", "running", "body", "summary", "code", "caption", "table")
COLOR_ROLES = (
    "background",  # slide background (built-in masters already carry it)
    "title",
    "text",
    "muted",
    "accent",
    "code_background",
    "code_text",
    "table_header",
    "table_header_text",
    "table_stripe",
    "callout",
)

#: (size, min_size, line_height) per role, in points.
DEFAULT_SIZES: dict[str, tuple[float, float, float]] = {
    "cover_title": (40, 26, 1.1),
    "cover_meta": (18, 12, 1.3),
    "title": (32, 22, 1.1),
    "running": (16, 12, 1.2),  # the slim title strip of a slide the source left without a heading
    "body": (24, 16, 1.2),
    "summary": (28, 18, 1.3),
    "code": (16, 9, 1.2),
    "caption": (14, 10, 1.2),
    "table": (16, 10, 1.15),
}

#: Scripts whose marks stack above and below the letters (Arabic's hamza and vowel signs, Indic vowel
#: signs and conjuncts, Thai tone marks): at Latin's line height a line's marks touch the next line's.
TALL_SCRIPTS = frozenset({"Arab", "Deva", "Beng", "Taml", "Thai"})
TALL_LINE_EXTRA = 0.15

DEFAULT_COLORS = {
    "background": "background",
    "title": "text",
    "text": "text",
    "muted": "muted",
    "accent": "accent",
    "code_background": "surface",
    "code_text": "text",
    "table_header": "accent",
    "table_header_text": "on_accent",
    "table_stripe": "surface",
    "callout": "accent",
}


@dataclass(frozen=True)
class TextRole:
    size: float
    min_size: float
    line_height: float


@dataclass(frozen=True)
class DeckLayout:
    master: str = "base.pptx"
    master_4x3: str = "base-4x3.pptx"
    roles: dict[str, TextRole] = field(default_factory=dict, hash=False, compare=False)
    colors: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    condense_chars: int = 320  # longer paragraphs show their first sentences; the rest goes to notes

    def role(self, name: str) -> TextRole:
        return self.roles.get(name) or TextRole(*DEFAULT_SIZES[name])

    def for_language(self, lang: str | None) -> DeckLayout:
        """The layout for a page in `lang`: scripts whose marks stack above and below the letters
        get `TALL_LINE_EXTRA` more line height in every role."""
        from dataclasses import replace

        from cardgen.i18n.scripts import language_scripts

        if not language_scripts(lang) & TALL_SCRIPTS:
            return self
        roles = {name: replace(self.role(name), line_height=self.role(name).line_height + TALL_LINE_EXTRA)
                 for name in TEXT_ROLES}
        return replace(self, roles=roles)

    def color(self, name: str) -> str:
        return self.colors[name]


def parse(section: dict[str, Any], where: str, context: dict[str, Any]) -> DeckLayout:
    check_keys(section, ("master", "master_4x3", "condense_chars", "colors", *TEXT_ROLES), where, "deck")
    palette: Mapping[str, str] = context.get("colors", {})
    roles = {}
    for name, (size, min_size, line_height) in DEFAULT_SIZES.items():
        raw = table(section, name, where, "deck")
        prefix = f"deck.{name}"
        check_keys(raw, ("size", "min_size", "line_height"), where, prefix)
        size = number(raw.get("size", size), where, f"{prefix}.size", 6, 120)
        min_size = number(raw.get("min_size", min(min_size, size)), where, f"{prefix}.min_size", 6, size)
        line_height = number(raw.get("line_height", line_height), where, f"{prefix}.line_height", 0.9, 2.5)
        roles[name] = TextRole(size, min_size, line_height)
    raw_colors = table(section, "colors", where, "deck")
    check_keys(raw_colors, COLOR_ROLES, where, "deck.colors")
    colors = {
        role: color_ref(raw_colors.get(role, default), palette, where, f"deck.colors.{role}")
        for role, default in DEFAULT_COLORS.items()
    }
    condense = number(section.get("condense_chars", 320), where, "deck.condense_chars", 80, 100_000)
    return DeckLayout(
        master=text(section.get("master", "base.pptx"), where, "deck.master"),
        master_4x3=text(section.get("master_4x3", "base-4x3.pptx"), where, "deck.master_4x3"),
        roles=roles,
        colors=colors,
        condense_chars=int(condense),
    )
