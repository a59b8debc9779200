"""Placeholder art for pages without a featured image: a gradient and a geometric motif, never a flat box.

Everything derives from a hash of the title, so a page keeps its art across runs and machines, and
two pages at an outreach event rarely look alike. The motif is sized from the canvas area, so the
same title reads as the same picture at 1200×630, 1080×1080, 1920×1080 or a portrait card band.
Colours stay mid-to-dark so white title text on top stays readable.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
from collections.abc import Sequence

from PIL import Image, ImageColor, ImageDraw, ImageMath

#: (start, end, accent) — deep, saturated pairs that carry white text; accent draws the motif.
DEFAULT_PALETTES: tuple[tuple[str, str, str], ...] = (
    ("#312e81", "#7c3aed", "#c4b5fd"),  # indigo → violet
    ("#134e4a", "#0891b2", "#99f6e4"),  # deep teal → cyan
    ("#0c1e3e", "#1d4ed8", "#93c5fd"),  # navy → blue
    ("#4a044e", "#be185d", "#fbcfe8"),  # plum → rose
    ("#14532d", "#4d7c0f", "#d9f99d"),  # forest → moss
    ("#1e293b", "#0369a1", "#7dd3fc"),  # slate → sky
    ("#7c2d12", "#ea580c", "#fed7aa"),  # rust → orange
    ("#1c1917", "#b45309", "#fde68a"),  # charcoal → amber
    ("#083344", "#047857", "#6ee7b7"),  # ocean → emerald
    ("#4c0519", "#e11d48", "#fecdd3"),  # wine → coral
)

MOTIFS = ("rings", "dots", "triangles", "waves", "circles", "stripes")

_SUPERSAMPLE = 2  # motif drawn at 2× and reduced: anti-aliased edges without a vector library


def placeholder(
    title: str,
    size: tuple[int, int],
    palette: Sequence[str] | None = None,
    *,
    motif: str | None = None,
) -> Image.Image:
    """Deterministic RGB art for `title` at `size`.

    `palette` (hex colours, e.g. a template's accent and text colours) replaces the built-in
    palettes: the gradient runs between two of its colours, darkened if needed to carry white text.
    `motif` forces one of `MOTIFS` (otherwise chosen by the hash).
    """
    width, height = int(size[0]), int(size[1])
    if width <= 0 or height <= 0:
        raise ValueError(f"placeholder size must be positive, not {size!r}")
    digest = hashlib.sha256((title or "").strip().encode("utf-8")).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    start, end, accent = _pick_colours(digest, palette)
    angle = rng.uniform(15, 75) + (90 if digest[8] & 1 else 0)

    # Gradient and glow are smooth: compute them at 1/4 size and upscale (5× cheaper at 1920×1080).
    small = (max(2, -(-width // 4)), max(2, -(-height // 4)))
    base = _gradient(small[0], small[1], start, end, angle)
    glow_at = (rng.uniform(0.15, 0.85), rng.uniform(0.1, 0.9))
    base = _glow(base, accent, glow_at, strength=0.22).resize((width, height), Image.Resampling.BILINEAR)

    chosen = motif if motif in MOTIFS else MOTIFS[digest[9] % len(MOTIFS)]
    return _draw_motif(base, chosen, accent, rng)


def _pick_colours(digest: bytes, palette: Sequence[str] | None) -> tuple[RGB, RGB, RGB]:
    if not palette:
        s, e, a = DEFAULT_PALETTES[digest[10] % len(DEFAULT_PALETTES)]
        return _rgb(s), _rgb(e), _rgb(a)
    colours = [_rgb(c) for c in palette if c]
    if not colours:
        return _pick_colours(digest, None)
    # Anchor the hue on a colourful entry (an accent), never on a white or grey page background.
    colourful = [c for c in colours if _saturation(c) >= 0.25 and 20 < sum(c) / 3 < 240] or colours
    main = colourful[digest[10] % len(colourful)]
    h, lum, sat = colorsys.rgb_to_hls(*(v / 255 for v in main))
    shift = (0.06 if digest[11] & 1 else -0.06) + (digest[12] % 5 - 2) * 0.01
    start = _hls(h, min(lum, 0.22), max(sat, 0.45))
    end = _hls((h + shift) % 1.0, min(max(lum, 0.38), 0.48), max(sat, 0.55))
    accent = _hls((h - shift) % 1.0, 0.82, max(sat, 0.6))
    return start, end, accent


RGB = tuple[int, int, int]


def _rgb(value: str) -> RGB:
    r, g, b = ImageColor.getrgb(value)[:3]
    return r, g, b


def _hls(h: float, lum: float, sat: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(h, lum, min(sat, 1.0))
    return round(r * 255), round(g * 255), round(b * 255)


def _saturation(c: RGB) -> float:
    return colorsys.rgb_to_hls(*(v / 255 for v in c))[2]


def _gradient(width: int, height: int, start: RGB, end: RGB, angle_deg: float) -> Image.Image:
    """Linear gradient along `angle_deg`, eased so the middle is not muddy.

    The eased colour ramp is computed once along the gradient's axis (one sample per pixel of the
    diagonal) and laid over the image with an affine transform, which interpolates between samples.
    """
    theta = math.radians(angle_deg)
    dx, dy = math.cos(theta), math.sin(theta)
    # the position along the axis of a pixel centre is linear in x and y: its extremes are corners
    along = [(x + 0.5) * dx + (y + 0.5) * dy for x in (0, width - 1) for y in (0, height - 1)]
    low, span = min(along), max(max(along) - min(along), 1e-6)
    samples = max(2, math.ceil(math.hypot(width, height)) + 1)
    ramp = Image.new("RGB", (samples, 1))
    ramp.putdata([_mix(start, end, _smoothstep(i / (samples - 1))) for i in range(samples)])
    # output pixel centre (x + ½, y + ½) ↦ ramp coordinate (its position along the axis − low) / span
    k = (samples - 1) / span
    matrix = (dx * k, dy * k, 0.5 - low * k, 0.0, 0.0, 0.5)
    return ramp.transform((width, height), Image.Transform.AFFINE, matrix, Image.Resampling.BILINEAR)


def _smoothstep(t: float) -> float:
    return t * t * (3 - 2 * t)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _glow(img: Image.Image, colour: RGB, at: tuple[float, float], strength: float) -> Image.Image:
    """A soft radial light in the accent colour, so the gradient has depth.

    Its weight, `strength` × exp(−4 d²) for the distance d from `at` in units of ¾ of the diagonal,
    is the product of one profile along x and one along y."""
    width, height = img.size
    radius = 0.75 * math.hypot(width, height)
    across = Image.new("F", (width, 1))
    across.putdata([math.exp(-4.0 * ((x - at[0] * width) / radius) ** 2) for x in range(width)])
    down = Image.new("F", (1, height))
    down.putdata([255.0 * strength * math.exp(-4.0 * ((y - at[1] * height) / radius) ** 2) for y in range(height)])
    weight = ImageMath.lambda_eval(
        lambda e: e["x"] * e["y"] + 0.5,
        x=across.resize((width, height), Image.Resampling.NEAREST),
        y=down.resize((width, height), Image.Resampling.NEAREST),
    )
    return Image.composite(Image.new("RGB", img.size, colour), img, weight.convert("L"))


def _draw_motif(base: Image.Image, motif: str, accent: RGB, rng: random.Random) -> Image.Image:
    """Draw the motif as a coverage mask at 2× (anti-aliased once reduced) and paint the accent through it."""
    ss = _SUPERSAMPLE
    w, h = base.size[0] * ss, base.size[1] * ss
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    unit = math.sqrt(w * h) / 10  # the same motif density at any aspect ratio
    _DRAWERS[motif](draw, w, h, unit, rng)
    if ss > 1:
        mask = mask.reduce(ss)
    base.paste(accent, mask=mask)
    return base


def _alpha(alpha: float) -> int:
    return max(0, min(255, round(alpha * 255)))


def _draw_rings(draw: ImageDraw.ImageDraw, w: int, h: int, unit: float, rng: random.Random) -> None:
    corner = rng.choice([(0, 0), (w, 0), (0, h), (w, h)])
    cx = corner[0] + (rng.uniform(-0.15, 0.15) * w)
    cy = corner[1] + (rng.uniform(-0.15, 0.15) * h)
    gap = unit * rng.uniform(0.45, 0.7)
    line = max(2, round(unit * 0.05))
    reach = math.hypot(w, h) * 1.1
    n = int(reach / gap)
    for i in range(1, n + 1):
        r = i * gap
        alpha = 0.28 * (1 - i / (n + 1)) + 0.05
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=_alpha(alpha), width=line)
    # a second, smaller family of rings for rhythm
    ox, oy = w - cx if cx < w / 2 else w - cx, h - cy
    for i in range(1, 5):
        r = i * gap * 0.7
        draw.ellipse((ox - r, oy - r, ox + r, oy + r), outline=_alpha(0.12), width=line)


def _draw_dots(draw: ImageDraw.ImageDraw, w: int, h: int, unit: float, rng: random.Random) -> None:
    pitch = unit * rng.uniform(0.38, 0.5)
    fx, fy = rng.uniform(0.6, 1.0), rng.uniform(0.0, 1.0)
    far = math.hypot(w, h)
    rows = int(h / pitch) + 2
    cols = int(w / pitch) + 2
    for j in range(rows):
        for i in range(cols):
            x = i * pitch + (pitch / 2 if j % 2 else 0)
            y = j * pitch
            # halftone: dots grow towards a focus point on one side
            d = math.hypot(x - fx * w, y - fy * h) / far
            r = pitch * 0.36 * max(0.0, 1.0 - d * 1.4)
            if r < pitch * 0.04:
                continue
            draw.ellipse((x - r, y - r, x + r, y + r), fill=_alpha(0.32))


def _draw_triangles(draw: ImageDraw.ImageDraw, w: int, h: int, unit: float, rng: random.Random) -> None:
    cell = unit * rng.uniform(1.1, 1.5)
    tri_h = cell * math.sqrt(3) / 2
    rows = int(h / tri_h) + 2
    cols = int(w / cell) + 3
    tilt = rng.uniform(-0.4, 0.4)
    for j in range(rows):
        y0, y1 = j * tri_h, (j + 1) * tri_h
        shift = -cell / 2 if j % 2 else 0.0
        for i in range(-1, cols):
            x = i * cell + shift
            for up in (True, False):
                if up:
                    pts = [(x, y1), (x + cell, y1), (x + cell / 2, y0)]
                else:
                    pts = [(x + cell / 2, y0), (x + cell * 1.5, y0), (x + cell, y1)]
                cx = (x + cell / 2) / w
                cy = (y0 + tri_h / 2) / h
                # a gentle diagonal ramp plus per-facet jitter: a low-poly light
                level = 0.5 + (cx - 0.5) * 0.6 + (cy - 0.5) * tilt + rng.uniform(-0.18, 0.18)
                alpha = 0.04 + 0.22 * min(1.0, max(0.0, level))
                draw.polygon(pts, fill=_alpha(alpha))


def _draw_waves(draw: ImageDraw.ImageDraw, w: int, h: int, unit: float, rng: random.Random) -> None:
    gap = unit * rng.uniform(0.28, 0.38)
    amp = unit * rng.uniform(0.35, 0.7)
    freq = rng.uniform(1.2, 2.2) * 2 * math.pi / w
    phase = rng.uniform(0, 2 * math.pi)
    drift = rng.uniform(0.15, 0.35)
    line = max(2, round(unit * 0.035))
    n = int((h + 2 * amp) / gap) + 2
    steps = max(48, w // 32)
    for k in range(n):
        base_y = -amp + k * gap
        pts = []
        for s in range(steps + 1):
            x = w * s / steps
            y = base_y + amp * math.sin(freq * x + phase + k * drift) * (0.6 + 0.4 * math.sin(k * 0.3))
            pts.append((x, y))
        alpha = 0.1 + 0.2 * (0.5 + 0.5 * math.sin(k * 0.45 + phase))
        draw.line(pts, fill=_alpha(alpha), width=line, joint="curve")


def _draw_circles(draw: ImageDraw.ImageDraw, w: int, h: int, unit: float, rng: random.Random) -> None:
    for _ in range(7):
        r = unit * rng.uniform(1.5, 4.0)
        x = rng.uniform(-0.1, 1.1) * w
        y = rng.uniform(-0.1, 1.1) * h
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_alpha(rng.uniform(0.07, 0.14)))
    line = max(2, round(unit * 0.04))
    for _ in range(3):
        r = unit * rng.uniform(0.8, 2.2)
        x = rng.uniform(0.1, 0.9) * w
        y = rng.uniform(0.1, 0.9) * h
        draw.ellipse((x - r, y - r, x + r, y + r), outline=_alpha(0.3), width=line)


def _draw_stripes(draw: ImageDraw.ImageDraw, w: int, h: int, unit: float, rng: random.Random) -> None:
    angle = math.radians(rng.choice([30, 45, 60, 120, 135, 150]))
    dx, dy = math.cos(angle), math.sin(angle)
    nx, ny = -dy, dx  # stripe normal
    span = math.hypot(w, h)
    x_mid, y_mid = w / 2, h / 2
    offset = -span / 2
    while offset < span / 2:
        band = unit * rng.uniform(0.15, 0.9)
        gap = unit * rng.uniform(0.2, 0.8)
        alpha = rng.uniform(0.06, 0.2)
        a0, a1 = offset, offset + band
        pts = [
            (x_mid + nx * a0 - dx * span, y_mid + ny * a0 - dy * span),
            (x_mid + nx * a0 + dx * span, y_mid + ny * a0 + dy * span),
            (x_mid + nx * a1 + dx * span, y_mid + ny * a1 + dy * span),
            (x_mid + nx * a1 - dx * span, y_mid + ny * a1 - dy * span),
        ]
        draw.polygon(pts, fill=_alpha(alpha))
        offset = a1 + gap


_DRAWERS = {
    "rings": _draw_rings,
    "dots": _draw_dots,
    "triangles": _draw_triangles,
    "waves": _draw_waves,
    "circles": _draw_circles,
    "stripes": _draw_stripes,
}
