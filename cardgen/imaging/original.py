"""A figure's own file, embedded as it is when a slide would show exactly its pixels.

Re-encoding a PNG diagram or a JPEG photo that already fits its slide gains nothing: a JPEG loses a
generation of quality, a PNG comes out the same pixels after ~10–40 ms of zlib. The file goes into
the deck unchanged when its decode kept the file's pixels as stored (`INFO_AS_STORED`: a PNG or JPEG
every PowerPoint and LibreOffice reads, full size, upright, sRGB, nothing flattened or converted) and
they have not been scaled since. Anything else takes `to_pptx_compatible`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from cardgen.imaging.decode import INFO_AS_STORED, INFO_PATH, INFO_SOURCE_SIZE

#: A PNG heavier than this per pixel is a photograph saved losslessly: `to_pptx_compatible` makes it
#: a JPEG a fraction of its size, as it did before it reached the slide.
MAX_PNG_BYTES_PER_PIXEL = 1.0


def original_bytes(decoded: Image.Image) -> bytes | None:
    """The bytes of the file `decoded` was decoded from (by `open_image`), when embedding them shows
    the same pixels at the same size; None when it must be encoded from `decoded`."""
    fmt, path = decoded.info.get(INFO_AS_STORED), decoded.info.get(INFO_PATH)
    if not fmt or not isinstance(path, Path) or decoded.size != decoded.info.get(INFO_SOURCE_SIZE):
        return None  # converted by the decode, not from a file, or scaled since
    try:
        data = path.read_bytes()
    except OSError:  # gone since it was decoded: encode what was decoded
        return None
    if fmt == "PNG" and len(data) > MAX_PNG_BYTES_PER_PIXEL * decoded.width * decoded.height:
        return None
    return data
