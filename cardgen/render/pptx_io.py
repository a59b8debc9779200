"""Low-level pptx writing shared by decks and the showcase: fonts on runs, paragraphs, pictures, bytes.

python-pptx's `font.name` writes only `<a:latin>`; CJK text then falls back to whatever the viewer
picks. Every run written here names its latin, east-asian and complex-script typefaces, its size and
(when asked) its colour, so PowerPoint and LibreOffice lay it out with the fonts it was measured with.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.util import Pt

from cardgen.document import Run
from cardgen.render.deck_fit import INSETS
from cardgen.render.package_zip import ZipEntries
from cardgen.render.pptx_parts import P, placeholder_elements

A = "http://schemas.openxmlformats.org/drawingml/2006/main"


@dataclass(frozen=True)
class Typefaces:
    latin: str
    east_asian: str
    mono: str


def package_bytes(presentation: Any) -> bytes:
    """The .pptx bytes of `presentation`, written in one pass (python-pptx's own package writer steps,
    into `ZipEntries`, the relationship files written as text): every entry with the same fixed time
    and mode, so equal content gives equal bytes; XML deflated, pictures and media stored. Should
    python-pptx's internal writer steps move, the presentation is saved the public way and its entries
    rewritten: the same bytes, slower."""
    try:
        from pptx.opc.packuri import PACKAGE_URI
        from pptx.opc.serialized import PackageWriter

        content_types = PackageWriter._write_content_types_stream
    except (ImportError, AttributeError):
        return rezipped(presentation)
    package = presentation.part.package
    parts = tuple(package.iter_parts())
    entries = ZipEntries()
    content_types(PackageWriter(io.BytesIO(), package._rels, parts), entries)  # type: ignore[arg-type]  # a duck-typed physical writer
    entries.write(PACKAGE_URI.rels_uri, rels_xml(package._rels))
    for part in parts:  # python-pptx's `_write_parts`
        entries.write(part.partname, part.blob)
        if part._rels:
            entries.write(part.partname.rels_uri, rels_xml(part._rels))
    return entries.finish()


def rels_xml(rels: Any) -> bytes:
    """python-pptx's `_Relationships.xml` (relationships in numerical order, lxml's escaping), written
    as text; through python-pptx for a value with a control character (which lxml would refuse)."""
    ordered = sorted((int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0, rid) for rid in rels)
    out = [_RELS_OPEN]
    for _, rid in ordered:
        rel = rels[rid]
        values = (rid, rel.reltype, rel.target_ref)
        if any(_CONTROL.search(value) for value in values):
            return cast(bytes, rels.xml)
        rid_, type_, target = (value.translate(_ATTRIBUTE) for value in values)
        mode = ' TargetMode="External"' if rel.is_external else ""
        out.append(f'<Relationship Id="{rid_}" Type="{type_}" Target="{target}"{mode}/>')
    if len(out) == 1:
        return (_RELS_OPEN[:-1] + "/>").encode()
    out.append("</Relationships>")
    return "".join(out).encode()


_RELS_OPEN = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">')
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
                            "\r": "&#13;"})


def rezipped(presentation: Any) -> bytes:
    """`package_bytes` through python-pptx's public `save`: saved, then every entry rewritten."""
    saved = io.BytesIO()
    presentation.save(saved)
    entries = ZipEntries()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source:
        for info in source.infolist():
            entries.add(info.filename, source.read(info.filename))
    return entries.finish()


def rgb(value: str) -> RGBColor:
    return cast(RGBColor, RGBColor.from_string(value.lstrip("#")[:6].upper()))  # type: ignore[no-untyped-call]  # untyped in python-pptx


