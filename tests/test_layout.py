"""The layout stage: template layers become Scenes that backends only draw."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cardgen.errors import TemplateError
from cardgen.layout.model import ImageBox, Scene, TextBox
from cardgen.page import Author, ImageSettings, Page
from cardgen.templates import builtin_root, load_template


def make_page(tmp_path: Path, title: str = "Open Lab Day: Machine Learning Physics") -> Page:
    bundle = tmp_path / "content" / "project" / "lab"
    bundle.mkdir(parents=True, exist_ok=True)
    return Page(
        path=bundle / "index.md",
        title=title,
        title_runs=(),
        title_plain=title,
        description="Physics meets machine learning: a research area integrating two major fields.",
        description_source="summary",
        summary_runs=(),
        authors=(Author("Ada Lovelace"), Author("Alan Turing")),
        tags=("physics", "outreach"),
        date=dt.date(2024, 5, 1),
        image=ImageSettings(),
        bundle_dir=bundle,
        front_matter={"params": {"venue": "Hall B"}},
    )


def copy_template(tmp_path: Path, name: str = "default") -> Path:
    dest = tmp_path / f"tpl-{name}"
    shutil.copytree(builtin_root() / name, dest)
    return dest


def social(page: Page, folder: Path | str) -> Scene:
    from cardgen.layout.social import social_scene
    from cardgen.render.assets import PageImages

    return social_scene(page, (1200, 630), load_template(folder), PageImages(page))


def _drop_layer(toml: Path, section: str, marker: str) -> None:
    """Remove the first `[[section]]` block that contains `marker` (up to the next table)."""
    text = toml.read_text()
    head = f"[[{section}]]\n"
    start = next(
        i
        for i in range(len(text))
        if text.startswith(head, i) and marker in text[i : text.find("\n[", i + 1)]
    )
    end = text.find("\n[", start + 1) + 1
    toml.write_text(text[:start] + text[end:])


def test_social_layers_are_drawn_from_the_template(tmp_path: Path) -> None:
    scene = social(make_page(tmp_path), "default")
    assert scene.unit == "px" and scene.size == (1200.0, 630.0)
    assert {t.name for t in scene.texts()} >= {"title", "meta"}
    picture = next(n for n in scene.nodes if isinstance(n, ImageBox))
    assert picture.crop.pixels == (round(picture.rect.w), round(picture.rect.h))


def test_removing_the_social_title_layer_removes_the_title(tmp_path: Path) -> None:
    folder = copy_template(tmp_path)
    _drop_layer(folder / "template.toml", "social.wide.layers", 'field = "title"')
    # the description layer followed the title; it now follows nothing
    text = (folder / "template.toml").read_text().replace('below = "title"\ngap = 26\n', "", 1)
    (folder / "template.toml").write_text(text)
    scene = social(make_page(tmp_path), folder)
    assert scene.text("title") is None
    assert scene.text("meta") is not None


def test_a_literal_text_layer_is_printed(tmp_path: Path) -> None:
    folder = copy_template(tmp_path)
    toml = folder / "template.toml"
    toml.write_text(
        toml.read_text().replace(
            "[social.square]",
            '[[social.wide.layers]]\nkind = "text"\nname = "event"\ntext = "Open Lab Day"\n'
            "box = { x = 0.62, y = 0.1, w = 0.3, h = 0.08 }\n\n[social.square]",
            1,
        )
    )
    scene = social(make_page(tmp_path), folder)
    event = scene.text("event")
    assert isinstance(event, TextBox) and [line.text for line in event.lines] == ["Open Lab Day"]


def test_a_front_matter_field_is_shown(tmp_path: Path) -> None:
    folder = copy_template(tmp_path)
    toml = folder / "template.toml"
    toml.write_text(
        toml.read_text().replace(
            "[social.square]",
            '[[social.wide.layers]]\nkind = "text"\nname = "venue"\nfield = "page.params.venue"\n'
            "box = { x = 0.62, y = 0.1, w = 0.3, h = 0.08 }\n\n[social.square]",
            1,
        )
    )
    venue = social(make_page(tmp_path), folder).text("venue")
    assert venue is not None and venue.lines[0].text == "Hall B"


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ('kind = "shape"', r"layers\[1\]\.kind: expected one of text, pills, image, shape, got 'blob'"),
        ('field = "title"', r"layers\[5\]\.field: unknown field 'titel'"),
    ],
)
def test_bad_layers_are_one_line_errors(tmp_path: Path, replace: str, message: str) -> None:
    folder = copy_template(tmp_path)
    toml = folder / "template.toml"
    bad = {'kind = "shape"': 'kind = "blob"', 'field = "title"': 'field = "titel"'}[replace]
    toml.write_text(toml.read_text().replace(replace, bad, 1))
    with pytest.raises(TemplateError, match=message) as info:
        load_template(folder)
    assert "\n" not in str(info.value) and str(toml.resolve()) in str(info.value)


# --------------------------------------------------------------------------- cards


def card(page: Page, folder: Path | str, **options: object):  # noqa: ANN201 - CardPdf
    from cardgen.render.card import build_card

    return build_card(page, template=load_template(folder), **options)  # type: ignore[arg-type]


def test_removing_the_card_title_layer_removes_the_title(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    assert any(t.name == "title" and t.side == "front" for t in card(page, "default").texts)
    folder = copy_template(tmp_path)
    _drop_layer(folder / "template.toml", "card.front.layers", 'field = "title"')
    text = (folder / "template.toml").read_text().replace('below = "title"\ngap = 1.6\n', "", 1)
    (folder / "template.toml").write_text(text)
    built = card(page, folder)
    assert not any(t.name == "title" and t.side == "front" for t in built.texts)
    assert any(t.name == "summary" for t in built.texts)


def test_a_literal_text_layer_is_printed_on_the_card(tmp_path: Path) -> None:
    import subprocess

    folder = copy_template(tmp_path)
    toml = folder / "template.toml"
    toml.write_text(
        toml.read_text().replace(
            "[[card.back.layers]]",
            '[[card.front.layers]]\nkind = "text"\nname = "event"\ntext = "Open Lab Day 2026"\n'
            'box = { x = 6.8, y = 8, w = 60, h = 8 }\nsize = 12\nbold = true\ncolor = "#ffffff"\n\n[[card.back.layers]]',
            1,
        )
    )
    built = card(make_page(tmp_path), folder)
    event = next(t for t in built.texts if t.name == "event")
    assert event.lines == ("Open Lab Day 2026",) and event.side == "front"
    if shutil.which("pdftotext"):
        pdf = tmp_path / "card.pdf"
        pdf.write_bytes(built.data)
        out = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
        )
        assert "Open Lab Day 2026" in out.stdout


def test_card_back_shows_any_list_field_as_paragraphs(tmp_path: Path) -> None:
    """A back layer names its content with `field =`; list fields (body, and those other modules
    register in cardgen.fields.LIST_FIELDS) become paragraphs fitted at one size."""
    from cardgen import fields

    fields.LIST_FIELDS["test_points"] = lambda page, n: ("First point.", "Second point.")
    try:
        folder = copy_template(tmp_path)
        toml = folder / "template.toml"
        toml.write_text(toml.read_text().replace('field = "highlights"', 'field = "test_points"', 1))
        built = card(make_page(tmp_path), folder)
        body = [t for t in built.texts if t.name == "highlights" and t.side == "back"]
        assert [t.lines for t in body] == [("First point.",), ("Second point.",)]
        assert len({t.size for t in body}) == 1
    finally:
        del fields.LIST_FIELDS["test_points"]


@pytest.mark.parametrize("size", ["a6", "a5", "business", "postcard"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_card_layers_scale_to_every_trim(tmp_path: Path, size: str, orientation: str) -> None:
    built = card(make_page(tmp_path), "default", size=size, orientation=orientation)
    front = built.scenes[0]
    picture = front.images()[0]
    width, height = built.trim
    # the picture runs on into the bleed on the edges it touches
    assert picture.rect.x == -built.bleed and picture.rect.y == -built.bleed
    assert {t.name for t in front.texts()} >= {"title", "summary"}
    for text in front.texts():
        if text.name != "credit":
            assert not text.rect.overlaps(picture.rect), text.name


# --------------------------------------------------------------------------- one TOML change, three outputs


def test_template_colours_reach_deck_social_image_and_card(tmp_path: Path) -> None:
    """`cardgen templates new default DIR`, then `[colors] background/text`: all three outputs change."""
    from pptx import Presentation

    from cardgen.render.card import build_card
    from cardgen.render.deck import render_deck
    from cardgen.render.social import compose
    from cardgen.templates import new_template

    folder = new_template("default", tmp_path / "mine")
    toml = folder / "template.toml"
    text = toml.read_text().replace('background = "#ffffff"', 'background = "#101010"', 1)
    toml.write_text(text.replace('text = "#1f2328"', 'text = "#f0f0f0"', 1))
    page = make_page(tmp_path)
    tpl = load_template(folder)

    deck = tmp_path / "talk.pptx"
    render_deck(page, deck, template=tpl)
    prs = Presentation(str(deck))
    master_bg = prs.slide_master.element.find(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/main}srgbClr"
    )
    assert master_bg is not None and master_bg.get("val") == "101010"
    from lxml import etree

    master = etree.tostring(prs.slide_master.element).decode()
    assert 'val="F0F0F0"' in master and 'val="1F2328"' not in master  # text styles of the master
    theme = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob.decode()
    assert '<a:lt1><a:srgbClr val="101010"/>' in theme and '<a:dk1><a:srgbClr val="F0F0F0"/>' in theme

    social_image = compose(page, (1200, 630), tpl).image
    assert social_image.getpixel((30, 300)) == (16, 16, 16)

    built = build_card(page, template=tpl)
    assert built.scenes[0].background.color == "#101010"
    assert built.scenes[0].text("title") is not None and built.scenes[0].text("title").color == "#f0f0f0"


def test_a_picture_with_transparency_is_shown_whole(tmp_path: Path) -> None:
    """`fit = "auto"`: a logo or diagram (transparent PNG) is contained, never cropped or blown up past 2×."""
    from dataclasses import replace

    from PIL import Image

    from cardgen.render.card import build_card

    logo = tmp_path / "content" / "project" / "lab" / "featured.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", (200, 100), (200, 30, 30, 255)).save(logo)
    page = replace(make_page(tmp_path), featured_image=logo)
    scene = social(page, "default")  # its picture layer covers 0.4 × 1 of the canvas
    picture = scene.images()[0]
    assert picture.fit == "contain"
    assert abs(picture.rect.w / picture.rect.h - 2.0) < 0.05 and picture.rect.w <= 400 + 1
    card_picture = build_card(page).scenes[0].images()[0]
    assert card_picture.fit == "contain" and abs(card_picture.rect.w / card_picture.rect.h - 2.0) < 0.05
    assert card_picture.rect.x >= 0 and card_picture.rect.y >= 0  # inside the trim, not into the bleed
