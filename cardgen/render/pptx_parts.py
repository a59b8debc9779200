"""New slides and notes pages from per-presentation copies, and placeholders found by element.

python-pptx builds every new slide by cloning its layout's placeholders one by one, and every notes
page by cloning the notes master's, with an XPath query or more per shape and property (about 1 ms
per slide for each). What the cloning gives depends only on the layout, or the notes master: shape
ids and names are counted on the empty slide. `SlideParts` lets python-pptx make the first slide of
each layout and the first notes page of a presentation, keeps a copy of that element before anything
is written on it, and gives every later one a copy of the copy, with the part names and
relationships python-pptx gives them, in the same order: the same package, byte for byte.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.shapes.shapetree import SlidePlaceholders, SlideShapeFactory

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_SHAPE_TAGS = tuple(f"{{{P}}}{tag}" for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart"))
_NV_PR = f"{{{P}}}nvPr"
_PH = f"{{{P}}}ph"


class SlideParts:
    """Slides and notes pages of one presentation (see the module docstring)."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self._slides: dict[str, Any] = {}  # layout part name → the new slide's element, placeholders cloned
        self._notes: Any = None  # a new notes page's element, placeholders cloned

    def add_slide(self, layout: Any) -> Any:
        """`prs.slides.add_slide(layout)`."""
        key = str(layout.part.partname)
        template = self._slides.get(key)
        if template is None:
            slide = self.prs.slides.add_slide(layout)
            self._slides[key] = copy.deepcopy(slide._element)
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
        if slide.has_notes_slide or self._notes is None:
            notes = slide.notes_slide
            if self._notes is None:
                self._notes = copy.deepcopy(notes._element)
            return notes
        package = slide.part.package
        master = package.presentation_part.notes_master_part
        part = NotesSlidePart(package.next_partname("/ppt/notesSlides/notesSlide%d.xml"), CT.PML_NOTES_SLIDE,
                              package, copy.deepcopy(self._notes))
        part.relate_to(master, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
        return slide.notes_slide


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
