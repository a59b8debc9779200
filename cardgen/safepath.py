"""Path checks that never raise: what a page names may be too long, hold a NUL byte or leave the site."""

from __future__ import annotations

from pathlib import Path


def inside(path: Path, folder: Path | None) -> bool:
    """Does `path` (symlinks resolved) lie inside `folder`? False when there is no folder."""
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def is_file(path: Path) -> bool:
    """`Path.is_file` that also says no for names the OS rejects (too long, NUL byte, …)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def short(text: str, limit: int = 120) -> str:
    """A path or name as quoted in a warning: long ones are cut in the middle."""
    return text if len(text) <= limit else text[: limit // 2] + "…" + text[-limit // 2 :]
