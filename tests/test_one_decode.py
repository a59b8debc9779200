"""One decode size for every output: a page's social image and card are the same bytes whether
`build` makes them next to the deck or `social` / `card` make them alone, and the featured image is
decoded and analysed once per page."""

from __future__ import annotations

import shutil
from pathlib import Path

from cardgen.imaging import smartcrop
from cardgen.loader import load_page
from cardgen.render.assets import DECODE_SIZE, PageImages
from cardgen.render.build import render_all

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "mlphys"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _page(tmp_path: Path) -> Path:
    bundle = tmp_path / "mlphys"
    shutil.copytree(SAMPLE, bundle)
    return bundle / "index.md"


def test_build_and_single_outputs_give_identical_bytes(tmp_path: Path) -> None:
    page = load_page(_page(tmp_path))
    render_all(page, tmp_path / "build", formats=("deck", "social", "card"))
    render_all(load_page(page.path), tmp_path / "social", formats=("social",))
    render_all(load_page(page.path), tmp_path / "card", formats=("card",))
    for folder, name in (("social", f"{page.slug}-og.jpg"), ("card", f"{page.slug}-card.pdf")):
        alone = (tmp_path / folder / name).read_bytes()
        assert alone == (tmp_path / "build" / name).read_bytes(), f"{name} differs between build and {folder}"


def test_featured_image_is_decoded_and_analysed_once_per_page(tmp_path: Path, monkeypatch) -> None:
    analyses: list[tuple[int, int]] = []
    original = smartcrop._analyse

    def counting(img, *args):  # type: ignore[no-untyped-def]
        analyses.append(img.size)
        return original(img, *args)

    monkeypatch.setattr(smartcrop, "_analyse", counting)
    page = load_page(_page(tmp_path))
    images = PageImages(page)
    render_all(page, tmp_path / "out", formats=("deck", "social", "card"), social_presets=("og", "square"),
               images=images)
    assert images._cache.decode_count == 1
    assert len(analyses) == 1
    # 4000×3000 seed: a draft decode at half scale still covers DECODE_SIZE with a Smart window
    assert analyses[0] == (2000, 1500) and analyses[0][0] >= DECODE_SIZE[0]


def test_a_wide_featured_image_with_its_own_slide_is_decoded_once(tmp_path: Path, monkeypatch) -> None:
    """A wide diagram gets a picture slide after the title slide: that slide's pixels come from the
    page's decode (the file at full resolution), not from a second decode of the file."""
    from pptx import Presentation

    from cardgen.imaging import decode

    decodes: list[str] = []
    original = decode._decode

    def counting(im, path, *args):  # type: ignore[no-untyped-def]
        decodes.append(Path(path).name)
        return original(im, path, *args)

    monkeypatch.setattr(decode, "_decode", counting)

    bundle = tmp_path / "wide"
    bundle.mkdir()
    shutil.copy(FIXTURES / "smart" / "img-rf-fingerprinting-wide.png", bundle / "featured.png")
    (bundle / "index.md").write_text("---\ntitle: RF fingerprinting\n---\n\nA paragraph about radios.\n")
    page = load_page(bundle / "index.md")
    images = PageImages(page)
    result = render_all(page, tmp_path / "out", formats=("deck", "social", "card"), images=images)
    assert not result.info["errors"]
    assert decodes == ["featured.png"]
    prs = Presentation(str(next(p for p in result.outputs if p.suffix == ".pptx")))
    pictures = [shape for shape in prs.slides[1].shapes if hasattr(shape, "image")]
    assert pictures and pictures[0].image.size == (1300, 338)  # all of the file's pixels


def test_a_deck_pdf_made_first_does_not_change_the_other_outputs(tmp_path: Path) -> None:
    """The deck PDF's slides want more pixels than the shared decode holds: that bigger decode is its
    own, so the social images and the card made after it are still the bytes they are alone."""
    page = load_page(_page(tmp_path))
    images = PageImages(page)
    render_all(page, tmp_path / "build", formats=("deck-pdf", "social", "card"), social_presets=("og", "square"),
               images=images)
    assert images._cache.decode_count == 2  # the shared one and the deck PDF's
    render_all(load_page(page.path), tmp_path / "alone", formats=("social", "card"), social_presets=("og", "square"))
    for name in (f"{page.slug}-og.jpg", f"{page.slug}-square.jpg", f"{page.slug}-card.pdf"):
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "build" / name).read_bytes(), name


