"""Record Hugo's own `Fill` crops as the fixture `tests/fixtures/smart/hugo-crops.json`.

    python tests/tools/hugo_smart_fixture.py [--images] [--corpus ../shared/corpus]

Builds a throw-away Hugo site whose template calls `.Fill "WxH Smart"` (and a few fixed anchors) on
every image in `tests/fixtures/smart/`, once with Hugo's default `[imaging]` and once with a site
that sets `resampleFilter` and `anchor`, runs the `hugo` on PATH (0.111, as Debian ships it) and
reads back the crop rectangle Hugo used. Hugo does not print the rectangle, so it is recovered from
the pixels: every window smartcrop can return (the 8-px lattice of the prescaled copy, window scales
1.0 and 0.9, mapped back and intersected with the image) is resized to the output size and compared
with Hugo's output; the closest one is Hugo's. Windows that give the same pixels (a shift over a
flat background) are all recorded as `same_pixels`: no viewer can tell them apart.

`--images` first rebuilds the fixture images (reduced copies of corpus featured images, plus the
synthetic ones drawn here); `--corpus DIR` also records the full-size corpus images under
`"corpus"`, for the corpus-wide test that skips when the corpus is absent.

Never run by the test suite: the fixture is regenerated only by calling this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "smart"
OUT = FIXTURES / "hugo-crops.json"

SIZES = ("1200x630", "1920x1080", "400x400", "300x600", "1000x250", "100x100")
ANCHORS = ("Center", "TopLeft", "Bottom", "Right", "BottomRight")
ANCHOR_SIZES = ("400x400", "1200x630", "300x600")
#: The second site: a non-default filter and default anchor (`.Fill "WxH"` without an anchor).
CUSTOM_IMAGING = {"resampleFilter": "lanczos", "anchor": "TopRight"}
CUSTOM_SIZES = ("1200x630", "400x400", "300x600")

#: Corpus pages whose featured image is copied (reduced) into the fixtures: slug → longest side.
CORPUS_COPIES = {
    "bayesian-data-analysis": 420,
    "bn-hawking": 500,
    "counterfactual-fairness": 1200,
    "de-ml-reliability": 480,
    "es-derco-embeddings": 800,
    "eskola-bideapp": 760,
    "ggasym": 480,
    "gp-stable-unstable": 700,
    "img-rf-fingerprinting-wide": 1300,
    "img-small-225px": 225,
    "ja-itijoho": 640,
    "ja-simulation": 560,
    "rstone-msca": 1200,
    "tools-comparison": 500,
    "tr-deep-illusion": 700,
    "transcalibur": 720,
    "ucsc-livehd": 507,
    "ucsc-type-narrowing": 318,
    "zh-gan-editing": 600,
    "zh-mtrack": 800,
}


# ----------------------------------------------------------------------------- fixture images


def build_images(corpus: Path, seed_photo: Path | None) -> None:
    for old in FIXTURES.glob("*"):
        if old.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
            old.unlink()
    for slug, longest in CORPUS_COPIES.items():
        src = next((corpus / slug).glob("featured.*"))
        with Image.open(src) as im:
            im.load()
            fmt = im.format
            scale = min(1.0, longest / max(im.size))
            out = im if scale == 1.0 else im.resize(
                (round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS
            )
            name = FIXTURES / f"{slug}{src.suffix.lower()}"
            if scale == 1.0 and src.stat().st_size < 120_000:
                shutil.copyfile(src, name)
            elif fmt == "JPEG":
                out.convert("RGB").save(name, "JPEG", quality=82)
            elif fmt == "WEBP":
                out.save(name, "WEBP", quality=80)
            else:
                out.save(name, "PNG", optimize=True)
    if seed_photo is not None:
        with Image.open(seed_photo) as im:
            im.convert("RGB").resize((800, round(800 * im.height / im.width)), Image.Resampling.LANCZOS).save(
                FIXTURES / "mlphys-seed.jpg", "JPEG", quality=82
            )
    for name, img in synthetic_images().items():
        img.save(FIXTURES / name, optimize=True)


def synthetic_images() -> dict[str, Image.Image]:
    """Images whose best crop is unambiguous, in the pixel formats Go decodes differently."""
    out: dict[str, Image.Image] = {}
    # A wide logo with a mark at each end (transparent background: NRGBA in Go).
    logo = Image.new("RGBA", (900, 150), (0, 0, 0, 0))
    d = ImageDraw.Draw(logo)
    d.ellipse((10, 15, 130, 135), fill=(220, 40, 40, 255))
    d.rectangle((770, 15, 890, 135), fill=(30, 90, 200, 255))
    d.text((400, 65), "LOGO", fill=(20, 20, 20, 255))
    out["synthetic-logo-900x150.png"] = logo
    # Skin-toned blob off centre on a textured background (RGB: RGBA in Go).
    rng = np.random.default_rng(17)
    noise = (rng.random((60, 90)) * 60 + 100).astype(np.uint8)
    face = Image.merge("RGB", [Image.fromarray(noise)] * 3).resize((720, 480), Image.Resampling.NEAREST)
    d = ImageDraw.Draw(face)
    d.ellipse((470, 90, 640, 300), fill=(224, 172, 138))
    d.ellipse((60, 300, 160, 400), fill=(30, 160, 60))
    out["synthetic-skin-720x480.png"] = face
    # Greyscale with a bright detailed corner (Gray in Go).
    grey = Image.new("L", (640, 640), 40)
    d = ImageDraw.Draw(grey)
    for i in range(0, 200, 6):
        d.line((420 + i, 420, 640, 420 + i), fill=230, width=2)
    out["synthetic-grey-640.png"] = grey
    # Paletted with a saturated stripe low on the right (Paletted in Go).
    pal = Image.new("RGB", (1024, 512), (235, 235, 235))
    d = ImageDraw.Draw(pal)
    for i in range(12):
        d.rectangle((700 + i * 24, 300, 712 + i * 24, 480), fill=(200, 30 + i * 15, 160))
    out["synthetic-paletted-1024x512.png"] = pal.quantize(colors=32)
    # A 200-px checkerboard: small images go through the resizer without prescaling.
    board = Image.new("RGB", (200, 200), "white")
    d = ImageDraw.Draw(board)
    for y in range(0, 200, 25):
        for x in range(0, 200, 25):
            if (x // 25 + y // 25) % 2:
                d.rectangle((x, y, x + 24, y + 24), fill="black")
    out["synthetic-checker-200.png"] = board
    return out


# ----------------------------------------------------------------------------- the Hugo site


TEMPLATE = """{{- $sizes := split (getenv "CG_SIZES") "," -}}
{{- $anchors := split (getenv "CG_ANCHORS") "," -}}
{{- $anchorSizes := split (getenv "CG_ANCHOR_SIZES") "," -}}
{{- $defaultSizes := split (getenv "CG_DEFAULT_SIZES") "," -}}
{{- range resources.Match "img/*" -}}
{{- $img := . -}}
{{- range $sizes }}{{ if . }}{{ $r := $img.Fill (printf "%s Smart" .) }}smart|{{ $img.Name }}|{{ . }}|{{ $r.RelPermalink }}
{{ end }}{{ end -}}
{{- range $defaultSizes }}{{ if . }}{{ $r := $img.Fill . }}default|{{ $img.Name }}|{{ . }}|{{ $r.RelPermalink }}
{{ end }}{{ end -}}
{{- range $anchors }}{{ $a := . }}{{ if $a }}{{ range $anchorSizes }}{{ $r := $img.Fill (printf "%s %s" . $a) }}{{ $a }}|{{ $img.Name }}|{{ . }}|{{ $r.RelPermalink }}
{{ end }}{{ end }}{{ end -}}
{{- end -}}
"""


def run_hugo(images: list[Path], imaging: dict[str, str], sizes, anchors, anchor_sizes, default_sizes) -> list[tuple]:
    """Hugo's outputs: (anchor, image name, size, output file) for every requested Fill."""
    work = Path(tempfile.mkdtemp(prefix="cg-hugo-"))
    try:
        (work / "assets" / "img").mkdir(parents=True)
        (work / "layouts").mkdir()
        (work / "content").mkdir()
        for img in images:
            shutil.copyfile(img, work / "assets" / "img" / img.name)
        (work / "layouts" / "index.html").write_text(TEMPLATE)
        config = ['baseURL = "http://localhost/"', 'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]',
                  "[security.funcs]", 'getenv = ["^CG_"]', "[imaging]"]
        config += [f'{k} = "{v}"' for k, v in imaging.items()]
        (work / "hugo.toml").write_text("\n".join(config) + "\n")
        env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "CG_SIZES": ",".join(sizes),
               "CG_ANCHORS": ",".join(anchors), "CG_ANCHOR_SIZES": ",".join(anchor_sizes),
               "CG_DEFAULT_SIZES": ",".join(default_sizes)}
        subprocess.run(["hugo", "--quiet", "-s", str(work), "-d", str(work / "public")],
                       check=True, env=env, capture_output=True)
        rows = []
        for line in (work / "public" / "index.html").read_text().splitlines():
            if line.strip():
                anchor, name, size, url = line.split("|")
                out = work / "public" / url.lstrip("/")
                rows.append((anchor, Path(name).name, size, np.asarray(Image.open(out).convert("RGBA")).copy()))
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------- recovering the box


