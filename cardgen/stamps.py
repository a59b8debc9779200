"""File stamps: the metadata that shows a file has not changed since it was last read.

A stamp is a file's type, size, inode, modification and change times (the change time moves with
every write and every `touch`, so restoring an old modification time does not hide an edit), or
"missing", or for a symlink its target as well. The batch keeps the stamps of everything a page's
cache key read, and of every output it wrote, so a rerun over an unchanged site checks stamps
instead of parsing every page and hashing every output again.

A stamp taken in the same clock tick as a later edit could equal the edited file's: as git does for
its index ("racy clean" entries), a stamp whose times are not clearly older than the moment it was
taken proves nothing and the caller falls back to reading the file. "Clearly" is a second for file
systems that keep whole seconds (FAT keeps two), fifty milliseconds otherwise (kernel timestamps move
by clock ticks of a few milliseconds).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import cast

from cardgen.safepath import inside

MISSING = "missing"

_FINE = 50_000_000  # ns: how much older than the stamp's moment a sub-second time must be
_COARSE = 2_000_000_000  # ns: for whole-second times (FAT rounds to two seconds)


def stamp(path: Path, jail: Path | None = None) -> str:
    """The stamp of `path` now. A symlink leading out of `jail` is stamped by its target's name only
    (nothing outside is looked at); never raises."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return MISSING
    prefix = ""
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            return MISSING
        if jail is not None and not inside(path, jail):
            return f"link-out:{target}"
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return f"dangling:{target}"
        prefix = f"link:{target}:"
    return f"{prefix}{st.st_mode:o}:{st.st_size}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def take(paths: Iterable[Path], jail: Path | None = None, at: int | None = None) -> dict[str, object]:
    """Stamps of `paths`, with the moment they were taken: `{"at": ns, "files": {path: stamp}}`.
    `at` dates them earlier (the start of the run that read the files: a stamp proves only what
    was true before the files were read)."""
    moment = time.time_ns() if at is None else at
    return {"at": moment, "files": {str(p): stamp(p, jail) for p in dict.fromkeys(paths)}}


def changed_since(taken: Mapping[str, object], moment: int) -> bool:
    """Was any of the files changed at or after `moment` (ns), as far as its times can tell? A file
    system that keeps whole seconds counts the whole second of `moment`."""
    files = taken.get("files")
    if not isinstance(files, Mapping):
        return True
    for recorded in files.values():
        times = _times(recorded) if isinstance(recorded, str) else None
        if times is None:
            continue
        newest = max(times)
        whole = all(t % 1_000_000_000 == 0 for t in times)
        if newest >= (moment - moment % 1_000_000_000 if whole else moment):
            return True
    return False


def unchanged(taken: object, jail: Path | None = None) -> bool:
    """Do the stamps `take` returned still hold, every one of them, and prove it (none racy)?
    Anything malformed says no."""
    if not isinstance(taken, Mapping) or not isinstance(taken.get("files"), Mapping) or not taken["files"]:
        return False
    files = cast("Mapping[object, object]", taken["files"])
    if not all(isinstance(name, str) for name in files):
        return False
    return proven(taken, take([Path(cast(str, name)) for name in files], jail)) == set(files)


def proves(recorded: str, at: int) -> bool:
    """Does a stamp taken at `at` prove its file unchanged while it still holds (its times clearly
    older than `at`)?"""
    return not _racy(recorded, at)


def merged(first: object, second: dict[str, object]) -> dict[str, object]:
    """Two `take`s as one, dated by the earlier (a stamp is never judged against a later moment than
    the one it was taken at)."""
    if not isinstance(first, Mapping) or not isinstance(first.get("at"), int) or not isinstance(first.get("files"), Mapping):
        return second
    files = {**cast("Mapping[str, object]", first["files"]), **cast("Mapping[str, object]", second["files"])}
    return {"at": min(cast(int, first["at"]), cast(int, second["at"])), "files": files}


def proven(taken: object, now: Mapping[str, object]) -> set[str]:
    """The files of `taken` whose stamp is the same in `now` (another `take`, later) and proves it."""
    if not isinstance(taken, Mapping):
        return set()
    at, files, current = taken.get("at"), taken.get("files"), now.get("files")
    if not isinstance(at, int) or not isinstance(files, Mapping) or not isinstance(current, Mapping):
        return set()
    return {name for name, recorded in files.items()
            if isinstance(recorded, str) and current.get(name) == recorded and not _racy(recorded, at)}


def _times(recorded: str) -> tuple[int, int] | None:
    """(mtime, ctime) of a stamp; None for one without times (missing, link-out, dangling) or unreadable."""
    parts = recorded.rsplit(":", 2)
    if len(parts) != 3 or recorded.startswith(("link-out:", "dangling:")):
        return None
    try:
        return int(parts[1]), int(parts[2])
    except ValueError:
        return None


def _racy(recorded: str, at: int) -> bool:
    if recorded == MISSING or recorded.startswith(("link-out:", "dangling:")):
        return False  # no times to trust or distrust
    times = _times(recorded)
    if times is None:
        return True
    margin = _COARSE if all(t % 1_000_000_000 == 0 for t in times) else _FINE
    return max(times) > at - margin