def test_outputs_made_side_by_side_are_the_bytes_made_one_after_another(tmp_path: Path) -> None:
    page = load_page(_page(tmp_path))
    formats = ("deck", "deck-pdf", "social", "card")
    one = render_all(page, tmp_path / "one", formats=formats, jobs=1)
    two = render_all(load_page(page.path), tmp_path / "two", formats=formats, jobs=2)
    assert [p.name for p in one.outputs] == [p.name for p in two.outputs]  # in format order
    assert len(one.outputs) == 5 and not one.info["errors"] and not two.info["errors"]
    for a, b in zip(one.outputs, two.outputs, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert one.warnings == two.warnings
    assert set(two.info["timings"]) == set(formats)  # type: ignore[arg-type]


def test_an_output_whose_process_dies_is_reported_and_the_others_are_written(tmp_path: Path, monkeypatch) -> None:
    import os

    from cardgen.render import build

    original = build._render_one

    def dying(fmt, *args):  # type: ignore[no-untyped-def]
        if fmt == "card":
            os._exit(3)  # a crash in the native code of one output, in its worker process
        return original(fmt, *args)

    monkeypatch.setattr(build, "_render_one", dying)
    page = load_page(_page(tmp_path))
    result = render_all(page, tmp_path / "out", formats=("deck", "social", "card"), jobs=2)
    assert result.info["errors"] == {"card": "the worker process died (exit code 3)"}
    assert sorted(p.name for p in result.outputs) == sorted([f"{page.slug}.pptx", f"{page.slug}-og.jpg",
                                                            f"{page.slug}-social.html"])
    assert all(p.stat().st_size > 0 for p in result.outputs)
    assert not (tmp_path / "out" / f"{page.slug}-card.pdf").exists()


def test_an_interrupted_build_removes_what_its_stopped_workers_were_writing(tmp_path: Path, monkeypatch) -> None:
    import signal
    import time

    import pytest

    from cardgen.pool import can_fork
    from cardgen.render import build

    if not can_fork():
        pytest.skip("outputs are made side by side only where processes fork")

    def stopped_mid_write(fmt, page, folder, *args):  # type: ignore[no-untyped-def]
        (folder / f".{page.slug}-{fmt}.abcd1234.part").write_bytes(b"half")  # as atomic_write leaves one
        time.sleep(60)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "_render_one", stopped_mid_write)
    page = load_page(_page(tmp_path))
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(2)
    try:
        with pytest.raises(KeyboardInterrupt):
            render_all(page, tmp_path / "out", formats=("deck", "social"), jobs=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not list((tmp_path / "out").glob("*.part"))


def test_a_png_featured_image_is_decoded_once(tmp_path: Path, monkeypatch) -> None:
    """Pillow decodes a whole PNG to find EXIF that may follow the pixels: reading the picture's size
    and orientation then is the decode every output shares, not a second one."""
    from PIL import Image, ImageFile

    bundle = tmp_path / "png-page"
    bundle.mkdir()
    Image.effect_mandelbrot((1600, 1000), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB").save(bundle / "featured.png")
    (bundle / "index.md").write_text("---\ntitle: A PNG picture\nsummary: Pixels.\n---\nBody.\n", encoding="utf-8")
    decodes: list[str] = []
    original = ImageFile.ImageFile.load

    def counting(self):  # type: ignore[no-untyped-def]
        if self.tile and str(getattr(self, "filename", "")).endswith("featured.png"):
            decodes.append(self.filename)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    page = load_page(bundle / "index.md")
    images = PageImages(page)
    result = render_all(page, tmp_path / "out", formats=("deck", "social", "card"), images=images)
    assert not result.info["errors"] and len(result.outputs) == 4
    assert images.has_image and len(decodes) == 1


def _png_with_exif_after_pixels(path: Path, size: tuple[int, int], orientation: int) -> None:
    """A PNG whose eXIf chunk follows its IDAT (allowed by the PNG specification)."""
    import io
    import zlib

    from PIL import Image

    plain = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(plain, "PNG")
    exif = Image.Exif()
    exif[0x0112] = orientation
    tiff = exif.tobytes()[6:] if exif.tobytes().startswith(b"Exif") else exif.tobytes()
    chunk = len(tiff).to_bytes(4, "big") + b"eXIf" + tiff + zlib.crc32(b"eXIf" + tiff).to_bytes(4, "big")
    data = plain.getvalue()
    path.write_bytes(data[:-12] + chunk + data[-12:])  # before IEND


def test_a_png_is_measured_upright_from_its_chunk_headers_without_inflating_it(tmp_path: Path, monkeypatch) -> None:
    from PIL import Image, ImageFile

    from cardgen.imaging.decode import png_exif

    bundle = tmp_path / "page"
    bundle.mkdir()
    (bundle / "index.md").write_text("---\ntitle: Turned\n---\nBody.\n", encoding="utf-8")
    after = bundle / "featured.png"
    _png_with_exif_after_pixels(after, (300, 200), 6)
    with Image.open(after) as img:
        assert "exif" not in img.info  # Pillow finds it only once the pixels are read
    assert png_exif(after) is not None
    loads: list[object] = []
    original = ImageFile.ImageFile.load

    def counting(self):  # type: ignore[no-untyped-def]
        if self.tile:
            loads.append(self)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    images = PageImages(load_page(bundle / "index.md"))
    assert images.source_size() == (200, 300) and not loads  # rotated by 90°, nothing inflated
    assert images.source().size == (200, 300) and len(loads) == 1  # the decode agrees
    for broken in (b"", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\xff\xff", b"GIF89a"):
        (tmp_path / "broken.png").write_bytes(broken)
        assert png_exif(tmp_path / "broken.png") is None
