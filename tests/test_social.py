"""Social preview images: presets, layout validation, safe area, contrast, encoding, meta snippet, Hugo mode."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from cardgen.errors import TemplateError, UsageError
from cardgen.page import Author, ImageSettings, Page, Site
from cardgen.render.social import PRESETS, compose, resolve_presets, safe_area
from cardgen.render.social_encode import encode
from cardgen.render.social_meta import meta_snippet
from cardgen.templates import builtin_root, load_template

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, tiny_png

TEMPLATES = ("default", "dark", "event")
LONG_TITLE = "Separating stable and unstable regimes in Gaussian process transition dynamics models with a very long name"


def make_page(
    tmp_path: Path,
    title: str = "MLPhys: Foundation of Machine Learning Physics",
    *,
    image: Path | None = None,
    focal_point: str = "smart",
    language: str = "",
    url: str = "",
    site: Site | None = None,
    authors: tuple[str, ...] = ("Hajime Nagahara", "Yuta Nakashima", "Noriko Takemura", "Ada Lovelace"),
    alt: str = "",
) -> Page:
    bundle = tmp_path / "content" / "project" / "mlphys"
    bundle.mkdir(parents=True, exist_ok=True)
    return Page(
        path=bundle / "index.md",
        title=title,
        title_runs=(),
        title_plain=title,
        description="Physics meets machine learning: a transformative research area integrating two major fields.",
        description_source="summary",
        summary_runs=(),
        authors=tuple(Author(a) for a in authors),
        tags=("machine learning", "physics", "outreach"),
        date=dt.date(2020, 7, 1),
        image=ImageSettings(focal_point=focal_point, alt_text=alt),
        featured_image=image,
        bundle_dir=bundle,
        site=site,
        url=url,
        language=language,
    )


def photo(path: Path, size: tuple[int, int] = (1600, 1000), seed: int = 1) -> Path:
    """A noisy, bright photo-like JPEG (hard for white text, hard to compress)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    base = np.linspace(120, 250, size[0], dtype=np.float32)[None, :, None] * np.ones(
        (size[1], 1, 3), np.float32
    )
    noise = rng.normal(0, 40, (size[1], size[0], 3))
    Image.fromarray(np.clip(base + noise, 0, 255).astype("uint8"), "RGB").save(path, quality=92)
    return path


def regions(path: Path, colours: list[tuple[int, int, int]], wide: bool) -> Path:
    """Three bands (left→right when wide, top→bottom when tall) of distinct colours, with grain
    like a photograph's (flat colour bands would be placed as a diagram, contained whole)."""
    import numpy as np
    from PIL import Image, ImageDraw

    size = (3000, 800) if wide else (800, 3000)
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for i, colour in enumerate(colours):
        if wide:
            draw.rectangle((i * 1000, 0, (i + 1) * 1000 - 1, 799), fill=colour)
        else:
            draw.rectangle((0, i * 1000, 799, (i + 1) * 1000 - 1), fill=colour)
    grain = np.random.default_rng(3).integers(-24, 25, (size[1], size[0], 3))
    img = Image.fromarray(np.clip(np.asarray(img).astype(int) + grain, 0, 255).astype(np.uint8))
    img.save(path)
    return path


def _text_engine() -> bool:
    try:
        import cardgen.text.fit  # noqa: F401
        import cardgen.text.raster  # noqa: F401
    except ImportError:
        return False
    return True


render = pytest.mark.skipif(not _text_engine(), reason="text engine (cardgen.text) not installed")


# ----------------------------------------------------------------- presets, sizes, safe area


def test_presets_have_the_documented_sizes() -> None:
    assert PRESETS == {
        "og": (1200, 630),
        "x": (1200, 600),
        "square": (1080, 1080),
        "linkedin": (1200, 627),
        "github": (1280, 640),
    }
    assert [name for name, _ in resolve_presets("all")] == list(PRESETS)
    assert resolve_presets("OG") == [("og", (1200, 630))]
    assert resolve_presets("og", "1600x900") == [("custom", (1600, 900))]


