"""A right-to-left page's social image: the layout flipped within its text column, each accent mark at
the end its text starts from, and no mark left alone when its text is empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgen.layout.model import Scene, Shape, TextBox
from cardgen.layout.social import social_scene
from cardgen.loader import load_page
from cardgen.render.assets import PageImages
from cardgen.templates import load_template

from conftest import write

ARABIC = ("---\ntitle: إنشاء فرق المشاريع لمقرر ٣٥٠\nauthors: [admin]\ndate: 2021-04-01\n"
          "tags: [python, github]\nsummary: بعض المشاريع ستتطلب العمل الجماعي لإتمامها.\n---\nنص.\n")
ENGLISH = ARABIC.replace("title: إنشاء فرق المشاريع لمقرر ٣٥٠", "title: Building project teams") \
    .replace("summary: بعض المشاريع ستتطلب العمل الجماعي لإتمامها.", "summary: Some projects need teamwork.")


def _scene(tmp_path: Path, text: str, template: str, size: tuple[int, int] = (1200, 630), site: bool = True) -> Scene:
    root = tmp_path / ("site" if site else "loose")
    if site:
        write(root / "hugo.toml", 'title = "Bench Lab"\nbaseURL = "https://lab.example.org/"\n')
    page = load_page(write(root / "content" / "project" / "p" / "index.md", text))
    return social_scene(page, size, load_template(template), PageImages(page))


def _text(scene: Scene, name: str) -> TextBox:
    return next(n for n in scene.nodes if isinstance(n, TextBox) and n.name == name)


def _marks(scene: Scene) -> list[Shape]:
    return [n for n in scene.nodes if isinstance(n, Shape) and n.rect.w < 0.2 * scene.size[0] and n.rect.h < 0.06 * scene.size[1]]


@pytest.mark.parametrize("size", [(1200, 630), (1080, 1080)], ids=["og", "square"])
@pytest.mark.parametrize("template", ["default", "dark"])
def test_the_site_mark_sits_at_the_end_the_arabic_site_name_starts_from(tmp_path: Path, template: str,
                                                                      size: tuple[int, int]) -> None:
    scene = _scene(tmp_path, ARABIC, template, size)
    kicker, title = _text(scene, "kicker"), _text(scene, "title")
    (mark,) = _marks(scene)
    assert mark.rect.right >= kicker.rect.right - 1, "the mark is on the right-hand side of the site name"
    assert abs(mark.rect.right - max(line.x + line.width for line in title.lines)) <= 0.02 * size[0], \
        "and ends where the flush-right title ends"
    english = _scene(tmp_path / "en", ENGLISH, template, size)
    (mark_en,) = _marks(english)
    assert mark_en.rect.x <= _text(english, "kicker").rect.x + 1, "left-to-right pages keep it at the left"


def test_arabic_authors_and_tags_trade_sides_instead_of_overlapping(tmp_path: Path) -> None:
    scene = _scene(tmp_path, ARABIC, "event")
    meta = _text(scene, "meta")
    pills = [n for n in scene.nodes if isinstance(n, Shape) and "pill" in n.name and n.rect.y > scene.size[1] / 2]
    assert pills
    assert all(p.rect.right < meta.rect.x + min(line.x - meta.rect.x for line in meta.lines) for p in pills)
    english = _scene(tmp_path / "en", ENGLISH, "event")
    meta_en = _text(english, "meta")
    assert all(p.rect.x > meta_en.rect.x for p in english.nodes if isinstance(p, Shape) and "pill" in p.name
               and p.rect.y > english.size[1] / 2)


@pytest.mark.parametrize("text", [ARABIC, ENGLISH], ids=["ar", "en"])
@pytest.mark.parametrize("template", ["default", "dark"])
def test_no_site_name_no_site_mark(tmp_path: Path, text: str, template: str) -> None:
    scene = _scene(tmp_path, text, template, site=False)
    assert not any(isinstance(n, TextBox) and n.name == "kicker" for n in scene.nodes)
    assert _marks(scene) == []


def test_text_on_a_picture_band_keeps_its_place_when_the_column_flips() -> None:
    """A credit set on a photo band at the right would otherwise widen the text column over the picture."""
    from cardgen.layout.decoration import decorations, mirrored
    from cardgen.layouts.layers import ImageLayer, ShapeLayer, TextLayer
    from cardgen.units import Rect

    def text(name: str, box: Rect) -> TextLayer:
        return TextLayer(name=name, box=box, fields=("title",), text="", size=40, min_size=20, max_lines=2, color="text")

    layers = (
        ImageLayer(name="photo", box=Rect(0.6, 0.0, 0.4, 1.0)),
        ShapeLayer(name="tick", box=Rect(0.06, 0.12, 0.012, 0.04), color="accent"),
        text("kicker", Rect(0.083, 0.1, 0.46, 0.07)),
        text("title", Rect(0.06, 0.2, 0.48, 0.4)),
        text("credit", Rect(0.62, 0.9, 0.36, 0.06)),
    )
    flipped = mirrored(layers, decorations(layers))
    assert flipped[4].box == layers[4].box and flipped[0].box == layers[0].box
    assert flipped[1].box.right == pytest.approx(layers[3].box.right, abs=0.01)  # the tick ends where the title does
    assert flipped[3].box.x == pytest.approx(0.063, abs=0.005)
