"""Fonts the event gallery carries inside itself for the scripts a visitor's device may lack.

The gallery is set in the device's own fonts. A phone or a kiosk without a font for Bengali,
Devanagari, Tamil, Thai, Arabic, Hebrew or CJK text would show a project's title as empty boxes, so
for each such script on the page the bundled Noto face the cards and PDFs use is cut down (HarfBuzz's
subsetter, keeping the layout tables that shape the script) to the characters the page shows, written
as WOFF and embedded as a `data:` URL: the page stays one self-contained file. Each face is declared
for its script's characters only (`unicode-range`), so Latin text keeps the device's look.
"""

from __future__ import annotations

import base64
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cardgen.i18n.scripts import COMPLEX_FACES, script_of
from cardgen.text.fonts import cjk_path, font_path
from cardgen.text.shaping import hb_face

#: Scripts the gallery embeds a face for: the complex scripts' bundled faces, and the CJK subset.
_CJK_SCRIPTS = ("Hani", "Hira", "Kana", "Hang")
#: Characters a script's runs hold besides its letters (marks, joiners, dandas), shaped with them.
_WITH = {0x200C, 0x200D, 0x25CC, 0x0964, 0x0965}


@dataclass(frozen=True)
class WebFont:
    family: str  # the CSS family name, distinct from any installed font's
    css: str  # its @font-face rules (regular and bold)
    size: int  # bytes of WOFF embedded
    first: bool  # ahead of the device's fonts in the stack (see `web_fonts`)


def web_fonts(texts: Iterable[str]) -> list[WebFont]:
    """A `WebFont` for each script of `texts` that has a bundled face, subset to what they show.

    A complex script's face goes first in the font stack: a browser asked for `system-ui` on a device
    without the script draws empty boxes rather than looking further down the stack (Chromium on
    Linux), and its `unicode-range` keeps it to that script. The CJK face goes last: the device's own
    CJK fonts (nearly every device has them) give Chinese and Korean text their regional glyph forms,
    the bundled face is the Japanese one."""
    by_face: dict[str, set[int]] = {}
    for text in texts:
        faces = set()
        for ch in text:
            if ord(ch) in _WITH:  # shared by scripts (the dandas): taken with the text's own script
                continue
            script = script_of(ch)
            face = COMPLEX_FACES.get(script) or ("Noto Sans CJK" if script in _CJK_SCRIPTS else None)
            if face is not None:
                by_face.setdefault(face, set()).add(ord(ch))
                faces.add(face)
        shaped_with = {ord(ch) for ch in text if ord(ch) in _WITH or _is_mark(ch)}
        for face in faces:  # the marks and joiners of a text in that script
            by_face[face].update(shaped_with)
    fonts = []
    for face, used in sorted(by_face.items()):
        family = f"cardgen {face}"
        rules, size = [], 0
        for weight, bold in ((400, False), (700, True)):
            path = cjk_path(bold) if face == "Noto Sans CJK" else font_path(face.lower(), bold=bold)
            data = _woff(path, used)
            if data is None:
                continue
            size += len(data)
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-display: swap; '
                f'src: url(data:font/woff;base64,{base64.b64encode(data).decode("ascii")}) format("woff"); '
                f"unicode-range: {_ranges(used)}; }}"
            )
        if rules:
            fonts.append(WebFont(family, "\n".join(rules), size, first=face != "Noto Sans CJK"))
    return fonts


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _woff(path: Path, codes: set[int]) -> bytes | None:
    """`path` cut down to `codes` (and what shaping them needs), as WOFF; None without the file."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    if not path.is_file():
        return None
    face = hb_face(path)
    wanted = hb.SubsetInput()
    wanted.sets(hb.SubsetInputSets.UNICODE).update(codes)
    cut = hb.subset(face, wanted)
    if cut is None:
        return None
    font = TTFont(io.BytesIO(cut.blob.data))
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _ranges(codes: set[int]) -> str:
    """`unicode-range` for `codes`: runs of consecutive code points as U+A-B."""
    ordered = sorted(codes)
    parts: list[str] = []
    start = prev = ordered[0]
    for code in [*ordered[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        parts.append(f"U+{start:X}" if start == prev else f"U+{start:X}-{prev:X}")
        start = prev = code
    return ", ".join(parts)
