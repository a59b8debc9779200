"""Every output for one page (`cardgen build`): deck, social image(s) and card, sharing one image decode."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.errors import CardgenError
from cardgen.output import RenderResult, make_dirs
from cardgen.page import Page

if TYPE_CHECKING:
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
) -> RenderResult:
    """Render the chosen outputs into the folder `output`.

    One failing output does not stop the others: it is recorded in `info["errors"]` (format → one-line
    reason) and the CLI exits 1. `info["timings"]` holds seconds per format.
    """
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template

    folder = make_dirs(Path(output))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        from cardgen.errors import UsageError

        raise UsageError(f"unknown output format {unknown[0]!r} (expected {', '.join(FORMATS)})")
    tpl = load_template(template)
    images = images or PageImages(page)
    outputs: list[Path] = []
    warnings: list[str] = []
    errors: dict[str, str] = {}
    timings: dict[str, float] = {}
    for fmt in FORMATS:
        if fmt not in formats:
            continue
        started = time.perf_counter()
        try:
            result = _render_one(fmt, page, folder, tpl, images, social_presets, math)
        except CardgenError as exc:
            errors[fmt] = str(exc)
        except Exception as exc:  # noqa: BLE001 - one output's bug must not lose the others
            errors[fmt] = f"internal error while rendering the {fmt}: {type(exc).__name__}: {exc}"
        else:
            outputs.extend(result.outputs)
            warnings.extend(result.warnings)
        timings[fmt] = time.perf_counter() - started
    warnings.extend(images.warnings)
    return RenderResult(
        outputs=tuple(outputs),
        warnings=tuple(dict.fromkeys(warnings)),
        info={"errors": errors, "timings": timings},
    )


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