def _premultiplied(arr: np.ndarray) -> np.ndarray:
    a = arr[..., 3:4].astype(np.float64) / 255.0
    return arr[..., :3].astype(np.float64) * a


def smart_candidates(width: int, height: int, tw: int, th: int) -> list[tuple[int, int, int, int]]:
    """Every rectangle muesli/smartcrop v0.3.0 can return for this image and target, in Hugo's
    geometry (prescale to a 400-px short side, 8-px lattice, window scales 1.0 and 0.9)."""
    scale = min(width / tw, height / th)
    factor = 1.0
    if 400.0 / min(width, height) < 1.0:
        factor = 400.0 / min(width, height)
    small_w = int(width * factor)
    small_h = math.ceil(height / (width / small_w))
    crop_w = math.floor(tw * scale * factor)
    crop_h = math.floor(th * scale * factor)
    out = set()
    if (tw, th) == (width, height):
        out.add((0, 0, width, height))  # Hugo's smartCrop returns the bounds untouched
    for s in (1.0, 0.9):
        ww, hh = int(crop_w * s), int(crop_h * s)
        y = 0
        while y + crop_h * s <= small_h:
            x = 0
            while x + crop_w * s <= small_w:
                rect = [int(math.floor(v / factor)) for v in (x, y, x + ww, y + hh)]
                rect = (max(0, rect[0]), max(0, rect[1]), min(width, rect[2]), min(height, rect[3]))
                if rect[2] > rect[0] and rect[3] > rect[1]:
                    out.add(rect)
                x += 8
            y += 8
    return sorted(out)


