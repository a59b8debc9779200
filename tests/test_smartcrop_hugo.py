"""Smart and fixed-anchor crops against Hugo 0.111's own `Fill`, recorded in `fixtures/smart/`.

The fixture holds the crop rectangles Hugo used (recovered from its outputs by
`tests/tools/hugo_smart_fixture.py`, which is the only way to regenerate it), for the images in
`fixtures/smart/` and for the shared corpus. Windows that give the same pixels are equivalent.
JPEG and lossy WebP are decoded by Go's own decoders, whose pixels differ slightly from libjpeg's
and libwebp's, so a few of those crops differ; PNGs must match exactly.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cardgen.imaging import crop_box, open_image
from cardgen.imaging.hugo_resize import go_kind, resize_for_smartcrop
from cardgen.imaging.smartcrop import smart_crop_box

FIXTURES = Path(__file__).parent / "fixtures" / "smart"
DATA = json.loads((FIXTURES / "hugo-crops.json").read_text())
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CUSTOM = DATA["custom_imaging"]


@cache
def _open(path: Path) -> Image.Image:
    """One decode per file for the whole module, so Smart's analysis is shared between tests."""
    return open_image(path, keep_alpha=True)


def _cases(group: str, label: str):
    for name, entry in DATA[group][label].items():
        for crop in entry["crops"]:
            yield name, entry, crop


def _anchor(label: str, crop: dict) -> str:
    if crop["anchor"] != "default":
        return crop["anchor"].lower()
    return CUSTOM["anchor"].lower() if label == "custom" else "smart"


def _filter(label: str) -> str:
    return CUSTOM["resampleFilter"] if label == "custom" else "box"


def _accepted(crop: dict) -> list[tuple[float, ...]]:
    return [tuple(crop["box"])] + [tuple(b) for b in crop["same_pixels"]]


def _smart_matches(img: Image.Image, crop: dict, label: str) -> bool:
    box = smart_crop_box(img, tuple(crop["target"]), resample_filter=_filter(label))
    return any(box == tuple(round(v) for v in ok) for ok in _accepted(crop))


def _match_rate(group: str, root: Path) -> tuple[float, list[str]]:
    total, good, misses = 0, 0, []
    for label in ("default", "custom"):
        for name, entry, crop in _cases(group, label):
            if _anchor(label, crop) != "smart":
                continue
            img = _open(root / entry.get("path", name))
            total += 1
            if _smart_matches(img, crop, label):
                good += 1
            else:
                misses.append(f"{label} {name} {crop['target']}")
    return good / total, misses


def test_smart_matches_hugo_on_at_least_nine_crops_in_ten():
    rate, misses = _match_rate("fixtures", FIXTURES)
    assert rate >= 0.9, f"{rate:.0%} of Smart crops match Hugo; misses: {misses}"


@pytest.mark.parametrize(
    "name", sorted(n for n in DATA["fixtures"]["default"] if n.endswith(".png"))
)
def test_smart_matches_hugo_exactly_on_png(name: str):
    entry = DATA["fixtures"]["default"][name]
    img = _open(FIXTURES / name)
    wrong = [c["target"] for c in entry["crops"] if c["anchor"] == "smart" and not _smart_matches(img, c, "default")]
    assert not wrong, f"{name}: Smart differs from Hugo for {wrong}"


def test_smart_honours_the_site_resample_filter():
    """Where Hugo's crop changes with `resampleFilter`, ours changes the same way (PNG sources)."""
    differing = []
    for name, entry in DATA["fixtures"]["custom"].items():
        default = {tuple(c["target"]): c for c in DATA["fixtures"]["default"][name]["crops"] if c["anchor"] == "smart"}
        for crop in entry["crops"]:
            other = default.get(tuple(crop["target"]))
            if crop["anchor"] == "smart" and other and name.endswith(".png") and tuple(other["box"]) not in _accepted(crop):
                differing.append((name, crop, other))
    assert differing, "the fixture should hold crops that depend on the filter"
    wrong = []
    for name, crop, other in differing:
        img = _open(FIXTURES / name)
        if not (_smart_matches(img, crop, "custom") and _smart_matches(img, other, "default")):
            wrong.append((name, crop["target"]))
    assert len(wrong) <= len(differing) // 10, wrong


