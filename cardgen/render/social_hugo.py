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

from cardgen.errors import UsageError
from cardgen.output import atomic_write
from cardgen.page import Page

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
    """The page's path below baseURL ('project/mlphys'), as the partial computes it from .Permalink."""
    if page.url and page.site is not None and page.site.base_url:
        base = page.site.base_url if page.site.base_url.endswith("/") else page.site.base_url + "/"
        if page.url.startswith(base):
            return page.url[len(base) :].strip("/")
        return urlparse(page.url).path.strip("/")
    content = site_root(page) / "content"
    where = page.bundle_dir if page.bundle_dir is not None else page.path.with_suffix("")
    try:
        return where.resolve().relative_to(content.resolve()).as_posix().lower()
    except ValueError:
        return page.slug


def static_path(page: Page, extension: str, preset: str = "og") -> Path:
    suffix = "" if preset == "og" else f"-{preset}"
    return site_root(page) / "static" / "og" / f"{page_key(page)}{suffix}.{extension}"


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
    path = site_root(page) / "layouts" / "partials" / PARTIAL_NAME
    if path.is_file():
        current = path.read_text(encoding="utf-8", errors="replace")
        if current == PARTIAL or not current.startswith(PARTIAL_MARKER):
            return None
    atomic_write(path, PARTIAL.encode("utf-8"))
    return path