@pytest.mark.parametrize(
    ("preset", "size"), [("instagram", None), ("og", "big"), ("og", "100x100"), ("og", "1600x")]
)
def test_bad_preset_or_size_is_a_one_line_usage_error(preset: str, size: str | None) -> None:
    with pytest.raises(UsageError) as info:
        resolve_presets(preset, size)
    assert "\n" not in str(info.value)


def test_safe_area_is_the_central_band_with_60px_margins() -> None:
    assert safe_area((1200, 630)) == (60, 60, 1140, 570)
    assert safe_area((1080, 1080)) == (60, 240, 1020, 840)
    assert safe_area((1280, 640)) == (60, 60, 1220, 580)
    assert safe_area((1600, 900)) == (200, 150, 1400, 750)


# ----------------------------------------------------------------- template section validation


def _copy_template(tmp_path: Path, name: str = "default") -> Path:
    dest = tmp_path / "tpl"
    shutil.copytree(builtin_root() / name, dest)
    return dest


def test_unknown_social_key_names_file_and_key(tmp_path: Path) -> None:
    folder = _copy_template(tmp_path)
    toml = folder / "template.toml"
    toml.write_text(toml.read_text().replace('field = "title"\n', 'field = "title"\ntitel = 3\n', 1))
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    assert str(toml.resolve()) in str(info.value) and "social.wide.layers[5].titel" in str(info.value)


def test_bad_social_colour_is_a_clear_error(tmp_path: Path) -> None:
    folder = _copy_template(tmp_path, "dark")
    toml = folder / "template.toml"
    text = toml.read_text()
    assert 'color = "#ffffff"\nbold = true' in text
    toml.write_text(text.replace('color = "#ffffff"\nbold = true', 'color = "white-ish"\nbold = true', 1))
    with pytest.raises(TemplateError, match=r"social\.wide\.layers\[2\]\.color: unknown colour 'white-ish'"):
        load_template(folder)


def test_builtin_social_layouts_differ() -> None:
    looks = {(t.social.wide.image.box, t.social.wide.background) for t in map(load_template, TEMPLATES)}
    assert len(looks) == 3


# ----------------------------------------------------------------- composition


@render
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("preset", [*PRESETS, "custom"])
def test_text_stays_in_the_safe_area(tmp_path: Path, template: str, preset: str) -> None:
    size = PRESETS.get(preset, (1600, 900))
    page = make_page(tmp_path, LONG_TITLE, image=photo(tmp_path / "featured.jpg"))
    social = compose(page, size, load_template(template))
    assert social.image.size == size
    left, top, right, bottom = safe_area(size)
    names = {t.name for t in social.texts}
    assert {"title", "meta"} <= names
    for placed in social.texts:
        x0, y0, x1, y1 = placed.box
        assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (placed.name, placed.box)


@render
@pytest.mark.parametrize("template", TEMPLATES)
def test_text_over_a_bright_photo_reaches_contrast_4_5(tmp_path: Path, template: str) -> None:
    page = make_page(tmp_path, image=photo(tmp_path / "featured.jpg"))
    for size in (PRESETS["og"], PRESETS["square"]):
        social = compose(page, size, load_template(template))
        for placed in social.texts:
            assert placed.contrast >= 4.5, (template, size, placed.name, placed.contrast)


def test_contrast_patch_darkens_a_white_background() -> None:
    from PIL import Image

    from cardgen.layout.model import Line, TextBox
    from cardgen.render.raster import _measure, ensure_contrast
    from cardgen.units import Rect

    canvas = Image.new("RGB", (400, 200), "#ffffff")
    text = TextBox("title", Rect(50, 60, 200, 48), (Line("Hello", 50, 100, 120),), 40, 48, "#ffffff")
    measured, patched = ensure_contrast(canvas, text, 4.5)
    assert patched and measured >= 4.5
    assert _measure(canvas, (50, 60, 250, 108), 1.0) >= 4.5
    assert canvas.getpixel((5, 5)) == (255, 255, 255)  # only the text's surroundings are shaded


