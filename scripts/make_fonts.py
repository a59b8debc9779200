"""Build the fonts bundled in `cardgen/fonts/` (reproducible; the outputs are committed).

Sources (all SIL Open Font License 1.1, except DejaVu: Bitstream Vera licence):
  - Noto Sans Regular/Bold/Italic/BoldItalic and Noto Sans Mono Regular/Bold: Debian packages
    `fonts-noto-core` and `fonts-noto-mono` (20201225). Get them without installing:
        apt-get download fonts-noto-core fonts-noto-mono
        dpkg-deb -x fonts-noto-core_*.deb noto && dpkg-deb -x fonts-noto-mono_*.deb noto
  - Noto Sans CJK Regular/Bold: `/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc` (Debian
    `fonts-noto-cjk`), Japanese face. Subset to the characters of JIS X 0208 (Japanese), GB 2312
    (Simplified Chinese), Big5 (Traditional Chinese) and KS X 1001 (Korean Hangul), CJK punctuation
    and full-width forms, and converted from CFF to TrueType outlines so that every backend (Pillow,
    fpdf2, LibreOffice) reads them the same way.
  - Noto Sans Arabic, Hebrew, Devanagari, Bengali, Tamil and Thai, Regular and Bold: Debian
    `fonts-noto-core` (20201225), `/usr/share/fonts/truetype/noto/`. Every character and every
    OpenType layout feature is kept (shaping needs GSUB/GPOS whole: Arabic joining forms, Indic
    conjuncts and reordering, Thai mark stacking); only the TrueType hinting is dropped, which
    no renderer of ours uses and which is half of each file.
  - Symbola 2.60 (monochrome emoji and symbols up to Unicode 9; "free for any use"): Debian
    `fonts-symbola` (`apt-get download fonts-symbola`), subset to the symbol and emoji blocks.
  - DejaVu Sans / Bold: `/usr/share/fonts/truetype/dejavu/` (`fonts-dejavu-core`), the metrics
    fallback (see cardgen/fonts/README.md).

    python scripts/make_fonts.py --noto-dir noto/usr/share/fonts/truetype/noto
    python scripts/make_fonts.py --scripts-only        # only the complex-script faces
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "cardgen" / "fonts"
CJK_TTC = Path("/usr/share/fonts/opentype/noto")
NOTO_SYSTEM = Path("/usr/share/fonts/truetype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SCRIPTS = ["Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil", "Thai"]
LATIN_FILES = [
    "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf",
    "NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf",
]


def legacy_charset(encoding: str, lead: range, trail: range) -> set[int]:
    """Every character a double-byte legacy encoding can express (a practical 'common CJK' list)."""
    chars: set[int] = set()
    for a in lead:
        for b in trail:
            try:
                text = bytes((a, b)).decode(encoding)
            except UnicodeDecodeError:
                continue
            chars.update(ord(c) for c in text)
    return chars


def cjk_charset() -> set[int]:
    chars: set[int] = set()
    chars |= legacy_charset("euc_jp", range(0xA1, 0xFF), range(0xA1, 0xFF))  # JIS X 0208
    chars |= legacy_charset("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))  # GB 2312
    big5_trail = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    chars |= legacy_charset("big5", range(0xA1, 0xC7), big5_trail)  # Big5 symbols + level 1 (common)
    chars |= legacy_charset("euc_kr", range(0xA1, 0xFF), range(0xA1, 0xFF))  # KS X 1001 (2350 Hangul)
    for lo, hi in [(0x3000, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0xFF00, 0xFFEF), (0x2010, 0x206F),
                   (0x0020, 0x007E), (0x00A0, 0x00FF), (0x1100, 0x11FF), (0x3200, 0x32FF), (0x3300, 0x33FF)]:
        chars.update(range(lo, hi + 1))
    return chars


def make_cjk(weight: str) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = TTCollection(str(CJK_TTC / f"NotoSansCJK-{weight}.ttc"), lazy=False).fonts[0]  # JP face
    options = subset.Options()
    options.layout_features = []  # horizontal text only: no vertical or locale variants to carry
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(cjk_charset()))
    subsetter.subset(font)
    only_format_12_cmap(font)
    rename(font, "Noto Sans CJK", weight)
    out = OUT / f"NotoSansCJK-{weight}.subset.otf"
    font.save(str(out))
    return out


def only_format_12_cmap(font) -> None:
    """Keep one (3, 10) format-12 cmap: a format-4 table cannot hold ~15 000 scattered characters."""
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    mapping = font.getBestCmap()
    table = CmapSubtable.newSubtable(12)
    table.platformID, table.platEncID, table.language = 3, 10, 0
    table.cmap = dict(mapping)
    font["cmap"].tables = [table]


def rename(font, family: str, weight: str) -> None:
    """Name the subset as its own family so it never shadows an installed full Noto Sans CJK."""
    name = font["name"]
    full = f"{family} {weight}" if weight != "Regular" else family
    ps = f"{family.replace(' ', '')}-{weight}Subset"
    for record in list(name.names):
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = weight
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 6:
            record.string = ps
        elif record.nameID == 3:
            record.string = f"{ps};cardgen"


def make_script(noto_dir: Path, script: str, weight: str) -> Path:
    """An unhinted copy of a complex-script Noto face with every glyph and layout feature kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(noto_dir / f"NotoSans{script}-{weight}.ttf"))
    options = subset.Options()
    options.layout_features = ["*"]
    options.layout_scripts = ["*"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(font.getBestCmap()))
    subsetter.subset(font)
    out = OUT / f"NotoSans{script}-{weight}.ttf"
    font.save(str(out))
    return out