@pytest.mark.parametrize("label", ["default", "custom"])
def test_fixed_anchors_are_identical_to_hugo(label: str):
    wrong = []
    for name, entry, crop in _cases("fixtures", label):
        anchor = _anchor(label, crop)
        if anchor == "smart":
            continue
        size = tuple(entry["size"])
        box = crop_box(size, tuple(crop["target"]), anchor)
        if not any(box == tuple(round(v) for v in ok) for ok in _accepted(crop)):
            wrong.append((name, anchor, crop["target"], box, crop["box"]))
    assert not wrong


@pytest.mark.parametrize("stored", sorted((FIXTURES / "hugo-resized").glob("*.png")), ids=lambda p: p.stem)
def test_prescale_is_hugos_resizer_to_the_byte(stored: Path):
    """Our resizer against Hugo's own `Resize "WxH <filter>"` output (a lossless PNG)."""
    source_stem, flt = stored.stem.rsplit("-", 1)
    with Image.open(FIXTURES / f"{source_stem}.png") as im:
        kind = go_kind(im, im.format)
        rgba = np.asarray(im.convert("RGBA"))
    with Image.open(stored) as out:
        hugo = np.asarray(out.convert("RGBA")).astype(np.uint32)
    if kind not in ("rgba", "gray"):  # Hugo wrote NRGBA; smartcrop sees it premultiplied
        alpha = hugo[..., 3:4] * 0x101
        hugo = np.concatenate([(hugo[..., :3] * alpha // 0xFF) >> 8, alpha >> 8], axis=-1)
    ours = resize_for_smartcrop(rgba, kind, (hugo.shape[1], hugo.shape[0]), flt)
    assert np.array_equal(ours, hugo.astype(np.uint8))


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_smart_matches_hugo_on_the_corpus():
    for entry in DATA["corpus"]["default"].values():
        path = CORPUS / entry["path"]
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            pytest.skip(f"corpus image {entry['path']} changed since the fixture was recorded")
    rate, misses = _match_rate("corpus", CORPUS)
    assert rate >= 0.9, f"{rate:.0%} of corpus Smart crops match Hugo; misses: {misses}"


def test_site_imaging_settings_are_read_as_hugo_reads_them(tmp_path: Path):
    from cardgen.loader import load_page
    from cardgen.site import load_site

    (tmp_path / "hugo.toml").write_text('title = "Lab"\n[imaging]\nresampleFilter = "Lanczos"\nanchor = "TopRight"\n')
    bundle = tmp_path / "content" / "project" / "a"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("---\ntitle: A\n---\nBody.\n")
    (bundle.parent / "b.md").write_text("---\ntitle: B\nimage:\n  focal_point: Bottom\n---\nBody.\n")
    load_site.cache_clear()
    page = load_page(bundle / "index.md")
    assert page.site is not None
    assert (page.site.resample_filter, page.site.anchor) == ("lanczos", "topright")
    assert page.image.focal_point == "topright"  # no focal point: the site's anchor, as Hugo's Fill
    assert load_page(bundle.parent / "b.md").image.focal_point == "bottom"


def test_site_without_imaging_keeps_hugos_defaults(tmp_path: Path):
    from cardgen.site import load_site

    (tmp_path / "hugo.toml").write_text('title = "Lab"\n[imaging]\nresampleFilter = "bogus"\n')
    (tmp_path / "content").mkdir()
    load_site.cache_clear()
    site = load_site(tmp_path)
    assert (site.resample_filter, site.anchor) == ("box", "smart")
