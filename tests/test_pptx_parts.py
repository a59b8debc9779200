"""Slides and notes pages from per-presentation copies give python-pptx's own package, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.shapes.shapetree import SlideShapes

from cardgen.render.pptx_io import package_bytes
from cardgen.render.pptx_parts import SlideParts, find_placeholder, placeholder_elements

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
MASTERS = [TEMPLATES / "default" / "base.pptx", TEMPLATES / "dark" / "base-4x3.pptx", None]  # None: python-pptx's


def _open(master: Path | None):
    return Presentation(str(master)) if master else Presentation()


def _fill(prs, add_slide, notes_slide) -> None:
    layouts = list(prs.slide_layouts)
    for n, layout in enumerate(layouts * 3):
        slide = add_slide(layout)
        if slide.shapes.title is not None:
            slide.shapes.title.text = f"Slide {n}"
        if n % 2 == 0:  # every other slide has notes: notes pages keep their own numbering
            notes_slide(slide).notes_text_frame.text = f"notes {n}"
            assert notes_slide(slide).notes_text_frame.text == f"notes {n}"  # asked twice: the same page


@pytest.mark.parametrize("master", MASTERS, ids=lambda m: m.parent.name + "/" + m.name if m else "python-pptx")
def test_copied_slides_and_notes_give_python_pptx_own_package(master):
    own = _open(master)
    _fill(own, own.slides.add_slide, lambda slide: slide.notes_slide)
    copied = _open(master)
    parts = SlideParts(copied)
    _fill(copied, parts.add_slide, parts.notes_slide)
    assert package_bytes(copied) == package_bytes(own)


def test_placeholders_are_cloned_once_per_layout_and_process(monkeypatch):
    import cardgen.render.pptx_parts as pptx_parts

    calls = []
    clone = SlideShapes.clone_layout_placeholders
    monkeypatch.setattr(SlideShapes, "clone_layout_placeholders",
                        lambda self, layout: (calls.append(layout.name), clone(self, layout))[1])
    monkeypatch.setattr(pptx_parts, "_EMPTY_SLIDES", {})
    decks = []
    for _ in range(2):  # a second deck from the same master starts from the first one's copies
        prs = _open(MASTERS[0])
        parts = SlideParts(prs)
        layouts = list(prs.slide_layouts)
        for layout in layouts * 4:
            parts.add_slide(layout)
        assert len(prs.slides) == 4 * len(layouts)
        decks.append(package_bytes(prs))
    assert sorted(calls) == sorted(layout.name for layout in layouts)
    assert decks[0] == decks[1]


@pytest.mark.parametrize("master", MASTERS, ids=lambda m: m.parent.name + "/" + m.name if m else "python-pptx")
def test_placeholders_found_as_python_pptx_lists_them(master):
    prs = _open(master)
    containers = list(prs.slide_layouts) + [prs.slides.add_slide(layout) for layout in prs.slide_layouts]
    kinds_seen = 0
    for container in containers:
        own = list(container.placeholders)
        assert [element for _, element in placeholder_elements(container)] == [ph._element for ph in own]
        for kind in {ph.placeholder_format.type for ph in own}:
            of_kind = sorted((ph for ph in own if ph.placeholder_format.type == kind),
                             key=lambda ph: ph.placeholder_format.idx)
            for index in range(len(of_kind) + 1):
                found = find_placeholder(container, (kind,), index)
                if index == len(of_kind):
                    assert found is None
                else:
                    assert type(found) is type(of_kind[index]) and found._element is of_kind[index]._element
            kinds_seen += 1
    assert kinds_seen > 10


def _png(colour: str, size: tuple[int, int] = (40, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _master_with_a_gap(tmp_path: Path) -> Path:
    """A master whose one picture is /ppt/media/image2.png: number 1 is free, and a picture equal to
    the master's must reuse its part."""
    import io

    prs = Presentation()
    for colour in ("red", "blue"):
        prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_picture(io.BytesIO(_png(colour)), 0, 0)
    first = prs.slides._sldIdLst[0]
    prs.part.drop_rel(first.rId)
    prs.slides._sldIdLst.remove(first)
    path = tmp_path / "gap.pptx"
    prs.save(str(path))
    assert [p.partname for p in Presentation(str(path)).part.package.iter_parts()
            if p.partname.startswith("/ppt/media/")] == ["/ppt/media/image2.png"]
    return path


