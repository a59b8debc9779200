"""A per-run memo of decodes and crops, so the deck, the social images and the card share one decode.

Decodes are keyed by the file (resolved path, size, mtime) and crops by (decoded image, size, anchor).
Images that did not come from `CropCache.open` are keyed by object identity and held alive by the
cache, so an identity is never reused for a different picture within the run.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from cardgen.imaging.crop import CropResult, anchor_of, focal_crop_result
from cardgen.imaging.decode import INFO_SOURCE_SIZE, VECTOR_SUFFIXES, _needed_size, open_image
from cardgen.page import FocalPoint


class CropCache:
    """Decode each file once per run and cut each (size, anchor) crop once.

    `open(path, target_size=…)` re-decodes only when a later caller needs more pixels than the
    cached draft decode holds; ask for the largest output first (see `needed_decode_size`) to decode
    exactly once.
    """

    def __init__(self, *, max_pixels: int | None = None, keep_alpha: bool = False) -> None:
        self.max_pixels = max_pixels
        self.keep_alpha = keep_alpha
        self._decodes: dict[tuple[object, ...], Image.Image] = {}
        self._asked: dict[tuple[object, ...], tuple[int, int] | None] = {}  # decode → the target it was made for
        self._crops: dict[tuple[object, ...], CropResult] = {}
        self._pinned: dict[int, Image.Image] = {}
        self.decode_count = 0
        self.crop_count = 0

    def open(self, path: Path | str, *, target_size: tuple[int, int] | None = None, exact: bool = False) -> Image.Image:
        """`open_image` memoised on the file's identity; errors are not cached (they re-raise).

        `exact`: the decode made for this very `target_size`, never one made for another size that
        covers it, so the pixels do not depend on what was asked for before; a decode that holds the
        file at full resolution is that decode for every larger target (see `_same_as_exact`)."""
        path = Path(path)
        try:
            st = path.stat()
            file_key: tuple[object, ...] = (str(path.resolve()), st.st_size, st.st_mtime_ns, self.keep_alpha)
        except OSError:
            file_key = (str(path), None, None, self.keep_alpha)
        shared = file_key
        if exact:
            file_key = (*file_key, "exact", target_size)
        cached = self._decodes.get(file_key)
        if cached is not None and (exact or _covers(cached, target_size)):
            return cached
        whole = self._decodes.get(shared) if exact else None
        if whole is not None and _same_as_exact(whole, self._asked[shared], target_size, path):
            self._decodes[file_key] = whole
            return whole
        img = open_image(
            path, target_size=target_size, keep_alpha=self.keep_alpha, max_pixels=self.max_pixels
        )
        self.decode_count += 1
        self._decodes[file_key] = img
        self._asked[file_key] = target_size
        self._pinned[id(img)] = img
        return img

    def crop(
        self, img: Image.Image, size: tuple[int, int], focal_point: FocalPoint | str, *, resample_filter: str = "box"
    ) -> CropResult:
        """`focal_crop_result` memoised on (this decoded image, size, anchor, filter)."""
        key = (id(img), int(size[0]), int(size[1]), anchor_of(focal_point), resample_filter)
        hit = self._crops.get(key)
        if hit is not None:
            return hit
        self._pinned.setdefault(id(img), img)
        result = focal_crop_result(img, (key[1], key[2]), key[3], resample_filter=resample_filter)
        self.crop_count += 1
        self._crops[key] = result
        return result

    def clear(self) -> None:
        self._decodes.clear()
        self._asked.clear()
        self._crops.clear()
        self._pinned.clear()

    def __len__(self) -> int:
        return len(self._crops)


def _covers(img: Image.Image, target_size: tuple[int, int] | None) -> bool:
    """Does this decode hold as many pixels as a fresh decode for `target_size` would?"""
    full = tuple(img.info.get(INFO_SOURCE_SIZE) or img.size)
    if target_size is None:
        return img.size == full
    needed = _needed_size(full, target_size)
    return (img.size[0] >= needed[0] and img.size[1] >= needed[1]) or img.size == full


def _same_as_exact(img: Image.Image, asked: tuple[int, int] | None, target_size: tuple[int, int] | None,
                   path: Path) -> bool:
    """Is `img`, decoded for `asked`, what a decode made exactly for `target_size` would give? It is
    when `img` holds the file at full resolution and `target_size` is no smaller than `asked`: a
    larger target never decodes fewer pixels, so that decode would be the full one too. (Vector art
    is drawn at the size asked for: never shared.)"""
    if path.suffix.lower() in VECTOR_SUFFIXES or img.size != tuple(img.info.get(INFO_SOURCE_SIZE) or ()):
        return False
    if target_size is None or asked is None:
        return target_size is None
    return asked[0] <= target_size[0] and asked[1] <= target_size[1]
