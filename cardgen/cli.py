"""The `cardgen` command: a thin typer shell over the library. Parses options, calls, prints."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TypeVar, cast

import typer
from typer.core import TyperGroup

from cardgen import __version__, collector
from cardgen.errors import CardgenError, UsageError

if TYPE_CHECKING:
    from rich.progress import TaskID

    from cardgen.batch import Event
    from cardgen.output import RenderResult
    from cardgen.page import Page
    from cardgen.settings import SiteSettings

_T = TypeVar("_T")
#: A watch rebuild: (ok, status message).
_Build = Callable[[], tuple[bool, str]]


class _State:
    debug = False
    quiet = False
    verbose = False


state = _State()


def _switch_on(name: str) -> Callable[[bool], None]:
    def callback(value: bool) -> None:
        if value:
            setattr(state, name, True)

    return callback


def _global_options() -> list[Any]:  # click.Parameter (click is vendored inside typer)
    """`--debug`, `-q/--quiet` and `-v/--verbose` as options of every subcommand too.

    They only ever switch a setting on, so `cardgen -q batch …` and `cardgen batch … -q` mean the same.
    They are declared through typer (a throw-away command) and not exposed to the command functions.
    """
    options = typer.Typer(add_completion=False)

    @options.command()
    def _globals(
        debug: bool = typer.Option(False, "--debug", callback=_switch_on("debug"), help="Show full tracebacks on errors."),
        quiet: bool = typer.Option(False, "--quiet", "-q", callback=_switch_on("quiet"), help="Print errors only."),
        verbose: bool = typer.Option(False, "--verbose", "-v", callback=_switch_on("verbose"),
                                     help="Print every warning and step."),
    ) -> None:  # pragma: no cover - never invoked
        pass

    params = list(typer.main.get_command(options).params)
    for param in params:
        param.expose_value = False
    return params


def _add_global_options(command: Any, params: list[Any]) -> None:  # click.Command, click.Parameter
    if hasattr(command, "commands"):  # a group: its subcommands
        for sub in command.commands.values():
            _add_global_options(sub, params)
        return
    names = {opt for param in command.params for opt in getattr(param, "opts", ())}
    command.params.extend(p for p in params if not set(p.opts) & names)


class _Group(TyperGroup):
    """The root group: hands the global options to every subcommand, nested ones included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        params = _global_options()
        for command in self.commands.values():
            _add_global_options(command, params)


