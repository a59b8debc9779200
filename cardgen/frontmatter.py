"""Front matter → dict, via python-frontmatter, with the quirks of real Hugo pages.

YAML (`---`), TOML (`+++`) and JSON (`{ … }`) are detected from the first line, as Hugo does. TOML is
read with the standard library (python-frontmatter's own TOML handler needs the unmaintained `toml`).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from cardgen.errors import PageError
from cardgen.safepath import MAX_PAGE_BYTES, RefusedFile, read_capped

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class _TomlHandler(BaseHandler):
    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


class _YamlHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_HugoYamlLoader)  # noqa: S506 - a SafeLoader subclass


#: libyaml's parser where PyYAML was built with it (its wheels are): ~10× faster than the pure-Python
#: one, with the same constructors (and so the same values) on top.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _HugoYamlLoader(_SafeLoader):  # type: ignore[misc]  # PyYAML ships no stubs
    """SafeLoader that tolerates duplicate keys (last wins, as Hugo's YAML library does) and keeps a
    timestamp that is no real date (`2020-02-30`) as text, so the loader can name the field."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_HugoYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _HugoYamlLoader.construct_yaml_timestamp)

#: Deepest nesting of front matter values accepted (real pages use 3 or 4 levels).
MAX_DEPTH = 32


_HANDLERS: dict[str, BaseHandler] = {"yaml": _YamlHandler(), "toml": _TomlHandler(), "json": JSONHandler()}


@dataclass(frozen=True)
class RawPage:
    """A page file split into its parsed front matter and its Markdown body."""

    format: str  # "yaml" | "toml" | "json" | "none"
    meta: dict[str, Any]
    body: str


def read_text(path: Path, folder: Path | None = None) -> str:
    """Read a page as text (UTF-8, or UTF-16 with its byte-order mark), refusing binary files, FIFOs,
    devices, files over `MAX_PAGE_BYTES` and, when `folder` is given, files outside it."""
    try:
        data = read_capped(path, MAX_PAGE_BYTES, folder)
    except RefusedFile as exc:
        raise PageError(exc.reason, path=path) from None
    except FileNotFoundError:
        raise PageError("file not found", path=path) from None
    except IsADirectoryError:
        raise PageError("is a folder, not a page file (pass its index.md)", path=path) from None
    except OSError as exc:
        raise PageError(f"cannot read ({exc.strerror or exc})", path=path) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise PageError(f"not valid UTF-16 (byte {exc.start}); save the page as UTF-8", path=path) from None
    else:
        if b"\x00" in data[:8192]:
            raise PageError("not a text file (binary data); expected Markdown with front matter", path=path)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PageError(f"not valid UTF-8 (byte {exc.start}); save the page as UTF-8", path=path) from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


_LEADING_BLANK_LINES = re.compile(r"\A\ufeff?(?:[ \t]*\n)+")


def without_leading_blank_lines(text: str) -> str:
    """Hugo's page parser skips whitespace before the front matter's opening delimiter, so a page that
    starts with a blank line still has front matter (seen in real sites' pages and slides)."""
    return _LEADING_BLANK_LINES.sub("", text.lstrip("\ufeff"), count=1)


def detect_format(text: str) -> str:
    first = without_leading_blank_lines(text).split("\n", 1)[0].strip()
    if re.fullmatch(r"-{3,}", first):
        return "yaml"
    if re.fullmatch(r"\+{3,}", first):
        return "toml"
    if first.startswith("{"):
        return "json"
    return "none"


def split_front_matter(text: str, path: Path) -> RawPage:
    """Parse a page's text. Raises PageError naming the file and the format on a syntax error."""
    fmt = detect_format(text)
    if fmt != "none":
        text = without_leading_blank_lines(text)
    if fmt == "none":
        return RawPage("none", {}, text)
    handler = _HANDLERS[fmt]
    meta: Any
    if fmt == "json":
        meta, body = _split_json(text, path)
        return RawPage(fmt, meta, body)
    parts = cast("re.Pattern[str]", handler.FM_BOUNDARY).split(text, 2)
    if len(parts) < 3:
        raise PageError(f"front matter: the opening '{handler.START_DELIMITER}' is never closed", path=path)
    try:
        fm_text, body = handler.split(text)
        meta = handler.load(fm_text)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit (1000 levels)
            raise PageError(f"front matter: nested deeper than {MAX_DEPTH} levels", path=path) from None
        raise PageError(f"front matter: invalid YAML{_yaml_where(exc)}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise PageError(f"front matter: invalid TOML ({exc})", path=path) from None
    except RecursionError:
        raise PageError(f"front matter: nested deeper than {MAX_DEPTH} levels", path=path) from None
    except (ValueError, TypeError) as exc:
        raise PageError(f"front matter: cannot parse ({exc})", path=path) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PageError(
            f"front matter: expected key/value pairs, got a {type(meta).__name__}", path=path
        )
    _check_depth(meta, path)
    return RawPage(fmt, dict(meta), body.lstrip("\n") if body.startswith("\n") else body)


def _check_depth(meta: dict[str, Any], path: Path) -> None:
    """Refuse absurdly nested values (iteratively: the check itself must not recurse)."""
    stack: list[tuple[Any, int, str]] = [(v, 1, str(k)) for k, v in meta.items()]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            raise PageError(f"nested deeper than {MAX_DEPTH} levels; refused", path=path, field=field)
        if isinstance(value, dict):
            stack.extend((v, depth + 1, field) for v in value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, depth + 1, field) for v in value)


def _split_json(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Hugo's JSON front matter is one object at the start of the file; the body follows it."""
    decoder = json.JSONDecoder()
    start = text.index("{")
    try:
        meta, end = decoder.raw_decode(text, start)
    except RecursionError:
        raise PageError(f"front matter: nested deeper than {MAX_DEPTH} levels", path=path) from None
    except json.JSONDecodeError as exc:
        raise PageError(f"front matter: invalid JSON (line {exc.lineno}: {exc.msg})", path=path) from None
    if not isinstance(meta, dict):
        raise PageError("front matter: expected a JSON object", path=path)
    _check_depth(meta, path)
    return meta, text[end:].lstrip("\n")


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or ""
    if mark is not None:
        # +2: one for 1-based lines, one for the opening '---' line
        return f" at line {mark.line + 2}" + (f" ({problem})" if problem else "")
    return f" ({problem})" if problem else ""


def parse_date(value: Any) -> dt.datetime | dt.date | None:
    """A YAML/TOML date, datetime or string → date/datetime (timezone kept), None when absent.

    Raises ValueError for a string that is not a date Hugo would accept.
    """
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    text = str(value).strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        try:
            return dt.date.fromisoformat(iso)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a date ({exc})") from None
    iso = re.sub(r"^(\d{4}-\d{2}-\d{2}) ", r"\1T", iso)
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        pass
    for fmt in ("%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or RFC 3339)")
