"""`--hugo`: put the social image where a Wowchemy / Hugo Blox site can serve it as og:image.

The theme takes og:image from the page's featured image (`*featured*` in the bundle), else the
site-wide `assets/media/sharing.*` (Hugo Blox `modules/blox/layouts/_partials/site_head.html`;
Wowchemy 5 `modules/wowchemy-seo/layouts/partials/seo_tags.html`). Writing a `featured.*` file would
also change the page's header image, and we never touch the user's featured image, so cardgen writes:

- the image to `static/og/<page path>.<ext>` (Hugo copies `static/` verbatim: served at `/og/…`);
- a helper partial `layouts/partials/cardgen_og_image.html` that returns that image's absolute URL
  when the file exists, else the URL it is given. One line in a site-level copy of the theme partial
  that builds `$og_image` switches every page over (see docs/social.md); the theme stays untouched.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from cardgen.errors import RenderError, UsageError
from cardgen.output import atomic_write
from cardgen.page import Page
from cardgen.safepath import inside, is_file, read_capped, safe_name

PARTIAL_NAME = "cardgen_og_image.html"
PARTIAL_MARKER = "{{/* cardgen: og image helper"

#: Looks for `static/og/<key>.<ext>`, where <key> is the page's permalink relative to baseURL, the
#: same key `page_key()` computes; returns an absolute URL (absURL honours a baseURL sub-path).
PARTIAL = """{{/* cardgen: og image helper (written by `cardgen social --hugo`; safe to delete).
     Usage, where the theme computes $og_image:
       {{ $og_image = partial "cardgen_og_image" (dict "page" . "fallback" $og_image) }}  */}}
{{- $url := .fallback -}}
{{- $key := strings.TrimSuffix "/" (strings.TrimPrefix site.BaseURL .page.Permalink) -}}
{{- $key = strings.TrimPrefix "/" $key -}}
{{- range slice "png" "jpg" "webp" -}}
  {{- $file := printf "static/og/%s.%s" $key . -}}
  {{- if fileExists $file -}}{{- $url = printf "og/%s.%s" $key . | absURL -}}{{- end -}}
{{- end -}}
{{- return $url -}}
"""


def site_root(page: Page) -> Path:
    if page.site is None:
        raise UsageError(
            f"{page.path}: --hugo needs the page to be inside a Hugo site (pass --site SITE_ROOT)"
        )
    return page.site.root


def page_key(page: Page) -> str:
    """The page's path below baseURL ('project/mlphys'), as the partial computes it from .Permalink.

    `url:` and `slug:` come from the page: `.`/`..`/empty segments are dropped and each segment is
    made a safe file name, so the key can never climb out of `static/og/`.
    """
    if page.url and page.site is not None and page.site.base_url:
        base = page.site.base_url if page.site.base_url.endswith("/") else page.site.base_url + "/"
        if page.url.startswith(base):
            return _clean_key(page.url[len(base) :])
        return _clean_key(urlparse(page.url).path)
    content = site_root(page) / "content"
    where = page.bundle_dir if page.bundle_dir is not None else page.path.with_suffix("")
    try:
        return _clean_key(where.resolve().relative_to(content.resolve()).as_posix().lower())
    except ValueError:
        return page.slug


def _clean_key(key: str) -> str:
    parts = [p for p in key.replace("\\", "/").split("/") if p.strip() and p.strip(". ")]
    return "/".join(safe_name(p, fallback="page") for p in parts) or "index"


def static_path(page: Page, extension: str, preset: str = "og") -> Path:
    """Where the image goes: always inside the site's `static/og/` (RenderError otherwise)."""
    suffix = "" if preset == "og" else f"-{preset}"
    folder = site_root(page) / "static" / "og"
    path = folder / f"{page_key(page)}{suffix}.{extension}"
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not _inside_lexically(path, folder) or not inside(existing, site_root(page)):
        raise RenderError(f"refusing to write {path}: it leads outside {folder}", path=page.path)
    return path


def _inside_lexically(path: Path, folder: Path) -> bool:
    import os

    try:
        Path(os.path.normpath(path)).relative_to(os.path.normpath(folder))
    except ValueError:
        return False
    return True


def public_url(page: Page, extension: str, preset: str = "og") -> str:
    """Where Hugo will serve the file written to `static_path()`."""
    suffix = "" if preset == "og" else f"-{preset}"
    rel = f"og/{page_key(page)}{suffix}.{extension}"
    base = page.site.base_url if page.site is not None else ""
    if base.startswith(("http://", "https://")):
        return (base if base.endswith("/") else base + "/") + rel
    return "/" + rel


def write_partial(page: Page) -> Path | None:
    """Write the helper partial unless the user replaced it with their own file (no marker)."""
    root = site_root(page)
    path = root / "layouts" / "partials" / PARTIAL_NAME
    if path.is_symlink() or (path.exists() and not inside(path, root)):
        return None  # never write through a link (it could lead anywhere)
    if is_file(path):
        try:
            current = read_capped(path, 1 << 20, root).decode("utf-8", errors="replace")
        except OSError:
            return None
        if current == PARTIAL or not current.startswith(PARTIAL_MARKER):
            return None
    atomic_write(path, PARTIAL.encode("utf-8"))
    return path
