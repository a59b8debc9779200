"""Page → slide plans: what goes on each slide, already measured so that nothing overflows.

The planner is pure data (no python-pptx): it turns the page's blocks (or its Wowchemy slides) into
`SlidePlan`s, fits titles, paginates bodies into "(cont.)" slides, splits long tables and code, and
collects speaker notes. `cardgen.render.deck` writes the plans into a pptx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, cast

from cardgen.document import (
    Block,
    Callout,
    CodeBlock,
    Figure,
    Gallery,
    Heading,
    Html,
    Inline,
    ListBlock,
    MathBlock,
    Paragraph,
    Quote,
    Run,
    Slide,
    SpeakerNote,
    Table,
    ThematicBreak,
    Video,
    plain,
)
from cardgen.fields import authors_line, contact_lines, date_line, display_url, link_label, site_line
from cardgen.i18n import Labels
from cardgen.i18n import labels as i18n_labels
from cardgen.layouts.deck import DeckLayout, TextRole
from cardgen.page import Page
from cardgen.render.deck_fit import (
    INSETS,
    Frame,
    TextItem,
    best_size,
    first_sentences,
    fit_in,
    items_height,
    one_line_size,
    paginate,
    slice_runs,
    unwrapped_size,
)
from cardgen.text.fit import FittedText

BULLETS = ("•", "–", "◦", "▪")
MAX_LEVEL = 3
CODE_MIN_SIZE = 14.0  # pt: listings stay readable from the back of the room
CODE_SLIDES = 2  # a longer listing continues in the speaker notes
CODE_PAD_X, CODE_PAD_Y = 8.0, 4.0  # the code panel's padding around the text frame (pt)
INLINE_CODE_LINES = 8  # shorter code blocks stay on the text slide; longer ones get their own
MATH_ON_SLIDE = 160  # longer display math (LaTeX source) moves to the notes, a marker stays on the slide
#: Between the items of a one-line list (tags; date and lab): a no-break space before the dot, so a
#: line that has to wrap breaks after it and never starts with it.
LIST_SEPARATOR = "\u00a0· "


def labels(language: str) -> Labels:
    """The deck's built-in words in the page's language (cardgen/i18n/labels)."""
    return i18n_labels(language)


@dataclass(frozen=True)
class Geometry:
    """Boxes (pt) read from the master's layouts; see `cardgen.render.deck.read_geometry`."""

    width: float
    height: float
    cover_title: Frame
    cover_meta: Frame
    hero_split: float  # x where the hero picture starts on the title slide (fraction of the width)
    title: Frame
    body: Frame
    section_title: Frame
    section_body: Frame
    picture: Frame
    picture_caption: Frame
    picture_title: Frame
    running_title: Frame  # the slim title strip of a slide whose source gave it no heading
    running_body: Frame  # body under that strip: it starts just below where titles start
    qr_side: float  # QR code size on the links slide (pt)
    cover_left: float = 48.0  # left edge of the title slide's title box (pt)
    cover_room: float = 0.0  # from the top of the title slide's title box to the bottom of its meta box (pt)
    cover_gap: float = 0.0  # between the title slide's title box and its meta box (pt)
    hero_gap: ClassVar[float] = 40.0  # between the title slide's text column and its picture (pt)

    @property
    def cover_title_with_hero(self) -> Frame:
        return self._beside_hero(self.cover_title)

    @property
    def cover_meta_with_hero(self) -> Frame:
        return self._beside_hero(self.cover_meta)

    def _beside_hero(self, frame: Frame) -> Frame:
        """`frame` narrowed to end `hero_gap` before the hero picture on the right of the title slide."""
        room = self.width * self.hero_split - self.hero_gap - self.cover_left
        return Frame(min(frame.w, room), frame.h)

    @property
    def links_body(self) -> Frame:
        return Frame(self.body.w - self.qr_side - 36, self.body.h)


@dataclass
class SlidePlan:
    kind: str  # cover | summary | content | section | table | code | picture | video | links | closing
    title: str = ""
    title_size: float = 0.0
    # The slide's source had no heading: `title` (its section's or the deck's) is a small running head,
    # there for the outline, accessibility checkers and screen readers without taking the slide's room.
    running: bool = False
    items: list[TextItem] = field(default_factory=list)
    size: float = 0.0  # body text size
    notes: list[str] = field(default_factory=list)
    # cover
    meta: list[str] = field(default_factory=list)
    meta_size: float = 0.0
    meta_bold: int = 0  # the meta line set in bold (the authors; after the subtitle when there is one)
    title_lines: int = 0  # the title slide: lines its title takes at `title_size` (see `cover_boxes`)
    hero: bool = False
    caption: str = ""  # credit line drawn on a picture
    # table
    table: Table | None = None
    rows: tuple[tuple[Inline, ...], ...] = ()
    header: bool = True  # False when the source's header row is empty: no solid bar of nothing
    # code: the panel's height (pt), sized to the listing; 0 fills the body box
    panel_height: float = 0.0
    # picture / video
    figure: Figure | None = None
    video: Video | None = None
    # links
    qr_url: str = ""
    # slides pages
    background_color: str | None = None
    background_image: str | None = None


