"""The page's featured image, decoded once and cropped per output (deck, social, card share it).

`PageImages` is the one place where renderers get pixels: the focal-point crop of the featured image
for a given box size, or placeholder art when the page has none (or it cannot be decoded).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import ImageError
from cardgen.page import Page

if TYPE_CHECKING:
    from PIL import Image

    from cardgen.imaging import CropResult


@dataclass(frozen=True)
class HeroImage:
    image: Image.Image  # exactly the requested size
    is_placeholder: bool
    source: Path | None  # the featured image file, None for placeholder art
    source_size: tuple[int, int] | None  # full-resolution pixel size of the file
    box: tuple[int, int, int, int] | None  # region kept, in pixels of the decoded image
    crop: CropResult | None = None  # the imaging engine's result (scale, decoded size, dpi)

    def dpi(self, size_mm: tuple[float, float]) -> float | None:
        """Effective print resolution when this crop fills `size_mm`; None for placeholder art."""
        return self.crop.dpi(size_mm) if self.crop is not None else None


class PageImages:
    """Decoded featured image and its crops for one page; create one per page and pass it around.

    `decode_size` is the largest output that will be cut (see `imaging.needed_decode_size`): the
    file is decoded once at a draft scale that covers it, and again only if a caller asks for more.
    """

    def __init__(
        self,
        page: Page,
        palette: tuple[str, ...] | None = None,
        decode_size: tuple[int, int] | None = None,
    ) -> None:
        from cardgen.imaging import CropCache

        self.page = page
        self.palette = palette
        self.decode_size = decode_size
        self.warnings: list[str] = []
        self._cache = CropCache()
        self._failed = False
        self._heroes: dict[tuple[int, int, str], HeroImage] = {}

    @property
    def has_image(self) -> bool:
        return self.source() is not None

    def source(self, target_size: tuple[int, int] | None = None) -> Image.Image | None:
        """The decoded featured image (RGB) covering `target_size`, or None when there is none or it
        is unreadable (a warning is recorded once)."""
        path = self.page.featured_image
        if path is None or self._failed:
            return None
        wanted = target_size or self.decode_size
        if wanted is not None and self.decode_size is not None:
            wanted = (max(wanted[0], self.decode_size[0]), max(wanted[1], self.decode_size[1]))
        try:
            return self._cache.open(path, target_size=wanted)
        except ImageError as exc:
            self._failed = True
            self._warn(f"{exc}; using placeholder art")
            return None

    def hero(self, size: tuple[int, int], focal_point: str | None = None) -> HeroImage:
        """The featured image cropped at the page's focal point to `size`, or placeholder art."""
        focal = (focal_point or self.page.image.focal_point or "smart").lower()
        key = (max(1, int(size[0])), max(1, int(size[1])), focal)
        if key in self._heroes:
            return self._heroes[key]
        src = self.source(key[:2])
        if src is None:
            result = HeroImage(self.placeholder(key[:2]), True, None, None, None)
        else:
            crop = self._cache.crop(src, key[:2], focal)
            for warning in crop.warnings:
                self._warn(warning)
            result = HeroImage(
                crop.image, False, self.page.featured_image, tuple(crop.source_size), tuple(crop.box), crop
            )
        self._heroes[key] = result
        return result

    def placeholder(self, size: tuple[int, int]) -> Image.Image:
        """Deterministic art from the page title, for pages without a usable featured image."""
        from cardgen import imaging

        return imaging.placeholder(self.page.title_plain, (int(size[0]), int(size[1])), self.palette)

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