SYMBOL_RANGES = [(0x2000, 0x2BFF), (0x3000, 0x303F), (0x1F000, 0x1FAFF), (0xFE0F, 0xFE0F), (0x20E3, 0x20E3)]


def make_symbols(symbola: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(symbola))
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in SYMBOL_RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    out = OUT / "Symbola.subset.ttf"
    font.save(str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--noto-dir", type=Path, help="folder with NotoSans-*.ttf and NotoSansMono-*.ttf")
    parser.add_argument("--scripts-only", action="store_true",
                        help="only rebuild the complex-script fonts (from --noto-dir or the system folder)")
    parser.add_argument("--symbola", type=Path, help="Symbola_hint.ttf from fonts-symbola")
    parser.add_argument("--metrics-only", action="store_true", help="only rewrite metrics.json.gz")
    args = parser.parse_args()
    if args.metrics_only:
        write_metrics()
        return
    if args.scripts_only:
        for script in SCRIPTS:
            for weight in ("Regular", "Bold"):
                print(make_script(args.noto_dir or NOTO_SYSTEM, script, weight))
        write_metrics()
        return
    if args.symbola and args.noto_dir is None:
        print(make_symbols(args.symbola))
        write_metrics()
        return
    if args.noto_dir is None:
        parser.error("--noto-dir is required")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in LATIN_FILES:
        shutil.copyfile(args.noto_dir / name, OUT / name)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        shutil.copyfile(DEJAVU / name, OUT / name)
    if args.symbola:
        print(make_symbols(args.symbola))
    for weight in ("Regular", "Bold"):
        print(make_cjk(weight))
        for script in SCRIPTS:
            print(make_script(args.noto_dir, script, weight))
    write_metrics()
    for path in sorted([*OUT.glob("*.ttf"), *OUT.glob("*.otf"), *OUT.glob("*.gz")]):
        print(f"{path.name:40} {path.stat().st_size / 1e6:6.2f} MB")


def write_metrics() -> None:
    """Precomputed advance widths and coverage of every bundled font (read at run time instead of
    parsing the fonts)."""
    import gzip
    import json

    from cardgen.text.measure import metrics_record

    records = {p.name: metrics_record(p) for p in sorted([*OUT.glob("*.ttf"), *OUT.glob("*.otf")])}
    data = json.dumps(records, separators=(",", ":"), sort_keys=True).encode()
    (OUT / "metrics.json.gz").write_bytes(gzip.compress(data, mtime=0))


if __name__ == "__main__":
    main()