def style_run(
    run: Any,
    faces: Typefaces,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    code: bool = False,
    color: str | None = None,
    href: str | None = None,
) -> None:
    """Size, weight, colour and the three typefaces on one run, written straight into `a:rPr`
    (python-pptx's property setters are an order of magnitude slower on big decks)."""
    if href:
        run.hyperlink.address = href
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", rpr.get("lang") or "en-US")
    rpr.set("sz", str(int(round(size * 100))))
    rpr.set("b", "1" if bold else "0")
    rpr.set("i", "1" if italic else "0")
    for child in list(rpr):
        if child.tag in _REPLACED:
            rpr.remove(child)
    _fill_and_faces(rpr, faces, code, color)
    if color and href:
        _link_in_run_colour(rpr)
    _schema_order(rpr, _RPR_ORDER)


def add_run(paragraph: Any, text: str, faces: Typefaces, size: float, *, bold: bool = False, italic: bool = False,
            code: bool = False, color: str | None = None, href: str | None = None) -> Any:
    """A run with `text` at the end of `paragraph`, styled as `style_run` styles it; its `a:r` element.

    Written as python-pptx's `add_run()`, `text` and `style_run` write it (the element before
    `a:endParaRPr`, control characters escaped as `_xHHHH_`), in one go; a run with a link goes
    through python-pptx, which relates the address to the slide."""
    if href:
        run = paragraph.add_run()
        run.text = text
        style_run(run, faces, size, bold=bold, italic=italic, code=code, color=color, href=href)
        return run._r
    p = paragraph._p
    r = etree.SubElement(p, _R)
    end = p.find(_END_PARA_RPR)
    if end is not None:
        end.addprevious(r)
    rpr = etree.SubElement(r, _RPR, lang="en-US", sz=str(int(round(size * 100))), b="1" if bold else "0",
                           i="1" if italic else "0")
    _fill_and_faces(rpr, faces, code, color)
    t = etree.SubElement(r, _T)
    t.text = _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text
    return r


