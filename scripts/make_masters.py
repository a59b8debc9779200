"""Build the pptx masters of the built-in templates: templates/<name>/base.pptx and base-4x3.pptx.

    python scripts/make_masters.py            # every built-in template
    python scripts/make_masters.py dark       # one template

Starts from python-pptx's default presentation (it has the standard layout names PowerPoint users
know: Title Slide, Title and Content, Section Header, Two Content, Title Only, Blank, Picture with
Caption, …), then sets the slide size, theme fonts and colours, master text styles, placeholder
geometry and a few decorations from the template's palette. The output is deterministic, so
re-running it on an unchanged template changes nothing.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Inches, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cardgen.render.pptx_io import rezipped  # noqa: E402
from cardgen.templates import Template, list_templates, load_template  # noqa: E402

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}
HEIGHT = 540.0  # pt (7.5 in)
WIDTHS = {"base.pptx": 960.0, "base-4x3.pptx": 720.0}
EA_FONT = "Noto Sans CJK JP"


def _hex(value: str) -> str:
    return value.lstrip("#")[:6].upper()


def _rgb(value: str) -> RGBColor:
    return RGBColor.from_string(_hex(value))


def geometry(width: float) -> dict[str, dict[str, tuple[float, float, float, float]]]:
    """Placeholder boxes (left, top, width, height in pt) per layout name and placeholder role."""
    m = 48.0 if width > 800 else 40.0
    full = width - 2 * m
    half = (full - 24) / 2
    title = (m, 22.0, full, 78.0)
    body = (m, 120.0, full, HEIGHT - 120 - 52)
    number = (width - m - 100, HEIGHT - 38, 100, 26)
    date = (m, HEIGHT - 38, 150, 26)
    footer = (m + 160, HEIGHT - 38, full - 280, 26)
    return {
        "Title Slide": {"title": (m, 128.0, full, 180.0), "body": (m, 330.0, full, 150.0)},
        "Title and Content": {"title": title, "body": body},
        "Section Header": {"title": (m, 170.0, full, 130.0), "body": (m, 318.0, full, 110.0)},
        "Two Content": {"title": title, "body": (m, 120.0, half, body[3]), "body2": (m + half + 24, 120.0, half, body[3])},
        "Comparison": {"title": title},
        "Title Only": {"title": title},
        "Content with Caption": {},
        "Picture with Caption": {
            "title": (m, 22.0, full, 64.0),
            "pic": (m, 96.0, full, 338.0),
            "body2": (m, 440.0, full, 56.0),  # the caption is the layout's second body placeholder (idx 2)
        },
        "_all": {"sldNum": number, "ftr": footer, "date": date},
    }


def _role(ph) -> str:
    kind = ph.placeholder_format.type
    name = str(kind).split(" ")[0].lower()
    if name in ("title", "center_title"):
        return "title"
    if name in ("slide_number",):
        return "sldNum"
    if name == "footer":
        return "ftr"
    if name == "picture":
        return "pic"
    if name in ("body", "object", "subtitle"):
        return "body2" if ph.placeholder_format.idx == 2 else "body"
    return name


def _place(shape, box: tuple[float, float, float, float]) -> None:
    shape.left, shape.top, shape.width, shape.height = (Pt(v) for v in box)


def _scale_x(shape, factor: float) -> None:
    if shape.left is not None and shape.width is not None:
        shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)


def _solid(parent, color: str) -> None:
    for old in parent.findall(f"{{{A}}}solidFill"):
        parent.remove(old)
    fill = etree.SubElement(parent, f"{{{A}}}solidFill")
    etree.SubElement(fill, f"{{{A}}}srgbClr", val=_hex(color))
    # schema order: fill comes before latin/ea/cs
    for tag in ("latin", "ea", "cs"):
        for el in parent.findall(f"{{{A}}}{tag}"):
            parent.remove(el)
            parent.append(el)


def _fonts(parent, latin: str) -> None:
    for tag, face in (("latin", latin), ("ea", EA_FONT), ("cs", latin)):
        el = parent.find(f"{{{A}}}{tag}")
        if el is None:
            el = etree.SubElement(parent, f"{{{A}}}{tag}")
        el.set("typeface", face)


def style_text(lvl_ppr, color: str, latin: str, size: float | None = None, bold: bool | None = None) -> None:
    rpr = lvl_ppr.find(f"{{{A}}}defRPr")
    if rpr is None:
        rpr = etree.SubElement(lvl_ppr, f"{{{A}}}defRPr")
    if size is not None:
        rpr.set("sz", str(int(size * 100)))
    if bold is not None:
        rpr.set("b", "1" if bold else "0")
    _solid(rpr, color)
    _fonts(rpr, latin)


def _theme(prs, template: Template) -> None:
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", f"cardgen {template.name}")
    colors = {
        "dk1": template.color("text"),
        "lt1": template.color("background"),
        "dk2": template.color("muted"),
        "lt2": template.color("surface"),
        "accent1": template.color("accent"),
        "hlink": template.deck.color("accent"),
        "folHlink": template.deck.color("accent"),
    }
    for name, value in colors.items():
        slot = scheme.find(f"a:{name}", NS)
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=_hex(value))
    fonts = root.find(".//a:fontScheme", NS)
    fonts.set("name", "cardgen")
    for group in ("majorFont", "minorFont"):
        node = fonts.find(f"a:{group}", NS)
        node.find("a:latin", NS).set("typeface", template.fonts.heading if group == "majorFont" else template.fonts.body)
        node.find("a:ea", NS).set("typeface", EA_FONT)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _master_styles(prs, template: Template) -> None:
    master = prs.slide_master
    deck = template.deck
    styles = master._element.find("p:txStyles", NS)
    title_style = styles.find("p:titleStyle/a:lvl1pPr", NS)
    style_text(title_style, deck.color("title"), template.fonts.heading, deck.role("title").size, True)
    for lvl in styles.find("p:bodyStyle", NS):
        if lvl.tag.endswith("pPr"):
            style_text(lvl, deck.color("text"), template.fonts.body)
    master.background.fill.solid()
    master.background.fill.fore_color.rgb = _rgb(deck.color("background"))


def _decorate(prs, layout, template: Template, shapes: list[tuple[tuple[float, float, float, float], str]]) -> None:
    """Copy simple filled rectangles into a layout (python-pptx only adds shapes to slides)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    tree = layout.shapes._spTree
    for box, color in shapes:
        shape = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Pt(v) for v in box))
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(color)
        shape.line.fill.background()
        shape.shadow.inherit = False
        element = copy.deepcopy(shape._element)
        element.find(".//p:cNvPr", NS).set("name", f"cardgen decoration {len(tree)}")
        # decorations sit behind the placeholders
        tree.insert(2, element)
    _drop_slide(prs, scratch)


