"""Image placement: cover or contain, never blown up, decided once and shown the same everywhere."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cardgen.imaging import open_image
from cardgen.imaging.placement import (
    ImageFeatures,
    decide_placement,
    frame_pixels,
    image_features,
)

FIXTURES = Path(__file__).parent / "fixtures" / "smart"
RED, BLUE = (220, 40, 40), (30, 90, 200)
MAGENTA, GREEN = (200, 30, 200), (40, 180, 60)


def _logo(path: Path, transparent: bool = True) -> Path:
    """900×150 with a red disc at the left end and a blue square at the right end."""
    img = Image.new("RGBA", (900, 150), (0, 0, 0, 0) if transparent else (255, 255, 255, 255))
    d = ImageDraw.Draw(img)
    d.ellipse((10, 15, 130, 135), fill=RED + (255,))
    d.rectangle((770, 15, 890, 135), fill=BLUE + (255,))
    d.text((420, 65), "LOGO", fill=(20, 20, 20, 255))
    img.save(path)
    return path


def _checker(path: Path) -> Path:
    shutil.copyfile(FIXTURES / "synthetic-checker-200.png", path)
    return path


def _page(tmp_path: Path, image: Path | None, caption: str = "", name: str = "p"):
    from cardgen.loader import load_page

    bundle = tmp_path / "content" / "project" / name
    bundle.mkdir(parents=True, exist_ok=True)
    if image is not None:
        shutil.copyfile(image, bundle / f"featured{image.suffix}")
    cap = f"\n  caption: '{caption}'" if caption else ""
    (bundle / "index.md").write_text(
        f"---\ntitle: Placement test page\nsummary: A page to place images on.\nimage:\n  focal_point: Smart{cap}\n---\nBody.\n"
    )
    return load_page(bundle / "index.md")


def _has(colour: tuple[int, int, int], pixels: np.ndarray, tol: int = 40, share: float = 0.002) -> bool:
    near = np.all(np.abs(pixels[..., :3].astype(int) - colour) <= tol, axis=-1)
    return bool(near.mean() >= share)


# ----------------------------------------------------------------------------- the decision


def _features(**kw) -> ImageFeatures:
    base = dict(size=(1000, 1000), graphic=False, transparent=0.0, edge_colour=None, content=(0.0, 0.0, 1.0, 1.0))
    base.update(kw)
    return ImageFeatures(**base)


def test_a_wide_logo_is_contained_whole_in_a_portrait_frame():
    logo = _features(size=(900, 150), graphic=True, transparent=0.8, content=(0.01, 0.1, 0.99, 0.9))
    placed = decide_placement(logo, (480, 600))
    assert placed.mode == "contain"
    x, y, w, h = placed.box
    assert w == pytest.approx(1.0 * 900 * placed.scale / 480) and x == pytest.approx((1 - w) / 2)
    assert placed.background is not None and placed.background.kind == "surface"  # transparent art


def test_a_small_image_is_never_enlarged_beyond_two_times():
    small = _features(size=(200, 200))
    for frame in ((1200, 630), (480, 600), (1240, 730)):
        placed = decide_placement(small, frame)
        assert placed.scale <= 2.0 + 1e-9
        assert placed.mode == "contain"
    assert decide_placement(small, (1200, 630), fit="cover").scale <= 2.0  # the cap holds for a forced cover


def test_a_photo_covers_its_frame_and_a_diagram_that_fits_too():
    photo = _features(size=(4000, 3000))
    assert decide_placement(photo, (480, 600)).covers
    assert decide_placement(photo, (1200, 630)).covers
    diagram = _features(size=(1200, 800), graphic=True, edge_colour=(255, 255, 255), content=(0.2, 0.1, 0.8, 0.9))
    assert decide_placement(diagram, (1200, 630)).covers  # cover cuts only blank margin
    wide = _features(size=(2640, 686), graphic=True, edge_colour=(255, 255, 255), content=(0.0, 0.0, 1.0, 1.0))
    placed = decide_placement(wide, (480, 600))
    assert placed.mode == "contain" and placed.background.kind == "edge"
    assert placed.background.colour == (255, 255, 255)


@pytest.mark.parametrize("cut", [0.06, 0.10, 0.28])
def test_a_diagram_whose_content_a_cover_would_cut_is_contained(cut):
    """A diagram's labels and nodes reach the edges of its content: a cover crop that cuts 10 % of it
    ("kelihood", a node without its arrows) or a plot's axis (28 %) is never the better picture."""
    frame = (600.0, 630.0)
    width = 630.0 / (1 - cut)  # a square-ish diagram whose content fills it, cut `cut` by a cover
    diagram = _features(size=(round(width), 630), graphic=True, edge_colour=(255, 255, 255),
                        content=(0.005, 0.005, 0.995, 0.995))
    placed = decide_placement(diagram, frame)
    assert placed.mode == "contain", placed.reason
    photo = _features(size=(round(width), 630))
    assert decide_placement(photo, frame).covers  # a photo still fills its frame