def write_notes(notes_slide: Any, text: str) -> None:
    """`notes_slide.notes_text_frame.text = text`, written straight into the notes placeholder's
    `a:txBody`: a paragraph per line, a line break per vertical tab, runs escaped as python-pptx
    escapes them."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    body = next((element for mark, element in placeholder_elements(notes_slide) if mark.type == PP_PLACEHOLDER.BODY),
                None)
    tx_body = body.find(_TX_BODY) if body is not None else None
    if tx_body is None:  # no notes placeholder, or one without text: python-pptx's way
        notes_slide.notes_text_frame.text = text
        return
    for paragraph in tx_body.findall(_P):
        tx_body.remove(paragraph)
    for line in text.split("\n"):
        p = etree.SubElement(tx_body, _P)
        for index, piece in enumerate(line.split("\v")):
            if index:
                etree.SubElement(p, f"{{{A}}}br")
            if piece:
                t = etree.SubElement(etree.SubElement(p, _R), _T)
                t.text = _CONTROL.sub(_escaped, piece) if _CONTROL.search(piece) else piece


_TX_BODY = f"{{{P}}}txBody"


def _fill_and_faces(rpr: Any, faces: Typefaces, code: bool, color: str | None) -> None:
    """The colour and the three typefaces of a run, appended to its `a:rPr`."""
    if color:
        fill = etree.SubElement(rpr, f"{{{A}}}solidFill")
        etree.SubElement(fill, f"{{{A}}}srgbClr", val=color.lstrip("#")[:6].upper())
    latin = faces.mono if code else faces.latin
    for tag, face in (("latin", latin), ("ea", faces.east_asian), ("cs", latin)):
        font = etree.SubElement(rpr, f"{{{A}}}{tag}", typeface=face)
        if code and tag != "ea":
            font.set("panose", MONO_PANOSE)
            font.set("pitchFamily", MONO_PITCH_FAMILY)


def _escaped(match: re.Match[str]) -> str:
    return f"_x{ord(match.group(1)):04X}_"


_R, _RPR, _T, _END_PARA_RPR = (f"{{{A}}}{tag}" for tag in ("r", "rPr", "t", "endParaRPr"))
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")  # what python-pptx escapes in a run's text


#: Office's hyperlink-colour extension (PowerPoint 2019+, LibreOffice): `val="tx"` draws the link in its
#: run's colour instead of the theme's `hlink`, which is the accent and can be the slide's background
#: (the event template's title slide) or too light on a panel.
HLINK_COLOR_EXT = "{A12FA001-AC4F-418D-AE19-62706E023703}"
AHYP = "http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor"


def _link_in_run_colour(rpr: Any) -> None:
    link = rpr.find(f"{{{A}}}hlinkClick")
    if link is None or link.find(f"{{{A}}}extLst") is not None:
        return
    ext = etree.SubElement(etree.SubElement(link, f"{{{A}}}extLst"), f"{{{A}}}ext", uri=HLINK_COLOR_EXT)
    etree.SubElement(ext, f"{{{AHYP}}}hlinkClr", nsmap={"ahyp": AHYP}, val="tx")


#: A code run's typeface is marked fixed-pitch, so a viewer without the named font substitutes a
#: monospaced one (Consolas, Menlo, DejaVu Sans Mono, Courier New …) instead of its default sans:
#: pitchFamily 0x31 = FIXED_PITCH | FF_MODERN (ECMA-376 §21.1.2.3.7, the Windows LOGFONT values), and a
#: PANOSE whose proportion digit 9 says "monospaced".
MONO_PITCH_FAMILY = "49"
MONO_PANOSE = "020B0609020204030204"


_REPLACED = {f"{{{A}}}{tag}" for tag in ("solidFill", "latin", "ea", "cs")}
_RPR_ORDER = ("ln", "noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill", "effectLst",
              "effectDag", "highlight", "uLnTx", "uLn", "uFillTx", "uFill", "latin", "ea", "cs", "sym",
              "hlinkClick", "hlinkMouseOver", "rtl", "extLst")


def _schema_order(element: Any, order: tuple[str, ...]) -> None:
    """Children of a:rPr / a:pPr must follow the schema order, or PowerPoint refuses the file."""
    rank = {f"{{{A}}}{name}": i for i, name in enumerate(order)}
    for child in sorted(element, key=lambda el: rank.get(el.tag, len(rank))):
        element.remove(child)
        element.append(child)


def write_runs(paragraph: Any, runs: Iterable[Run], faces: Typefaces, size: float, *, color: str | None = None,
               link_color: str | None = None, bold: bool = False, italic: bool = False,
               math: str = "picture") -> None:
    """Runs into `paragraph`; inline math as styled Unicode runs (native `math` mode: also OMML); a
    "\n" in a run's text is a line break."""
    for piece in runs:
        if not piece.text:
            continue
        if piece.math and piece.tex:
            _math_runs(paragraph, piece, faces, size, color=color, bold=bold, mode=math)
            continue
        for index, part in enumerate(piece.text.split("\n")):
            if index:  # a hard line break of the source: PowerPoint's own (Shift+Enter)
                line_break = paragraph._p.add_br()
                line_break.get_or_add_rPr().set("sz", str(int(round(size * 100))))
            if not part:
                continue
            add_run(paragraph, part, faces, size, bold=bold or piece.bold, italic=italic or piece.italic, code=piece.code,
                    color=(link_color or color) if piece.href else color,
                    href=piece.href if piece.href and piece.href.startswith(("http://", "https://", "mailto:")) else None)


def _math_runs(paragraph: Any, piece: Run, faces: Typefaces, size: float, *, color: str | None, bold: bool,
               mode: str) -> None:
    """Inline math: italic letters, bold vectors, scripts raised/lowered like PowerPoint's own
    superscript button (baseline +30 % / −25 %; viewers set such runs smaller themselves)."""
    from cardgen.render.deck_math import inline_omml, segments_for, wrap_inline_native

    segments = segments_for(piece.text, piece.tex)
    written = []
    for seg in segments or (None,):
        run = add_run(paragraph, seg.text if seg else piece.text, faces, size,
                      bold=bold or piece.bold or bool(seg and seg.bold), italic=bool(seg and seg.italic), color=color)
        if seg and seg.script:
            run[0].set("baseline", "30000" if seg.script > 0 else "-25000")  # on its a:rPr
        written.append(run)
    if mode == "native" and segments:
        omml = inline_omml(piece.tex)
        if omml:
            wrap_inline_native(paragraph, written, omml, color)


