"""The event gallery: `event/index.html`, one static page listing every project of a batch.

Visitors reach it from a QR code on a poster: each project shows its social image, title, authors and
summary, with links to its slides, card and page. The HTML comes from the Jinja2 template
`gallery.html.j2` next to this module (autoescaped); this module only gathers what the template shows.
Everything it links to lies inside the batch's output folder and is linked relatively, so the page
works from `file://` and from any static host; nothing is fetched from elsewhere (no fonts, scripts or
styles: the device's fonts, with the bundled face of each script on the page that a device may lack
embedded in the page (`cardgen.render.web_fonts`), inline CSS and a few lines of inline script for
arrow-key navigation).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from cardgen import __version__
from cardgen.colors import contrast_ratio, relative_luminance, rgb
from cardgen.output import atomic_write
from cardgen.page import Page

if TYPE_CHECKING:
    import jinja2

TEMPLATE = "gallery.html.j2"
INDEX = "index.html"
SUMMARY_LIMIT = 240
MIN_CONTRAST = 4.5

#: The gallery's own words. Those the shared label files have (`cardgen/i18n/labels/`) are taken from
#: there in the site's language (`I18N_KEYS`); the rest are English until those files carry them.
LABELS = {
    "skip": "Skip to the projects",
    "projects": "Projects",
    "downloads": "Downloads for the whole event",
    "scan": "Scan to open this page",
    "hint_before": "Tip: use",
    "hint_after": "to move between projects.",
    "slides": "Slides",
    "card": "Card",
    "page": "Project page",
    "site": "Project site",
    "showcase": "Showcase slides",
    "cards": "All cards",
    "contact": "Contact sheet",
}
I18N_KEYS = {"slides": "slides", "page": "project_page", "site": "project_website", "scan": "scan_to_open"}


def gallery_labels(lang: str) -> dict[str, str]:
    from cardgen.i18n import labels

    words = labels(lang)
    found = dict(LABELS)
    for ours, key in I18N_KEYS.items():
        try:
            found[ours] = words.text(key)
        except KeyError:  # a key the label files do not have (yet)
            pass
    return found

#: The two colour schemes before the template's accent is folded in (WCAG AA: every text colour
#: reaches 4.5:1 on the backgrounds it is used on; `gallery_palette` checks the accent).
LIGHT = {
    "page": "#f6f8fa", "card": "#ffffff", "text": "#1f2328", "muted": "#59636e", "line": "#d1d9e0",
    "band": "#111820", "on-band": "#ffffff", "on-band-muted": "#c9d1d9",
}
DARK = {
    "page": "#0d1117", "card": "#161b22", "text": "#e6edf3", "muted": "#9da7b3", "line": "#30363d",
    "band": "#010409", "on-band": "#ffffff", "on-band-muted": "#b7c0ca",
}


@dataclass(frozen=True)
class GalleryLink:
    label: str
    href: str
    kind: str = "file"  # deck | deck-pdf | card | page | file
    detail: str = ""  # "PPTX · 2.1 MB"
    download: bool = False
    external: bool = False


@dataclass(frozen=True)
class GalleryImage:
    href: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class GalleryItem:
    anchor: str
    title: str
    authors: str
    summary: str
    lang: str
    dir: str
    image: GalleryImage | None
    links: tuple[GalleryLink, ...]


@dataclass(frozen=True)
class Gallery:
    title: str
    kicker: str
    lang: str
    dir: str
    count_line: str
    description: str
    url: str
    qr_svg: str
    items: tuple[GalleryItem, ...]
    downloads: tuple[GalleryLink, ...]
    palette: dict[str, dict[str, str]]
    footer: str
    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))
    version: str = __version__


# --- colours -------------------------------------------------------------------------------------------


def _contrast(a: str, b: str) -> float:
    return contrast_ratio(relative_luminance(a), relative_luminance(b))


def _mix(colour: str, toward: str, t: float) -> str:
    a, b = rgb(colour), rgb(toward)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def readable_accent(accent: str, backgrounds: tuple[str, ...], toward: str) -> str:
    """The template's accent, darkened (or lightened) in small steps until it reads on every background."""
    colour = accent
    for step in range(21):
        colour = _mix(accent, toward, step / 20)
        if all(_contrast(colour, bg) >= MIN_CONTRAST for bg in backgrounds):
            return colour
    return colour


