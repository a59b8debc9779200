"""What print preflight asks of every PDF cardgen writes (cards and sheets): an output intent and a
distinct subset tag per embedded font. Applied once, when the document is serialised."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

_SUBSET_PREFIX = re.compile(rb"/MPDFAA\+([^\s/\[\]<>()]+)")


def finish_pdf(pdf: FPDF) -> bytes:
    """The document's bytes with an sRGB output intent (the colour space every colour and picture is
    written in) and a distinct subset tag for each embedded font.

    fpdf2 tags every subset "MPDFAA+", so two fonts of one file, or two subsets of the same font in files
    a print shop merges, share a tag, which preflight tools flag (ISO 32000 §9.6.4 asks for a tag unique
    to each subset). Each tag is six capitals hashed from the font and the glyphs its subset holds, so
    the same input still gives the same bytes; it has the length of "MPDFAA", so swapping it in the
    written bytes moves no object offset."""
    from fpdf.enums import OutputIntentSubType
    from fpdf.output import PDFICCProfile
    from fpdf.util import builtin_srgb2014_bytes

    from cardgen.render.pdf_fonts import output

    pdf.add_output_intent(
        OutputIntentSubType.PDFX,
        output_condition_identifier="sRGB IEC61966-2.1",
        output_condition="IEC 61966-2-1:1999",
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(contents=builtin_srgb2014_bytes(), n=3, alternate="DeviceRGB"),
        info="sRGB2014 (v2)",
    )
    tags: dict[bytes, bytes] = {}
    for font in pdf.fonts.values():
        name = getattr(font, "name", "")
        subset = getattr(font, "subset", None)
        if not name or subset is None:
            continue
        glyphs = sorted(g.glyph_id for g, _ in subset.items() if g is not None)
        tags[name.encode()] = subset_tag(name, glyphs)
    data = output(pdf)
    return _SUBSET_PREFIX.sub(lambda m: b"/" + tags.get(m.group(1), b"MPDFAA") + b"+" + m.group(1), data)


def subset_tag(name: str, glyphs: list[int]) -> bytes:
    """Six capital letters standing for one font subset (its name and glyph ids)."""
    digest = hashlib.sha256(name.encode() + b"|" + ",".join(map(str, glyphs)).encode()).digest()
    return bytes(65 + b % 26 for b in digest[:6])
