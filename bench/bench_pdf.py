"""PDF outputs in CPU milliseconds (time.process_time, median): a card of the seed (images shared, as in
a batch), a CJK card, an A4 sheet and the seed's deck PDF; optionally the same cases of another
checkout in the same rounds, so a loaded machine slows both alike.

    python bench/bench_pdf.py [--repeat 7] [--rounds 2] [--against OTHER_CHECKOUT]

Fonts are parsed once per process (render/pdf_fonts.py), so the first PDF of a process is left out of
the medians (it is printed as "first"). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CJK_PAGE = REPO.parent / "shared" / "corpus" / "ja-itijoho" / "index.md"

_CHILD = r"""
import json, statistics, sys, tempfile, time
from pathlib import Path
tree, repeat, cjk = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
sys.path[:0] = [tree, tree + "/bench"]
from common import PHOTO, sample_page
from cardgen.loader import load_page
from cardgen.render.assets import PageImages
from cardgen.render.card import render_card, render_card_sheet
from cardgen.render.deck import render_deck
from cardgen.templates import load_template
tmp = Path(tempfile.mkdtemp())
page = sample_page(tmp, PHOTO, web=True)
tpl = load_template("default")
images = PageImages(page)
def cpu(fn):
    start = time.process_time(); fn(); first = (time.process_time() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.process_time(); fn(); runs.append((time.process_time() - start) * 1000)
    return first, statistics.median(runs)
cases = {
    "card, seed (images shared)": lambda: render_card(page, tmp / "c.pdf", template=tpl, images=images),
    "A4 sheet, 4 seed cards": lambda: render_card_sheet([page] * 4, tmp / "s.pdf", sheet="a4", images={page.path: images}),
    "deck PDF, seed": lambda: render_deck(page, tmp / "d.pdf"),
}
if cjk.is_file():
    ja = load_page(cjk)
    cases["card, Japanese page"] = lambda: render_card(ja, tmp / "j.pdf", template=tpl)
print(json.dumps({name: cpu(fn) for name, fn in cases.items()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args()
    trees = {"this": REPO} | ({"other": args.against.resolve()} if args.against else {})
    results: dict[str, dict[str, list[tuple[float, float]]]] = {label: {} for label in trees}
    for _ in range(args.rounds):
        for label, tree in trees.items():
            env = {**os.environ, "PYTHONPATH": str(tree)}
            done = subprocess.run([sys.executable, "-c", _CHILD, str(tree), str(args.repeat), str(CJK_PAGE)],
                                  capture_output=True, text=True, env=env, check=True)
            for name, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
                results[label].setdefault(name, []).append(tuple(value))
    labels = list(trees)
    head = " | ".join(f"{label} first | {label} ms" for label in labels)
    print(f"\nCPU ms (median of {args.rounds} rounds × {args.repeat}), load {os.getloadavg()[0]:.1f}\n")
    print(f"| case | {head} |" + (" other / this |" if len(labels) == 2 else ""))
    print("|---|" + "---:|" * (2 * len(labels) + (1 if len(labels) == 2 else 0)))
    for name in results["this"]:
        cells, medians = [], []
        for label in labels:
            runs = results[label].get(name, [])
            first = statistics.median(r[0] for r in runs) if runs else float("nan")
            warm = statistics.median(r[1] for r in runs) if runs else float("nan")
            medians.append(warm)
            cells += [f"{first:.0f}", f"{warm:.1f}"]
        ratio = f" {medians[1] / medians[0]:.2f} |" if len(labels) == 2 else ""
        print(f"| {name} | " + " | ".join(cells) + " |" + ratio)


if __name__ == "__main__":
    main()
