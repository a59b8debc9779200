"""What a deck master shows besides its boxes: backgrounds, decorations and readable text colours.

Both deck backends need it: the pptx writer to give every run a colour that reaches WCAG AA contrast
(4.5:1) on the part of the slide it sits on, the PDF backend to draw what PowerPoint draws from the
master (background, the accent rule under titles, the event template's colour fields). Read once
from the master's layouts, so an organisation's own master is followed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cardgen.colors import ensure_contrast
from cardgen.layouts.deck import DeckLayout

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
#: Slide kinds → the master layout they are written on (running-head slides use "Blank").
LAYOUT_OF = {
    "cover": "Title Slide", "summary": "Title and Content", "content": "Title and Content",
    "section": "Section Header", "closing": "Title and Content", "links": "Title and Content",
    "table": "Title Only", "code": "Title Only", "picture": "Picture with Caption", "video": "Picture with Caption",
}
#: Roles whose colour must stay readable on the slide's background.
TEXT_ROLES = ("title", "text", "muted", "accent", "callout")


@dataclass(frozen=True)
class LayoutLook:
    background: str  # the colour text sits on: the slide's, or a full-slide colour field of the layout
    decorations: tuple[tuple[float, float, float, float, str], ...] = ()  # filled rectangles (pt)
    colors: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # role → readable colour


@dataclass(frozen=True)
class DeckLook:
    layouts: dict[str, LayoutLook]
    code_text: str
    code_background: str
    table_header: str
    table_header_text: str
    table_text: str

    def of(self, kind: str, running: bool = False) -> LayoutLook:
        name = "Blank" if running else LAYOUT_OF.get(kind, "Title and Content")
        return self.layouts.get(name) or self.layouts["Blank"]


def readable_colors(deck: DeckLayout, background: str, title: str | None = None,
                    text: str | None = None) -> dict[str, str]:
    """Every text role's colour on `background`, each moved just far enough to reach 4.5:1."""
    wanted = {"title": title or deck.color("title"), "text": text or deck.color("text"), "muted": deck.color("muted"),
              "accent": deck.color("accent"), "callout": deck.color("callout")}
    if text:  # a layout that recolours its text (white on a colour field) recolours muted text too
        wanted["muted"] = text
        wanted["accent"] = text
        wanted["callout"] = text
    return {role: ensure_contrast(colour, background) for role, colour in wanted.items()}


def read_look(prs: Any, deck: DeckLayout) -> DeckLook:
    """The look of `prs`'s master and layouts (the template's, or an organisation's own)."""
    width, height = prs.slide_width, prs.slide_height
    master_bg = _background(prs.slide_master) or deck.color("background")
    layouts: dict[str, LayoutLook] = {}
    for layout in prs.slide_layouts:
        decorations = []
        field_colour = None
        for shape in layout.shapes:
            if shape.is_placeholder:
                continue
            colour = _solid(shape)
            if colour is None or shape.width is None:
                continue
            box = tuple(v / 12700 for v in (shape.left, shape.top, shape.width, shape.height))
            decorations.append((*box, colour))
            if shape.width >= width * 0.95 and shape.height >= height * 0.95:
                field_colour = colour
        background = _background(layout) or field_colour or master_bg
        title = _placeholder_colour(layout, ("title", "ctrTitle"))
        text = _placeholder_colour(layout, ("body", "subTitle", None))
        colors = readable_colors(deck, background, title=title, text=text)
        layouts[layout.name] = LayoutLook(background, tuple(decorations), colors)
    if "Blank" not in layouts:
        layouts["Blank"] = LayoutLook(master_bg, (), readable_colors(deck, master_bg))
    code_bg = deck.color("code_background")
    header = deck.color("table_header")
    return DeckLook(
        layouts=layouts,
        code_text=ensure_contrast(deck.color("code_text"), code_bg),
        code_background=code_bg,
        table_header=header,
        table_header_text=ensure_contrast(deck.color("table_header_text"), header),
        table_text=ensure_contrast(deck.color("text"), deck.color("table_stripe")),
    )


def _background(part: Any) -> str | None:
    bg = part._element.find(".//{http://schemas.openxmlformats.org/presentationml/2006/main}bg")
    if bg is None:
        return None
    clr = bg.find(f".//{A}srgbClr")
    return f"#{clr.get('val').lower()}" if clr is not None else None


def _solid(shape: Any) -> str | None:
    sppr = shape._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}spPr")
    if sppr is None:
        return None
    fill = sppr.find(f"{A}solidFill")
    clr = fill.find(f"{A}srgbClr") if fill is not None else None
    return f"#{clr.get('val').lower()}" if clr is not None else None


def _placeholder_colour(layout: Any, types: tuple[str | None, ...]) -> str | None:
    for ph in layout.placeholders:
        ph_el = ph._element.find(".//{http://schemas.openxmlformats.org/presentationml/2006/main}ph")
        if ph_el is None or ph_el.get("type") not in types:
            continue
        clr = ph._element.find(f".//{A}lstStyle/{A}lvl1pPr/{A}defRPr/{A}solidFill/{A}srgbClr")
        if clr is not None:
            return f"#{clr.get('val').lower()}"
    return None