def gallery_palette(accent: str = "#0969da") -> dict[str, dict[str, str]]:
    """CSS custom properties for the light and the dark scheme, with the template's accent made readable:
    links on the page and card backgrounds, text on accent buttons, focus rings on both."""
    light, dark = dict(LIGHT), dict(DARK)
    light_accent = readable_accent(accent, (light["card"], light["page"]), "#000000")
    dark_accent = readable_accent(accent, (dark["card"], dark["page"]), "#ffffff")
    light.update({"accent": light_accent, "link": light_accent, "on-accent": _on(light_accent), "focus": light_accent})
    dark.update({"accent": dark_accent, "link": dark_accent, "on-accent": _on(dark_accent), "focus": dark_accent})
    return {"light": light, "dark": dark}


def _on(background: str) -> str:
    return "#ffffff" if _contrast("#ffffff", background) >= _contrast("#0d1117", background) else "#0d1117"


# --- text ----------------------------------------------------------------------------------------------


def text_direction(lang: str, text: str = "") -> str:
    """`rtl`/`ltr` from the language tag; for an unknown language, from the first strong character
    (what `dir="auto"` does, decided here so the print and the screen agree); else `auto`."""
    from cardgen.i18n import is_rtl

    if lang.strip():
        return "rtl" if is_rtl(lang) else "ltr"
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{max(1, round(n / 1000))} kB"


# --- gathering -----------------------------------------------------------------------------------------


def gallery_url(base_url: str | None, output: Path, site_root: Path | None, site_base_url: str) -> str:
    """Where `event/index.html` will be served: `base_url` is the public URL of the output folder;
    without it, an output folder inside the site's `static/` or `public/` is served at the same path
    below the site's baseURL. '' when unknown (then no QR code is drawn)."""
    if base_url:
        return base_url.rstrip("/") + "/event/"
    if site_root is None or not site_base_url.startswith(("http://", "https://")):
        return ""
    out = output.resolve()
    for served in ("static", "public"):
        try:
            rel = out.relative_to((site_root / served).resolve())
        except ValueError:
            continue
        path = "/".join(rel.parts)
        return site_base_url.rstrip("/") + "/" + (path + "/" if path else "") + "event/"
    return ""


def _href(rel_to_output: str) -> str:
    """A path relative to the output folder → a link from `event/index.html` (percent-encoded)."""
    from urllib.parse import quote

    return "../" + quote(PurePosixPath(Path(rel_to_output).as_posix()).as_posix())


def _image(page: Page, output: Path, outputs: list[dict[str, Any]]) -> GalleryImage | None:
    from PIL import Image

    from cardgen.render.social_meta import picture_alt

    candidates = [o for o in outputs if Path(o["path"]).suffix in (".jpg", ".png", ".webp")]
    candidates.sort(key=lambda o: "-og." not in Path(o["path"]).name)  # the OpenGraph image first
    for item in candidates:
        try:
            with Image.open(output / item["path"]) as img:
                width, height = img.size
        except OSError:
            continue
        # The card's heading says the title the preview shows: the alt says what else it shows (the
        # page's picture), and is empty otherwise (decorative), rather than the title twice.
        return GalleryImage(_href(item["path"]), picture_alt(page), width, height)
    return None


def _links(page: Page, outputs: list[dict[str, Any]], words: dict[str, str]) -> tuple[GalleryLink, ...]:
    links: list[GalleryLink] = []
    by_name = {Path(o["path"]).name: o for o in outputs}
    deck = by_name.get(f"{page.slug}.pptx")
    deck_pdf = by_name.get(f"{page.slug}.pdf")
    card = by_name.get(f"{page.slug}-card.pdf")
    if deck:
        links.append(GalleryLink(words["slides"], _href(deck["path"]), "deck", f"PPTX · {_size(deck['bytes'])}", True))
    if deck_pdf:
        links.append(GalleryLink(words["slides"], _href(deck_pdf["path"]), "deck-pdf", f"PDF · {_size(deck_pdf['bytes'])}"))
    if card:
        links.append(GalleryLink(words["card"], _href(card["path"]), "card", f"PDF · {_size(card['bytes'])}"))
    url = page.main_url
    if url:
        label = words["page"] if url == page.url else words["site"]
        links.append(GalleryLink(label, url, "page", "", external=True))
    return tuple(links)


def gallery_item(page: Page, output: Path, outputs: list[dict[str, Any]], anchor: str, default_lang: str,
                 words: dict[str, str]) -> GalleryItem:
    from cardgen.i18n import join_names
    from cardgen.render.social_meta import short_description

    lang = page.language or default_lang
    return GalleryItem(
        anchor=anchor,
        title=page.title_plain,
        authors=join_names(page.author_names, lang, max_names=6),
        summary=short_description(page.description, SUMMARY_LIMIT),
        lang=lang or "und",
        dir=text_direction(page.language, page.title_plain + " " + page.description),
        image=_image(page, output, outputs),
        links=_links(page, outputs, words),
    )


