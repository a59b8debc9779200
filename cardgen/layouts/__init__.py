"""Per-output layout sections of a template (`[social]`, `[deck]`, `[card]`) and their validation.

Each output has a module here with a frozen dataclass for its section and a `parse(section, where)`
function; `cardgen.templates` calls them. The helpers below keep error messages uniform:
"templates/x/template.toml: social.title.size: expected a number from 6 to 400, got 'big'".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cardgen.errors import TemplateError

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


def fail(where: str, key: str, message: str) -> TemplateError:
    return TemplateError(message, path=where, field=key)


def check_keys(section: Mapping[str, Any], allowed: Iterable[str], where: str, prefix: str) -> None:
    """Unknown keys are errors: a typo in a template should not silently do nothing."""
    allowed = set(allowed)
    for key in section:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise fail(where, f"{prefix}.{key}", f"unknown key (expected one of: {hint})")


def table(section: Mapping[str, Any], key: str, where: str, prefix: str) -> dict[str, Any]:
    value = section.get(key, {})
    if not isinstance(value, Mapping):
        raise fail(where, f"{prefix}.{key}", f"expected a table, got {type(value).__name__}")
    return dict(value)


def number(value: Any, where: str, key: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise fail(where, key, f"expected a number from {lo:g} to {hi:g}, got {value!r}")
    return float(value)


def integer(value: Any, where: str, key: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise fail(where, key, f"expected a whole number from {lo} to {hi}, got {value!r}")
    return value


def boolean(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise fail(where, key, f"expected true or false, got {value!r}")
    return value


def choice(value: Any, options: Iterable[str], where: str, key: str) -> str:
    options = tuple(options)
    if value not in options:
        raise fail(where, key, f"expected one of {', '.join(options)}, got {value!r}")
    return str(value)


def text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise fail(where, key, f"expected text, got {value!r}")
    return value


def hex_color(value: Any, where: str, key: str) -> str:
    """'#abc', '#aabbcc' or '#aabbccdd' → '#aabbcc' / '#aabbccdd' (lower case)."""
    if not isinstance(value, str) or not _HEX.fullmatch(value.strip()):
        raise fail(where, key, f"expected a hex colour like '#1f2328', got {value!r}")
    value = value.strip().lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return str(value)


def color_ref(value: Any, colors: Mapping[str, str], where: str, key: str) -> str:
    """A colour given as a palette name ('accent') or a hex value → hex."""
    if isinstance(value, str) and value in colors:
        return colors[value]
    if isinstance(value, str) and not value.startswith("#"):
        raise fail(where, key, f"unknown colour {value!r} (use a hex value or one of: {', '.join(colors)})")
    return hex_color(value, where, key)
