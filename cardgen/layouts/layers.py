"""Layer lists in template.toml: the shared schema of social variants and card sides.

A social variant or a card side is an ordered list of layers, each a table with `kind`::

    [[card.front.layers]]
    kind = "image"                       # the featured image (placeholder art when there is none)
    box = { x = 0, y = 0, w = 105, h = 68 }
    fit = "auto"                         # cover | contain | auto (contain for logos and diagrams)
    [[card.front.layers]]
    kind = "text"
    field = "title"                      # any page field (see cardgen.layout.fields), or text = "…"
    box = { x = 7, y = 76, w = 91, h = 30 }
    size = 17
    min_size = 11
    max_lines = 3

Kinds: `text` (lines fitted into the box), `pills` (tags as a row of rounded labels), `image`, `shape`
(a filled rectangle) and `qr` (a QR code to the page's main URL). Boxes are fractions of the canvas
for social images and millimetres on the reference card for cards (see `cardgen.layouts.card`).
Every key is validated: unknown keys and bad values are one-line errors naming file and key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

from cardgen.layouts import boolean, check_keys, choice, color_ref, fail, integer, number, text
from cardgen.units import Rect

KINDS = ("text", "pills", "image", "shape", "qr")
ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")
FITS = ("cover", "contain", "auto")
GRADIENTS = ("none", "top", "bottom", "left", "right")


@dataclass(frozen=True)
class Limits:
    """What geometry and type sizes may be for one output (fractions vs mm, px vs pt)."""

    box_lo: float
    box_hi: float
    size_lo: float
    size_hi: float
    gap_hi: float = 400.0  # `gap` is in type units (px at the reference size, mm on cards)


@dataclass(frozen=True)
class TextLayer:
    name: str
    box: Rect
    fields: tuple[str, ...]  # page fields joined by `separator`; empty when `text` is given
    text: str  # literal text
    size: float
    min_size: float
    max_lines: int
    color: str
    font: str = "body"  # "heading", "body", "mono" or a family name
    bold: bool = False
    italic: bool = False
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    line_height: float = 1.2
    separator: str = "  ·  "
    uppercase: bool = False
    below: str = ""  # a layer this one follows: its top moves down to that layer's drawn bottom + gap
    gap: float = 0.0
    pill: str = ""  # colour of a rounded box behind the text ("" = none)
    logo: bool = False  # the site's raster logo before the text
    max_items: int = 4  # list fields (tags, authors, links): how many at most
    link_color: str = ""  # `field = "links"`: colour of the addresses ("" = `color`)


@dataclass(frozen=True)
class PillsLayer:
    name: str
    box: Rect
    field: str  # "tags" or "categories"
    size: float
    min_size: float
    color: str
    pill: str
    font: str = "body"
    bold: bool = True
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    line_height: float = 1.2
    uppercase: bool = False
    max_items: int = 4
    below: str = ""
    gap: float = 0.0


@dataclass(frozen=True)
class ImageLayer:
    name: str
    box: Rect
    fit: Literal["cover", "contain", "auto"] = "auto"
    radius: float = 0.0
    scrim: float = 0.0
    scrim_color: str = "#000000"
    gradient: Literal["none", "top", "bottom", "left", "right"] = "none"
    gradient_strength: float = 0.0
    gradient_extent: float = 1.0
    caption: bool = False  # print the image credit (image.caption) inside the picture
    below: str = ""
    gap: float = 0.0


@dataclass(frozen=True)
class ShapeLayer:
    name: str
    box: Rect
    color: str
    radius: float = 0.0
    opacity: float = 1.0
    below: str = ""
    gap: float = 0.0


@dataclass(frozen=True)
class QRLayer:
    name: str
    box: Rect  # the tile (symbol and quiet zone) is the largest square in the box, at its bottom right
    color: str = "#000000"
    tile: str = "#ffffff"
    below: str = ""
    gap: float = 0.0


Layer = Union[TextLayer, PillsLayer, ImageLayer, ShapeLayer, QRLayer]  # noqa: UP007 - a runtime alias

_COMMON = ("kind", "name", "box", "below", "gap")
_TEXT_KEYS = (
    *_COMMON,
    "field",
    "fields",
    "text",
    "size",
    "min_size",
    "max_lines",
    "color",
    "font",
    "bold",
    "italic",
    "align",
    "valign",
    "line_height",
    "separator",
    "uppercase",
    "pill",
    "logo",
    "max_items",
    "link_color",
)
_PILLS_KEYS = (
    *_COMMON,
    "field",
    "size",
    "min_size",
    "color",
    "pill",
    "font",
    "bold",
    "align",
    "valign",
    "line_height",
    "uppercase",
    "max_items",
)
_IMAGE_KEYS = (
    *_COMMON,
    "fit",
    "radius",
    "scrim",
    "scrim_color",
    "gradient",
    "gradient_strength",
    "gradient_extent",
    "caption",
)
_SHAPE_KEYS = (*_COMMON, "color", "radius", "opacity")
_QR_KEYS = (*_COMMON, "color", "tile")

#: Type defaults by field: (size, min_size, max_lines, font, bold, colour) at the output's reference scale.
TextDefaults = Mapping[str, tuple[float, float, int, str, bool, str]]


def parse_layers(
    raw: Any,
    *,
    fields: Sequence[str],
    defaults: TextDefaults,
    limits: Limits,
    colors: Mapping[str, str],
    where: str,
    prefix: str,
    kinds: Sequence[str] = KINDS,
) -> tuple[Layer, ...]:
    """Validate a `[[… .layers]]` array of tables; `fields` are the field names text layers may show."""
    if not isinstance(raw, list):
        raise fail(where, prefix, f"expected an array of tables ([[{prefix}]]), got {raw!r}")
    layers: list[Layer] = []
    names: set[str] = set()
    for index, item in enumerate(raw):
        key = f"{prefix}[{index}]"
        if not isinstance(item, Mapping):
            raise fail(where, key, f"expected a table, got {item!r}")
        kind = choice(item.get("kind"), kinds, where, f"{key}.kind")
        layer = _PARSERS[kind](dict(item), fields, defaults, limits, colors, where, key)
        if layer.name in names:
            raise fail(
                where, f"{key}.name", f"another layer is already called {layer.name!r}; give this one a name"
            )
        if layer.below and layer.below not in names:
            raise fail(where, f"{key}.below", f"no layer {layer.below!r} before this one")
        names.add(layer.name)
        layers.append(layer)
    return tuple(layers)


def _box(raw: Mapping[str, Any], limits: Limits, where: str, key: str) -> Rect:
    box = raw.get("box")
    if not isinstance(box, Mapping):
        raise fail(
            where, f"{key}.box", f"expected a table like {{ x = 0, y = 0, w = 1, h = 1 }}, got {box!r}"
        )
    check_keys(box, ("x", "y", "w", "h"), where, f"{key}.box")
    values = []
    for axis in ("x", "y", "w", "h"):
        if axis not in box:
            raise fail(where, f"{key}.box.{axis}", "missing")
        values.append(number(box[axis], where, f"{key}.box.{axis}", limits.box_lo, limits.box_hi))
    if values[2] <= 0 or values[3] <= 0:
        raise fail(where, f"{key}.box", "width and height must be greater than 0")
    return Rect(*values)


def _field(value: Any, fields: Sequence[str], where: str, key: str) -> str:
    """A page field name, or `page.<front-matter key>` for a raw value of the page's front matter."""
    if isinstance(value, str) and value.startswith("page.") and len(value) > 5:
        return value
    if value not in fields:
        raise fail(
            where,
            key,
            f"unknown field {value!r} (expected one of {', '.join(fields)}, or page.<front-matter key>)",
        )
    return str(value)


