"""The `[social]` section of template.toml: social preview images as data.

Boxes are fractions of the canvas, so one layout serves 1200×630 and 1280×640 alike; sizes are pixels
on a 1200×630 reference and scale with the canvas. A template gives a `wide` variant (used for
canvases at least `square_below` times wider than tall) and optionally a `square` one::

    [social]
    min_contrast = 4.5            # text over pictures is darkened/lightened locally until it passes
    [social.wide]
    background = "background"     # palette name or hex; `background_to` makes a gradient
    image = { x = 0.6, y = 0, w = 0.4, h = 1 }
    shapes = [{ x = 0, y = 0.97, w = 1, h = 0.03, color = "accent" }]
    kicker = { x = 0.06, y = 0.1, w = 0.5, h = 0.06, size = 22, fields = ["site"] }
    title = { x = 0.06, y = 0.2, w = 0.5, h = 0.5, size = 58, min_size = 34, max_lines = 4 }
    meta = { x = 0.06, y = 0.82, w = 0.5, h = 0.08, size = 24, fields = ["authors", "date"] }

Drawing order: background, shapes with `layer = "below"`, image (+ scrim and gradient), other
shapes, text. Text is always kept inside the canvas's safe area (central 1200×600 band, 60 px
margins), whatever the boxes say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cardgen.layouts import (
    boolean,
    check_keys,
    choice,
    color_ref,
    fail,
    integer,
    number,
    table,
    text,
)

#: Fields a text line can show, joined by the element's separator.
FIELDS = ("site", "authors", "date", "tags", "categories", "url", "description")
ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")
GRADIENTS = ("none", "top", "bottom", "left", "right")
TEXT_ELEMENTS = ("kicker", "title", "description", "meta", "tags")
REFERENCE = (1200, 630)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def px(self, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in pixels of a canvas of `size`."""
        width, height = size
        left, top = round(self.x * width), round(self.y * height)
        return left, top, round((self.x + self.w) * width), round((self.y + self.h) * height)


@dataclass(frozen=True)
class Shape:
    rect: Rect
    color: str
    radius: float = 0.0  # px at reference scale
    layer: str = "above"  # "below" the image or "above" it


@dataclass(frozen=True)
class ImageArea:
    rect: Rect
    radius: float = 0.0
    scrim: float = 0.0  # uniform overlay opacity
    scrim_color: str = "#000000"
    gradient: str = "none"  # side the overlay darkens towards
    gradient_strength: float = 0.0  # overlay opacity at that side
    gradient_extent: float = 1.0  # fraction of the image the gradient covers


@dataclass(frozen=True)
class TextElement:
    name: str
    rect: Rect
    size: float
    min_size: float
    max_lines: int
    color: str
    font: str = "body"  # "heading", "body" or a family name
    bold: bool = False
    align: str = "left"
    valign: str = "top"
    line_height: float = 1.2
    fields: tuple[str, ...] = ()
    separator: str = "  ·  "
    uppercase: bool = False
    below: str = ""  # name of an element this one follows (top = its drawn bottom + gap)
    gap: float = 0.0
    pill: str = ""  # colour of a rounded box behind the text ("" = none)
    logo: bool = False  # draw the site logo before the text, when the site has a raster logo
    max_items: int = 4  # tags: how many pills at most


@dataclass(frozen=True)
class Variant:
    background: str
    background_to: str = ""
    background_angle: float = 90.0
    image: ImageArea | None = None
    shapes: tuple[Shape, ...] = ()
    texts: tuple[TextElement, ...] = ()

    def element(self, name: str) -> TextElement | None:
        return next((t for t in self.texts if t.name == name), None)


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


