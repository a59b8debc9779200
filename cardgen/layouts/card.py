"""The `[card]` section of template.toml: both sides of the printed card as layer lists.

Boxes are millimetres on the reference card, A6: 105 × 148 mm portrait (`[[card.front.layers]]`,
`[[card.back.layers]]`) and 148 × 105 mm landscape (`[[card.landscape.front.layers]]`, …; when a
template has no landscape lists, the portrait ones are used). Other sizes scale every box to their trim
(x and w by the width ratio, y and h by the height ratio) and type by the short side's ratio, so one
layout serves A6, A5, postcards and business cards. Type sizes are points; `gap` is millimetres.

    [card]
    background = "background"        # front, palette name or hex
    back_background = "background"
    [[card.front.layers]]
    kind = "image"
    box = { x = 0, y = 0, w = 105, h = 68 }
    caption = true                   # the image credit, small, at the picture's bottom right

A picture or shape that touches a trim edge runs on into the bleed. Text stays inside the trim less
the 4 mm safe margin whatever the boxes say, and keeps clear of the QR code. The layer schema is shared
with social images (`cardgen.layouts.layers`, docs/templates.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cardgen.fields import field_names
from cardgen.layouts import check_keys, color_ref, fail, table
from cardgen.layouts.layers import Layer, Limits, TextLayer, parse_layers

PORTRAIT = (105.0, 148.0)
LANDSCAPE = (148.0, 105.0)
LIMITS = Limits(box_lo=-20.0, box_hi=400.0, size_lo=4, size_hi=96, gap_hi=100.0)

#: Type defaults per field (pt): (size, min_size, max_lines, font, bold, colour).
DEFAULTS: dict[str, tuple[float, float, int, str, bool, str]] = {
    "title": (17, 11, 3, "heading", True, "text"),
    "summary": (8.5, 6.5, 40, "body", False, "text"),
    "description": (8.5, 6.5, 40, "body", False, "text"),
    "body": (8, 6, 40, "body", False, "text"),
    "kicker": (7, 5.5, 1, "body", True, "accent"),
    "site": (7, 5.5, 1, "body", True, "accent"),
    "links": (7, 6, 5, "body", False, "text"),
    "text": (8, 6, 3, "body", False, "text"),
    "authors": (7.5, 6, 2, "body", False, "muted"),
}
for _name in field_names():
    DEFAULTS.setdefault(_name, (7, 5.5, 1, "body", False, "muted"))

_SECTION_KEYS = ("background", "back_background", "placeholder_palette", "front", "back", "landscape")
_SIDE_KEYS = ("layers",)


@dataclass(frozen=True)
class Side:
    layers: tuple[Layer, ...]

    def layer(self, name: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.name == name), None)

    @property
    def texts(self) -> tuple[TextLayer, ...]:
        return tuple(layer for layer in self.layers if isinstance(layer, TextLayer))


@dataclass(frozen=True)
class CardLayout:
    background: str
    back_background: str
    front: Side
    back: Side
    landscape_front: Side | None = None
    landscape_back: Side | None = None
    placeholder_palette: tuple[str, ...] = ()

    def side(self, name: str, landscape: bool) -> tuple[Side, tuple[float, float]]:
        """The layers of the `front`/`back` for this orientation and the reference trim they are drawn on."""
        if landscape:
            chosen = self.landscape_front if name == "front" else self.landscape_back
            if chosen is not None:
                return chosen, LANDSCAPE
            return (self.front if name == "front" else self.back), PORTRAIT
        return (self.front if name == "front" else self.back), PORTRAIT

    def side_background(self, name: str) -> str:
        return self.background if name == "front" else self.back_background


def parse(section: dict[str, Any], where: str, context: dict[str, Any]) -> CardLayout:
    colors: Mapping[str, str] = context.get("colors", {})
    check_keys(section, _SECTION_KEYS, where, "card")

    def side(raw: Mapping[str, Any], prefix: str) -> Side:
        check_keys(raw, _SIDE_KEYS, where, prefix)
        layers = parse_layers(
            raw.get("layers", []),
            fields=field_names(),
            defaults=DEFAULTS,
            limits=LIMITS,
            colors=colors,
            where=where,
            prefix=f"{prefix}.layers",
        )
        return Side(layers)

    front = side(table(section, "front", where, "card"), "card.front")
    back = side(table(section, "back", where, "card"), "card.back")
    landscape = table(section, "landscape", where, "card")
    check_keys(landscape, ("front", "back"), where, "card.landscape")
    land_front = (
        side(table(landscape, "front", where, "card.landscape"), "card.landscape.front")
        if "front" in landscape
        else None
    )
    land_back = (
        side(table(landscape, "back", where, "card.landscape"), "card.landscape.back")
        if "back" in landscape
        else None
    )
    palette = section.get("placeholder_palette", [])
    if not isinstance(palette, list):
        raise fail(where, "card.placeholder_palette", f"expected a list of colours, got {palette!r}")
    return CardLayout(
        background=color_ref(section.get("background", "background"), colors, where, "card.background"),
        back_background=color_ref(
            section.get("back_background", "background"), colors, where, "card.back_background"
        ),
        front=front,
        back=back,
        landscape_front=land_front,
        landscape_back=land_back,
        placeholder_palette=tuple(
            color_ref(c, colors, where, f"card.placeholder_palette[{i}]") for i, c in enumerate(palette)
        ),
    )
