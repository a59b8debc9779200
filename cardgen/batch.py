"""`cardgen batch`: every project page of a site, in parallel, incrementally, plus the event pack.

Flow: discover pages → plan (load each page, skip drafts, hash inputs) → render changed pages in a
process pool → event pack (card sheet, showcase deck, contact sheet) → manifest.json.
Outputs are written atomically; the cache is saved after every page, so an interrupted run resumes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cardgen import __version__
from cardgen.errors import CardgenError, UsageError
from cardgen.output import atomic_write

CACHE_FILE = ".cardgen-cache.json"
#: Crops cut while building each page, kept so the event pack never decodes an image again.
CROPS_DIR = ".cardgen-crops"
PACK_KEY = "__event_pack__"
MANIFEST = "manifest.json"
EVENT_DIR = "event"


@dataclass(frozen=True)
class Task:
    """One page to process; plain data so it pickles cheaply to a worker."""

    source: str
    slug: str
    out_dir: str
    template: str
    formats: tuple[str, ...]
    site_root: str | None
    crops: str | None = None  # folder where this page's image crops are kept for the event pack
    presets: tuple[str, ...] = ("og",)  # social presets


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


# --- discovery --------------------------------------------------------------------------------------


def content_root(source: Path) -> tuple[Path, Path | None]:
    """(folder to scan, site root or None) for a site root or a content folder."""
    from cardgen.site import find_site_root

    source = source.resolve()
    if not source.is_dir():
        raise UsageError(f"{source}: not a folder (pass a Hugo site root or a content folder)")
    if (source / "content").is_dir():
        return source / "content", find_site_root(source)
    return source, find_site_root(source)


def discover(source: Path, section: str = "project", glob: str | None = None) -> tuple[list[Path], Path | None]:
    """Page files under `source`, sorted: `index.md` of leaf bundles and single `*.md` pages.

    In a site (or a content folder with a `<section>/` folder, language folders included) only that
    section is scanned; a folder without it is scanned whole (e.g. a folder of page bundles).
    """
    content, site_root = content_root(source)
    if glob:
        return sorted(p for p in content.glob(glob) if p.is_file() and p.suffix == ".md"), site_root
    roots = [content / section] if (content / section).is_dir() else []
    # language folders: content/<lang>/<section>/
    roots += [p / section for p in sorted(content.iterdir()) if p.is_dir() and (p / section).is_dir()]
    roots = list(dict.fromkeys(roots)) or [content]
    pages: list[Path] = []
    for root in roots:
        pages.extend(_pages_under(root))
    return sorted(dict.fromkeys(pages)), site_root


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


def unique_slugs(pages: list[Path]) -> list[str]:
    """Output folder names: the bundle name, made unique deterministically (`x`, `x-2`)."""
    seen: dict[str, int] = {}
    slugs = []
    for path in pages:
        base = path.parent.name if path.name == "index.md" else path.stem
        base = "".join(c if c.isalnum() or c in "-_." else "-" for c in base) or "page"
        n = seen.get(base, 0) + 1
        seen[base] = n
        slugs.append(base if n == 1 else f"{base}-{n}")
    return slugs


# --- cache key ----------------------------------------------------------------------------------------


def input_key(page, template_digest: str, options: dict[str, Any]) -> str:
    """Hash of everything an output depends on: page bytes, its bundle files, the featured image, the
    linked slides deck, author profiles, site config, template files, options and cardgen's version."""
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(template_digest.encode())
    files: list[Path] = [page.path]
    if page.bundle_dir is not None:
        files += sorted(p for p in page.bundle_dir.rglob("*") if p.is_file())
    for extra in (page.featured_image, page.slides_path):
        if extra is not None:
            files.append(extra)
    if page.slides_path is not None and page.slides_path.name == "index.md":
        files += sorted(p for p in page.slides_path.parent.rglob("*") if p.is_file())
    if page.site is not None:
        root = page.site.root
        files += sorted(p for p in root.glob("*.toml")) + sorted(p for p in root.glob("*.y*ml"))
        files += sorted((root / "config").rglob("*")) if (root / "config").is_dir() else []
        for author in page.authors:
            if author.slug:
                files += sorted((root / "content").glob(f"**/authors/{author.slug}/_index.md"))
    for path in dict.fromkeys(files):
        if path.is_file():
            h.update(str(path.name).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def file_record(path: Path, base: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"path": str(path.relative_to(base)), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


# --- worker -------------------------------------------------------------------------------------------


_MALLOC_TUNED = False


def release_big_buffers() -> None:
    """Ask glibc to serve buffers of 1 MiB and more with mmap, so freed image buffers go back to the
    OS at once. By default its threshold grows with the first freed image (up to 32 MiB) and later
    images land in a heap that only grows: a batch worker would keep hundreds of MB it no longer uses."""
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return
    _MALLOC_TUNED = True
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc (musl, …): nothing to tune
        pass


def process_page(task: Task) -> dict[str, Any]:
    """Render one page's outputs (runs in a worker process). Never raises: failures are data."""
    release_big_buffers()
    from cardgen.loader import load_page
    from cardgen.render.build import render_all

    started = time.perf_counter()
    record: dict[str, Any] = {"warnings": [], "errors": {}, "outputs": [], "error": None}
    try:
        page = load_page(Path(task.source), site_root=task.site_root)
        out_dir = Path(task.out_dir)
        images = None
        if task.crops:
            from cardgen.render.assets import PageImages

            shutil.rmtree(task.crops, ignore_errors=True)  # crops of an older version of the page
            images = PageImages(page, store=Path(task.crops), persist=True)
        result = render_all(page, out_dir, template=task.template, formats=task.formats, images=images,
                            social_presets=task.presets)
        if images is not None and "deck" in task.formats:
            _cut_showcase_crop(images, task.template)
        record["warnings"] = list(page.warnings) + list(result.warnings)
        record["errors"] = dict(result.info.get("errors", {}))
        record["outputs"] = [str(p) for p in result.outputs]
        record["timings"] = result.info.get("timings", {})
    except CardgenError as exc:
        record["error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
        record["error"] = f"{task.source}: internal error: {type(exc).__name__}: {exc}"
    record["seconds"] = time.perf_counter() - started
    return record


def _publish_to_hugo(page, outputs: list[Path]) -> list[str]:
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
                atomic_write(target, Path(path).read_bytes())
                written.append(str(target))
    if written:
        partial = social_hugo.write_partial(page)
        if partial is not None:
            written.append(str(partial))
    return written


def _cut_showcase_crop(images, template_dir: str) -> None:
    """The showcase shows every project's picture, also where the page's own deck leaves it out
    (`image.preview_only`): cut it now, while the image is decoded anyway."""
    if images.page.featured_image is None:
        return
    try:
        images.hero(_showcase_pixels(template_dir))
    except CardgenError:
        pass


@lru_cache(maxsize=8)
def _showcase_pixels(template_dir: str) -> tuple[int, int]:
    from cardgen.render.deck import template_hero_pixels
    from cardgen.templates import load_template

    return template_hero_pixels(load_template(template_dir))


# --- the run --------------------------------------------------------------------------------------------


def run_batch(
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
    sheet: str = "a4",
    hugo: bool = False,
    base_url: str | None = None,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """Run the batch; returns the exit code (0 all good, 1 some page or output failed)."""
    from cardgen.loader import load_page
    from cardgen.render.build import FORMATS
    from cardgen.templates import load_template

    started = time.perf_counter()
    chosen = tuple(f.strip() for f in formats.split(",")) if isinstance(formats, str) else tuple(formats)
    if not chosen or any(f not in FORMATS for f in chosen):
        raise UsageError(f"--formats: expected a comma-separated subset of {','.join(FORMATS)}, got {formats!r}")
    tpl = load_template(template)
    sheet = _check_sheet(sheet)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    _remove_partial_files(output)
    paths, site_root = discover(Path(source), section, glob)
    if not paths:
        raise UsageError(f"{source}: no pages found (section {section!r}{', glob ' + repr(glob) if glob else ''})")
    if hugo and site_root is None:
        raise UsageError(f"{source}: --hugo needs a Hugo site (a folder with a config file and content/)")
    cache = _read_cache(output)
    options = {"formats": list(chosen), "template": str(tpl.path.name), "presets": list(presets)}

    records: list[PageRecord] = []
    tasks: list[tuple[PageRecord, Task]] = []
    loaded = {}
    for path, slug in zip(paths, unique_slugs(paths), strict=True):
        record = PageRecord(source=str(path), slug=slug)
        records.append(record)
        try:
            page = load_page(path, site_root=site_root)
        except CardgenError as exc:
            record.status, record.error = "failed", str(exc)
            continue
        if not page.front_matter and not page.is_slides_page:
            record.status = "skipped"  # README.md, notes: Hugo pages of a site always carry front matter
            record.warnings.append(f"{path}: no front matter: not a project page, skipped")
            continue
        if page.draft and not include_drafts:
            record.status = "skipped"
            record.warnings.append(f"{path}: draft: skipped (use --include-drafts)")
            continue
        loaded[slug] = page
        record.key = input_key(page, tpl.digest, options)
        cached = cache.get(str(path))
        if not force and cached and cached.get("key") == record.key and _outputs_intact(cached, output):
            record.status = "cached"
            record.outputs = cached["outputs"]
            record.warnings = cached.get("warnings", [])
            continue
        task = Task(str(path), slug, str(output / slug), str(tpl.path), chosen, str(site_root) if site_root else None,
                    str(output / CROPS_DIR / slug), tuple(presets))
        tasks.append((record, task))

    _run_tasks(tasks, output, cache, jobs, quiet, verbose)
    published: list[str] = []
    if hugo:
        for record in records:
            if record.status in ("built", "cached") and record.slug in loaded:
                published += _publish_to_hugo(loaded[record.slug], [output / o["path"] for o in record.outputs])
    _prune_crops(output, {r.slug for r in records})
    ready = [r for r in records if r.status in ("built", "cached")]
    pack_key = _digest([__version__, event or "", tpl.digest, list(chosen), sheet, base_url or "", str(output.resolve()),
                        [(r.source, r.key) for r in ready]])
    previous = cache.get(PACK_KEY)
    if not force and previous and previous.get("key") == pack_key and _outputs_intact(previous, output):
        pack = {"outputs": previous["outputs"], "errors": {}, "cached": True}
    else:
        pack = build_event_pack(
            [loaded[r.slug] for r in ready if r.slug in loaded],
            ready,
            output,
            event=event,
            template=tpl,
            formats=chosen,
            sheet=sheet,
            base_url=base_url,
            jobs=workers_for(jobs, 3),
        )
        if pack["outputs"] and not pack["errors"]:
            cache[PACK_KEY] = {"key": pack_key, "outputs": pack["outputs"]}
        else:
            cache.pop(PACK_KEY, None)
        _write_cache(output, cache)
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
            "built": sum(r.status == "built" for r in records),
            "cached": sum(r.status == "cached" for r in records),
            "skipped": sum(r.status == "skipped" for r in records),
            "failed": len(failed),
            "seconds": round(time.perf_counter() - started, 3),
        },
    }
    atomic_write(output / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    if not quiet:
        s = manifest["summary"]
        print(f"{s['pages']} pages: {s['built']} built, {s['cached']} unchanged, {s['skipped']} skipped, "
              f"{s['failed']} failed in {s['seconds']:.1f} s → {output / MANIFEST}")
    for record in failed:
        reason = record.error or "; ".join(f"{k}: {v}" for k, v in record.errors.items())
        print(f"cardgen: error: {reason if reason.startswith(record.source) else record.source + ': ' + reason}")
    return 1 if failed or pack.get("errors") else 0


def _run_tasks(tasks, output: Path, cache: dict, jobs: int, quiet: bool, verbose: bool) -> None:
    if not tasks:
        return
    workers = workers_for(jobs, len(tasks))
    progress = None
    if not quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), transient=not verbose)
        progress.start()
        bar = progress.add_task("rendering", total=len(tasks))

    def finish(record: PageRecord, result: dict[str, Any]) -> None:
        record.seconds = round(result["seconds"], 4)
        record.warnings = result["warnings"]
        record.errors = result["errors"]
        record.error = result["error"]
        record.timings = {k: round(v, 4) for k, v in result.get("timings", {}).items()}
        record.status = "failed" if result["error"] else "built"
        base = output
        record.outputs = [file_record(Path(p), base) for p in result["outputs"] if Path(p).is_file()]
        if record.status == "built" and not record.errors:
            cache[record.source] = {"key": record.key, "outputs": record.outputs, "warnings": record.warnings}
        else:
            cache.pop(record.source, None)
        _write_cache(output, cache)
        if progress is not None:
            progress.advance(bar)
            if verbose:
                progress.console.print(f"{record.status:>6} {record.slug} ({record.seconds:.2f} s)")

    try:
        if workers == 1:
            for record, task in tasks:
                finish(record, process_page(task))
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending = {pool.submit(process_page, task): record for record, task in tasks}
                try:
                    while pending:
                        done, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for future in done:
                            finish(pending.pop(future), future.result())
                except BaseException:
                    for future in pending:
                        future.cancel()
                    raise
    finally:
        if progress is not None:
            progress.stop()


def build_event_pack(pages, records, output: Path, *, event, template, formats, sheet: str = "a4",
                     base_url: str | None = None, jobs: int = 1) -> dict[str, Any]:
    """One imposed card sheet, one showcase deck and a contact sheet for all built pages, then the
    gallery page (`event/index.html`) that links to them and to every page's outputs.

    The three are independent: with `jobs` > 1 they run side by side in worker processes (which also
    keeps the main process small on big sites). Pictures come from the crops the pages were built with.
    """
    pack: dict[str, Any] = {"outputs": [], "errors": {}}
    if not pages:
        return pack
    folder = output / EVENT_DIR
    folder.mkdir(exist_ok=True)
    slugs = {r.source: r.slug for r in records}
    stores = {str(p.path): str(output / CROPS_DIR / slugs.get(str(p.path), p.slug)) for p in pages}
    template_dir = str(template.path)
    steps = []
    if "card" in formats and sheet != "none":
        steps.append(("card_sheet", (pages, stores, str(folder), template_dir, sheet)))
    if "deck" in formats:
        steps.append(("showcase_deck", (pages, stores, str(folder), template_dir, event)))
    if "social" in formats:
        steps.append(("contact_sheet", (records, str(output), str(folder), event)))
    if jobs > 1 and len(steps) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(steps))) as pool:
            futures = [(name, pool.submit(pack_step, name, args)) for name, args in steps]
            results = [(name, future.result()) for name, future in futures]
    else:
        results = [(name, pack_step(name, args)) for name, args in steps]
    for name, (paths, error) in results:
        if error:
            pack["errors"][name] = error
        for path in paths:
            pack["outputs"].append(file_record(Path(path), output))
    try:
        gallery = _gallery(pages, records, output, folder, event, template, pack["outputs"], base_url)
        pack["outputs"].append(file_record(gallery, output))
    except CardgenError as exc:
        pack["errors"]["gallery"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - the rest of the pack is still good
        pack["errors"]["gallery"] = f"internal error: {type(exc).__name__}: {exc}"
    return pack


def _gallery(pages, records, output: Path, folder: Path, event, template, pack_outputs, base_url) -> Path:
    from cardgen.render.gallery import build_gallery, write_gallery

    by_source = {r.source: r for r in records}
    entries = [(page, by_source[str(page.path)].outputs) for page in pages if str(page.path) in by_source]
    gallery = build_gallery(entries, output, event=event, pack_outputs=pack_outputs, base_url=base_url,
                            accent=template.colors.get("accent", "#0969da"))
    return write_gallery(gallery, folder)


def workers_for(jobs: int, tasks: int) -> int:
    """--jobs N, or one process per CPU core for 0; never more processes than tasks."""
    workers = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(workers, tasks))


