"""The event contact sheet: every social image as a labelled thumbnail, labels through the text engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cardgen.render.contact_sheet import LABEL_SIZE, MARGIN, THUMB_W, TITLE_SIZE, render_contact_sheet
from cardgen.text.measure import text_width
from cardgen.text.raster import draw_text


def _ink_columns(img: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int]:
    band = np.asarray(img.crop(box).convert("L")) < 160
    cols = np.flatnonzero(band.any(axis=0))
    return (int(cols[0]), int(cols[-1])) if cols.size else (0, -1)


@pytest.mark.parametrize("title", ["オープンラボの日 2026", "يوم المختبر المفتوح", "Open Lab Day 2026"])
def test_event_title_is_drawn_by_the_text_engine_in_any_script(tmp_path: Path, title: str) -> None:
    thumb = tmp_path / "a.png"
    Image.new("RGB", (1200, 630), "#336699").save(thumb)
    sheet = Image.open(render_contact_sheet([("a", thumb, None)], tmp_path / "sheet.png", title=title))
    band = (MARGIN, MARGIN, sheet.width - MARGIN, MARGIN + TITLE_SIZE + 16)
    expected = Image.new("RGB", sheet.size, "#f6f8fa")
    draw_text(ImageDraw.Draw(expected), (MARGIN, MARGIN + TITLE_SIZE), title, TITLE_SIZE, bold=True, fill="#1f2328")
    got = np.asarray(sheet.crop(band), dtype=np.int16)
    want = np.asarray(expected.crop(band), dtype=np.int16)
    assert np.abs(got - want).mean() < 1.0, "the title is drawn with font fallback and shaping"
    first, last = _ink_columns(sheet, band)
    assert abs((last - first) - text_width(title, TITLE_SIZE, bold=True)) < TITLE_SIZE


def test_long_labels_end_at_a_word_boundary_inside_the_thumbnail(tmp_path: Path) -> None:
    thumb = tmp_path / "a.png"
    Image.new("RGB", (1200, 630), "#336699").save(thumb)
    label = "modeling tumor growth angiogenesis drug therapy and metastasis in three dimensions"
    sheet = Image.open(render_contact_sheet([(label, thumb, None)], tmp_path / "sheet.png"))
    top = MARGIN + round(630 * THUMB_W / 1200) + 4
    first, last = _ink_columns(sheet, (MARGIN, top, sheet.width, top + LABEL_SIZE + 12))
    assert first >= 0 and last < THUMB_W, "the label stays under its thumbnail"


def test_a_kept_thumbnail_is_used_and_a_broken_one_is_not(tmp_path: Path) -> None:
    """A thumbnail kept when the image was rendered is pasted as it is; an unreadable one (or one of the
    wrong width) is ignored and the image itself is decoded."""
    image = tmp_path / "a.jpg"
    Image.new("RGB", (1200, 630), "#336699").save(image, quality=95)
    kept = tmp_path / "kept.png"
    Image.new("RGB", (THUMB_W, 210), "#ff0000").save(kept)
    broken = tmp_path / "broken.png"
    broken.write_bytes(kept.read_bytes()[:40])
    for prepared, colour in ((kept, (255, 0, 0)), (broken, (0x33, 0x66, 0x99)), (None, (0x33, 0x66, 0x99))):
        sheet = Image.open(render_contact_sheet([("a", image, prepared)], tmp_path / "sheet.png")).convert("RGB")
        centre = np.asarray(sheet.crop((MARGIN + 100, MARGIN + 50, MARGIN + 300, MARGIN + 150)), dtype=np.int16)
        assert np.abs(centre - np.array(colour)).max() <= 3, prepared


def test_the_sheet_is_compressed_with_zlibs_fast_matcher(tmp_path: Path) -> None:
    """Written at zlib level 3 (the stream header's FLEVEL 1, "fast"): half the time of level 6 for
    4 % more bytes on a corpus sheet, the same pixels."""
    import io

    thumb = tmp_path / "og.png"
    Image.effect_mandelbrot((480, 252), (-2.0, -1.0, 1.0, 1.0), 40).convert("RGB").save(thumb)
    path = render_contact_sheet([("a", thumb, None), ("b", thumb, None)], tmp_path / "sheet.png")
    data = path.read_bytes()
    at = data.index(b"IDAT") + 4
    assert data[at + 1] >> 6 == 1  # FLEVEL: 0 fastest, 1 fast, 2 default, 3 maximum
    with Image.open(path) as sheet:
        again = io.BytesIO()
        sheet.save(again, "PNG", compress_level=6)
        again.seek(0)
        assert Image.open(again).tobytes() == sheet.tobytes()