@dataclass
class _Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    level: int = 2
    running: bool = False  # `title` was borrowed (nearest heading or deck title): shown as a running head
    divider: bool = False  # a heading whose text is all in the sections under it: a divider slide
    background_color: str | None = None
    background_image: str | None = None


def qr_columns(x: float, width: float, text_width: float, side: float, rtl: bool) -> tuple[float, float]:
    """(left of the text, left of the QR code) on a slide of text beside a QR code, in pt, for a body
    box starting at `x` and `width` wide: the code at the right and the text before it, mirrored on a
    right-to-left page (its text flush right, the code at the left)."""
    return (x + width - text_width, x) if rtl else (x, x + width - side)


def cover_meta_items(meta: list[str], bold: int = 0) -> list[TextItem]:
    """The title slide's meta lines as items, line `bold` (the authors) in bold."""
    return [TextItem((Run(line, bold=i == bold),)) for i, line in enumerate(meta)]


def cover_boxes(title_box: tuple[float, float, float, float], meta_box: tuple[float, float, float, float],
                plan: SlidePlan, line_height: float) -> tuple[tuple[float, float, float, float],
                                                          tuple[float, float, float, float]]:
    """The title slide's title and meta boxes (pt): the title set from the top of the layout's title
    box, so it starts the same distance below the layout's accent whatever its length, and the meta
    block the layout's gap after its last line (never lower than the layout places it)."""
    tx, ty, tw, th = title_box
    mx, my, mw, mh = meta_box
    if plan.title_lines < 1:
        return title_box, meta_box
    need = plan.title_lines * plan.title_size * line_height + INSETS[1] + INSETS[3] + 0.15 * plan.title_size
    gap = max(0.0, my - (ty + th))
    if plan.title_lines > COVER_TITLE_LINES:  # a long title running on over the room the meta leaves
        top = ty + need + gap
        return (tx, ty, tw, need), (mx, top, mw, my + mh - top)
    used = min(th, need)
    top = min(my, ty + used + gap)
    return (tx, ty, tw, used), (mx, top, mw, mh + (my - top))


#: How many points a slide's title stays above its body text when a long title has to shrink.
TITLE_OVER_BODY = 2.0

#: Lines a title slide's title takes in the layout's title box; a longer title may take up to
#: `COVER_TITLE_MAX_LINES` when the meta leaves room below (a 4:3 title beside the picture).
COVER_TITLE_LINES = 4
COVER_TITLE_MAX_LINES = 6
#: A paragraph longer than the layout's `condense_chars` shows its first sentences up to this share of
#: it, the rest in the notes; alone under its heading, up to the larger share.
CONDENSE_SHARE, LONE_CONDENSE_SHARE = 0.6, 0.9


