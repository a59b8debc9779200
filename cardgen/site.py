"""Hugo site context: root detection, configuration, author profiles, public URLs of pages.

Everything here is optional: a page outside any site still loads, it just has no site title, no
public URL and unresolved author slugs.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import yaml

from cardgen.page import Author, Site
from cardgen.safepath import MAX_CONFIG_BYTES, MAX_IMAGE_BYTES, RefusedFile, is_dir, is_file, read_capped

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Hugo's configuration file names, in the order Hugo itself tries them (hugo.* since v0.110).
CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json")
_CONFIG_DIR = Path("config") / "_default"


def find_site_root(start: Path) -> Path | None:
    """The nearest folder above `start` that looks like a Hugo site: a config and a `content/` folder.

    Requiring `content/` keeps unrelated `config.toml` files (in a home folder, say) from counting.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if not is_dir(folder / "content"):
            continue
        if any(_is_config(folder / name) for name in CONFIG_NAMES) or is_dir(folder / _CONFIG_DIR):
            return folder
    return None


def _is_config(path: Path) -> bool:
    """A config file Hugo would read: present as a file (even a FIFO or a dangling link counts as
    "there"; reading it is what refuses it, with a warning)."""
    try:
        return path.is_file() or path.is_symlink() or stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _read_config_file(path: Path, root: Path | None = None, problems: list[str] | None = None) -> dict[str, Any]:
    """One config file → dict; anything wrong becomes a line in `problems` and an empty dict. A file
    leading outside `root` (a symlink), a FIFO, a device or one over MAX_CONFIG_BYTES is not read."""
    problems = [] if problems is None else problems
    try:
        text = read_capped(path, MAX_CONFIG_BYTES, root).decode("utf-8-sig")
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except RefusedFile as exc:
        problems.append(f"{path}: {exc.reason}; site settings in it ignored")
        return {}
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror or exc}); site settings in it ignored")
        return {}
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not valid UTF-8 (byte {exc.start}); site settings in it ignored")
        return {}
    except (ValueError, yaml.YAMLError, RecursionError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        detail = " ".join(str(exc).split())[:160]
        problems.append(f"{path}: invalid {path.suffix.lstrip('.').upper()} ({detail}); site settings in it ignored")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: expected key/value pairs, got a {type(data).__name__}; ignored")
        return {}
    return data


def read_config(root: Path, problems: list[str] | None = None) -> dict[str, Any]:
    """Merge the site's configuration the way Hugo does for the keys cardgen uses.

    `config/_default/<key>.toml` files hold the table `<key>` (params.toml → params), and the root
    file overrides nothing it does not set. Unreadable or invalid files are skipped, each with a line
    in `problems`.
    """
    problems = [] if problems is None else problems
    config: dict[str, Any] = {}
    folder = root / _CONFIG_DIR
    if is_dir(folder):
        for path in sorted(folder.iterdir())[:200]:
            if path.suffix not in (".toml", ".yaml", ".yml", ".json"):
                continue
            data = _read_config_file(path, root, problems)
            stem = path.stem
            if stem in ("hugo", "config"):
                _merge(config, data)
            else:
                table = config.setdefault(stem, {})
                if isinstance(table, dict):
                    _merge(table, data)
    for name in CONFIG_NAMES:
        path = root / name
        if _is_config(path):
            _merge(config, _read_config_file(path, root, problems))
            break
    return config


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _ci_get(mapping: dict[str, Any], key: str, default: Any = None) -> Any:
    """Hugo config keys are case-insensitive (baseURL, baseurl)."""
    lower = key.lower()
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == lower:
            return v
    return default


@lru_cache(maxsize=32)
def load_site(root: Path) -> Site:
    problems: list[str] = []
    config = read_config(root, problems)

    def table(mapping: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = _ci_get(mapping, key, None)
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            problems.append(f"{root}: site config: {where}: expected a table, got {type(value).__name__}; ignored")
            return {}
        return value

    def text(mapping: dict[str, Any], key: str, where: str) -> str:
        value = _ci_get(mapping, key, None)
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.append(f"{root}: site config: {where}: expected text, got {type(value).__name__}; ignored")
            return ""
        return str(value)

    params = table(config, "params", "params")
    title = text(config, "title", "title") or text(table(params, "seo", "params.seo"), "site_title", "params.seo.site_title")
    base_url = text(config, "baseURL", "baseURL").strip()
    language = text(config, "defaultContentLanguage", "defaultContentLanguage") or text(config, "languageCode", "languageCode")
    colors = _site_colors(params)
    logo = _site_logo(root)
    resample_filter, anchor = _imaging(config, problems, root)
    return Site(
        root=root,
        title=title,
        base_url=base_url,
        language=language.split("-")[0].lower(),
        colors=colors,
        params={**params, "_languages": table(config, "languages", "languages"),
                "_in_subdir": _ci_get(config, "defaultContentLanguageInSubdir", False) is True},
        logo=logo,
        warnings=tuple(dict.fromkeys(problems)),
        resample_filter=resample_filter,
        anchor=anchor,
    )


def _imaging(config: dict[str, Any], problems: list[str], root: Path) -> tuple[str, str]:
    """`[imaging] resampleFilter` and `anchor`, lower-cased as Hugo does (resources/images/config.go).

    Values Hugo would reject (it stops the build) are reported and fall back to Hugo's defaults.
    """
    from cardgen.page import FOCAL_POINTS, RESAMPLE_FILTERS

    imaging = _ci_get(config, "imaging", {}) or {}
    if not isinstance(imaging, dict):
        problems.append(f"{root}: site config: imaging: expected a table, got {type(imaging).__name__}; ignored")
        return "box", "smart"
    name = str(_ci_get(imaging, "resampleFilter", "") or "").strip().lower()
    anchor = str(_ci_get(imaging, "anchor", "") or "").strip().lower()
    if name and name not in RESAMPLE_FILTERS:
        problems.append(f"{root}: site config: imaging.resampleFilter {name!r} is not one Hugo knows; using box")
    if anchor and anchor not in FOCAL_POINTS:
        problems.append(f"{root}: site config: imaging.anchor {anchor!r} is not one Hugo knows; using smart")
    return (
        name if name in RESAMPLE_FILTERS else "box",
        anchor if anchor in FOCAL_POINTS else "smart",
    )


def _site_colors(params: dict[str, Any]) -> dict[str, str]:
    """Brand colours a site declares, across theme generations (hex strings only)."""
    found: dict[str, str] = {}
    candidates = {
        "primary": ("primary_color", "color", "theme_color"),
    }
    appearance = cast("dict[str, Any]", params.get("appearance")) if isinstance(params.get("appearance"), dict) else {}
    for name, keys in candidates.items():
        for key in keys:
            value = appearance.get(key) if key in appearance else params.get(key)
            if isinstance(value, str) and re.fullmatch(r"#?[0-9a-fA-F]{6}", value.strip()):
                found[name] = "#" + value.strip().lstrip("#").lower()
                break
    return found


def _site_logo(root: Path) -> Path | None:
    """The site's logo image, when it is a regular file inside the site of a sane size."""
    for folder in (root / "assets" / "media", root / "static" / "media", root / "static" / "img"):
        for name in ("logo.png", "logo.jpg", "logo.webp"):
            path = folder / name
            if is_file(path, root) and _size(path) <= MAX_IMAGE_BYTES:
                return path
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 1 << 62


def content_dir(site: Site) -> Path:
    return site.root / "content"


def page_language(site: Site | None, page_path: Path) -> str:
    """The language folder a page lives in (`content/ja/project/x`) when the site is multilingual."""
    if site is None:
        return ""
    try:
        rel = page_path.resolve().relative_to(content_dir(site).resolve())
    except ValueError:
        return ""
    first = rel.parts[0] if len(rel.parts) > 1 else ""
    languages = site.params.get("_languages") or {}
    if first and (first in languages or re.fullmatch(r"[a-z]{2}(-[a-z]{2,4})?", first)):
        return first.lower()
    return ""


def page_url(site: Site | None, page_path: Path, meta: dict[str, Any]) -> str:
    """The page's public URL, as Hugo would publish it with default permalinks.

    Hugo lower-cases paths by default and drops the default language's folder unless
    `defaultContentLanguageInSubdir` is set. `url:` in the front matter wins; `slug:` replaces the
    last segment.
    """
    if site is None or not site.base_url.startswith(("http://", "https://")):
        return ""
    base = site.base_url.rstrip("/") + "/"
    explicit = meta.get("url")
    if isinstance(explicit, str) and explicit.strip():
        return base + explicit.strip().lstrip("/")
    try:
        rel = page_path.resolve().relative_to(content_dir(site).resolve())
    except ValueError:
        return ""
    parts = list(rel.parts)
    if parts and parts[-1] in ("index.md", "_index.md"):
        parts = parts[:-1]
    elif parts:
        parts[-1] = Path(parts[-1]).stem
    lang = page_language(site, page_path)
    if (lang and parts and parts[0].lower() == lang and lang == (site.language or "en")
            and not site.params.get("_in_subdir")):
        parts = parts[1:]
    slug = meta.get("slug")
    if isinstance(slug, str) and slug.strip() and parts:
        parts[-1] = slug.strip()
    path = "/".join(p.lower().replace(" ", "-") for p in parts)
    return base + (path + "/" if path else "")


def _author_dirs(site: Site, lang: str) -> list[Path]:
    base = content_dir(site)
    dirs = []
    if lang:
        dirs.append(base / lang / "authors")
    dirs.append(base / "authors")
    return dirs


def urlize(name: str) -> str:
    """Hugo's urlize for author names: lower case, spaces → hyphens (what the theme links to)."""
    return re.sub(r"\s+", "-", name.strip().lower())


def resolve_author(site: Site | None, name: str, lang: str = "") -> Author:
    """An author entry → Author: a profile's title when `content/authors/<slug>/_index.md` exists."""
    if site is not None:
        for slug, profile in author_profiles(site, name, lang):
            if is_file(profile, site.root):
                return _read_profile(profile, slug, name)
    return Author(name=name)


def author_profiles(site: Site, name: str, lang: str = "") -> list[tuple[str, Path]]:
    """Where the profile of author entry `name` may be, as (slug, file), in the order they are tried."""
    found = []
    for slug in dict.fromkeys((name, urlize(name))):
        if not slug or "/" in slug or slug.startswith("."):
            continue
        found += [(slug, folder / slug / "_index.md") for folder in _author_dirs(site, lang)]
    return found


@lru_cache(maxsize=256)
def _read_profile(profile: Path, slug: str, fallback: str) -> Author:
    from cardgen.errors import PageError
    from cardgen.frontmatter import read_text, split_front_matter

    try:
        meta = split_front_matter(read_text(profile, profile.parents[2]), profile).meta
    except PageError:
        return Author(name=fallback, slug=slug)
    title = meta.get("title") or meta.get("name") or fallback
    if isinstance(title, dict):  # Hugo Blox v6 `name: {display: …}`
        title = title.get("display") or fallback
    orgs = meta.get("organizations") or meta.get("affiliations") or []
    affiliation = ""
    if isinstance(orgs, list) and orgs:
        first = orgs[0]
        affiliation = str(first.get("name", "")) if isinstance(first, dict) else str(first)
    return Author(name=str(title), slug=slug, role=str(meta.get("role") or ""), affiliation=affiliation,
                  email=_profile_email(meta))


def _profile_email(meta: dict[str, Any]) -> str:
    """The profile's public address: `email`, else a `social` link to `mailto:` (the theme's envelope
    icon). Only a plausible address (one @, a dot after it, no spaces) is kept."""
    candidates = [meta.get("email")]
    social = meta.get("social") or []
    if isinstance(social, list):
        candidates += [item.get("link") or item.get("url") for item in social if isinstance(item, dict)]
    for value in candidates:
        if not isinstance(value, str):
            continue
        value = value.strip()
        if value.lower().startswith("mailto:"):
            value = value[7:].split("?", 1)[0]
        elif value != (meta.get("email") or "").strip():
            continue
        local, _, domain = value.partition("@")
        if local and "." in domain and not any(ch.isspace() for ch in value) and "@" not in domain:
            return value
    return ""


def resolve_slides(site: Site | None, page_path: Path, name: str, lang: str = "") -> Path | None:
    """`slides: NAME` → `content/slides/NAME.md` or `content/slides/NAME/index.md` (language folder first)."""
    for candidate, root in slides_candidates(site, page_path, name, lang):
        if is_file(candidate, root):
            return candidate
    return None


def slides_candidates(site: Site | None, page_path: Path, name: str, lang: str = "") -> list[tuple[Path, Path]]:
    """Where `slides: NAME` may be, as (file, its slides folder), in the order `resolve_slides` tries them."""
    if not name or ".." in name:
        return []
    roots = []
    if site is not None:
        base = content_dir(site)
        if lang:
            roots.append(base / lang / "slides")
        roots.append(base / "slides")
    else:
        # No site: look for a sibling `slides/` folder next to the page's section, as in a content tree.
        for parent in page_path.resolve().parents:
            if (parent / "slides").is_dir():
                roots.append(parent / "slides")
                break
    return [(candidate, root) for root in roots
            for candidate in (root / f"{name}.md", root / name / "index.md", root / name / "_index.md")]
