"""Font files, per-character fallback and glyph coverage.

A template names families; every character is drawn with the first font of the chain
(template font → Noto Sans → Noto Sans Arabic / Hebrew / Devanagari / Bengali / Tamil / Thai →
Noto Sans CJK subset → DejaVu Sans → Symbola → system symbol fonts) that has a glyph for it. A
combining mark, and punctuation or a digit inside a complex-script run, stays in the font of the
run when that font has it, so that shaping sees whole clusters and words. Characters no font covers are reported, never silently drawn as boxes.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.text.metrics import FONTS_DIR, bundled_font

if TYPE_CHECKING:
    from PIL import ImageFont

LATIN = "Noto Sans"
MONO = "Noto Sans Mono"
CJK = "Noto Sans CJK"
METRICS_FALLBACK = "DejaVu Sans"
SCRIPT_FAMILIES = ("Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali",
                   "Noto Sans Tamil", "Noto Sans Thai")

_BUNDLED: dict[str, dict[tuple[bool, bool], str]] = {
    "noto sans": {
        (False, False): "NotoSans-Regular.ttf",
        (True, False): "NotoSans-Bold.ttf",
        (False, True): "NotoSans-Italic.ttf",
        (True, True): "NotoSans-BoldItalic.ttf",
    },
    "noto sans mono": {(False, False): "NotoSansMono-Regular.ttf", (True, False): "NotoSansMono-Bold.ttf"},
    "noto sans cjk": {(False, False): "NotoSansCJK-Regular.subset.otf", (True, False): "NotoSansCJK-Bold.subset.otf"},
    **{
        f"noto sans {script.lower()}": {
            (False, False): f"NotoSans{script}-Regular.ttf", (True, False): f"NotoSans{script}-Bold.ttf"
        }
        for script in ("Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil", "Thai")
    },
    "dejavu sans": {(False, False): "DejaVuSans.ttf", (True, False): "DejaVuSans-Bold.ttf"},
    "symbola": {(False, False): "Symbola.subset.ttf"},
}
_ALIASES = {
    "noto sans cjk jp": "noto sans cjk", "noto sans cjk sc": "noto sans cjk", "noto sans cjk tc": "noto sans cjk",
    "noto sans cjk kr": "noto sans cjk", "noto sans cjk hk": "noto sans cjk", "noto sans jp": "noto sans cjk",
    "noto sans sc": "noto sans cjk", "noto sans tc": "noto sans cjk", "noto sans kr": "noto sans cjk",
    "sans": "noto sans", "sans-serif": "noto sans", "monospace": "noto sans mono", "mono": "noto sans mono",
    "noto mono": "noto sans mono", "dejavu": "dejavu sans",
}
_SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
                "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")
_SYMBOL_FILES = ("NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "NotoSansMath-Regular.ttf",
                 "NotoEmoji-Regular.ttf", "Symbola*.ttf", "DejaVuSans.ttf")
_EAST_ASIAN = {"ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR", "zh": "Noto Sans CJK SC",
               "zh-cn": "Noto Sans CJK SC", "zh-hans": "Noto Sans CJK SC", "zh-sg": "Noto Sans CJK SC",
               "zh-tw": "Noto Sans CJK TC", "zh-hant": "Noto Sans CJK TC", "zh-hk": "Noto Sans CJK HK",
               "zh-mo": "Noto Sans CJK TC"}


def _key(family: str | None) -> str:
    name = (family or LATIN).strip().lower()
    return _ALIASES.get(name, name)


def _bundled(key: str, bold: bool, italic: bool) -> Path | None:
    styles = _BUNDLED.get(key)
    if styles is None:
        return None
    name = styles.get((bold, italic)) or styles.get((bold, False)) or styles[(False, False)]
    return FONTS_DIR / name


def font_path(family: str | None = None, bold: bool = False, italic: bool = False) -> Path:
    """The file for a family and style: bundled families, then installed system fonts, else Noto Sans."""
    key = _key(family)
    path = _bundled(key, bold, italic) or _system_font(key, bold, italic)
    return path or _bundled("noto sans", bold, italic)  # type: ignore[return-value]


def resolve_family(family: str | None) -> tuple[str, str | None]:
    """(family actually used, warning or None): unknown families fall back to Noto Sans with a warning."""
    key = _key(family)
    if key in _BUNDLED or _system_font(key, False, False) is not None:
        return (family or LATIN), None
    return LATIN, f"font {family!r} is not bundled or installed; using {LATIN}"


def cjk_path(bold: bool = False) -> Path:
    return _bundled("noto sans cjk", bold, False)  # type: ignore[return-value]


def script_paths(bold: bool = False) -> tuple[Path, ...]:
    """The bundled complex-script faces, in fallback order."""
    return tuple(_bundled(_key(family), bold, False) for family in SCRIPT_FAMILIES)  # type: ignore[misc]


def pptx_typefaces(lang: str | None) -> tuple[str, str]:
    """(latin, east-asian) typeface names for a deck in `lang` (see cardgen/fonts/README.md)."""
    code = (lang or "").strip().lower().replace("_", "-")
    ea = _EAST_ASIAN.get(code) or _EAST_ASIAN.get(code.split("-")[0]) or "Noto Sans CJK JP"
    return LATIN, ea


def fallback_chain(
    family: str | None = None, bold: bool = False, italic: bool = False, lang: str | None = None
) -> tuple[Path, ...]:
    """Fonts to try for each character, best first."""
    return _chain(_key(family), bold, italic)


@lru_cache(maxsize=64)
def _chain(key: str, bold: bool, italic: bool) -> tuple[Path, ...]:
    chain: list[Path] = [font_path(key, bold, italic)]
    extras = (_bundled("noto sans", bold, italic), *script_paths(bold), cjk_path(bold),
              _bundled("dejavu sans", bold, False), _bundled("symbola", False, False), math_font())
    for extra in extras:
        if extra is not None and extra not in chain:
            chain.append(extra)
    names = {p.name for p in chain}
    chain.extend(p for p in _symbol_files() if p.name not in names)
    return tuple(chain)


@lru_cache(maxsize=1)
def math_font() -> Path | None:
    """STIX Two Math (OFL), the font the formulas are typeset in, as the math typesetter (ziamath)
    ships it: the mathematical letters (`\\mathcal{O}` → 𝒪, U+1D4AA; 𝔼, 𝐱, ℛ) text fonts lack. Found
    without importing the package (which loads the font)."""
    import importlib.util

    spec = importlib.util.find_spec("ziamath")
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        path = Path(folder) / "fonts" / "STIXTwoMath-Regular.ttf"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def _symbol_files() -> tuple[Path, ...]:
    """Installed symbol/emoji fonts, found by file name (cheap: no font is opened)."""
    found: list[Path] = []
    for folder in _SYSTEM_DIRS:
        root = Path(os.path.expanduser(folder))
        if root.is_dir():
            for pattern in _SYMBOL_FILES:
                found.extend(sorted(root.rglob(pattern)))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=64)
def coverage(path: Path) -> frozenset[int]:
    """Code points a font file maps to a glyph."""
    if path.parent == FONTS_DIR:
        known = bundled_font(path.name)
        if known is not None:
            return frozenset(known.advances)
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        font = TTCollection(str(path), lazy=True).fonts[0]
    else:
        font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@lru_cache(maxsize=4096)
def _skippable(ch: str) -> bool:
    return ch.isspace() or ord(ch) < 32 or 0x200B <= ord(ch) <= 0x200F or ch in "\ufeff\u2060\ufe0f\ufe0e"


def segments(
    text: str, family: str | None = None, bold: bool = False, italic: bool = False, lang: str | None = None
) -> list[tuple[str, Path]]:
    """`text` split into maximal runs drawn with one font each (the first in the chain covering them)."""
    return list(_segments(text, _key(family), bold, italic))


@lru_cache(maxsize=32768)
def _segments(text: str, key: str, bold: bool, italic: bool) -> tuple[tuple[str, Path], ...]:
    # Fitting measures the same strings at many sizes: the split is cached per string. A font's
    # coverage is read when a character first needs it (`font_for`), so fonts past the ones the text
    # uses are never opened (a system font's cmap takes ~8 ms to read).
    chain = _chain(key, bold, italic)
    first = chain[0]
    sticky_fonts = _script_files()
    picks = _first_fonts(key, bold, italic)
    out: list[tuple[str, Path]] = []
    current: list[str] = []
    current_font: Path | None = None
    covered: frozenset[int] = frozenset()
    sticky = False
    for ch in text:
        font = picks.get(ch)
        if font is None or font is not current_font:  # (most go on in the font of the one before)
            if current_font is not None and (
                _skippable(ch) or (ord(ch) in covered and _stays_in_run(ch, sticky))
            ):
                current.append(ch)
                continue
            if font is None:
                font = picks[ch] = font_for(ord(ch), chain) or first
            if font is not current_font:
                if current:
                    out.append(("".join(current), current_font))  # type: ignore[arg-type]
                    current = []
                covered = coverage(font)
                sticky = font.name in sticky_fonts
                current_font = font
        current.append(ch)
    if current:
        out.append(("".join(current), current_font or first))
    return tuple(out)


@lru_cache(maxsize=64)
def _first_fonts(key: str, bold: bool, italic: bool) -> dict[str, Path]:
    """Per chain, each character's first covering font, filled in as characters are met."""
    return {}


