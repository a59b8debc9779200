"""Every output for one page (`cardgen build`): deck, social image(s) and card, sharing one image decode."""

from __future__ import annotations

import time
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import CardgenError
from cardgen.output import RenderResult, make_dirs, remove_partial_files
from cardgen.page import Page

if TYPE_CHECKING:
    from cardgen.layout.model import Scene
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

FORMATS = ("deck", "deck-pdf", "social", "card")
#: What `build` and `batch` make unless told otherwise (the deck PDF is asked for with `deck-pdf`).
DEFAULT_FORMATS = ("deck", "social", "card")


def render_all(
    page: Page,
    output: Path | str = ".",
    *,
    template: str | Path | Template = "default",
    formats: tuple[str, ...] | list[str] = DEFAULT_FORMATS,
    social_presets: tuple[str, ...] = ("og",),
    images: PageImages | None = None,
    math: str = "picture",
    jobs: int = 1,
) -> RenderResult:
    """Render the chosen outputs into the folder `output`.

    One failing output does not stop the others: it is recorded in `info["errors"]` (format → one-line
    reason) and the CLI exits 1. `info["timings"]` holds seconds per format, `info["card_scenes"]` the
    sides of the card as laid out (`layout.model.Scene`, for a card sheet to draw them again).

    `jobs` other than 1 (0: one per CPU core) makes the outputs side by side in worker processes
    forked from this one, once the featured image is decoded here: the page then takes about as long
    as its slowest output. The bytes are those of one after another (every output cuts its pictures
    from the same decode). Outputs are made one after another where processes do not start by fork,
    and when `images` is given (a batch runs its pages side by side already).
    """
    from cardgen.pool import can_fork, workers_for
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template

    folder = make_dirs(Path(output))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        from cardgen.errors import UsageError

        raise UsageError(f"unknown output format {unknown[0]!r} (expected {', '.join(FORMATS)})")
    chosen = [f for f in FORMATS if f in formats]
    tpl = load_template(template)
    workers = workers_for(jobs, len(chosen)) if images is None and can_fork() else 1
    images = images or PageImages(page)
    job = _Job(page, folder, tpl, images, social_presets, math)
    done = _side_by_side(job, chosen, workers) if workers > 1 else {fmt: _attempt(job, fmt) for fmt in chosen}
    outputs: list[Path] = []
    warnings: list[str] = []
    errors: dict[str, str] = {}
    timings: dict[str, float] = {}
    for fmt in chosen:
        made = done[fmt]
        if made.error is not None:
            errors[fmt] = made.error
        else:
            outputs.extend(made.outputs)
            warnings.extend(made.warnings)
        timings[fmt] = made.seconds
    for fmt in chosen:
        warnings.extend(done[fmt].image_warnings)
    card = done.get("card")
    return RenderResult(
        outputs=tuple(outputs),
        warnings=tuple(dict.fromkeys(warnings)),
        info={"errors": errors, "timings": timings, "card_scenes": card.scenes if card is not None else ()},
    )


@dataclass(frozen=True)
class _Job:
    page: Page
    folder: Path
    template: Template
    images: PageImages
    social_presets: tuple[str, ...]
    math: str


@dataclass(frozen=True)
class _Made:
    """One output's files and warnings, or the one-line reason it failed; seconds it took."""

    outputs: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    image_warnings: tuple[str, ...] = ()  # the featured image's (unreadable, too small …)
    scenes: tuple[Scene, ...] = ()  # the card's sides, as laid out


def _attempt(job: _Job, fmt: str) -> _Made:
    started = time.perf_counter()
    try:
        result = _render_one(fmt, job.page, job.folder, job.template, job.images, job.social_presets, job.math)
    except CardgenError as exc:
        made = _Made(error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one output's bug must not lose the others
        made = _Made(error=f"internal error while rendering the {fmt}: {type(exc).__name__}: {exc}")
    else:
        scenes = result.info.get("scenes") if fmt == "card" else None
        made = _Made(result.outputs, result.warnings, scenes=tuple(scenes) if isinstance(scenes, tuple) else ())
    return replace(made, seconds=time.perf_counter() - started, image_warnings=tuple(job.images.warnings))


#: The job the forked workers of `_side_by_side` render from (inherited, never sent through a pipe).
_FORKED: _Job | None = None
#: Heaviest first, so the light social image fills in after the first output done.
_ORDER = ("deck", "deck-pdf", "card", "social")


def _side_by_side(job: _Job, chosen: list[str], workers: int) -> dict[str, _Made]:
    from cardgen.pool import run_tasks

    global _FORKED
    if job.images.has_image:
        job.images.source()  # decoded once here; the workers inherit it
    if {"social", "card"} <= set(chosen):
        import numpy  # noqa: F401 - the social image's contrast check and the card's PDF library both import it
    _FORKED = job
    try:
        tasks = [(fmt, _forked_attempt, fmt, None) for fmt in _ORDER if fmt in chosen]
        done: dict[str, _Made] = {}
        with closing(run_tasks(tasks, workers, stopped=lambda fmt: remove_partial_files(job.folder))) as results:
            for fmt, outcome in results:
                done[fmt] = outcome.value if outcome.ok else _Made(error=outcome.message, seconds=outcome.seconds)
    finally:
        _FORKED = None
    return done


def _forked_attempt(fmt: str) -> _Made:
    assert _FORKED is not None, "a worker forked outside _side_by_side"
    return _attempt(_FORKED, fmt)


def _render_one(fmt: str, page: Page, folder: Path, template: Template, images: PageImages,
                social_presets: tuple[str, ...],
                math: str = "picture") -> RenderResult:
    if fmt == "deck":
        from cardgen.render.deck import render_deck

        return render_deck(page, folder / f"{page.slug}.pptx", template=template, images=images, math=math)
    if fmt == "deck-pdf":
        from cardgen.render.deck import render_deck

        return render_deck(page, folder / f"{page.slug}.pdf", template=template, images=images, math=math, fmt="pdf")
    if fmt == "social":
        from cardgen.render.social import render_social

        outputs: list[Path] = []
        warnings: list[str] = []
        for preset in social_presets:
            result = render_social(page, folder, preset=preset, template=template, images=images)
            outputs.extend(result.outputs)
            warnings.extend(result.warnings)
        return RenderResult(tuple(outputs), tuple(warnings))
    from cardgen.render.card import render_card

    return render_card(page, folder / f"{page.slug}-card.pdf", template=template, images=images)
