"""Imaging: safe decode of hostile files, Hugo-exact focal crops, Smart, placeholders, cache."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cardgen.errors import ImageError
from cardgen.imaging import (
    INFO_SOURCE_SIZE,
    CropCache,
    anchor_of,
    crop_box,
    dpi_warning,
    effective_dpi,
    focal_crop,
    focal_crop_result,
    open_image,
    placeholder,
    to_pptx_compatible,
)
from cardgen.page import FOCAL_POINTS

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

FIXED = [f for f in FOCAL_POINTS if f != "smart"]
ASPECTS = {"1:1": (600, 600), "1.91:1": (1146, 600), "16:9": (1067, 600), "2:3": (400, 600)}
THIRD_COLOURS = [(230, 30, 30), (30, 200, 30), (30, 30, 230)]  # red, green, blue thirds


# --- fixed anchors ---------------------------------------------------------------------------------


def _thirds_image(orientation: str) -> Image.Image:
    """1500×500 (wide) or 500×1500 (tall), a distinct colour in each third along the long side."""
    long, short = 1500, 500
    arr = np.zeros((short, long, 3), dtype=np.uint8)
    for i, colour in enumerate(THIRD_COLOURS):
        arr[:, i * 500 : (i + 1) * 500] = colour
    img = Image.fromarray(arr)
    return img if orientation == "wide" else img.transpose(Image.Transpose.ROTATE_270)


def _colour_fractions(line: np.ndarray) -> list[float]:
    """Share of each third's colour along a line of output pixels (nearest colour wins)."""
    ref = np.array(THIRD_COLOURS, dtype=float)
    dist = ((line[:, None, :].astype(float) - ref[None, :, :]) ** 2).sum(axis=2)
    nearest = dist.argmin(axis=1)
    return [float((nearest == i).mean()) for i in range(3)]


def _expected_fractions(anchor: str, orientation: str, aspect: float) -> list[float]:
    """Independent expectation: the kept span along the long side, placed by the anchor."""
    kept = 500 * aspect if orientation == "wide" else 500 / aspect
    kept = min(kept, 1500.0)
    axis = anchor_position(anchor, orientation)
    start = {0: 0.0, 1: (1500 - kept) / 2, 2: 1500 - kept}[axis]
    end = start + kept
    return [max(0.0, min(end, (i + 1) * 500) - max(start, i * 500)) / kept for i in range(3)]


def anchor_position(anchor: str, orientation: str) -> int:
    """0 = start, 1 = centre, 2 = end of the cropped (long) axis for this anchor."""
    if orientation == "wide":
        return 0 if "left" in anchor else 2 if "right" in anchor else 1
    return 0 if anchor.startswith("top") else 2 if anchor.startswith("bottom") else 1


