"""Templates are data: `templates/<name>/template.toml` plus assets (a pptx master, logos, images).

One file format serves all three outputs: shared `[colors]` and `[fonts]`, and a section per output
(`[social]`, `[deck]`, `[card]`) parsed by `cardgen.layouts.<output>`. Built-in templates ship inside
the package (`cardgen/_templates` in a wheel, `templates/` in a source checkout).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cardgen.errors import TemplateError, UsageError
from cardgen.layouts import check_keys, fail, hex_color, table, text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEMPLATE_FILE = "template.toml"
TOP_LEVEL_KEYS = ("name", "description", "colors", "fonts", "labels", "social", "deck", "card")
#: Colours every template defines; renderers may rely on them.
REQUIRED_COLORS = ("background", "surface", "text", "muted", "accent", "on_accent")
FONT_ROLES = ("heading", "body", "mono")


@dataclass(frozen=True)
class Fonts:
    heading: str = "Noto Sans"
    body: str = "Noto Sans"
    mono: str = "Noto Sans Mono"


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    path: Path  # the template folder
    colors: dict[str, str] = field(hash=False, compare=False)
    fonts: Fonts
    social: Any  # cardgen.layouts.social.SocialLayout
    deck: Any  # cardgen.layouts.deck.DeckLayout
    card: Any  # cardgen.layouts.card.CardLayout
    digest: str = ""  # hash of every file in the template folder (batch cache key)
    #: `[labels]` (every language) and `[labels.<lang>]` overrides of cardgen/i18n/labels (see i18n.labels)
    labels: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def color(self, name: str) -> str:
        return self.colors.get(name, name)

    def asset(self, relative: str) -> Path:
        """A file inside the template folder; refuses paths that leave it."""
        candidate = (self.path / relative).resolve()
        try:
            candidate.relative_to(self.path.resolve())
        except ValueError:
            raise TemplateError(f"asset {relative!r} is outside the template folder", path=self.path / TEMPLATE_FILE) from None
        if not candidate.is_file():
            raise TemplateError(f"asset {relative!r} not found", path=self.path / TEMPLATE_FILE)
        return candidate


def builtin_root() -> Path:
    """Where built-in templates live: inside the installed package, or the checkout's `templates/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("built-in templates are missing from the installation; reinstall cardgen", path=here)


def list_templates() -> list[str]:
    return sorted(p.name for p in builtin_root().iterdir() if (p / TEMPLATE_FILE).is_file())


def template_dir(name_or_path: str | Path) -> Path:
    """A built-in template name ('dark') or a folder holding a template.toml."""
    value = str(name_or_path)
    path = Path(value).expanduser()
    if (path / TEMPLATE_FILE).is_file():
        return path
    if path.name == TEMPLATE_FILE and path.is_file():
        return path.parent
    if "/" not in value and "\\" not in value:
        builtin = builtin_root() / value
        if (builtin / TEMPLATE_FILE).is_file():
            return builtin
        raise UsageError(f"unknown template {value!r} (built-in: {', '.join(list_templates())}; or pass a folder)")
    raise UsageError(f"{value}: not a template folder (no {TEMPLATE_FILE} inside)")


def load_template(name_or_path: str | Path | Template = "default") -> Template:
    """The one way to get a template: a built-in name, a folder (or its template.toml), or a Template
    (returned as it is, so every entry point can take any of the three)."""
    if isinstance(name_or_path, Template):
        return name_or_path
    return _load(template_dir(name_or_path).resolve())


@lru_cache(maxsize=16)
def _load(folder: Path) -> Template:
    where = str(folder / TEMPLATE_FILE)
    try:
        raw = tomllib.loads((folder / TEMPLATE_FILE).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"invalid TOML ({exc})", path=where) from None
    except OSError as exc:
        raise TemplateError(f"cannot read ({exc.strerror})", path=where) from None
    check_keys(raw, TOP_LEVEL_KEYS, where, "template")
    name = text(raw.get("name", folder.name), where, "name")
    description = text(raw.get("description", ""), where, "description")

    colors_raw = table(raw, "colors", where, "template")
    colors = {key: hex_color(value, where, f"colors.{key}") for key, value in colors_raw.items()}
    for key in REQUIRED_COLORS:
        if key not in colors:
            raise fail(where, f"colors.{key}", "missing (every template defines " + ", ".join(REQUIRED_COLORS) + ")")

    fonts_raw = table(raw, "fonts", where, "template")
    check_keys(fonts_raw, FONT_ROLES, where, "fonts")
    fonts = Fonts(**{k: text(v, where, f"fonts.{k}") for k, v in fonts_raw.items()})

    from cardgen.layouts import card, deck, social

    context = {"colors": colors, "fonts": fonts, "folder": folder}
    return Template(
        name=name,
        description=description,
        path=folder,
        colors=colors,
        fonts=fonts,
        social=social.parse(table(raw, "social", where, "template"), where, context),
        deck=deck.parse(table(raw, "deck", where, "template"), where, context),
        card=card.parse(table(raw, "card", where, "template"), where, context),
        digest=folder_digest(folder),
        labels=_labels(table(raw, "labels", where, "template"), where),
    )


def _labels(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """`[labels]`: `key = "text"` for every language, `[labels.<lang>]` tables for one; keys as in
    cardgen/i18n/labels/en.toml."""
    from cardgen.i18n.labels import keys
    from cardgen.i18n.tags import normalize

    known = set(keys())
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            if not normalize(key):
                raise fail(where, f"labels.{key}", "is not a language tag (like fr, pt-BR, zh-Hant)")
            for sub in value:
                if sub not in known:
                    raise fail(where, f"labels.{key}.{sub}", f"unknown label (known: {', '.join(sorted(known))})")
            out[key] = {sub: text(word, where, f"labels.{key}.{sub}") for sub, word in value.items()}
        elif key in known:
            out[key] = text(value, where, f"labels.{key}")
        else:
            raise fail(where, f"labels.{key}", f"unknown label (known: {', '.join(sorted(known))})")
    return out


def folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def new_template(source: str, destination: Path) -> Path:
    """Copy a template folder (built-in name or path) to `destination` for editing."""
    src = template_dir(source)
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise UsageError(f"{destination}: folder exists and is not empty; choose a new folder")
    shutil.copytree(src, destination, dirs_exist_ok=True)
    return destination
