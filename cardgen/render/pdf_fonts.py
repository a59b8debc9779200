"""Font files for fpdf2 documents, parsed once per process and subset with HarfBuzz.

`FPDF.add_font` parses the whole font (cmap, every glyph's advance, the descriptor) for each new
document, and `FPDF.output` subsets it with fontTools, which decompiles the layout tables only to drop
them. A card, a sheet and a deck PDF each pay that for every face they use. Here the parse is done
once per font file and process; each document gets a cheap copy with its own glyph subset. Before the
document is written, `presubset(pdf)` cuts each font down with HarfBuzz's subsetter to the glyphs the
document uses, keeping their glyph names (fpdf2 finds glyphs by name), so fpdf2's code → glyph map
works on a font of a few hundred glyphs and gives the same outlines. `output(pdf)` then has fpdf2 embed
those cut fonts as they are: its own subsetting (fontTools) would keep every glyph of them, after
decompiling and recompiling each table (40 % of a card's time).
"""

from __future__ import annotations

import copy
import io
import logging
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

#: Tables fpdf2 drops from every embedded font (fpdf.output); dropping them before subsetting also
#: skips their glyph closure.
_DROPPED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT",
            "EBLC", "EBSC", "SVG ", "CPAL", "COLR")

#: Fields of the whole font kept in the cut-down one (see `_subset`).
_KEPT = {
    "maxp": ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentElements",
             "maxComponentDepth", "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
             "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"),
    "hhea": ("advanceWidthMax", "minLeftSideBearing", "minRightSideBearing", "xMaxExtent"),
    "head": ("xMin", "yMin", "xMax", "yMax"),
}

_parsed: dict[Path, Any] = {}  # font file → fpdf TTFFont parsed once (never embedded itself)
_glyphs: dict[Path, int] = {}  # font file → its number of glyphs (to notice a subset template)
_cut: weakref.WeakSet[Any] = weakref.WeakSet()  # fonts `_subset` made: nothing left to subset


def add_font(pdf: FPDF, name: str, path: Path) -> None:
    """Register the font file `path` on `pdf` under the family `name` (regular style), as
    `pdf.add_font(name, "", path)` would, without parsing the file again."""
    from fpdf.fonts import SubsetMap

    template = _template(pdf, path)
    key = name.lower()
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.fontkey = key
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[key] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")  # as FPDF.add_font does for CID-keyed CFF


def preload(paths: Iterable[Path]) -> None:
    """Parse these font files now (before worker processes are forked, which then share them)."""
    from fpdf import FPDF

    pdf = FPDF()
    for path in paths:
        _template(pdf, path)


def _template(pdf: FPDF, path: Path) -> Any:
    path = Path(path)
    template = _parsed.get(path)
    if template is not None and len(template.ttfont.getGlyphOrder()) != _glyphs[path]:
        template = None  # a document was written without presubset(): fpdf2 subset the shared font
    if template is None:
        from fpdf.fonts import TTFFont

        template = TTFFont(pdf, path, "", "")
        # Subsetting a CFF font (Noto CJK) would otherwise recompute every glyph's bounds from its
        # charstrings when the subset is saved (~0.3 s per card); the original bounding box is kept,
        # a superset of the subset's, which is all a PDF reader uses it for.
        template.ttfont.recalcBBoxes = False
        template.hbfont  # noqa: B018 - built once, shared by every copy (shaping only reads it)
        template.color_font = None
        _parsed[path] = template
        _glyphs[path] = len(template.ttfont.getGlyphOrder())
    return template


def presubset(pdf: FPDF) -> None:
    """Give each font of `pdf` registered by `add_font` the font program fpdf2 embeds: cut down by
    HarfBuzz to the used glyphs (same names, new ids), so fpdf2's code map works on a font of a few
    hundred glyphs (a CJK face has 65 000). `output(pdf)` calls it; call it right before
    `pdf.output()` otherwise."""

    font: Any
    for font in pdf.fonts.values():
        template = _parsed.get(Path(getattr(font, "ttffile", "") or "."))
        if template is None or font.ttfont is not template.ttfont:
            continue
        font.ttfont = _subset(font, template.ttfont)


def output(pdf: FPDF) -> bytes:
    """`pdf.output()` after `presubset(pdf)`, with the fonts it cut embedded as they are.

    fpdf2 subsets every font with fontTools, asking for the glyphs its code map holds. A font cut by
    `_subset` holds those glyphs, the glyphs they are built from and the ones fpdf2 adds (.notdef,
    space, CR, NUL); fontTools would keep all of them (HarfBuzz may keep one more, the glyph of a
    mirrored character such as `<` beside `>`, which fontTools would drop: an unused glyph), so it is
    passed over and the outlines, glyph ids and code map are those fontTools would give. Every other
    font goes through fpdf2's subsetting as usual."""
    presubset(pdf)
    _pass_over_cut_fonts()
    _quiet_missing_glyphs()
    return bytes(pdf.output())


