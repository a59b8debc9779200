"""Site settings: the `[params.cardgen]` table of a Hugo site's configuration.

A site keeps the options it always wants next to its own configuration, so `cardgen batch .` in CI
needs no flags::

    [params.cardgen]
    template = "dark"
    event = "Open Lab Day 2026"
    formats = ["deck", "social", "card"]
    presets = ["og", "x"]
    sheet = "letter"            # none, a4, letter, a3, tabloid, sra3, 12x18
    math = "native"
    output = "_cardgen"
    base_url = "https://lab.example.org/cardgen/"

It is read from every place Hugo reads params from: the root `hugo.*`/`config.*` file and
`config/_default/` (`params.*` holds the table `cardgen` at its top; `hugo.*`/`config.*` there hold
`[params.cardgen]`), merged in the order `site.read_config` merges them. Flags always win; the CLI
resolves flag → setting → built-in default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgen.errors import UsageError
from cardgen.site import _CONFIG_DIR, CONFIG_NAMES, _ci_get, _read_config_file

MATH_MODES = ("picture", "native")
SOCIAL_PRESETS = ("og", "x", "square", "linkedin", "github")
KNOWN_KEYS = ("template", "formats", "event", "sheet", "presets", "math", "output", "base_url")


@dataclass(frozen=True)
class SiteSettings:
    """Validated `[params.cardgen]` values; None where the site sets nothing."""

    template: str | None = None
    formats: tuple[str, ...] | None = None
    event: str | None = None
    sheet: str | None = None
    presets: tuple[str, ...] | None = None
    math: str | None = None
    output: Path | None = None  # absolute: relative values are taken from the site root
    base_url: str | None = None
    sources: dict[str, Path] = field(default_factory=dict, compare=False)  # key → file that set it
    warnings: tuple[str, ...] = ()


def _sources(root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(file, its `cardgen` params table) in merge order: later files override earlier ones."""
    found: list[tuple[Path, dict[str, Any]]] = []
    folder = root / _CONFIG_DIR
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".toml", ".yaml", ".yml", ".json") or not path.is_file():
                continue
            data = _read_config_file(path)
            if path.stem in ("hugo", "config"):
                data = _ci_get(data, "params", {}) or {}
            elif path.stem != "params":
                continue
            table = _ci_get(data, "cardgen", None) if isinstance(data, dict) else None
            if table is not None:
                found.append((path, table))
    for name in CONFIG_NAMES:
        path = root / name
        if path.is_file():
            params = _ci_get(_read_config_file(path), "params", {}) or {}
            table = _ci_get(params, "cardgen", None) if isinstance(params, dict) else None
            if table is not None:
                found.append((path, table))
            break
    return found


def _where(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _names(value: Any, where: str, key: str, allowed: tuple[str, ...], *, allow_all: bool = False) -> tuple[str, ...]:
    """A list of names, or one comma-separated string ("deck,social")."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value if v.strip()]
    else:
        raise UsageError(f"{where}: params.cardgen.{key}: expected a list of names, got {value!r}")
    if allow_all and items == ["all"]:
        return allowed
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise UsageError(f"{where}: params.cardgen.{key}: {bad[0] if bad else 'empty'!r} is not one of "
                         f"{', '.join(allowed)}")
    return tuple(dict.fromkeys(items))


def _choice(value: Any, where: str, key: str, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if text not in allowed:
        raise UsageError(f"{where}: params.cardgen.{key}: {value!r} is not one of {', '.join(allowed)}")
    return text


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: params.cardgen.{key}: expected a non-empty string, got {value!r}")
    return value.strip()


def read_settings(root: Path | None) -> SiteSettings:
    """The site's `[params.cardgen]`, validated. Bad values are usage errors naming file and key;
    unknown keys are warnings (a typo must not stop CI, but must not go unnoticed)."""
    from cardgen.render.build import FORMATS
    from cardgen.templates import list_templates

    if root is None:
        return SiteSettings()
    values: dict[str, Any] = {}
    sources: dict[str, Path] = {}
    warnings: list[str] = []
    for path, table in _sources(root):
        where = _where(path, root)
        if not isinstance(table, dict):
            raise UsageError(f"{where}: params.cardgen: expected a table of settings, got {table!r}")
        for raw_key, value in table.items():
            key = str(raw_key).lower()  # Hugo lower-cases config keys
            if key not in KNOWN_KEYS:
                warnings.append(f"{where}: params.cardgen.{raw_key}: unknown setting, ignored "
                                f"(known: {', '.join(KNOWN_KEYS)})")
                continue
            values[key], sources[key] = value, path
    parsed: dict[str, Any] = {}
    for key, value in values.items():
        where = _where(sources[key], root)
        if key == "formats":
            parsed[key] = _names(value, where, key, FORMATS)
        elif key == "presets":
            parsed[key] = _names(value, where, key, SOCIAL_PRESETS, allow_all=True)
        elif key == "sheet":
            from cardgen.layout.imposition import SHEETS

            parsed[key] = _choice(value, where, key, ("none", *SHEETS))
        elif key == "math":
            parsed[key] = _choice(value, where, key, MATH_MODES)
        elif key == "output":
            parsed[key] = (root / _text(value, where, key)).resolve()
        elif key == "base_url":
            url = _text(value, where, key)
            if not url.startswith(("http://", "https://")):
                raise UsageError(f"{where}: params.cardgen.base_url: expected an http(s) URL, got {value!r}")
            parsed[key] = url
        elif key == "template":
            name = _text(value, where, key)
            parsed[key] = name if name in list_templates() else str((root / name).resolve())
        else:
            parsed[key] = _text(value, where, key)
    return SiteSettings(**parsed, sources=sources, warnings=tuple(warnings))