def _flow(raw: Mapping[str, Any], limits: Limits, where: str, key: str) -> dict[str, Any]:
    return {
        "below": text(raw.get("below", ""), where, f"{key}.below"),
        "gap": number(raw.get("gap", 0), where, f"{key}.gap", 0, limits.gap_hi),
    }


def _text(
    raw: dict[str, Any],
    fields: Sequence[str],
    defaults: TextDefaults,
    limits: Limits,
    colors: Mapping[str, str],
    where: str,
    key: str,
) -> TextLayer:
    check_keys(raw, _TEXT_KEYS, where, key)
    given = [k for k in ("field", "fields", "text") if k in raw]
    if len(given) != 1:
        raise fail(
            where, key, 'give exactly one of field = "title", fields = ["authors", "date"] or text = "…"'
        )
    literal = ""
    chosen: tuple[str, ...] = ()
    if "text" in raw:
        literal = text(raw["text"], where, f"{key}.text")
    elif "field" in raw:
        chosen = (_field(raw["field"], fields, where, f"{key}.field"),)
    else:
        value = raw["fields"]
        if not isinstance(value, list) or not value:
            raise fail(where, f"{key}.fields", f"expected a list of fields, got {value!r}")
        chosen = tuple(_field(f, fields, where, f"{key}.fields") for f in value)
    first = chosen[0] if chosen else "text"
    size_d, min_d, lines_d, font_d, bold_d, color_d = defaults.get(first, defaults["text"])
    size = number(raw.get("size", size_d), where, f"{key}.size", limits.size_lo, limits.size_hi)
    min_size = number(
        raw.get("min_size", min(min_d, size)), where, f"{key}.min_size", limits.size_lo, limits.size_hi
    )
    if min_size > size:
        raise fail(where, f"{key}.min_size", f"must not exceed size ({size:g}), got {min_size:g}")
    pill = raw.get("pill", "")
    return TextLayer(
        name=text(raw.get("name", first), where, f"{key}.name"),
        box=_box(raw, limits, where, key),
        fields=chosen,
        text=literal,
        size=size,
        min_size=min_size,
        max_lines=integer(raw.get("max_lines", lines_d), where, f"{key}.max_lines", 1, 40),
        color=color_ref(raw.get("color", color_d), colors, where, f"{key}.color"),
        font=text(raw.get("font", font_d), where, f"{key}.font"),
        bold=boolean(raw.get("bold", bold_d), where, f"{key}.bold"),
        italic=boolean(raw.get("italic", False), where, f"{key}.italic"),
        align=choice(raw.get("align", "left"), ALIGNS, where, f"{key}.align"),  # type: ignore[arg-type]
        valign=choice(raw.get("valign", "top"), VALIGNS, where, f"{key}.valign"),  # type: ignore[arg-type]
        line_height=number(raw.get("line_height", 1.2), where, f"{key}.line_height", 0.8, 3),
        separator=text(raw.get("separator", "  ·  "), where, f"{key}.separator"),
        uppercase=boolean(raw.get("uppercase", False), where, f"{key}.uppercase"),
        pill=color_ref(pill, colors, where, f"{key}.pill") if pill else "",
        logo=boolean(raw.get("logo", False), where, f"{key}.logo"),
        max_items=integer(raw.get("max_items", 4), where, f"{key}.max_items", 1, 40),
        link_color=color_ref(raw["link_color"], colors, where, f"{key}.link_color")
        if "link_color" in raw
        else "",
        **_flow(raw, limits, where, key),
    )


