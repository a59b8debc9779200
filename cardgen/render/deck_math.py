"""Equations on slides: how big a display formula is at a body size, and how it is written.

Display math is measured like a paragraph whose height is the formula's (scaled down to the
column when it is wider), so fitting and continuation slides treat it as text. It is written as

- `picture` (default): a picture whose PNG is drawn from the SVG and whose SVG rides along in
  PowerPoint's `asvg:svgBlip` extension, so Office shows vectors and every other viewer the PNG;
  the alt text is the LaTeX source;
- `native`: an editable Office Math equation (`a14:m` holding OMML) in a text box, inside
  `mc:AlternateContent` whose `mc:Fallback` is that same picture: PowerPoint 2010+ edits the
  equation, LibreOffice and Google Slides show the picture instead of a blank.

Inline math is Unicode text in styled runs (italic letters, raised and lowered scripts); in
`native` mode each inline formula is also an `a14:m` with those runs as its fallback. Speaker
notes never get OMML (PowerPoint reports repair errors); they keep the LaTeX.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from cardgen.math import Equation, check_drawing, typeset

if TYPE_CHECKING:
    from cardgen.math.linear import Segment
    from cardgen.render.pptx_parts import SlideParts

MODES = ("picture", "native")
PNG_DPI = 160.0  # the fallback picture: a 1080p projector shows 144 px per slide inch
MIN_PIXELS = 120  # a one-line formula still gets enough pixels that rounding cannot distort it
MATH_SCALE = 1.1  # a formula's em is set a little larger than the text: STIX is small on the body

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A14 = "http://schemas.microsoft.com/office/drawing/2010/main"
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


@dataclass(frozen=True)
class MathBox:
    width: float  # pt
    height: float  # pt
    ascent: float  # pt above the baseline


def display_equation(tex: str) -> Equation:
    """The display equation for a math item's expanded TeX (cached), with its drawing checked."""
    return check_drawing(typeset(tex, display=True))


def math_box(tex: str, size: float, width: float, height: float | None = None) -> MathBox | None:
    """The formula's box at body `size` (pt), shrunk to `width` (and `height`) when larger; None if it
    cannot be drawn."""
    eq = display_equation(tex)
    if not eq.ok:
        return None
    em = size * MATH_SCALE
    scale = min(1.0, width / max(1e-6, eq.width * em))
    if height is not None:
        scale = min(scale, height / max(1e-6, eq.height * em))
    return MathBox(eq.width * em * scale, eq.height * em * scale, eq.ascent * em * scale)


def math_height(tex: str, size: float, width: float, line_height: float, room: float | None = None) -> float:
    """Height (pt) the planner budgets for a display formula: its box plus a little air, within `room`."""
    air = size * 0.3
    box = math_box(tex, size, width, None if room is None else max(1.0, room - air))
    if box is None:
        return size * line_height
    return box.height + air


# --- writing ---------------------------------------------------------------------------------------------


def add_equation(parts: SlideParts, slide: Any, tex: str, source: str, box: tuple[float, float, float, float],
                 colour: str, mode: str) -> Any:
    """Write the display formula centred in `box` (pt) on `slide` of the presentation `parts` writes.
    Returns the picture (or the AlternateContent)."""
    from pptx.util import Pt

    eq = display_equation(tex)
    x, y, w, h = box
    png = eq.png(colour, zoom=_zoom(eq, h))
    pw, ph = _png_size(png)
    fitted = h * pw / ph  # the picture keeps the PNG's own aspect (resvg rounds to whole pixels)
    x, w = x + (w - fitted) / 2, fitted
    pic = parts.add_picture(slide.shapes, png, Pt(x), Pt(y), Pt(w), Pt(h))
    pic.name = "Equation"
    _describe(pic, source)
    _attach_svg(slide, pic, eq.svg(colour))
    if mode != "native":
        return pic
    omml = _omml(eq)
    if omml is None:
        return pic
    return _alternate(slide, pic, omml, box, colour)


def _zoom(eq: Equation, height_pt: float) -> float:
    from cardgen.math.svg import DRAW_SIZE

    pixels = max(MIN_PIXELS, height_pt / 72.0 * PNG_DPI)
    return max(0.5, pixels / max(1e-6, eq.height * DRAW_SIZE))


def _png_size(png: bytes) -> tuple[int, int]:
    import struct

    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return max(1, width), max(1, height)


def _describe(pic: Any, source: str) -> None:
    """Alt text: the LaTeX, as Office writes it for equations pasted as pictures."""
    c_nv_pr = pic._element.nvPicPr.cNvPr
    text = " ".join(source.split())
    c_nv_pr.set("descr", text)
    c_nv_pr.set("title", "Equation")


def _attach_svg(slide: Any, pic: Any, svg: str) -> None:
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    package = slide.part.package
    partname = _next_svg_partname(package)
    part = Part(PackURI(partname), "image/svg+xml", package, svg.encode("utf-8"))
    rid = slide.part.relate_to(part, RT_IMAGE)
    blip = pic._element.find(f".//{{{A}}}blip")
    ext_lst = etree.SubElement(blip, f"{{{A}}}extLst")
    ext = etree.SubElement(ext_lst, f"{{{A}}}ext", uri=SVG_EXT)
    svg_blip = etree.SubElement(ext, f"{{{ASVG}}}svgBlip", nsmap={"asvg": ASVG})
    svg_blip.set(f"{{{R}}}embed", rid)


