"""Decode + crop time for 2, 12 and 24 MP JPEGs: fixed anchor and Smart, next to PyPI `smartcrop`.

Run by hand:  python bench/bench_imaging.py [--repeat 5] [--target 1200x630]

Each source is a generated camera-like JPEG (multi-scale texture, gradients, shapes, sensor noise),
so the encoder and the saliency maps see realistic work, not a flat field. Times are the median of
`--repeat` runs, in milliseconds, for one page's featured image cut to one output:

- decode full / draft   open_image without / with target_size (draft = DCT-scaled JPEG decode)
- Center, Smart         draft decode + focal_crop to the target (what a renderer pays)
- smart box             smart_crop_box alone on the draft-decoded image (the ≤ 30 ms budget)
- smartcrop.py          PyPI `smartcrop` (if installed) `SmartCrop().crop()` on the same file, timed
                        with a full decode (its documented use) and on our draft decode
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import median_ms

SIZES = {"2 MP": (1732, 1155), "12 MP": (4242, 2828), "24 MP": (6000, 4000)}


def make_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A textured, photo-like JPEG: low-frequency colour fields, mid-scale shapes, fine noise."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    w, h = size
    # low-frequency colour: a small random field upscaled smoothly
    field = rng.integers(40, 220, (6, 9, 3), dtype=np.uint8)
    img = Image.fromarray(field, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(40):  # mid-scale objects with edges
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(w // 60, w // 10))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    face = (int(w * 0.7), int(h * 0.35), int(w * 0.08))  # one skin-toned subject off-centre
    draw.ellipse(
        (face[0] - face[2], face[1] - face[2], face[0] + face[2], face[1] + face[2]), fill=(214, 160, 130)
    )
    img = img.filter(ImageFilter.GaussianBlur(2))
    # fine texture: blurred noise at two scales + sensor noise
    coarse = Image.effect_noise((w // 8, h // 8), 60).resize((w, h), Image.Resampling.BILINEAR)
    fine = Image.effect_noise((w, h), 18)
    texture = Image.merge("RGB", (coarse, fine, coarse))
    img = Image.blend(img, texture, 0.18)
    img.save(path, "JPEG", quality=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--target", default="1200x630", help="output size WxH (default: og 1200x630)")
    args = parser.parse_args()
    target = tuple(int(v) for v in args.target.lower().split("x"))

    from PIL import Image

    from cardgen.imaging import focal_crop, open_image
    from cardgen.imaging import smartcrop as ours

    try:
        from smartcrop import SmartCrop
    except ImportError:
        SmartCrop = None  # noqa: N806

    sc = SmartCrop() if SmartCrop is not None else None

    def smart_box_fresh(img: Image.Image) -> object:
        ours._memo.clear()  # time the analysis, not the memo
        return ours.smart_crop_box(img, target)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed, (label, size) in enumerate(SIZES.items()):
            path = Path(tmp) / f"photo-{label.replace(' ', '')}.jpg"
            make_photo(path, size, seed)
            draft = open_image(path, target_size=target)

            def fixed(path: Path = path) -> object:
                return focal_crop(open_image(path, target_size=target), target, "center")

            def smart(path: Path = path) -> object:
                ours._memo.clear()
                return focal_crop(open_image(path, target_size=target), target, "smart")

            row = {
                "source": f"{label} {size[0]}×{size[1]}",
                "draft": f"{draft.size[0]}×{draft.size[1]}",
                "decode full": median_ms(lambda path=path: open_image(path), args.repeat),
                "decode draft": median_ms(
                    lambda path=path: open_image(path, target_size=target), args.repeat
                ),
                "Center": median_ms(fixed, args.repeat),
                "Smart": median_ms(smart, args.repeat),
                "smart box": median_ms(lambda draft=draft: smart_box_fresh(draft), args.repeat),
            }
            if SmartCrop is not None:

                def peer_full(path: Path = path) -> object:
                    with Image.open(path) as im:
                        return sc.crop(im.convert("RGB"), *target)["top_crop"]

                row["smartcrop.py full"] = median_ms(peer_full, max(1, args.repeat // 2))
                row["smartcrop.py on draft"] = median_ms(
                    lambda draft=draft: sc.crop(draft, *target)["top_crop"], args.repeat
                )
                mine = ours.smart_crop_box(draft, target)
                theirs = sc.crop(draft, *target)["top_crop"]
                row["boxes (ours | smartcrop.py)"] = (
                    f"{mine} | ({theirs['x']}, {theirs['y']}, "
                    f"{theirs['x'] + theirs['width']}, {theirs['y'] + theirs['height']})"
                )
            rows.append(row)

    print(f"imaging benchmark: target {target[0]}×{target[1]}, median of {args.repeat} runs, ms\n")
    timing_cols = [k for k in rows[0] if k not in ("source", "draft", "boxes (ours | smartcrop.py)")]
    header = ["source", "draft"] + timing_cols
    widths = [max(len(h), *(len(_fmt(r.get(h))) for r in rows)) for h in header]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(_fmt(r.get(h)).ljust(w) for h, w in zip(header, widths, strict=True)))
    if SmartCrop is None:
        print("\n(PyPI smartcrop not installed: `pip install smartcrop` to compare)")
    else:
        print("\nSmart window on the draft decode (left, top, right, bottom):")
        for r in rows:
            print(f"  {r['source']}: {r['boxes (ours | smartcrop.py)']}")


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


if __name__ == "__main__":
    main()
