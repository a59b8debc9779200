"""What a page IS: frozen dataclasses for a Hugo project page, plus `load_page()`.

The loader itself lives in `cardgen.loader`; this module only holds the model so that every part of
cardgen can import it cheaply.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from cardgen.document import Document, Inline, Slide, plain

#: Bytes a QR code can hold (version 40, error correction M, byte mode): longer URLs get no QR code.
QR_MAX_BYTES = 2331


class FocalPoint(str, Enum):
    """Hugo's anchors for `image.focal_point` (the theme compares case-insensitively).

    A `str` enum, so a value compares equal to its lower-case name ("topleft"). `fractions` says where a
    fixed anchor sits along x and y (0 = left/top, 0.5 = centre, 1 = right/bottom); `Smart` has none
    (the saliency analysis decides). The loader normalises front matter once with `parse`; everything
    after it holds a `FocalPoint`.
    """

    SMART = "smart"
    CENTER = "center"
    TOPLEFT = "topleft"
    TOP = "top"
    TOPRIGHT = "topright"
    LEFT = "left"
    RIGHT = "right"
    BOTTOMLEFT = "bottomleft"
    BOTTOM = "bottom"
    BOTTOMRIGHT = "bottomright"

    def __str__(self) -> str:
        return self.value

    @property
    def display(self) -> str:
        """The spelling of the theme's documentation: `TopLeft`, `Smart`."""
        return _DISPLAY[self.value]

    @property
    def fractions(self) -> tuple[float, float] | None:
        return _FRACTIONS.get(self.value)

    @classmethod
    def parse(cls, value: object) -> FocalPoint | None:
        """`"TopLeft"`, `" top_left "`, `"TOP-LEFT"` → TOPLEFT; empty or None → SMART; unknown → None.

        Case, spaces, `_` and `-` are ignored, as the theme lower-cases the value before comparing."""
        if isinstance(value, FocalPoint):
            return value
        if value is None:
            return cls.SMART
        key = re.sub(r"[\s_\-]", "", str(value)).lower()
        if not key:
            return cls.SMART
        try:
            return cls(key)
        except ValueError:
            return None


_DISPLAY = {
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
_FRACTIONS: dict[str, tuple[float, float]] = {
    "topleft": (0.0, 0.0),
    "top": (0.5, 0.0),
    "topright": (1.0, 0.0),
    "left": (0.0, 0.5),
    "center": (0.5, 0.5),
    "right": (1.0, 0.5),
    "bottomleft": (0.0, 1.0),
    "bottom": (0.5, 1.0),
    "bottomright": (1.0, 1.0),
}

#: Anchor names, lower-cased, in the theme's documentation order.
FOCAL_POINTS = tuple(f.value for f in FocalPoint)

#: Hugo's `imaging.resampleFilter` names (resources/images/config.go), lower-cased as Hugo reads them.
RESAMPLE_FILTERS = (
    "nearestneighbor", "box", "linear", "hermite", "mitchellnetravali", "catmullrom", "bspline",
    "gaussian", "lanczos", "hann", "hamming", "blackman", "bartlett", "welch", "cosine",
)
#: name → display spelling.
FOCAL_POINT_NAMES = dict(_DISPLAY)


@dataclass(frozen=True)
class ImageSettings:
    """The page's `image:` front-matter block."""

    caption: str = ""  # Markdown, as written
    caption_runs: Inline = ()
    focal_point: FocalPoint = FocalPoint.SMART
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
    email: str = ""  # from the profile's `email`, or its `social` envelope link (mailto:)


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
    warnings: tuple[str, ...] = ()  # problems with the site's configuration (every page repeats them)
    #: The site's `[imaging]` settings that change crops, lower-cased as Hugo reads them:
    #: `resampleFilter` (Smart analyses a copy prescaled with it) and `anchor` (the default anchor).
    resample_filter: str = "box"
    anchor: str = "smart"


@dataclass(frozen=True)
class Page:
    path: Path
    title: str  # Markdown/HTML as written
    title_runs: Inline
    title_plain: str  # markup stripped, entities decoded, emoji kept
    description: str  # plain text, from summary → abstract → description → first body paragraph
    description_source: str  # "summary" | "abstract" | "description" | "body" | ""
    summary_runs: Inline
    subtitle: str = ""  # plain text of `subtitle`, which the theme's page header shows under the title
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
    def qr_url(self) -> str:
        """`main_url` when a QR code can hold it, else "" (the loader has warned): renderers draw QR
        codes from this, so one absurd URL costs that page its QR code and nothing else."""
        url = self.main_url
        return url if len(url.encode("utf-8")) <= QR_MAX_BYTES else ""

    @property
    def author_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.authors)

    @property
    def site_title(self) -> str:
        return self.site.title if self.site else ""

    @property
    def slug(self) -> str:
        """A file-name-safe stem for outputs: the bundle folder name, or the file stem, with separators,
        dots-only names and control characters replaced and the length capped (see `safe_name`)."""
        from cardgen.safepath import safe_name

        return safe_name(self.bundle_dir.name if self.bundle_dir is not None else self.path.stem)