def _drop_slide(prs, slide) -> None:
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        if prs.part.related_part(sld_id.rId) is slide.part:
            prs.part.drop_rel(sld_id.rId)
            ids.remove(sld_id)


def _layout_text_color(layout, role: str, color: str, latin: str) -> None:
    for ph in layout.placeholders:
        if _role(ph) != role:
            continue
        body = ph._element.find(".//p:txBody", NS)
        if body is None:
            continue
        lst = body.find("a:lstStyle", NS)
        if lst is None:
            lst = etree.Element(f"{{{A}}}lstStyle")
            body.insert(1, lst)
        lvl = lst.find("a:lvl1pPr", NS)
        if lvl is None:
            lvl = etree.SubElement(lst, f"{{{A}}}lvl1pPr")
        style_text(lvl, color, latin)


def decorations(template: Template, width: float) -> dict[str, list]:
    """Per-template accents: a short rule under titles (default, dark) or bold colour fields (event)."""
    m = 48.0 if width > 800 else 40.0
    accent = template.deck.color("accent")
    if template.name == "event":
        return {
            "Title Slide": [((0, 0, width, 18), accent), ((m, 112, 90, 8), accent)],
            "Title and Content": [((0, 0, 14, HEIGHT), accent)],
            "Two Content": [((0, 0, 14, HEIGHT), accent)],
            "Title Only": [((0, 0, 14, HEIGHT), accent)],
            "Picture with Caption": [((0, 0, 14, HEIGHT), accent)],
            "Section Header": [((0, 0, width, HEIGHT), accent)],
        }
    rule = ((m, 104, 56, 4), accent)
    return {
        "Title Slide": [((m, 112, 72, 6), accent), ((0, HEIGHT - 8, width, 8), accent)],
        "Title and Content": [rule],
        "Two Content": [rule],
        "Title Only": [rule],
        "Section Header": [((m, 158, 72, 6), accent)],
        "Picture with Caption": [((m, 90, 56, 3), accent)],
    }


def build(template: Template, file_name: str) -> bytes:
    width = WIDTHS[file_name]
    prs = Presentation()
    factor = Pt(width) / prs.slide_width
    prs.slide_width, prs.slide_height = Pt(width), Pt(HEIGHT)
    size = prs.part._element.find(f"{{{P}}}sldSz")
    if size is not None and Pt(width) != Inches(10):  # python-pptx's default is 4:3 ("screen4x3"), and
        size.attrib.pop("type", None)  # a widescreen slide is PowerPoint's "custom" size (no type)
    _theme(prs, template)
    _master_styles(prs, template)
    boxes = geometry(width)
    for ph in prs.slide_master.placeholders:
        _scale_x(ph, factor)
        if _role(ph) in boxes["_all"]:
            _place(ph, boxes["_all"][_role(ph)])
    for ph in prs.slide_master.placeholders:
        if _role(ph) == "sldNum":
            lvl = ph._element.find(".//a:lvl1pPr", NS)
            if lvl is not None:
                style_text(lvl, template.deck.color("muted"), template.fonts.body, 12)
    for layout in prs.slide_layouts:
        wanted = {**boxes.get(layout.name, {}), **boxes["_all"]}
        for ph in layout.placeholders:
            _scale_x(ph, factor)
            if _role(ph) in wanted:
                _place(ph, wanted[_role(ph)])
        _decorate(prs, layout, template, decorations(template, width).get(layout.name, []))
    for layout in prs.slide_layouts:  # no ALL CAPS titles: they are hard to read and to edit
        for el in layout._element.iter(f"{{{A}}}defRPr"):
            el.attrib.pop("cap", None)
    if template.name == "event":
        section = next(layout for layout in prs.slide_layouts if layout.name == "Section Header")
        on_accent = template.color("on_accent")
        _layout_text_color(section, "title", on_accent, template.fonts.heading)
        _layout_text_color(section, "body", on_accent, template.fonts.body)
    prs.core_properties.title = f"cardgen {template.name} master"
    prs.core_properties.author = "cardgen"
    prs.core_properties.last_modified_by = "cardgen"
    return rezipped(prs)


def main(argv: list[str]) -> int:
    names = argv or list_templates()
    for name in names:
        template = load_template(name)
        for file_name in WIDTHS:
            target = template.path / file_name
            target.write_bytes(build(template, file_name))
            print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