@lru_cache(maxsize=4096)
def _category(ch: str) -> str:
    import unicodedata

    return unicodedata.category(ch)


def _stays_in_run(ch: str, script_font: bool) -> bool:
    """A combining mark always joins its base's font; punctuation and digits join a complex-script run
    (`script_font`: the danda after Bengali, digits and the comma in Arabic), so shaping sees them
    with their words."""
    category = _category(ch)
    if category[0] == "M":
        return True
    return script_font and category[0] in "PNS"


@lru_cache(maxsize=1)
def _script_files() -> frozenset[str]:
    return frozenset(p.name for bold in (False, True) for p in script_paths(bold))


def missing_glyphs(text: str, family: str | None = None) -> list[str]:
    """Distinct characters of `text` that no font in the chain covers (whitespace and controls excluded)."""
    chain = fallback_chain(family)
    missing: list[str] = []
    for ch in dict.fromkeys(text):
        if _skippable(ch) or ch in "\n\t\r" or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue
        if font_for(ord(ch), chain) is None:
            missing.append(ch)
    return missing


def font_for(code: int, chain: tuple[Path, ...]) -> Path | None:
    """The first font of the chain with a glyph for `code`; fonts further down are only opened when
    an earlier one lacks the character."""
    for path in chain:
        if code in coverage(path):
            return path
    return None


