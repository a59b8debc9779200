"""`cardgen watch`: rebuild a page's (or a whole site's) outputs each time its sources are saved.

A page is rebuilt whole (one page takes a second or two); a site goes through the batch, whose cache
rebuilds only the pages whose inputs changed. The watcher is watchfiles (inotify/FSEvents through a
bundled Rust extension, polling elsewhere); saves that come in a burst (editors write a temp file,
rename, touch) are debounced into one rebuild. Files cardgen itself writes (the output folder, the
`--hugo` images) are ignored, so an output folder inside the site does not loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import CardgenError, UsageError

if TYPE_CHECKING:
    import threading

    import watchfiles

DEBOUNCE_MS = 400
READY_MS = 300


@dataclass(frozen=True)
class Rebuild:
    """One rebuild, as the status line reports it."""

    ok: bool
    message: str
    seconds: float
    changed: tuple[Path, ...] = ()


def watched_paths(target: Path, output: Path, template_dir: Path | None) -> tuple[list[Path], list[Path]]:
    """(paths to watch, paths to ignore) for a page file or a site/content folder."""
    from cardgen.site import _CONFIG_DIR, CONFIG_NAMES, find_site_root

    target = target.resolve()
    site_root = find_site_root(target if target.is_dir() else target.parent)
    watch: list[Path] = []
    if target.is_file():
        watch.append(target.parent if target.name in ("index.md", "_index.md") else target)
    else:
        watch.append(target / "content" if (target / "content").is_dir() else target)
    if site_root is not None:
        watch += [site_root / name for name in CONFIG_NAMES if (site_root / name).is_file()]
        for extra in (site_root / _CONFIG_DIR, site_root / "content" / "authors", site_root / "content" / "slides",
                      site_root / "assets" / "media"):
            if extra.is_dir():
                watch.append(extra)
    if template_dir is not None and template_dir.is_dir():
        watch.append(template_dir.resolve())
    ignore = [output.resolve()]
    if site_root is not None:
        ignore += [site_root / "static" / "og", site_root / "layouts" / "partials" / "cardgen_og_image.html"]
    return _outermost(watch), ignore


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """Drop paths inside another watched folder (watchfiles would report their changes twice)."""
    unique = sorted(dict.fromkeys(p.resolve() for p in paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in unique:
        if not any(path != k and path.is_relative_to(k) for k in kept if k.is_dir()):
            kept.append(path)
    return kept


def changes(paths: list[Path], ignore: list[Path], *,
            stop_event: threading.Event | None = None) -> Iterator[tuple[Path, ...]]:
    """The files changed in each burst of saves (sorted, outputs left out).

    The first item is `()`, as soon as the watch is in place: build after it, and a save made while
    that build runs is not lost (it comes as the next item).
    """
    import watchfiles

    class _Filter(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            resolved = Path(path)
            if any(resolved == i or resolved.is_relative_to(i) for i in ignore):
                return False
            if resolved.name.startswith(".") and resolved.name.endswith(".part"):
                return False  # our own atomic writes
            return super().__call__(change, path)

    ready = False
    # yield_on_timeout: watchfiles yields an empty set after `rust_timeout` ms without changes, which
    # is how we learn that the watch is set up.
    for batch in watchfiles.watch(*paths, watch_filter=_Filter(), debounce=DEBOUNCE_MS, stop_event=stop_event,
                                  raise_interrupt=True, yield_on_timeout=True, rust_timeout=READY_MS):
        if not ready:
            ready = True
            yield ()
        changed = tuple(sorted({Path(p) for _, p in batch}))
        if changed:
            yield changed


def status_line(rebuild: Rebuild, root: Path | None = None) -> str:
    """'12:04:31 ✓ mlphys: deck, social, card in 1.3 s (index.md)'; '✗' and the reason on failure."""
    names = []
    for path in rebuild.changed[:3]:
        try:
            names.append(path.relative_to(root).as_posix() if root else path.name)
        except ValueError:
            names.append(path.name)
    more = f" +{len(rebuild.changed) - 3}" if len(rebuild.changed) > 3 else ""
    cause = f" ({', '.join(names)}{more})" if names else ""
    mark = "✓" if rebuild.ok else "✗"
    return f"{time.strftime('%H:%M:%S')} {mark} {rebuild.message} in {rebuild.seconds:.1f} s{cause}"


def timed(build: Callable[[], tuple[bool, str]], changed: tuple[Path, ...] = ()) -> Rebuild:
    """Run one rebuild; a CardgenError is a failed rebuild (shown, then the watch goes on)."""
    started = time.perf_counter()
    try:
        ok, message = build()
    except CardgenError as exc:
        ok, message = False, str(exc)
    return Rebuild(ok, message, time.perf_counter() - started, changed)


def check_target(target: Path) -> None:
    if not target.exists():
        raise UsageError(f"{target}: no such file or folder")
    if target.is_file() and target.suffix.lower() != ".md":
        raise UsageError(f"{target}: expected a page (.md) or a site folder")
