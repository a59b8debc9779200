"""Writing outputs safely: atomic writes and the result every renderer returns."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RenderResult:
    """What a renderer produced: files written (in order), warnings, and extra facts (sizes, counts)."""

    outputs: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    info: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> Path:
    """Write bytes to `path` via a temporary file in the same folder and a rename.

    A reader (or a crash) never sees a half-written file; an existing file is replaced whole.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs get normal permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
