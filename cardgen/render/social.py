"""Social preview images (SPEC §3.2): Page + template `[social]` layers → PNG/JPEG/WebP + meta snippet.

`compose()` builds the Scene (`cardgen.layout.social`), draws it (`cardgen.render.raster`) and reports
where every piece of text landed and its measured contrast (tests check both); `render_social()` picks
presets, encodes under the byte budget, writes files and the meta snippet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import UsageError
from cardgen.layout.social import SAFE_BAND, SAFE_MARGIN, safe_area
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page

if TYPE_CHECKING:
    from PIL import Image

    from cardgen.layout.model import Scene
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

__all__ = [
    "PRESETS",
    "SAFE_BAND",
    "SAFE_MARGIN",
    "PlacedText",
    "SocialImage",
    "compose",
    "parse_size",
    "render_social",
    "resolve_presets",
    "safe_area",
]

#: name → (width, height). OpenGraph's 1.91:1, X's 2:1, a square for Instagram/Mastodon grids,
#: LinkedIn's 1200×627 and GitHub's repository social preview.
PRESETS: dict[str, tuple[int, int]] = {
    "og": (1200, 630),
    "x": (1200, 600),
    "square": (1080, 1080),
    "linkedin": (1200, 627),
    "github": (1280, 640),
}
MAX_SIDE = 8000
_SIZE = re.compile(r"\s*(\d{2,5})\s*[x×X]\s*(\d{2,5})\s*")


@dataclass(frozen=True)
class PlacedText:
    """One text element as drawn: its lines, the box they occupy (px) and the contrast measured there."""

    name: str
    lines: tuple[str, ...]
    box: tuple[int, int, int, int]
    size: float
    contrast: float
    truncated: bool = False
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class SocialImage:
    image: Image.Image
    photo: bool  # a real photograph is shown (JPEG suits it); False for placeholder art / flat layouts
    texts: tuple[PlacedText, ...]
    warnings: tuple[str, ...] = ()
    safe_area: tuple[int, int, int, int] = (0, 0, 0, 0)
    scrims: int = 0  # text regions that needed extra darkening/lightening to reach the contrast floor
    scene: Scene | None = None  # what the layout decided (the raster backend drew it)

    def text(self, name: str) -> PlacedText | None:
        return next((t for t in self.texts if t.name == name), None)


# --------------------------------------------------------------------------- presets and sizes


def parse_size(value: str) -> tuple[int, int]:
    match = _SIZE.fullmatch(value or "")
    if not match:
        raise UsageError(f"--size: expected WIDTHxHEIGHT like 1600x900, got {value!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if not (200 <= width <= MAX_SIDE and 200 <= height <= MAX_SIDE):
        raise UsageError(f"--size: each side must be from 200 to {MAX_SIDE} pixels, got {value!r}")
    return width, height


def resolve_presets(preset: str, size: str | None = None) -> list[tuple[str, tuple[int, int]]]:
    """`og` → [("og", (1200, 630))]; `og,x` → both; `all` → every preset; a custom size → [("custom", (w, h))]."""
    if size:
        return [("custom", parse_size(size))]
    names = [n.strip().lower() for n in (preset or "og").split(",") if n.strip()] or ["og"]
    if names == ["all"]:
        return list(PRESETS.items())
    bad = [n for n in names if n not in PRESETS]
    if bad:
        raise UsageError(f"--preset: expected one of {', '.join(PRESETS)} or all, got {preset!r}")
    return [(name, PRESETS[name]) for name in dict.fromkeys(names)]


# --------------------------------------------------------------------------- composition


def compose(
    page: Page, size: tuple[int, int], template: Template, images: PageImages | None = None
) -> SocialImage:
    """Lay out (`cardgen.layout.social`) and draw (`cardgen.render.raster`) the social image of `page`
    at `size` with the template's layout (no file written)."""
    from cardgen.layout.social import social_scene
    from cardgen.render import raster
    from cardgen.render.assets import PageImages

    images = images or PageImages(page, palette=template.social.placeholder_palette or None)
    scene = social_scene(page, size, template, images)
    drawn = raster.draw(scene, images)
    placed = tuple(
        PlacedText(
            t.name,
            tuple(line.text for line in t.lines),
            t.rect.px(),
            t.size,
            drawn.contrast.get(t.name, 21.0),
            t.truncated,
            t.missing,
        )
        for t in scene.texts()
    )
    safe = scene.safe.px() if scene.safe is not None else (0, 0, size[0], size[1])
    return SocialImage(drawn.image, drawn.photo, placed, scene.diagnostics, safe, drawn.scrims, scene)


