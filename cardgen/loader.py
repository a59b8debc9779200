"""`load_page()`: a page file → the frozen `Page` every output is rendered from.

Field handling mirrors the Wowchemy / Hugo Blox theme (see SPEC §1): the featured image lookup follows
the theme's `get_featured_image` partial, focal points compare case-insensitively, and anything the
theme would tolerate (missing keys, nulls, legacy string values) becomes a warning, never a crash.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeGuard

from cardgen.document import Document, Inline, Paragraph, Slide
from cardgen.errors import PageError
from cardgen.frontmatter import parse_date, read_text, split_front_matter
from cardgen.limits import (
    MAX_CODE_LINE_CHARS,
    MAX_CODE_LINES,
    MAX_LIST_ITEMS,
    MAX_PARAGRAPH_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    MAX_WORD_CHARS,
    cap_blocks,
    cut_body,
    cut_runs,
    cut_text,
    cut_words,
)
from cardgen.page import QR_MAX_BYTES, FocalPoint, ImageSettings, Link, Page, Site
from cardgen.safepath import MAX_IMAGE_BYTES, inside, is_dir, is_file, short
from cardgen.site import find_site_root, load_site, page_language, page_url, resolve_author, resolve_slides

#: Image types Hugo's `.Resources.ByType "image"` returns and its image processing can read.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".avif", ".svg")
#: Image types the theme could show but cardgen cannot draw: named in a warning, never silently skipped.
UNDRAWN_EXTENSIONS = (".heic", ".heif", ".jxl", ".svgz", ".ico")

#: How the field helpers report a problem: `warn(field, message)`.
Warn = Callable[[str, str], None]

#: Longest URL kept from the front matter.
MAX_URL_CHARS = 8192

#: The theme's `url_*` buttons, in the order it shows them (English names; the page's language's
#: come from cardgen/i18n/labels, keyed by the name without `url_`).
URL_KEYS = {
    "url_pdf": "PDF",
    "url_code": "Code",
    "url_dataset": "Dataset",
    "url_poster": "Poster",
    "url_project": "Project",
    "url_slides": "Slides",
    "url_source": "Source",
    "url_video": "Video",
}


def load_page(
    path: str | Path,
    site_root: str | Path | None = None,
    *,
    default_focal_point: str | None = None,
    detect_site: bool = True,
) -> Page:
    """Read and parse one page. Raises PageError for a file that cannot be read or parsed at all.

    `site_root` is detected by walking up from the page when not given (and `detect_site` is true).
    A page without a (valid) `image.focal_point` gets `default_focal_point`, else the site's
    `[imaging] anchor`, else Smart — Hugo's `Fill` falls back to the site anchor the same way.
    """
    path = Path(path)
    root = Path(site_root) if site_root is not None else (find_site_root(path.parent) if detect_site else None)
    site = load_site(root.resolve()) if root is not None and is_dir(root) else None
    if site is not None and _leaves(path, site.root):
        raise PageError(f"is a symlink to {short(str(path.resolve()))}, outside the site {site.root}; refused", path=path)
    text = read_text(path)
    if not text.strip():
        raise PageError("empty file; expected Markdown with front matter", path=path)
    raw = split_front_matter(text, path)
    meta = raw.meta
    warnings: list[str] = []

    def warn(field: str, message: str) -> None:
        warnings.append(f"{path}: {field}: {message}")

    if raw.format == "none":
        warn("front matter", "none found; using the file name as title")
    if site_root is not None and site is None:
        warn("site", f"{site_root} is not a folder; continuing without site context")
    if site is not None:
        warnings.extend(site.warnings)
    bundle_dir = path.parent if path.name in ("index.md", "_index.md") else None
    base_dir = bundle_dir or path.parent
    lang = page_language(site, path)

    from cardgen.markdown import page_macros, parse_document, parse_inline
    from cardgen.math import macros_from_front_matter
    from cardgen.slides import parse_slides
    from cardgen.text.plain import to_plain

    slides_value = meta.get("slides")
    is_slides_page = (isinstance(slides_value, dict) or str(meta.get("type") or "").lower() == "slides"
                      or _in_section(site, path, "slides"))
    slides: tuple[Slide, ...] = ()
    slides_path: Path | None = None
    slides_name = ""
    site_root_path = site.root if site else None
    macros = macros_from_front_matter(meta)
    body = _capped_body(raw.body, "body", warn)
    if is_slides_page:
        slides, slide_warnings = parse_slides(body, base_dir=base_dir, site_root=site_root_path, macros=macros)
        warnings.extend(f"{path}: body: {w}" for w in slide_warnings)
        slides_path = path
        document = Document(macros=page_macros(body, macros))
    else:
        document = parse_document(body, base_dir=base_dir, site_root=site_root_path, macros=macros)
        warnings.extend(f"{path}: body: {w}" for w in document.warnings)
        if isinstance(slides_value, str) and slides_value.strip():
            slides_name = slides_value.strip()
            slides_path = resolve_slides(site, path, slides_name, lang)
            if slides_path is None:
                warn("slides", f"deck {slides_name!r} not found (looked for content/slides/{slides_name}/index.md)")
            else:
                try:
                    deck_raw = split_front_matter(read_text(slides_path, site_root_path), slides_path)
                except PageError as exc:
                    warn("slides", f"cannot read the linked deck: {exc}")
                else:
                    deck_base = slides_path.parent
                    deck_macros = macros + macros_from_front_matter(deck_raw.meta if isinstance(deck_raw.meta, dict) else {})
                    slides, slide_warnings = parse_slides(_capped_body(deck_raw.body, "slides", warn), base_dir=deck_base,
                                                          site_root=site_root_path, macros=deck_macros)
                    warnings.extend(f"{slides_path}: body: {w}" for w in slide_warnings)
        elif slides_value not in (None, "") and not isinstance(slides_value, str):
            warn("slides", f"expected a deck name, got {type(slides_value).__name__}; ignored")

    document, slides = _capped_blocks(document, slides, warn)

    # Title -------------------------------------------------------------------------------------
    title = _capped(_as_text(meta.get("title"), "title", warn), MAX_TITLE_CHARS, "title", warn)
    if not title.strip():
        title = _first_heading(slides, document) or _title_from_name(path)
        if raw.format != "none":
            warn("title", f"missing; using {title!r}")
    title_runs = parse_inline(title)
    title_plain = to_plain(title) or _title_from_name(path)
    subtitle = " ".join(to_plain(_capped(_as_text(meta.get("subtitle"), "subtitle", warn), MAX_TITLE_CHARS,
                                         "subtitle", warn)).split())

    # Description: summary → abstract → description → first paragraph -----------------------------
    description_source = ""
    summary_md = ""
    for key in ("summary", "abstract", "description"):
        value = _as_text(meta.get(key), key, warn)
        if value.strip():
            summary_md, description_source = _capped(value.strip(), MAX_SUMMARY_CHARS, key, warn), key
            break
    if not summary_md:
        first = next((b for b in document.blocks if _describes(b)), None)
        if first is None:
            first = next((b for s in slides for b in s.blocks if _describes(b)), None)
        if first is not None:
            summary_runs = cut_runs(first.runs, MAX_SUMMARY_CHARS)
            description = cut_text(to_plain(first.text), MAX_SUMMARY_CHARS)
            description_source = "body"
        else:
            summary_runs, description = (), ""
    else:
        summary_runs = parse_inline(summary_md)
        description = to_plain(summary_md)

    # Authors, taxonomies, dates ------------------------------------------------------------------
    author_names = author_entries(meta, warn)
    authors = tuple(resolve_author(site, name, lang) for name in author_names)
    for author in authors:
        if author.name == "admin" and author.slug is None:
            warn("authors", "'admin' is the site owner's profile, but content/authors/admin/_index.md was not found")
    tags = tuple(_first(list(dict.fromkeys(_as_list(meta.get("tags"), "tags", warn))), "tags", warn))
    categories = tuple(_first(list(dict.fromkeys(_as_list(meta.get("categories"), "categories", warn))), "categories", warn))
    dates: dict[str, dt.datetime | dt.date | None] = {}
    for key in ("date", "lastmod", "publishDate"):
        date_value = meta.get(key, meta.get("publish_date") if key == "publishDate" else None)
        try:
            dates[key] = parse_date(date_value)
        except (ValueError, OverflowError, OSError) as exc:
            warn(key, str(exc))
            dates[key] = None

    # Image -------------------------------------------------------------------------------------
    fallback = default_focal_point or (site.anchor if site is not None else "smart")
    image = _image_settings(meta, fallback, warn, parse_inline)
    featured = find_featured_image(bundle_dir, image.filename, site_root_path, warn)

    # Links -------------------------------------------------------------------------------------
    url = page_url(site, path, meta)
    external_link = _url(_as_text(meta.get("external_link"), "external_link", warn).strip(), "external_link", warn)
    language = _page_language(path, site, lang, meta, f"{title_plain} {description}", document, slides)
    links = _links(meta, url, external_link, warn, language)

    page = Page(
        path=path,
        title=title,
        title_runs=title_runs,
        title_plain=title_plain,
        description=description,
        description_source=description_source,
        summary_runs=summary_runs,
        subtitle=subtitle,
        authors=authors,
        tags=tags,
        categories=categories,
        date=dates["date"],
        lastmod=dates["lastmod"],
        publish_date=dates["publishDate"],
        external_link=external_link,
        image=image,
        featured_image=featured,
        links=links,
        slides_name=slides_name,
        slides=slides,
        slides_path=slides_path,
        is_slides_page=is_slides_page,
        document=document,
        bundle_dir=bundle_dir,
        site=site,
        url=url,
        language=language,
        draft=_as_bool(meta.get("draft"), "draft", warn),
        front_matter=meta,
        warnings=tuple(dict.fromkeys(warnings)),
    )
    qr_bytes = len(page.main_url.encode("utf-8"))
    if qr_bytes > QR_MAX_BYTES:
        field = "external_link" if page.main_url == external_link else "url" if page.main_url == url else "links"
        warn(field, f"the page's main URL is {qr_bytes} bytes, too long for a QR code (at most {QR_MAX_BYTES}); "
                    "the outputs show no QR code for this page")
        page = replace(page, warnings=tuple(dict.fromkeys(warnings)))
    return page


# --- field helpers ----------------------------------------------------------------------------------


def _capped(text: str, limit: int, field: str, warn: Warn) -> str:
    """A front-matter text cut to what the layout ever considers (words capped too), with a warning."""
    out = cut_words(cut_text(text, limit))
    if len(text) > limit:
        warn(field, f"{len(text)} characters; only the first {limit} are used")
    elif out != text:
        warn(field, f"words longer than {MAX_WORD_CHARS} characters are shortened")
    return out


def _capped_body(body: str, field: str, warn: Warn) -> str:
    out = cut_body(body)
    if out is not body:
        warn(field, f"{len(body)} characters; only the first {len(out)} are used for the outputs")
    return out


def author_entries(meta: dict[str, Any], warn: Warn | None = None) -> list[str]:
    """The front matter's author entries (`authors`, else `author`) as the page reads them: names or
    profile ids, before profiles are looked up."""
    say: Warn = warn or (lambda field, message: None)
    return _first(_as_list(meta.get("authors", meta.get("author")), "authors", say), "authors", say)


def _first(items: list[str], field: str, warn: Warn) -> list[str]:
    if len(items) > MAX_LIST_ITEMS:
        warn(field, f"{len(items)} entries; only the first {MAX_LIST_ITEMS} are used")
        items = items[:MAX_LIST_ITEMS]
    return [_capped(item, MAX_TITLE_CHARS, field, warn) if len(item) > MAX_WORD_CHARS else item for item in items]


def _capped_blocks(document: Document, slides: tuple[Slide, ...], warn: Warn) -> tuple[Document, tuple[Slide, ...]]:
    problems: set[str] = set()
    blocks = cap_blocks(document.blocks, problems)
    if blocks != document.blocks:
        document = replace(document, blocks=blocks)
    capped_slides = tuple(replace(s, blocks=cap_blocks(s.blocks, problems), notes=cap_blocks(s.notes, problems))
                          for s in slides) if slides else slides
    if "word" in problems:
        warn("body", f"words longer than {MAX_WORD_CHARS} characters are shortened")
    if "paragraph" in problems:
        warn("body", f"paragraphs longer than {MAX_PARAGRAPH_CHARS} characters are cut")
    if "code" in problems:
        warn("body", f"code blocks are cut to {MAX_CODE_LINES} lines of {MAX_CODE_LINE_CHARS} characters")
    return document, capped_slides


def _leaves(path: Path, root: Path) -> bool:
    """A page whose path lies in the site but which resolves (through a symlink) outside it."""
    import os

    lexical = Path(os.path.abspath(path))
    try:
        lexical.relative_to(Path(os.path.abspath(root)))
    except ValueError:
        try:
            lexical.relative_to(root.resolve())
        except ValueError:
            return False  # a page outside the site, named on purpose with --site
    return not inside(path, root)


def _as_text(value: Any, field: str, warn: Warn) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        warn(field, "expected text, got a list; joined")
        return " ".join(str(v) for v in value)
    warn(field, f"expected text, got {type(value).__name__}; ignored")
    return ""


def _as_list(value: Any, field: str, warn: Warn) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if item is None:
                continue
            if isinstance(item, dict):
                name = item.get("name") or item.get("title")
                if name:
                    out.append(str(name).strip())
                continue
            if isinstance(item, (list, tuple)):
                warn(field, "nested list ignored")
                continue
            text = str(item).strip()
            if text:
                out.append(text)
        return out
    warn(field, f"expected a list, got {type(value).__name__}; ignored")
    return []


def _as_bool(value: Any, field: str, warn: Warn) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False
    warn(field, f"expected true or false, got {value!r}; using false")
    return False


def normalize_focal_point(value: Any, default: str | FocalPoint = FocalPoint.SMART) -> tuple[FocalPoint, str | None]:
    """A front-matter focal point → (its FocalPoint, warning or None); empty or unknown → `default`."""
    fallback = FocalPoint.parse(default) or FocalPoint.SMART
    if value is None or (isinstance(value, str) and not value.strip()):
        return fallback, None
    focal = FocalPoint.parse(value)
    if focal is not None:
        return focal, None
    names = ", ".join(f.display for f in FocalPoint)
    return fallback, f"{value!r} is not one of {names}; using {fallback.display}"


def _image_settings(meta: dict[str, Any], default_focal_point: str, warn: Warn,
                    parse_inline: Callable[[str], Inline]) -> ImageSettings:
    value = meta.get("image")
    if value is None:
        value = {}
    if isinstance(value, str):
        warn("image", "a plain string is the legacy form; treating it as image.filename")
        value = {"filename": value}
    if not isinstance(value, dict):
        warn("image", f"expected a table of settings, got {type(value).__name__}; ignored")
        value = {}
    header = meta.get("header")
    if not value.get("filename") and isinstance(header, dict) and isinstance(header.get("image"), str) and header["image"].strip():
        value = {**value, "filename": header["image"].strip()}
        if not value.get("caption") and isinstance(header.get("caption"), str):
            value["caption"] = header["caption"]
    caption = _as_text(value.get("caption"), "image.caption", warn).strip()
    focal, problem = normalize_focal_point(value.get("focal_point"), default_focal_point)
    if problem:
        warn("image.focal_point", problem)
    placement = value.get("placement")
    known = {"caption", "focal_point", "preview_only", "alt_text", "filename", "placement"}
    return ImageSettings(
        caption=caption,
        caption_runs=parse_inline(caption) if caption else (),
        focal_point=focal,
        preview_only=_as_bool(value.get("preview_only"), "image.preview_only", warn),
        alt_text=_as_text(value.get("alt_text"), "image.alt_text", warn).strip(),
        filename=_as_text(value.get("filename"), "image.filename", warn).strip(),
        placement=placement if isinstance(placement, int) and not isinstance(placement, bool) else None,
        extra={k: v for k, v in value.items() if k not in known},
    )


def find_featured_image(
    bundle_dir: Path | None, filename: str, site_root: Path | None, warn: Warn
) -> Path | None:
    """The theme's featured image lookup (wowchemy `get_featured_image.html`).

    1. the bundle's top-level images whose name contains "featured" (Hugo's glob is case-insensitive
       and does not cross "/"), the first in name order;
    2. `image.filename` inside the bundle;
    3. `assets/media/<image.filename>` of the site.
    Paths that leave the bundle or the site (`../`, symlinks) are refused.
    """
    if bundle_dir is not None and is_dir(bundle_dir):
        named = sorted((p for p in bundle_dir.iterdir() if "featured" in p.name.lower()), key=lambda p: p.name.lower())
        matches = [p for p in named if p.suffix.lower() in IMAGE_EXTENSIONS and is_file(p, bundle_dir)]
        for p in named:
            if p.suffix.lower() in UNDRAWN_EXTENSIONS:
                warn("image", f"{p.name}: cardgen cannot draw {p.suffix.lstrip('.').upper()} images; "
                              "save it as JPEG, PNG, WebP, AVIF or SVG")
            elif p.suffix.lower() in IMAGE_EXTENSIONS and p not in matches:
                warn("image", f"{p.name}: not a regular file inside the bundle (a link out of it, a FIFO?); refused")
        too_big = [p for p in matches if _file_size(p) > MAX_IMAGE_BYTES]
        for p in too_big:
            warn("image", f"{p.name}: {_file_size(p) / 1e6:.0f} MB, more than the {MAX_IMAGE_BYTES / 1e6:.0f} MB "
                          "cardgen reads; refused")
        matches = [p for p in matches if p not in too_big]
        if len(matches) > 1:
            warn("image", f"several featured images ({', '.join(p.name for p in matches)}); using {matches[0].name}")
        if matches:
            return matches[0]
    if not filename:
        return None
    if filename.startswith(("http://", "https://", "//")):
        warn("image.filename", f"remote image {filename!r} skipped (cardgen never downloads)")
        return None
    clean = filename.lstrip("/")
    candidates: list[tuple[Path, Path]] = []
    if bundle_dir is not None:
        candidates.append((bundle_dir / clean, bundle_dir))
    if site_root is not None:
        media = site_root / "assets" / "media"
        candidates.append((media / clean, media))
    for candidate, folder in candidates:
        if not inside(candidate, folder):
            warn("image.filename", f"{short(filename)!r} points outside {folder}; refused")
            return None
        if is_file(candidate):
            return candidate
    where = " or ".join(str(folder) for _, folder in candidates) or "a page bundle (this page is a single file)"
    warn("image.filename", f"{short(filename)!r} not found in {where}")
    return None


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _links(meta: dict[str, Any], page_url_: str, external_link: str, warn: Warn, language: str) -> tuple[Link, ...]:
    """The page's links; the ones cardgen names itself (project page, `url_pdf` …) are named in the
    page's language."""
    from cardgen.fields import example_link
    from cardgen.i18n import labels

    words = labels(language)
    links: list[Link] = []
    if external_link:
        links.append(Link(name=words.text("project_website"), url=external_link, kind="external"))
    raw_links = meta.get("links")
    if raw_links not in (None, ""):
        if not isinstance(raw_links, list):
            warn("links", f"expected a list, got {type(raw_links).__name__}; ignored")
            raw_links = []
        for i, item in enumerate(raw_links):
            if not isinstance(item, dict):
                warn(f"links[{i}]", "expected name and url; ignored")
                continue
            url = _url(_as_text(item.get("url") or item.get("link"), f"links[{i}].url", warn).strip(),
                       f"links[{i}].url", warn)
            if not url:
                warn(f"links[{i}]", "no url; ignored")
                continue
            if example_link(url):
                warn(f"links[{i}].url", f"{url} is the theme's example link or a bare home page, not the project's; left out")
                continue
            icon = str(item.get("icon") or "")
            icon_pack = str(item.get("icon_pack") or "")
            if "/" in icon and not icon_pack:  # Hugo Blox v5: icon: brands/github
                icon_pack, icon = icon.split("/", 1)
            name = _as_text(item.get("name"), f"links[{i}].name", warn).strip() or icon or url
            links.append(Link(name=name, url=_absolute(url, page_url_), kind="custom", icon_pack=icon_pack, icon=icon))
    for key in URL_KEYS:
        value = _url(_as_text(meta.get(key), key, warn).strip(), key, warn)
        if value:
            links.append(Link(name=words.text(key.removeprefix("url_")), url=_absolute(value, page_url_), kind=key.removeprefix("url_")))
    if page_url_:
        links.append(Link(name=words.text("project_page"), url=page_url_, kind="page"))
    seen: set[tuple[str, str]] = set()
    unique = []
    for link in links:
        pair = (link.name, link.url)
        if pair not in seen:
            seen.add(pair)
            unique.append(link)
    return tuple(unique)


