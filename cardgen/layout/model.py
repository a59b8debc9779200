"""The scene model: what a backend is told to draw, with every decision already taken.

A `Scene` is a canvas (size in `unit`: "px" for social images, "mm" for card sides) with a background
and an ordered tuple of nodes. Coordinates of every node are in the scene's unit, relative to the
canvas's top-left corner (for cards: the trim's top-left corner; the bleed lies at negative
coordinates and beyond the trim size). Backends draw nodes in order and never measure, fit, crop or
choose content: text arrives as positioned lines, pictures as crop specs, QR codes as module matrices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

from cardgen.page import FocalPoint
from cardgen.units import Rect

Unit = Literal["px", "mm"]
Fit = Literal["cover", "contain", "auto"]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Background:
    color: str
    color_to: str = ""  # a linear gradient towards this colour when set
    angle: float = 90.0  # degrees; 0 = left → right, 90 = top → bottom


@dataclass(frozen=True)
class Line:
    """One line of text: its left edge and baseline (scene units) and its advance width."""

    text: str
    x: float
    baseline: float
    width: float


@dataclass(frozen=True)
class TextBox:
    """Fitted text. `rect` is the extent the lines occupy; `lines` carry their own positions.

    `size` is in points for mm scenes (print type) and in pixels for px scenes. `min_contrast` asks the
    raster backend to keep the text legible over pixels it cannot know in advance (a photograph): it
    shades under the text until the ratio is met (SPEC §3.2); 0 means the colours are final."""

    name: str
    rect: Rect
    lines: tuple[Line, ...]
    size: float
    line_height: float  # distance between baselines, scene units
    color: str
    family: str = "Noto Sans"
    bold: bool = False
    italic: bool = False
    align: Align = "left"
    direction: Literal["ltr", "rtl"] = "ltr"
    lang: str | None = None
    truncated: bool = False
    missing: tuple[str, ...] = ()
    min_contrast: float = 0.0
    background: str = ""  # the solid colour known to lie under the text ("" = pixels of the scene)
    # Inline formulas whose plain reading is inexact ("ϕ_T" → its LaTeX): wherever a line shows that
    # reading, backends draw the typeset formula (`cardgen.math`) on the line's baseline instead.
    formulas: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Overlay:
    """A tint over a picture: a uniform scrim plus an eased gradient towards one side."""

    scrim: float = 0.0
    color: str = "#000000"
    gradient: Literal["none", "top", "bottom", "left", "right"] = "none"
    strength: float = 0.0
    extent: float = 1.0

    @property
    def visible(self) -> bool:
        return self.scrim > 0 or (self.gradient != "none" and self.strength > 0)


@dataclass(frozen=True)
class CropSpec:
    """Which pixels: the `source` ("featured" image of the page, or "logo" of the site), cut at
    `focal_point` to exactly `pixels` (cover), or scaled whole into them (contain)."""

    source: Literal["featured", "logo"]
    pixels: tuple[int, int]
    focal_point: FocalPoint = FocalPoint.SMART


@dataclass(frozen=True)
class ImageBox:
    """A picture filling `rect`; with `clip`, it is drawn at `rect` but only `clip` shows (a card's
    picture is always cut for its full bleed, so an imposed sheet shows the same crop)."""

    name: str
    rect: Rect
    crop: CropSpec
    fit: Fit = "cover"
    overlay: Overlay = field(default_factory=Overlay)
    radius: float = 0.0
    clip: Rect | None = None
    opacity: float = 1.0
    surface: str = "#ffffff"  # behind contained or transparent art: the template's `surface` colour


@dataclass(frozen=True)
class Shape:
    """A filled rectangle (rounded with `radius`), possibly translucent."""

    rect: Rect
    color: str
    radius: float = 0.0
    opacity: float = 1.0
    name: str = ""


@dataclass(frozen=True)
class QR:
    """A QR symbol: a light tile of side `rect.w` (the quiet zone included) and dark modules."""

    rect: Rect
    url: str
    matrix: tuple[tuple[bool, ...], ...]
    module: float
    quiet: int
    color: str = "#000000"
    tile: str = "#ffffff"


@dataclass(frozen=True)
class Math:
    """Typeset math (LaTeX source kept for alt text); drawn by the math engine's vector output."""

    rect: Rect
    latex: str
    size: float
    color: str
    display: bool = False


Node = Union[TextBox, ImageBox, Shape, QR, Math]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class Scene:
    size: tuple[float, float]
    unit: Unit
    background: Background
    nodes: tuple[Node, ...]
    bleed: float = 0.0  # how far the background and full-bleed nodes reach beyond the canvas
    safe: Rect | None = None  # where text was kept (social: the platform-safe band)
    diagnostics: tuple[str, ...] = ()
    name: str = ""  # "social", "front", "back"

    def texts(self) -> tuple[TextBox, ...]:
        return tuple(n for n in self.nodes if isinstance(n, TextBox))

    def text(self, name: str) -> TextBox | None:
        return next((n for n in self.texts() if n.name == name), None)

    def images(self) -> tuple[ImageBox, ...]:
        return tuple(n for n in self.nodes if isinstance(n, ImageBox))

    def qr(self) -> QR | None:
        return next((n for n in self.nodes if isinstance(n, QR)), None)
