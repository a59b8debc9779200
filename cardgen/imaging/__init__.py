"""Imaging shared by every output: safe decode, focal-point crops (fixed anchors and Smart), placeholders.

SPEC §2 "Imaging". Renderers decode the featured image once (`open_image` with the largest output
size, or a `CropCache`), then cut each output's crop with `focal_crop` / `focal_crop_result`; the
pptx backend asks `crop_box` for the kept region and crops natively.
"""

from __future__ import annotations

from cardgen.imaging.art import DEFAULT_PALETTES, MOTIFS, placeholder
from cardgen.imaging.cache import CropCache
from cardgen.imaging.crop import (
    ANCHOR_FRACTIONS,
    CropResult,
    anchor_of,
    crop_box,
    dpi_warning,
    effective_dpi,
    focal_crop,
    focal_crop_result,
)
from cardgen.imaging.decode import (
    DEFAULT_MAX_PIXELS,
    INFO_PATH,
    INFO_SOURCE_SIZE,
    needed_decode_size,
    open_image,
    to_pptx_compatible,
)
from cardgen.imaging.smartcrop import smart_crop_box

__all__ = [
    "ANCHOR_FRACTIONS",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_PALETTES",
    "INFO_PATH",
    "INFO_SOURCE_SIZE",
    "MOTIFS",
    "CropCache",
    "CropResult",
    "crop_box",
    "dpi_warning",
    "effective_dpi",
    "focal_crop",
    "focal_crop_result",
    "needed_decode_size",
    "anchor_of",
    "open_image",
    "placeholder",
    "smart_crop_box",
    "to_pptx_compatible",
]