def test_a_contained_photo_sits_on_its_own_blurred_extension():
    small_photo = _features(size=(225, 225))
    placed = decide_placement(small_photo, (1200, 630))
    assert placed.background is not None and placed.background.kind == "extend"


def test_the_template_can_force_a_mode():
    logo = _features(size=(2700, 450), graphic=True, content=(0, 0, 1, 1))
    assert decide_placement(logo, (400, 400), fit="cover").covers
    assert decide_placement(_features(size=(4000, 3000)), (400, 400), fit="contain").mode == "contain"
    with pytest.raises(ValueError, match="fit"):
        decide_placement(logo, (400, 400), fit="stretch")


def test_frame_pixels_count_at_the_output_resolution():
    assert frame_pixels((10, 7.5), "in", 96) == (960.0, 720.0)
    assert frame_pixels((25.4, 50.8), "mm", 300) == pytest.approx((300.0, 600.0))
    assert frame_pixels((72, 36), "pt", 96) == (96.0, 48.0)


def test_features_are_read_from_the_smart_analysis_without_a_second_pass(monkeypatch):
    from cardgen.imaging import smartcrop
    from cardgen.imaging.smartcrop import smart_crop_box

    img = open_image(FIXTURES / "zh-gan-editing.png", keep_alpha=True)
    smart_crop_box(img, (1200, 630))
    calls = []
    monkeypatch.setattr(smartcrop, "resize_for_smartcrop", lambda *a, **k: calls.append(a))
    features = image_features(img)
    assert not calls  # the prescaled copy Smart made is reused
    assert features.graphic and features.edge_colour == (255, 255, 255)


@pytest.mark.parametrize(
    ("name", "graphic"),
    [("mlphys-seed.jpg", False), ("eskola-bideapp.jpg", False), ("ucsc-livehd.png", True),
     ("img-rf-fingerprinting-wide.png", True), ("synthetic-logo-900x150.png", True)],
)
def test_photos_and_graphics_are_told_apart(name: str, graphic: bool):
    assert image_features(open_image(FIXTURES / name, keep_alpha=True)).graphic is graphic


# ----------------------------------------------------------------------------- in every output


def _social_panel(page) -> np.ndarray:
    from cardgen.render.social import PRESETS, compose
    from cardgen.templates import load_template

    social = compose(page, PRESETS["og"], load_template("default"))
    return np.asarray(social.image.convert("RGB"))[:, int(1200 * 0.6) :]