_RECT_KEYS = ("x", "y", "w", "h")
_IMAGE_KEYS = (
    *_RECT_KEYS,
    "radius",
    "scrim",
    "scrim_color",
    "gradient",
    "gradient_strength",
    "gradient_extent",
)
_SHAPE_KEYS = (*_RECT_KEYS, "color", "radius", "layer")
_TEXT_KEYS = (
    *_RECT_KEYS,
    "size",
    "min_size",
    "max_lines",
    "color",
    "font",
    "bold",
    "align",
    "valign",
    "line_height",
    "fields",
    "separator",
    "uppercase",
    "below",
    "gap",
    "pill",
    "logo",
    "max_items",
)
_VARIANT_KEYS = ("background", "background_to", "background_angle", "image", "shapes", *TEXT_ELEMENTS)
_SECTION_KEYS = ("wide", "square", "square_below", "min_contrast", "placeholder_palette")

#: Per-element defaults: (size, min_size, max_lines, font, bold, colour, fields)
_DEFAULTS: dict[str, tuple[float, float, int, str, bool, str, tuple[str, ...]]] = {
    "kicker": (22, 16, 1, "body", True, "accent", ("site",)),
    "title": (60, 32, 3, "heading", True, "text", ()),
    "description": (26, 20, 2, "body", False, "muted", ("description",)),
    "meta": (24, 18, 1, "body", False, "muted", ("authors", "date")),
    "tags": (20, 16, 1, "body", True, "accent", ("tags",)),
}


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
    image = None
    if "image" in raw:
        image = _image(table(raw, "image", where, prefix), colors, where, f"{prefix}.image")
    shapes_raw = raw.get("shapes", [])
    if not isinstance(shapes_raw, list):
        raise fail(where, f"{prefix}.shapes", f"expected a list of tables, got {shapes_raw!r}")
    shapes = tuple(_shape(s, colors, where, f"{prefix}.shapes[{i}]") for i, s in enumerate(shapes_raw))
    texts = tuple(
        _text(name, table(raw, name, where, prefix), colors, where, f"{prefix}.{name}")
        for name in TEXT_ELEMENTS
        if name in raw
    )
    names = {t.name for t in texts}
    for element in texts:
        if element.below and element.below not in names:
            raise fail(
                where, f"{prefix}.{element.name}.below", f"no element {element.below!r} in this layout"
            )
    if "title" not in names:
        raise fail(where, f"{prefix}.title", "missing (every social layout shows the title)")
    return Variant(
        background=color_ref(raw.get("background", "background"), colors, where, f"{prefix}.background"),
        background_to=color_ref(raw["background_to"], colors, where, f"{prefix}.background_to")
        if "background_to" in raw
        else "",
        background_angle=number(
            raw.get("background_angle", 90), where, f"{prefix}.background_angle", -360, 360
        ),
        image=image,
        shapes=shapes,
        texts=texts,
    )


def _rect(raw: Mapping[str, Any], where: str, prefix: str, default: tuple[float, ...] = (0, 0, 1, 1)) -> Rect:
    values = [
        number(raw.get(k, d), where, f"{prefix}.{k}", -1, 2) for k, d in zip(_RECT_KEYS, default, strict=True)
    ]
    if values[2] <= 0 or values[3] <= 0:
        raise fail(where, f"{prefix}.w", "width and height must be greater than 0")
    return Rect(*values)


def _image(raw: dict[str, Any], colors: Mapping[str, str], where: str, prefix: str) -> ImageArea:
    check_keys(raw, _IMAGE_KEYS, where, prefix)
    return ImageArea(
        rect=_rect(raw, where, prefix),
        radius=number(raw.get("radius", 0), where, f"{prefix}.radius", 0, 400),
        scrim=number(raw.get("scrim", 0), where, f"{prefix}.scrim", 0, 1),
        scrim_color=color_ref(raw.get("scrim_color", "#000000"), colors, where, f"{prefix}.scrim_color"),
        gradient=choice(raw.get("gradient", "none"), GRADIENTS, where, f"{prefix}.gradient"),
        gradient_strength=number(
            raw.get("gradient_strength", 0.0), where, f"{prefix}.gradient_strength", 0, 1
        ),
        gradient_extent=number(raw.get("gradient_extent", 1.0), where, f"{prefix}.gradient_extent", 0.05, 1),
    )


