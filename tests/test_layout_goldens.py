"""Layout goldens: the Scenes of a sample page, as JSON, and a few pictures, compared with a tolerance.

The layout decides everything a backend draws, so a change in any decision shows here as a diff of
plain text. Goldens are regenerated only on purpose::

    CARDGEN_REGEN_GOLDENS=1 pytest tests/test_layout_goldens.py

The sample page is `samples/site/content/project/mlphys` (in the repository; no ../shared needed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cardgen.layout.model import Scene
from cardgen.loader import load_page
from cardgen.templates import load_template

HERE = Path(__file__).resolve().parent
GOLDENS = HERE / "goldens"
PAGE = HERE.parent / "samples" / "site" / "content" / "project" / "mlphys" / "index.md"
REGEN = os.environ.get("CARDGEN_REGEN_GOLDENS") == "1"
TEMPLATES = ("default", "dark", "event")


def _plain(value: Any) -> Any:
    """A scene as JSON-ready data, lengths rounded to 0.01 (sub-pixel noise is not a decision)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"node": type(value).__name__}
        out.update({f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)})
        if out["node"] == "QR":
            out["matrix"] = f"{len(value.matrix)}x{len(value.matrix)}"
        return out
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):  # FocalPoint and other str enums too
        return str(value)
    return value


def scene_json(scene: Scene) -> str:
    return json.dumps(_plain(scene), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _check(name: str, text: str) -> None:
    golden = GOLDENS / "layout" / f"{name}.json"
    if REGEN or not golden.exists():
        if not REGEN:
            pytest.fail(f"{golden.name} is missing: run with CARDGEN_REGEN_GOLDENS=1 to write it")
        golden.write_text(text, encoding="utf-8")
        return
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name}: the layout changed (CARDGEN_REGEN_GOLDENS=1 to accept)"
    )


@pytest.fixture(scope="module")
def page():  # noqa: ANN201
    return load_page(PAGE)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("size", [(1200, 630), (1080, 1080)], ids=["og", "square"])
def test_social_scene_matches_its_golden(page, template: str, size: tuple[int, int]) -> None:  # noqa: ANN001
    from cardgen.layout.social import social_scene
    from cardgen.render.assets import PageImages

    scene = social_scene(page, size, load_template(template), PageImages(page))
    _check(f"social-{template}-{size[0]}x{size[1]}", scene_json(scene))


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_card_scenes_match_their_golden(page, template: str, orientation: str) -> None:  # noqa: ANN001
    from cardgen.layout.card import CardContext, card_scene
    from cardgen.layout.print_sizes import card_size
    from cardgen.render.assets import PageImages

    context = CardContext(page, load_template(template), PageImages(page), card_size("a6", orientation), 3.0)
    for side in ("front", "back"):
        _check(f"card-{template}-a6-{orientation}-{side}", scene_json(card_scene(context, side)))


# --------------------------------------------------------------------------- the backends only translate


class _Refuse:
    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"a backend called {self.what}: sizing belongs to the layout")


def test_backends_draw_a_scene_without_fitting_or_choosing_content(page, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    """A recording backend sees every node once, in order; the real backends draw a finished scene with
    text fitting, field lookup and scene building switched off."""
    from cardgen.layout.card import CardContext, card_scene
    from cardgen.layout.model import QR, ImageBox, Shape, TextBox
    from cardgen.layout.social import social_scene
    from cardgen.render import raster
    from cardgen.render.assets import PageImages
    from cardgen.render.pdf import Sides, Writer, new_pdf

    images = PageImages(page)
    tpl = load_template("default")
    social = social_scene(page, (1200, 630), tpl, images)
    context = CardContext(page, tpl, images, (105.0, 148.0), 3.0)
    front, back = card_scene(context, "front"), card_scene(context, "back")

    import cardgen.fields
    import cardgen.layout.card
    import cardgen.layout.social
    import cardgen.text.fit

    for module, name in (
        (cardgen.text.fit, "fit_text"),
        (cardgen.layout.social, "fit_text"),
        (cardgen.layout.card, "fit_text"),
        (cardgen.fields, "field_text"),
        (cardgen.layout.card, "card_scene"),
    ):
        monkeypatch.setattr(module, name, _Refuse(f"{module.__name__}.{name}"))

    drawn = raster.draw(social, images)
    assert drawn.image.size == (1200, 630) and set(drawn.contrast) == {t.name for t in social.texts()}

    class Recorder(Writer):
        def __init__(self) -> None:
            super().__init__(new_pdf("t", dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), (111, 154)))
            self.seen: list[str] = []

        def rect(self, rect, colour, opacity=1.0):  # noqa: ANN001, ANN201
            self.seen.append("rect")
            super().rect(rect, colour, opacity)

        def image(self, node, ox, oy, images, page):  # noqa: ANN001, ANN201
            self.seen.append("image")

        def text(self, node, ox, oy):  # noqa: ANN001, ANN201
            self.seen.append("text")

        def qr(self, node, ox, oy):  # noqa: ANN001, ANN201
            self.seen.append("qr")

    for scene in (front, back):
        recorder = Recorder()
        recorder.pdf.add_page()
        recorder.draw(scene, (3, 3), Sides.all(3), images, page)
        expected = ["rect"]  # the background
        for node in scene.nodes:
            kind = {Shape: "rect", ImageBox: "image", TextBox: "text", QR: "qr"}[type(node)]
            expected.append(kind)
        assert recorder.seen == expected


# --------------------------------------------------------------------------- image goldens


def _mean_difference(a: Path, b: Path) -> float:
    import numpy as np
    from PIL import Image

    x = np.asarray(Image.open(a).convert("RGB"), np.float32)
    y = np.asarray(Image.open(b).convert("RGB").resize(Image.open(a).size), np.float32)
    return float(np.abs(x - y).mean())


def _image_golden(name: str, image: Any, tmp_path: Path, tolerance: float = 3.0) -> None:
    small = image.convert("RGB").resize((image.width // 4, image.height // 4), 1)
    golden = GOLDENS / "images" / f"{name}.png"
    if REGEN:
        small.save(golden, optimize=True)
        return
    if not golden.exists():
        pytest.fail(f"{golden.name} is missing: run with CARDGEN_REGEN_GOLDENS=1 to write it")
    current = tmp_path / f"{name}.png"
    small.save(current)
    difference = _mean_difference(golden, current)
    assert difference <= tolerance, f"{name}: mean pixel difference {difference:.2f} > {tolerance}"


@pytest.mark.parametrize("template", TEMPLATES)
def test_social_image_matches_its_golden(page, template: str, tmp_path: Path) -> None:  # noqa: ANN001
    from cardgen.render.social import compose

    _image_golden(
        f"social-{template}-og", compose(page, (1200, 630), load_template(template)).image, tmp_path
    )


@pytest.mark.parametrize("template", ["default", "event"])
def test_card_front_matches_its_golden(page, template: str, tmp_path: Path) -> None:  # noqa: ANN001
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    from PIL import Image

    from cardgen.render.card import build_card

    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(build_card(page, template=template, back=False).data)
    subprocess.run(
        ["pdftoppm", "-r", "120", "-png", "-singlefile", str(pdf), str(tmp_path / "card")], check=True
    )
    _image_golden(f"card-{template}-front", Image.open(tmp_path / "card.png"), tmp_path)