@render
@pytest.mark.parametrize(
    ("wide", "anchor", "expected"),
    [
        (True, "left", 0),
        (True, "center", 1),
        (True, "right", 2),
        (False, "top", 0),
        (False, "center", 1),
        (False, "bottom", 2),
    ],
)
def test_focal_point_decides_which_region_is_shown(
    tmp_path: Path, wide: bool, anchor: str, expected: int
) -> None:
    colours = [(220, 40, 40), (40, 200, 60), (40, 80, 220)]
    image = regions(tmp_path / "featured.png", colours, wide)
    page = make_page(tmp_path, image=image, focal_point=anchor)
    template = load_template("default")
    social = compose(page, PRESETS["og"], template)
    # The default layout's picture panel: right 40 % of the canvas, above the accent bar.
    panel = social.image.crop((int(1200 * 0.62), 0, 1200, int(630 * 0.95)))
    mean = np.asarray(panel, np.float32).mean((0, 1))
    distances = [float(np.abs(mean - np.array(c)).sum()) for c in colours]
    assert int(np.argmin(distances)) == expected, (anchor, mean)


@render
def test_cjk_title_has_no_missing_glyphs(tmp_path: Path) -> None:
    from cardgen.text.fonts import missing_glyphs

    for title, lang in (
        ("機械学習物理学の基礎：自己投射型パペットによる遠隔操作", "ja"),
        ("基于生成对抗网络的图像编辑与语义控制", "zh"),
        ("스팩 패키지 관리자를 위한 자동화 도구", "ko"),
    ):
        assert missing_glyphs(title) == []
        page = make_page(tmp_path, title, language=lang, authors=("山田 太郎",))
        social = compose(page, PRESETS["og"], load_template("dark"))
        placed = social.text("title")
        assert placed is not None and placed.missing == () and not placed.truncated


# ----------------------------------------------------------------- encoding


def test_encode_meets_the_byte_budget_with_a_quality_search() -> None:
    from PIL import Image

    noise = np.random.default_rng(0).integers(0, 255, (630, 1200, 3), dtype=np.uint8)
    img = Image.fromarray(noise, "RGB")
    encoded = encode(img, "auto", 300_000, photo=True)
    assert encoded.format == "jpeg" and len(encoded.data) <= 300_000 and encoded.quality < 88
    assert "quality" in encoded.note
    decoded = Image.open(io.BytesIO(encoded.data))
    assert decoded.size == (1200, 630) and decoded.info.get("progressive") == 1
    assert "exif" not in decoded.info


def test_flat_art_becomes_a_palette_png_and_bytes_are_deterministic() -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1200, 630), "#ffffff")
    ImageDraw.Draw(img).rectangle((0, 600, 1200, 630), fill="#0969da")
    first, second = encode(img, "auto", 1_000_000, photo=False), encode(img, "auto", 1_000_000, photo=False)
    assert first.format == "png" and first.data == second.data
    assert Image.open(io.BytesIO(first.data)).mode == "P"


def test_placeholder_art_is_a_lossless_png_unless_the_budget_needs_a_palette() -> None:
    from PIL import Image

    from cardgen.imaging.art import placeholder

    art = placeholder("Gradients and shapes", (1200, 630))
    assert art.getcolors(256) is None  # more colours than an exact palette holds
    whole = encode(art, "auto", 1_000_000, photo=False)
    decoded = Image.open(io.BytesIO(whole.data))
    assert whole.format == "png" and whole.note == "" and decoded.mode == "RGB"
    assert decoded.tobytes() == art.convert("RGB").tobytes()
    tight = encode(art, "auto", len(whole.data) - 1, photo=False)
    assert tight.format == "png" and Image.open(io.BytesIO(tight.data)).mode == "P"
    assert len(tight.data) < len(whole.data) and "quantised to" in tight.note


