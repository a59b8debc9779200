"""`cardgen batch`: every project page of a site, in parallel, incrementally, plus the event pack.

Flow: discover pages → triage (unchanged by their stamps: cached without reading) → read the rest as
the process pool's workers need them (load, skip drafts, hash inputs) → render changed pages → event
pack (card sheet, showcase deck, contact sheet) → manifest.json. Outputs are written atomically; the
cache is saved as pages finish (at most once a second) and on an interruption, so a run resumes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import time
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from cardgen import __version__, collector, stamps
from cardgen.errors import CardgenError, PageError, UsageError, WriteError
from cardgen.output import PARTIAL_FILE, atomic_write, confined, make_dirs, remove_partial_files
from cardgen.pool import Outcome, can_fork, run_tasks, workers_for
from cardgen.safepath import (
    MAX_CONFIG_BYTES,
    MAX_IMAGE_BYTES,
    MAX_PAGE_BYTES,
    inside,
    is_dir,
    is_file,
    read_capped,
    safe_name,
    short,
)

if TYPE_CHECKING:
    from cardgen.page import Page
    from cardgen.render.assets import PageImages
    from cardgen.render.deck_plan import Geometry
    from cardgen.templates import Template

CACHE_FILE = ".cardgen-cache.json"
#: Seconds between two saves of the cache while pages finish (it is saved at the end whatever happens).
SAVE_EVERY = 1.0
#: Crops cut while building each page, kept so the event pack never decodes an image again.
CROPS_DIR = ".cardgen-crops"
PACK_KEY = "__event_pack__"
DIGESTS_KEY = "__image_digests__"  # last run's table, then this run's (see input_key)
MANIFEST = "manifest.json"
EVENT_DIR = "event"


@dataclass(frozen=True)
class Task:
    """One page to process: plain data and the page as loaded, so it pickles cheaply to a worker."""

    source: str
    slug: str
    out_dir: str
    template: str
    formats: tuple[str, ...]
    site_root: str | None
    crops: str | None = None  # folder where this page's image crops are kept for the event pack
    root: str = ""  # the batch's output folder: every write of the task stays inside it
    presets: tuple[str, ...] = ("og",)  # social presets
    math: str = "picture"  # how decks show equations: picture | native
    page: Page | None = None  # the page as the batch loaded it (a few KB pickled): not read twice


@dataclass
class PageRecord:
    source: str
    slug: str
    status: str = "pending"  # built | cached | skipped | failed
    outputs: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    key: str = ""


@dataclass
class RunStamps:
    """What a run learns about its files' stamps (`stamps`): the context its cache entries are valid
    in, the stamps of each page's inputs (by source), and the entries whose output stamps it renewed."""

    context: str
    started: int = field(default_factory=time.time_ns)  # before anything of the site was read
    inputs: dict[str, Any] = field(default_factory=dict)
    refreshed: list[str] = field(default_factory=list)

    def settled(self, taken: dict[str, Any], paths: list[Path], jail: Path) -> bool:
        """Did the files keep still while this run read them (none changed since it started, and
        none between the stamps and now)? Otherwise what was read may not be what the key says."""
        return not stamps.changed_since(taken, self.started) and stamps.take(paths, jail)["files"] == taken["files"]


# --- discovery --------------------------------------------------------------------------------------


def content_root(source: Path) -> tuple[Path, Path | None]:
    """(folder to scan, site root or None) for a site root or a content folder."""
    from cardgen.site import find_site_root

    source = Path(source).resolve()
    if not is_dir(source):
        if source.exists():
            raise UsageError(f"{source}: not a folder (pass a Hugo site root or a content folder)")
        raise UsageError(f"{source}: no such folder (pass a Hugo site root or a content folder)")
    if is_dir(source / "content"):
        return source / "content", find_site_root(source)
    return source, find_site_root(source)


def discover(source: Path, section: str = "project", glob: str | None = None) -> tuple[list[Path], Path | None]:
    """Page files under `source`, sorted: `index.md` of leaf bundles and single `*.md` pages.

    In a site (or a content folder with a `<section>/` folder, language folders included) only that
    section is scanned; a site without that section is a usage error (a typo would otherwise scan
    everything); a plain folder without it is scanned whole (e.g. a folder of page bundles).
    Symlinked folders are not followed; pages outside the scanned folder are never returned.
    """
    content, site_root = content_root(source)
    if glob:
        return _globbed(content, glob), site_root
    roots = [content / section] if is_dir(content / section) else []
    # language folders: content/<lang>/<section>/
    roots += [p / section for p in sorted(content.iterdir()) if is_dir(p) and is_dir(p / section)]
    if not roots and site_root is not None and content == (site_root / "content").resolve():
        sections = sorted({p.name for p in content.iterdir() if is_dir(p) and not p.name.startswith(".")})
        raise UsageError(f"{content}: no section {section!r} here (sections: {', '.join(sections) or 'none'})")
    roots = list(dict.fromkeys(roots)) or [content]
    pages: list[Path] = []
    for root in roots:
        pages.extend(_pages_under(root))
    return sorted(dict.fromkeys(pages)), site_root


def _globbed(content: Path, pattern: str) -> list[Path]:
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise UsageError(f"glob {pattern!r}: must be relative to {content} and stay inside it")
    try:
        found = list(content.glob(pattern))
    except (ValueError, NotImplementedError) as exc:
        raise UsageError(f"glob {pattern!r}: {exc}") from None
    # Pages only (a FIFO or symlink still counts: loading it refuses it, and the manifest says why).
    return sorted(p for p in found if p.suffix == ".md" and not is_dir(p) and _lexically_inside(p, content))


def _lexically_inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.normpath(path)).relative_to(os.path.normpath(folder))
    except ValueError:
        return False
    return True


