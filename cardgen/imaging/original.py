"""A figure's own file, embedded as it is when a slide would show exactly its pixels.

Re-encoding a PNG diagram or a JPEG photo that already fits its slide gains nothing: a JPEG loses a
generation of quality, a PNG comes out the same pixels after ~10–40 ms of zlib. The file goes into
the deck unchanged when decoding it gave its pixels untouched: a PNG or JPEG every PowerPoint and
LibreOffice reads, at full size, upright as stored, in sRGB, with nothing flattened or converted.
Anything else takes `to_pptx_compatible`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageCms

from cardgen.imaging.decode import INFO_FLATTENED, INFO_PATH, INFO_SOURCE_SIZE, png_exif

#: Modes a slide shows as the decode does: JPEG greyscale and colour, 8-bit PNG (its transparency
#: kept by the decode, or opaque throughout: not painted onto a background).
_JPEG_MODES = ("L", "RGB")
_PNG_MODES = ("L", "LA", "RGB", "RGBA", "P")
#: A PNG heavier than this per pixel is a photograph saved losslessly: `to_pptx_compatible` makes it
#: a JPEG a fraction of its size, as it did before it reached the slide.
MAX_PNG_BYTES_PER_PIXEL = 1.0
#: sRGB's gamma as PNG's gAMA chunk writes it (1/2.2); another one would be applied by some viewers.
_SRGB_GAMMA = 1 / 2.2


def original_bytes(decoded: Image.Image) -> bytes | None:
    """The bytes of the file `decoded` was decoded from (by `open_image`), when embedding them shows
    the same pixels at the same size; None when it must be encoded from `decoded`."""
    path = decoded.info.get(INFO_PATH)
    if not isinstance(path, Path) or decoded.size != decoded.info.get(INFO_SOURCE_SIZE):
        return None  # not decoded from a file, or scaled since
    try:
        data = path.read_bytes()
        with Image.open(path) as im:
            fmt, mode, size, info = im.format, im.mode, im.size, dict(im.info)
            frames = getattr(im, "n_frames", 1)
            orientation = im.getexif().get(0x0112) if fmt == "JPEG" else _png_orientation(path)
    except Exception:  # noqa: BLE001 - unreadable now: the encoder's path reports nothing new
        return None
    if size != decoded.size or frames != 1 or orientation not in (None, 1):
        return None
    if fmt == "JPEG":
        ok = mode in _JPEG_MODES
    elif fmt == "PNG":
        ok = mode in _PNG_MODES and not decoded.info.get(INFO_FLATTENED)  # transparency kept, or opaque
        ok = ok and len(data) <= MAX_PNG_BYTES_PER_PIXEL * size[0] * size[1]
        ok = ok and abs(float(info.get("gamma", _SRGB_GAMMA)) - _SRGB_GAMMA) < 0.001
    else:
        ok = False
    return data if ok and _is_srgb(info.get("icc_profile")) else None


def _png_orientation(path: Path) -> int | None:
    exif = png_exif(path)
    if not exif:
        return None
    found = Image.Exif()
    try:
        found.load(exif)
    except Exception:  # noqa: BLE001 - a broken EXIF block: the decode ignored it too
        return None
    value = found.get(0x0112)
    return value if isinstance(value, int) else None


def _is_srgb(icc: bytes | None) -> bool:
    """No profile, or an sRGB one: what the decode leaves as it is (`_to_srgb` converts others)."""
    if not icc:
        return True
    import io

    try:
        return "srgb" in ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).lower()
    except (ImageCms.PyCMSError, OSError, ValueError):
        return True  # an unreadable profile: the decode left the pixels as they are too