# --------------------------------------------------------------------------- files


def _targets(
    page: Page, output: Path | None, presets: list[tuple[str, tuple[int, int]]], fmt: str
) -> tuple[Path, Path | None, str]:
    """(folder, explicit file or None, format) for this call."""
    from cardgen.render.social_encode import SUFFIX_FORMATS, check_format

    fmt = check_format(fmt)
    if output is None:
        return Path.cwd(), None, fmt
    output = Path(output)
    if output.is_dir() or not output.suffix:
        return output, None, fmt
    suffix_fmt = SUFFIX_FORMATS.get(output.suffix.lower())
    if suffix_fmt is None:
        raise UsageError(f"{output}: unknown image suffix (use .png, .jpg or .webp, or give a folder)")
    if len(presets) > 1:
        raise UsageError(
            f"{output}: one file cannot hold {len(presets)} presets; give a folder with --preset all"
        )
    if fmt != "auto" and fmt != suffix_fmt:
        raise UsageError(f"{output}: suffix says {suffix_fmt} but --format is {fmt}")
    return output.parent, output, suffix_fmt


def _file_name(page: Page, preset: str, size: tuple[int, int], extension: str) -> str:
    label = f"{size[0]}x{size[1]}" if preset == "custom" else preset
    return f"{page.slug}-{label}.{extension}"


def render_social(
    page: Page,
    output: Path | None = None,
    *,
    preset: str = "og",
    size: str | None = None,
    template: str | Path | Template = "default",
    format: str = "auto",  # noqa: A002 - the CLI option's name
    max_bytes: int = 1_000_000,
    print_meta: bool = False,
    hugo: bool = False,
    images: PageImages | None = None,
) -> RenderResult:
    """Render the social image(s) of `page` and their meta snippet; see SPEC §3.2."""
    from cardgen.render import social_hugo
    from cardgen.render.assets import PageImages
    from cardgen.render.social_encode import encode
    from cardgen.render.social_meta import image_url, meta_snippet
    from cardgen.templates import load_template

    presets = resolve_presets(preset, size)
    tpl = load_template(template)
    folder, explicit, fmt = _targets(page, output, presets, format)
    if images is None:
        images = PageImages(page, palette=tpl.social.placeholder_palette or None)
    outputs: list[Path] = []
    warnings: list[str] = []
    sizes: dict[str, tuple[int, int]] = {}
    byte_counts: dict[str, int] = {}
    formats: dict[str, str] = {}
    primary: tuple[str, str, tuple[int, int], str] | None = None  # (preset, url, size, mime)
    for name, dims in presets:
        social = compose(page, dims, tpl, images)
        warnings.extend(social.warnings)
        encoded = encode(social.image, fmt, max_bytes, photo=social.photo)
        if encoded.note:
            warnings.append(f"{page.path}: social {name}: {encoded.note}")
        if hugo:
            path = social_hugo.static_path(page, encoded.extension, name)
            url = social_hugo.public_url(page, encoded.extension, name)
        else:
            path = (
                explicit if explicit is not None else folder / _file_name(page, name, dims, encoded.extension)
            )
            if explicit is not None and path.suffix.lower().lstrip(".") not in (encoded.extension, "jpeg"):
                path = path.with_suffix("." + encoded.extension)
                warnings.append(f"{page.path}: social {name}: wrote {path.name} ({encoded.note})")
            url = image_url(page, path.name)
        atomic_write(path, encoded.data)
        if name == "og":
            images.keep_preview(encoded.data, social.image)  # the event pack's contact sheet
        outputs.append(path)
        sizes[name] = dims
        byte_counts[name] = len(encoded.data)
        formats[name] = encoded.format
        if primary is None or name == "og":
            primary = (name, url, dims, f"image/{encoded.format}")
    assert primary is not None
    snippet = meta_snippet(page, primary[1], primary[2][0], primary[2][1], mime=primary[3], picture=images.has_image)
    if hugo:
        partial = social_hugo.write_partial(page)
        if partial is not None:
            outputs.append(partial)
    elif not print_meta:
        outputs.append(atomic_write(folder / f"{page.slug}-social.html", snippet.encode("utf-8")))
    warnings.extend(images.warnings)
    return RenderResult(
        outputs=tuple(outputs),
        warnings=tuple(dict.fromkeys(warnings)),
        info={"meta_html": snippet, "sizes": sizes, "bytes": byte_counts, "formats": formats},
    )
