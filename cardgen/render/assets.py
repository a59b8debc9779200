"""The page's featured image, decoded once and placed per frame (deck, social, card share it).

`PageImages` is the one place where renderers get pixels: the featured image placed in a frame of a
given size — covered at the focal point or contained on a background, as `imaging.placement`
decides from the image and the frame — or placeholder art when the page has none (or it cannot be
decoded). Transparent images are composited on the frame's surface colour.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cardgen.errors import ImageError
from cardgen.page import FocalPoint, Page

if TYPE_CHECKING:
    from PIL import Image

    from cardgen.imaging import CropResult
    from cardgen.imaging.placement import Placement


@dataclass(frozen=True)
class HeroImage:
    image: Image.Image  # exactly the requested size
    is_placeholder: bool
    source: Path | None  # the featured image file, None for placeholder art
    source_size: tuple[int, int] | None  # full-resolution pixel size of the file
    box: tuple[int, int, int, int] | None  # region kept, in pixels of the decoded image
    crop: CropResult | None = None  # the imaging engine's result (scale, decoded size, dpi)
    placement: Placement | None = None  # cover or contain, and why; None for placeholder art
    key: tuple[Any, ...] | None = None  # what `PageImages.hero` was asked for (names its encodings)

    @property
    def is_contained(self) -> bool:
        return self.placement is not None and not self.placement.covers

    def dpi(self, size_mm: tuple[float, float]) -> float | None:
        """Effective print resolution when this image fills a frame of `size_mm`; None for
        placeholder art. A contained image prints on its part of the frame only."""
        if self.crop is None:
            return None
        if self.placement is not None and not self.placement.covers:
            _, _, bw, bh = self.placement.box
            return self.crop.dpi((size_mm[0] * bw, size_mm[1] * bh))
        return self.crop.dpi(size_mm)


#: Bump when stored crops would differ for the same inputs (crop algorithm or encoding changes).
STORE_VERSION = "6"
_UNREAD = object()


#: What `PageImages.encoded` makes for each kind of output.
PURPOSES = ("slide", "print")
#: The files a store holds: a crop's facts (`{name}.json`, naming the encoding that holds its pixels),
#: its placement decision (`.placement.json`), its encodings (`.slide.jpg`, `.print.jpg`) and the
#: contact sheet's thumbnail of the page's social image (`.thumb.jpg`); `{name}.jpg` held a crop's
#: pixels in stores of cardgen before store version 6, `.slide.png` placeholder art on slides.
STORE_FILE = re.compile(r"^[0-9a-f]{32}\.(jpg|json|placement\.json|slide\.jpg|slide\.png|print\.jpg|thumb\.jpg)$")


def _read_complete(path: Path) -> bytes | None:
    """The bytes of a stored JPEG or PNG, None when it is missing or cut off (a write interrupted
    before the atomic rename cannot leave one, but a disk can)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    ends = b"\xff\xd9" if path.suffix == ".jpg" else b"IEND\xaeB`\x82"
    return data if data.endswith(ends) else None


def _encode(hero: HeroImage, purpose: str) -> bytes:
    """Photos on slides: `to_pptx_compatible` (JPEG q88). Print, and placeholder art everywhere: JPEG
    q90 without chroma subsampling, so coloured edges stay sharp at 300 dpi and on the art's motif
    (45–51 dB on the corpus's art, smaller than PNG and a quarter of its time at zlib 6)."""
    if purpose == "slide" and not hero.is_placeholder:
        from cardgen.imaging import to_pptx_compatible

        return to_pptx_compatible(hero.image, prefer="jpeg", quality=88)[0]
    buffer = io.BytesIO()
    hero.image.convert("RGB").save(buffer, "JPEG", quality=90, optimize=True, subsampling=0)
    return buffer.getvalue()


#: The size every output's picture is cut from unless a frame asks for more: it covers the built-in
#: outputs (the card's picture band at 300 dpi, 1311×840 px; the deck's title picture, 880×1125; social
#: images up to 1200×630 and 1080×1080). One decode size for all outputs means the deck, the social
#: images and the card of `build` are the bytes `deck`, `social` and `card` give on their own, and the
#: Smart analysis runs once per page. A 12 MP photo is decoded at half scale (DCT draft).
DECODE_SIZE = (1440, 1200)


