"""New slides and notes pages from per-presentation copies, and placeholders found by element.

python-pptx builds every new slide by cloning its layout's placeholders one by one, and every notes
page by cloning the notes master's, with an XPath query or more per shape and property (about 1 ms
per slide for each). What the cloning gives depends only on the layout, or the notes master: shape
ids and names are counted on the empty slide. `SlideParts` lets python-pptx make the first slide of
each layout and the first notes page (once per process and layout or notes master), keeps a copy of
that element before anything is written on it, and gives every later one a copy of the copy, with the
part names and relationships python-pptx gives them, in the same order: the same package, byte for byte.

Pictures likewise: python-pptx looks for an equal picture, and then for the first free media number,
by walking every relationship of the package for each picture added. `SlideParts` walks it once and
keeps both answers up to date as it adds pictures (all of a deck's pictures go through it).

These steps use python-pptx internals (checked by `_INTERNALS` at import); should a release move
them, every call goes the public way: the same bytes, slower.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from typing import Any

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.image import Image, ImagePart
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.shapes.placeholder import PlaceholderPicture
from pptx.shapes.shapetree import SlidePlaceholders, SlideShapeFactory


def _has_internals() -> bool:
    from pptx.oxml.shapes.picture import CT_Picture
    from pptx.package import Package
    from pptx.parts.presentation import PresentationPart
    from pptx.shapes.placeholder import PicturePlaceholder
    from pptx.shapes.shapetree import SlideShapes

    needed = ((PresentationPart, "_next_slide_partname"), (SlideShapes, "_add_pic_from_image_part"),
              (SlideShapes, "_recalculate_extents"), (SlideShapes, "_shape_factory"), (Package, "_image_parts"),
              (PicturePlaceholder, "_replace_placeholder_with"), (CT_Picture, "new_ph_pic"),
              (CT_Picture, "crop_to_fit"), (ImagePart, "_px_size"))
    return all(hasattr(owner, name) for owner, name in needed)


_INTERNALS = _has_internals()
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_SHAPE_TAGS = tuple(f"{{{P}}}{tag}" for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart"))
_NOTES_NAME = "/ppt/notesSlides/notesSlide%d.xml"
_NOTES_PREFIX = "/ppt/notesSlides/notesSlide"
_NV_PR = f"{{{P}}}nvPr"
_PH = f"{{{P}}}ph"


class SlideParts:
    """Slides and notes pages of one presentation (see the module docstring)."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self._slides: dict[str, Any] = {}  # layout part name → the new slide's element, placeholders cloned
        self._notes: Any = None  # a new notes page's element, placeholders cloned
        self._notes_names: set[str] | None = None  # part names of the notes pages made so far
        self._images: dict[str, Any] | None = None  # picture SHA-1 → its image part, first in package order
        self._image_numbers: list[int] = []  # N of every /ppt/media/imageN part

    def add_slide(self, layout: Any) -> Any:
        """`prs.slides.add_slide(layout)`."""
        key = str(layout.part.partname)
        template = self._slides.get(key)
        xml = layout.part.blob if template is None else b""  # what the cloning depends on
        if template is None and _INTERNALS:
            template = self._slides[key] = _EMPTY_SLIDES.get(xml)
        if template is None or not _INTERNALS:
            slide = self.prs.slides.add_slide(layout)
            self._slides[key] = copy.deepcopy(slide._element)
            _kept(_EMPTY_SLIDES, xml, self._slides[key])
            return slide
        presentation = self.prs.part
        part = SlidePart(presentation._next_slide_partname, CT.PML_SLIDE, presentation.package,
                         copy.deepcopy(template))
        part.relate_to(layout.part, RT.SLIDE_LAYOUT)
        rid = presentation.relate_to(part, RT.SLIDE)
        self.prs.slides._sldIdLst.add_sldId(rid)
        return part.slide

    def notes_slide(self, slide: Any) -> Any:
        """`slide.notes_slide`: the slide's notes page, made on first use."""
        package = slide.part.package
        xml = b""  # the notes master's, what the cloning depends on
        if self._notes is None and _INTERNALS and not slide.has_notes_slide:
            xml = package.presentation_part.notes_master_part.blob
            self._notes = _EMPTY_NOTES.get(xml)
        if slide.has_notes_slide or self._notes is None or not _INTERNALS:
            notes = slide.notes_slide
            if self._notes is None:
                self._notes = copy.deepcopy(notes._element)
                _kept(_EMPTY_NOTES, xml or package.presentation_part.notes_master_part.blob, self._notes)
            return notes
        master = package.presentation_part.notes_master_part
        part = NotesSlidePart(self._next_notes_partname(package), CT.PML_NOTES_SLIDE, package,
                              copy.deepcopy(self._notes))
        part.relate_to(master, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
        return part.notes_slide  # what `slide.notes_slide` now finds through the relationship

    def _next_notes_partname(self, package: Any) -> PackURI:
        """python-pptx's `package.next_partname(NOTES)`, from the notes part names walked once and
        kept up to date here (the package walk per notes page grows with the deck)."""
        if self._notes_names is None:
            self._notes_names = {str(p.partname) for p in package.iter_parts() if p.partname.startswith(_NOTES_PREFIX)}
        names = self._notes_names
        number = next(n for n in range(len(names) + 1, 0, -1) if _NOTES_NAME % n not in names)
        name = _NOTES_NAME % number
        names.add(name)
        return PackURI(name)

    def add_picture(self, shapes: Any, data: bytes, x: int, y: int, cx: int | None = None,
                    cy: int | None = None) -> Any:
        """`shapes.add_picture(io.BytesIO(data), x, y, cx, cy)`."""
        if not _INTERNALS:
            return shapes.add_picture(io.BytesIO(data), x, y, cx, cy)
        part, rid = self._image_part(shapes.part, data)
        pic = shapes._add_pic_from_image_part(part, rid, x, y, cx, cy)
        shapes._recalculate_extents()
        return shapes._shape_factory(pic)

    def insert_picture(self, holder: Any, data: bytes) -> Any:
        """`holder.insert_picture(io.BytesIO(data))` for a picture placeholder."""
        if not _INTERNALS:
            return holder.insert_picture(io.BytesIO(data))
        from pptx.oxml.shapes.picture import CT_Picture

        part, rid = self._image_part(holder.part, data)
        pic = CT_Picture.new_ph_pic(holder.shape_id, holder.name, part.desc, rid)  # type: ignore[no-untyped-call]  # untyped in python-pptx
        pic.crop_to_fit(part._px_size, (holder.width, holder.height))
        holder._replace_placeholder_with(pic)
        return PlaceholderPicture(pic, holder._parent)

    def _image_part(self, slide_part: Any, data: bytes) -> tuple[Any, str]:
        """python-pptx's `slide_part.get_or_add_image_part`: an equal picture's part, else a new one
        numbered in the first gap."""
        package = slide_part.package
        if self._images is None:
            self._images = {}
            for existing in package._image_parts:
                if hasattr(existing, "sha1"):  # SVG and other unknown kinds have none
                    self._images.setdefault(existing.sha1, existing)
            self._image_numbers = [part.partname.idx for part in package.iter_parts()
                                   if part.partname.startswith("/ppt/media/image") and part.partname.idx is not None]
        image = Image.from_blob(data)
        part = self._images.get(image.sha1)
        if part is None:
            number = _first_free(self._image_numbers)
            part = ImagePart(PackURI(f"/ppt/media/image{number}.{image.ext}"), image.content_type, package,
                             image.blob, image.filename)
            self._images[image.sha1] = part
            self._image_numbers.append(number)
        return part, slide_part.relate_to(part, RT.IMAGE)


#: What python-pptx's cloning gave, by the XML of the layout (or notes master) it cloned from: every
#: deck of a run made with one template starts its slides from these (a layout mirrored for a
#: right-to-left deck is other XML, so another entry).
_EMPTY_SLIDES: dict[bytes, Any] = {}
_EMPTY_NOTES: dict[bytes, Any] = {}
_KEPT = 64


def _kept(table: dict[bytes, Any], key: bytes, element: Any) -> None:
    if len(table) >= _KEPT:
        table.clear()
    table[key] = element


def _first_free(numbers: list[int]) -> int:
    """python-pptx's `first_available_image_idx` over the numbers in use."""
    for i, number in enumerate(sorted(numbers)):
        if i + 1 < number:
            return i + 1
    return len(numbers) + 1


def placeholder_elements(container: Any) -> list[tuple[Any, Any]]:
    """`(p:ph, shape element)` of each placeholder of a slide or layout, in `container.placeholders`
    order (by `idx`, document order among equals), read without python-pptx's per-shape XPath."""
    found = []
    for element in container.shapes._spTree.iterchildren(*_SHAPE_TAGS):
        ph = _ph(element)
        if ph is not None:
            found.append((ph, element))
    found.sort(key=lambda pair: pair[0].idx)
    return found


def find_placeholder(container: Any, kinds: Iterable[Any], index: int = 0) -> Any:
    """The `index`-th placeholder of one of `kinds` (by `idx`), as `container.placeholders` gives it;
    None if there are not that many."""
    wanted = tuple(kinds)
    found = [element for ph, element in placeholder_elements(container) if ph.type in wanted]
    return shape_of(container, found[index]) if len(found) > index else None


def shape_of(container: Any, element: Any) -> Any:
    """The python-pptx placeholder proxy of `element`, a placeholder of `container`."""
    holders = container.placeholders
    if isinstance(holders, SlidePlaceholders):
        return SlideShapeFactory(element, holders)
    return holders._shape_factory(element)


def _ph(element: Any) -> Any:
    """python-pptx's `ph` (`./*[1]/p:nvPr/p:ph`): the placeholder mark of a shape, or None."""
    first = next(element.iterchildren(etree.Element), None)
    if first is None:
        return None
    nv_pr = first.find(_NV_PR)
    return None if nv_pr is None else nv_pr.find(_PH)
