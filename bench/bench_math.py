"""Math benchmark: ms per equation (convert, draw, rasterise, OMML; new and cached), and the 38-slide
`ml-stat-mech-1` deck end to end next to pandoc making a pptx from the same page.

    python bench/bench_math.py [--repeat 3]

Equations: every display and inline formula of the sample slides page (samples/site/content/slides/
ml-stat-mech-1, a copy of the corpus deck) and, when present, the shared corpus' math pages.
"new" = a formula not seen before in the process (fonts and parsers loaded, caches cleared);
"cached" = the same source again within a run (what a second output of the same page costs).
The deck rows are fresh processes (`cardgen deck …`, what a user waits for) against
`pandoc PAGE -o deck.pptx` (native OMML only, no fallback pictures, no notes). Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, median_ms

CARDGEN = Path(sys.executable).with_name("cardgen")
DECK = REPO / "samples" / "site" / "content" / "slides" / "ml-stat-mech-1" / "index.md"
CORPUS_MATH = ("gp-stable-unstable", "math-poset-least-squares", "slides/math-quantum-circuits", "slides/rl4qm-msml")


def formulas(paths: list[Path]) -> list[tuple[str, bool, tuple]]:
    """(source, display, macros) of every formula on the pages."""
    from cardgen.document import MathBlock
    from cardgen.loader import load_page
    from cardgen.mathsyntax import inline_math_runs

    found: list[tuple[str, bool, tuple]] = []
    for path in paths:
        page = load_page(path)
        macros = page.document.macros
        blocks = list(page.document.blocks) + [b for s in page.slides for b in s.blocks]
        stack = list(blocks)
        while stack:
            block = stack.pop()
            if isinstance(block, MathBlock) and block.expanded:
                found.append((block.expanded, True, ()))
            stack.extend(getattr(block, "children", ()) or ())
            for item in getattr(block, "items", ()) or ():
                stack.extend(item.children)
        found += [(run.tex, False, ()) for run in inline_math_runs(blocks)]
        del macros
    return list(dict.fromkeys(found))


def clear_caches() -> None:
    from cardgen.math import _linear, _typeset
    from cardgen.math.omml import to_omml
    from cardgen.math.raster import svg_to_png
    from cardgen.math.svg import draw

    for cached in (_typeset, _linear, draw, to_omml, svg_to_png):
        cached.cache_clear()


def per_equation(items: list[tuple[str, bool, tuple]]) -> dict[str, list[float]]:
    from cardgen.math import check_drawing, typeset
    from cardgen.render.deck_math import MATH_SCALE
    from cardgen.render.deck_math import _zoom as _deck_zoom

    times: dict[str, list[float]] = {k: [] for k in ("convert", "draw", "png", "omml", "new total", "cached")}
    for source, display, macros in items:
        t0 = time.perf_counter()
        eq = typeset(source, display=display, macros=macros)
        t1 = time.perf_counter()
        if not check_drawing(eq).ok:
            continue
        svg = eq.svg("#222222")
        t2 = time.perf_counter()
        if display:  # at the size a deck writes it (24 pt body text)
            eq.png("#222222", zoom=_deck_zoom(eq, eq.height * 24 * MATH_SCALE))
        t3 = time.perf_counter()
        try:
            eq.omml()
        except ValueError:
            pass
        t4 = time.perf_counter()
        typeset(source, display=display, macros=macros).svg("#222222")
        t5 = time.perf_counter()
        times["convert"].append((t1 - t0) * 1000)
        times["draw"].append((t2 - t1) * 1000)
        if display:
            times["png"].append((t3 - t2) * 1000)
        times["omml"].append((t4 - t3) * 1000)
        times["new total"].append((t4 - t0) * 1000)
        times["cached"].append((t5 - t4) * 1000)
        del svg
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from cardgen.math import check_drawing, typeset

    paths = [DECK]
    corpus = REPO.parent / "shared" / "corpus"
    paths += [corpus / name / "index.md" for name in CORPUS_MATH if (corpus / name / "index.md").exists()]
    items = formulas(paths)
    check_drawing(typeset(r"\frac{a}{b}", display=True)).svg()  # load fonts and parsers
    runs = []
    for _ in range(args.repeat):
        clear_caches()
        runs.append(per_equation(items))
    print(f"{len(items)} formulas ({sum(1 for _, d, _ in items if d)} display) from {len(paths)} pages; "
          f"median of {args.repeat} runs, caches cleared before each")
    print(f"{'ms per formula':<16} {'median':>8} {'p90':>8} {'max':>8} {'mean':>8}")
    for key in runs[0]:
        per_run = [r[key] for r in runs if r[key]]
        if not per_run:
            continue
        values = [statistics.median(v) for v in zip(*per_run, strict=True)]
        values.sort()
        p90 = values[int(len(values) * 0.9)]
        print(f"{key:<16} {statistics.median(values):>8.2f} {p90:>8.2f} {values[-1]:>8.1f} {statistics.mean(values):>8.2f}")

    work = Path(tempfile.mkdtemp(prefix="cardgen-bench-math-"))
    pandoc = shutil.which("pandoc")
    print()
    print(f"{'ml-stat-mech-1 deck (38 slides)':<34} {'ms':>7} {'KB':>6} {'equations':>10}")
    rows = [("cardgen --math picture", [str(CARDGEN), "-q", "deck", str(DECK), "-o", str(work / "picture.pptx")],
             work / "picture.pptx"),
            ("cardgen --math native", [str(CARDGEN), "-q", "deck", str(DECK), "-o", str(work / "native.pptx"),
                                       "--math", "native"], work / "native.pptx")]
    if pandoc:
        rows.append(("pandoc (OMML only)", [pandoc, str(DECK), "-o", str(work / "pandoc.pptx")], work / "pandoc.pptx"))
    for name, command, out in rows:
        ms = median_ms(lambda command=command: subprocess.run(command, check=True, capture_output=True,
                                                               cwd=DECK.parent), args.repeat, warm=True)
        print(f"{name:<34} {ms:>7.0f} {out.stat().st_size / 1024:>6.0f} {_equations(out):>10}")
    print("equations = equation pictures (cardgen) / m:oMath elements (native, pandoc) in the slides")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _equations(path: Path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        slides = [z.read(n) for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    pictures = sum(s.count(b'title="Equation"') for s in slides)
    omath = sum(len(re.findall(rb"<m:oMath[ >]", s)) for s in slides)
    return f"{pictures} pic / {omath} omml"


if __name__ == "__main__":
    raise SystemExit(main())