def test_bad_format_is_a_usage_error() -> None:
    from PIL import Image

    with pytest.raises(UsageError, match="--format"):
        encode(Image.new("RGB", (10, 10)), "gif", 1_000_000, photo=False)


# ----------------------------------------------------------------- meta snippet


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        assert tag == "meta" and key and values.get("content") is not None
        self.tags[key] = values["content"]


def parse_meta(html: str) -> dict[str, str]:
    parser = _Meta()
    parser.feed(html)
    return parser.tags


def test_meta_snippet_is_escaped_and_complete(tmp_path: Path) -> None:
    page = make_page(
        tmp_path, 'Cats & "dogs" <b>', url="https://lab.example.org/project/mlphys/", alt="A <cat>",
        image=tiny_png(tmp_path / "featured.png"),
    )
    html = meta_snippet(
        page, "https://lab.example.org/project/mlphys/mlphys-og.jpg", 1200, 630, mime="image/jpeg", picture=True
    )
    assert "<b>" not in html and "&amp;" in html
    tags = parse_meta(html)
    assert tags["og:title"] == 'Cats & "dogs" <b>'
    assert tags["og:image"] == tags["twitter:image"] == "https://lab.example.org/project/mlphys/mlphys-og.jpg"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == 'Cats & "dogs" <b> — A <cat>'  # the title it shows
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:description"].startswith("Physics meets machine learning")


def test_the_image_alt_describes_only_what_the_image_shows(tmp_path: Path) -> None:
    """The social image shows the title, and the page's picture when it could be used: placeholder
    art standing in for an unreadable or missing picture is not described as that picture, and a
    caption (often a credit) is not a description."""
    from cardgen.render.social_meta import image_alt

    page = make_page(tmp_path, "Team projects", alt="Students around a whiteboard", image=tiny_png(tmp_path / "f.png"))
    assert image_alt(page) == "Team projects — Students around a whiteboard"
    assert image_alt(page, picture=False) == "Team projects"
    captioned = replace(page, image=ImageSettings(caption="Photo by rawpixel on Unsplash"))
    assert image_alt(captioned) == "Team projects"


# ----------------------------------------------------------------- render_social end to end


@render
def test_render_all_presets_writes_exact_sizes_under_budget(tmp_path: Path) -> None:
    from PIL import Image

    from cardgen.render.social import render_social

    page = make_page(
        tmp_path,
        image=photo(tmp_path / "featured.jpg", (4000, 3000)),
        url="https://lab.example.org/project/mlphys/",
    )
    out = tmp_path / "out"
    result = render_social(page, out, preset="all", template="dark")
    images = [p for p in result.outputs if p.suffix != ".html"]
    assert [p.name for p in images] == [f"mlphys-{name}.jpg" for name in PRESETS]
    for path, (name, size) in zip(images, PRESETS.items(), strict=True):
        with Image.open(path) as img:
            assert img.size == size and img.format == "JPEG"
        assert path.stat().st_size <= 1_000_000 and result.info["bytes"][name] == path.stat().st_size
    snippet = out / "mlphys-social.html"
    assert snippet in result.outputs
    tags = parse_meta(snippet.read_text())
    assert tags["og:image"] == "https://lab.example.org/project/mlphys/mlphys-og.jpg"
    assert result.info["sizes"]["square"] == (1080, 1080)


@render
def test_placeholder_page_gives_a_png_and_same_bytes_twice(tmp_path: Path) -> None:
    from cardgen.render.social import render_social

    page = make_page(tmp_path, LONG_TITLE)
    first = render_social(page, tmp_path / "a", print_meta=True)
    second = render_social(page, tmp_path / "b", print_meta=True)
    assert [p.name for p in first.outputs] == ["mlphys-og.png"]  # no html written with print_meta
    assert first.outputs[0].read_bytes() == second.outputs[0].read_bytes()
    assert parse_meta(first.info["meta_html"])["og:image"] == "mlphys-og.png"