class Planner:
    def __init__(self, page: Page, layout: DeckLayout, geometry: Geometry, *, show_image: bool,
                 mono: str, has_hero: bool, has_image: bool | None = None, picture_slide: bool = False) -> None:
        self.page = page
        self.layout = layout
        self.geo = geometry
        self.lang = page.language or None
        self.mono = mono
        self.words = labels(page.language)
        self.show_image = show_image
        self.has_hero = has_hero
        # A hero may be generated placeholder art (a page without a picture): its title slide then matches
        # the social image and the card, but a caption is a credit for a real picture only.
        self.has_image = has_hero if has_image is None else has_image
        # The featured image would be a sliver in the title slide's panel (a wide diagram): the title
        # slide goes without it and the picture gets the slide after it, at the slide's width.
        self.picture_slide = picture_slide
        self.warnings: list[str] = []
        self._condense_share = CONDENSE_SHARE  # of `condense_chars` a condensed paragraph keeps (`_section`)
        self._orphan_notes: list[str] = []  # notes of dropped empty sections: they join the next slide

    # ------------------------------------------------------------------ whole deck

    def plan(self) -> list[SlidePlan]:
        slides: list[SlidePlan] = []
        page = self.page
        if page.is_slides_page:
            for section in self._slide_sections(page.slides):
                slides.extend(self._section(section))
            if not slides:
                slides.append(self._cover())
            return slides
        slides.append(self._cover())
        if self.picture_slide and page.featured_image is not None:
            featured = Figure(page.featured_image.name, page.image.caption_runs, page.image.alt_text,
                              path=str(page.featured_image))
            shown = self._picture(_Section(page.title_plain or page.slug), featured)
            if shown is not None:
                slides.append(shown)
        sections = self._slide_sections(page.slides) if page.slides else self._body_sections()
        lead: list[TextItem] = []
        if not page.slides and page.description and sections and _is_short_lead(sections[0], page):
            # One short line under the page title ("For more detail, visit here.") would make a nearly
            # empty slide: it joins the summary instead.
            lead = [item for block in sections[0].blocks for item in self._items(block, [])]
            sections = sections[1:]
        slides.extend(self._summary(lead))
        for section in sections:
            made = self._section(section)
            if made and self._orphan_notes:
                made[0].notes = self._orphan_notes + made[0].notes
                self._orphan_notes = []
            slides.extend(made)
        links = self._links()
        if links:
            slides.append(links)
        slides.append(self._closing())
        return slides

    # ------------------------------------------------------------------ fixed slides

    def _cover(self) -> SlidePlan:
        page = self.page
        hero = self.has_hero and (self.show_image or not page.image.preview_only)
        title_frame = self.geo.cover_title_with_hero if hero else self.geo.cover_title
        meta_frame = self.geo.cover_meta_with_hero if hero else self.geo.cover_meta
        role = self.layout.role("cover_title")
        title = page.title_plain or page.slug
        fitted = self._fit(title, title_frame, role, max_lines=COVER_TITLE_LINES, bold=True, balance=True)
        # the subtitle first, under the title as the theme's page header has it, then the authors (bold)
        subtitle = [page.subtitle] if page.subtitle else []
        meta = subtitle + [line for line in (authors_line(page, 4), LIST_SEPARATOR.join(
            x for x in (date_line(page), site_line(page)) if x)) if line]
        meta_bold = len(subtitle)
        meta_role = self.layout.role("cover_meta")
        meta_items = cover_meta_items(meta, meta_bold)  # as the writer sets them
        meta_size = best_size(meta_items, meta_role, meta_frame, self.lang, self.mono)
        if meta_size is None:
            meta = [self._fit(" — ".join(meta), meta_frame, meta_role, max_lines=None).text.replace("\n", " ")]
            meta_size = meta_role.min_size
            meta_bold = 0
            meta_items = cover_meta_items(meta, meta_bold)
        if fitted.truncated and self.geo.cover_room > 0:
            # The title slide has room below a short meta block: a long title runs on into it rather
            # than lose its last words (a 4:3 title beside the picture).
            meta_h = items_height(meta_items, meta_size, meta_role, meta_frame, self.lang, self.mono) + INSETS[1] + INSETS[3]
            room = self.geo.cover_room - self.geo.cover_gap - meta_h - 0.15 * role.size  # as `cover_boxes` counts
            if room > title_frame.h:
                longer = self._fit(title, Frame(title_frame.w, room), role, max_lines=COVER_TITLE_MAX_LINES,
                                   bold=True, balance=True)
                if not longer.truncated:
                    fitted = longer
        notes = [page.description] if page.description else []
        caption = page.image.caption_text if hero and self.has_image else ""
        if caption:
            notes.append(f"Image: {caption}")
        if fitted.truncated:
            notes.insert(0, title)
        return SlidePlan("cover", title=fitted.text.replace("\n", " ") if fitted.truncated else title,
                         title_size=fitted.size, meta=meta, meta_size=meta_size, meta_bold=meta_bold, hero=hero,
                         caption=caption,
                         notes=notes, title_lines=len(fitted.lines))

    def _summary(self, lead: list[TextItem] | None = None) -> list[SlidePlan]:
        page = self.page
        if not page.description:
            return []
        text = page.description
        same = " ".join(plain(page.summary_runs).split()) == " ".join(text.split())  # formulas keep no-break spaces
        items = [TextItem(page.summary_runs if same else (Run(text),))]
        items += lead or []
        if page.tags:
            items.append(TextItem((Run(LIST_SEPARATOR.join(page.tags)),), role="muted"))
        role = self.layout.role("summary")
        out = []
        for index, (chunk, size) in enumerate(self._paginate(items, role)):
            title = self.words["summary"] + (f" {self.words['continued']}" if index else "")
            out.append(SlidePlan("summary", title=title, title_size=self._title_size(title), items=chunk, size=size,
                                 notes=[text] if index == 0 else []))
        return out

    def _links(self) -> SlidePlan | None:
        """The page's links as a list (the QR code of the main URL is on the closing slide)."""
        page = self.page
        links = [link for link in page.links if link.url]
        if not links:
            return None
        items = []
        for link in links:
            label = link_label(link)
            href = link.url if link.url.startswith(("http://", "https://", "mailto:")) else None
            items.append(TextItem((Run(label + "  ", bold=True), Run(display_url(link.url, 70), href=href)), bullet="•"))
        title = self.words["links"]
        chunks = paginate(items, self.layout.role("body"), self.geo.body, self.lang, self.mono)
        chunk, size = chunks[0] if chunks else ([], self.layout.role("body").size)
        notes = [f"{link_label(link)}: {link.url}" for link in links]
        if len(chunks) > 1:
            rest = [item for c, _ in chunks[1:] for item in c]
            notes.append(f"{len(rest)} more links are listed in these notes only.")
        return SlidePlan("links", title=title, title_size=self._title_size(title), items=chunk, size=size,
                         notes=notes)

    def _closing(self) -> SlidePlan:
        """Where to go next: the main URL (a live link, and a QR code beside it), how to reach the authors,
        the site. A page without any of these still names its title and authors: never a bare thank-you."""
        page = self.page
        url = page.main_url
        frame = self.geo.links_body if url else self.geo.body
        role = self.layout.role("summary")
        items: list[TextItem] = []
        url_size = role.size
        if url:
            item, url_size = self._url_line(url, role, frame)
            items.append(item)
        for text, href in contact_lines(page):
            items.append(TextItem((Run(text, href=href or None),)))
        site = site_line(page)
        if site and (not url or site.lower() not in url.lower()):
            items.append(TextItem((Run(site),), role="muted"))
        if not items:
            items.append(TextItem((Run(self.deck_title),), role="heading"))
        title = self.words["thank_you"]
        chunks = paginate(items, role, frame, self.lang, self.mono)
        chunk, size = chunks[0] if chunks else ([], role.size)
        size = min(size, url_size)
        notes = [f"{self.words['scan_to_open']}: {url}"] if url else []
        return SlidePlan("closing", title=title, title_size=self._title_size(title), items=chunk, size=size,
                         qr_url=page.qr_url, notes=notes)

    def _url_line(self, url: str, role: TextRole, frame: Frame) -> tuple[TextItem, float]:
        """The closing slide's address on one line (a URL broken mid-word is hard to read off a
        screen): whole at the largest size at which it fits, so it can be typed; shortened in the
        middle only when even the smallest size is too big for it (the QR code and the link hold it
        whole)."""
        for limit in (len(url), 48, 40, 32, 24):
            item = TextItem((Run(display_url(url, limit), href=url),), role="heading")
            size = one_line_size(item, role, frame, self.lang, self.mono)
            if size is not None:
                return item, size
        return item, role.min_size

    # ------------------------------------------------------------------ body → sections

    def _body_sections(self) -> list[_Section]:
        page = self.page
        blocks = list(page.document.blocks)
        blocks = _drop_first_paragraph(blocks, page.description)
        # The summary slide shows the description: the first section does not open with it again
        # (a page whose body starts "## Overview" followed by the paragraph the summary came from).
        first_text = next((i for i, b in enumerate(blocks) if not isinstance(b, Heading) and not _shows_nothing(b)), None)
        if first_text is not None and all(isinstance(b, Heading) or _shows_nothing(b) for b in blocks[:first_text]):
            blocks = blocks[:first_text] + _drop_first_paragraph(blocks[first_text:], page.description)
        sections: list[_Section] = []
        current = _Section(page.title_plain or page.slug)
        opened = False  # `current` was opened by a heading of the body (not the page title)
        for block in blocks:
            if isinstance(block, Heading) and block.level <= 3:
                if current.blocks or current.notes:
                    sections.append(current)
                elif opened and block.level > current.level and current.title != page.title_plain:
                    # "## Technical details" straight over "### 1. Force input": the parent heading gets a
                    # divider, so the slides under it keep their context (what pandoc makes of a heading
                    # above its slide level)
                    sections.append(_Section(current.title, level=1, divider=True))
                current = _Section(block.text.strip() or current.title, level=block.level)
                opened = True
                continue
            if isinstance(block, ThematicBreak):
                # A rule starts a new slide of the section, unless what came before it would be a
                # lone sentence (a step's lead-in whose screenshot is not in the site): it joins the next.
                if current.blocks and not _thin(current.blocks):
                    sections.append(current)
                    current = _Section(current.title, level=current.level)
                continue
            if isinstance(block, SpeakerNote):
                current.notes.append(blocks_text(block.children))
                continue
            current.blocks.append(block)
        if current.blocks or current.notes:
            sections.append(current)
        return [s for s in sections if any(not _shows_nothing(b) for b in s.blocks) or (s.level == 1 and s.notes)
                or s.divider]

    def _slide_sections(self, slides: tuple[Slide, ...]) -> list[_Section]:
        """One section per visible slide. A slide without a heading of its own borrows the nearest
        heading before it (as a continuation) or the deck title, shown as a running head."""
        out = []
        last_title = ""
        for slide in slides:
            if slide.hidden:
                continue
            blocks: list[Block] = [b for b in slide.blocks if not isinstance(b, ThematicBreak)]
            title, level, running = "", 2, False
            first = next((i for i, b in enumerate(blocks) if not _shows_nothing(b)), None)
            if first is not None and isinstance(blocks[first], Heading) and cast(Heading, blocks[first]).text.strip():
                title, level = cast(Heading, blocks[first]).text.strip(), cast(Heading, blocks[first]).level
                blocks = blocks[:first] + blocks[first + 1:]
                last_title = title
            else:
                title = self._continued(last_title, 1) if last_title else self.deck_title
                running = True
            notes = [blocks_text(slide.notes)] if slide.notes else []
            for block in list(blocks):
                if isinstance(block, SpeakerNote):
                    notes.append(blocks_text(block.children))
                    blocks.remove(block)
            section = _Section(title, blocks, notes, level=1 if level == 1 else 2, running=running,
                               background_color=slide.background_color,
                               background_image=slide.background_image_path)
            out.append(section)
        return out

    @property
    def deck_title(self) -> str:
        return self.page.title_plain or self.page.slug

    def _continued(self, title: str, index: int) -> str:
        """`title` marked as the `index`-th continuation (once: "(cont.)" is never doubled)."""
        mark = self.words["continued"]
        if not index or not title or title.endswith(mark):
            return title
        return f"{title} {mark}"

    def _section(self, section: _Section) -> list[SlidePlan]:
        """One heading's content → content slides, plus table/code/picture slides in reading order."""
        out: list[SlidePlan] = []
        pending: list[TextItem] = []
        notes = list(section.notes)

        def flush() -> None:
            if pending:
                out.extend(self._content(section, list(pending)))
                pending.clear()

        only_text = all(not isinstance(b, (Table, Figure, Gallery, Video)) for b in section.blocks)
        # A paragraph alone under its heading has the slide to itself: its condensed head may be
        # longer (4–5 lines instead of 2–3 and a slide two thirds empty).
        said = [b for b in section.blocks if not _shows_nothing(b) and not isinstance(b, (Figure, Gallery, Video))]
        self._condense_share = LONE_CONDENSE_SHARE if len(said) == 1 and isinstance(said[0], Paragraph) else CONDENSE_SHARE
        shows_picture = any(isinstance(b, Figure) and b.path or isinstance(b, Gallery) and any(f.path for f in b.figures)
                            for b in section.blocks)
        if section.level == 1 and not shows_picture and not any(isinstance(b, (Table, Video, CodeBlock)) for b in section.blocks):
            divider = self._section_slide(section)
            if divider is not None:
                return [divider]
        for block in section.blocks:
            if isinstance(block, Table):
                flush()
                out.extend(self._table(section, block))
            elif isinstance(block, CodeBlock) and (len(block.code.splitlines()) > INLINE_CODE_LINES or not only_text
                                                   or _diagram_kind(block) or self._too_wide_inline(section, block)):
                flush()
                out.extend(self._code(section, block))
            elif isinstance(block, (Figure, Gallery)):
                figures = block.figures if isinstance(block, Gallery) else (block,)
                if any(f.path for f in figures):
                    flush()
                for figure in figures:
                    picture = self._picture(section, figure)
                    if picture is not None:
                        out.append(picture)
                    elif figure.caption_text or figure.alt:
                        notes.append(f"{self.words['figure']} ({figure.src}): {figure.caption_text or figure.alt}")
            elif isinstance(block, Video):
                flush()
                out.append(self._video(section, block))
            else:
                pending.extend(self._items(block, notes))
        flush()
        # A heading whose content shows nothing on a slide (a remote image, an empty shortcode) is an
        # empty section header: a slides page keeps it (the author made that slide), a page body drops it.
        keep_empty = self.page.is_slides_page or bool(self.page.slides) or section.level == 1
        if not out and section.title and not section.running and keep_empty:
            divider = self._section_slide(section)  # nothing shows: a divider of its title alone
            if divider is not None:
                out.append(divider)
        if not out and notes and not keep_empty:
            self._orphan_notes.extend(notes)
        if out:
            out[0].notes = notes + out[0].notes
            for plan in out:
                plan.background_color = plan.background_color or section.background_color
                plan.background_image = plan.background_image or section.background_image
        return out

    def _section_slide(self, section: _Section) -> SlidePlan | None:
        """A top-level section as a divider slide: its title large, and what it says under it, if that
        is a lead of a few lines (readable at the upper half of the divider's text sizes); a section
        that says more is set on content slides instead (None), where body text is read."""
        items = []
        notes = list(section.notes)
        if any(isinstance(b, Paragraph) and len(b.text) > self.layout.condense_chars for b in section.blocks):
            return None  # a paragraph the divider would condense is not a lead: content slides show it whole
        for block in section.blocks:
            items.extend(self._items(block, notes))
        meta = self.layout.role("cover_meta")
        size = best_size(items, meta, self.geo.section_body, self.lang, self.mono)
        if size is None or size < (meta.size + meta.min_size) / 2:
            return None
        fitted = self._fit(section.title or " ", self.geo.section_title, self.layout.role("cover_title"), max_lines=3,
                           bold=True, balance=True)
        return SlidePlan("section", title=section.title, title_size=fitted.size, items=items, size=size, notes=notes,
                         background_color=section.background_color, background_image=section.background_image)

    def _content(self, section: _Section, items: list[TextItem]) -> list[SlidePlan]:
        frame = self.geo.running_body if section.running else self.geo.body
        role = self.layout.role("body")
        code = [item.text for item in items if item.role == "code"]
        if code:  # a short listing among the text: the text no larger than keeps its lines whole
            role = replace(role, size=max(role.min_size, unwrapped_size(code, frame, self.mono, role.size)))
        chunks = paginate(items, role, frame, self.lang, self.mono)
        out = []
        for index, (chunk, size) in enumerate(chunks):
            out.append(self._titled("content", section, index, items=chunk, size=size))
        return out

    def _titled(self, kind: str, section: _Section, index: int, **fields: Any) -> SlidePlan:
        """A plan titled for `section`: its heading, "(cont.)" on continuations, a running head when
        the source slide had no heading."""
        title = self._continued(section.title, index)
        if section.running:
            size = self._fit(title, self.geo.running_title, self.layout.role("running"), max_lines=1).size
            return SlidePlan(kind, title=title, title_size=size, running=True, **fields)
        title_size = self._title_size(title)
        body = fields.get("size")
        if isinstance(body, (int, float)) and body > title_size - TITLE_OVER_BODY:
            # a long title shrunk to fit stays above its body text: the body steps down with it
            fields["size"] = max(self.layout.role("body").min_size, min(body, title_size - TITLE_OVER_BODY))
        return SlidePlan(kind, title=title, title_size=title_size, **fields)

    # ------------------------------------------------------------------ blocks → items

    def _items(self, block: Block, notes: list[str], level: int = 0) -> list[TextItem]:
        if isinstance(block, Paragraph):
            return [self._paragraph(block.runs, notes, level)] if block.text.strip() else []
        if isinstance(block, Heading):
            return [TextItem(block.runs, level=level, role="heading")]
        if isinstance(block, ListBlock):
            return self._list(block, notes, level)
        if isinstance(block, Quote):
            return [replace(item, role="quote") for child in block.children for item in self._items(child, notes, level)]
        if isinstance(block, Callout):
            inner = [item for child in block.children for item in self._items(child, notes, level)]
            if inner:
                inner[0] = replace(inner[0], label=self.words.callout(block.kind), role="callout")
            return inner
        if isinstance(block, CodeBlock):
            return [TextItem((Run(line or " ", code=True),), role="code", language=block.language)
                    for line in block.code.rstrip("\n").split("\n")]
        if isinstance(block, MathBlock):
            return self._math(block, notes, level)
        if isinstance(block, Html):
            return [TextItem((Run(block.text),), level=level)] if block.text.strip() else []
        if isinstance(block, SpeakerNote):
            notes.append(blocks_text(block.children))
        return []

    def _math(self, block: MathBlock, notes: list[str], level: int) -> list[TextItem]:
        """A display formula is an item measured by its drawn box; one that cannot be typeset shows
        its source in monospace (the parser already warned), a long one moving to the notes."""
        from cardgen.render.deck_math import display_equation

        tex = block.tex.strip()
        if block.definitions_only or _only_macros(tex):  # MathJax set-up shows nothing in the talk either
            return []
        if not block.error and block.expanded:
            equation = display_equation(block.expanded)
            if equation.ok:
                return [TextItem((Run(block.text or " ", math=True, tex=block.expanded),), level=level, role="math",
                                 tex=block.expanded, source=tex)]
            self.warnings.append(f"math {' '.join(tex.split())[:80]!r}: {equation.error}; shown as LaTeX source")
        if len(tex) > MATH_ON_SLIDE:
            notes.append(tex)
            return [TextItem((Run(self.words["equation"]),), level=level, role="muted")]
        return [TextItem((Run(line.strip() or " ", code=True),), role="code") for line in tex.split("\n")]

    def _paragraph(self, runs: Inline, notes: list[str], level: int) -> TextItem:
        text = plain(runs)
        if len(text) > self.layout.condense_chars:
            head = first_sentences(text, int(self.layout.condense_chars * self._condense_share))
            if len(head) < len(text) * 0.85:
                notes.append(text)
                return TextItem(slice_runs(runs, 0, len(head)) + (Run(" …"),), level=level)
        return TextItem(runs, level=level)

    def _list(self, block: ListBlock, notes: list[str], level: int) -> list[TextItem]:
        out = []
        depth = min(level, MAX_LEVEL)
        for index, item in enumerate(block.items):
            bullet = BULLETS[depth % len(BULLETS)]
            if item.checked is not None:
                bullet = "☑" if item.checked else "☐"
            number = block.start + index if block.ordered else None
            digits = len(str(block.start + len(block.items) - 1))
            out.append(TextItem(item.runs, level=depth, bullet=None if number else bullet, number=number,
                                digits=digits))
            for child in item.children:
                if isinstance(child, ListBlock):
                    out.extend(self._list(child, notes, level + 1))
                else:
                    out.extend(replace(x, level=min(depth + 1, MAX_LEVEL)) for x in self._items(child, notes, depth + 1))
        return out

    # ------------------------------------------------------------------ special slides

    def _table(self, section: _Section, table: Table) -> list[SlidePlan]:
        """A native table; a header row whose cells are all empty (Markdown needs one, some pages leave
        it blank) is left out rather than drawn as a solid bar of nothing."""
        from cardgen.render.deck_table import paginate_rows

        header = any(plain(cell).strip() for cell in table.header)
        rows = tuple(row for row in table.rows if any(plain(cell).strip() for cell in row))
        if not rows and not header:
            return []
        table = replace(table, rows=rows)
        role = self.layout.role("table")
        pages = paginate_rows(table, role, self._body_frame(section), self.lang)
        return [self._titled("table", section, index, table=table, rows=chunk, size=size, header=header)
                for index, (chunk, size) in enumerate(pages)]

    def _code(self, section: _Section, block: CodeBlock) -> list[SlidePlan]:
        """A listing on its own slides: fixed-pitch at 14 pt or more on a panel as tall as the code. A
        listing longer than two slides shows its first part; the whole of it goes to the notes and a
        marker on the second slide says so (a talk never reads 18 slides of code)."""
        items = [TextItem((Run(line or " ", code=True),), role="code", language=block.language)
                 for line in block.code.rstrip("\n").split("\n")]
        kind = _diagram_kind(block)
        if kind:  # drawing a diagram needs its JavaScript renderer (a browser): say what the source is
            items.insert(0, TextItem((Run(self.words.format("diagram_source", kind=kind)),), role="muted"))
        role = self.layout.role("code")
        body = self._body_frame(section)
        frame = Frame(body.w - 2 * CODE_PAD_X, body.h - 2 * CODE_PAD_Y)
        floor = max(role.min_size, CODE_MIN_SIZE)
        # as large as the role asks, but no larger than keeps every line unbroken (down to the floor)
        largest = unwrapped_size([item.text for item in items if item.role == "code"], frame, self.mono,
                                 max(role.size, floor))
        role = replace(role, min_size=floor, size=max(floor, largest))
        chunks = paginate(items, role, frame, self.lang, self.mono)
        notes: list[str] = []
        if len(chunks) > CODE_SLIDES:
            marker = TextItem((Run(self.words["code_in_notes"]),), role="muted")
            first, (second, size) = chunks[0], chunks[1]
            kept = list(second)
            while kept and items_height(kept + [marker], size, role, frame, self.lang, self.mono) > frame.inner_h:
                kept.pop()
            chunks = [first, (kept + [marker], size)]
            notes = [block.code.rstrip()]
        out = []
        for index, (chunk, size) in enumerate(chunks):
            height = items_height(chunk, size, role, frame, self.lang, self.mono) + INSETS[1] + INSETS[3]
            panel = min(body.h, height + 2 * CODE_PAD_Y + 2)
            out.append(self._titled("code", section, index, items=chunk, size=size, panel_height=panel,
                                    notes=notes if index == len(chunks) - 1 else []))
        return out

    def _too_wide_inline(self, section: _Section, block: CodeBlock) -> bool:
        """A listing whose longest line would wrap among the text even at its smallest size: on a code
        slide of its own it can be set smaller (down to `CODE_MIN_SIZE`) and keep its lines whole."""
        role = self.layout.role("body")
        lines = block.code.rstrip("\n").split("\n")
        return unwrapped_size(lines, self._body_frame(section), self.mono, role.size) < role.min_size

    def _body_frame(self, section: _Section) -> Frame:
        return self.geo.running_body if section.running else self.geo.body

    def _picture(self, section: _Section, figure: Figure) -> SlidePlan | None:
        caption = figure.caption_text or figure.alt or figure.title
        title = section.title or self.words["figure"]
        notes = [f"Image: {caption}"] if caption else []
        if figure.path is None:
            self.warnings.append(f"figure {figure.src!r} is not a local file in the site: left out of the deck")
            return None
        fitted = self._fit(caption, self.geo.picture_caption, self.layout.role("caption"), max_lines=2) if caption else None
        return SlidePlan("picture", title=title, title_size=self._title_size(title, self.geo.picture_title), figure=figure,
                         caption=fitted.text.replace("\n", " ") if fitted else "",
                         size=fitted.size if fitted else self.layout.role("caption").size, notes=notes)

    def _video(self, section: _Section, video: Video) -> SlidePlan:
        own = video.title if not _GENERIC_PLAYER.match(video.title or "") else ""
        title = own or section.title or self.words["video"]
        url = video.url or ""
        caption = f"▶ {self.words['video']}: {display_url(url, 80)}" if url else f"▶ {self.words['video']}: {video.id_or_src}"
        fitted = self._fit(caption, self.geo.picture_caption, self.layout.role("caption"), max_lines=2)
        return SlidePlan("video", title=title, title_size=self._title_size(title, self.geo.picture_title), video=video,
                         caption=fitted.text.replace("\n", " "), size=fitted.size,
                         notes=[f"Video: {url or video.id_or_src}"])

    # ------------------------------------------------------------------ fitting helpers

    def _paginate(self, items: list[TextItem], role: TextRole) -> list[tuple[list[TextItem], float]]:
        return paginate(items, role, self.geo.body, self.lang, self.mono)

    def _title_size(self, title: str, frame: Frame | None = None) -> float:
        return self._fit(title, frame or self.geo.title, self.layout.role("title"), max_lines=2, bold=True).size

    def _fit(self, text: str, frame: Frame, role: TextRole, *, max_lines: int | None, bold: bool = False,
             balance: bool = False) -> FittedText:
        return fit_in(text, frame, role.size, role.min_size, max_lines=max_lines, bold=bold,
                      line_height=role.line_height, lang=self.lang, balance=balance)