def _downloads(pack_outputs: list[dict[str, Any]], words: dict[str, str]) -> tuple[GalleryLink, ...]:
    links = []
    for item in pack_outputs:
        name = Path(item["path"]).name
        detail = f"{Path(name).suffix.lstrip('.').upper()} · {_size(item['bytes'])}"
        if name == "showcase.pptx":
            links.append((0, GalleryLink(words["showcase"], _href(item["path"]), "deck", detail, True)))
        elif name == "showcase.pdf":
            links.append((1, GalleryLink(words["showcase"], _href(item["path"]), "deck-pdf", detail)))
        elif name.startswith("cards-") and name.endswith(".pdf"):
            sheet = name[len("cards-"):-len(".pdf")].upper()
            links.append((2, GalleryLink(words["cards"], _href(item["path"]), "card", f"{sheet} {detail}")))
        elif name == "contact-sheet.png":
            links.append((3, GalleryLink(words["contact"], _href(item["path"]), "file", detail)))
    return tuple(link for _, link in sorted(links, key=lambda pair: pair[0]))


def _qr_svg(url: str) -> str:
    import segno
    from markupsafe import escape

    svg = segno.make(url, error="m").svg_inline(scale=4, border=4, dark="#000000", light="#ffffff", omitsize=False)
    label = escape(f"QR code for {url}")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def build_gallery(
    entries: list[tuple[Page, list[dict[str, Any]]]],
    output: Path,
    *,
    event: str | None,
    pack_outputs: list[dict[str, Any]] = (),  # type: ignore[assignment]
    base_url: str | None = None,
    accent: str = "#0969da",
) -> Gallery:
    """What the gallery shows. `entries` are (page, its output records relative to `output`)."""
    site = next((p.site for p, _ in entries if p.site is not None), None)
    site_title = site.title if site is not None else ""
    lang = (site.language if site is not None and site.language else "") or "en"
    words = gallery_labels(lang)
    title = event or site_title or words["projects"]
    url = gallery_url(base_url, output, site.root if site else None, site.base_url if site else "")
    anchors: dict[str, int] = {}
    items = []
    for page, outputs in entries:
        base = "p-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in page.slug)
        anchors[base] = anchors.get(base, 0) + 1
        anchor = base if anchors[base] == 1 else f"{base}-{anchors[base]}"
        items.append(gallery_item(page, output, outputs, anchor, lang, words))
    count = len(items)
    count_line = f"{count} project" + ("" if count == 1 else "s")
    if event and site_title:
        count_line += f" from {site_title}"
    return Gallery(
        title=title,
        kicker=site_title if event and site_title else "",
        lang=lang,
        dir=text_direction(lang),
        count_line=count_line,
        description=f"{title}: {count_line}, with slides, cards and links for each.",
        url=url,
        qr_svg=_qr_svg(url) if url else "",
        items=tuple(items),
        downloads=_downloads(list(pack_outputs), words),
        palette=gallery_palette(accent),
        footer=f"Slides, cards and images made with cardgen {__version__}.",
        labels=words,
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(Path(__file__).parent)),
        autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=("j2", "html")),
        undefined=StrictUndefined,  # a misspelt field is an error, not an empty string
        keep_trailing_newline=True,
    )


def render_gallery_html(gallery: Gallery) -> str:
    from dataclasses import replace

    from markupsafe import Markup

    from cardgen.render.web_fonts import web_fonts

    data = replace(gallery, qr_svg=Markup(gallery.qr_svg))  # segno's own SVG: unescaped, as the fonts
    fonts = web_fonts(gallery_texts(gallery))
    html: str = _environment().get_template(TEMPLATE).render(
        g=data, font_faces=Markup("\n".join(font.css for font in fonts)),
        fonts_first=[f.family for f in fonts if f.first], fonts_last=[f.family for f in fonts if not f.first])
    return html


def gallery_texts(gallery: Gallery) -> list[str]:
    """Every text the page shows (for the fonts it carries)."""
    texts = [gallery.title, gallery.kicker, gallery.count_line, gallery.description, gallery.footer,
             *gallery.labels.values()]
    for item in gallery.items:
        texts += [item.title, item.authors, item.summary, *(link.label for link in item.links)]
    texts += [link.label for link in gallery.downloads]
    return texts


def write_gallery(gallery: Gallery, folder: Path) -> Path:
    return atomic_write(folder / INDEX, render_gallery_html(gallery).encode("utf-8"))