@pytest.mark.parametrize("orientation", ["wide", "tall"])
@pytest.mark.parametrize("aspect_name", list(ASPECTS))
@pytest.mark.parametrize("anchor", FIXED)
def test_fixed_anchor_keeps_the_right_region(anchor, aspect_name, orientation):
    size = ASPECTS[aspect_name]
    src = _thirds_image(orientation)
    out = focal_crop(src, size, anchor)
    assert out.size == size
    arr = np.asarray(out)
    line = arr[size[1] // 2, :, :] if orientation == "wide" else arr[:, size[0] // 2, :]
    got = _colour_fractions(line)
    want = _expected_fractions(anchor, orientation, size[0] / size[1])
    assert got == pytest.approx(want, abs=0.02), (got, want)


def test_fixed_anchor_region_matches_hugo_fill_arithmetic():
    # gift.ResizeToFill: 1000×500 → 300×300 scales to 600×300, cuts x = (600-300)/2 = 150.
    assert crop_box((1000, 500), (300, 300), "Center") == (250, 0, 750, 500)
    assert crop_box((1000, 500), (300, 300), "left") == (0, 0, 500, 500)
    assert crop_box((1000, 500), (300, 300), "BOTTOMRIGHT") == (500, 0, 1000, 500)
    # 500×1000 → 400×300 scales to 400×800, cuts y = 0 / 250 / 500 → source y 0 / 312.5 / 625.
    assert crop_box((500, 1000), (400, 300), "top") == (0, 0, 500, 375)
    assert crop_box((500, 1000), (400, 300), "bottom") == (0, 625, 500, 1000)


def test_crop_box_from_aspect_agrees_with_crop_box_from_size():
    for anchor in FIXED:
        by_size = crop_box((4000, 3000), (1200, 630), anchor)
        by_aspect = crop_box((4000, 3000), 1200 / 630, anchor)
        assert all(abs(a - b) <= 1 for a, b in zip(by_size, by_aspect, strict=True)), (
            anchor,
            by_size,
            by_aspect,
        )


def test_focal_point_is_case_insensitive():
    assert anchor_of("TopLeft") == "topleft"
    assert anchor_of(" SMART ") == "smart"
    assert anchor_of("") == "smart"
    src = _thirds_image("wide")
    a = np.asarray(focal_crop(src, (300, 300), "BottomRight"))
    b = np.asarray(focal_crop(src, (300, 300), "bottomright"))
    assert np.array_equal(a, b)


def test_unknown_focal_point_is_a_one_line_error():
    with pytest.raises(ImageError, match="image.focal_point") as info:
        anchor_of("Middle")
    assert "\n" not in str(info.value)


def test_output_is_exactly_the_requested_size_even_when_upscaling(tmp_path):
    path = tmp_path / "small.png"
    Image.new("RGB", (300, 200), (10, 120, 200)).save(path)
    img = open_image(path)
    result = focal_crop_result(img, (1200, 630), "center")
    assert result.image.size == (1200, 630)
    assert result.upscaled and result.scale == pytest.approx(4.0)
    assert len(result.warnings) == 1 and "small.png" in result.warnings[0]
    assert "upscaled" in result.warnings[0]


def test_downscale_has_no_warning(tmp_path):
    img = Image.new("RGB", (2400, 1260), (10, 120, 200))
    result = focal_crop_result(img, (1200, 630), "smart")
    assert not result.upscaled and result.warnings == ()


# --- Smart -----------------------------------------------------------------------------------------


def _salient_object_image(where: tuple[float, float], size=(1600, 1000)) -> tuple[Image.Image, tuple]:
    """A flat background with one small, textured, skin-toned object at `where` (fractions)."""
    w, h = size
    rng = np.random.default_rng(3)
    arr = np.full((h, w, 3), (200, 205, 210), dtype=np.uint8)
    ow, oh = w // 10, h // 8
    x0, y0 = int(where[0] * w - ow / 2), int(where[1] * h - oh / 2)
    patch = np.array((214, 160, 130)) + rng.integers(-40, 41, (oh, ow, 3))
    arr[y0 : y0 + oh, x0 : x0 + ow] = np.clip(patch, 0, 255)
    return Image.fromarray(arr), (x0, y0, x0 + ow, y0 + oh)


@pytest.mark.parametrize("where", [(0.85, 0.2), (0.12, 0.8), (0.8, 0.75), (0.2, 0.15)])
@pytest.mark.parametrize("aspect_name", list(ASPECTS))
def test_smart_keeps_an_off_centre_salient_object(where, aspect_name):
    img, obj = _salient_object_image(where)
    size = ASPECTS[aspect_name]
    box = crop_box(img.size, size, "smart", img=img)
    assert box[0] <= obj[0] and box[1] <= obj[1] and box[2] >= obj[2] and box[3] >= obj[3], (box, obj)
    # …and a centre crop would not have kept it, for at least the narrow aspects
    out = np.asarray(focal_crop(img, size, "smart")).astype(int)
    assert (np.abs(out - (200, 205, 210)).sum(axis=2) > 60).mean() > 0.005


def test_smart_box_scales_from_a_smaller_decode():
    img, _ = _salient_object_image((0.8, 0.3))
    full = crop_box((3200, 2000), 1.0, "smart", img=img)
    half = crop_box(img.size, 1.0, "smart", img=img)
    assert all(abs(f - 2 * h) <= 2 for f, h in zip(full, half, strict=True))


def test_smart_needs_the_image():
    with pytest.raises(ValueError, match="img="):
        crop_box((100, 100), 1.0, "smart")


# --- hostile and unusual files ---------------------------------------------------------------------


def _photo(size=(640, 480)) -> Image.Image:
    """A textured test picture (gradients + noise), cheap to make even at 12 MP."""
    w, h = size
    ramp = Image.linear_gradient("L")
    red = ramp.resize((w, h))
    green = ramp.rotate(90).resize((w, h))
    blue = Image.effect_noise((w, h), 48)
    return Image.merge("RGB", (red, green, blue))


def _assert_one_line_error(path: Path, match: str) -> None:
    with pytest.raises(ImageError, match=match) as info:
        open_image(path)
    message = str(info.value)
    assert "\n" not in message and path.name in message


def test_truncated_jpeg_is_a_one_line_error(tmp_path):
    buf = io.BytesIO()
    _photo().save(buf, "JPEG", quality=90)
    path = tmp_path / "featured.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    _assert_one_line_error(path, "truncated")


def test_empty_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "featured.jpg"
    path.write_bytes(b"")
    _assert_one_line_error(path, "empty")


def test_text_named_jpg_is_a_one_line_error(tmp_path):
    path = tmp_path / "featured.jpg"
    path.write_text("this is not an image\n" * 20)
    _assert_one_line_error(path, "not a readable image")


def test_missing_file_is_a_one_line_error(tmp_path):
    _assert_one_line_error(tmp_path / "nope.png", "not found")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_png_bomb_is_refused_before_decoding(tmp_path):
    # A 30000×30000 RGB PNG header with a tiny IDAT: only the header must ever be read.
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
    data += _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _png_chunk(b"IEND", b"")
    path = tmp_path / "featured.png"
    path.write_bytes(data)
    _assert_one_line_error(path, "limit|bomb")


def test_pixel_limit_is_configurable(tmp_path):
    path = tmp_path / "big.png"
    Image.new("RGB", (2000, 1000), "white").save(path)
    with pytest.raises(ImageError, match="2 MP limit|limit"):
        open_image(path, max_pixels=1_000_000)
    assert open_image(path, max_pixels=3_000_000).size == (2000, 1000)


def test_16_bit_png_is_scaled_not_clamped(tmp_path):
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (16, 1))
    path = tmp_path / "deep.png"
    Image.fromarray(ramp).save(path)
    assert Image.open(path).mode.startswith("I")
    img = open_image(path)
    assert img.mode == "RGB"
    row = np.asarray(img)[8, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255 and 120 <= row[128] <= 135  # a ramp, not all white


def test_cmyk_jpeg_becomes_rgb_with_the_right_colour(tmp_path):
    path = tmp_path / "print.jpg"
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(path, quality=95)  # pure red ink
    img = open_image(path)
    assert img.mode == "RGB"
    r, g, b = img.getpixel((32, 32))
    assert r > 200 and g < 60 and b < 60


def test_palette_png_with_transparency(tmp_path):
    img = Image.new("P", (40, 40), 0)
    img.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    ImageDraw.Draw(img).rectangle((20, 0, 39, 39), fill=1)
    path = tmp_path / "logo.png"
    img.save(path, transparency=0)
    flat = open_image(path)
    assert flat.mode == "RGB"
    assert flat.getpixel((5, 5)) == (255, 255, 255)  # transparent → white, like Hugo's bgColor
    assert flat.getpixel((30, 5)) == (0, 0, 255)
    kept = open_image(path, keep_alpha=True)
    assert kept.mode == "RGBA" and kept.getpixel((5, 5))[3] == 0 and kept.getpixel((30, 5))[3] == 255


def test_animated_gif_gives_the_first_frame(tmp_path):
    frames = [Image.new("RGB", (50, 30), c) for c in ((250, 0, 0), (0, 250, 0), (0, 0, 250))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    img = open_image(path)
    assert img.mode == "RGB" and img.size == (50, 30)
    r, g, b = img.getpixel((25, 15))
    assert r > 200 and g < 50 and b < 50


@pytest.mark.parametrize("target", [None, (200, 100)])
def test_exif_rotated_jpeg_is_upright(tmp_path, target):
    # Stored 800×400, left half red; orientation 6 = display rotated 90° clockwise → red on top.
    stored = Image.new("RGB", (800, 400), (0, 0, 230))
    ImageDraw.Draw(stored).rectangle((0, 0, 399, 399), fill=(230, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    stored.save(path, exif=exif, quality=95)
    img = open_image(path, target_size=target)
    assert img.info[INFO_SOURCE_SIZE] == (400, 800)
    assert img.size[1] > img.size[0]
    assert img.getpixel((img.size[0] // 2, img.size[1] // 8))[0] > 200
    assert img.getpixel((img.size[0] // 2, img.size[1] * 7 // 8))[2] > 200


def test_jpeg_draft_decodes_less_but_never_too_little(tmp_path):
    path = tmp_path / "camera.jpg"
    _photo((4000, 3000)).save(path, quality=85)
    img = open_image(path, target_size=(1200, 630))
    assert img.info[INFO_SOURCE_SIZE] == (4000, 3000)
    assert img.size[0] < 4000  # DCT-scaled, not a full decode
    # still covers 1200×630 with room for a 0.9 Smart window
    assert img.size[0] >= 1200 / 0.9 and img.size[1] >= 630 / 0.9
    assert not focal_crop_result(img, (1200, 630), "smart").warnings


def test_large_png_is_reduced_for_a_small_target(tmp_path):
    path = tmp_path / "big.png"
    _photo((3000, 2000)).save(path, compress_level=1)
    img = open_image(path, target_size=(300, 200))
    assert img.size[0] < 3000 and img.size[0] >= 300 / 0.9 and img.size[1] >= 200 / 0.9


def test_webp_converts_for_pptx(tmp_path):
    path = tmp_path / "featured.webp"
    _photo().save(path, "WEBP")
    data, fmt = to_pptx_compatible(open_image(path))
    assert fmt == "jpeg" and Image.open(io.BytesIO(data)).format == "JPEG"
    data, fmt = to_pptx_compatible(Image.new("RGBA", (20, 20), (0, 0, 0, 0)))
    assert fmt == "png" and Image.open(io.BytesIO(data)).mode == "RGBA"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("*/*featured*")) if CORPUS.is_dir() else [], ids=lambda p: p.parent.name
)
def test_every_corpus_featured_image_crops_at_three_aspects(path):
    img = open_image(path, target_size=(1200, 1200))
    for size in ((1200, 630), (1080, 1080), (400, 600)):
        for anchor in ("smart", "center", "topright"):
            assert focal_crop(img, size, anchor).size == size


# --- print resolution ------------------------------------------------------------------------------


def test_effective_dpi():
    assert effective_dpi((3000, 2000), (0, 0, 3000, 2000), (254.0, 169.33)) == pytest.approx(300, rel=0.01)
    # a box from a half-size draft decode counts the file's full resolution
    assert effective_dpi((3000, 2000), (0, 0, 1500, 1000), (254.0, 169.33), decoded_size=(1500, 1000)) == (
        pytest.approx(300, rel=0.01)
    )


def test_dpi_warning_below_200():
    img = Image.new("RGB", (600, 400), "gray")
    result = focal_crop_result(img, (1240, 827), "center")
    assert result.dpi((105.0, 70.0)) == pytest.approx(145, rel=0.01)
    assert "145 dpi" in dpi_warning(result, (105.0, 70.0))
    assert dpi_warning(result, (40.0, 26.0)) is None


# --- placeholders ----------------------------------------------------------------------------------

PLACEHOLDER_SIZES = [(1200, 630), (1080, 1080), (1920, 1080), (1240, 900), (400, 600)]


@pytest.mark.parametrize("size", PLACEHOLDER_SIZES)
def test_placeholder_is_deterministic_and_not_flat(size):
    a = placeholder("Machine learning for physics", size)
    b = placeholder("Machine learning for physics", size)
    assert a.size == size and a.mode == "RGB"
    assert a.tobytes() == b.tobytes()
    arr = np.asarray(a).astype(float)
    assert arr.std(axis=(0, 1)).max() > 8  # a gradient, not a box
    small = np.asarray(a.resize((size[0] // 4, size[1] // 4)))
    assert len(np.unique(small.reshape(-1, 3), axis=0)) > 200
    assert arr.mean() < 170  # dark enough to carry white title text


def test_placeholders_differ_between_titles():
    a = np.asarray(placeholder("Project A", (300, 200))).astype(int)
    b = np.asarray(placeholder("Project B", (300, 200))).astype(int)
    assert np.abs(a - b).mean() > 5


def test_placeholder_follows_the_palette():
    img = placeholder("Any title", (300, 200), palette=["#ffffff", "#0969da"])
    r, g, b = np.asarray(img).reshape(-1, 3).mean(axis=0)
    assert b > r + 20  # the blue accent, not the white background, carries the art


# --- cache -----------------------------------------------------------------------------------------


def test_crop_cache_decodes_once_and_crops_once(tmp_path):
    path = tmp_path / "featured.jpg"
    _photo((1600, 1200)).save(path, quality=85)
    cache = CropCache()
    img = cache.open(path, target_size=(1200, 630))
    assert cache.open(path, target_size=(600, 315)) is img  # smaller output: same decode
    first = cache.crop(img, (1200, 630), "Smart")
    assert cache.crop(img, (1200, 630), "smart") is first
    cache.crop(img, (1080, 1080), "center")
    assert cache.decode_count == 1 and cache.crop_count == 2


def test_crop_cache_redecodes_when_a_bigger_output_needs_more_pixels(tmp_path):
    path = tmp_path / "featured.jpg"
    _photo((4000, 3000)).save(path, quality=85)
    cache = CropCache()
    small = cache.open(path, target_size=(300, 200))
    big = cache.open(path, target_size=(2400, 1600))
    assert big.size[0] > small.size[0] and cache.decode_count == 2


def test_crop_cache_exact_decode_is_the_one_made_for_that_size(tmp_path):
    path = tmp_path / "featured.jpg"
    _photo((4000, 3000)).save(path, quality=85)
    cache = CropCache()
    big = cache.open(path, target_size=(2400, 1600))
    small = cache.open(path, target_size=(300, 200), exact=True)  # a covering decode is not reused
    assert small.size[0] < big.size[0] and cache.decode_count == 2
    assert cache.open(path, target_size=(300, 200), exact=True) is small and cache.decode_count == 2
    fresh = CropCache().open(path, target_size=(300, 200), exact=True)
    assert small.tobytes() == fresh.tobytes()


def test_crop_cache_full_resolution_decode_serves_larger_exact_targets(tmp_path):
    """A decode that already holds every pixel of the file is what an exact decode for a larger
    target would give: reused. For a smaller target the exact decode may be reduced: not reused."""
    path = tmp_path / "wide.png"
    _photo((1300, 338)).save(path)
    cache = CropCache()
    whole = cache.open(path, target_size=(1200, 630))
    assert whole.size == (1300, 338)
    assert cache.open(path, target_size=(2600, 1300), exact=True) is whole and cache.decode_count == 1
    assert CropCache().open(path, target_size=(2600, 1300), exact=True).tobytes() == whole.tobytes()
    cache.open(path, target_size=(300, 100), exact=True)
    assert cache.decode_count == 2


def test_crop_cache_reduced_decode_is_not_an_exact_one(tmp_path):
    path = tmp_path / "big.jpg"
    _photo((4000, 3000)).save(path, quality=85)
    cache = CropCache()
    reduced = cache.open(path, target_size=(1200, 630))
    assert reduced.size != (4000, 3000)
    bigger = cache.open(path, target_size=(1400, 700), exact=True)
    assert bigger is not reduced and cache.decode_count == 2


def test_an_enlargement_too_small_to_see_is_not_warned_about():
    """A Smart box a pixel narrower than the output (1197 → 1198 px) is scaled by 1.0008: no
    "upscaled 1.00×" warning; a visible enlargement still warns."""
    img = Image.new("RGB", (1197, 1532), (90, 120, 150))
    assert focal_crop_result(img, (1198, 1532), "center").warnings == ()
    assert "upscaled 1.10×" in focal_crop_result(img, (1317, 1685), "center").warnings[0]
