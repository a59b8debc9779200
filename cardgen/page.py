"""What a page IS: frozen dataclasses for a Hugo project page, plus `load_page()`.

The loader itself lives in `cardgen.loader`; this module only holds the model so that every part of
cardgen can import it cheaply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgen.document import Document, Inline, Slide, plain

#: Hugo's anchors for `image.focal_point`, lower-cased (the theme compares case-insensitively).
FOCAL_POINTS = (
    "smart",
    "center",
    "topleft",
    "top",
    "topright",
    "left",
    "right",
    "bottomleft",
    "bottom",
    "bottomright",
)

#: The display spelling of each anchor, as the theme's documentation writes it.
FOCAL_POINT_NAMES = {
    "smart": "Smart",
    "center": "Center",
    "topleft": "TopLeft",
    "top": "Top",
    "topright": "TopRight",
    "left": "Left",
    "right": "Right",
    "bottomleft": "BottomLeft",
    "bottom": "Bottom",
    "bottomright": "BottomRight",
}


@dataclass(frozen=True)
class ImageSettings:
    """The page's `image:` front-matter block."""

    caption: str = ""  # Markdown, as written
    caption_runs: Inline = ()
    focal_point: str = "smart"  # one of FOCAL_POINTS
    preview_only: bool = False
    alt_text: str = ""
    filename: str = ""
    placement: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def caption_text(self) -> str:
        return plain(self.caption_runs)


@dataclass(frozen=True)
class Author:
    name: str
    slug: str | None = None  # set when the front matter named an author profile
    role: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class Link:
    """A link shown with the project: from `links:`, a `url_*` key, `external_link` or the page URL."""

    name: str
    url: str
    kind: str = "custom"  # custom, code, pdf, slides, video, dataset, poster, project, source, external, page
    icon_pack: str = ""
    icon: str = ""


@dataclass(frozen=True)
class Site:
    """What cardgen knows about the Hugo site a page belongs to."""

    root: Path
    title: str = ""
    base_url: str = ""
    language: str = ""
    colors: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    logo: Path | None = None


@dataclass(frozen=True)
class Page:
    path: Path
    title: str  # Markdown/HTML as written
    title_runs: Inline
    title_plain: str  # markup stripped, entities decoded, emoji kept
    description: str  # plain text, from summary → abstract → description → first body paragraph
    description_source: str  # "summary" | "abstract" | "description" | "body" | ""
    summary_runs: Inline
    authors: tuple[Author, ...] = ()
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    date: dt.datetime | dt.date | None = None
    lastmod: dt.datetime | dt.date | None = None
    publish_date: dt.datetime | dt.date | None = None
    external_link: str = ""
    image: ImageSettings = ImageSettings()
    featured_image: Path | None = None
    links: tuple[Link, ...] = ()
    slides_name: str = ""
    slides: tuple[Slide, ...] = ()  # from the linked slides page, or this page if it is a slides page
    slides_path: Path | None = None
    is_slides_page: bool = False
    document: Document = Document()
    bundle_dir: Path | None = None  # the page bundle folder; None for a single-file page
    site: Site | None = None
    url: str = ""  # public URL when the site's baseURL is known
    language: str = ""  # BCP-47-ish primary tag ("en", "ja", "zh", "ko", …) when known
    draft: bool = False
    front_matter: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    warnings: tuple[str, ...] = ()

    @property
    def main_url(self) -> str:
        """The address a QR code, closing slide or card points to (the rule: `cardgen.fields.main_url`)."""
        from cardgen.fields import main_url

        return main_url(self)

    @property
    def author_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.authors)

    @property
    def site_title(self) -> str:
        return self.site.title if self.site else ""

    @property
    def slug(self) -> str:
        """A file-name-safe stem for outputs: the bundle folder name, or the file stem."""
        if self.bundle_dir is not None:
            return self.bundle_dir.name
        return self.path.stem
