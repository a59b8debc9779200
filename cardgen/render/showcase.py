"""The event showcase deck: one title slide for the event, an agenda, one slide per project.

Each project slide shows the featured image cropped at the page's focal point, the title, authors,
a fitted summary and a QR code to the project, so a lab can loop it on a screen at an open day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx.util import Pt

from cardgen.document import Run
from cardgen.fields import authors_line, display_url, site_line
from cardgen.i18n import is_rtl
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.deck import (
    BODY_TYPES,
    DeckWriter,
    _clean,
    open_master,
    title_hero,
)
from cardgen.render.deck_fit import Frame, TextItem, fit_in, paginate
from cardgen.render.deck_media import hero_alt
from cardgen.render.deck_plan import cover_meta_items
from cardgen.render.pptx_io import (
    Typefaces,
    add_run,
    package_bytes,
    paragraph_format,
    prepare_frame,
    style_run,
)
from cardgen.render.pptx_lang import tag_slides
from cardgen.render.pptx_parts import find_placeholder
from cardgen.text.breaking import is_cjk
from cardgen.text.fit import FittedText

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
    atomic_write(path, package_bytes(prs))
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
    body = find_placeholder(slide, BODY_TYPES)
    if body is not None and meta:
        items = cover_meta_items(meta)
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
        body = find_placeholder(slide, BODY_TYPES) or slide.shapes.add_textbox(*(Pt(v) for v in w.boxes["body"]))
        w.body(body, chunk, size)
        w.remove_empty_placeholders(slide)
        w.slide_number(slide)


# The project slide mirrors the talk's title slide: picture on the right half (the same crop, cut once per
# page), a left column that reads top to bottom — accent rule, title, authors, a short summary — and the QR
# code with its address at the foot, so a visitor can scan it from across the room.
RULE_W, RULE_H = 56.0, 5.0  # pt: the accent rule above the title
COLUMN_TOP = 64.0  # pt from the top of the slide to the accent rule
COLUMN_BOTTOM = 44.0  # pt from the QR code to the bottom of the slide
TITLE_MAX_LINES = 3
TITLE_MIN = 20.0  # pt: a long title set smaller in its narrow column rather than cut short
AUTHORS_SIZE, AUTHORS_MIN, AUTHORS_MAX_LINES = 18.0, 14.0, 2
SUMMARY_SIZE, SUMMARY_MIN, SUMMARY_MAX_LINES = 20.0, 16.0, 4
QR_SIDE = 112.0  # pt: about 4 cm, scannable from a couple of metres off a projected slide
BLOCK_GAP = 14.0  # pt between title, authors and summary


def _project(w: DeckWriter, page: Page, images: PageImages) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE

    slide = w.new_slide("Blank")
    lang = page.language or None
    geo = w.geometry
    rtl = is_rtl(page.language)  # a right-to-left page mirrors the slide: picture left, column right
    hero_w = geo.width * (1 - geo.hero_split)
    col_w = geo.width - hero_w - geo.hero_gap - geo.cover_left
    col_x = hero_w + geo.hero_gap if rtl else geo.cover_left
    col_end = col_x + col_w
    url = page.qr_url
    bottom = geo.height - COLUMN_BOTTOM - (QR_SIDE + BLOCK_GAP if url else 0.0)

    accent = w.color("accent")
    rule_x = col_end - RULE_W if rtl else col_x
    rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(rule_x), Pt(COLUMN_TOP), Pt(RULE_W), Pt(RULE_H))
    rule.name = "Accent rule"
    rule.line.fill.background()
    rule.shadow.inherit = False
    if accent:
        rule.fill.solid()
        rule.fill.fore_color.rgb = RGBColor.from_string(accent.lstrip("#")[:6])  # type: ignore[no-untyped-call]  # untyped in python-pptx
    y = COLUMN_TOP + RULE_H + BLOCK_GAP

    role = w.deck.role("cover_title")
    title = page.title_plain or page.slug
    room = bottom - y
    # The title may take what the authors' line and two lines of summary leave (the title is what a
    # visitor reads first; the summary is cut before it is), and at least 60 % of the column.
    authors = authors_line(page, 4)
    reserve = (AUTHORS_MIN * 1.3 + 14.4 + BLOCK_GAP * 1.5 if authors else 0.0) + (
        SUMMARY_MIN * 1.3 * 2 + 14.4 + BLOCK_GAP if page.description else 0.0)
    fitted = fit_in(title, Frame(col_w, max(room * 0.6, room - reserve)), role.size, min(role.min_size, TITLE_MIN),
                    max_lines=TITLE_MAX_LINES, bold=True, line_height=role.line_height, lang=lang, balance=True)
    title_h = fitted.height + 14.4  # the placeholder's top and bottom insets
    shape = w.title(slide, _shown(title, fitted), fitted.size,
                    box=(col_x, y, col_w, title_h), anchor="top", role="cover_title")
    shape.name = "Title"
    y += title_h + BLOCK_GAP

    if authors and bottom - y > AUTHORS_MIN * 1.3:
        fit = fit_in(authors, Frame(col_w, min(bottom - y, AUTHORS_SIZE * 1.3 * AUTHORS_MAX_LINES + 14.4)),
                     AUTHORS_SIZE, AUTHORS_MIN, max_lines=AUTHORS_MAX_LINES, bold=True, line_height=1.3, lang=lang)
        y += _text_box(w, slide, "Authors", _shown(authors, fit), fit, (col_x, y, col_w), w.color("muted"))
        y += BLOCK_GAP * 0.5

    summary = page.description
    if summary and bottom - y > SUMMARY_MIN * 1.3 * 2:
        # never as large as the title above it
        size = max(SUMMARY_MIN, min(SUMMARY_SIZE, fitted.size * 0.8))
        fit = fit_in(summary, Frame(col_w, bottom - y), size, SUMMARY_MIN, max_lines=SUMMARY_MAX_LINES,
                     line_height=1.3, lang=lang)
        _text_box(w, slide, "Summary", _shown(summary, fit), fit, (col_x, y, col_w), w.color("text"))

    if url:
        qy = geo.height - COLUMN_BOTTOM - QR_SIDE
        w.qr_code(slide, url, (col_end - QR_SIDE if rtl else col_x, qy), QR_SIDE)
        label_w = col_w - QR_SIDE - 16
        link = fit_in(display_url(url, 60), Frame(label_w, QR_SIDE), 16, 11, max_lines=3, lang=lang)
        label_x = col_x if rtl else col_x + QR_SIDE + 16
        label = slide.shapes.add_textbox(Pt(label_x), Pt(qy), Pt(label_w), Pt(QR_SIDE))
        label.name = "Project address"
        prepare_frame(label.text_frame, "bottom")
        paragraph = label.text_frame.paragraphs[0]
        paragraph_format(paragraph, line=link.size * 1.2)  # right-to-left pages mirror it (pptx_lang)
        run = paragraph.add_run()
        run.text = _shown(display_url(url, 60), link)
        style_run(run, w.faces, link.size, color=w.color("accent"), href=url)

    # after the text, so screen readers meet the title first
    hero = title_hero(images, geo, w.template)  # the deck's title-slide picture: cut once per page
    box = (0.0 if rtl else geo.width - hero_w, 0.0, hero_w, geo.height)
    data = images.encoded(hero, "slide")  # the bytes the page's own deck embedded
    w.picture(slide, data, box, fill_placeholder=False, size=hero.image.size, alt=hero_alt(page))
    if page.image.caption_text and not hero.is_placeholder:
        w.caption_on(slide, page.image.caption_text, box, size=9)
    w.notes(slide, [page.description, url])


def _shown(text: str, fitted: FittedText) -> str:
    """What a box shows: the text itself when it fits (the viewer wraps it as measured), else the kept
    lines rejoined — without a space between CJK lines, which break between characters."""
    if not fitted.truncated:
        return text
    out = ""
    for line in fitted.lines:
        out += line if not out or is_cjk(out[-1]) or is_cjk(line[:1]) else " " + line
    return out


def _text_box(w: DeckWriter, slide: Any, name: str, text: str, fitted: FittedText, xyw: tuple[float, float, float],
              color: str | None, line_height: float = 1.3) -> float:
    """A text box showing `text` in the room `fitted` measured for it; returns its height (pt)."""
    x, y, width = xyw
    height = fitted.height + 14.4
    box = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(width), Pt(height))
    box.name = name
    prepare_frame(box.text_frame)
    paragraph = box.text_frame.paragraphs[0]
    paragraph_format(paragraph, line=fitted.size * line_height)
    add_run(paragraph, text, w.faces, fitted.size, bold=name == "Authors", color=color)
    return height


def _closing(w: DeckWriter, title: str, site: str, language: str) -> None:
    from cardgen.i18n import labels

    slide = w.new_slide("Section Header")
    role = w.deck.role("cover_title")
    w.title(slide, labels(language).text("thank_you"), role.size, box=w.boxes["section_title"], role="cover_title")
    body = find_placeholder(slide, BODY_TYPES)
    if body is not None:
        items = [TextItem((Run(x),)) for x in dict.fromkeys(v for v in (title, site) if v)]
        chunks = paginate(items, w.deck.role("cover_meta"), w.geometry.section_body, None, w.faces.mono)
        if chunks:
            w.body(body, chunks[0][0], chunks[0][1], role="cover_meta")
    w.remove_empty_placeholders(slide)


__all__ = ["render_showcase"]