def fill_candidates(width: int, height: int, tw: int, th: int, anchor: str) -> list[tuple[float, float, float, float]]:
    """gift.ResizeToFill: the whole image scaled to cover, then the cut at the anchor's offset and at
    its neighbours up to 4 px either way (so the recorded offset is Hugo's, not our formula's)."""
    wr, hr = width / tw, height / th
    if wr < hr:
        tmp_w, tmp_h = tw, max(int(height / wr + 0.5), th)
    else:
        tmp_w, tmp_h = max(int(width / hr + 0.5), tw), th
    sx, sy = width / tmp_w, height / tmp_h
    fx = {"left": 0, "right": 1}.get(next((p for p in ("left", "right") if p in anchor.lower()), ""), 0.5)
    fy = {"top": 0, "bottom": 1}.get(next((p for p in ("top", "bottom") if p in anchor.lower()), ""), 0.5)

    def offsets(spare: int, f: float) -> range:
        at = 0 if f == 0 else spare if f == 1 else spare // 2
        return range(max(0, at - 4), min(spare, at + 4) + 1)

    return [(x * sx, y * sy, (x + tw) * sx, (y + th) * sy)
            for y in offsets(tmp_h - th, fy) for x in offsets(tmp_w - tw, fx)]


_RESIZED: dict[tuple, np.ndarray] = {}