def _pills(
    raw: dict[str, Any],
    fields: Sequence[str],
    defaults: TextDefaults,
    limits: Limits,
    colors: Mapping[str, str],
    where: str,
    key: str,
) -> PillsLayer:
    check_keys(raw, _PILLS_KEYS, where, key)
    field = choice(raw.get("field", "tags"), ("tags", "categories"), where, f"{key}.field")
    size_d, min_d, _lines, font_d, _bold, color_d = defaults.get("tags", defaults["text"])
    size = number(raw.get("size", size_d), where, f"{key}.size", limits.size_lo, limits.size_hi)
    min_size = number(
        raw.get("min_size", min(min_d, size)), where, f"{key}.min_size", limits.size_lo, limits.size_hi
    )
    if min_size > size:
        raise fail(where, f"{key}.min_size", f"must not exceed size ({size:g}), got {min_size:g}")
    return PillsLayer(
        name=text(raw.get("name", field), where, f"{key}.name"),
        box=_box(raw, limits, where, key),
        field=field,
        size=size,
        min_size=min_size,
        color=color_ref(raw.get("color", color_d), colors, where, f"{key}.color"),
        pill=color_ref(raw.get("pill", "accent"), colors, where, f"{key}.pill"),
        font=text(raw.get("font", font_d), where, f"{key}.font"),
        bold=boolean(raw.get("bold", True), where, f"{key}.bold"),
        align=choice(raw.get("align", "left"), ALIGNS, where, f"{key}.align"),  # type: ignore[arg-type]
        valign=choice(raw.get("valign", "top"), VALIGNS, where, f"{key}.valign"),  # type: ignore[arg-type]
        line_height=number(raw.get("line_height", 1.2), where, f"{key}.line_height", 0.8, 3),
        uppercase=boolean(raw.get("uppercase", False), where, f"{key}.uppercase"),
        max_items=integer(raw.get("max_items", 4), where, f"{key}.max_items", 1, 40),
        **_flow(raw, limits, where, key),
    )