_MACRO = re.compile(r"^\s*(\\(newcommand|renewcommand|DeclareMathOperator\*?|def|nonumber|let)\b.*)?$")


def _only_macros(tex: str) -> bool:
    return all(_MACRO.match(line) for line in tex.splitlines())


#: An embed's `title` that names the player, not the video ("YouTube video player" is what YouTube's
#: share dialog writes into every iframe).
_GENERIC_PLAYER = re.compile(r"^\s*((youtube|vimeo|bilibili|dailymotion)(\s+video)?(\s+player)?|video(\s+player)?"
                             r"|embedded\s+(video|content)|iframe)\s*$", re.I)
#: Code fence languages that are diagrams drawn by a JavaScript renderer in the browser.
DIAGRAMS = {"mermaid": "Mermaid", "graphviz": "Graphviz", "dot": "Graphviz", "plantuml": "PlantUML",
            "flowchart": "flowchart.js", "sequence": "Sequence"}


def _diagram_kind(block: CodeBlock) -> str:
    return DIAGRAMS.get((block.language or "").strip().lower(), "")


def _shows_nothing(block: Block) -> bool:
    """Blocks a talk shows nothing of: MathJax macro set-up, empty HTML (comments)."""
    if isinstance(block, MathBlock):
        return _only_macros(block.tex.strip())
    if isinstance(block, Html):
        return not block.text.strip()
    return isinstance(block, SpeakerNote)