def _url(value: str, field: str, warn: Warn) -> str:
    """A URL from the front matter, or "" (with a warning) when no URL parser would accept it."""
    if not value:
        return ""
    from urllib.parse import urlsplit

    problem = ""
    if len(value) > MAX_URL_CHARS:
        problem = f"longer than {MAX_URL_CHARS} characters"
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        problem = "holds control characters"
    else:
        try:
            urlsplit(value).port  # noqa: B018 - parses the host and port too
        except ValueError as exc:
            problem = str(exc)
    if problem:
        warn(field, f"{short(value)!r} is not a usable URL ({problem}); ignored")
        return ""
    return value


def _absolute(url: str, page_url_: str) -> str:
    """Relative `url_pdf: files/paper.pdf` → absolute against the page URL when it is known."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or not page_url_:
        return url
    from urllib.parse import urljoin

    return urljoin(page_url_, url)


def _in_section(site: Site | None, path: Path, section: str) -> bool:
    parts = [p.lower() for p in path.resolve().parts]
    if site is not None:
        try:
            parts = [p.lower() for p in path.resolve().relative_to((site.root / "content").resolve()).parts]
        except ValueError:
            pass
    return section in parts[:-1]


def _first_heading(slides: Iterable[Slide], document: Document) -> str:
    from cardgen.document import Heading

    blocks = [b for s in slides for b in s.blocks] + list(document.blocks)
    for block in blocks:
        if isinstance(block, Heading) and block.text.strip():
            return block.text.strip()
    return ""


def _title_from_name(path: Path) -> str:
    stem = path.parent.name if path.name in ("index.md", "_index.md") else path.stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or "Untitled"


def _describes(block: object) -> TypeGuard[Paragraph]:
    """A body paragraph that can stand in for a summary: real prose, not just a link, a URL or math."""
    if not isinstance(block, Paragraph) or not block.text.strip():
        return False
    prose = "".join(r.text for r in block.runs if not (r.href or r.math or r.code))
    prose = re.sub(r"https?://\S+", "", prose)
    return sum(ch.isalpha() for ch in prose) >= 4


def _page_language(path: Path, site: Site | None, folder_language: str, meta: dict[str, Any], headline: str,
                   document: Document, slides: tuple[Slide, ...] = ()) -> str:
    """Hugo's placement rules, front matter, then the text (cardgen.i18n.detect): the headline, and
    the prose of the body or, on a slides page, of its slides."""
    from cardgen.i18n.detect import language_from_path, page_language

    configured = tuple((site.params.get("_languages") or {}) if site else ())
    placed = folder_language or language_from_path(path, site.root / "content" if site else None, configured)
    blocks = list(document.blocks) or [b for s in slides for b in s.blocks]
    body = " ".join(_prose(blocks, 1500))[:1500]
    return page_language(path_language=placed, front_matter=meta, site_language=site.language if site else "",
                         headline=headline, body=body)


def _prose(blocks: Iterable[object], limit: int) -> Iterator[str]:
    """The words of headings, paragraphs, list items and quotes (nested ones too), without code,
    math or web addresses, until about `limit` characters: what a language guess can read."""
    from cardgen.document import Heading, ListBlock, Quote

    told = 0
    for block in blocks:
        if told >= limit:
            return
        if isinstance(block, (Paragraph, Heading)):
            texts = [_words(block.runs)]
        elif isinstance(block, ListBlock):
            texts = [t for item in block.items for t in (_words(item.runs), *_prose(item.children, limit))]
        elif isinstance(block, Quote):
            texts = list(_prose(block.children, limit))
        else:
            continue
        for text in texts:
            if text.strip():
                told += len(text) + 1
                yield text


def _words(runs: Inline) -> str:
    return re.sub(r"https?://\S+", "", "".join(r.text for r in runs if not (r.math or r.code)))
