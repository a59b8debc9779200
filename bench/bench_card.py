"""Card benchmark: ms per card (front + back) and PDF bytes, 12 MP photo and placeholder art; an A4 sheet.

    python bench/bench_card.py [--repeat 10]

Rows per template:
  - cold: a new PageImages per run (decode of the 12 MP JPEG at a draft scale, 300 dpi crop, JPEG
    re-encode, fonts subset, QR, PDF written);
  - warm: PageImages shared, as in `cardgen build`/`batch` (crop cached);
  - placeholder art instead of the photo;
  - an A4 sheet of 8 cards (2 sheets × fronts and backs), images shared.
Prints a table. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PHOTO = REPO / "samples" / "mlphys" / "featured.jpg"
TITLE = "MLPhys: Foundation of Machine Learning Physics"


def make_page(folder: Path, image: Path | None, n: int = 0):
    from cardgen.page import Author, Link, Page, Site

    return Page(
        path=folder / f"p{n}" / "index.md",
        title=f"{TITLE} {n}" if n else TITLE,
        title_runs=(),
        title_plain=f"{TITLE} {n}" if n else TITLE,
        description="Physics meets machine learning: a transformative research area integrating two fields.",
        description_source="summary",
        summary_runs=(),
        authors=(Author("Hajime Nagahara"), Author("Yuta Nakashima"), Author("Noriko Takemura")),
        date=dt.date(2020, 7, 1),
        featured_image=image,
        links=(Link("Code", "https://github.com/example/mlphys", "code", "fab", "github"),),
        bundle_dir=folder,
        site=Site(root=folder, title="Kyoto ML Physics", base_url="https://mlphys.example.org/"),
        url=f"https://mlphys.example.org/project/mlphys-{n}/",
    )


def timed(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm imports and caches
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    from cardgen.render.assets import PageImages
    from cardgen.render.card import render_card, render_card_sheet
    from cardgen.templates import load_template

    rows: list[tuple[str, str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "card.pdf"
        photo_page = make_page(folder, PHOTO)
        flat_page = make_page(folder, None)
        for template in ("default", "dark", "event"):
            tpl = load_template(template)
            ms, result = timed(lambda t=tpl: render_card(photo_page, out, template=t), args.repeat)
            rows.append((template, "12 MP photo, cold (decode+crop+PDF)", ms, result.info["bytes"]))
            images = PageImages(photo_page)
            ms, result = timed(
                lambda t=tpl, i=images: render_card(photo_page, out, template=t, images=i), args.repeat
            )
            rows.append((template, "12 MP photo, warm (shared PageImages)", ms, result.info["bytes"]))
            ms, result = timed(lambda t=tpl: render_card(flat_page, out, template=t), args.repeat)
            rows.append((template, "placeholder art", ms, result.info["bytes"]))
        pages = [make_page(folder, PHOTO if n % 2 else None, n) for n in range(1, 9)]
        images = {p.path: PageImages(p) for p in pages}
        sheet = folder / "sheet.pdf"
        ms, result = timed(
            lambda: render_card_sheet(pages, sheet, sheet="a4", images=images), max(1, args.repeat // 2)
        )
        rows.append(("default", "A4 sheet, 8 cards (4 photo), warm", ms, result.info["bytes"]))

    width = max(len(r[1]) for r in rows)
    print(f"{'template':<9} {'case':<{width}} {'ms (median)':>12} {'bytes':>9}")
    for template, case, ms, size in rows:
        print(f"{template:<9} {case:<{width}} {ms:>12.1f} {size:>9}")


if __name__ == "__main__":
    main()
