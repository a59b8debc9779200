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
import tempfile
from pathlib import Path

from common import PHOTO, timed
from common import sample_page as _sample_page


def make_page(folder: Path, image: Path | None, n: int = 0):
    return _sample_page(folder, image, n, web=True)


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