def recover_fill(src: np.ndarray, kind: str, hugo: np.ndarray, tw: int, th: int, anchor: str, flt: str):
    """For a fixed anchor: gift.ResizeToFill resizes the whole image (our resizer reproduces gift's
    to the byte) and cuts the target; the offset whose cut equals Hugo's output is Hugo's."""
    from cardgen.imaging.hugo_resize import resize_for_smartcrop

    height, width = src.shape[:2]
    cands = fill_candidates(width, height, tw, th, anchor)
    wr, hr = width / tw, height / th
    if wr < hr:
        tmp_w, tmp_h = tw, max(int(height / wr + 0.5), th)
    else:
        tmp_w, tmp_h = max(int(width / hr + 0.5), tw), th
    key = (id(src), tmp_w, tmp_h, flt)
    if key not in _RESIZED:
        if any(k[0] != id(src) for k in _RESIZED):
            _RESIZED.clear()  # one image at a time: Hugo's rows come image by image
        _RESIZED[key] = resize_for_smartcrop(src, kind, (tmp_w, tmp_h), flt).astype(np.float64)
    tmp = _RESIZED[key]
    target = _premultiplied(hugo) if kind not in ("rgba", "gray") else hugo[..., :3].astype(np.float64)
    sx, sy = width / tmp_w, height / tmp_h
    scored = []
    for c in cands:
        x, y = round(c[0] / sx), round(c[1] / sy)
        cut = tmp[y : y + th, x : x + tw, :3]
        scored.append((float(np.mean((cut - target) ** 2)), c))
    scored.sort()
    best_err, best = scored[0]
    same = [c for e, c in scored if e <= best_err + 1e-9]
    return best, same, best_err


def recover(src: np.ndarray, hugo: np.ndarray, candidates: list) -> tuple[tuple, list, float]:
    """The candidate whose resize is closest to Hugo's output, the ones indistinguishable from it,
    and the mean squared error of the best (a sanity check: small means Hugo's box is a candidate)."""
    src_img = Image.fromarray(src, "RGBA")
    h, w = hugo.shape[:2]
    hugo_img = Image.fromarray(hugo, "RGBA")

    def err(image, box, size, target):
        out = image.resize(size, Image.Resampling.BOX, box=tuple(float(v) for v in box))
        return float(np.mean((_premultiplied(np.asarray(out)) - target) ** 2))

    # Coarse pass on a reduced copy of the source (each candidate then costs little), fine pass on
    # the full source for the few closest.
    coarse = _fit((w, h), 96)
    smallest = min(min(c[2] - c[0], c[3] - c[1]) for c in candidates)
    k = min(1.0, 3.0 * max(coarse) / max(1.0, smallest))
    reduced = src_img.resize((max(1, round(src_img.width * k)), max(1, round(src_img.height * k))), Image.Resampling.BOX)
    kx, ky = reduced.width / src_img.width, reduced.height / src_img.height
    target_small = _premultiplied(np.asarray(hugo_img.resize(coarse, Image.Resampling.BOX)))
    scored = sorted(
        (err(reduced, (c[0] * kx, c[1] * ky, c[2] * kx, c[3] * ky), coarse, target_small), c) for c in candidates
    )
    shortlist = [c for e, c in scored[:16] if e <= scored[0][0] * 1.5 + 4.0] or [scored[0][1]]
    full = _fit((w, h), 480)
    target = _premultiplied(np.asarray(hugo_img.resize(full, Image.Resampling.BOX)))
    fine = sorted((err(src_img, c, full, target), c) for c in shortlist)
    best_err, best = fine[0]
    same = [c for e, c in fine if e <= best_err + max(0.05, 0.01 * best_err)]
    return best, same, best_err


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    k = min(1.0, longest / max(size))
    return max(1, round(size[0] * k)), max(1, round(size[1] * k))


# ----------------------------------------------------------------------------- the resizer itself

#: Images whose Hugo `Resize` outputs are stored to check the resizer to the byte (one per Go type).
RESIZE_IMAGES = ("ucsc-livehd.png", "zh-gan-editing.png", "synthetic-grey-640.png")
RESIZE_FILTERS = ("box", "lanczos", "linear")


