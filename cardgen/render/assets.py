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


@dataclass(frozen=True)
class HeroImage:
    image: Image.Image  # exactly the requested size
    is_placeholder: bool
    source: Path | None  # the featured image file, None for placeholder art
    source_size: tuple[int, int] | None  # decoded pixel size of the source
    box: tuple[int, int, int, int] | None  # region of the source kept (in source pixels)


class PageImages:
    """Decoded featured image and its crops for one page; create one per page and pass it around."""

    def __init__(self, page: Page, palette: tuple[str, ...] | None = None) -> None:
        self.page = page
        self.palette = palette
        self.warnings: list[str] = []
        self._source: Image.Image | None = None
        self._loaded = False
        self._crops: dict[tuple[int, int, str], HeroImage] = {}

    @property
    def has_image(self) -> bool:
        return self.source() is not None

    def source(self) -> Image.Image | None:
        """The decoded featured image (RGB), or None when there is none or it is unreadable."""
        if not self._loaded:
            self._loaded = True
            path = self.page.featured_image
            if path is not None:
                from cardgen.imaging import open_image

                try:
                    self._source = open_image(path)
                except ImageError as exc:
                    self.warnings.append(f"{exc}; using placeholder art")
        return self._source

    def hero(self, size: tuple[int, int], focal_point: str | None = None) -> HeroImage:
        """The featured image cropped at the page's focal point to `size`, or placeholder art."""
        focal = (focal_point or self.page.image.focal_point).lower()
        key = (int(size[0]), int(size[1]), focal)
        if key in self._crops:
            return self._crops[key]
        from cardgen import imaging

        src = self.source()
        if src is None:
            art = imaging.placeholder(self.page.title_plain, key[:2], self.palette)
            result = HeroImage(art, True, None, None, None)
        else:
            box = imaging.crop_box(src.size, key[:2], focal, img=src)
            image = imaging.focal_crop(src, key[:2], focal)
            result = HeroImage(image, False, self.page.featured_image, src.size, tuple(box))
            if src.size[0] < key[0] or src.size[1] < key[1]:
                pass  # upscaling is judged by the backend (print cares about effective dpi)
        self._crops[key] = result
        return result

    def placeholder(self, size: tuple[int, int]) -> Image.Image:
        from cardgen import imaging

        return imaging.placeholder(self.page.title_plain, (int(size[0]), int(size[1])), self.palette)
