"""Text decorations of a social layout (the small accent shapes that mark a text layer: the tick
before the site name, the bar above it), and the layout flipped for right-to-left text.

A template draws them for left-to-right text. They belong to their text, so they go with it: a
right-to-left page sets its text flush right, and its layout is flipped within the text column, marks
included (the tick then ends where the title ends, and the site name stops before it); a text layer
that shows nothing this time (a page without a site name) takes its mark with it, which would
otherwise stand alone.

A decoration is a shape layer at most a fifth of the canvas wide and 6 % high, next to a text layer:
starting no more than 5 % of the width left of it and before its end, and no more than 5 % of the
height above or below it (the nearest such text layer is the one it marks).
"""

from __future__ import annotations

from dataclasses import replace

from cardgen.layouts.layers import ImageLayer, Layer, PillsLayer, ShapeLayer, TextLayer
from cardgen.units import Rect

MAX_W, MAX_H = 0.2, 0.06
REACH_X, REACH_Y = 0.05, 0.05
FULL_BLEED = 0.9  # a picture over this share of the canvas is its background


def decorations(layers: tuple[Layer, ...]) -> dict[int, int]:
    """Index of each decorating shape layer → index of the text layer it marks."""
    marks: dict[int, int] = {}
    for i, shape in enumerate(layers):
        if not isinstance(shape, ShapeLayer) or shape.box.w > MAX_W or shape.box.h > MAX_H:
            continue
        best: tuple[float, int] | None = None
        for j, text in enumerate(layers):
            if not isinstance(text, TextLayer):
                continue
            s, t = shape.box, text.box
            if not (t.x - REACH_X <= s.x < t.right):
                continue
            gap = max(t.y - s.bottom, s.y - t.bottom, 0.0)
            if gap <= REACH_Y and (best is None or gap < best[0]):
                best = (gap, j)
        if best is not None:
            marks[i] = best[1]
    return marks


def mirrored(layers: tuple[Layer, ...], marks: dict[int, int]) -> tuple[Layer, ...]:
    """The layout for a right-to-left page: its text layers, tag pills and their decorations flipped
    within the span they share (the text column), so what sat at the start of a line sits at its end
    (the authors flush right, the tags at the left), and each mark at the end its text now starts from.
    Pictures, other shapes and text set on a picture stay where they are."""
    # text set on a picture (a credit on a photo band) keeps its place: the picture does not move; a
    # full-bleed picture is the background, not a place
    pictures = [layer.box for layer in layers if isinstance(layer, ImageLayer) and layer.box.w * layer.box.h < FULL_BLEED]
    column = [i for i, layer in enumerate(layers) if isinstance(layer, (TextLayer, PillsLayer))
              and not any(_overlap(layer.box, box) for box in pictures)]
    moving = column + [i for i, j in marks.items() if j in column]
    if not moving:
        return layers
    left = min(layers[i].box.x for i in moving)
    right = max(layers[i].box.right for i in moving)
    out = list(layers)
    for i in moving:
        out[i] = replace(layers[i], box=_flip(layers[i].box, left, right))
    return tuple(out)


def _overlap(a: Rect, b: Rect) -> bool:
    return min(a.right, b.right) > max(a.x, b.x) and min(a.bottom, b.bottom) > max(a.y, b.y)


def _flip(box: Rect, left: float, right: float) -> Rect:
    return Rect(left + right - box.right, box.y, box.w, box.h)
