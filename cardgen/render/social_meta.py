"""The HTML meta snippet that announces a social image (OpenGraph + X/Twitter card tags).

Crawlers need absolute image URLs: we build one from the page's public URL (or the site's baseURL)
when cardgen knows it, and fall back to the bare file name, which the user must then publish next to
the page.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin

from cardgen.page import Page

DESCRIPTION_LIMIT = 200  # Facebook shows ~2 lines; X truncates at 200


def image_alt(page: Page, picture: bool | None = None) -> str:
    """What a screen reader should say about the social image: the title it shows, then what its
    picture shows (`picture_alt`)."""
    alt = picture_alt(page, picture)
    title = page.title_plain or page.slug
    return f"{title} — {alt}" if alt else title


def picture_alt(page: Page, picture: bool | None = None) -> str:
    """What the page's own picture shows (its `image.alt_text`) when it is on the image (`picture`; by
    default, when the page has one); "" otherwise. Not the caption, which is often a credit ("Photo
    by … on Unsplash"), nor anything about a picture that placeholder art stands in for."""
    shows = page.featured_image is not None if picture is None else picture
    return " ".join(page.image.alt_text.split()) if shows else ""


def image_url(page: Page, filename: str) -> str:
    """Absolute URL of an image published next to the page, or `filename` when no URL is known."""
    if page.url.startswith(("http://", "https://")):
        base = page.url if page.url.endswith("/") else page.url + "/"
        return urljoin(base, filename)
    return filename


def short_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def meta_snippet(page: Page, url: str, width: int, height: int, *, mime: str = "", picture: bool | None = None) -> str:
    """`<meta>` tags for one image (`picture`: whether the page's own picture is on it, see
    `image_alt`); attribute values are HTML-escaped."""
    alt = image_alt(page, picture)
    tags = [
        ("property", "og:title", page.title_plain),
        ("property", "og:description", short_description(page.description)),
        ("property", "og:image", url),
    ]
    if mime:
        tags.append(("property", "og:image:type", mime))
    tags += [
        ("property", "og:image:width", str(width)),
        ("property", "og:image:height", str(height)),
        ("property", "og:image:alt", alt),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", page.title_plain),
        ("name", "twitter:description", short_description(page.description)),
        ("name", "twitter:image", url),
        ("name", "twitter:image:alt", alt),
    ]
    if page.url:
        tags.insert(0, ("property", "og:url", page.url))
    lines = [
        f'<meta {kind}="{escape(key)}" content="{escape(value)}" />' for kind, key, value in tags if value
    ]
    return "\n".join(lines) + "\n"