def _shape(raw: Any, colors: Mapping[str, str], where: str, prefix: str) -> Shape:
    if not isinstance(raw, Mapping):
        raise fail(where, prefix, f"expected a table, got {raw!r}")
    check_keys(raw, _SHAPE_KEYS, where, prefix)
    return Shape(
        rect=_rect(raw, where, prefix),
        color=color_ref(raw.get("color", "accent"), colors, where, f"{prefix}.color"),
        radius=number(raw.get("radius", 0), where, f"{prefix}.radius", 0, 400),
        layer=choice(raw.get("layer", "above"), ("above", "below"), where, f"{prefix}.layer"),
    )


def _text(name: str, raw: dict[str, Any], colors: Mapping[str, str], where: str, prefix: str) -> TextElement:
    check_keys(raw, _TEXT_KEYS, where, prefix)
    size_d, min_d, lines_d, font_d, bold_d, color_d, fields_d = _DEFAULTS[name]
    size = number(raw.get("size", size_d), where, f"{prefix}.size", 6, 400)
    min_size = number(raw.get("min_size", min(min_d, size)), where, f"{prefix}.min_size", 6, 400)
    if min_size > size:
        raise fail(where, f"{prefix}.min_size", f"must not exceed size ({size:g}), got {min_size:g}")
    fields_raw = raw.get("fields", list(fields_d))
    if not isinstance(fields_raw, list):
        raise fail(where, f"{prefix}.fields", f"expected a list of fields, got {fields_raw!r}")
    fields = tuple(choice(f, FIELDS, where, f"{prefix}.fields") for f in fields_raw)
    pill = raw.get("pill", "")
    return TextElement(
        name=name,
        rect=_rect(raw, where, prefix),
        size=size,
        min_size=min_size,
        max_lines=integer(raw.get("max_lines", lines_d), where, f"{prefix}.max_lines", 1, 12),
        color=color_ref(raw.get("color", color_d), colors, where, f"{prefix}.color"),
        font=text(raw.get("font", font_d), where, f"{prefix}.font"),
        bold=boolean(raw.get("bold", bold_d), where, f"{prefix}.bold"),
        align=choice(raw.get("align", "left"), ALIGNS, where, f"{prefix}.align"),
        valign=choice(raw.get("valign", "top"), VALIGNS, where, f"{prefix}.valign"),
        line_height=number(raw.get("line_height", 1.2), where, f"{prefix}.line_height", 0.8, 3),
        fields=fields,
        separator=text(raw.get("separator", "  ·  "), where, f"{prefix}.separator"),
        uppercase=boolean(raw.get("uppercase", False), where, f"{prefix}.uppercase"),
        below=text(raw.get("below", ""), where, f"{prefix}.below"),
        gap=number(raw.get("gap", 0), where, f"{prefix}.gap", 0, 400),
        pill=color_ref(pill, colors, where, f"{prefix}.pill") if pill else "",
        logo=boolean(raw.get("logo", False), where, f"{prefix}.logo"),
        max_items=integer(raw.get("max_items", 4), where, f"{prefix}.max_items", 1, 12),
    )


#: Used when a template has no `[social.wide]`: a calm light split layout from the palette.
_FALLBACK: dict[str, Any] = {
    "background": "background",
    "image": {"x": 0.62, "y": 0.0, "w": 0.38, "h": 1.0},
    "shapes": [{"x": 0, "y": 0.975, "w": 1, "h": 0.025, "color": "accent"}],
    "kicker": {"x": 0.06, "y": 0.11, "w": 0.5, "h": 0.06, "fields": ["site"]},
    "title": {"x": 0.06, "y": 0.22, "w": 0.5, "h": 0.5, "max_lines": 4},
    "meta": {"x": 0.06, "y": 0.8, "w": 0.5, "h": 0.08},
}