class PageImages:
    """Decoded featured image and its crops for one page; create one per page and pass it around.

    `decode_size` is the largest output that will be cut (see `imaging.needed_decode_size`; default
    `DECODE_SIZE`): the file is decoded once at a draft scale that covers it, and again only if a
    caller asks for more.
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
        self.decode_size = decode_size or DECODE_SIZE
        self.warnings: list[str] = []
        self._cache = CropCache(keep_alpha=True)  # Smart sees alpha as Hugo does; placement composites
        self._failed = False
        self._heroes: dict[tuple[Any, ...], HeroImage] = {}
        self._placements: dict[tuple[Any, ...], Placement] = {}
        self._encoded: dict[tuple[Any, ...], bytes] = {}
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
        return cast("tuple[int, int] | None", self._source_size)

    def _read_source_size(self) -> tuple[int, int] | None:
        path = self.page.featured_image
        if path is None:
            return None
        from PIL import Image

        from cardgen.imaging.decode import png_exif

        try:
            with Image.open(path) as img:
                width, height = img.size
                if img.format == "PNG" and "exif" not in img.info:
                    # EXIF may follow a PNG's pixels, which Pillow would inflate to look for it:
                    # the chunk headers say where it is without that.
                    img.info["exif"] = png_exif(Path(path)) or b""
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
            # Outputs within `decode_size` share its decode; a bigger one gets a decode of its own,
            # so no output's pixels depend on which outputs were made before it.
            return self._cache.open(path, target_size=wanted, exact=wanted != self.decode_size)
        except ImageError as exc:
            self._failed = True
            self._warn(f"{exc}; using placeholder art")
            return None

    def hero(
        self,
        size: tuple[int, int],
        focal_point: FocalPoint | str | None = None,
        *,
        fit: str = "auto",
        frame_px: tuple[float, float] | None = None,
        surface: str | tuple[int, int, int] | None = None,
    ) -> HeroImage:
        """The featured image placed in a frame whose raster is `size` pixels, or placeholder art.

        A contained picture on a raster coarser than `frame_px` is drawn at `frame_px` instead, so
        it keeps its own pixels; the image then has the frame's aspect but not `size`.

        - `fit`: the template's image-layer mode, "cover", "contain" or "auto" (decided by
          `imaging.decide_placement`).
        - `frame_px`: the frame at the output's resolution (96 px/in slides, the social canvas,
          300 dpi cards), which the 2× enlargement cap counts in; default `size`.
        - `surface`: the frame's background colour (hex or RGB) for contained and transparent art.
        """
        focal = self._focal(focal_point)
        w, h = max(1, int(size[0])), max(1, int(size[1]))
        frame = (float(frame_px[0]), float(frame_px[1])) if frame_px is not None else (float(w), float(h))
        colour = _rgb(surface)
        key = (w, h, focal, str(fit or "auto").lower(), round(frame[0], 1), round(frame[1], 1), colour)
        if key in self._heroes:
            return self._heroes[key]
        stored = self._load(key)
        if stored is not None:
            stored = replace(stored, key=key)
            if self.remember:
                self._heroes[key] = stored
            return stored
        src = self.source((w, h))
        if src is None:
            result = self._stored_art(key) or HeroImage(self.placeholder((w, h)), True, None, None, None, key=key)
        else:
            result = replace(self._place(src, key, frame, colour), key=key)
        if self.remember:
            self._heroes[key] = result
        else:
            self._cache.clear()  # a big site's event pack must not hold every decoded image
        return result

    def encoded(self, hero: HeroImage, purpose: str) -> bytes:
        """`hero` as the bytes an output embeds, encoded once per page: "slide" (decks and the
        showcase: JPEG q88) or "print" (cards and card sheets: JPEG q90 without chroma
        subsampling, as placeholder art is everywhere). With a `store` and `persist`, the crop is kept there as
        these bytes (the first encoding doubles as the stored pixels), so the event pack embeds what
        the pages embedded instead of decoding and encoding again (placeholder art too, which is
        drawn again but not encoded again); crops no output embeds (the social images' pictures)
        are not stored. A stored encoding that is cut off is made again."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown encoding purpose {purpose!r}")
        memo = (hero.key, purpose) if hero.key is not None else None
        if memo is not None and memo in self._encoded:
            return self._encoded[memo]
        name = None
        if hero.key is not None:
            name = self._art_key(hero.key) if hero.is_placeholder else self._store_key(hero.key)
        path = cast(Path, self.store) / f"{name}.{purpose}.jpg" if name is not None else None
        data = _read_complete(path) if path is not None else None
        if data is None:
            data = _encode(hero, purpose)
            if path is not None and (self.persist_all or tuple(hero.key[:2]) in self.persist):  # type: ignore[index]
                from cardgen.output import atomic_write

                atomic_write(path, data)
                if not hero.is_placeholder and self._facts(cast("tuple[Any, ...]", hero.key)) is None:
                    self._save(cast("tuple[Any, ...]", hero.key), hero, path)
        if memo is not None and self.remember:
            self._encoded[memo] = data
        return data

    def keep_preview(self, data: bytes, img: Image.Image) -> None:
        """With a store that keeps everything (a batch page), keep the contact sheet's thumbnail of
        the social image `img`, whose file bytes are `data`, named by their digest: the event pack
        finds it for exactly that file, and a changed file has no thumbnail (it is decoded again)."""
        if self.store is None or not self.persist_all:
            return
        from cardgen.output import atomic_write
        from cardgen.render.contact_sheet import thumbnail_jpeg

        atomic_write(preview_path(self.store, hashlib.sha256(data).hexdigest()), thumbnail_jpeg(img))

    def placement(self, frame_px: tuple[float, float], fit: str = "auto") -> Placement | None:
        """The placement decision for a frame of `frame_px` output pixels, without drawing it (the
        layout sizes the picture with it); None when the page shows placeholder art. Decisions are
        shared through `store` like crops, so an event pack decides without decoding again."""
        from dataclasses import asdict

        from cardgen.imaging.placement import decide_placement, image_features

        key = ("placement", round(float(frame_px[0]), 1), round(float(frame_px[1]), 1), str(fit or "auto").lower())
        if key in self._placements:
            return self._placements[key]
        name = self._store_key(key)
        stored = self.store / f"{name}.placement.json" if name is not None and self.store is not None else None
        if stored is not None and stored.is_file():
            try:
                decision = _placement_from(json.loads(stored.read_text()))
            except (OSError, ValueError, KeyError, TypeError):
                decision = None
            if decision is not None:
                self._placements[key] = decision
                return decision
        src = self.source()
        if src is None:
            return None
        resample = self.page.site.resample_filter if self.page.site is not None else "box"
        decision = decide_placement(image_features(src, resample), frame_px, fit=fit)
        self._placements[key] = decision
        if stored is not None and self.persist_all:
            from cardgen.output import atomic_write

            atomic_write(stored, json.dumps(asdict(decision)).encode())
        return decision

    def _place(self, src: Image.Image, key: tuple[Any, ...], frame: tuple[float, float], colour: tuple[int, int, int]) -> HeroImage:
        from cardgen.imaging import INFO_SOURCE_SIZE, CropResult
        from cardgen.imaging.compose import render_placement
        from cardgen.imaging.placement import decide_placement, image_features

        w, h, focal, fit = key[0], key[1], key[2], key[3]
        resample = self.page.site.resample_filter if self.page.site is not None else "box"
        placement = decide_placement(image_features(src, resample), frame, fit=fit)
        crop = None
        if placement.covers:
            crop = self._cache.crop(src, (w, h), focal, resample_filter=resample)
            for warning in crop.warnings:
                self._warn(warning)
        draw = (w, h)
        if not placement.covers and frame[0] > w * 1.01:
            # A raster coarser than the output (a card cut at the source's resolution) would shrink a
            # contained picture below its own pixels: draw the frame at the output's resolution.
            draw = (max(1, round(frame[0])), max(1, round(frame[1])))
        placed = render_placement(src, placement, draw, focal, surface=colour, resample_filter=resample, crop=crop)
        if crop is None:  # contained: the whole image is shown, at `placement.scale`
            source_size = tuple(src.info.get(INFO_SOURCE_SIZE) or src.size)
            crop = CropResult(image=placed.image, box=(0, 0, src.width, src.height), focal_point=focal,
                              decoded_size=src.size, source_size=source_size, scale=placement.scale)
        return HeroImage(placed.image, False, self.page.featured_image,
                         cast("tuple[int, int]", tuple(crop.source_size)),
                         cast("tuple[int, int, int, int]", tuple(crop.box)),
                         crop, placement)

    # ------------------------------------------------------------------ shared crop store

    def _store_key(self, key: tuple[Any, ...]) -> str | None:
        path = self.page.featured_image
        if self.store is None or path is None:
            return None
        try:
            st = Path(path).stat()
        except OSError:
            return None
        ident = f"{Path(path).resolve()}|{st.st_size}|{st.st_mtime_ns}|{'|'.join(map(str, key))}|{STORE_VERSION}"
        return hashlib.sha256(ident.encode()).hexdigest()[:32]

    def _art_key(self, key: tuple[Any, ...]) -> str | None:
        """The store name of this page's placeholder art at `key` (drawn from the title and palette)."""
        if self.store is None:
            return None
        ident = f"art|{self.page.title_plain}|{self.palette}|{'|'.join(map(str, key))}|{STORE_VERSION}"
        return hashlib.sha256(ident.encode()).hexdigest()[:32]

    def _facts(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        """The stored facts of the crop `key`, None when there are none (or they cannot be read)."""
        name = self._store_key(key)
        if name is None:
            return None
        try:
            facts = json.loads((cast(Path, self.store) / f"{name}.json").read_text())  # a key implies a store
        except (OSError, ValueError):
            return None
        return facts if isinstance(facts, dict) else None

    def _save(self, key: tuple[Any, ...], hero: HeroImage, encoding: Path) -> None:
        """Store the facts of the cut of crop `key`, whose pixels are the JPEG just written to `encoding`
        (its first encoding: the pixels are not written a second time)."""
        from dataclasses import asdict

        from cardgen.output import atomic_write

        name = self._store_key(key)
        crop = hero.crop
        if name is None or crop is None:
            return
        facts = {"pixels": encoding.name, "box": list(crop.box), "focal_point": crop.focal_point,
                 "decoded_size": list(crop.decoded_size), "source_size": list(crop.source_size),
                 "scale": crop.scale, "warnings": list(crop.warnings),
                 "placement": asdict(hero.placement) if hero.placement is not None else None}
        atomic_write(cast(Path, self.store) / f"{name}.json", json.dumps(facts).encode())  # a key implies a store

    def _load(self, key: tuple[Any, ...]) -> HeroImage | None:
        facts = self._facts(key)
        if facts is None:
            return None
        from PIL import Image

        from cardgen.imaging import CropResult

        try:
            # Decoded only when a caller reads its pixels: the event pack mostly needs the size and
            # the stored encodings (`encoded`). A cut-off file (no end-of-image marker) is cut again.
            pixels = str(facts["pixels"])
            if not STORE_FILE.match(pixels) or not pixels.endswith(".jpg"):
                return None
            data = _read_complete(cast(Path, self.store) / pixels)
            if data is None:
                return None
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.mode != "RGB":
                image = image.convert("RGB")
            crop = CropResult(image=image, box=tuple(facts["box"]), focal_point=FocalPoint(facts["focal_point"]),
                              decoded_size=tuple(facts["decoded_size"]), source_size=tuple(facts["source_size"]),
                              scale=float(facts["scale"]), warnings=tuple(facts["warnings"]))
            placement = _placement_from(facts["placement"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is simply recomputed
        if image.size != key[:2] and image.size != (round(key[4]), round(key[5])):
            return None
        for warning in crop.warnings:
            self._warn(warning)
        return HeroImage(image, False, self.page.featured_image, crop.source_size, crop.box, crop, placement)

    def _stored_art(self, key: tuple[Any, ...]) -> HeroImage | None:
        """Placeholder art at `key` that an output of this page encoded into the store already, opened
        from there (decoded only when a caller reads its pixels): the event pack embeds those bytes,
        so it need not draw the art again."""
        name = self._art_key(key)
        if name is None:
            return None
        from PIL import Image

        for purpose in PURPOSES:
            data = _read_complete(cast(Path, self.store) / f"{name}.{purpose}.jpg")
            if data is None:
                continue
            try:
                image = Image.open(io.BytesIO(data))
            except OSError:
                continue
            if image.size == key[:2] and image.mode == "RGB":
                return HeroImage(image, True, None, None, None, key=key)
        return None

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
            return cast("Image.Image | None", self._logo)
        self._logo = None
        path = self.page.site.logo if self.page.site is not None else None
        if path is not None and path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
            from cardgen.imaging import open_image

            try:
                self._logo = open_image(path, keep_alpha=True)
            except (ImageError, TypeError):
                self._logo = None
        return self._logo

    def placeholder(self, size: tuple[int, int]) -> Image.Image:
        """Deterministic art from the page title, for pages without a usable featured image."""
        from cardgen import imaging

        return imaging.placeholder(self.page.title_plain, (int(size[0]), int(size[1])), self.palette)

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def preview_path(store: Path, digest: str) -> Path:
    """Where `PageImages.keep_preview` keeps the thumbnail of a file with this sha256."""
    return Path(store) / f"{digest[:32]}.thumb.jpg"


def _rgb(colour: str | tuple[int, int, int] | None) -> tuple[int, int, int]:
    """A frame surface as RGB; white (Hugo's default `bgColor`) when none is given or unreadable."""
    if colour is None:
        return (255, 255, 255)
    if isinstance(colour, tuple):
        return (int(colour[0]), int(colour[1]), int(colour[2]))
    from cardgen.colors import rgb

    try:
        return rgb(colour)
    except (ValueError, TypeError):
        return (255, 255, 255)


def _placement_from(facts: dict[str, Any] | None) -> Placement | None:
    """A stored `Placement` (as `dataclasses.asdict` wrote it)."""
    from cardgen.imaging.placement import Background, Placement

    if facts is None:
        return None
    bg = facts["background"]
    background = None if bg is None else Background(bg["kind"], tuple(bg["colour"]) if bg["colour"] else None)
    return Placement(mode=facts["mode"], box=tuple(facts["box"]), scale=float(facts["scale"]),
                     background=background, reason=facts["reason"])
