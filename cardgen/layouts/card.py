"""The `[card]` section of template.toml: colours, type sizes and proportions of the printed card.

Sizes are in points (the card is printed, so type is specified like print type); the image band is a
fraction of the card's height (portrait) or width (landscape). Every colour is a palette name or hex.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cardgen.layouts import boolean, check_keys, choice, color_ref, fail, integer, number

FONT_ROLES = ("heading", "body")


@dataclass(frozen=True)
class CardLayout:
    background: str = "#ffffff"  # front, below the image
    back_background: str = "#ffffff"
    title_color: str = "#1f2328"
    text_color: str = "#1f2328"
    muted_color: str = "#57606a"
    kicker_color: str = "#0969da"
    accent: str = "#0969da"
    on_accent: str = "#ffffff"
    header_color: str = "#0969da"  # band behind the back's title (with `back_header`)
    on_header: str = "#ffffff"
    rule_color: str = "#d0d7de"
    back_title_color: str = "#1f2328"  # the back's colours default to the front's
    back_text_color: str = "#1f2328"
    back_link_color: str = "#0969da"
    qr_color: str = "#000000"
    qr_tile: str = "#ffffff"  # light square behind the QR code (its quiet zone)
    title_font: str = "heading"
    title_size: float = 17.0
    title_min_size: float = 11.0
    title_max_lines: int = 3
    summary_size: float = 8.5
    summary_min_size: float = 6.5
    body_size: float = 8.0
    body_min_size: float = 6.0
    meta_size: float = 7.0
    line_height: float = 1.3
    band: float = 0.46  # image band: fraction of the card's long side
    accent_bar: float = 1.2  # mm, a strip between picture and text (0 = none)
    kicker_uppercase: bool = True
    back_header: bool = False  # accent band with the title across the top of the back
    caption_scrim: float = 0.55  # opacity of the dark strip under the image credit
    placeholder_palette: tuple[str, ...] = ()


_KEYS = tuple(CardLayout.__dataclass_fields__)
_COLOURS = (
    ("background", "background"),
    ("back_background", "background"),
    ("title_color", "text"),
    ("text_color", "text"),
    ("muted_color", "muted"),
    ("kicker_color", "accent"),
    ("accent", "accent"),
    ("on_accent", "on_accent"),
    ("header_color", "accent"),
    ("on_header", "on_accent"),
    ("rule_color", "#d0d7de"),
    ("qr_color", "#000000"),
    ("qr_tile", "#ffffff"),
)
#: key → (default, lowest, highest)
_SIZES: dict[str, tuple[float, float, float]] = {
    "title_size": (17.0, 6, 72),
    "title_min_size": (11.0, 5, 72),
    "summary_size": (8.5, 5, 36),
    "summary_min_size": (6.5, 5, 36),
    "body_size": (8.0, 5, 36),
    "body_min_size": (6.0, 5, 36),
    "meta_size": (7.0, 5, 24),
    "line_height": (1.3, 1.0, 2.0),
    "band": (0.46, 0.2, 0.75),
    "accent_bar": (1.2, 0, 10),
    "caption_scrim": (0.55, 0, 1),
}


def parse(section: dict[str, Any], where: str, context: dict[str, Any]) -> CardLayout:
    """Validate `[card]`; missing keys take defaults derived from the template's palette."""
    colors: Mapping[str, str] = context.get("colors", {})
    check_keys(section, _KEYS, where, "card")
    values: dict[str, Any] = {}
    for key, default in _COLOURS:
        values[key] = color_ref(section.get(key, default), colors, where, f"card.{key}")
    for key, (default, lo, hi) in _SIZES.items():
        values[key] = number(section.get(key, default), where, f"card.{key}", lo, hi)
    for small, big in (
        ("title_min_size", "title_size"),
        ("summary_min_size", "summary_size"),
        ("body_min_size", "body_size"),
    ):
        if values[small] > values[big]:
            raise fail(
                where, f"card.{small}", f"must not exceed {big} ({values[big]:g}), got {values[small]:g}"
            )
    values["title_max_lines"] = integer(
        section.get("title_max_lines", 3), where, "card.title_max_lines", 1, 6
    )
    values["title_font"] = choice(section.get("title_font", "heading"), FONT_ROLES, where, "card.title_font")
    for key, default in (("kicker_uppercase", True), ("back_header", False)):
        values[key] = boolean(section.get(key, default), where, f"card.{key}")
    for key, front in (
        ("back_title_color", "title_color"),
        ("back_text_color", "text_color"),
        ("back_link_color", "kicker_color"),
    ):
        values[key] = color_ref(section.get(key, values[front]), colors, where, f"card.{key}")
    palette = section.get("placeholder_palette", [])
    if not isinstance(palette, list):
        raise fail(where, "card.placeholder_palette", f"expected a list of colours, got {palette!r}")
    values["placeholder_palette"] = tuple(
        color_ref(c, colors, where, f"card.placeholder_palette[{i}]") for i, c in enumerate(palette)
    )
    return CardLayout(**values)