def _image(
    raw: dict[str, Any],
    fields: Sequence[str],
    defaults: TextDefaults,
    limits: Limits,
    colors: Mapping[str, str],
    where: str,
    key: str,
) -> ImageLayer:
    check_keys(raw, _IMAGE_KEYS, where, key)
    return ImageLayer(
        name=text(raw.get("name", "image"), where, f"{key}.name"),
        box=_box(raw, limits, where, key),
        fit=choice(raw.get("fit", "auto"), FITS, where, f"{key}.fit"),  # type: ignore[arg-type]
        radius=number(raw.get("radius", 0), where, f"{key}.radius", 0, 400),
        scrim=number(raw.get("scrim", 0), where, f"{key}.scrim", 0, 1),
        scrim_color=color_ref(raw.get("scrim_color", "#000000"), colors, where, f"{key}.scrim_color"),
        gradient=choice(raw.get("gradient", "none"), GRADIENTS, where, f"{key}.gradient"),  # type: ignore[arg-type]
        gradient_strength=number(raw.get("gradient_strength", 0.0), where, f"{key}.gradient_strength", 0, 1),
        gradient_extent=number(raw.get("gradient_extent", 1.0), where, f"{key}.gradient_extent", 0.05, 1),
        caption=boolean(raw.get("caption", False), where, f"{key}.caption"),
        **_flow(raw, limits, where, key),
    )


def _shape(
    raw: dict[str, Any],
    fields: Sequence[str],
    defaults: TextDefaults,
    limits: Limits,
    colors: Mapping[str, str],
    where: str,
    key: str,
) -> ShapeLayer:
    check_keys(raw, _SHAPE_KEYS, where, key)
    return ShapeLayer(
        name=text(raw.get("name", f"shape-{key.rsplit('[', 1)[-1].rstrip(']')}"), where, f"{key}.name"),
        box=_box(raw, limits, where, key),
        color=color_ref(raw.get("color", "accent"), colors, where, f"{key}.color"),
        radius=number(raw.get("radius", 0), where, f"{key}.radius", 0, 400),
        opacity=number(raw.get("opacity", 1), where, f"{key}.opacity", 0, 1),
        **_flow(raw, limits, where, key),
    )


def _qr(
    raw: dict[str, Any],
    fields: Sequence[str],
    defaults: TextDefaults,
    limits: Limits,
    colors: Mapping[str, str],
    where: str,
    key: str,
) -> QRLayer:
    check_keys(raw, _QR_KEYS, where, key)
    return QRLayer(
        name=text(raw.get("name", "qr"), where, f"{key}.name"),
        box=_box(raw, limits, where, key),
        color=color_ref(raw.get("color", "#000000"), colors, where, f"{key}.color"),
        tile=color_ref(raw.get("tile", "#ffffff"), colors, where, f"{key}.tile"),
        **_flow(raw, limits, where, key),
    )


_PARSERS: dict[str, Any] = {"text": _text, "pills": _pills, "image": _image, "shape": _shape, "qr": _qr}