@lru_cache(maxsize=256)
def pil_font(path: Path, size: float) -> ImageFont.FreeTypeFont:
    """A Pillow font for a file at a pixel size (cached; sizes rounded to 1/4 px by Pillow itself)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size=max(1, round(size)), layout_engine=ImageFont.Layout.BASIC)


# --- system fonts (no fontconfig needed) -------------------------------------------------------------


@lru_cache(maxsize=1)
def _system_index() -> dict[tuple[str, bool, bool], Path]:
    """(family lower, bold, italic) → file for the fonts installed on this machine."""
    from fontTools.ttLib import TTFont

    index: dict[tuple[str, bool, bool], Path] = {}
    for folder in _SYSTEM_DIRS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in (".ttf", ".otf"):
                continue
            try:
                font = TTFont(str(path), lazy=True, fontNumber=0)
                name = font["name"]
                family = (name.getDebugName(16) or name.getDebugName(1) or "").strip().lower()
                style = (name.getDebugName(17) or name.getDebugName(2) or "").lower()
                font.close()
            except Exception:  # noqa: BLE001 — a broken system font is simply not offered
                continue
            if family:
                key = (family, "bold" in style, "italic" in style or "oblique" in style)
                index.setdefault(key, path)
    return index


def _system_font(key: str, bold: bool, italic: bool) -> Path | None:
    if key in _BUNDLED:
        return None
    index = _system_index()
    return index.get((key, bold, italic)) or index.get((key, bold, False)) or index.get((key, False, False))