@render
def test_output_file_and_custom_size(tmp_path: Path) -> None:
    from PIL import Image

    from cardgen.render.social import render_social

    page = make_page(tmp_path)
    result = render_social(page, tmp_path / "card.png", size="1600x900", template="event")
    assert result.outputs[0] == tmp_path / "card.png"
    assert Image.open(result.outputs[0]).size == (1600, 900)
    folder = render_social(page, tmp_path / "f", size="1600x900")
    assert folder.outputs[0].name == "mlphys-1600x900.png"
    with pytest.raises(UsageError):
        render_social(page, tmp_path / "one.png", preset="all")


@render
def test_hugo_mode_writes_static_image_and_partial(tmp_path: Path) -> None:
    from cardgen.render.social import render_social

    site = Site(root=tmp_path, title="Example Lab", base_url="https://lab.example.org/")
    page = make_page(tmp_path, url="https://lab.example.org/project/mlphys/", site=site)
    featured_before = sorted(p.name for p in page.bundle_dir.iterdir())
    result = render_social(page, hugo=True)
    image = tmp_path / "static" / "og" / "project" / "mlphys.png"
    partial = tmp_path / "layouts" / "partials" / "cardgen_og_image.html"
    assert result.outputs == (image, partial)
    assert parse_meta(result.info["meta_html"])["og:image"] == "https://lab.example.org/og/project/mlphys.png"
    assert 'printf "static/og/%s.%s"' in partial.read_text()
    assert sorted(p.name for p in page.bundle_dir.iterdir()) == featured_before  # bundle untouched
    partial.write_text("my own partial")
    assert render_social(page, hugo=True).outputs == (image,)  # a user's own file is never replaced
    with pytest.raises(UsageError, match="--hugo"):
        render_social(make_page(tmp_path / "nosite"), hugo=True)


# ----------------------------------------------------------------- real pages


def _loader_ready() -> bool:
    try:
        import cardgen.markdown  # noqa: F401
        import cardgen.slides  # noqa: F401
    except ImportError:
        return False
    return _text_engine()


@pytest.mark.skipif(not _loader_ready(), reason="page loader or text engine not installed")
def test_seed_page_og_default(tmp_path: Path) -> None:
    from PIL import Image

    from cardgen.loader import load_page
    from cardgen.render.social import render_social

    page = load_page(SEED)
    result = render_social(page, tmp_path)
    assert Image.open(result.outputs[0]).size == (1200, 630)