def _title_slide_picture(page, tmp_path: Path) -> tuple[np.ndarray, float]:
    """The title slide's picture and its pixels per inch on the slide."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from cardgen.render.deck import render_deck

    out = tmp_path / "deck.pptx"
    render_deck(page, out)
    slide = Presentation(str(out)).slides[0]
    for shape in slide.shapes:
        if shape.shape_type in (MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.PLACEHOLDER) and hasattr(shape, "image"):
            img = Image.open(io.BytesIO(shape.image.blob)).convert("RGB")
            return np.asarray(img), img.width / (shape.width / 914400)
    raise AssertionError("no picture on the title slide")


def _card_front(page, tmp_path: Path) -> np.ndarray:
    from cardgen.render.card import build_card

    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(build_card(page).data)
    subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "front")], check=True)
    return np.asarray(Image.open(next(tmp_path.glob("front*.png"))).convert("RGB"))


def _edge_to_edge_logo(path: Path) -> Path:
    """900×150 opaque art whose content runs to both ends: a magenta bar at the left, a green one at the
    right (colours no template draws)."""
    img = Image.new("RGB", (900, 150), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 20, 59, 129), fill=MAGENTA)
    d.rectangle((840, 20, 899, 129), fill=GREEN)
    d.text((420, 65), "LOGO", fill=(20, 20, 20))
    img.save(path)
    return path


def _bar_width(colour: tuple[int, int, int], pixels: np.ndarray) -> int:
    near = np.all(np.abs(pixels[..., :3].astype(int) - colour) <= 40, axis=-1)
    return int(near.any(axis=0).sum())


@pytest.mark.parametrize("output", ["social", "card"])
def test_art_shown_whole_is_not_cut_at_its_ends(tmp_path: Path, output: str):
    """A contained picture already has its frame's aspect: it is cut at the centre (a whole image), not
    by the Smart crop, which zooms in by up to a tenth as Hugo's does ("Spack" lost its "k")."""
    page = _page(tmp_path, _edge_to_edge_logo(tmp_path / "logo.png"))
    if output == "card":
        if not shutil.which("pdftoppm"):
            pytest.skip("pdftoppm not installed")
        pixels = _card_front(page, tmp_path)
    else:
        pixels = _social_panel(page)
    left, right = _bar_width(MAGENTA, pixels), _bar_width(GREEN, pixels)
    assert left > 4 and abs(left - right) <= 2, (left, right)


def test_a_wide_logo_shows_both_ends_in_the_social_image(tmp_path: Path):
    panel = _social_panel(_page(tmp_path, _logo(tmp_path / "logo.png")))
    assert _has(RED, panel) and _has(BLUE, panel)


def test_a_wide_logo_shows_both_ends_on_a_slide_of_its_own(tmp_path: Path):
    """A 6:1 logo contained in the title slide's portrait panel would fill a tenth of it: the title
    slide goes without a picture and the logo, whole, fills the width of the slide after it."""
    from pptx import Presentation

    from cardgen.render.deck import render_deck

    out = tmp_path / "deck.pptx"
    render_deck(_page(tmp_path, _logo(tmp_path / "logo.png")), out)
    prs = Presentation(str(out))
    cover, second = list(prs.slides)[:2]
    assert not [s for s in cover.shapes if hasattr(s, "image")]
    [shape] = [s for s in second.shapes if hasattr(s, "image")]
    picture = np.asarray(Image.open(io.BytesIO(shape.image.blob)).convert("RGB"))
    assert _has(RED, picture) and _has(BLUE, picture)
    assert shape.width >= 0.8 * prs.slide_width


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_a_wide_logo_shows_both_ends_on_the_card_front(tmp_path: Path):
    front = _card_front(_page(tmp_path, _logo(tmp_path / "logo.png", transparent=False)), tmp_path)
    assert _has(RED, front, share=0.0005) and _has(BLUE, front, share=0.0005)


def _dark_extent(pixels: np.ndarray) -> tuple[int, int]:
    dark = pixels.max(axis=-1) < 60
    ys, xs = np.nonzero(dark)
    return int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def test_a_200px_checkerboard_is_never_shown_above_two_times_in_the_social_image(tmp_path: Path):
    panel = _social_panel(_page(tmp_path, _checker(tmp_path / "board.png")))
    w, h = _dark_extent(panel[: int(630 * 0.95)])
    assert w <= 2 * 200 + 2 and h <= 2 * 200 + 2


def test_a_200px_checkerboard_is_never_shown_above_two_times_on_a_slide(tmp_path: Path):
    picture, px_per_inch = _title_slide_picture(_page(tmp_path, _checker(tmp_path / "board.png")), tmp_path)
    w, h = _dark_extent(picture)
    slide_px = 96 / px_per_inch  # the picture's pixels measured at 96 px/in on the slide
    assert w * slide_px <= 2 * 200 + 3 and h * slide_px <= 2 * 200 + 3


