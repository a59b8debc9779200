"""Pictures of a deck that both deck backends draw the same way: the hero crop's size and alt text, the
video thumbnail art, slide background colours as CSS writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cardgen.imaging.placement import SLIDE_PX_PER_INCH  # the 2× enlargement cap counts there
from cardgen.units import pt_to_px

if TYPE_CHECKING:
    from PIL import Image

    from cardgen.page import Page
    from cardgen.render.deck_plan import Geometry

HERO_SPLIT = 0.56
HERO_DPI = 150  # projectors show 13.3 in slides at ~1920 px: 150 dpi is sharp there


def hero_pixels(geometry: Geometry) -> tuple[int, int]:
    """Pixel size of the title slide's hero crop (the showcase reuses it, so a batch cuts it once)."""
    width = geometry.width * (1 - geometry.hero_split)
    return round(pt_to_px(width, HERO_DPI)), round(pt_to_px(geometry.height, HERO_DPI))


def hero_frame(geometry: Geometry) -> tuple[float, float]:
    """The title slide's picture frame at `SLIDE_PX_PER_INCH`, where both deck backends decide whether
    the picture covers it or is shown whole (the same decision in the pptx and the PDF)."""
    width = geometry.width * (1 - geometry.hero_split)
    return pt_to_px(width, SLIDE_PX_PER_INCH), pt_to_px(geometry.height, SLIDE_PX_PER_INCH)


def hero_alt(page: Page) -> str:
    return page.image.alt_text or page.image.caption_text or page.title_plain


def css_color(value: str) -> str | None:
    from PIL import ImageColor

    try:
        r, g, b = ImageColor.getrgb(value.strip())[:3]
    except (ValueError, AttributeError):
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


def video_art(image: Image.Image) -> Image.Image:
    """Placeholder art with a play button: a video thumbnail that does not pretend to be a frame."""
    from PIL import ImageDraw

    image = image.convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = image.size
    r = min(w, h) * 0.14
    cx, cy = w / 2, h / 2
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(0, 0, 0, 150))
    draw.polygon([(cx - r * 0.35, cy - r * 0.5), (cx - r * 0.35, cy + r * 0.5), (cx + r * 0.55, cy)],
                 fill=(255, 255, 255, 255))
    return image
