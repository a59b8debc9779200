"""Print geometry shared by single cards and imposed sheets: trim sizes, bleed, mark area (mm)."""

from __future__ import annotations

from cardgen.errors import UsageError

#: name → (width, height) in mm, portrait. Business cards follow ISO 7810 ID-1-ish 85×55.
SIZES: dict[str, tuple[float, float]] = {
    "a6": (105.0, 148.0),
    "a5": (148.0, 210.0),
    "postcard": (101.6, 152.4),
    "5x7": (127.0, 177.8),
    "business": (55.0, 85.0),
}
US_SIZES = ("postcard", "5x7")
ORIENTATIONS = ("portrait", "landscape")
BLEED_MM = 3.0
US_BLEED_MM = 3.175  # 0.125 in
MARK_AREA_MM = 6.0  # room for crop marks beyond the bleed
MARK_GAP_MM = 1.0  # crop marks start this far outside the bleed, so trimming never shows them


def card_size(size: str = "a6", orientation: str = "portrait") -> tuple[float, float]:
    """Trim (width, height) in mm; landscape swaps so the width is the long side."""
    name = (size or "a6").strip().lower()
    if name not in SIZES:
        raise UsageError(f"--size: expected one of {', '.join(SIZES)}, got {size!r}")
    orient = (orientation or "portrait").strip().lower()
    if orient not in ORIENTATIONS:
        raise UsageError(f"--orientation: expected portrait or landscape, got {orientation!r}")
    short, long = sorted(SIZES[name])
    return (long, short) if orient == "landscape" else (short, long)


def default_bleed(size: str) -> float:
    """3 mm, or 0.125 in for the US sizes (what US print shops ask for)."""
    return US_BLEED_MM if (size or "").strip().lower() in US_SIZES else BLEED_MM


def check_bleed(bleed_mm: float | None, size: str) -> float:
    if bleed_mm is None:
        return default_bleed(size)
    if not 0 <= bleed_mm <= 10:
        raise UsageError(f"--bleed: expected millimetres from 0 to 10, got {bleed_mm:g}")
    return float(bleed_mm)
