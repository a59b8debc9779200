"""Deck benchmark: ms per deck and bytes, next to pandoc making a pptx from the same page.

    python bench/bench_deck.py [--repeat 5]

Pages: the seed (samples/mlphys, 12 MP featured image), a CJK page, a slides page, a synthetic
long page (40 paragraphs, a 40-row table, 50 lines of code) and the longest page of the shared corpus. For each: cardgen in-process (warm:
fonts and masters loaded), cardgen as a fresh process (`cardgen deck`, what a user waits for) and
`pandoc PAGE -o deck.pptx` (also a fresh process; it makes no title image, notes or QR code).
Prints a table. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import REPO, median_ms

CARDGEN = Path(sys.executable).with_name("cardgen")


def long_page(folder: Path) -> Path:
    paragraphs = "\n\n".join(f"Paragraph {i}: " + "A sentence about the method and its results. " * 6 for i in range(40))
    rows = "\n".join(f"| model-{i} | {90 - i * 0.5:.1f} | notes on run {i} |" for i in range(40))
    code = "\n".join(f"def f{i}(x):\n    return x * {i}" for i in range(25))
    text = (f"---\ntitle: A long page\nsummary: Benchmark page.\n---\n## Text\n\n{paragraphs}\n\n## Table\n\n"
            f"| Model | Acc | Notes |\n|---|---:|---|\n{rows}\n\n## Code\n\n```python\n{code}\n```\n")
    path = folder / "long" / "index.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from cardgen.loader import load_page
    from cardgen.render.deck import render_deck

    work = Path(tempfile.mkdtemp(prefix="cardgen-bench-deck-"))
    pages = {
        "seed (12 MP image)": REPO / "samples" / "mlphys" / "index.md",
        "ja page": REPO / "samples" / "site" / "content" / "project" / "ja-itijoho" / "index.md",
        "slides (38 slides)": REPO / "samples" / "site" / "content" / "project" / "stat-mech-talk" / "index.md",
        "long page": long_page(work),
    }
    corpus = REPO.parent / "shared" / "corpus"
    if corpus.is_dir():
        longest = max(corpus.glob("*/index.md"), key=lambda p: p.stat().st_size)
        pages[f"corpus: {longest.parent.name}"[:22]] = longest
    pandoc = shutil.which("pandoc")
    print(f"{'page':<22} {'slides':>6} {'in-process ms':>14} {'cardgen cmd ms':>15} {'KB':>6} "
          f"{'pandoc ms':>10} {'pandoc KB':>10} {'ratio':>6}")
    for name, path in pages.items():
        page = load_page(path)
        out = work / f"{page.slug}.pptx"
        result = render_deck(page, out)  # warm
        warm = median_ms(lambda page=page, out=out: render_deck(page, out), args.repeat, warm=False)
        cmd = median_ms(lambda path=path, out=out: subprocess.run([str(CARDGEN), "-q", "deck", str(path), "-o", str(out)],
                                                                  check=True), max(2, args.repeat // 2), warm=False)
        size = out.stat().st_size / 1024
        p_ms = p_kb = None
        if pandoc:
            p_out = work / f"{page.slug}-pandoc.pptx"
            p_ms = median_ms(lambda path=path, p_out=p_out: subprocess.run(
                [pandoc, str(path), "-o", str(p_out)], check=True, capture_output=True, cwd=path.parent),
                max(2, args.repeat // 2), warm=False)
            p_kb = p_out.stat().st_size / 1024
        ratio = f"{cmd / p_ms:.2f}" if p_ms else "—"
        print(f"{name:<22} {result.info['slides']:>6} {warm:>14.0f} {cmd:>15.0f} {size:>6.0f} "
              f"{(f'{p_ms:.0f}' if p_ms else '—'):>10} {(f'{p_kb:.0f}' if p_kb else '—'):>10} {ratio:>6}")
    print("ratio = cardgen command / pandoc command (both fresh processes; < 1 means cardgen is faster)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