app = typer.Typer(
    name="cardgen",
    cls=_Group,
    help=(
        "Turn a Hugo Academic / Wowchemy / Hugo Blox project page into a PowerPoint deck, social preview "
        "images and a print-ready card.\n\n"
        "Examples:\n\n"
        "  cardgen build content/project/mlphys/index.md -o out/\n\n"
        "  cardgen deck content/project/mlphys/index.md --template dark\n\n"
        "  cardgen social content/project/mlphys/index.md --preset all\n\n"
        "  cardgen card content/project/mlphys/index.md --sheet a4 --marks\n\n"
        "  cardgen batch path/to/site -o event/ --event \"Open Lab Day 2026\""
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
templates_app = typer.Typer(help="List, show and copy templates.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


def _version(value: bool) -> None:
    if value:
        print(f"cardgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every warning and step."),
) -> None:
    state.debug, state.quiet, state.verbose = debug, quiet, verbose


PageArg = typer.Argument(..., help="The page: content/project/<slug>/index.md (or a single .md file).")
SiteOpt = typer.Option(None, "--site", help="Hugo site root (detected from the page when omitted).")
MathOpt = typer.Option(None, "--math",
                       help="Equations in decks: picture (SVG + PNG, every viewer) or native (editable Office Math, picture fallback) "
                            "[default: params.cardgen.math, else picture].")
TemplateOpt = typer.Option(None, "--template", "-t",
                           help="Built-in template name or a template folder [default: params.cardgen.template, else default].")


def _load(page: Path, site: Optional[Path]) -> Page:
    from cardgen.loader import load_page

    if not os.path.lexists(page):
        raise UsageError(f"{page}: no such file")
    return load_page(page, site_root=site)


def _settings(site_root: Optional[Path]) -> SiteSettings:
    """The site's `[params.cardgen]` (its unknown keys are warned about once per run)."""
    from cardgen.settings import read_settings

    settings = read_settings(site_root)
    _warn_all(settings.warnings)
    return settings


def _page_settings(page: Page) -> SiteSettings:
    return _settings(page.site.root if page.site is not None else None)


def _pick(flag: _T | None, setting: _T | None, default: _T) -> _T:
    """Flag, else the site's setting, else cardgen's default."""
    if flag is not None:
        return flag
    return setting if setting is not None else default


def _say(message: str) -> None:
    if not state.quiet:
        print(message)


def _warn_all(warnings: Iterable[str]) -> None:
    if state.quiet:
        return
    items = list(dict.fromkeys(warnings))
    shown = items if state.verbose else items[:8]
    for w in shown:
        print(f"warning: {w}", file=sys.stderr)
    if len(items) > len(shown):
        print(f"warning: … and {len(items) - len(shown)} more (use --verbose)", file=sys.stderr)


def _renderer(module: str, function: str, command: str) -> Any:
    import importlib

    try:
        mod = importlib.import_module(f"cardgen.render.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"cardgen.render.{module}":
            raise CardgenError(f"'cardgen {command}' is not available yet in cardgen {__version__}") from None
        raise
    return getattr(mod, function)


@app.command()
def inspect(
    page: Path = PageArg,
    as_json: bool = typer.Option(False, "--json", help="Print the parsed page as JSON."),
    site: Optional[Path] = SiteOpt,
) -> None:
    """Show the parsed page: title, authors, image settings, links, body outline, slides, warnings.

    Example: cardgen inspect content/project/mlphys/index.md --json
    """
    from cardgen.report import format_page, page_to_dict

    parsed = _load(page, site)
    if as_json:
        print(json.dumps(page_to_dict(parsed), ensure_ascii=False, indent=2))
    else:
        print(format_page(parsed))


@app.command()
def deck(
    page: Path = PageArg,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output .pptx or .pdf (default: <slug>.pptx); the extension picks the format."),
    template: Optional[str] = TemplateOpt,
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="pptx or pdf (default: from the output's extension, else pptx)."),
    handout: bool = typer.Option(False, "--handout", help="PDF notes pages: each slide with its speaker notes (A4)."),
    pptx_template: Optional[Path] = typer.Option(None, "--pptx-template", help="Use an organisation's PowerPoint master (.pptx/.potx)."),
    aspect: str = typer.Option("16:9", "--aspect", help="Slide shape: 16:9 or 4:3."),
    show_image: bool = typer.Option(False, "--show-image", help="Show the hero image even when image.preview_only is set."),
    notes: bool = typer.Option(True, "--notes/--no-notes", help="Write speaker notes."),
    math: Optional[str] = MathOpt,
    site: Optional[Path] = SiteOpt,
) -> None:
    """Make a talk deck from the page: an editable PowerPoint file, or the same slides as a PDF.

    Examples: cardgen deck content/project/mlphys/index.md -o talk.pptx --template dark
              cardgen deck content/project/mlphys/index.md -o talk.pdf
              cardgen deck content/project/mlphys/index.md --handout -o handout.pdf
    """
    if aspect not in ("16:9", "4:3"):
        raise UsageError(f"--aspect: expected 16:9 or 4:3, got {aspect!r}")
    render = _renderer("deck", "render_deck", "deck")
    parsed = _load(page, site)
    settings = _page_settings(parsed)
    template = _pick(template, settings.template, "default")
    result = render(parsed, output, template=template, pptx_template=pptx_template, aspect=aspect,
                    show_image=show_image, notes=notes, math=_pick(math, settings.math, "picture"), fmt=fmt,
                    handout=handout)
    _report(parsed, result)


@app.command()
def social(
    page: Path = PageArg,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output file or folder."),
    preset: Optional[str] = typer.Option(None, "--preset", "-p",
                                         help="og, x, square, linkedin, github or all [default: params.cardgen.presets, else og]."),
    size: Optional[str] = typer.Option(None, "--size", help="Custom size WxH, e.g. 1600x900."),
    template: Optional[str] = TemplateOpt,
    fmt: str = typer.Option("auto", "--format", help="auto, png, jpeg or webp."),
    max_bytes: int = typer.Option(1_000_000, "--max-bytes", help="Byte budget per image."),
    meta: bool = typer.Option(False, "--meta", help="Print the HTML meta snippet instead of writing it."),
    base_url: Optional[str] = typer.Option(
        None, "--base-url", help="Public URL of the output folder, for the gallery's QR code [default: params.cardgen.base_url]."),
    hugo: bool = typer.Option(False, "--hugo", help="Write into the site so the theme uses it (see README)."),
    site: Optional[Path] = SiteOpt,
) -> None:
    """Make social preview images (OpenGraph, X, LinkedIn, …) and their HTML meta snippet.

    Example: cardgen social content/project/mlphys/index.md --preset all -o social/
    """
    render = _renderer("social", "render_social", "social")
    parsed = _load(page, site)
    settings = _page_settings(parsed)
    template = _pick(template, settings.template, "default")
    preset = _pick(preset, ",".join(settings.presets) if settings.presets else None, "og")
    result = render(parsed, output, preset=preset, size=size, template=template, format=fmt,
                    max_bytes=max_bytes, print_meta=meta, hugo=hugo)
    if meta and result.info.get("meta_html"):
        print(result.info["meta_html"])
    _report(parsed, result)


@app.command()
def card(
    page: Path = PageArg,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output .pdf (default: <slug>-card.pdf)."),
    size: str = typer.Option("a6", "--size", help="a6, a5, postcard, 5x7 or business."),
    orientation: str = typer.Option("portrait", "--orientation", help="portrait or landscape."),
    back: bool = typer.Option(True, "--back/--no-back", help="Add a back page with description, links and QR code."),
    bleed: Optional[float] = typer.Option(None, "--bleed", help="Bleed in mm (default 3 mm; 0.125 in for US sizes)."),
    marks: Optional[bool] = typer.Option(
        None, "--marks/--no-marks", help="Crop marks outside the bleed (default: on for --sheet, off for one card)."
    ),
    sheet: Optional[str] = typer.Option(
        None, "--sheet",
        help="Impose copies on a sheet: none, a4, letter, a3, tabloid (office) or sra3, 12x18 (print shop) "
        "[default: params.cardgen.sheet, else none].",
    ),
    duplex: str = typer.Option("long", "--duplex", help="Sheets: backs aligned for a flip on the long or short edge."),
    template: Optional[str] = TemplateOpt,
    site: Optional[Path] = SiteOpt,
) -> None:
    """Make a print-ready summary card (PDF with bleed, TrimBox, embedded fonts, QR code).

    Example: cardgen card content/project/mlphys/index.md --size a6 --sheet a4 --marks
    """
    render = _renderer("card", "render_card", "card")
    parsed = _load(page, site)
    settings = _page_settings(parsed)
    template = _pick(template, settings.template, "default")
    sheet = _pick(sheet, settings.sheet, "none")
    result = render(parsed, output, size=size, orientation=orientation, back=back, bleed_mm=bleed,
                    marks=marks, sheet=None if sheet == "none" else sheet, duplex=duplex, template=template)
    _report(parsed, result)


FormatsOpt = typer.Option(None, "--formats",
                          help="Comma-separated outputs: deck, deck-pdf, social, card [default: params.cardgen.formats, else deck,social,card].")
PresetsOpt = typer.Option(None, "--preset", "-p",
                          help="Social presets, comma-separated or all [default: params.cardgen.presets, else og].")


@app.command()
def build(
    page: Path = PageArg,
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Output folder [default: params.cardgen.output/<slug>, else .]."),
    template: Optional[str] = TemplateOpt,
    formats: Optional[str] = FormatsOpt,
    preset: Optional[str] = PresetsOpt,
    math: Optional[str] = MathOpt,
    site: Optional[Path] = SiteOpt,
    jobs: int = typer.Option(0, "--jobs", "-j", help="Processes making the outputs side by side (0: one per CPU core)."),
) -> None:
    """Make every output for one page: deck, social images and card.

    Example: cardgen build content/project/mlphys/index.md -o out/
    """
    from cardgen.output import confined
    from cardgen.render.build import render_all

    chosen = _formats(formats) if formats else None
    if output is not None:
        _output_folder(output)
    parsed = _load(page, site)
    settings = _page_settings(parsed)
    if output is None:
        output = settings.output / parsed.slug if settings.output is not None else Path(".")
        _output_folder(output)
    with confined(output):
        result = render_all(parsed, output, template=_pick(template, settings.template, "default"),
                            formats=_pick(chosen, settings.formats, _formats("deck,social,card")),
                            social_presets=_presets(preset, settings), math=_pick(math, settings.math, "picture"),
                            jobs=jobs)
    _report(parsed, result)
    for fmt, reason in cast("dict[str, str]", result.info.get("errors", {})).items():
        print(f"cardgen: error: {fmt}: {reason}", file=sys.stderr)
    if result.info.get("errors"):
        raise typer.Exit(1)


def _presets(flag: Optional[str], settings: SiteSettings) -> tuple[str, ...]:
    from cardgen.render.social import resolve_presets

    if flag is None:
        return settings.presets or ("og",)
    return tuple(name for name, _ in resolve_presets(flag))


@app.command()
def batch(
    source: Path = typer.Argument(..., help="A Hugo site root or a content folder."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Output folder for every page and the event pack [default: params.cardgen.output]."),
    section: str = typer.Option("project", "--section", help="Content section to scan."),
    glob: Optional[str] = typer.Option(None, "--glob", help="Glob (relative to the content folder) selecting pages."),
    include_drafts: bool = typer.Option(False, "--include-drafts", help="Include pages with draft: true."),
    formats: Optional[str] = FormatsOpt,
    preset: Optional[str] = PresetsOpt,
    jobs: int = typer.Option(0, "--jobs", "-j", help="Parallel processes (0: one per CPU core)."),
    force: bool = typer.Option(False, "--force", help="Rebuild pages whose inputs did not change."),
    event: Optional[str] = typer.Option(
        None, "--event", help="Event name for the event pack and its gallery page [default: params.cardgen.event]."),
    sheet: Optional[str] = typer.Option(
        None, "--sheet", help="Paper of the event pack's card sheet: a4, letter, a3, tabloid, sra3, 12x18 or none "
        "[default: params.cardgen.sheet, else a4]."),
    math: Optional[str] = MathOpt,
    base_url: Optional[str] = typer.Option(
        None, "--base-url", help="Public URL of the output folder, for the gallery's QR code [default: params.cardgen.base_url]."),
    hugo: bool = typer.Option(False, "--hugo", help="Also write each social image into the site for the theme's og:image (see docs/ci.md)."),
    page_timeout: float = typer.Option(
        120.0, "--page-timeout", help="Seconds one page may take before it is stopped and reported as failed (0: no limit)."),
    template: Optional[str] = TemplateOpt,
) -> None:
    """Export a whole site: every project page plus an event pack (card sheet, showcase deck, contact sheet, gallery page).

    Settings in the site's [params.cardgen] are used for options not given.

    Example: cardgen batch path/to/site -o open-lab-day/ --event "Open Lab Day 2026"
    """
    from cardgen.batch import content_root, iter_batch

    collector.running_on()
    if jobs < 0:
        raise UsageError(f"--jobs: expected 0 (one per CPU core) or more, got {jobs}")
    if not page_timeout >= 0:  # also refuses NaN
        raise UsageError(f"--page-timeout: expected seconds (0 for no limit), got {page_timeout}")
    if glob is not None and (Path(glob).is_absolute() or ".." in Path(glob).parts):
        raise UsageError(f"--glob: {glob!r} must be relative to the content folder and stay inside it")
    chosen = _formats(formats) if formats else None
    _, site_root = content_root(source)
    settings = _settings(site_root)
    output = _pick(output, settings.output, None)
    if output is None:
        raise UsageError("batch: no output folder: pass -o/--output or set params.cardgen.output in the site's config")
    _output_folder(output)
    sheet = _pick(sheet, settings.sheet, "a4")
    events = iter_batch(source, output, section=section, glob=glob, include_drafts=include_drafts,
                        formats=cast("str | tuple[str, ...]", _pick(chosen, settings.formats, "deck,social,card")),
                        presets=_presets(preset, settings), jobs=jobs, force=force,
                        event=_pick(event, settings.event, None), sheet=sheet, hugo=hugo,
                        base_url=_pick(base_url, settings.base_url, None), math=_pick(math, settings.math, "picture"),
                        template=_pick(template, settings.template, "default"), page_timeout=page_timeout or None)
    raise typer.Exit(_show_batch(events))


def _show_batch(events: Iterable[Event]) -> int:
    """Print a batch's progress events: notices, a progress bar, the summary and each failure."""
    from cardgen.batch import Finished, Notice, PackStarted, PageDone, Planned

    progress = None
    bar = None
    code = 1
    try:
        for item in events:
            if isinstance(item, Notice):
                if not state.quiet:
                    print(f"warning: {item.message}", file=sys.stderr)
            elif isinstance(item, Planned) and item.render and not state.quiet:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )

                # auto_refresh off: no refresh thread (the batch forks its worker processes)
                progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TimeRemainingColumn(), transient=not state.verbose, auto_refresh=False)
                progress.start()
                bar = progress.add_task("rendering", total=item.render)
                progress.refresh()
            elif isinstance(item, PageDone) and progress is not None:
                progress.advance(cast("TaskID", bar))
                if state.verbose:
                    record = item.record
                    progress.console.print(f"{record.status:>6} {record.slug} ({record.seconds:.2f} s)")
                progress.refresh()
            elif isinstance(item, PackStarted):
                if progress is not None:
                    progress.stop()
                    progress = None
                if state.verbose:
                    print(f"event pack: {', '.join(item.steps)}", file=sys.stderr)
            elif isinstance(item, Finished):
                if progress is not None:
                    progress.stop()
                    progress = None
                code = item.exit_code
                s = item.manifest["summary"]
                _say(f"{s['pages']} pages: {s['built']} built, {s['cached']} unchanged, {s['skipped']} skipped, "
                     f"{s['failed']} failed in {s['seconds']:.1f} s → {item.manifest_path}")
                for record in item.failed:
                    reason = record.error or "; ".join(f"{k}: {v}" for k, v in record.errors.items())
                    where = reason if reason.startswith(record.source) else f"{record.source}: {reason}"
                    print(f"cardgen: error: {where}", file=sys.stderr)
                for step, reason in item.manifest["event_pack"].get("errors", {}).items():
                    print(f"cardgen: error: event pack: {step}: {reason}", file=sys.stderr)
    finally:
        if progress is not None:
            progress.stop()
    return code


def _output_folder(path: Path) -> None:
    """-o must name a folder (or a place to make one), not an existing file."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"--output: {path} is a file; pass a folder")
    parent = next((p for p in (path, *path.parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise UsageError(f"--output: {parent} is a file, so {path} cannot be a folder")


@app.command()
def watch(
    target: Path = typer.Argument(..., help="A page (content/project/<slug>/index.md) or a Hugo site / content folder."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Output folder [default: params.cardgen.output (a page: …/<slug>), else . for a page]."),
    template: Optional[str] = TemplateOpt,
    formats: Optional[str] = FormatsOpt,
    preset: Optional[str] = PresetsOpt,
    event: Optional[str] = typer.Option(None, "--event", help="Site: event name for the event pack [default: params.cardgen.event]."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Parallel processes: a site's pages, a page's outputs (0: one per CPU core)."),
    site: Optional[Path] = SiteOpt,
) -> None:
    """Rebuild on every save: a page's outputs, or a site's changed pages and its event pack. Ctrl-C stops.

    One status line per rebuild. Example: cardgen watch content/project/mlphys/index.md -o out/
    """
    from cardgen.watch import changes, check_target, status_line, timed, watched_paths

    collector.running_on()
    check_target(target)
    if target.is_file():
        build, output, root = _watch_page(target, output, template, formats, preset, site, jobs)
    else:
        build, output, root = _watch_site(target, output, template, formats, preset, event, jobs)
    template_dir = Path(template) if template and Path(template).is_dir() else None
    paths, ignore = watched_paths(target, output, template_dir)
    try:
        stream = changes(paths, ignore)
        next(stream)  # watching from here on
        print(status_line(timed(build), root), flush=True)
        _say(f"watching {', '.join(str(p) for p in paths)} — Ctrl-C to stop")
        for changed in stream:
            print(status_line(timed(build, changed), root), flush=True)
    except KeyboardInterrupt:
        _say("stopped watching")
        raise typer.Exit(130) from None


def _watch_page(target: Path, output: Optional[Path], template: Optional[str], formats: Optional[str],
                preset: Optional[str], site: Optional[Path], jobs: int) -> tuple[_Build, Path, Path | None]:
    from cardgen.render.build import render_all

    first = _load(target, site)
    settings = _page_settings(first)
    if output is None:
        output = settings.output / first.slug if settings.output is not None else Path(".")
    chosen = _pick(_formats(formats) if formats else None, settings.formats, _formats("deck,social,card"))
    presets = _presets(preset, settings)
    tpl = _pick(template, settings.template, "default")

    def build() -> tuple[bool, str]:
        page = _load(target, site)
        result = render_all(page, output, template=tpl, formats=chosen, social_presets=presets,
                            math=settings.math or "picture", jobs=jobs)
        warnings = [*page.warnings, *result.warnings]
        if state.verbose:
            _warn_all(warnings)
        errors = cast("dict[str, str]", result.info.get("errors", {}))
        done = [f for f in chosen if f not in errors]
        message = f"{page.slug}: {', '.join(done) or 'nothing'} → {output}"
        if errors:
            message += "; " + "; ".join(f"{fmt} failed: {reason}" for fmt, reason in errors.items())
        if warnings and not state.verbose:
            message += f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''}, --verbose shows them)"
        return not errors, message

    return build, output, first.site.root if first.site else None


def _watch_site(target: Path, output: Optional[Path], template: Optional[str], formats: Optional[str],
                preset: Optional[str], event: Optional[str], jobs: int) -> tuple[_Build, Path, Path | None]:
    from cardgen.batch import Finished, content_root, iter_batch

    _, site_root = content_root(target)
    settings = _settings(site_root)
    output = _pick(output, settings.output, None)
    if output is None:
        raise UsageError("watch: no output folder: pass -o/--output or set params.cardgen.output in the site's config")
    options: dict[str, Any] = {
        "formats": _pick(_formats(formats) if formats else None, settings.formats, "deck,social,card"),
        "presets": _presets(preset, settings), "event": _pick(event, settings.event, None),
        "sheet": settings.sheet or "a4", "base_url": settings.base_url, "math": settings.math or "picture",
        "template": _pick(template, settings.template, "default"),
    }

    def build() -> tuple[bool, str]:
        finished = None
        for item in iter_batch(target, output, jobs=jobs, **options):
            if isinstance(item, Finished):
                finished = item
        if finished is None:  # pragma: no cover - iter_batch always ends with Finished
            raise CardgenError("batch ended without a result")
        summary = finished.manifest["summary"]
        message = f"{summary['built']} built, {summary['cached']} unchanged, {summary['failed']} failed → {output}"
        for record in finished.failed[:3]:  # the why, on the same line
            reason = record.error or "; ".join(f"{k}: {v}" for k, v in record.errors.items())
            message += f"; {record.slug}: {reason}"
        return finished.exit_code == 0, message

    return build, output, site_root


def _renderer_batch() -> Callable[..., int]:
    try:
        from cardgen.batch import run_batch
    except ImportError:
        raise CardgenError(f"'cardgen batch' is not available yet in cardgen {__version__}") from None
    return run_batch


@templates_app.command("list")
def templates_list() -> None:
    """List the built-in templates."""
    from cardgen.templates import list_templates, load_template

    for name in list_templates():
        print(f"{name:<10} {load_template(name).description}")


@templates_app.command("show")
def templates_show(name: str = typer.Argument(..., help="Template name or folder.")) -> None:
    """Print a template's template.toml and where it lives."""
    from cardgen.templates import TEMPLATE_FILE, template_dir

    folder = template_dir(name)
    print(f"# {folder / TEMPLATE_FILE}")
    print((folder / TEMPLATE_FILE).read_text(encoding="utf-8"))


@templates_app.command("new")
def templates_new(
    name: str = typer.Argument(..., help="Built-in template to start from (default, dark, event)."),
    folder: Path = typer.Argument(..., help="New folder to create."),
) -> None:
    """Copy a built-in template to a folder to edit; use it with --template FOLDER."""
    from cardgen.templates import load_template, new_template

    dest = new_template(name, folder)
    load_template(dest)  # validate the copy
    _say(f"created {dest} — edit {dest / 'template.toml'} and pass --template {dest}")


def _formats(value: str) -> tuple[str, ...]:
    from cardgen.render.build import FORMATS

    chosen = tuple(f.strip() for f in value.split(",") if f.strip())
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise UsageError(f"--formats: expected a comma-separated subset of {','.join(FORMATS)}, got {value!r}")
    return chosen


def _report(page: Page, result: RenderResult) -> None:
    _warn_all([*page.warnings, *result.warnings])
    for path in result.outputs:
        _say(str(path))


def main(argv: list[str] | None = None) -> int:
    """Entry point: one-line errors (tracebacks with --debug), exit 0 ok / 1 failed / 2 usage."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    if not debug:
        warnings.showwarning = _one_line_warning
    try:
        # Without standalone mode typer returns (not raises) the code of `typer.Exit`, and turns
        # Ctrl-C into code 130.
        code = app(args=args, prog_name="cardgen", standalone_mode=False)
        if code == 130:
            print("cardgen: interrupted", file=sys.stderr)
        return code if isinstance(code, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("cardgen: aborted", file=sys.stderr)
        return 130
    except CardgenError as exc:
        if debug:
            raise
        print(f"cardgen: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cardgen: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click's usage errors (vendored by typer)
            exc.show()
            return 2 if exc.exit_code not in (0, 1) else exc.exit_code
        # a bug: say so in one line unless debugging
        if debug:
            raise
        print(f"cardgen: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                      file: Any = None, line: str | None = None) -> None:
    """A library's Python warning (Pillow's decompression bomb warning, say) as one line like ours."""
    if not state.quiet:
        print(f"warning: {' '.join(str(message).split())}", file=sys.stderr)


def run() -> None:
    """Run the command line of `sys.argv` and end the process (the program starts it from
    `cardgen.__main__`, once the cycle collector is set up)."""
    leave(main())


def leave(code: int) -> None:
    """End the process with `code` once the exit handlers have run and the standard streams are
    flushed, without tearing the interpreter down: freeing every module, font table and model one
    object at a time takes 0.1–0.2 s after a command and leaves nothing behind that matters (every
    output is written and closed by then). A stream that can no longer be flushed (a closed pipe)
    ends the run with 120, as Python's own exit does. Under a profiler or tracer (cProfile,
    coverage's tracer) the interpreter exits the usual way so they can report."""
    import atexit

    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                code = code or 120
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
