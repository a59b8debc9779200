"""Generate samples/mlphys/featured.jpg: a 12 MP, photo-like scene (deterministic).

The scene has a bright, saturated subject off-centre (a glowing lattice of particles) over a dark,
grainy gradient, so focal-point crops and the Smart saliency crop have something real to find.
Run: python scripts/make_sample_image.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

W, H = 4000, 3000
OUT = Path(__file__).resolve().parent.parent / "samples" / "mlphys" / "featured.jpg"


def render() -> Image.Image:
    rng = np.random.default_rng(2020)
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    u, v = x / W, y / H
    # Muted slate gradient background (low saturation, like a dim lab), lighter towards the top left.
    shade = 0.16 + 0.10 * (1 - v) + 0.05 * (1 - u)
    base = np.stack([shade * 0.92, shade * 0.98, shade * 1.08], axis=-1)
    # Faint interference fringes across the frame.
    fringes = 0.5 + 0.5 * np.sin(40 * np.hypot(u - 0.2, v - 0.9))
    base += 0.025 * fringes[..., None]
    # The subject: a lattice of glowing particles centred at (0.68, 0.42) of the frame.
    cx, cy = 0.68 * W, 0.42 * H
    glow = np.zeros((H, W), np.float32)
    hue = np.zeros((H, W, 3), np.float32)
    palette = np.array([[1.0, 0.55, 0.15], [0.95, 0.25, 0.45], [0.35, 0.85, 1.0]], np.float32)
    for i in range(-4, 5):
        for j in range(-3, 4):
            px = cx + i * 150 + j * 75 + rng.normal(0, 12)
            py = cy + j * 130 + rng.normal(0, 12)
            r = 38 + 18 * np.cos(i * 0.7 + j)
            if np.hypot(px - cx, (py - cy) * 1.15) > 640:
                continue
            x0, x1 = int(max(px - 6 * r, 0)), int(min(px + 6 * r, W))
            y0, y1 = int(max(py - 6 * r, 0)), int(min(py + 6 * r, H))
            d2 = ((x[y0:y1, x0:x1] - px) ** 2 + (y[y0:y1, x0:x1] - py) ** 2) / (r * r)
            g = np.exp(-(d2**2)) + 0.18 * np.exp(-d2 / 6)  # crisp disc with a soft halo
            glow[y0:y1, x0:x1] += g
            hue[y0:y1, x0:x1] += g[..., None] * palette[(i + j) % 3]
    colour = hue / np.maximum(glow, 1e-6)[..., None]
    light = 1 - np.exp(-1.6 * glow)
    img = base * (1 - light[..., None]) + colour * light[..., None]
    img += rng.normal(0, 0.012, size=(H, W, 1)).astype(np.float32)  # sensor grain
    pil = Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8), "RGB")
    return pil.filter(ImageFilter.GaussianBlur(0.4))


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    render().save(OUT, "JPEG", quality=82, optimize=True, progressive=True)
    print(f"{OUT} {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
