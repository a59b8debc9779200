"""The event showcase deck: one title slide for the event, an agenda, one slide per project.

Each project slide shows the featured image cropped at the page's focal point, the title, authors,
a fitted summary and a QR code to the project, so a lab can loop it on a screen at an open day.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pptx.util import Pt

from cardgen.document import Run
from cardgen.fields import authors_line, display_url, site_line
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.deck import (
    BODY_TYPES,
    DeckWriter,
    _clean,
    _placeholder,
    hero_alt,
    hero_pixels,
    open_master,
)
from cardgen.render.deck_fit import Frame, TextItem, fit_in, paginate
from cardgen.render.pptx_io import Typefaces, deterministic_bytes, paragraph_format, prepare_frame, style_run
from cardgen.render.pptx_lang import tag_slides

if TYPE_CHECKING:
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template

GAP = 24.0  # pt between the picture and the text column


def render_showcase(
    pages: Sequence[Page],
    output: Path | str,
    *,
    event: str | None = None,
    template: str | Path | Template = "default",
    aspect: str = "16:9",
    images: Mapping[Path, PageImages | None] | None = None,
) -> RenderResult:
    """Write the showcase deck for `pages` (in the given order) to `output`."""
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template
    from cardgen.text.fonts import pptx_typefaces

    tpl = load_template(template)
    path = Path(output)
    prs = open_master(tpl, aspect)
    latin, east_asian = pptx_typefaces(_common_language(pages))
    writer = DeckWriter(prs, tpl, Typefaces(tpl.fonts.body or latin, east_asian, tpl.fonts.mono))
    images = dict(images or {})
    sites = {site_line(p) for p in pages}
    site = sites.pop() if len(sites) == 1 else ""  # a name only when every project shares it
    title = event or site or "Projects"
    _cover(writer, title, [x for x in (site if event else "", f"{len(pages)} projects") if x])
    _agenda(writer, pages)
    opening = list(prs.slides)
    for page in pages:
        writer.faces = Typefaces(writer.faces.latin, pptx_typefaces(page.language)[1], writer.faces.mono)
        first = len(prs.slides)
        _project(writer, page, images.get(page.path) or PageImages(page))
        tag_slides(list(prs.slides)[first:], page.language)
    writer.faces = Typefaces(latin, east_asian, tpl.fonts.mono)
    shared = _shared_language(pages)
    tag_slides(opening, shared)  # cover and agenda
    _closing(writer, title, site, shared)
    tag_slides([prs.slides[len(prs.slides) - 1]], shared)
    prs.core_properties.title = _clean(title)[:250]
    prs.core_properties.subject = f"{len(pages)} projects"
    prs.core_properties.last_modified_by = "cardgen"
    buffer = io.BytesIO()
    prs.save(buffer)
    atomic_write(path, deterministic_bytes(buffer.getvalue()))
    return RenderResult(outputs=(path,), warnings=tuple(dict.fromkeys(writer.warnings)),
                        info={"slides": writer.count, "projects": len(pages)})


def _shared_language(pages: Sequence[Page]) -> str:
    """The language every project is written in, else '' (English words for a mixed event)."""
    languages = {p.language for p in pages}
    return languages.pop() if len(languages) == 1 else ""


def _common_language(pages: Sequence[Page]) -> str:
    languages = {p.language.split("-")[0] for p in pages if p.language}
    cjk = [lang for lang in languages if lang in ("ja", "zh", "ko")]
    return cjk[0] if len(cjk) == 1 else "ja"


def _cover(w: DeckWriter, title: str, meta: list[str]) -> None:
    slide = w.new_slide("Title Slide")
    role = w.deck.role("cover_title")
    fitted = fit_in(title, w.geometry.cover_title, role.size * 1.2, role.min_size, max_lines=3, bold=True,
                  line_height=role.line_height)
    w.title(slide, fitted.text.replace("\n", " "), fitted.size, box=w.boxes["cover_title"], role="cover_title")
    body = _placeholder(slide, BODY_TYPES)
    if body is not None and meta:
        items = [TextItem((Run(line, bold=i == 0),)) for i, line in enumerate(meta)]
        size = paginate(items, w.deck.role("cover_meta"), w.geometry.cover_meta, None, w.faces.mono)[0][1]
        w.body(body, items, size, role="cover_meta")
    w.remove_empty_placeholders(slide)


def _agenda(w: DeckWriter, pages: Sequence[Page]) -> None:
    digits = len(str(len(pages)))
    items = [TextItem((Run(p.title_plain or p.slug),), number=i + 1, digits=digits) for i, p in enumerate(pages)]
    chunks = paginate(items, w.deck.role("body"), w.geometry.body, None, w.faces.mono) if items else []
    for index, (chunk, size) in enumerate(chunks):
        slide = w.new_slide("Title and Content")
        title = "Projects" + (" (cont.)" if index else "")
        w.title(slide, title, w.deck.role("title").size)
        body = _placeholder(slide, BODY_TYPES) or slide.shapes.add_textbox(*(Pt(v) for v in w.boxes["body"]))
        w.body(body, chunk, size)
        w.remove_empty_placeholders(slide)
        w.slide_number(slide)


def _project(w: DeckWriter, page: Page, images: PageImages) -> None:
    from cardgen.imaging import to_pptx_compatible

    slide = w.new_slide("Title Only")
    lang = page.language or None
    title_role = w.deck.role("title")
    fitted = fit_in(page.title_plain or page.slug, w.geometry.title, title_role.size, title_role.min_size, max_lines=2,
                  bold=True, line_height=title_role.line_height, lang=lang)
    w.title(slide, fitted.text.replace("\n", " ") if fitted.truncated else (page.title_plain or page.slug), fitted.size)
    x, y, bw, bh = w.boxes["body"]
    hero = images.hero(hero_pixels(w.geometry))  # the deck's title-slide crop: cut once per page
    pic_w = bh * hero.image.width / hero.image.height
    data, _ = to_pptx_compatible(hero.image, prefer="png" if hero.is_placeholder else "jpeg", quality=86)
    w.picture(slide, data, (x, y, pic_w, bh), fill_placeholder=False, size=hero.image.size, alt=hero_alt(page))
    if page.image.caption_text and not hero.is_placeholder:
        w.caption_on(slide, page.image.caption_text, (x, y, pic_w, bh), size=9)

    col_x, col_w = x + pic_w + GAP, bw - pic_w - GAP
    url = page.qr_url
    qr_side = min(bh * 0.36, col_w * 0.42) if url else 0.0
    text_h = bh - (qr_side + 12 if url else 0)
    authors = authors_line(page, 4)
    body_role = w.deck.role("body")
    meta_size = 16.0
    author_h = 0.0
    if authors:
        author_fit = fit_in(authors, Frame(col_w, meta_size * 1.2 * 2 + 8), meta_size, 11, max_lines=2, bold=True,
                            lang=lang)
        author_h = len(author_fit.lines) * author_fit.size * 1.2 + 7.2 + 6
        box = slide.shapes.add_textbox(Pt(col_x), Pt(y), Pt(col_w), Pt(author_h))
        box.name = "Authors"
        prepare_frame(box.text_frame)
        paragraph = box.text_frame.paragraphs[0]
        paragraph_format(paragraph, line=author_fit.size * 1.2)
        run = paragraph.add_run()
        run.text = authors if not author_fit.truncated else author_fit.text.replace("\n", " ")
        style_run(run, w.faces, author_fit.size, bold=True, color=w.color("muted"))
    description = page.description
    if description:
        frame = Frame(col_w, text_h - author_h)
        fitted = fit_in(description, frame, min(body_role.size, 22), 14, lang=lang, line_height=1.25)
        box = slide.shapes.add_textbox(Pt(col_x), Pt(y + author_h), Pt(col_w), Pt(frame.h))
        box.name = "Summary"
        w.body(box, [TextItem((Run(fitted.text.replace("\n", " ") if fitted.truncated else description),))],
               fitted.size, role="body")
        for paragraph in box.text_frame.paragraphs:
            paragraph_format(paragraph, line=fitted.size * 1.25)
    if url:
        qy = y + bh - qr_side
        w.qr_code(slide, url, (col_x, qy), qr_side)
        label = slide.shapes.add_textbox(Pt(col_x + qr_side + 12), Pt(qy), Pt(col_w - qr_side - 12), Pt(qr_side))
        prepare_frame(label.text_frame, "bottom")
        link = fit_in(display_url(url, 60), Frame(col_w - qr_side - 12, qr_side), 14, 9, max_lines=3, lang=lang)
        paragraph = label.text_frame.paragraphs[0]
        paragraph_format(paragraph, line=link.size * 1.2)
        run = paragraph.add_run()
        run.text = display_url(url, 60) if not link.truncated else link.text.replace("\n", " ")
        style_run(run, w.faces, link.size, color=w.color("accent"), href=url)
    w.slide_number(slide)
    w.notes(slide, [page.description, url])


def _closing(w: DeckWriter, title: str, site: str, language: str) -> None:
    from cardgen.i18n import labels

    slide = w.new_slide("Section Header")
    role = w.deck.role("cover_title")
    w.title(slide, labels(language).text("thank_you"), role.size, box=w.boxes["section_title"], role="cover_title")
    body = _placeholder(slide, BODY_TYPES)
    if body is not None:
        items = [TextItem((Run(x),)) for x in dict.fromkeys(v for v in (title, site) if v)]
        chunks = paginate(items, w.deck.role("cover_meta"), w.geometry.section_body, None, w.faces.mono)
        if chunks:
            w.body(body, chunks[0][0], chunks[0][1], role="cover_meta")
    w.remove_empty_placeholders(slide)


__all__ = ["render_showcase"]