@pytest.mark.slow
@pytest.mark.skipif(not _loader_ready(), reason="page loader or text engine not installed")
@pytest.mark.parametrize("path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_corpus_page_renders_every_preset_in_every_template(tmp_path: Path, path: Path) -> None:
    from PIL import Image

    from cardgen.loader import load_page
    from cardgen.render.assets import PageImages
    from cardgen.render.social import render_social

    assert CORPUS in path.parents
    page = load_page(path)
    images = PageImages(page)
    for template in TEMPLATES:
        result = render_social(page, tmp_path / template, preset="all", template=template, images=images)
        files = [p for p in result.outputs if p.suffix != ".html"]
        assert len(files) == len(PRESETS)
        for file, size in zip(files, PRESETS.values(), strict=True):
            assert Image.open(file).size == size
            assert file.stat().st_size <= 1_000_000
        tags = parse_meta((tmp_path / template / f"{page.slug}-social.html").read_text())
        assert tags["og:image"].endswith(f"{page.slug}-og.{files[0].suffix[1:]}")
        assert not any("no font has" in w for w in result.warnings)


@render
def test_site_logo_is_drawn_before_the_site_name(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (80, 80), (230, 20, 120, 255)).save(logo)
    site = Site(root=tmp_path, title="Example Lab", logo=logo)
    social = compose(make_page(tmp_path, site=site), PRESETS["og"], load_template("default"))
    kicker = social.text("kicker")
    assert kicker is not None
    x0, y0, _, y1 = kicker.box
    assert social.image.getpixel((x0 + 3, (y0 + y1) // 2)) == (230, 20, 120)


# ----------------------------------------------------------------- readable at feed size

FEED_PAGE = Path(__file__).resolve().parent.parent / "samples" / "site" / "content" / "project" / "mlphys" / "index.md"


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("preset", ["og", "square", "github"])
def test_secondary_text_is_readable_at_feed_size(template: str, preset: str) -> None:
    """Everything but the title is at least 28 px at 1200 px wide (scaled with the canvas), or left out."""
    from cardgen.layout.social import SECONDARY_MIN_PX
    from cardgen.loader import load_page
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template as load

    size = PRESETS[preset]
    page = load_page(FEED_PAGE)
    tpl = load(template)
    scene = compose(page, size, tpl, PageImages(page)).scene
    scale = min(size[0] / 1200, size[1] / 630)
    secondary = [t for t in scene.texts() if t.name != "title"]
    assert secondary, "the summary or the authors are shown"
    for text in secondary:
        assert text.size >= SECONDARY_MIN_PX * scale - 0.01, (text.name, text.size)


def test_meta_drops_the_date_before_it_would_truncate(tmp_path: Path) -> None:
    name = "Bartholomew Featherstonehaugh-Smythe"  # fits the column alone, not with the date after it
    page = make_page(tmp_path, "Short title", authors=(name,))
    social = compose(page, (1200, 630), load_template("default"))
    meta = social.text("meta")
    assert meta is not None and not meta.truncated
    assert meta.lines == (name,)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_seed_og_image_reads_back_without_cut_words(tmp_path: Path) -> None:
    """OCR the seed's og image: no partial word before an ellipsis, summary and meta words ~20 px tall."""
    import csv
    import subprocess

    from cardgen.loader import load_page
    from cardgen.render.social import render_social

    page = load_page(FEED_PAGE)
    out = render_social(page, tmp_path, preset="og", template="default", format="png").outputs
    png = next(p for p in out if str(p).endswith(".png"))
    tsv = subprocess.run(["tesseract", str(png), "-", "--psm", "3", "tsv"], capture_output=True, text=True,
                         check=True).stdout
    rows = [r for r in csv.DictReader(io.StringIO(tsv), delimiter="\t") if r.get("text", "").strip()]
    vocabulary = set()
    for source in (page.title_plain, page.description, " ".join(page.author_names), "July 2020"):
        vocabulary.update(w.strip(",.:;()") for w in source.split())
    for row in rows:
        word = row["text"].strip()
        if word.endswith(("…", "...")):
            stem = word.rstrip("….").strip(",.:;")
            assert stem in vocabulary, f"cut word before an ellipsis: {word!r}"
    title_words = {w.strip(",.:;") for w in page.title_plain.split()}
    small = [r for r in rows if r["text"].strip(",.:;…") not in title_words and r["text"].strip().isalpha()
             and r["text"][0].isupper() and int(r["height"]) < 18]
    assert not small, [(r["text"], r["height"]) for r in small]


def test_site_logo_is_drawn_before_the_site_name_at_its_right_on_a_right_to_left_page(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (80, 80), (230, 20, 120, 255)).save(logo)
    site = Site(root=tmp_path, title="مختبر المثال", logo=logo)
    page = make_page(tmp_path, "إنشاء فرق المشاريع", site=site, language="ar")
    social = compose(page, PRESETS["og"], load_template("default"))
    kicker = social.text("kicker")
    assert kicker is not None
    x0, y0, x1, y1 = kicker.box
    assert social.image.getpixel((x1 - 3, (y0 + y1) // 2)) == (230, 20, 120)
    assert social.image.getpixel((x0 + 3, (y0 + y1) // 2)) != (230, 20, 120)
