"""Languages and direction written into a deck's XML, in one pass over its slides and notes.

PowerPoint shapes and orders text itself; what it needs from us (ECMA-376 §21.1.2):
  - `lang` on every run (`a:rPr`, `a:endParaRPr`, field runs): the run's own language, so the
    spell-checker, hyphenation and font linking work per run (a Japanese slide is not English);
  - the complex-script typeface (`a:cs`) of runs in Arabic, Hebrew, Indic or Thai script — the bundled
    Noto face the text was measured with;
  - `rtl="1"` on right-to-left paragraphs — every paragraph of a right-to-left page (its Latin lines
    too: the whole column is mirrored), and on other pages those whose first strong letter is RTL,
    except items of a list (an Arabic title among the event's projects keeps its number at the left
    with the others) — with the alignment mirrored: such a paragraph starts at the right.
The pass runs after the slides are written, so no writer has to remember it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from lxml import etree

from cardgen.i18n import is_rtl
from cardgen.i18n.scripts import complex_face, run_language, script_of
from cardgen.text.bidi import base_rtl
from cardgen.text.breaking import atoms, is_cjk

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R, _T, _PPR = f"{{{A}}}r", f"{{{A}}}t", f"{{{A}}}pPr"
_RPR_TAGS = (f"{{{A}}}rPr", f"{{{A}}}endParaRPr")
_MIRROR = {"l": "r", "r": "l"}


def tag_slides(slides: Iterable[Any], lang: str | None) -> None:
    """Tag every paragraph of `slides` (python-pptx slides) and their notes for a page in `lang`."""
    for slide in slides:
        tag_element(slide._element, lang)
        if slide.has_notes_slide:
            tag_element(slide.notes_slide._element, lang)


def tag_element(root: etree._Element, lang: str | None) -> None:
    page_rtl = is_rtl(lang)
    for paragraph in list(root.iter(f"{{{A}}}p")):
        text = "".join(t.text or "" for t in paragraph.iter(_T))
        rtl = bool(text.strip()) and (page_rtl or (base_rtl(text) and not _listed(paragraph)))
        if not rtl:
            _split_links(paragraph)
        for run in paragraph:
            if run.tag in (_R, f"{{{A}}}fld"):
                run_text = "".join(t.text or "" for t in run.iter(_T))
                rpr = run.find(f"{{{A}}}rPr")
                if rpr is None:
                    rpr = etree.Element(f"{{{A}}}rPr")
                    run.insert(0, rpr)
                _tag_run(rpr, run_text or text, lang)
            elif run.tag == f"{{{A}}}endParaRPr":
                _tag_run(run, text, lang)
        if rtl:
            _right_to_left(paragraph, page_rtl)


def _split_links(paragraph: etree._Element) -> None:
    """A linked run as a run per unbreakable piece (words; BudouX phrases in CJK), each with the same
    link: LibreOffice lays a linked run out as one field that cannot break, so a link that has to wrap
    is drawn over the line below it. A one-word link (a URL) stays one run. Not in right-to-left
    paragraphs: LibreOffice draws one piece of a split link there without the link's colour (and its
    exact line spacing is rewritten anyway, `_proportional_spacing`).

    LibreOffice (7.4) draws the last piece of a split link in the text's colour instead of the link's,
    so a split link ends with one more linked piece that draws nothing: a zero-width no-break space
    (U+FEFF: no break opportunity, no advance), or after East Asian text a zero-width space (U+200B),
    since LibreOffice sets its Asian-Western gap before a U+FEFF there and none before a U+200B."""
    for run in paragraph.findall(_R):
        rpr, t = run.find(f"{{{A}}}rPr"), run.find(_T)
        if rpr is None or t is None or not t.text or rpr.find(f"{{{A}}}hlinkClick") is None:
            continue
        pieces = atoms(t.text)
        if len(pieces) < 2:
            continue
        t.text = pieces[0]
        last = ZERO_WIDTH_SPACE if any(_east_asian(ch) for ch in pieces[-1]) else ZERO_WIDTH_NO_BREAK
        for piece in reversed((*pieces[1:], last)):
            clone = copy.deepcopy(run)
            clone_t = clone.find(_T)
            assert clone_t is not None
            clone_t.text = piece
            run.addnext(clone)


ZERO_WIDTH_NO_BREAK, ZERO_WIDTH_SPACE = "\ufeff", "\u200b"


def _east_asian(ch: str) -> bool:
    return is_cjk(ch) or script_of(ch) == "Hang"


def _listed(paragraph: etree._Element) -> bool:
    """A bulleted or numbered paragraph: an item of a list, whose direction is the list's."""
    ppr = paragraph.find(_PPR)
    return ppr is not None and (ppr.find(f"{{{A}}}buAutoNum") is not None or ppr.find(f"{{{A}}}buChar") is not None)


def _tag_run(rpr: etree._Element, text: str, lang: str | None) -> None:
    rpr.set("lang", run_language(text, lang))
    face = complex_face(text)
    if face is None:
        return
    cs = rpr.find(f"{{{A}}}cs")
    if cs is None:
        cs = etree.SubElement(rpr, f"{{{A}}}cs")
        _after(rpr, cs, ("latin", "ea"))
    cs.set("typeface", face)


def _after(parent: etree._Element, child: etree._Element, names: tuple[str, ...]) -> None:
    """Move `child` right after the last of `names` present (a:rPr children follow the schema order)."""
    last = None
    for name in names:
        found = parent.find(f"{{{A}}}{name}")
        if found is not None:
            last = found
    if last is not None:
        last.addnext(child)
        return
    for tag in ("sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst"):
        nxt = parent.find(f"{{{A}}}{tag}")
        if nxt is not None:
            nxt.addprevious(child)
            return


def _right_to_left(paragraph: etree._Element, page_rtl: bool) -> None:
    ppr = paragraph.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        paragraph.insert(0, ppr)
    ppr.set("rtl", "1")
    align = ppr.get("algn")  # absent: the placeholder's own alignment (a centred title stays centred)
    if align == "l" or (page_rtl and align in _MIRROR):
        ppr.set("algn", _MIRROR[align])
    if paragraph.find(f"{{{A}}}r/{{{A}}}rPr/{{{A}}}hlinkClick") is not None:
        _proportional_spacing(paragraph, ppr)


# Noto Sans' line (ascender + descender + gap) in em: a proportional spacing of `exact / (size × this)`
# gives the same baseline distance as the exact spacing the planner measured.
LATIN_LINE_EM = 1.362


def _proportional_spacing(paragraph: etree._Element, ppr: etree._Element) -> None:
    """An exact line spacing on a right-to-left paragraph that holds a hyperlink makes LibreOffice draw
    the link's line about a line too high, over the text above it; the same distance written as a
    percentage of the font's line is drawn where it belongs (PowerPoint draws both alike)."""
    points = ppr.find(f"{{{A}}}lnSpc/{{{A}}}spcPts")
    sizes = [int(r.get("sz", "0")) for r in paragraph.iter(f"{{{A}}}rPr") if r.get("sz")]
    if points is None or not sizes:
        return
    share = int(points.get("val", "0")) / (max(sizes) * LATIN_LINE_EM)
    line = points.getparent()
    line.remove(points)
    etree.SubElement(line, f"{{{A}}}spcPct").set("val", str(round(share * 100000)))
