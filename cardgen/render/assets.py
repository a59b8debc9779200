"""The page's featured image, decoded once and cropped per output (deck, social, card share it).

`PageImages` is the one place where renderers get pixels: the focal-point crop of the featured image
for a given box size, or placeholder art when the page has none (or it cannot be decoded).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import ImageError
from cardgen.page import FocalPoint, Page

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


#: Bump when stored crops would differ for the same inputs (crop algorithm or encoding changes).
STORE_VERSION = "1"
_UNREAD = object()


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
        *,
        store: Path | None = None,
        persist: Iterable[tuple[int, int]] | bool = (),
        remember: bool = True,
    ) -> None:
        from cardgen.imaging import CropCache

        self.page = page
        self.palette = palette
        self.decode_size = decode_size
        self.warnings: list[str] = []
        self._cache = CropCache()
        self._failed = False
        self._heroes: dict[tuple[int, int, str], HeroImage] = {}
        self._source_size: tuple[int, int] | None | object = _UNREAD
        self._logo: Image.Image | None | object = _UNREAD
        # A batch shares crops between its worker processes and the event pack through `store`:
        # crops of the sizes in `persist` are written there and read back instead of decoding again.
        self.store = Path(store) if store is not None else None
        self.remember = remember  # False: crops read from `store` are not kept in memory (event pack)
        self.persist_all = persist is True
        self.persist = set() if isinstance(persist, bool) else {(int(w), int(h)) for w, h in persist}

    @property
    def has_image(self) -> bool:
        if self.page.featured_image is None:
            return False
        # The header is enough: decoding now, before the outputs ask for their sizes, would decode at
        # full resolution. A file that turns out to be broken gives placeholder art and a warning.
        return self.source_size() is not None

    def source_size(self) -> tuple[int, int] | None:
        """Full-resolution pixel size of the featured image (EXIF rotation applied), read from the
        file header without decoding (once); None when there is no usable image."""
        if self._failed:
            return None
        if self._source_size is _UNREAD:
            self._source_size = self._read_source_size()
        return self._source_size

    def _read_source_size(self) -> tuple[int, int] | None:
        path = self.page.featured_image
        if path is None:
            return None
        from PIL import Image

        try:
            with Image.open(path) as img:
                width, height = img.size
                if img.getexif().get(0x0112) in (5, 6, 7, 8):  # rotated by 90°: sides swap
                    width, height = height, width
        except Exception:  # noqa: BLE001 - unreadable: let `source()` record the real reason
            src = self.source()
            if src is None:
                return None
            from cardgen.imaging import INFO_SOURCE_SIZE

            return tuple(src.info.get(INFO_SOURCE_SIZE, src.size))
        return width, height

    def _focal(self, focal_point: FocalPoint | str | None = None) -> FocalPoint:
        if not focal_point:
            return self.page.image.focal_point
        from cardgen.imaging.crop import anchor_of

        return anchor_of(focal_point)

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

    def hero(self, size: tuple[int, int], focal_point: FocalPoint | str | None = None) -> HeroImage:
        """The featured image cropped at the page's focal point to `size`, or placeholder art."""
        focal = self._focal(focal_point)
        key = (max(1, int(size[0])), max(1, int(size[1])), focal)
        if key in self._heroes:
            return self._heroes[key]
        stored = self._load(key)
        if stored is not None:
            if self.remember:
                self._heroes[key] = stored
            return stored
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
            if self.persist_all or key[:2] in self.persist:
                self._save(key, crop)
        if self.remember:
            self._heroes[key] = result
        else:
            self._cache.clear()  # a big site's event pack must not hold every decoded image
        return result

    # ------------------------------------------------------------------ shared crop store

    def _store_key(self, key: tuple[int, int, str]) -> str | None:
        path = self.page.featured_image
        if self.store is None or path is None:
            return None
        try:
            st = Path(path).stat()
        except OSError:
            return None
        ident = f"{Path(path).resolve()}|{st.st_size}|{st.st_mtime_ns}|{key[0]}x{key[1]}|{key[2]}|{STORE_VERSION}"
        return hashlib.sha256(ident.encode()).hexdigest()[:32]

    def _stored_path(self, key: tuple[int, int, str]) -> Path | None:
        name = self._store_key(key)
        if name is None:
            return None
        candidate = self.store / f"{name}.jpg"
        return candidate if candidate.is_file() and candidate.with_suffix(".json").is_file() else None

    def _save(self, key: tuple[int, int, str], crop: CropResult) -> None:
        from cardgen.output import atomic_write

        name = self._store_key(key)
        if name is None:
            return
        import io

        buffer = io.BytesIO()
        crop.image.convert("RGB").save(buffer, "JPEG", quality=92)
        facts = {"box": list(crop.box), "focal_point": crop.focal_point, "decoded_size": list(crop.decoded_size),
                 "source_size": list(crop.source_size), "scale": crop.scale, "warnings": list(crop.warnings)}
        atomic_write(self.store / f"{name}.jpg", buffer.getvalue())
        atomic_write(self.store / f"{name}.json", json.dumps(facts).encode())

    def _load(self, key: tuple[int, int, str]) -> HeroImage | None:
        path = self._stored_path(key)
        if path is None:
            return None
        from PIL import Image

        from cardgen.imaging import CropResult

        try:
            facts = json.loads(path.with_suffix(".json").read_text())
            with Image.open(path) as stored:
                image = stored.convert("RGB")
            crop = CropResult(image=image, box=tuple(facts["box"]), focal_point=FocalPoint(facts["focal_point"]),
                              decoded_size=tuple(facts["decoded_size"]), source_size=tuple(facts["source_size"]),
                              scale=float(facts["scale"]), warnings=tuple(facts["warnings"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is simply recomputed
        if image.size != key[:2]:
            return None
        for warning in crop.warnings:
            self._warn(warning)
        return HeroImage(image, False, self.page.featured_image, crop.source_size, crop.box, crop)

    def has_alpha(self) -> bool:
        """The featured image has transparency (a logo or a diagram, not a photograph): from the file
        header, without decoding."""
        path = self.page.featured_image
        if path is None or not self.has_image:
            return False
        from PIL import Image

        try:
            with Image.open(path) as img:
                return img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
        except Exception:  # noqa: BLE001 - unreadable files are reported by source()
            return False

    def logo(self, height: float) -> tuple[int, int] | None:
        """Pixel size of the site's raster logo scaled to `height` (None without one; SVG logos would
        need Cairo and are skipped)."""
        img = self._logo_source()
        if img is None:
            return None
        target = max(1, round(height))
        return max(1, round(img.width * target / img.height)), target

    def logo_image(self, size: tuple[int, int]) -> Image.Image | None:
        """The site logo (RGBA) resized to `size`."""
        img = self._logo_source()
        if img is None:
            return None
        return img.convert("RGBA").resize((int(size[0]), int(size[1])), 1)  # LANCZOS

    def _logo_source(self) -> Image.Image | None:
        if self._logo is not _UNREAD:
            return self._logo  # type: ignore[return-value]
        self._logo = None
        path = self.page.site.logo if self.page.site is not None else None
        if path is not None and path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
            from cardgen.imaging import open_image

            try:
                self._logo = open_image(path, keep_alpha=True)
            except (ImageError, TypeError):
                self._logo = None
        return self._logo  # type: ignore[return-value]

    def placeholder(self, size: tuple[int, int]) -> Image.Image:
        """Deterministic art from the page title, for pages without a usable featured image."""
        from cardgen import imaging

        return imaging.placeholder(self.page.title_plain, (int(size[0]), int(size[1])), self.palette)

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