def _next_svg_partname(package: Any) -> str:
    used = getattr(package, "_cardgen_svg_count", 0) + 1
    package._cardgen_svg_count = used
    return f"/ppt/media/equation{used}.svg"


def _omml(eq: Equation) -> str | None:
    try:
        return eq.omml()
    except ValueError:
        return None


def _alternate(slide: Any, pic: Any, omml: str, box: tuple[float, float, float, float], colour: str) -> Any:
    """Wrap `pic` as the fallback of a text box holding the native equation."""
    from pptx.util import Pt

    x, y, w, h = box
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    shape.name = "Equation"
    tf = shape.text_frame
    tf.word_wrap = True
    body_pr = tf._txBody.bodyPr
    for side in ("lIns", "tIns", "rIns", "bIns"):
        body_pr.set(side, "0")
    body_pr.set("anchor", "ctr")
    paragraph = tf.paragraphs[0]._p
    paragraph.get_or_add_pPr().set("algn", "ctr")
    math = etree.SubElement(paragraph, f"{{{A14}}}m", nsmap={"a14": A14})
    math.append(etree.fromstring(_coloured_omml(omml, colour, h)))
    sp, fallback = shape._element, pic._element
    tree = sp.getparent()
    alternate = etree.Element(f"{{{MC}}}AlternateContent", nsmap={"mc": MC})
    choice = _choice(alternate)
    fall = etree.SubElement(alternate, f"{{{MC}}}Fallback")
    tree.insert(tree.index(fallback), alternate)
    choice.append(sp)
    fall.append(fallback)
    return alternate


def _choice(alternate: Any) -> Any:
    """The `mc:Choice` that requires the Office 2010 drawing namespace, under its own prefix.

    MCE resolves `Requires` through namespace declarations, so PowerPoint reads `a14m` as the a14
    namespace it knows and shows the equation. LibreOffice compares the literal prefix with a short
    list ("a14", "p14", …) and, not finding `a14m`, takes the fallback picture instead of drawing
    a blank where it cannot render OMML (what pandoc's decks show there)."""
    return etree.SubElement(alternate, f"{{{MC}}}Choice", Requires="a14m", nsmap={"a14m": A14, "a14": A14})


def _coloured_omml(omml: str, colour: str | None, height: float) -> str:
    """OMML runs carry their colour and size as DrawingML run properties (`a:rPr` inside `m:r`)."""
    root = etree.fromstring(omml)
    m_ns = root.nsmap.get("m") or "http://schemas.openxmlformats.org/officeDocument/2006/math"
    for run in root.iter(f"{{{m_ns}}}r"):
        rpr = etree.Element(f"{{{A}}}rPr", lang="en-US", i="0")
        if colour:
            fill = etree.SubElement(rpr, f"{{{A}}}solidFill")
            etree.SubElement(fill, f"{{{A}}}srgbClr", val=colour.lstrip("#")[:6].upper())
        etree.SubElement(rpr, f"{{{A}}}latin", typeface="Cambria Math")
        etree.SubElement(rpr, f"{{{A}}}cs", typeface="Cambria Math")
        text = run.find(f"{{{m_ns}}}t")
        index = list(run).index(text) if text is not None else len(run)
        run.insert(index, rpr)
    return str(etree.tostring(root, encoding="unicode"))


# --- inline ------------------------------------------------------------------------------------------------


def inline_segments(tex: str) -> tuple[Segment, ...]:
    from cardgen.math.linear import Segment

    eq = typeset(tex, display=False)
    return eq.linear.segments if eq.ok else (Segment(tex),)


def segments_for(text: str, tex: str) -> tuple[Segment, ...]:
    """The segments to set an inline formula's run `text` with (`inline_segments(tex)`), or () when
    they would draw nothing or not this text (a long paragraph cut for a slide may end inside a
    formula: then only its text is shown)."""
    from cardgen.math.linear import Linear

    segments = inline_segments(tex)
    if "".join(seg.text for seg in segments).replace(" ", "") == "":
        return ()
    if Linear(segments, True).text.replace(" ", "") != text.replace(" ", ""):
        return ()
    return segments


def inline_omml(tex: str) -> str | None:
    eq = typeset(tex, display=False)
    if not eq.ok:
        return None
    return _omml(eq)


def wrap_inline_native(paragraph: Any, runs_xml: list[Any], omml: str, colour: str | None) -> None:
    """Replace the fallback runs `runs_xml` (already in `paragraph`) by an AlternateContent whose
    choice is the native inline equation and whose fallback keeps those runs."""
    if not runs_xml:
        return
    p = paragraph._p
    alternate = etree.Element(f"{{{MC}}}AlternateContent", nsmap={"mc": MC})
    choice = _choice(alternate)
    math = etree.SubElement(choice, f"{{{A14}}}m")
    math.append(etree.fromstring(_coloured_omml(omml, colour, 0.0)))
    fall = etree.SubElement(alternate, f"{{{MC}}}Fallback")
    p.insert(p.index(runs_xml[0]), alternate)
    for r in runs_xml:
        fall.append(r)


__all__ = ["MODES", "MathBox", "add_equation", "inline_omml", "inline_segments", "math_box", "math_height",
           "wrap_inline_native"]