def pack_step(name: str, args: tuple) -> tuple[list[str], str | None]:
    """One part of the event pack (runs in a worker process). Never raises: failures are data."""
    release_big_buffers()
    try:
        if name == "contact_sheet":
            records, out, folder, event = args
            paths = _contact_sheet(records, Path(out), Path(folder), event)
        else:
            from cardgen.render.assets import PageImages
            from cardgen.templates import load_template

            pages, stores, folder, template_dir, extra = args  # extra: the sheet, or the event name
            template = load_template(template_dir)
            images = {p.path: PageImages(p, store=Path(stores[str(p.path)]), remember=False) for p in pages}
            if name == "card_sheet":
                paths = _card_sheet(pages, Path(folder), template, images, extra)
            else:
                paths = _showcase(pages, Path(folder), extra, template, images)
        return [str(p) for p in paths], None
    except CardgenError as exc:
        return [], str(exc)
    except Exception as exc:  # noqa: BLE001 - the other parts of the pack still get made
        return [], f"internal error: {type(exc).__name__}: {exc}"


def _card_sheet(pages, folder: Path, template, images, sheet: str = "a4") -> list[Path]:
    """The event's cards on the layout that fits `sheet` (A6 cards with bleed and crop marks)."""
    from cardgen.render.card_sheet import render_card_sheet

    return list(render_card_sheet(pages, folder / f"cards-{sheet}.pdf", sheet=sheet, template=template,
                                  images=images, marks=True).outputs)


