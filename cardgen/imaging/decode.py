"""Safe decoding of featured images: one RGB(A) picture, upright, never bigger than needed.

Every failure (missing, empty, not an image, truncated, too many pixels) becomes one `ImageError` that
names the file, so a batch can report the page and carry on (SPEC §2 "Imaging", §4 "Robustness").
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from cardgen.errors import ImageError

if TYPE_CHECKING:
    import io

#: Default decompression-bomb limit: 100 MP covers every camera sensor we expect on a project page,
#: and refuses a 30000×30000 PNG before a single row is decoded.
DEFAULT_MAX_PIXELS = 100_000_000

#: Keys under which `open_image` records facts about the file in `img.info`.
INFO_PATH = "cardgen.path"
INFO_SOURCE_SIZE = "cardgen.source_size"  # full-resolution size of the file, after EXIF rotation
INFO_GO_KIND = "cardgen.go_kind"  # how Go's decoder holds the file's pixels (Smart crops follow Hugo)
INFO_AS_STORED = "cardgen.as_stored"  # "JPEG"/"PNG" when the pixels are the file's as it stores them, else ""
_LOOK_CHANGED = "cardgen.look_changed"  # set by `_normalise_mode` on a conversion that changes the look
VECTOR_SUFFIXES = (".svg", ".svgz")  # drawn at the size asked for, not decoded

#: Smart crops may keep a window of 0.9× the largest one (muesli/smartcrop `minScale`), so decode with
#: that much headroom to never upscale what a full decode would not have upscaled.
_SMART_HEADROOM = 1 / 0.9

_ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height


def open_image(
    path: Path | str,
    *,
    target_size: tuple[int, int] | None = None,
    keep_alpha: bool = False,
    max_pixels: int | None = None,
    background: str = "#ffffff",
) -> Image.Image:
    """Decode `path` to an upright RGB image (RGBA with `keep_alpha` when the file has transparency).

    `target_size` is the largest output that will be cut from this decode (e.g. the card band in
    pixels). JPEGs are then DCT-scaled (`draft`) and other formats `reduce`d, but never below the size
    needed to cover `target_size` with a Smart window of 0.9 — a 24 MP photo for a 1200×630 image is
    decoded at 1/4 scale. Without `target_size` the full image is decoded.

    Transparency is flattened onto `background` (Hugo's default `bgColor` is white) unless
    `keep_alpha`. The returned image's `info` holds the file path and its full-resolution size
    (`INFO_PATH`, `INFO_SOURCE_SIZE`) so print backends can report effective dpi.
    """
    path = Path(path)
    limit = DEFAULT_MAX_PIXELS if max_pixels is None else int(max_pixels)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImageError("image file not found", path=path) from None
    except OSError as exc:
        raise ImageError(f"cannot read image ({exc.strerror or exc})", path=path) from None
    if size == 0:
        raise ImageError("image file is empty (0 bytes)", path=path)

    try:
        if path.suffix.lower() in VECTOR_SUFFIXES:
            from cardgen.imaging.vector import rasterise_svg

            with rasterise_svg(path, target_size) as im:
                return _decode(im, path, target_size, keep_alpha, limit, background)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                return _decode(im, path, target_size, keep_alpha, limit, background)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(f"image refused as a decompression bomb ({exc})", path=path) from None
    except UnidentifiedImageError:
        raise ImageError(
            "not a readable image (expected JPEG, PNG, WebP, GIF or TIFF data)", path=path
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        if "truncated" in reason.lower() or isinstance(exc, EOFError):
            reason = f"file is truncated ({reason})"
        raise ImageError(f"cannot decode image: {reason}", path=path) from None


def _decode(
    im: Image.Image,
    path: Path,
    target_size: tuple[int, int] | None,
    keep_alpha: bool,
    limit: int,
    background: str,
) -> Image.Image:
    width, height = im.size
    if width <= 0 or height <= 0:
        raise ImageError(f"image has no pixels ({width}×{height})", path=path)
    if width * height > limit:
        raise ImageError(
            f"image is {width}×{height} = {width * height / 1e6:.0f} MP, above the "
            f"{limit / 1e6:.0f} MP limit (decompression-bomb guard; raise max_pixels if intended)",
            path=path,
        )
    if getattr(im, "n_frames", 1) > 1:
        im.seek(0)  # animated GIF/WebP/APNG: the first frame, like Hugo without a GIF target

    from cardgen.imaging.hugo_resize import go_kind

    kind = go_kind(im, im.format)
    orientation = _orientation(im)
    upright = (height, width) if orientation in _ROTATED_ORIENTATIONS else (width, height)
    icc = im.info.get("icc_profile")

    if target_size is not None and im.format == "JPEG":
        needed = _needed_size(upright, target_size)
        if orientation in _ROTATED_ORIENTATIONS:
            needed = (needed[1], needed[0])
        mode = im.mode if im.mode in ("L", "RGB", "CMYK") else None
        im.draft(mode, needed)
    im.load()

    out = ImageOps.exif_transpose(im) if orientation not in (None, 1) else im
    out = _normalise_mode(out, keep_alpha, background, icc)
    if target_size is not None:  # PNG/WebP/TIFF, or a JPEG that needed more than draft's 1/8
        out = _reduce(out, _needed_size(out.size, target_size))
    if out is im:
        out = im.copy()  # detach from the file handle that the `with` block closes
    as_stored = im.mode in _AS_STORED_MODES.get(im.format or "", ()) and out.size == upright \
        and orientation in (None, 1) and getattr(im, "n_frames", 1) == 1 and not out.info.get(_LOOK_CHANGED) \
        and abs(float(im.info.get("gamma", _SRGB_GAMMA)) - _SRGB_GAMMA) < 0.001 \
        and (not icc or _foreign_profile(icc) is None)  # a viewer would apply another profile
    out.info = {k: v for k, v in out.info.items() if k == "dpi"}  # pixels are sRGB now
    out.info[INFO_AS_STORED] = (im.format or "") if as_stored else ""
    out.info[INFO_PATH] = path
    out.info[INFO_SOURCE_SIZE] = upright
    out.info[INFO_GO_KIND] = kind
    return out


#: Modes whose pixels the decode keeps as the file stores them (greyscale and palettes become RGB
#: with the same look; transparency is kept or was opaque); other modes are converted.
_AS_STORED_MODES = {"JPEG": ("L", "RGB"), "PNG": ("L", "LA", "RGB", "RGBA", "P")}
#: sRGB's gamma as PNG's gAMA chunk writes it (1/2.2); another one some viewers would apply.
_SRGB_GAMMA = 1 / 2.2

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_exif(path: Path) -> bytes | None:
    """The EXIF block of a PNG file's `eXIf` chunk as Pillow holds it (`Exif\\0\\0` + the TIFF data),
    found by walking the chunk headers: no pixel data is read or inflated. None without one (or
    when the file is not a readable PNG)."""
    try:
        with open(path, "rb") as f:
            if f.read(8) != _PNG_SIGNATURE:
                return None
            while True:
                head = f.read(8)
                if len(head) < 8:
                    return None
                length, kind = int.from_bytes(head[:4], "big"), head[4:]
                if kind == b"eXIf":
                    data = f.read(length)
                    return b"Exif\x00\x00" + data if len(data) == length else None
                if kind == b"IEND":
                    return None
                f.seek(length + 4, 1)  # the data and its CRC
    except OSError:
        return None


def _orientation(im: Image.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # a broken EXIF block must not make the picture unreadable
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _needed_size(src: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """The smallest size of `src`'s aspect that covers `target` even with a 0.9 Smart window."""
    tw, th = max(1, int(target[0])), max(1, int(target[1]))
    scale = max(tw / src[0], th / src[1]) * _SMART_HEADROOM
    return min(src[0], math.ceil(src[0] * scale)), min(src[1], math.ceil(src[1] * scale))


def _reduce(im: Image.Image, needed: tuple[int, int]) -> Image.Image:
    factor = min(im.size[0] // max(1, needed[0]), im.size[1] // max(1, needed[1]))
    if factor < 2:
        return im
    return im.reduce(factor)


def _normalise_mode(im: Image.Image, keep_alpha: bool, background: str, icc: bytes | None) -> Image.Image:
    """Any Pillow mode → RGB, or RGBA when alpha is wanted and present."""
    mode = im.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        im = _high_depth_to_l(im)
        mode = "L"
    if mode == "CMYK":
        return _cmyk_to_rgb(im, icc)
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif mode in ("1", "L", "YCbCr", "LAB", "HSV"):
        im = im.convert("RGB")
    elif mode in ("LA", "La", "PA", "RGBa") or mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA")
    if im.mode == "RGB" and icc:
        im = _to_srgb(im, icc)
    if im.mode == "RGBA":
        if keep_alpha:
            return im
        if cast("tuple[tuple[int, int], ...]", im.getextrema())[3][0] == 255:  # alpha channel present but fully opaque
            return im.convert("RGB")
        flat = Image.new("RGB", im.size, background)
        flat.paste(im, mask=im.getchannel("A"))
        flat.info[_LOOK_CHANGED] = True
        return flat
    return im


def _high_depth_to_l(im: Image.Image) -> Image.Image:
    """16-bit and float greyscale → 8-bit, scaling rather than clamping (Pillow clamps at 255)."""
    import numpy as np

    arr = np.asarray(im)
    if im.mode.startswith("I;16"):
        arr = arr.astype(np.uint16) >> 8
    elif im.mode == "F":
        top = float(np.nanmax(arr)) if arr.size else 0.0
        arr = np.nan_to_num(arr) * (255.0 if top <= 1.0 else 1.0)
    else:
        top = int(arr.max()) if arr.size else 0
        if top > 65535:
            arr = arr.astype(np.float64) * (255.0 / top)
        elif top > 255:
            arr = arr.astype(np.float64) / 257.0
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")


def _cmyk_to_rgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Use the embedded CMYK profile when there is one; Pillow's naive formula otherwise."""
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(_bytes_io(icc))
            return cast(Image.Image, ImageCms.profileToProfile(im, src, _srgb(), outputMode="RGB"))  # not in place: an image
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """Wide-gamut photos (Adobe RGB, Display P3) look dull unless converted; sRGB passes through."""
    src = _foreign_profile(icc)
    if src is None:
        return im
    try:
        converted = cast(Image.Image, ImageCms.profileToProfile(im, src, _srgb(), outputMode="RGB"))  # not in place
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im
    converted.info[_LOOK_CHANGED] = True
    return converted


@lru_cache(maxsize=32)  # a site's pictures share a few profiles
def _foreign_profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    """The embedded profile when it is not sRGB (by its description); None for sRGB or one that
    cannot be read (the pixels are then taken as sRGB)."""
    try:
        src = ImageCms.ImageCmsProfile(_bytes_io(icc))
        return None if "srgb" in ImageCms.getProfileDescription(src).lower() else src
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


_SRGB: ImageCms.ImageCmsProfile | None = None


def _srgb() -> ImageCms.ImageCmsProfile:
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _bytes_io(data: bytes) -> io.BytesIO:
    import io

    return io.BytesIO(data)


def to_pptx_compatible(img: Image.Image, *, prefer: str = "auto", quality: int = 90) -> tuple[bytes, str]:
    """Encode `img` as JPEG or PNG bytes, the formats every PowerPoint and LibreOffice reads.

    WebP/TIFF/GIF sources are decoded by `open_image` already; this picks the encoding: PNG for
    transparency or flat art (few colours), JPEG for photos (baseline with optimised Huffman tables: a
    slide loads the picture whole, so a progressive file would only take twice as long to write for
    ~5 % fewer bytes). Returns `(data, "png" | "jpeg")`.
    """
    import io

    fmt = prefer.lower()
    if fmt == "auto":
        if img.mode in ("RGBA", "LA", "P"):
            fmt = "png"
        else:
            few = img.getcolors(maxcolors=4096) if img.size[0] * img.size[1] <= 4_000_000 else None
            fmt = "png" if few is not None else "jpeg"
    buf = io.BytesIO()
    if fmt == "png":
        img.save(buf, "PNG", optimize=False, compress_level=6)
    else:
        rgb = img if img.mode in ("RGB", "L") else img.convert("RGB")
        rgb.save(buf, "JPEG", quality=quality, optimize=True)
        fmt = "jpeg"
    return buf.getvalue(), fmt


def needed_decode_size(sizes: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """One `target_size` that serves several outputs: the element-wise maximum of their sizes.

    Decoding once for the largest output and cropping every output from it is what lets the deck,
    the social images and the card share one decode.
    """
    if not sizes:
        raise ValueError("needed_decode_size() needs at least one size")
    return max(int(s[0]) for s in sizes), max(int(s[1]) for s in sizes)