def prepare_frame(text_frame: Any, anchor: str = "top", insets: tuple[float, float, float, float] = INSETS) -> None:
    """A text frame that never autofits behind our back: fixed box, wrapping on, explicit insets.

    Written straight into `a:txBody` as python-pptx's `clear()`, `word_wrap`, `auto_size`, margin and
    `vertical_anchor` setters write it (an inset equal to the schema's default is left out)."""
    tx_body = text_frame._txBody
    paragraphs = tx_body.findall(_P)
    for extra in paragraphs[1:]:
        tx_body.remove(extra)
    for child in list(paragraphs[0]):
        if child.tag in _CONTENT:
            paragraphs[0].remove(child)
    body_pr = tx_body.find(_BODY_PR)
    body_pr.set("wrap", "square")
    for child in list(body_pr):
        if child.tag in _AUTOFIT:
            body_pr.remove(child)
    no_autofit = etree.Element(f"{{{A}}}noAutofit")
    successor = next((child for child in body_pr if child.tag in _AUTOFIT_SUCCESSORS), None)
    if successor is None:
        body_pr.append(no_autofit)
    else:
        successor.addprevious(no_autofit)
    for name, value, default in zip(("lIns", "tIns", "rIns", "bIns"), insets, _DEFAULT_INSETS, strict=True):
        emu = int(Pt(value))
        if emu == default:
            body_pr.attrib.pop(name, None)
        else:
            body_pr.set(name, str(emu))
    body_pr.set("anchor", _ANCHORS[anchor])


_P, _BODY_PR = f"{{{A}}}p", f"{{{A}}}bodyPr"
_CONTENT = {f"{{{A}}}{tag}" for tag in ("r", "br", "fld")}  # what python-pptx's paragraph `clear()` removes
_AUTOFIT = {f"{{{A}}}{tag}" for tag in ("noAutofit", "normAutofit", "spAutoFit")}
_AUTOFIT_SUCCESSORS = {f"{{{A}}}{tag}" for tag in ("scene3d", "sp3d", "flatTx", "extLst")}
_DEFAULT_INSETS = (91440, 45720, 91440, 45720)  # EMU: a:bodyPr's lIns, tIns, rIns, bIns defaults
_ANCHORS = {"top": "t", "middle": "ctr", "bottom": "b"}


def paragraph_format(paragraph: Any, *, line: float, before: float = 0.0, after: float = 0.0,
                     align: str = "left", indent: float = 0.0, bullet: str | None = None,
                     bullet_color: str | None = None, numbered: int | None = None,
                     hanging: float | None = None, level: int = 0) -> None:
    """Exact line spacing (pt), spacing, alignment and bullets written on the paragraph itself.

    `level` is the list nesting: viewers number each level on its own, so a nested "1." restarts
    under its parent item instead of continuing the outer list ("3. … 4." instead of "3. … 1.")."""
    ppr = _paragraph_properties(paragraph._p)
    if level > 0:
        ppr.set("lvl", str(min(level, 8)))
    elif "lvl" in ppr.attrib:
        del ppr.attrib["lvl"]
    for child in list(ppr):
        if child.tag in _PPR_REPLACED:
            ppr.remove(child)
    for tag, value in (("lnSpc", line), ("spcBef", before), ("spcAft", after)):
        holder = etree.SubElement(ppr, f"{{{A}}}{tag}")
        etree.SubElement(holder, f"{{{A}}}spcPts", val=str(int(round(value * 100))))
    ppr.set("algn", {"left": "l", "center": "ctr", "right": "r"}[align])
    ppr.set("marL", str(int(Pt(indent))))
    ppr.set("hangingPunct", "0")  # CJK full stops stay inside the box (they were measured there)
    if bullet is None and numbered is None:
        hanging = 0.0
        etree.SubElement(ppr, f"{{{A}}}buNone")
    else:
        hanging = min(indent, hanging if hanging is not None else (32.0 if numbered is not None else 20.0))
        if bullet_color and numbered is None:  # a bullet is the accent's; a number reads as the text
            clr = etree.SubElement(ppr, f"{{{A}}}buClr")
            etree.SubElement(clr, f"{{{A}}}srgbClr", val=bullet_color.lstrip("#")[:6].upper())
        if numbered is not None:
            etree.SubElement(ppr, f"{{{A}}}buFont", typeface="+mj-lt")
            etree.SubElement(ppr, f"{{{A}}}buAutoNum", type="arabicPeriod", startAt=str(max(1, numbered)))
        else:
            etree.SubElement(ppr, f"{{{A}}}buFont", typeface="Arial")
            etree.SubElement(ppr, f"{{{A}}}buChar", char=bullet)
    ppr.set("indent", str(-int(Pt(hanging))))
    _schema_order(ppr, _PPR_ORDER)


