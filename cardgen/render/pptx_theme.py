"""The template's `[colors]` and `[fonts]` written into a built-in master at run time.

The built-in masters (`templates/*/base.pptx`) were drawn with their template's palette: the theme's
colour scheme holds it (dk1 = text, lt1 = background, dk2 = muted, lt2 = surface, accent1 = accent,
ECMA-376 §20.1.4.1.10 clrScheme) and the master and layouts use those colours as literal sRGB values.
A user who copies a template and changes `[colors]` keeps the copied master: each colour of the scheme
is swapped for the template's, in the theme and wherever the master and layouts use it, and the theme
fonts (majorFont = heading, minorFont = body) are set from `[fonts]`. So one TOML change shows in
decks as in social images and cards. An organisation's own master (`--pptx-template`) is left alone.
"""

from __future__ import annotations

from typing import Any

from cardgen.templates import Template

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
#: clrScheme slot → template colour, most important first (a colour two roles share maps by the first).
SCHEME_ROLES = (
    ("lt1", "background"),
    ("dk1", "text"),
    ("accent1", "accent"),
    ("dk2", "muted"),
    ("lt2", "surface"),
)
THEME_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


def apply_theme(prs: Any, template: Template) -> dict[str, str]:
    """Recolour and refont `prs` (a python-pptx Presentation of a built-in master); returns the colour
    mapping applied (old hex → new hex, upper case without '#')."""
    from pptx.oxml import parse_xml

    master = prs.slide_master
    theme_part = master.part.part_related_by(THEME_RELTYPE)
    theme = parse_xml(theme_part.blob)
    scheme = theme.find(f".//{A}clrScheme")
    mapping: dict[str, str] = {}
    if scheme is not None:
        for slot, role in SCHEME_ROLES:
            node = scheme.find(f"{A}{slot}/{A}srgbClr")
            new = template.colors.get(role)
            if node is None or not new:
                continue
            old = node.get("val", "").upper()
            value = new.lstrip("#")[:6].upper()
            if old and old not in mapping:
                mapping[old] = value
        for slot in ("hlink", "folHlink"):
            node = scheme.find(f"{A}{slot}/{A}srgbClr")
            if node is not None and template.colors.get("accent"):
                node.set("val", template.colors["accent"].lstrip("#")[:6].upper())
    _recolour(theme, mapping)
    for kind, family in (("majorFont", template.fonts.heading), ("minorFont", template.fonts.body)):
        latin = theme.find(f".//{A}fontScheme/{A}{kind}/{A}latin")
        if latin is not None and family:
            latin.set("typeface", family)
    from lxml import etree

    theme_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
    _recolour(master.element, mapping)
    for layout in prs.slide_layouts:
        _recolour(layout.element, mapping)
    return mapping


def _recolour(element: Any, mapping: dict[str, str]) -> None:
    if not mapping:
        return
    for node in element.iter(f"{A}srgbClr"):
        old = (node.get("val") or "").upper()
        if old in mapping:
            node.set("val", mapping[old])