#: Characters of plain paragraphs that make a sentence or two: a lead, or a slide too thin to stand alone.
SHORT_TEXT_CHARS = 160


def _short_text(blocks: list[Block]) -> bool:
    """Only plain paragraphs, a sentence or two of them."""
    return all(isinstance(b, Paragraph) for b in blocks) and sum(len(cast(Paragraph, b).text) for b in blocks) <= SHORT_TEXT_CHARS


def _thin(blocks: list[Block]) -> bool:
    """Blocks a slide would show as a line or two of text only: short paragraphs, and figures that are
    not local files (left out of the deck)."""
    return _short_text([b for b in blocks if not _shows_nothing(b) and not (isinstance(b, Figure) and b.path is None)])


def _is_short_lead(section: _Section, page: Page) -> bool:
    """The untitled start of the body is a sentence or two of plain paragraphs."""
    if section.title != (page.title_plain or page.slug) or section.notes:
        return False
    return bool(section.blocks) and _short_text(section.blocks)


def _drop_first_paragraph(blocks: list[Block], description: str) -> list[Block]:
    """Leading body paragraphs that the summary slide already shows are not repeated."""
    summary = " ".join(description.split())
    out = list(blocks)
    while out and isinstance(out[0], Paragraph):
        words = " ".join(out[0].text.split())
        if not words or words[:60] not in summary:
            break
        out.pop(0)
    return out


def blocks_text(blocks: Iterable[Block]) -> str:
    """Plain text of blocks for speaker notes: paragraphs separated by blank lines, list items by lines."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            parts.append(block.text)
        elif isinstance(block, ListBlock):
            parts.append("\n".join(f"- {item.text}" + ("\n" + blocks_text(item.children) if item.children else "")
                                   for item in block.items))
        elif isinstance(block, (Quote, Callout, SpeakerNote)):
            parts.append(blocks_text(block.children))
        elif isinstance(block, CodeBlock):
            parts.append(block.code.rstrip())
        elif isinstance(block, MathBlock):
            parts.append(block.tex)
        elif isinstance(block, Html):
            parts.append(block.text)
        elif isinstance(block, Figure):
            parts.append(f"Image: {block.caption_text or block.alt or block.src}")
        elif isinstance(block, Table):
            parts.append("\n".join(" | ".join(plain(c) for c in row) for row in (block.header, *block.rows)))
    return "\n\n".join(p for p in parts if p.strip())


__all__ = ["Geometry", "Planner", "SlidePlan", "blocks_text", "labels"]
