"""Social image benchmark: ms per image and bytes, og preset, 12 MP photo and placeholder art.

    python bench/bench_social.py [--repeat 15]

Rows:
  - cold: a new PageImages per run (decode of the 12 MP JPEG at a draft scale, crop, compose, encode);
  - warm: PageImages shared, as in `cardgen build`/`batch` (crop cached: compose + encode);
  - compose / encode alone;
  - next to it, the mkdocs-material social plugin's approach: Pillow layers (cover-resized background
    picture, translucent overlay, `ImageFont` text, optimised PNG). The plugin itself also needs
    cairosvg (native Cairo) for its logo/icons; when cairosvg is not importable that row is a Pillow-only
    re-creation of its layer pipeline and says so.
Prints a table. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PHOTO, timed
from common import sample_page as make_page


def mkdocs_material_style(photo: Path, out: Path) -> int:
    """The plugin's layer pipeline in Pillow: background image, overlay, title text, PNG."""
    from PIL import Image, ImageDraw, ImageFont

    from cardgen.text.fonts import font_path

    with Image.open(photo) as src:
        src.draft("RGB", (1200, 630))
        bg = src.convert("RGB")
    scale = max(1200 / bg.width, 630 / bg.height)
    bg = bg.resize((round(bg.width * scale), round(bg.height * scale)), Image.Resampling.LANCZOS)
    left, top = (bg.width - 1200) // 2, (bg.height - 630) // 2
    canvas = bg.crop((left, top, left + 1200, top + 630)).convert("RGBA")
    canvas = Image.alpha_composite(canvas, Image.new("RGBA", canvas.size, (0, 0, 0, 170)))
    draw = ImageDraw.Draw(canvas)
    bold = ImageFont.truetype(str(font_path(bold=True)), 64)
    regular = ImageFont.truetype(str(font_path()), 28)
    draw.text((64, 64), "Kyoto ML Physics", font=regular, fill="white")
    draw.multiline_text(
        (64, 250), "MLPhys: Foundation of\nMachine Learning Physics", font=bold, fill="white", spacing=12
    )
    canvas.convert("RGB").save(out, "PNG")  # the plugin saves with Pillow defaults
    return out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from cardgen.render.assets import PageImages
    from cardgen.render.social import PRESETS, compose, render_social
    from cardgen.render.social_encode import encode
    from cardgen.templates import load_template

    rows: list[tuple[str, str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        photo_page = make_page(folder, PHOTO)
        flat_page = make_page(folder, None)
        for template in ("default", "dark", "event"):
            tpl = load_template(template)
            for label, page in (("12 MP photo", photo_page), ("placeholder", flat_page)):
                ms, result = timed(
                    lambda p=page, t=tpl: render_social(p, folder, template=t, print_meta=True), args.repeat
                )
                size = result.outputs[0].stat().st_size
                rows.append((template, f"{label}, cold (decode+crop+compose+encode)", ms, size))
                images = PageImages(page)
                ms, result = timed(
                    lambda p=page, t=tpl, i=images: render_social(
                        p, folder, template=t, print_meta=True, images=i
                    ),
                    args.repeat,
                )
                rows.append(
                    (template, f"{label}, warm (shared PageImages)", ms, result.outputs[0].stat().st_size)
                )
                ms, social = timed(
                    lambda p=page, t=tpl, i=images: compose(p, PRESETS["og"], t, i), args.repeat
                )
                rows.append((template, f"{label}, compose only", ms, 0))
                ms, encoded = timed(
                    lambda s=social: encode(s.image, "auto", 1_000_000, photo=s.photo), args.repeat
                )
                rows.append((template, f"{label}, encode only ({encoded.format})", ms, len(encoded.data)))
        try:
            import cairosvg  # noqa: F401

            note = "mkdocs-material layer pipeline (Pillow part; cairosvg present)"
        except ImportError:
            note = "mkdocs-material-style Pillow layers (plugin not run: cairosvg unavailable)"
        out = folder / "material.png"
        ms, size = timed(lambda: mkdocs_material_style(PHOTO, out), args.repeat)
        rows.append(("-", note, ms, size))

    width = max(len(r[1]) for r in rows)
    print(f"{'template':<9} {'case':<{width}} {'ms (median)':>12} {'bytes':>9}")
    for template, case, ms, size in rows:
        print(f"{template:<9} {case:<{width}} {ms:>12.1f} {size if size else '':>9}")


if __name__ == "__main__":
    main()
