"""Wowchemy slides pages → `Slide`s.

The theme renders the whole page to HTML and splits it at `<hr>`, so a slide boundary is exactly a
thematic break as CommonMark sees it (`---`, `***`, `___`; not a setext underline, not inside a code
fence). Each section's `{{< slide … >}}` sets its background, `speaker_note` goes to the notes and a
`<!-- hide -->` comment hides it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it.token import Token

from cardgen.document import Block, Callout, ListBlock, Quote, Slide, SpeakerNote
from cardgen.markdown import Context, convert_blocks, page_macros, resolve_image, tokenize

if TYPE_CHECKING:
    from cardgen.math.tex import Macro

_HIDE = re.compile(r"<!--\s*hide\s*-->", re.I)


def parse_slides(
    body: str, *, base_dir: Path | None = None, site_root: Path | None = None, macros: tuple[Macro, ...] = ()
) -> tuple[tuple[Slide, ...], list[str]]:
    """Slides in order, and warnings.

    Hidden slides (`<!-- hide -->`, or reveal.js' `{{< slide visibility="hidden" >}}`) are kept with
    `hidden=True` so that a renderer can still count or list them; the deck renderer skips them.
    Sections with nothing in them (two breaks in a row) are dropped: an empty slide says nothing.
    """
    ctx = Context(Path(base_dir) if base_dir else None, Path(site_root) if site_root else None)
    ctx.macros = page_macros(body, macros)  # a first slide of definitions serves the whole deck
    sections: list[list[Token]] = [[]]
    for token in tokenize(body):
        if token.type == "hr" and token.level == 0:
            sections.append([])
        else:
            sections[-1].append(token)
    slides: list[Slide] = []
    for tokens in sections:
        if not tokens:
            continue
        slide = _slide(tokens, ctx)
        if slide.blocks or slide.notes or slide.background_image or slide.background_color:
            slides.append(slide)
    return tuple(slides), ctx.warnings


def _slide(tokens: list[Token], ctx: Context) -> Slide:
    attrs: dict[str, str] = {}
    hidden = False
    kept: list[Token] = []
    for token in tokens:
        if token.type == "shortcode" and token.meta["shortcode"].name.lower() == "slide":
            attrs.update(token.meta["shortcode"].named)
            continue
        for child in token.children or ():  # `{{< slide >}}` written inside a paragraph
            if child.type == "shortcode_inline" and child.meta["shortcode"].name.lower() == "slide":
                attrs.update(child.meta["shortcode"].named)
            elif child.type == "html_inline" and _HIDE.search(child.content):
                hidden = True
        if token.type == "html_block" and _HIDE.search(token.content):
            hidden = True
        kept.append(token)
    notes: list[Block] = []
    body = _take_notes(tuple(convert_blocks(kept, ctx)), notes)
    background = attrs.get("background-image") or attrs.get("background_image")
    background_path = resolve_image(background, ctx) if background else None
    colour = attrs.get("background-color") or attrs.get("background_color") or attrs.get("background")
    return Slide(
        blocks=body,
        notes=tuple(notes),
        background_image=background or None,
        background_image_path=background_path,
        background_color=colour or None,
        attrs=attrs,
        hidden=hidden
        or attrs.get("hide", "").lower() == "true"
        or attrs.get("visibility", "").lower() == "hidden",
    )


def _take_notes(blocks: tuple[Block, ...], notes: list[Block]) -> tuple[Block, ...]:
    """`blocks` without their speaker notes (also those inside callouts, quotes and lists), whose
    content is appended to `notes`: reveal.js moves every `<aside class="notes">` to the notes view."""
    kept: list[Block] = []
    for block in blocks:
        if isinstance(block, SpeakerNote):
            notes.extend(block.children)
        elif isinstance(block, (Callout, Quote)):
            kept.append(replace(block, children=_take_notes(block.children, notes)))
        elif isinstance(block, ListBlock):
            items = tuple(replace(item, children=_take_notes(item.children, notes)) for item in block.items)
            kept.append(replace(block, items=items))
        else:
            kept.append(block)
    return tuple(kept)