class _MissingGlyphs(logging.Filter):
    """fpdf2 logs each font's missing characters when it writes a document; cardgen has reported
    them already, once per page and field ("title: no font has …"), so the log lines (printed raw
    on the terminal when no logging is set up) are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "is missing the following glyphs" not in str(record.msg)


_MISSING_GLYPHS = _MissingGlyphs()


def _quiet_missing_glyphs() -> None:
    logger = logging.getLogger("fpdf.output")
    if _MISSING_GLYPHS not in logger.filters:
        logger.addFilter(_MISSING_GLYPHS)


_INSTALL = threading.Lock()


def _pass_over_cut_fonts() -> None:
    """Once per process: fpdf2's handle on fontTools' `subset` module becomes one whose `Subsetter`
    leaves the fonts `_subset` cut alone and hands every other font, and every other name, to
    fontTools. Should fpdf2 stop subsetting through `fpdf.output.ftsubset`, nothing is changed (and
    fpdf2 subsets the cut fonts, to the same glyphs)."""
    import fpdf.output as producer

    with _INSTALL:
        real = getattr(producer, "ftsubset", None)
        if real is None or isinstance(real, _Subsetting) or not hasattr(real, "Subsetter"):
            return
        producer.ftsubset = _Subsetting(real)  # type: ignore[attr-defined]  # fontTools' module, as fpdf2 uses it


class _Subsetting:
    """fontTools' `subset` module as fpdf2 uses it, with a `Subsetter` that leaves cut fonts alone."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def Subsetter(self, *args: Any, **kwargs: Any) -> _Subsetter:  # noqa: N802 - fontTools' name
        return _Subsetter(self._real.Subsetter(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Subsetter:
    def __init__(self, real: Any) -> None:
        self._real = real

    def subset(self, font: Any) -> None:
        if font not in _cut:
            self._real.subset(font)
        elif "CFF " in font and font.isLoaded("CFF "):
            # Read only for the glyph names: the CFF program is embedded as HarfBuzz wrote it, where
            # fontTools would compile what it decompiled, twice (for the font file and for the PDF's
            # CFF stream, ~8 ms each on a CJK card).
            from fontTools.ttLib.tables.DefaultTable import DefaultTable

            written = DefaultTable("CFF ")
            written.data = font.reader["CFF "]
            font.tables["CFF "] = written

    def __getattr__(self, name: str) -> Any:  # populate, options …: fontTools' own
        return getattr(self._real, name)


def _subset(font: Any, full: Any) -> Any:
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    from cardgen.text.shaping import hb_face

    face = hb_face(Path(font.ttffile))
    ids = full.getReverseGlyphMap()  # glyph name → id, kept by fontTools
    glyphs = {0}
    unicodes: set[int] = set()
    for glyph, _code in font.subset.items():
        if glyph is not None:
            # By name, as fpdf2 asks for them (its stand-in for a missing space has a made-up id)
            glyphs.add(ids.get(glyph.glyph_name, 0))
            if isinstance(glyph.unicode, tuple):
                unicodes.update(glyph.unicode)
    for char in (0x20, 0x0D, 0x00):  # fpdf2's recommended glyphs
        if char in font.glyph_ids:
            glyphs.add(font.glyph_ids[char])
    wanted = hb.SubsetInput()
    wanted.sets(hb.SubsetInputSets.GLYPH_INDEX).update(glyphs)
    # The characters whose own glyph is drawn keep their cmap entries; a character drawn only through
    # a shaped form (an Arabic initial, a Bengali conjunct) brings no glyph the document does not use.
    wanted.sets(hb.SubsetInputSets.UNICODE).update(u for u in unicodes if font.glyph_ids.get(u) in glyphs)
    wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(hb_tag(t) for t in _DROPPED)
    wanted.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    try:
        plan = hb.SubsetPlan(face, wanted)
        data = plan.execute().blob.data
        new_to_old = plan.new_to_old_glyph_mapping
    except Exception:  # noqa: BLE001 - HarfBuzz could not subset it: fpdf2 subsets the whole font
        data = b""
    if not data:
        return _whole(font)
    small = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    small.recalcBBoxes = False
    order = full.getGlyphOrder()
    names = [order[new_to_old[g]] for g in range(small["maxp"].numGlyphs)]
    if font.is_cff:
        # A CFF font names its glyphs in its charset, which HarfBuzz keeps (CID-keyed: "cid01499"
        # stays "cid01499"): fpdf2 finds each glyph by that name.
        if small.getGlyphOrder() != names:
            return _whole(font)  # names not kept: fpdf2 subsets the whole font, as it would anyway
    else:
        small.setGlyphOrder(names)  # glyf fonts name glyphs by their order (post names may be gone)
    # The whole font's extents and maxima, as fpdf2 embeds them without recalculation (a superset
    # of the subset's): HarfBuzz recomputes them, which changes how rasterisers hint small sizes.
    for tag, fields in _KEPT.items():
        table, original = small[tag], full[tag]
        for field in fields:
            if hasattr(original, field):  # a CFF font's maxp (version 0.5) has no TrueType maxima
                setattr(table, field, getattr(original, field))
    _cut.add(small)
    return small


def _whole(font: Any) -> Any:
    from fontTools.ttLib import TTFont

    whole = TTFont(font.ttffile, recalcTimestamp=False, lazy=True)
    whole.recalcBBoxes = False
    return whole


def hb_tag(tag: str) -> int:
    """A four-letter OpenType tag as HarfBuzz's integer."""
    data = tag.encode("latin-1")
    return (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]


class Fonts:
    """Font files registered once per document, by path."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self._names: dict[Path, str] = {}

    def name(self, path: Path) -> str:
        name = self._names.get(path)
        if name is None:
            name = f"F{len(self._names)}-{path.stem.split('.')[0]}"
            add_font(self.pdf, name, path)
            self._names[path] = name
        return name