def record_resizes() -> None:
    """Hugo's `Resize "WxH filter"` of a few PNGs at about a third of their size, stored as PNGs
    (lossless) in `hugo-resized/` so the test can compare our resizer with gift's to the byte."""
    work = Path(tempfile.mkdtemp(prefix="cg-hugo-"))
    dest = FIXTURES / "hugo-resized"
    dest.mkdir(exist_ok=True)
    try:
        (work / "assets" / "img").mkdir(parents=True)
        (work / "layouts").mkdir()
        (work / "content").mkdir()
        lines = []
        for name in RESIZE_IMAGES:
            shutil.copyfile(FIXTURES / name, work / "assets" / "img" / name)
            with Image.open(FIXTURES / name) as im:
                w, h = max(1, im.width // 3), max(1, math.ceil(im.height / (im.width / max(1, im.width // 3))))
            for flt in RESIZE_FILTERS:
                lines.append(f'{{{{ with resources.Get "img/{name}" }}}}{{{{ $r := .Resize "{w}x{h} {flt}" }}}}'
                             f'{name}|{flt}|{{{{ $r.RelPermalink }}}}\n{{{{ end }}}}')
        (work / "layouts" / "index.html").write_text("".join(lines))
        (work / "hugo.toml").write_text('baseURL = "http://localhost/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
        subprocess.run(["hugo", "--quiet", "-s", str(work), "-d", str(work / "public")], check=True,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(work)}, capture_output=True)
        for line in (work / "public" / "index.html").read_text().splitlines():
            if "|" in line:
                name, flt, url = line.strip().split("|")
                shutil.copyfile(work / "public" / url.lstrip("/"), dest / f"{Path(name).stem}-{flt}.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------- main


def record(images: list[Path], key) -> dict:
    from cardgen.imaging.hugo_resize import go_kind

    sources = {p.name: np.asarray(Image.open(p).convert("RGBA")).copy() for p in images}
    kinds = {}
    for p in images:
        with Image.open(p) as im:
            kinds[p.name] = go_kind(im, im.format)
    result: dict[str, dict] = {"default": {}, "custom": {}}
    runs = (
        ("default", {}, SIZES, ANCHORS, ANCHOR_SIZES, ()),
        ("custom", CUSTOM_IMAGING, CUSTOM_SIZES, (), (), CUSTOM_SIZES),
    )
    for label, imaging, sizes, anchors, anchor_sizes, default_sizes in runs:
        for anchor, name, size, out in run_hugo(images, imaging, sizes, anchors, anchor_sizes, default_sizes):
            src = sources[name]
            tw, th = (int(v) for v in size.split("x"))
            height, width = src.shape[:2]
            effective = anchor if anchor != "default" else imaging.get("anchor", "smart")
            if effective.lower() == "smart":
                best, same, mse = recover(src, out, smart_candidates(width, height, tw, th))
            else:
                flt = imaging.get("resampleFilter", "box")
                best, same, mse = recover_fill(src, kinds[name], out, tw, th, effective, flt)
            entry = result[label].setdefault(key(name), {"size": [width, height], "crops": []})
            entry["crops"].append({
                "anchor": anchor, "target": [tw, th],
                "box": [round(v, 3) for v in best],
                "same_pixels": [[round(v, 3) for v in c] for c in same if c != best],
                "mse": round(mse, 3),
            })
            print(f"{label:7} {anchor:11} {name:40} {size:9} {best} ({len(same)} alike, mse {mse:.2f})",
                  file=sys.stderr, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", action="store_true", help="rebuild the fixture images first")
    parser.add_argument("--corpus", type=Path, help="the shared corpus (for --images and the corpus entries)")
    parser.add_argument("--seed-photo", type=Path, help="the seed page's featured photo (for --images)")
    parser.add_argument("--resizes-only", action="store_true", help="only record Hugo's Resize outputs")
    args = parser.parse_args()
    if args.resizes_only:
        record_resizes()
        return
    if args.images:
        if args.corpus is None:
            parser.error("--images needs --corpus")
        build_images(args.corpus, args.seed_photo)
    version = subprocess.run(["hugo", "version"], check=True, capture_output=True, text=True).stdout.strip()
    images = sorted(p for p in FIXTURES.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"))
    data = {"hugo": version.split(" BuildDate")[0], "custom_imaging": CUSTOM_IMAGING,
            "fixtures": record(images, key=lambda name: name)}
    if args.corpus is not None:
        corpus_images = sorted(args.corpus.glob("*/featured.*"))
        by_name = {}
        with tempfile.TemporaryDirectory() as tmp:
            staged = []
            for p in corpus_images:
                dst = Path(tmp) / f"{p.parent.name}{p.suffix.lower()}"
                shutil.copyfile(p, dst)
                staged.append(dst)
                by_name[dst.name] = {"path": f"{p.parent.name}/{p.name}",
                                     "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            recorded = record(staged, key=lambda name: name)
        for label in recorded.values():
            for name, entry in list(label.items()):
                entry.update(by_name[name])
        data["corpus"] = recorded
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
