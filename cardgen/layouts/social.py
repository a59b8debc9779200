"""The `[social]` section of template.toml: social preview images as layer lists.

Boxes are fractions of the canvas, so one layout serves 1200×630 and 1280×640 alike; type sizes are
pixels on a 1200×630 reference and scale with the canvas. A template gives a `wide` variant (used for
canvases at least `square_below` times wider than tall) and optionally a `square` one::

    [social]
    min_contrast = 4.5            # text over pictures is shaded locally until it passes
    [social.wide]
    background = "background"     # palette name or hex; `background_to` makes a gradient
    [[social.wide.layers]]
    kind = "image"
    box = { x = 0.6, y = 0, w = 0.4, h = 1 }
    [[social.wide.layers]]
    kind = "text"
    field = "title"
    box = { x = 0.06, y = 0.2, w = 0.5, h = 0.5 }
    size = 58
    min_size = 34
    max_lines = 4

Layers are drawn in order, text layers above pictures and shapes; text is always kept inside the
canvas's safe area (central 1200×600 band, 60 px margins), whatever the boxes say. The layer schema is
shared with cards (`cardgen.layouts.layers`, docs/templates.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cardgen.fields import field_names
from cardgen.layouts import check_keys, color_ref, fail, number, table
from cardgen.layouts.layers import ImageLayer, Layer, Limits, TextLayer, parse_layers

REFERENCE = (1200, 630)
LIMITS = Limits(box_lo=-1.0, box_hi=2.0, size_lo=6, size_hi=400)

#: Type defaults per field at the reference size: (size, min_size, max_lines, font, bold, colour).
DEFAULTS: dict[str, tuple[float, float, int, str, bool, str]] = {
    "title": (60, 32, 3, "heading", True, "text"),
    "description": (26, 20, 2, "body", False, "muted"),
    "summary": (26, 20, 2, "body", False, "muted"),
    "site": (22, 16, 1, "body", True, "accent"),
    "kicker": (22, 16, 1, "body", True, "accent"),
    "tags": (20, 16, 1, "body", True, "accent"),
    "text": (24, 18, 1, "body", False, "text"),
    "authors": (24, 18, 1, "body", False, "muted"),
    "date": (24, 18, 1, "body", False, "muted"),
}
for _name in field_names():
    DEFAULTS.setdefault(_name, DEFAULTS["authors"])

_VARIANT_KEYS = ("background", "background_to", "background_angle", "layers")
_SECTION_KEYS = ("wide", "square", "square_below", "min_contrast", "placeholder_palette")


@dataclass(frozen=True)
class Variant:
    background: str
    background_to: str = ""
    background_angle: float = 90.0
    layers: tuple[Layer, ...] = ()

    @property
    def image(self) -> ImageLayer | None:
        """The first picture layer (the featured image), if the variant shows one."""
        return next((layer for layer in self.layers if isinstance(layer, ImageLayer)), None)

    def layer(self, name: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.name == name), None)

    @property
    def texts(self) -> tuple[TextLayer, ...]:
        return tuple(layer for layer in self.layers if isinstance(layer, TextLayer))


@dataclass(frozen=True)
class SocialLayout:
    wide: Variant
    square: Variant | None = None
    square_below: float = 1.4  # aspect ratio under which the square variant is used
    min_contrast: float = 4.5
    placeholder_palette: tuple[str, ...] = ()

    def variant(self, size: tuple[int, int]) -> Variant:
        if self.square is not None and size[0] / size[1] < self.square_below:
            return self.square
        return self.wide


def parse(section: dict[str, Any], where: str, context: dict[str, Any]) -> SocialLayout:
    """Validate `[social]`; an empty section gets the built-in light split layout."""
    colors: Mapping[str, str] = context.get("colors", {})
    check_keys(section, _SECTION_KEYS, where, "social")
    wide_raw = table(section, "wide", where, "social") or _FALLBACK
    wide = _variant(wide_raw, colors, where, "social.wide")
    square = None
    if "square" in section:
        square = _variant(table(section, "square", where, "social"), colors, where, "social.square")
    palette_raw = section.get("placeholder_palette", [])
    if not isinstance(palette_raw, list):
        raise fail(where, "social.placeholder_palette", f"expected a list of colours, got {palette_raw!r}")
    palette = tuple(
        color_ref(c, colors, where, f"social.placeholder_palette[{i}]") for i, c in enumerate(palette_raw)
    )
    return SocialLayout(
        wide=wide,
        square=square,
        square_below=number(section.get("square_below", 1.4), where, "social.square_below", 0.1, 10),
        min_contrast=number(section.get("min_contrast", 4.5), where, "social.min_contrast", 1, 21),
        placeholder_palette=palette,
    )


def _variant(raw: dict[str, Any], colors: Mapping[str, str], where: str, prefix: str) -> Variant:
    check_keys(raw, _VARIANT_KEYS, where, prefix)
    layers = parse_layers(
        raw.get("layers", []),
        fields=field_names(),
        defaults=DEFAULTS,
        limits=LIMITS,
        colors=colors,
        where=where,
        prefix=f"{prefix}.layers",
        kinds=("text", "pills", "image", "shape"),
    )
    return Variant(
        background=color_ref(raw.get("background", "background"), colors, where, f"{prefix}.background"),
        background_to=color_ref(raw["background_to"], colors, where, f"{prefix}.background_to")
        if "background_to" in raw
        else "",
        background_angle=number(
            raw.get("background_angle", 90), where, f"{prefix}.background_angle", -360, 360
        ),
        layers=layers,
    )


#: Used when a template has no `[social.wide]`: a calm light split layout from the palette.
_FALLBACK: dict[str, Any] = {
    "background": "background",
    "layers": [
        {"kind": "image", "box": {"x": 0.62, "y": 0.0, "w": 0.38, "h": 1.0}},
        {"kind": "shape", "box": {"x": 0, "y": 0.975, "w": 1, "h": 0.025}, "color": "accent"},
        {
            "kind": "text",
            "name": "kicker",
            "field": "site",
            "box": {"x": 0.06, "y": 0.11, "w": 0.5, "h": 0.06},
        },
        {"kind": "text", "field": "title", "box": {"x": 0.06, "y": 0.22, "w": 0.5, "h": 0.5}, "max_lines": 4},
        {
            "kind": "text",
            "name": "meta",
            "fields": ["authors", "date"],
            "box": {"x": 0.06, "y": 0.8, "w": 0.5, "h": 0.08},
        },
    ],
}