def _paragraph_properties(p: Any) -> Any:
    """python-pptx's `p.get_or_add_pPr()`: the paragraph's `a:pPr`, made before its first run, break,
    field or end properties when it has none."""
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.SubElement(p, _PPR)
        successor = next((child for child in p if child.tag in _PPR_SUCCESSORS), None)
        if successor is not None:
            successor.addprevious(ppr)
    return ppr


_PPR = f"{{{A}}}pPr"
_PPR_SUCCESSORS = {f"{{{A}}}{tag}" for tag in ("r", "br", "fld", "endParaRPr")}
_PPR_REPLACED = {f"{{{A}}}{tag}" for tag in ("lnSpc", "spcBef", "spcAft", "buClr", "buSzPct", "buFont", "buNone",
                                              "buAutoNum", "buChar")}
_PPR_ORDER = ("lnSpc", "spcBef", "spcAft", "buClrTx", "buClr", "buSzTx", "buSzPct", "buSzPts", "buFontTx",
              "buFont", "buNone", "buAutoNum", "buChar", "buBlip", "tabLst", "defRPr", "extLst")


def add_title_placeholder(slide: Any, box: tuple[float, float, float, float]) -> Any:
    """A title placeholder on a slide whose layout has none (a Blank layout, an organisation's master):
    it inherits the master's title style, and outline views, accessibility checkers and screen readers
    find the slide's title there, which they never do in a plain text box."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    shapes = slide.shapes
    shape_id = shapes._next_shape_id
    sp = shapes._spTree.add_placeholder(shape_id, f"Title {shape_id}", PP_PLACEHOLDER.TITLE, "horz", "full", 0)
    shape = shapes._shape_factory(sp)
    shape.left, shape.top, shape.width, shape.height = (Pt(v) for v in box)
    return shape


def set_alpha_fill(shape: Any, color: str, alpha: float) -> None:
    """Solid fill with transparency (python-pptx has no API for alpha)."""
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(color)
    clr = shape.fill._xPr.find(f".//{{{A}}}srgbClr")
    for old in clr.findall(f"{{{A}}}alpha"):
        clr.remove(old)
    etree.SubElement(clr, f"{{{A}}}alpha", val=str(int(alpha * 100000)))


def slide_number_field(paragraph: Any, faces: Typefaces, size: float, color: str | None, number: int) -> None:
    """A `slidenum` field: PowerPoint and LibreOffice keep it right when slides are reordered."""
    fld = etree.SubElement(paragraph._p, f"{{{A}}}fld", id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
    rpr = etree.SubElement(fld, f"{{{A}}}rPr", lang="en-US", sz=str(int(size * 100)), dirty="0")
    if color:
        fill = etree.SubElement(rpr, f"{{{A}}}solidFill")
        etree.SubElement(fill, f"{{{A}}}srgbClr", val=color.lstrip("#")[:6].upper())
    for tag, face in (("latin", faces.latin), ("ea", faces.east_asian), ("cs", faces.latin)):
        etree.SubElement(rpr, f"{{{A}}}{tag}", typeface=face)
    text = etree.SubElement(fld, f"{{{A}}}t")
    text.text = str(number)
