"""Path checks that never raise, and the one way cardgen reads a file it did not write.

What a page names may be too long, hold a NUL byte, leave the site through `..` or a symlink, or be a
FIFO or a device that blocks or never ends. `read_capped()` opens without blocking, accepts regular
files only and reads at most a given number of bytes; the predicates below say no instead of raising.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

#: Caps on what cardgen reads (bytes). A page of 5 MB is absurd but still loads.
MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_CONFIG_BYTES = 4 * 1024 * 1024
MAX_IMAGE_BYTES = 256 * 1024 * 1024

#: Longest output name stem (bytes): leaves room for "-linkedin.webp" and the like under the usual
#: 255-byte file name limit.
MAX_NAME_BYTES = 120


class RefusedFile(OSError):
    """A file cardgen will not read: not a regular file, too large, or outside where it may read."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def inside(path: Path, folder: Path | None) -> bool:
    """Does `path` (symlinks resolved) lie inside `folder`? False when there is no folder."""
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def is_file(path: Path, folder: Path | None = None) -> bool:
    """A regular file (after symlinks), and inside `folder` when one is given. Never raises:
    FIFOs, devices, names the OS rejects (too long, NUL byte) and loops all say no."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
    except (OSError, ValueError):
        return False
    return folder is None or inside(path, folder)


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def read_capped(path: Path, limit: int, folder: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (inside `folder` when given).

    Raises RefusedFile (an OSError) for a FIFO, device, socket, folder, a file over the cap or one
    outside `folder`; other OSErrors (missing, permission denied) pass through. Never blocks: the
    file is opened non-blocking and checked with fstat before any read.
    """
    if folder is not None and not inside(path, folder):
        raise RefusedFile(path, f"leads outside {folder} (through '..' or a symlink); refused")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except ValueError:  # NUL byte in the name
        raise RefusedFile(path, "the name holds a NUL byte; refused") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(path, f"is a {_kind(info.st_mode)}, not a regular file; refused")
        if info.st_size > limit:
            raise RefusedFile(path, f"is {info.st_size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB cardgen reads")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # grew while we read it
            raise RefusedFile(path, f"is more than the {limit / 1e6:.0f} MB cardgen reads")
        return data
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def short(text: str, limit: int = 120) -> str:
    """A path or name as quoted in a warning: long ones are cut in the middle."""
    return text if len(text) <= limit else text[: limit // 2] + "…" + text[-limit // 2 :]


_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(text: str, fallback: str = "page", limit: int = MAX_NAME_BYTES) -> str:
    """`text` as one portable file or folder name: no separators, no control or reserved characters,
    never `.`/`..` or hidden, at most `limit` bytes of UTF-8 (cut on a character boundary)."""
    name = unicodedata.normalize("NFC", str(text))
    name = _UNSAFE.sub("-", name).strip("-. ")
    name = re.sub(r"-{2,}", "-", name)
    encoded = name.encode("utf-8")
    if len(encoded) > limit:
        name = encoded[:limit].decode("utf-8", errors="ignore").rstrip("-. ")
    if not name or set(name) <= {"."} or name.upper() in _WINDOWS_RESERVED:
        return fallback
    return name


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
