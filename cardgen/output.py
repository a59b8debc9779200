"""Writing outputs safely: atomic writes and the result every renderer returns."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from cardgen.errors import WriteError


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


#: The folders writes are confined to, one tuple per active `confined()` level (innermost last).
_ROOTS: ContextVar[tuple[tuple[Path, ...], ...]] = ContextVar("cardgen_write_roots", default=())

#: Temporary files of `atomic_write`: `.<name>.<8 random characters>.part`.
PARTIAL_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")


@contextmanager
def confined(*roots: Path | str, nested: bool = True) -> Iterator[None]:
    """Within this block every `atomic_write` must land inside one of `roots` (and, unless `nested`
    is false, inside the roots of any enclosing block); anything else raises WriteError before a byte
    is written. `nested=False` is for a deliberate write elsewhere (a batch publishing into the site)."""
    levels = _ROOTS.get() if nested else ()
    token = _ROOTS.set((*levels, tuple(Path(os.path.abspath(r)) for r in roots)))
    try:
        yield
    finally:
        _ROOTS.reset(token)


def check_destination(path: Path) -> None:
    """Raise WriteError when `path` (symlinks resolved) would leave the folders writes are confined to."""
    levels = _ROOTS.get()
    if not levels:
        return
    target = _resolved(Path(path))
    for roots in levels:
        if not any(_within(target, root) for root in roots):
            where = " or ".join(str(r) for r in roots)
            raise WriteError(f"refusing to write outside {where}", path=path)


def _resolved(path: Path) -> Path:
    """`path` with the symlinks of its existing part resolved (the rest kept lexically)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.parent.resolve() / absolute.name
    except (OSError, RuntimeError):
        return absolute


def _within(target: Path, root: Path) -> bool:
    for base in {root, _resolved(root)}:
        try:
            target.relative_to(base)
            return True
        except ValueError:
            continue
    return False


def write_problem(exc: OSError) -> str:
    """A one-line reason for a failed write ("no space left on device", "permission denied", …)."""
    known = {
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "read-only file system",
        errno.ENAMETOOLONG: "file name too long",
        errno.ENOTDIR: "a parent is a file, not a folder",
        errno.EEXIST: "a parent is a file, not a folder",
        errno.EISDIR: "a folder of that name is in the way",
    }
    return known.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def make_dirs(folder: Path) -> Path:
    """`mkdir -p` that reports failures as WriteError naming the folder."""
    folder = Path(folder)
    check_destination(folder / "x")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the folder ({write_problem(exc)})", path=folder) from None
    return folder


def remove_partial_files(folder: Path) -> None:
    """Remove the temporary files `atomic_write` left in `folder` (not its subfolders): a process
    stopped between creating one and renaming or removing it leaves it behind. Only names of the form
    atomic_write gives, regular files, not symlinks."""
    from cardgen.safepath import is_file

    try:
        entries = list(folder.iterdir()) if not folder.is_symlink() else []
    except OSError:
        return
    for path in entries:
        if PARTIAL_FILE.match(path.name) and not path.is_symlink() and is_file(path):
            try:
                path.unlink()
            except OSError:
                pass


def atomic_write(path: Path, data: bytes) -> Path:
    """Write bytes to `path` via a temporary file in the same folder and a rename.

    A reader (or a crash) never sees a half-written file; an existing file is replaced whole. Paths
    outside the confined folders are refused; a full disk or a permission problem becomes a
    WriteError naming the file.
    """
    path = Path(path)
    check_destination(path)
    make_dirs(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise WriteError(f"cannot write ({write_problem(exc)})", path=path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs get normal permissions
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write ({write_problem(exc)})", path=path) from None
        raise
    return path