def test_the_seed_photo_still_fills_its_frames(tmp_path: Path, seed_copy: Path):
    from cardgen.loader import load_page
    from cardgen.render.assets import PageImages
    from cardgen.render.deck_media import hero_frame  # noqa: F401 - slides are judged at a resolution

    shutil.copyfile(Path(__file__).parents[1] / "samples" / "mlphys" / "featured.jpg", seed_copy.parent / "featured.jpg")
    page = load_page(seed_copy)
    assert page.featured_image is not None
    images = PageImages(page)
    for frame in ((480, 600), (1200, 630), (1240, 730), (640, 720)):
        assert images.placement(frame).covers, frame
    panel = _social_panel(page)
    surface = np.array((0xF6, 0xF8, 0xFA))
    assert not np.all(np.abs(panel[5:40, 5:-5].astype(int) - surface) <= 4, axis=-1).mean() > 0.5


def test_no_caption_credit_on_placeholder_art(tmp_path: Path):
    from pptx import Presentation

    from cardgen.render.card import build_card
    from cardgen.render.deck import render_deck

    page = _page(tmp_path, None, caption="Angiogenesis simulation")
    out = tmp_path / "deck.pptx"
    render_deck(page, out)
    texts = [shape.text_frame.text for slide in Presentation(str(out)).slides for shape in slide.shapes
             if shape.has_text_frame]
    assert not any("Angiogenesis" in t for t in texts)
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(build_card(page).data)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Angiogenesis" not in text
    real = _page(tmp_path, tmp_path / "board.png" if _checker(tmp_path / "board.png") else None,
                 caption="Angiogenesis simulation", name="q")
    pdf.write_bytes(build_card(real).data)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Angiogenesis" in text  # a real image keeps its credit


def test_background_is_the_border_colour_within_the_tolerance_around_a_half_level_median():
    """The border's median can fall between two levels (100.5 here): a level 10.5 away is content,
    9.5 away is background, on both sides."""
    import numpy as np

    from cardgen.imaging.placement import features_from_pixels

    for inside, content in ((110, False), (91, False), (111, True), (90, True)):
        rgba = np.full((100, 200, 4), 255, np.uint8)
        rgba[..., :3] = 101
        rgba[::2, ::2, :3] = 100
        rgba[1::2, 1::2, :3] = 100  # the border: as many 100s as 101s
        rgba[20:60, 40:90, :3] = inside
        features = features_from_pixels(rgba, (200, 100))
        assert features.edge_colour == (100, 100, 100)
        expected = (0.2, 0.2, 0.45, 0.6) if content else (0.0, 0.0, 1.0, 1.0)
        assert features.content == pytest.approx(expected), inside


def test_the_blurred_extension_made_small_matches_blurring_at_full_size():
    """The extension behind a contained photo is blurred at a quarter of the frame's size and scaled up:
    within a few levels of the same blur made at full size (the reference below), for a slide and a
    social image."""
    from PIL import ImageFilter

    from cardgen.imaging.compose import EXTEND_BLUR, EXTEND_SHADE, _background
    from cardgen.imaging.placement import Background, Placement

    photo = open_image(Path(__file__).parent / "fixtures" / "smart" / "zh-gan-editing.png")
    placement = Placement("contain", (0.3, 0, 0.4, 1), 1.0, Background("extend"), "test")
    for size in ((1920, 1080), (1200, 630)):
        small = photo.convert("RGB")
        small.thumbnail((64, 64), Image.Resampling.BOX)
        k = max(size[0] / small.width, size[1] / small.height)
        cover = small.resize((round(small.width * k), round(small.height * k)), Image.Resampling.BILINEAR)
        left, top = (cover.width - size[0]) // 2, (cover.height - size[1]) // 2
        cover = cover.crop((left, top, left + size[0], top + size[1]))
        cover = cover.filter(ImageFilter.GaussianBlur(EXTEND_BLUR * max(size)))
        reference = np.asarray(Image.blend(cover, Image.new("RGB", size, (0, 0, 0)), EXTEND_SHADE), dtype=np.int16)
        made = np.asarray(_background(photo, placement, size, (255, 255, 255)), dtype=np.int16)
        assert made.shape == reference.shape
        difference = np.abs(made - reference)
        assert difference.max() <= 6 and difference.mean() < 0.8, (size, difference.max(), difference.mean())
