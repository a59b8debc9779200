"""The few exceptions cardgen raises. Every message names the file (and field) and says what to do."""

from __future__ import annotations

from pathlib import Path


class CardgenError(Exception):
    """Base class: a problem the user can act on. The CLI prints it as one line (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, field: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.field = field
        self.detail = message
        prefix = ""
        if path is not None:
            prefix = f"{path}: "
        if field:
            prefix += f"{field}: "
        super().__init__(prefix + message)


class UsageError(CardgenError):
    """Bad command-line usage or option value (exit code 2)."""

    exit_code = 2


class PageError(CardgenError):
    """A page file that cannot be read or parsed (missing, binary, broken front matter)."""


class ImageError(CardgenError):
    """An image that cannot be decoded safely (corrupt, truncated, too large)."""


class TemplateError(CardgenError):
    """A template directory or template.toml that is missing or invalid."""


class RenderError(CardgenError):
    """An output that could not be produced."""


class WriteError(RenderError):
    """An output that could not be written (full disk, permissions, a path outside the output folder)."""