def _pages_under(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        folder = Path(dirpath)
        if "index.md" in filenames:
            dirnames.clear()  # a leaf bundle: everything below is its resources
            yield folder / "index.md"
            continue
        for name in sorted(filenames):
            if name.endswith(".md") and name != "_index.md" and not name.startswith("."):
                yield folder / name


#: Names in the output folder that belong to cardgen itself.
RESERVED = frozenset({EVENT_DIR, CROPS_DIR, MANIFEST, CACHE_FILE})


def unique_slugs(pages: list[Path], notes: list[str] | None = None) -> list[str]:
    """Output folder names: the bundle name made a safe file name (see `safe_name`), unique per batch.

    Uniqueness ignores case (macOS and Windows file systems do). A page keeps its own name when it
    can; a later page whose name is taken (by another page, by a page whose name looks like a suffix,
    or by cardgen's own `event/`) gets the first free `-2`, `-3`, … and a line in `notes`."""
    bases = [safe_name(p.parent.name if p.name == "index.md" else p.stem) for p in pages]
    wanted = {b.casefold() for b in bases}
    taken = {r.casefold() for r in RESERVED}
    slugs: list[str] = []
    for path, base in zip(pages, bases, strict=True):
        slug = base
        if slug.casefold() in taken:
            n = 2
            while f"{base}-{n}".casefold() in taken or (f"{base}-{n}".casefold() in wanted):
                n += 1
            slug = f"{base}-{n}"
            if notes is not None:
                notes.append(f"{path}: output name {base!r} is already taken in this batch; using {slug!r}")
        taken.add(slug.casefold())
        slugs.append(slug)
    return slugs


# --- cache key ----------------------------------------------------------------------------------------

#: Bundle resources beyond this many are not looked at for the cache key.
MAX_KEY_FILES = 5000


class KeyInputs(NamedTuple):
    """What a page's cache key looks at: files read (with their read caps), files stamped by name,
    size and time, and the folders walked to find the latter (a file added there changes them)."""

    read: list[tuple[Path, int]]
    stat_only: list[Path]
    folders: list[Path]

    def paths(self) -> list[Path]:
        return [p for p, _ in self.read] + self.stat_only + self.folders


def key_inputs(page: Page) -> KeyInputs:
    """The page, its bundle files, the featured image, the linked slides deck, author profiles and
    site config: every file `input_key` reads or stamps."""
    read: list[tuple[Path, int]] = [(page.path, MAX_PAGE_BYTES)]
    if page.featured_image is not None:
        read.append((page.featured_image, MAX_IMAGE_BYTES))
    if page.slides_path is not None:
        read.append((page.slides_path, MAX_PAGE_BYTES))
    stat_only: list[Path] = []
    folders: list[Path] = []
    if page.bundle_dir is not None:
        stat_only += _tree(page.bundle_dir, folders)
    if page.slides_path is not None and page.slides_path.name == "index.md":
        stat_only += _tree(page.slides_path.parent, folders)
    from cardgen.loader import author_entries
    from cardgen.site import CONFIG_NAMES, author_profiles, page_language, slides_candidates

    lang = page_language(page.site, page.path)
    # Every place the loader looked for a file it may use, found or not: one created there later
    # changes the page (the linked deck, `image.filename` in the site's media, author profiles).
    if page.slides_name:
        stat_only += [p for p, _ in slides_candidates(page.site, page.path, page.slides_name, lang)]
    if page.site is not None:
        root = page.site.root
        filename = page.image.filename.lstrip("/")
        media = root / "assets" / "media"
        if filename and not page.image.filename.startswith(("http://", "https://", "//")) and \
                _lexically_inside(media / filename, media):
            stat_only.append(media / filename)
        configs = [root / name for name in CONFIG_NAMES] + _tree(root / "config", folders)
        profiles = [p for name in author_entries(page.front_matter) for _, p in author_profiles(page.site, name, lang)]
        read += [(p, MAX_CONFIG_BYTES) for p in configs] + [(p, MAX_PAGE_BYTES) for p in profiles]
    return KeyInputs(list(dict.fromkeys(read)), list(dict.fromkeys(stat_only)), list(dict.fromkeys(folders)))


def input_key(page: Page, template_digest: str, options: dict[str, Any],
              digests: tuple[dict[str, Any], dict[str, Any]] | None = None,
              inputs: KeyInputs | None = None) -> str:
    """Hash of everything an output depends on: the page, its bundle files, the featured image, the
    linked slides deck, author profiles, site config, template files, options and cardgen's version.

    Files that are read (page, featured image, slides, configs, profiles) are hashed with a capped
    read; other bundle resources by name, size and modification time. Nothing outside the site (or
    the page's folder) is looked at, and symlinks are not followed out of it.

    `digests` is (last run's, this run's) featured-image digests by path: an image whose size, inode,
    modification and change times are those of last run is not read again (its bytes cannot have
    changed without changing its change time); this run's table is filled in either way.
    """
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(template_digest.encode())
    jail = key_jail(page)
    inputs = inputs or key_inputs(page)
    for path, cap in inputs.read:
        h.update(str(path.name).encode())
        try:
            if digests is not None and path == page.featured_image:
                h.update(_image_digest(path, cap, jail, *digests).encode())
            else:
                h.update(read_capped(path, cap, jail))
        except OSError as exc:
            h.update(f"unreadable:{type(exc).__name__}".encode())
    for path in inputs.stat_only:
        h.update(str(path).encode())
        h.update(_stat_key(path, jail).encode())
    return h.hexdigest()


def key_jail(page: Page) -> Path:
    """The folder a page's key may look into: its site, or the page's own folder."""
    return page.site.root if page.site is not None else page.path.parent


def _image_digest(path: Path, cap: int, jail: Path, previous: dict[str, Any], current: dict[str, Any]) -> str:
    at = time.time_ns()
    stamp = stamps.stamp(path, jail)
    known = previous.get(str(path))
    if isinstance(known, list) and len(known) == 3 and isinstance(known[1], str) and isinstance(known[2], int) \
            and known[0] == stamp and stamps.proves(stamp, known[2]):
        digest, at = known[1], known[2]
    else:
        digest = hashlib.sha256(read_capped(path, cap, jail)).hexdigest()
    current[str(path)] = [stamp, digest, at]
    return digest


def _tree(folder: Path, walked: list[Path] | None = None) -> list[Path]:
    """Files below `folder`, without following symlinked folders, at most MAX_KEY_FILES; the folders
    looked into (`folder` itself even when it is missing) are added to `walked`."""
    found: list[Path] = []
    if walked is not None:
        walked.append(folder)
    if not is_dir(folder):
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        if walked is not None and dirpath != str(folder):
            walked.append(Path(dirpath))
        found += [Path(dirpath) / name for name in sorted(filenames)]
        if len(found) >= MAX_KEY_FILES:
            return found[:MAX_KEY_FILES]
    return found


def _stat_key(path: Path, jail: Path) -> str:
    try:
        if path.is_symlink() and not inside(path, jail):
            return "link-out"
        st = os.stat(path)
    except (OSError, ValueError):
        return "missing"
    return f"{st.st_mode:o}:{st.st_size}:{st.st_mtime_ns}"


def file_record(path: Path, base: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return {"path": Path(path).relative_to(base).as_posix(), "bytes": size, "sha256": h.hexdigest()}


# --- worker -------------------------------------------------------------------------------------------


_LIBC: Any = None

#: Memo tables keyed by a page's own strings (measured lines, shaped runs, typeset formulas): they help
#: within a page, where fitting measures the same text at many sizes, and only grow across pages.
PAGE_CACHES = (
    ("cardgen.text.measure", "_em_width"), ("cardgen.text.measure", "_em_width_conservative"),
    ("cardgen.text.line", "place_line"), ("cardgen.text.fonts", "_segments"), ("cardgen.text.shaping", "shape"),
    ("cardgen.text.shaping", "shaped_advance"),
    ("cardgen.text.bidi", "_visual_runs"), ("cardgen.text.breaking", "atoms"), ("cardgen.render.deck_fit", "line_count"),
    ("cardgen.math", "_typeset"), ("cardgen.math", "_linear"), ("cardgen.math.svg", "draw"),
    ("cardgen.math.raster", "svg_to_png"), ("cardgen.math.omml", "to_omml"),
)


GC_ABOVE_MIB = 256


def _rss_mib() -> float:
    """This process's resident size (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return 0.0


def release_page_memory() -> None:
    """Give back what a finished page used, so a batch worker stays at the size of one page however
    many it renders: the per-page memo tables (`PAGE_CACHES`), then the freed heap (glibc's
    `malloc_trim`). Freed image buffers sit in the heap while the page is rendered, where the next ones
    reuse them without page faults; serving every buffer of 1 MiB and more with mmap instead (the other
    way to keep workers small) costs ~10 % more CPU in faults on fresh pages. Objects in reference
    cycles (python-pptx and lxml leave some) are collected when the worker has grown past
    `GC_ABOVE_MIB`, and what survives is frozen (`gc.freeze`: process-long tables, not page data),
    so the next full collection walks only what later pages made."""
    global _LIBC
    import sys

    for module, name in PAGE_CACHES:
        loaded = sys.modules.get(module)
        cache = getattr(loaded, name, None) if loaded is not None else None
        if cache is not None and hasattr(cache, "cache_clear"):
            cache.cache_clear()
    if _rss_mib() > GC_ABOVE_MIB:
        import gc

        gc.collect()
        gc.freeze()
    if not sys.platform.startswith("linux") or _LIBC is False:
        return
    if _LIBC is None:
        try:
            import ctypes

            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim  # noqa: B018 - glibc only (musl has none): checked once
        except (OSError, AttributeError):
            _LIBC = False
            return
    _LIBC.malloc_trim(0)


def process_page(task: Task) -> dict[str, Any]:
    """Render one page's outputs (runs in a worker process). Never raises: failures are data."""
    started = time.perf_counter()
    record: dict[str, Any] = {"warnings": [], "errors": {}, "outputs": [], "error": None}
    try:
        with confined(task.root), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _render_task(task, record)
        record["warnings"] += [f"{task.source}: {' '.join(str(w.message).split())}" for w in caught]
    except CardgenError as exc:
        record["error"] = str(exc)
    except RecursionError:
        record["error"] = f"{task.source}: nested too deeply to render (recursion limit)"
    except MemoryError:
        record["error"] = f"{task.source}: out of memory while rendering"
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
        record["error"] = f"{task.source}: internal error: {type(exc).__name__}: {exc}"
    record["seconds"] = time.perf_counter() - started
    release_page_memory()
    return record


class PreloadHints(NamedTuple):
    """What a site's pages will need beyond every page's basics, guessed from their text before any
    page is read for real (so before the workers are forked): the fonts their characters fall back
    to, and whether any writes math. A wrong guess costs time only (a font parsed for nothing, or
    parsed by each worker that meets it)."""

    fonts: tuple[Path, ...] = ()
    math: bool = False
    costs: Mapping[Path, float] = {}  # page → a guess of its render time in ms (see `render_cost`)


def preload_hints(paths: Iterable[Path], folder: Path, include_drafts: bool = False) -> PreloadHints:
    """`PreloadHints` from the raw text of these pages (read capped and inside `folder`, as the
    loader reads them; a page that cannot be read is left out): the first font of the fallback chain
    that draws each of their non-ASCII characters, regular and bold (a CJK face is ~175 ms to parse,
    an Arabic one ~30 ms), math delimiters ($, \\( or \\[: the formula typesetter's first use loads
    its font, ~250 ms), and each page's `render_cost` (none for a page that looks like a draft, unless
    drafts are built: it is only read, best while the workers render)."""
    from cardgen.text.fonts import fallback_chain, font_for, font_path

    chars: set[str] = set()
    math = False
    costs: dict[Path, float] = {}
    for path in paths:
        try:
            text = read_capped(path, MAX_PAGE_BYTES, folder).decode("utf-8", "replace")
        except OSError:
            continue
        chars.update(ch for ch in set(text) if not ch.isascii() and ch.isprintable())
        math = math or "$" in text or "\\(" in text or "\\[" in text
        costs[path] = 0.0 if not include_drafts and _looks_like_draft(text) else render_cost(path, text, folder)
    primary = {font_path(bold=False), font_path(bold=True)}
    fonts: dict[Path, None] = {}
    for bold in (False, True):
        chain = fallback_chain(bold=bold)
        for ch in sorted(chars):
            found = font_for(ord(ch), chain)
            if found is not None and found not in primary:
                fonts[found] = None
    return PreloadHints(tuple(fonts), math, costs)


def render_cost(path: Path, text: str, folder: Path) -> float:
    """A guess, in ms of one core, of what rendering the page at `path` (raw text `text`) takes: what
    every page costs, plus its formulas (a typeset and drawn formula is 10–60 ms: a page of a
    hundred takes over a second) and the bytes of the bundle's featured image, found as the loader
    finds it (decoding and cropping a 12 MP photo is ~150 ms). Only the order matters: a batch starts
    the heaviest pages first, so that no long page is left running alone at the end."""
    from cardgen.loader import find_featured_image

    formulas = text.count("$") / 2 + text.count("\\(") + text.count("\\[") + text.count("\\begin{")
    featured = 0
    if path.name in ("index.md", "_index.md"):
        try:
            image = find_featured_image(path.parent, "", None, lambda field, message: None)  # the loader warns
            featured = image.stat().st_size if image is not None and is_file(image, folder) else 0
        except OSError:
            pass
    return 100.0 + 12.0 * formulas + featured / 25_000


_FRONT_MATTER = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n(.*?)^\1[ \t]*\r?$", re.S | re.M)
_DRAFT = re.compile(r"""^[ \t]*"?draft"?[ \t]*[:=][ \t]*["']?(true|yes|on|1)["']?[ \t]*,?[ \t]*(#[^\n]*)?\r?$""",
                    re.I | re.M)


def _looks_like_draft(text: str) -> bool:
    """The page's YAML or TOML front matter sets `draft` true (a guess for ordering pages only: the
    loader decides)."""
    front = _FRONT_MATTER.match(text)
    return bool(front and _DRAFT.search(front.group(2)))


def preload_renderers(template: Template | None = None, languages: Iterable[str] = (),
                      hints: PreloadHints | None = None) -> None:
    """Import the renderers and load what every page needs (language model, font metrics and the
    PDF faces of the primary font), in the batch process before its workers are forked: each worker
    then starts with them instead of importing and parsing them again (~1 s CPU per worker). With
    the batch's template and its pages' languages, also the template's slide master as the decks
    read it and the locale data dates and name lists are written with (~100 ms per worker); with
    `hints`, the PDF faces the pages' characters need and the formula typesetter."""
    import cardgen.markdown  # noqa: F401 - imported for the workers
    from cardgen.i18n.detect import MODEL_LANGUAGES, _identifier
    from cardgen.loader import load_page  # noqa: F401 - imported for the workers
    from cardgen.render import card, deck, social  # noqa: F401 - imported for the workers
    from cardgen.render.build import render_all  # noqa: F401 - imported for the workers
    from cardgen.render.pdf_fonts import preload as preload_fonts
    from cardgen.text.fonts import font_path
    from cardgen.text.metrics import bundled_metrics

    _identifier(MODEL_LANGUAGES)
    bundled_metrics()
    _import_page_modules()
    hints = hints or PreloadHints()
    preload_fonts([font_path(bold=False), font_path(bold=True)])
    for face in hints.fonts:  # a guess: a face that fails here fails (and is reported) with its page
        try:
            preload_fonts([face])
        except Exception:  # noqa: BLE001, S112 - only a preload
            continue
    if hints.math:
        from cardgen.math import check_drawing, typeset

        try:
            check_drawing(typeset("x^2", display=True))  # loads the typesetter and its math font
        except Exception:  # noqa: BLE001, S110 - only a preload: a page's formulas report their own failure
            pass
    if template is not None:
        _showcase_geometry(str(template.path))  # the master every deck and showcase crop reads
    load_locales(languages)


#: What rendering pages imports on first use, beyond the renderers' own imports (~45 ms a process).
_PAGE_MODULES = (
    "cardgen.content", "cardgen.imaging.compose", "cardgen.math.linear", "cardgen.math.mathml", "cardgen.math.raster",
    "cardgen.math.svg", "cardgen.qr", "cardgen.render.assets",
    "cardgen.render.deck_math", "cardgen.render.deck_table", "cardgen.render.pdf_text", "cardgen.render.raster",
    "cardgen.render.social_encode", "cardgen.render.social_hugo", "cardgen.render.social_meta", "cardgen.slides",
    "cardgen.text.raster", "bidi", "budoux", "numpy.ma", "pygments.lexers.python", "resvg", "segno",
)


def _import_page_modules() -> None:
    """Import `_PAGE_MODULES` and Pillow's common image plugins, for the page workers and the event
    pack's processes forked afterwards (each would import them on its first page otherwise)."""
    import importlib

    from PIL import Image

    for name in _PAGE_MODULES:
        importlib.import_module(name)
    Image.preinit()


def load_locales(languages: Iterable[str]) -> None:
    """Load the CLDR data (~15 ms a language, per process) that dates, name lists and the writing
    direction of these languages are written with. The batch calls it once all pages are read too,
    while the workers render: the event pack's processes, forked afterwards, and its gallery, drawn
    here, then find every page's language loaded."""
    import datetime as dt

    from cardgen.i18n import is_rtl
    from cardgen.i18n.formats import format_month, join_names

    for language in dict.fromkeys(languages):
        is_rtl(language)
        format_month(dt.date(2000, 1, 1), language)
        join_names(["A", "B", "C"], language)


def _render_task(task: Task, record: dict[str, Any]) -> None:
    from cardgen.loader import load_page
    from cardgen.render.build import render_all

    page = task.page if task.page is not None else load_page(Path(task.source), site_root=task.site_root)
    images = None
    if task.crops:
        from cardgen.render.assets import PageImages

        clear_store(Path(task.crops))  # crops of an older version of the page
        images = PageImages(page, store=Path(task.crops), persist=True)
    result = render_all(page, Path(task.out_dir), template=task.template, formats=task.formats, images=images,
                        social_presets=task.presets, math=task.math)
    if images is not None and "deck" in task.formats:
        _cut_showcase_crop(images, task.template)
    if page.qr_url and {"card", "deck"} & set(task.formats):
        from cardgen.qr import packed, qr_matrix

        record["qr"] = {page.qr_url: packed(qr_matrix(page.qr_url))}  # encoded for the outputs: for the event pack
    scenes = result.info.get("card_scenes")
    if scenes:
        record["card_scenes"] = scenes  # the card as laid out: the event pack's card sheet draws it again
    record["warnings"] = list(page.warnings) + list(result.warnings)
    record["errors"] = dict(cast("dict[str, str]", result.info.get("errors", {})))
    record["outputs"] = [str(p) for p in result.outputs]
    record["timings"] = result.info.get("timings", {})


def _publish_to_hugo(page: Page, outputs: list[Path]) -> list[str]:
    """`--hugo`: the page's social images, copied (not re-rendered) to where the theme partial finds
    them (`static/og/<page path>.<ext>`), plus the helper partial. Returns the files written.

    Done for unchanged pages too: in CI the output folder comes from a cache while the site is a
    fresh checkout without `static/og/`."""
    from cardgen.render import social_hugo

    written = []
    for path in outputs:
        name = Path(path).name
        for preset in ("og", "x", "square", "linkedin", "github"):
            prefix = f"{page.slug}-{preset}."
            if name.startswith(prefix) and Path(path).suffix in (".png", ".jpg", ".webp"):
                target = social_hugo.static_path(page, Path(path).suffix.lstrip("."), preset)
                atomic_write(target, read_capped(Path(path), MAX_IMAGE_BYTES))
                written.append(str(target))
    if written:
        partial = social_hugo.write_partial(page)
        if partial is not None:
            written.append(str(partial))
    return written


def _cut_showcase_crop(images: PageImages, template_dir: str) -> None:
    """The showcase shows every project's picture, also where the page's own deck leaves it out
    (`image.preview_only`): cut it now, while the image is decoded anyway."""
    if images.page.featured_image is None:
        return
    try:
        from cardgen.render.deck import title_hero

        images.encoded(title_hero(images, *_showcase_geometry(template_dir)), "slide")  # stored for the pack
    except CardgenError:
        pass


@lru_cache(maxsize=8)
def _showcase_geometry(template_dir: str) -> tuple[Geometry, Template]:
    from cardgen.render.deck import master_geometry
    from cardgen.templates import load_template

    template = load_template(template_dir)
    return master_geometry(template), template


# --- events ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Something the user should know that concerns the whole run (slug renamed, site config broken)."""

    message: str


@dataclass(frozen=True)
class Planned:
    """Pages found and triaged: `render` of `pages` are read and rendered, one `PageDone` each (the rest
    are cached, skipped or failed without being read; reading may still find one of those unchanged)."""

    pages: int
    render: int


@dataclass(frozen=True)
class PageDone:
    """One page read and rendered, failed, or settled by reading it (cached, skipped): `done` of
    `total` so far."""

    record: PageRecord
    done: int
    total: int


@dataclass(frozen=True)
class PackStarted:
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Finished:
    """The run is over: the manifest (as written to `manifest_path`), the pages that failed and the
    exit code (0 all good, 1 some page or output failed)."""

    manifest: dict[str, Any]
    manifest_path: Path
    failed: tuple[PageRecord, ...]
    exit_code: int


Event = Notice | Planned | PageDone | PackStarted | Finished


# --- the run --------------------------------------------------------------------------------------------

#: Default per-page time limit (s): generous; a normal page takes a few seconds.
PAGE_TIMEOUT = 120.0


def run_batch(source: Path, output: Path, **options: Any) -> int:
    """Run the batch without printing anything; returns the exit code (see `iter_batch`)."""
    code = 1
    for event in iter_batch(source, output, **options):
        if isinstance(event, Finished):
            code = event.exit_code
    return code


def iter_batch(
    source: Path,
    output: Path,
    *,
    section: str = "project",
    glob: str | None = None,
    include_drafts: bool = False,
    formats: str | tuple[str, ...] = "deck,social,card",
    jobs: int = 0,
    force: bool = False,
    event: str | None = None,
    template: str = "default",
    presets: tuple[str, ...] = ("og",),
    math: str = "picture",
    sheet: str = "a4",
    hugo: bool = False,
    base_url: str | None = None,
    page_timeout: float | None = PAGE_TIMEOUT,
) -> Iterator[Event]:
    """Run the batch, yielding progress events (the caller prints them; this never prints).

    Every page is isolated: any problem planning, loading or rendering it (including a worker that
    hangs past `page_timeout` seconds or dies) becomes that page's failure in the manifest, and the
    manifest is always written. Raises UsageError for bad arguments before anything is written.
    """
    from cardgen.render.build import FORMATS
    from cardgen.templates import load_template

    started = time.perf_counter()
    begun = time.time_ns()  # before anything of the site is read (see RunStamps.settled)
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip()) if isinstance(formats, str) else tuple(formats)
    if not chosen or any(f not in FORMATS for f in chosen):
        raise UsageError(f"formats: expected a subset of {', '.join(FORMATS)}, got {formats!r}")
    if page_timeout is not None and not page_timeout > 0:
        raise UsageError(f"page time limit: expected a positive number of seconds, got {page_timeout!r}")
    tpl = load_template(template)
    sheet = _check_sheet(sheet)
    if math not in ("picture", "native"):
        raise UsageError(f"math: expected picture or native, got {math!r}")
    output = Path(os.path.abspath(output))
    if output.exists() and not is_dir(output):
        raise UsageError(f"{output}: exists and is not a folder (pass a folder for the outputs)")
    paths, site_root = discover(Path(source), section, glob)
    if not paths:
        raise UsageError(f"{source}: no pages found (section {section!r}{', glob ' + repr(glob) if glob else ''})")
    if hugo and site_root is None:
        raise UsageError(f"{source}: publishing into the site needs a Hugo site (a folder with a config file and content/)")
    content, _ = content_root(Path(source))
    if _lexically_inside(output, content) or _lexically_inside(content, output):
        raise UsageError(f"{output}: the output folder must not be inside the content it reads, nor hold it")

    with confined(output), collector.thawed_after():
        make_dirs(output)
        _remove_partial_files(output)
        cache = _read_cache(output)
        previous = cache.get(DIGESTS_KEY)
        digests: tuple[dict[str, Any], dict[str, Any]] = (previous if isinstance(previous, dict) else {}, {})
        cache[DIGESTS_KEY] = digests[1]
        options = {"formats": list(chosen), "template": str(tpl.path.name), "presets": list(presets), "math": math}
        run = RunStamps(_digest([__version__, options, tpl.digest, include_drafts, str(site_root), str(content), str(output)]),
                        started=begun)
        notes: list[str] = []
        slugs = unique_slugs(paths, notes)
        if site_root is not None:
            from cardgen.site import load_site

            notes += list(load_site(site_root).warnings)
        for note in notes:
            yield Notice(note)

        records: list[PageRecord] = []
        to_read: list[tuple[PageRecord, Path]] = []
        loaded: dict[str, Any] = {}
        for path, slug in zip(paths, slugs, strict=True):
            record = PageRecord(source=str(path), slug=slug)
            records.append(record)
            record.warnings += [n for n in notes if n.startswith(f"{path}: ")]
            if _triage(record, path, content, site_root, cache, force, output, digests, run):
                to_read.append((record, path))
        yield Planned(len(records), len(to_read))

        # Pages are read as workers need them, so the first ones render while the rest are still
        # being read; a page that reading settles (cached, skipped, failed) is done at once.
        by_record: dict[int, Task] = {}
        settled: deque[PageRecord] = deque()
        languages: list[str] = []

        def rendered() -> Iterator[tuple[PageRecord, Any, Task, float | None]]:
            for record, path in to_read:
                task = _read(record, path, site_root, tpl, options, cache, force, include_drafts, output, chosen,
                             loaded, tuple(presets), digests, run)
                if task is None:
                    settled.append(record)
                    continue
                by_record[id(record)] = task
                if task.page is not None:
                    languages.append(task.page.language)
                yield record, process_page, task, page_timeout
            load_locales(languages)

        decks = any(f in ("deck", "deck-pdf") for f in chosen)
        workers = workers_for(jobs, len(to_read))
        preloads = can_fork() and ("card" in chosen or decks)  # preloading is for workers that fork from here
        hints = PreloadHints()
        if workers > 1 or preloads:  # the hints also order the pages
            hints = preload_hints([path for _, path in to_read], content, include_drafts)
            hints = hints._replace(fonts=hints.fonts if preloads and "card" in chosen else (),
                                   math=preloads and hints.math and decks)
        if workers > 1:  # heaviest first (a stable sort: pages that look alike keep their order)
            to_read.sort(key=lambda item: -hints.costs.get(item[1], 0.0))

        def preload() -> None:
            with collector.loading():  # what the workers inherit: no collection walks it again
                preload_renderers(tpl if decks else None, languages, hints)

        finished = run_tasks(rendered(), workers, preload=preload,
                             stopped=lambda record: _remove_task_partial_files(by_record[id(record)]))
        qr_codes: dict[str, str] = {}  # the QR symbols the pages' workers encoded (`qr.packed`), for the pack
        card_scenes: dict[str, tuple[Any, ...]] = {}  # page → its card's sides as laid out, for the card sheet
        saver = _CacheSaver(output, cache)
        done = 0
        try:
            for item in itertools.chain(finished, [None]):  # None: the settled pages read after the last render
                while settled:
                    done += 1
                    yield PageDone(settled.popleft(), done, len(to_read))
                if item is None:
                    break
                record, outcome = item
                _finish(record, outcome, by_record[id(record)], output, cache, (run.context, run.inputs.get(record.source)))
                saver.changed(record)
                if outcome.ok and isinstance(outcome.value.get("qr"), dict):
                    qr_codes.update(outcome.value["qr"])
                if outcome.ok and isinstance(outcome.value.get("card_scenes"), tuple):
                    card_scenes[record.source] = outcome.value["card_scenes"]
                done += 1
                yield PageDone(record, done, len(to_read))
        finally:  # also when interrupted: the pages finished so far are not built again
            saver.flush()
            finished.close()  # interrupted: the workers stopped now, not when the generator is collected

        published: list[str] = []
        if hugo and site_root is not None:
            _load_for_pack(records, loaded, site_root)
            with confined(site_root / "static", site_root / "layouts", nested=False):
                for record in records:
                    if record.status in ("built", "cached") and record.slug in loaded:
                        try:
                            published += _publish_to_hugo(loaded[record.slug], [output / o["path"] for o in record.outputs])
                        except CardgenError as exc:
                            record.errors["hugo"] = str(exc)
        _prune_crops(output, {r.slug for r in records})
        ready = [r for r in records if r.status in ("built", "cached")]
        pack_key = _digest([__version__, event or "", tpl.digest, list(chosen), sheet, base_url or "", str(output),
                            [(r.source, r.key) for r in ready]])
        previous = cache.get(PACK_KEY) if isinstance(cache.get(PACK_KEY), dict) else None
        if not force and previous and previous.get("key") == pack_key and _outputs_intact(previous, output, run.refreshed):
            pack: dict[str, Any] = {"outputs": previous["outputs"], "errors": {}, "cached": True}
            if run.refreshed:
                _save_cache(output, cache, pack)
        else:
            _load_for_pack(ready, loaded, site_root)
            pages = [loaded[r.slug] for r in ready if r.slug in loaded]
            yield PackStarted(tuple(s for s, f in (("card_sheet", "card"), ("showcase_deck", "deck"),
                                                   ("contact_sheet", "social")) if f in chosen))
            pack = build_event_pack(pages, ready, output, event=event, template=tpl, formats=chosen, sheet=sheet,
                                    base_url=base_url, jobs=workers_for(jobs, 3),
                                    timeout=_pack_timeout(page_timeout, len(pages)), qr_codes=qr_codes,
                                    card_scenes=card_scenes)
            written = pack.pop("written", None)
            if pack["outputs"] and not pack["errors"]:
                cache[PACK_KEY] = {"key": pack_key, "outputs": pack["outputs"], "written": written}
            else:
                cache.pop(PACK_KEY, None)
            _save_cache(output, cache, pack)
        failed = [r for r in records if r.status == "failed" or r.errors]
        manifest = {
            "cardgen": __version__,
            "source": str(Path(source)),
            "event": event,
            "template": tpl.name,
            "formats": list(chosen),
            "pages": [asdict(r) for r in records],
            "event_pack": pack,
            "hugo": published,
            "summary": {
                "pages": len(records),
                "built": sum(r.status == "built" and not r.errors for r in records),
                "cached": sum(r.status == "cached" for r in records),
                "skipped": sum(r.status == "skipped" for r in records),
                "failed": len(failed),
                "seconds": round(time.perf_counter() - started, 3),
            },
        }
        # The manifest is the run's record: written whatever happened above (a full disk still
        # raises here, as a one-line RenderError naming the file).
        atomic_write(output / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        yield Finished(manifest, output / MANIFEST, tuple(failed), 1 if failed or pack.get("errors") else 0)


def _triage(record: PageRecord, path: Path, content: Path, site_root: Path | None, cache: dict[str, Any], force: bool,
            output: Path, digests: tuple[dict[str, Any], dict[str, Any]] | None = None,
            run: RunStamps | None = None) -> bool:
    """Settle what one page is without reading it; True when it has to be read (`_read`). Never raises.

    A page whose cache entry was made in the run's context (cardgen, options, template, site) and
    whose every input still has the stamp it had when its key was computed is cached without being
    read: its key is the recorded one (`stamps`). A page skipped last time whose file has not
    changed is skipped again; a symlink out of the content fails."""
    cached = _cache_entry(cache, path)
    try:
        if not inside(path, content):
            raise PageError(f"is a symlink to {short(str(path.resolve()))}, outside {content}; refused", path=path)
        if not force and run is not None and cached is not None and \
                _still_cached(cached, run, site_root or path.parent, output):
            record.key = str(cached["key"])
            _carry_digests(cached["inputs"], digests)
            run.inputs[str(path)] = cached["inputs"]
            _cached(record, cached)
            return False
        if not force and run is not None and cached is not None and isinstance(cached.get("skipped"), str) \
                and cached.get("context") == run.context and stamps.unchanged(cached.get("inputs"), site_root or path.parent):
            record.status = "skipped"  # decided by the page file alone, which has not changed
            record.warnings.append(cached["skipped"])
            return False
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
        _failed(record, path, exc)
        return False
    return True


def _read(record: PageRecord, path: Path, site_root: Path | None, tpl: Template, options: dict[str, Any],
          cache: dict[str, Any], force: bool, include_drafts: bool, output: Path, chosen: tuple[str, ...],
          loaded: dict[str, Any], presets: tuple[str, ...],
          digests: tuple[dict[str, Any], dict[str, Any]] | None = None, run: RunStamps | None = None) -> Task | None:
    """Load and check one page that `_triage` could not settle; None when it needs no rendering
    (its key and outputs are those of the cache, a draft, not a page, or it failed). Never raises."""
    from cardgen.loader import load_page

    cached = _cache_entry(cache, path)
    jail = site_root or path.parent
    try:
        before = stamps.take([path], jail, at=run.started if run else None)
        page = load_page(path, site_root=site_root)
        skipped = ""
        if not page.front_matter and not page.is_slides_page:
            # README.md, notes: Hugo pages of a site always carry front matter
            skipped = f"{path}: no front matter: not a project page, skipped"
        elif page.draft and not include_drafts:
            skipped = f"{path}: draft: skipped (drafts are built only when asked for)"
        if skipped:
            record.status = "skipped"
            record.warnings.append(skipped)
            if run is not None and run.settled(before, [path], jail):
                cache[str(path)] = {"skipped": skipped, "context": run.context, "inputs": before}
                run.refreshed.append(str(path))
            return None
        inputs = key_inputs(page)
        # dated at the run's start, taken before the key reads the files: an edit after either shows
        witness = stamps.take(inputs.paths(), jail, at=run.started if run else None)
        record.key = input_key(page, tpl.digest, options, digests=digests, inputs=inputs)
        if run is not None:
            if run.settled(witness, inputs.paths(), jail):
                run.inputs[str(path)] = witness
            else:  # changed while being read: built now, and never taken as cached by this key
                record.key = f"unsettled:{time.time_ns()}"
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
        _failed(record, path, exc)
        return None
    loaded[record.slug] = page
    if not force and cached and cached.get("key") == record.key and \
            _outputs_intact(cached, output, run.refreshed if run else None):
        _cached(record, cached)
        if run is not None and str(path) in run.inputs and cached.get("inputs") != witness:  # touched, not changed
            cached |= {"context": run.context, "inputs": witness}
            run.refreshed.append(str(path))
        return None
    root = str(output)
    return Task(str(path), record.slug, str(output / record.slug), str(tpl.path), chosen,
                str(site_root) if site_root else None, str(output / CROPS_DIR / record.slug), root, presets,
                str(options.get("math", "picture")), page)


def _cache_entry(cache: dict[str, Any], path: Path) -> dict[str, Any] | None:
    entry = cache.get(str(path))
    return entry if isinstance(entry, dict) else None  # a damaged cache file only costs its shortcuts


def _failed(record: PageRecord, path: Path, exc: Exception) -> None:
    """The page's failure to be triaged or read, in one line naming it."""
    if isinstance(exc, CardgenError):
        reason = str(exc)
    elif isinstance(exc, RecursionError):
        reason = f"{path}: nested too deeply to read (recursion limit)"
    else:
        reason = f"{path}: internal error: {type(exc).__name__}: {exc}"
    record.status, record.error = "failed", reason


def _cached(record: PageRecord, cached: dict[str, Any]) -> None:
    record.status = "cached"
    record.outputs = cached["outputs"]
    kept = cached.get("warnings")
    record.warnings += [w for w in kept if isinstance(w, str) and w not in record.warnings] if isinstance(kept, list) else []


def _still_cached(cached: dict[str, Any], run: RunStamps, jail: Path, output: Path) -> bool:
    """Made in this context, every input stamp holds, every output intact: cached without reading the page."""
    return (cached.get("context") == run.context and isinstance(cached.get("key"), str)
            and stamps.unchanged(cached.get("inputs"), jail) and _outputs_intact(cached, output, run.refreshed))


def _carry_digests(inputs: Any, digests: tuple[dict[str, Any], dict[str, Any]] | None) -> None:
    """Keep last run's featured-image digests of a page that was not read, for the run after this one."""
    if digests is None:
        return
    previous, current = digests
    for name in inputs.get("files", {}):
        if name in previous:
            current[name] = previous[name]


def _load_for_pack(records: Sequence[PageRecord], loaded: dict[str, Any], site_root: Path | None) -> None:
    """Load the cached pages the batch did not read (their stamps held) when the event pack or the
    Hugo copy needs them; a page that no longer loads is left out with a warning."""
    from cardgen.loader import load_page

    for record in records:
        if record.status in ("built", "cached") and record.slug not in loaded:
            try:
                loaded[record.slug] = load_page(Path(record.source), site_root=site_root)
            except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
                record.warnings.append(f"{record.source}: left out of the event pack: {exc}")


def _finish(record: PageRecord, outcome: Outcome, task: Task, output: Path, cache: dict[str, Any],
            made: tuple[str, Any] = ("", None)) -> None:
    """Fold a worker's outcome into the page's record and the cache.

    `made` is the run's context and the stamps of the page's inputs, taken when its key was
    computed: with them (and the outputs' own stamps) the next run can tell the page unchanged
    without reading it."""
    if outcome.ok:
        result = outcome.value
        record.warnings += [w for w in result["warnings"] if w not in record.warnings]
        record.errors = result["errors"]
        record.error = result["error"]
        record.timings = {k: round(v, 4) for k, v in result.get("timings", {}).items()}
        outputs = [Path(p) for p in result["outputs"]]
    else:
        reason = "timed out" if outcome.status == "timeout" else "failed"
        record.error = f"{record.source}: {reason}: {outcome.message}"
        outputs = []
    record.seconds = round(outcome.seconds, 4)
    record.status = "failed" if record.error else "built"
    record.outputs = []
    kept = [p for p in outputs if _lexically_inside(p, output)]
    written = stamps.take(kept, output)  # before the hashes below
    for path in outputs:
        try:
            if _lexically_inside(path, output) and is_file(path):
                record.outputs.append(file_record(path, output))
        except OSError as exc:
            record.errors[path.name] = f"{path}: cannot read back ({exc.strerror or exc})"
    if record.status == "built" and not record.errors:
        entry = {"key": record.key, "outputs": record.outputs, "warnings": record.warnings, "written": written}
        context, inputs = made
        if context and inputs:
            entry |= {"context": context, "inputs": inputs}
        cache[record.source] = entry
    else:
        cache.pop(record.source, None)


class _CacheSaver:
    """Saves the cache as pages finish: after the first one, then at most every `SAVE_EVERY` seconds
    and when flushed. Writing it after every page made a site's run quadratic (the file grows with
    the site: 600 KB for 200 pages, ~20 ms to encode each time)."""

    def __init__(self, output: Path, cache: dict[str, Any]) -> None:
        self.output, self.cache = output, cache
        self.pending: PageRecord | None = None
        self.saved = float("-inf")  # the first page is saved at once

    def changed(self, record: PageRecord) -> None:
        self.pending = record
        if time.monotonic() - self.saved >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending is not None:
            _save_cache(self.output, self.cache, self.pending)  # a failure is recorded on that page
            self.pending, self.saved = None, time.monotonic()


def _save_cache(output: Path, cache: dict[str, Any], owner: Any) -> None:
    """Save the cache; a failure (full disk) only costs the next run its shortcuts, and is recorded."""
    try:
        _write_cache(output, cache)
    except CardgenError as exc:
        if isinstance(owner, PageRecord):
            owner.errors.setdefault("cache", str(exc))
        elif isinstance(owner, dict):
            owner.setdefault("errors", {}).setdefault("cache", str(exc))


def _pack_timeout(page_timeout: float | None, pages: int) -> float | None:
    """The event pack handles every page at once: its time limit grows with the site."""
    if page_timeout is None:
        return None
    return page_timeout * max(1.0, pages / 20)


def build_event_pack(pages: Sequence[Page], records: Sequence[PageRecord], output: Path, *, event: str | None,
                     template: Template, formats: Iterable[str], sheet: str = "a4",
                     base_url: str | None = None, jobs: int = 1, timeout: float | None = None,
                     qr_codes: Mapping[str, str] | None = None,
                     card_scenes: Mapping[str, tuple[Any, ...]] | None = None) -> dict[str, Any]:
    """One imposed card sheet, one showcase deck and a contact sheet for all built pages, then the
    gallery page (`event/index.html`) that links to them and to every page's outputs.

    `qr_codes`: the QR symbols pages were built with this run, by URL (`qr.packed` matrices): the
    cards and the showcase draw them instead of encoding them again. `card_scenes`: the sides of the
    cards pages were built with this run (`layout.model.Scene`s, by page path): the card sheet draws
    those instead of laying the cards out again, where the sheet's cards have the same size and bleed.

    The three are independent: they run side by side in worker processes (which also keeps the main
    process small on big sites), each with a time limit. Pictures come from the crops the pages were
    built with. A step that fails is retried without the pages that make it fail (found by halving),
    so one bad page costs the pack that page only, with an error naming it.
    """
    pack: dict[str, Any] = {"outputs": [], "errors": {}, "left_out": {}}
    if not pages:
        return pack
    folder = make_dirs(output / EVENT_DIR)
    slugs = {r.source: r.slug for r in records}
    stores = {str(p.path): str(output / CROPS_DIR / slugs.get(str(p.path), p.slug)) for p in pages}
    template_dir = str(template.path)
    symbols = {p.qr_url: qr_codes[p.qr_url] for p in pages if qr_codes and p.qr_url in qr_codes}
    steps: list[tuple[str, Any]] = []
    if "card" in formats and sheet != "none":
        laid_out = {str(p.path): card_scenes[str(p.path)] for p in pages if card_scenes and str(p.path) in card_scenes}
        steps.append(("card_sheet", (pages, stores, str(folder), template_dir, (sheet, laid_out), symbols)))
    if "deck" in formats:
        steps.append(("showcase_deck", (pages, stores, str(folder), template_dir, event, symbols)))
    if "social" in formats:
        steps.append(("contact_sheet", (records, str(output), str(folder), event)))
    with confined(output):
        results = dict(_run_steps(steps, jobs, timeout))
        for name, args in steps:
            paths, error, retry = results[name]
            if error and retry and len(args[0]) > 1:
                paths, error, left_out = _without_bad_pages(name, args, timeout, error)
                if left_out:
                    pack["left_out"][name] = left_out
            if error:
                pack["errors"][name] = error
            pack["outputs"] += _recorded([Path(p) for p in paths], output, pack)
        try:
            gallery = _gallery(pages, records, output, folder, event, template, pack["outputs"], base_url)
            pack["outputs"] += _recorded([gallery], output, pack)
        except CardgenError as exc:
            pack["errors"]["gallery"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - the rest of the pack is still good
            pack["errors"]["gallery"] = f"internal error: {type(exc).__name__}: {exc}"
    if not pack["left_out"]:
        del pack["left_out"]
    return pack


def _recorded(paths: list[Path], output: Path, pack: dict[str, Any]) -> list[dict[str, Any]]:
    """The pack's file records of `paths`, their stamps taken first into `pack["written"]`."""
    pack["written"] = stamps.merged(pack.get("written"), stamps.take(paths, output))
    return [file_record(path, output) for path in paths]


def _run_steps(steps: list[tuple[str, Any]], jobs: int, timeout: float | None) -> Iterator[tuple[str, Any]]:
    """Pack steps in worker processes (each writes into the event folder, its args' third item)."""
    tasks = [(name, pack_step_task, (name, args), timeout) for name, args in steps]
    folders = {name: Path(args[2]) for name, args in steps}
    with closing(run_tasks(tasks, jobs, stopped=lambda name: remove_partial_files(folders[name]))) as results:
        for name, outcome in results:
            if outcome.ok:
                yield name, outcome.value
            else:
                yield name, ([], f"{'timed out' if outcome.status == 'timeout' else 'failed'}: {outcome.message}", True)


def _without_bad_pages(name: str, args: tuple[Any, ...], timeout: float | None, error: str) -> tuple[list[str], str | None, list[str]]:
    """Find the pages that make a pack step fail (halving the list), then build it without them."""
    items = list(args[0])

    def attempt(subset: list[Any]) -> tuple[list[str], str | None]:
        paths, problem, _ = dict(_run_steps([(name, (subset, *args[1:]))], 1, timeout))[name]
        return paths, problem

    bad: list[Any] = []
    stack = [items]
    while stack:
        group = stack.pop()
        if len(group) == 1:
            bad.append(group[0])
            continue
        half = len(group) // 2
        for part in (group[:half], group[half:]):
            if attempt(part)[1]:
                stack.append(part)
    good = [item for item in items if item not in bad]
    label = [str(getattr(item, "path", getattr(item, "source", item))) for item in bad]
    if not good:
        return [], error, label
    paths, again = attempt(good)
    if again:
        return paths, again, label
    return paths, f"left out {len(bad)} page(s) that make it fail: {', '.join(label)} ({error})", label


def _gallery(pages: Sequence[Page], records: Sequence[PageRecord], output: Path, folder: Path, event: str | None,
             template: Template, pack_outputs: list[dict[str, Any]], base_url: str | None) -> Path:
    from cardgen.render.gallery import build_gallery, write_gallery

    by_source = {r.source: r for r in records}
    entries = [(page, by_source[str(page.path)].outputs) for page in pages if str(page.path) in by_source]
    gallery = build_gallery(entries, output, event=event, pack_outputs=pack_outputs, base_url=base_url,
                            accent=template.colors.get("accent", "#0969da"))
    return write_gallery(gallery, folder)


def pack_step_task(job: tuple[str, tuple[Any, ...]]) -> tuple[list[str], str | None, bool]:
    """`pack_step` for the worker pool: (paths, error, whether a page may be the cause)."""
    name, args = job
    try:
        return [str(p) for p in _pack_paths(name, args)], None, False
    except WriteError as exc:  # a full disk or permissions: no page is to blame
        return [], str(exc), False
    except CardgenError as exc:
        return [], str(exc), True
    except Exception as exc:  # noqa: BLE001 - the other parts of the pack still get made
        return [], f"internal error: {type(exc).__name__}: {exc}", True
    finally:
        release_page_memory()


def pack_step(name: str, args: tuple[Any, ...]) -> tuple[list[str], str | None]:
    """One part of the event pack. Never raises: failures are data."""
    paths, error, _ = pack_step_task((name, args))
    return paths, error


def _pack_paths(name: str, args: tuple[Any, ...]) -> list[Path]:
    if name == "contact_sheet":
        records, out, folder, event = args
        return _contact_sheet(records, Path(out), Path(folder), event)
    from cardgen.qr import known
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template

    pages, stores, folder, template_dir, extra, symbols = args  # extra: (the sheet, card scenes), or the event name
    template = load_template(template_dir)
    images: dict[Path, PageImages | None] = {p.path: PageImages(p, store=Path(stores[str(p.path)]), remember=False)
                                            for p in pages}
    with known(symbols):
        if name == "card_sheet":
            sheet, laid_out = extra
            return _card_sheet(pages, Path(folder), template, images, sheet, laid_out)
        return _showcase(pages, Path(folder), extra, template, images)


def _card_sheet(pages: list[Page], folder: Path, template: Template, images: dict[Path, PageImages | None],
                sheet: str = "a4", laid_out: Mapping[str, tuple[Any, ...]] | None = None) -> list[Path]:
    """The event's cards on the layout that fits `sheet` (A6 cards with bleed and crop marks)."""
    from cardgen.render.card_sheet import render_card_sheet

    return list(render_card_sheet(pages, folder / f"cards-{sheet}.pdf", sheet=sheet, template=template,
                                  images=images, marks=True, laid_out=laid_out).outputs)


def _check_sheet(sheet: str) -> str:
    """--sheet for the event pack (checked before any page is built): none, or a known sheet on which an
    A6 card fits with its bleed and crop marks."""
    name = (sheet or "a4").strip().lower()
    if name == "none":
        return name
    from cardgen.layout.imposition import impose, sheet_size
    from cardgen.layout.print_sizes import card_size, default_bleed

    impose(sheet_size(name), card_size("a6"), default_bleed("a6"), marks=True, name=name)
    return name


def _showcase(pages: list[Page], folder: Path, event: str | None, template: Template,
              images: dict[Path, PageImages | None]) -> list[Path]:
    from cardgen.render.showcase import render_showcase

    return list(render_showcase(pages, folder / "showcase.pptx", event=event, template=template, images=images).outputs)


def _contact_sheet(records: Sequence[PageRecord], output: Path, folder: Path, event: str | None) -> list[Path]:
    from cardgen.render.assets import preview_path
    from cardgen.render.contact_sheet import render_contact_sheet

    items: list[tuple[str, Path, Path | None]] = []
    for record in records:
        social = [o for o in record.outputs if "-og." in o["path"] and o["path"].endswith((".png", ".jpg", ".webp"))]
        if social:
            digest = social[0].get("sha256")
            thumb = preview_path(output / CROPS_DIR / record.slug, digest) if digest else None
            items.append((record.slug, output / social[0]["path"], thumb))
    return [render_contact_sheet(items, folder / "contact-sheet.png", title=event)]


# --- cache files ------------------------------------------------------------------------------------------


def _read_cache(output: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_capped(output / CACHE_FILE, 64 * 1024 * 1024).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("cardgen") != __version__ or not isinstance(data.get("pages"), dict):
        return {}
    return cast("dict[str, Any]", data["pages"])


def _write_cache(output: Path, cache: dict[str, Any]) -> None:
    atomic_write(output / CACHE_FILE, json.dumps({"cardgen": __version__, "pages": cache}, separators=(",", ":")).encode())


def _outputs_intact(cached: dict[str, Any], output: Path, refreshed: list[str] | None = None) -> bool:
    """Every output of a cache entry is there with its recorded size *and* content: a damaged file of
    the same size is rebuilt, never trusted.

    An output whose stamp (`stamps`, taken when it was hashed) still holds is not read again; the
    others are hashed, and when all are intact the entry's stamps are renewed (its path is added to
    `refreshed`, for the caller to save)."""
    items = cached.get("outputs")
    if not isinstance(items, list) or not items:
        return False
    try:
        paths = [output / item["path"] for item in items]
    except (KeyError, TypeError):
        return False
    now = stamps.take(paths, output)  # before any hashing: a later edit changes the file's stamp
    known = stamps.proven(cached.get("written"), now)
    hashed = False
    for item, path in zip(items, paths, strict=True):
        try:
            if not _lexically_inside(path, output) or not is_file(path) or path.stat().st_size != item["bytes"]:
                return False
            if str(path) in known:
                continue
            hashed = True
            if file_record(path, output)["sha256"] != item["sha256"]:
                return False
        except (OSError, KeyError, TypeError, ValueError):
            return False
    if hashed:
        cached["written"] = now
        if refreshed is not None:
            refreshed.append(str(output))
    return True


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def clear_store(folder: Path) -> None:
    """Empty a crop store folder of the files cardgen put there (nothing else is touched; a symlink
    is never followed)."""
    from cardgen.render.assets import STORE_FILE

    if folder.is_symlink() or not is_dir(folder):
        return
    for child in folder.iterdir():
        if (STORE_FILE.match(child.name) or PARTIAL_FILE.match(child.name)) and not child.is_symlink() and is_file(child):
            try:
                child.unlink()
            except OSError:
                pass


def _prune_crops(output: Path, slugs: set[str]) -> None:
    """Crops of pages that are no longer in the site: their store files, then the folder if empty."""
    folder = output / CROPS_DIR
    if folder.is_symlink() or not is_dir(folder):
        return
    for child in folder.iterdir():
        if child.name not in slugs and is_dir(child) and not child.is_symlink():
            clear_store(child)
            try:
                child.rmdir()
            except OSError:
                pass  # something cardgen did not put there: left alone


def _remove_task_partial_files(task: Task) -> None:
    """What a page's worker, stopped in the middle of a write, left in the page's folders."""
    remove_partial_files(Path(task.out_dir))
    if task.crops:
        remove_partial_files(Path(task.crops))


def _remove_partial_files(folder: Path) -> None:
    """Temp files left by a run that was killed hard (atomic_write cleans up after itself otherwise),
    in the folders cardgen writes: the output folder, each page's folder, the event and crop folders.
    Only names of the form atomic_write uses are removed; symlinked folders are not entered."""
    if folder.is_symlink() or not is_dir(folder):
        return
    folders = [folder]
    for child in folder.iterdir():
        if is_dir(child) and not child.is_symlink():
            folders.append(child)
            if child.name == CROPS_DIR:
                folders += [c for c in child.iterdir() if is_dir(c) and not c.is_symlink()]
    for where in folders:
        remove_partial_files(where)