def test_pictures_share_equal_parts_and_take_the_first_free_number_as_python_pptx(tmp_path):
    import io

    master = _master_with_a_gap(tmp_path)
    pictures = [_png("green"), _png("blue"), _png("green"), _png("white", (64, 64)), _png("black", (8, 80))]

    def fill(prs, add, insert):
        for n, data in enumerate(pictures):
            slide = prs.slides.add_slide(prs.slide_layouts[8 if n == 3 else 6])  # 8: Picture with Caption
            holder = next((ph for ph in slide.placeholders if ph.placeholder_format.type == 18), None)  # PICTURE
            pic = insert(holder, data) if holder is not None else add(slide.shapes, data, n * 1000, 0, 500_000, None)
            assert pic.image.blob == data

    own = Presentation(str(master))
    fill(own, lambda shapes, data, *xy: shapes.add_picture(io.BytesIO(data), *xy),
         lambda holder, data: holder.insert_picture(io.BytesIO(data)))
    copied = Presentation(str(master))
    parts = SlideParts(copied)
    fill(copied, lambda shapes, data, *xy: parts.add_picture(shapes, data, *xy), parts.insert_picture)
    media = sorted(str(p.partname) for p in copied.part.package.iter_parts() if p.partname.startswith("/ppt/media/"))
    assert media == ["/ppt/media/image1.png", "/ppt/media/image2.png", "/ppt/media/image3.png",
                     "/ppt/media/image4.png"]  # green took the gap, blue is the master's, green reused
    assert package_bytes(copied) == package_bytes(own)


@pytest.mark.parametrize("names", [[], ["image1.png"], ["image2.png"], ["image1.png", "image1.emf", "image3.jpeg"],
                                   ["image1.png", "image2.png", "image4.png"], ["image5.gif", "image2.png"]])
def test_first_free_media_number_is_python_pptx_own(names):
    from types import SimpleNamespace

    from pptx.opc.packuri import PackURI
    from pptx.package import Package

    from cardgen.render.pptx_parts import _first_free

    parts = [SimpleNamespace(partname=PackURI(f"/ppt/media/{name}")) for name in names]
    stub = SimpleNamespace(iter_parts=lambda: iter(parts))
    expected = Package.next_image_partname(stub, "png")  # type: ignore[arg-type]
    assert f"/ppt/media/image{_first_free([p.partname.idx for p in parts])}.png" == expected


def test_without_python_pptx_internals_the_public_way_gives_the_same_bytes(monkeypatch, tmp_path):
    import io

    import cardgen.render.pptx_parts as parts_module

    assert parts_module._INTERNALS, "python-pptx's internals are where this module expects them"
    made = []
    for internals in (True, False):
        monkeypatch.setattr(parts_module, "_INTERNALS", internals)
        prs = _open(MASTERS[0])
        parts = SlideParts(prs)
        _fill(prs, parts.add_slide, parts.notes_slide)
        slide = parts.add_slide(prs.slide_layouts[0])
        parts.add_picture(slide.shapes, _png("red"), 0, 0, 100_000, None)
        made.append(package_bytes(prs))
    own = _open(MASTERS[0])
    _fill(own, own.slides.add_slide, lambda slide: slide.notes_slide)
    own.slides.add_slide(own.slide_layouts[0]).shapes.add_picture(io.BytesIO(_png("red")), 0, 0, 100_000, None)
    assert made[0] == made[1] == package_bytes(own)
