"""Colour arithmetic shared by the renderers: hex → RGB, WCAG relative luminance and contrast."""

from __future__ import annotations


def rgb(colour: str) -> tuple[int, int, int]:
    """'#1f2328' (or '#1f2328ff') → (31, 35, 40)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour, 0 (black) … 1 (white)."""

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: float, b: float) -> float:
    """WCAG contrast ratio of two relative luminances (1 … 21)."""
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def readable_on(background: str, light: str = "#ffffff", dark: str = "#1f2328") -> str:
    """Whichever of `light` and `dark` text contrasts more with `background`."""
    bg = relative_luminance(background)
    light_ratio = contrast_ratio(relative_luminance(light), bg)
    return light if light_ratio >= contrast_ratio(relative_luminance(dark), bg) else dark


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two hex colours."""
    return contrast_ratio(relative_luminance(a), relative_luminance(b))


def mix(a: str, b: str, t: float) -> str:
    """`a` moved a share `t` (0 … 1) of the way to `b`, as hex."""
    ra, rb = rgb(a), rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ra, rb, strict=True))


def ensure_contrast(colour: str, background: str, minimum: float = 4.5) -> str:
    """`colour` itself when it reaches `minimum` against `background` (WCAG AA for text is 4.5), else the
    smallest step of it towards black or white that does — the hue stays recognisable (an orange link
    becomes a darker orange, not black)."""
    if contrast(colour, background) >= minimum:
        return colour
    best = None
    for target in ("#000000", "#ffffff"):
        for step in range(1, 21):
            candidate = mix(colour, target, step / 20)
            if contrast(candidate, background) >= minimum:
                if best is None or step < best[0]:
                    best = (step, candidate)
                break
    return best[1] if best else readable_on(background, "#ffffff", "#000000")
