"""Helpers for math tests: what a deck shows, and whether any LaTeX leaked into it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
LEAK = re.compile(r"\\[A-Za-z]+|\$|\\_|\^\{|_\{")


def slide_xml(path: Path) -> list[tuple[str, etree._Element]]:
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                       key=lambda n: int(re.findall(r"\d+", n)[0]))
        return [(n, etree.fromstring(z.read(n))) for n in names]


def visible_text(root: etree._Element) -> str:
    """Every DrawingML text run of a slide (fallback runs included, OMML excluded)."""
    return " ".join(t.text or "" for t in root.iter(f"{{{A}}}t"))


def leaks(path: Path) -> list[str]:
    out = []
    for name, root in slide_xml(path):
        for m in LEAK.finditer(visible_text(root)):
            text = visible_text(root)
            out.append(f"{name}: {text[max(0, m.start() - 30): m.end() + 30]!r}")
    return out


def equation_pictures(path: Path) -> list[str]:
    """Alt texts of the equation pictures (their LaTeX)."""
    alts = []
    for _, root in slide_xml(path):
        for pr in root.iter("{http://schemas.openxmlformats.org/presentationml/2006/main}cNvPr"):
            if pr.get("title") == "Equation" and pr.get("descr"):
                alts.append(pr.get("descr"))
    return alts


def omath_count(path: Path) -> int:
    return sum(1 for _, root in slide_xml(path) for el in root.iter(f"{{{M}}}oMath"))


def notes_have_omml(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(b"oMath" in z.read(n) for n in z.namelist() if n.startswith("ppt/notesSlides/"))