def _check_sheet(sheet: str) -> str:
    """--sheet for the event pack (checked before any page is built): none, or a known sheet on which an
    A6 card fits with its bleed and crop marks."""
    name = (sheet or "a4").strip().lower()
    if name == "none":
        return name
    from cardgen.layout.imposition import impose, sheet_size
    from cardgen.render.card_draw import card_size, default_bleed

    impose(sheet_size(name), card_size("a6"), default_bleed("a6"), marks=True, name=name)
    return name


def _showcase(pages, folder: Path, event, template, images) -> list[Path]:
    from cardgen.render.showcase import render_showcase

    return list(render_showcase(pages, folder / "showcase.pptx", event=event, template=template, images=images).outputs)


def _contact_sheet(records, output: Path, folder: Path, event) -> list[Path]:
    from cardgen.render.contact_sheet import render_contact_sheet

    items = []
    for record in records:
        social = [o for o in record.outputs if "-og." in o["path"] and o["path"].endswith((".png", ".jpg", ".webp"))]
        if social:
            items.append((record.slug, output / social[0]["path"]))
    return [render_contact_sheet(items, folder / "contact-sheet.png", title=event)]


# --- cache files ------------------------------------------------------------------------------------------


def _read_cache(output: Path) -> dict[str, Any]:
    try:
        data = json.loads((output / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("cardgen") != __version__:
        return {}
    return data.get("pages", {})


def _write_cache(output: Path, cache: dict[str, Any]) -> None:
    atomic_write(output / CACHE_FILE, json.dumps({"cardgen": __version__, "pages": cache}, indent=1).encode())


def _outputs_intact(cached: dict[str, Any], output: Path) -> bool:
    for item in cached.get("outputs", []):
        path = output / item["path"]
        if not path.is_file() or path.stat().st_size != item["bytes"]:
            return False
    return bool(cached.get("outputs"))


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _prune_crops(output: Path, slugs: set[str]) -> None:
    """Crops of pages that are no longer in the site."""
    folder = output / CROPS_DIR
    if folder.is_dir():
        for child in folder.iterdir():
            if child.is_dir() and child.name not in slugs:
                shutil.rmtree(child, ignore_errors=True)


def _remove_partial_files(output: Path) -> None:
    """Temp files left by a run that was killed hard (atomic_write cleans up after itself otherwise)."""
    for path in output.rglob(".*.part"):
        try:
            path.unlink()
        except OSError:
            pass
