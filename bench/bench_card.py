"""Card benchmark: ms per card (front + back) and PDF bytes, 12 MP photo and placeholder art; an A4 sheet.

    python bench/bench_card.py [--repeat 10]

Rows per template:
  - cold: a new PageImages per run (decode of the 12 MP JPEG at a draft scale, 300 dpi crop, JPEG
    re-encode, fonts subset, QR, PDF written);
  - warm: PageImages shared, as in `cardgen build`/`batch` (crop cached);
  - placeholder art instead of the photo;
  - a back with highlights (a sample page with sections), to see the cost of choosing and fitting them;
  - sheets of the same 8 cards, images shared: A4 and letter (2 A6 per sheet with bleed and crop marks,
    so 4 sheets — before full-bleed imposition A4 held 4 butted cards, 2 sheets: compare ms per card),
    SRA3 (4 per sheet), and 18 business cards on A4 (9 per sheet);
  - the imposition decision alone (`impose`, pure layout), in microseconds.
Prints a table. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PHOTO, REPO, timed
from common import sample_page as _sample_page

SAMPLE_SECTIONS = REPO / "samples" / "site" / "content" / "project" / "counterfactual-fairness" / "index.md"


def make_page(folder: Path, image: Path | None, n: int = 0):
    return _sample_page(folder, image, n, web=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    from cardgen.layout.imposition import SHEETS, impose
    from cardgen.loader import load_page
    from cardgen.render.assets import PageImages
    from cardgen.render.card import card_size, render_card, render_card_sheet
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
        rich = load_page(SAMPLE_SECTIONS)
        ms, result = timed(lambda: render_card(rich, out), args.repeat)
        rows.append(("default", "back with highlights (sample page)", ms, result.info["bytes"]))
        pages = [make_page(folder, PHOTO if n % 2 else None, n) for n in range(1, 9)]
        images = {p.path: PageImages(p) for p in pages}
        sheet = folder / "sheet.pdf"
        for name, size, cards in (("a4", "a6", pages), ("letter", "a6", pages), ("sra3", "a6", pages),
                                  ("a4", "business", pages + pages[:1] * 10)):
            ms, result = timed(
                lambda n=name, z=size, c=cards: render_card_sheet(c, sheet, sheet=n, size=z, images=images),
                max(1, args.repeat // 2),
            )
            per = result.info["per_sheet"]
            label = f"{name} sheet, {len(cards)} {size} ({per}/sheet, {result.info['sheets']} sheets), warm"
            rows.append(("default", label, ms, result.info["bytes"]))
            rows.append(("default", f"  … per card on {name}", ms / len(cards), 0))
        us = timed(lambda: impose(SHEETS["sra3"], card_size("business"), 3.0), 200)[0] * 1000
        rows.append(("-", "impose(): SRA3, 21 business cards (µs)", us, 0))

    width = max(len(r[1]) for r in rows)
    print(f"{'template':<9} {'case':<{width}} {'ms (median)':>12} {'bytes':>9}")
    for template, case, ms, size in rows:
        print(f"{template:<9} {case:<{width}} {ms:>12.1f} {size or '':>9}")


if __name__ == "__main__":
    main()
