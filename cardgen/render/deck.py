"""PowerPoint decks (SPEC §3.1): slide plans from `deck_plan` written into a pptx master.

The master is the template's `base.pptx` (or `base-4x3.pptx`), or an organisation's own file given
with `pptx_template`. Layouts are found by name (`Title Slide`, `Title and Content`, `Section Header`,
`Picture with Caption`, `Title Only`, `Blank`) and, failing that, by the placeholders they hold, like
pandoc's reference doc. Placeholders are filled (never covered by new boxes); geometry comes from the
layouts, so text is measured against the boxes it will actually sit in.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.util import Emu, Pt

from cardgen.colors import ensure_contrast, readable_on
from cardgen.document import Figure, Run, Table, Video
from cardgen.errors import ImageError, RenderError, UsageError
from cardgen.i18n import is_rtl
from cardgen.i18n import labels as i18n_labels
from cardgen.layout.text import formula_pieces
from cardgen.mathsyntax import inline_math_runs
from cardgen.output import RenderResult, atomic_write
from cardgen.page import Page
from cardgen.render.code_colors import code_palette, highlight
from cardgen.render.deck_fit import (
    INSETS,
    WIDTH_RESERVE,
    Frame,
    TextItem,
    fit_in,
    item_size,
    items_height,
    spacing_before,
)
from cardgen.render.deck_media import (
    HERO_DPI,
    HERO_SPLIT,
    css_color,
    hero_alt,
    hero_frame,
    hero_pixels,
    video_art,
)
from cardgen.render.deck_plan import (
    CODE_PAD_X,
    CODE_PAD_Y,
    Geometry,
    Planner,
    SlidePlan,
    cover_boxes,
    cover_meta_items,
    qr_columns,
)
from cardgen.render.pptx_io import (
    A,
    Typefaces,
    add_run,
    add_title_placeholder,
    package_bytes,
    paragraph_format,
    prepare_frame,
    rgb,
    set_alpha_fill,
    slide_number_field,
    write_notes,
    write_runs,
)
from cardgen.render.pptx_lang import tag_slides
from cardgen.render.pptx_parts import P, SlideParts, find_placeholder, placeholder_elements
from cardgen.units import pt_to_px

if TYPE_CHECKING:
    from PIL import Image

    from cardgen.layouts.deck import DeckLayout
    from cardgen.render.assets import HeroImage, PageImages
    from cardgen.render.deck_look import DeckLook
    from cardgen.templates import Template

ASPECTS = ("16:9", "4:3")
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
FIXED_DATE = dt.datetime(2000, 1, 1)
RUNNING_TITLE_HEIGHT = 30.0  # pt: one line of the `running` role (16 pt x 1.2) plus the frame's insets
RUNNING_GAP = 8.0


# --------------------------------------------------------------------------- master and layouts


def open_master(template: Template, aspect: str = "16:9", pptx_template: Path | None = None) -> Any:
    """The presentation to fill: the organisation's master (its sample slides removed) or the template's."""
    if aspect not in ASPECTS:
        raise UsageError(f"--aspect: expected one of {', '.join(ASPECTS)}, got {aspect!r}")
    if pptx_template is not None:
        path = Path(pptx_template)
        try:
            prs = Presentation(str(path))
        except Exception as exc:  # python-pptx raises many types for a bad file
            raise RenderError(f"cannot open the pptx template ({type(exc).__name__}: {exc})", path=path) from None
    else:
        prs = Presentation(io.BytesIO(_themed_master(template, aspect)))
    _drop_all_slides(prs)
    return prs


def _themed_master(template: Template, aspect: str) -> bytes:
    """The template's master for `aspect` with the template's [colors] and [fonts] applied (whatever it
    was drawn with) and its sample slides removed, as package bytes: made once per process and
    template, then opened for each deck (a fraction of the parts to read, no theme to apply again)."""
    key = (str(template.path), template.digest, aspect)
    data = _THEMED.get(key)
    if data is None:
        from cardgen.render.pptx_theme import apply_theme

        name = template.deck.master if aspect == "16:9" else template.deck.master_4x3
        prs = Presentation(str(template.asset(name)))
        apply_theme(prs, template)
        _drop_all_slides(prs)
        data = _THEMED[key] = package_bytes(prs)
    return data


_THEMED: dict[tuple[str, str, str], bytes] = {}


def mirror_decorations(prs: Any) -> None:
    """For a right-to-left deck: the decorations the built-in masters draw (the accent under a title,
    `scripts/make_masters.py` names them) move to the mirrored place, under the flush-right titles;
    an organisation's own master is left as it is drawn. Placeholders stay (their text is set right
    to left by `pptx_lang`), as do shapes across the whole slide. The title slide keeps its picture on
    the right, as the planner places it: its accent is mirrored within the title's column."""
    width = prs.slide_width
    for layout in prs.slide_layouts:
        title = find_placeholder(layout, (PP_PLACEHOLDER.CENTER_TITLE,))
        if title is not None:  # the column `Geometry` gives the title slide's text, beside the picture
            left, right = title.left, int(width * HERO_SPLIT) - Pt(Geometry.hero_gap)
        else:
            left, right = 0, width
        for shape in layout.shapes:
            if shape.is_placeholder or not shape.name.startswith(DECORATION) or shape.width is None \
                    or shape.left is None or shape.width >= width * 0.95:
                continue
            if left <= shape.left and shape.left + shape.width <= right:
                shape.left = Emu(left + right - shape.left - shape.width)


_NS = {"p": P, "a": A}
_SP, _PIC = (f"{{{P}}}{tag}" for tag in ("sp", "pic"))
_SHAPE_TEXTS = "p:txBody/a:p/*/a:t"  # the text of a shape's runs and fields, as python-pptx reads it

#: The name `scripts/make_masters.py` gives the built-in masters' drawn shapes.
DECORATION = "cardgen decoration"


def _drop_all_slides(prs: Any) -> None:
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def _types(layout: Any) -> list[Any]:
    return [ph.type for ph, _ in placeholder_elements(layout)]


def find_layout(prs: Any, name: str) -> Any:
    """A layout by name (case-insensitive), else the closest by placeholder types."""
    layouts = list(prs.slide_layouts)
    for layout in layouts:
        if layout.name.strip().lower() == name.lower():
            return layout

    def count(layout: Any, kinds: tuple[Any, ...]) -> int:
        return sum(1 for t in _types(layout) if t in kinds)

    def pick(test: Callable[[Any], bool]) -> Any:
        return next((layout for layout in layouts if test(layout)), None)

    chosen = None
    if name == "Title Slide":
        chosen = pick(lambda x: PP_PLACEHOLDER.CENTER_TITLE in _types(x))
    elif name == "Title and Content":
        chosen = pick(lambda x: count(x, TITLE_TYPES) == 1 and count(x, BODY_TYPES) == 1)
    elif name == "Section Header":
        chosen = pick(lambda x: "section" in x.name.lower()) or find_layout(prs, "Title and Content")
    elif name == "Picture with Caption":
        chosen = pick(lambda x: PP_PLACEHOLDER.PICTURE in _types(x)) or find_layout(prs, "Title Only")
    elif name == "Title Only":
        chosen = pick(lambda x: count(x, TITLE_TYPES) == 1 and count(x, BODY_TYPES) == 0) or find_layout(prs, "Title and Content")
    elif name == "Blank":
        chosen = pick(lambda x: count(x, TITLE_TYPES + BODY_TYPES) == 0)
    return chosen or layouts[min(1, len(layouts) - 1)]


def _box(shape: Any) -> tuple[float, float, float, float]:
    return (Emu(shape.left).pt, Emu(shape.top).pt, Emu(shape.width).pt, Emu(shape.height).pt)


def _layout_box(prs: Any, layout_name: str, kinds: tuple[Any, ...], fallback: tuple[float, float, float, float],
                index: int = 0) -> tuple[float, float, float, float]:
    ph = find_placeholder(find_layout(prs, layout_name), kinds, index)
    if ph is None or ph.width is None or ph.left is None:
        return fallback
    return _box(ph)


def read_geometry(prs: Any) -> tuple[Geometry, dict[str, tuple[float, float, float, float]]]:
    """Boxes of the master's layouts, in pt, with sensible defaults when a layout lacks one."""
    w, h = Emu(prs.slide_width).pt, Emu(prs.slide_height).pt
    m = w * 0.05
    boxes = {
        "cover_title": _layout_box(prs, "Title Slide", TITLE_TYPES, (m, h * 0.25, w - 2 * m, h * 0.32)),
        "cover_meta": _layout_box(prs, "Title Slide", BODY_TYPES, (m, h * 0.6, w - 2 * m, h * 0.25)),
        "title": _layout_box(prs, "Title and Content", TITLE_TYPES, (m, h * 0.04, w - 2 * m, h * 0.15)),
        "body": _layout_box(prs, "Title and Content", BODY_TYPES, (m, h * 0.22, w - 2 * m, h * 0.68)),
        "section_title": _layout_box(prs, "Section Header", TITLE_TYPES, (m, h * 0.3, w - 2 * m, h * 0.25)),
        "section_body": _layout_box(prs, "Section Header", BODY_TYPES, (m, h * 0.58, w - 2 * m, h * 0.2)),
    }
    pic_layout = find_layout(prs, "Picture with Caption")
    pic = find_placeholder(pic_layout, (PP_PLACEHOLDER.PICTURE,))
    body = boxes["body"]
    boxes["picture"] = _box(pic) if pic is not None else (body[0], body[1], body[2], body[3] * 0.82)
    caption = find_placeholder(pic_layout, BODY_TYPES) if pic is not None else None
    boxes["picture_caption"] = _box(caption) if caption is not None else (
        body[0], body[1] + body[3] * 0.84, body[2], body[3] * 0.16)
    boxes["picture_title"] = _layout_box(prs, "Picture with Caption", TITLE_TYPES, boxes["title"])
    tx, ty, tw, _ = boxes["title"]
    boxes["running_title"] = (tx, ty, tw, RUNNING_TITLE_HEIGHT)
    top = ty + RUNNING_TITLE_HEIGHT + RUNNING_GAP
    boxes["running_body"] = (body[0], top, body[2], body[1] + body[3] - top)
    qr = min(body[3] * 0.62, body[2] * 0.3)
    geometry = Geometry(
        width=w, height=h,
        cover_title=Frame(*boxes["cover_title"][2:]), cover_meta=Frame(*boxes["cover_meta"][2:]),
        hero_split=HERO_SPLIT, title=Frame(*boxes["title"][2:]), body=Frame(*boxes["body"][2:]),
        section_title=Frame(*boxes["section_title"][2:]), section_body=Frame(*boxes["section_body"][2:]),
        picture=Frame(*boxes["picture"][2:]), picture_caption=Frame(*boxes["picture_caption"][2:]),
        picture_title=Frame(*boxes["picture_title"][2:]),
        running_title=Frame(*boxes["running_title"][2:]), running_body=Frame(*boxes["running_body"][2:]),
        qr_side=qr,
        cover_left=boxes["cover_title"][0],
        cover_room=boxes["cover_meta"][1] + boxes["cover_meta"][3] - boxes["cover_title"][1],
        cover_gap=max(0.0, boxes["cover_meta"][1] - boxes["cover_title"][1] - boxes["cover_title"][3]),
    )
    return geometry, boxes


def template_hero_pixels(template: Template, aspect: str = "16:9") -> tuple[int, int]:
    return hero_pixels(read_geometry(open_master(template, aspect))[0])




#: A contained picture filling less of the title slide's panel than this (a 3.5:1 diagram in the
#: portrait panel fills a fifth of it, its labels too small to read) gets a slide of its own instead.
TITLE_PANEL_MIN_SHARE = 0.3


def fits_title_panel(images: PageImages, geometry: Geometry) -> bool:
    """The featured image is worth showing in the title slide's picture panel: it covers the panel,
    or contained it fills at least `TITLE_PANEL_MIN_SHARE` of it."""
    placement = images.placement(hero_frame(geometry))
    if placement is None or placement.covers:
        return True
    _, _, width, height = placement.box
    return width * height >= TITLE_PANEL_MIN_SHARE


def title_hero(images: PageImages, geometry: Geometry, template: Template) -> HeroImage:
    """The title slide's picture (the showcase shows the same one): placed for the right-hand panel
    at 96 px/in, drawn at `HERO_DPI`, contained art on the template's surface colour."""
    from cardgen.layout.social import image_surface

    return images.hero(hero_pixels(geometry), frame_px=hero_frame(geometry), surface=image_surface(template))


# --------------------------------------------------------------------------- writer


_MasterRead = tuple[tuple[Geometry, dict[str, tuple[float, float, float, float]]], "DeckLook"]
_MASTERS: dict[tuple[str, tuple[tuple[str, str], ...]], _MasterRead] = {}


def _read_master(prs: Any, deck: DeckLayout) -> _MasterRead:
    """`read_geometry` and `read_look` of the presentation's master, remembered per process by the
    master's, layouts' and theme's XML (every page of a batch fills the same master)."""
    import hashlib

    from lxml import etree

    from cardgen.render.deck_look import read_look
    from cardgen.render.pptx_theme import THEME_RELTYPE

    master = prs.slide_master
    digest = hashlib.sha256(f"{prs.slide_width}x{prs.slide_height}".encode())
    digest.update(master.part.part_related_by(THEME_RELTYPE).blob)
    digest.update(etree.tostring(master.element))
    for layout in prs.slide_layouts:
        digest.update(etree.tostring(layout.element))
    key = (digest.hexdigest(), tuple(sorted(deck.colors.items())))
    read = _MASTERS.get(key)
    if read is None:
        if len(_MASTERS) >= 16:
            _MASTERS.clear()
        read = _MASTERS[key] = (read_geometry(prs), read_look(prs, deck))
    return read


def master_geometry(template: Template) -> Geometry:
    """The geometry of the template's 16:9 master, read as every deck of it reads it (remembered per
    process: batch workers forked after a first call start with it)."""
    return _read_master(open_master(template), template.deck)[0][0]


class DeckWriter:
    """Writes slide plans into a presentation; shared by `render_deck` and the event showcase."""

    def __init__(self, prs: Any, template: Template, faces: Typefaces, *, inherit_colors: bool = False) -> None:
        self.prs = prs
        self.template = template
        self.deck = template.deck
        self.faces = faces
        self.inherit = inherit_colors
        (self.geometry, self.boxes), self.look = _read_master(prs, template.deck)
        self.current = self.look.layouts["Blank"]
        self.backdrop = self.current.background  # what the text being written sits on
        self.text_backdrop_override: str | None = None
        self.warnings: list[str] = []
        self.count = 0
        # Text colour forced by the current slide's own background (white on a dark picture or colour).
        self.text_override: str | None = None
        self.math_mode = "picture"  # or "native": see cardgen.render.deck_math
        self.formulas: dict[str, str] = {}  # inexact plain readings of the page's inline formulas (titles)
        self.lang: str | None = None  # the page language, for measuring like the planner
        self.parts = SlideParts(prs)
        self._layouts: dict[str, Any] = {}  # layout name asked for → the layout `find_layout` chose

    # colours: built-in masters carry them; explicit colours only where a shape needs its own
    def color(self, role: str) -> str | None:
        """The colour for a text role on the current slide's layout, moved to reach 4.5:1 contrast
        (see `deck_look`); None with an organisation's master, whose own colours then apply."""
        if self.inherit:
            return None
        return self.current.colors.get(role) or self.deck.color(role)

    def new_slide(self, layout_name: str, plan: SlidePlan | None = None) -> Any:
        layout = self._layouts.get(layout_name)
        if layout is None:
            layout = self._layouts[layout_name] = find_layout(self.prs, layout_name)
        slide = self.parts.add_slide(layout)
        self.current = self.look.layouts.get(layout.name) or self.look.layouts["Blank"]
        self.count += 1
        self.text_override = None
        self.text_backdrop_override = None
        if plan is not None:
            self._background(slide, plan)
        return slide

    # ---------------------------------------------------------------- text

    def title(self, slide: Any, text: str, size: float, *, anchor: str = "bottom", color: str | None = None,
              box: tuple[float, float, float, float] | None = None, role: str = "title", bold: bool = True) -> Any:
        shape = find_placeholder(slide, TITLE_TYPES)
        if shape is None:
            shape = add_title_placeholder(slide, box or self.boxes["title"])
        elif box is not None:
            shape.left, shape.top, shape.width, shape.height = (Pt(v) for v in box)
        tf = shape.text_frame
        prepare_frame(tf, anchor)
        paragraph = tf.paragraphs[0]
        line_height = self.deck.role(role).line_height
        paragraph_format(paragraph, line=size * line_height)
        for i, line in enumerate(self._title_lines(_clean(text), shape, size, line_height, bold)):
            if i:
                paragraph.add_line_break()
            ink = color or self.text_override or self.color("title")
            pieces = formula_pieces(line, self.formulas) if self.formulas else [(line, "")]
            for piece, tex in pieces:
                if tex:  # a formula whose plain reading is inexact ("ϕ_T"): scripts as raised/lowered runs
                    write_runs(paragraph, [Run(piece, math=True, tex=tex)], self.faces, size, color=ink, bold=bold,
                               math="picture")
                    continue
                add_run(paragraph, piece, self.faces, size, bold=bold, color=ink)
        return shape

    def _title_lines(self, text: str, shape: Any, size: float, line_height: float, bold: bool) -> list[str]:
        """CJK titles broken where we measured (in `shape`'s box), at BudouX phrase boundaries and
        balanced (no lone character or "（续）" on the last line): PowerPoint would otherwise break
        anywhere between two ideographs. Titles in spaced scripts are left to the viewer's own word wrap."""
        from cardgen.text.breaking import is_cjk

        if not any(is_cjk(ch) for ch in text):
            return [text]
        frame = Frame(Emu(shape.width).pt, Emu(shape.height).pt)  # inherited from the layout: looked up
        fitted = fit_in(text, frame, size, size, line_height=line_height, bold=bold, lang=self.lang,
                        balance=True)
        lines = [line for line in fitted.lines if line]
        return lines if lines and not fitted.truncated else [text]

    @property
    def text_backdrop(self) -> str:
        return self.text_backdrop_override or self.current.background

    def titled_slide(self, layout_name: str, plan: SlidePlan, **title_options: Any) -> Any:
        """A new slide with `plan`'s title: in the layout's title placeholder, or, for a running head, in a
        slim strip at the top of a Blank slide (no title rule; the body then starts higher)."""
        if plan.running:
            slide = self.new_slide("Blank", plan)
            self.title(slide, plan.title, plan.title_size, anchor="top", box=self.boxes["running_title"],
                       role="running", bold=False, color=self.text_override or self.color("muted"))
            return slide
        slide = self.new_slide(layout_name, plan)
        self.title(slide, plan.title, plan.title_size, **title_options)
        return slide

    def body_box(self, plan: SlidePlan) -> tuple[float, float, float, float]:
        return self.boxes["running_body"] if plan.running else self.boxes["body"]

    def body(self, shape: Any, items: list[TextItem], size: float, role: str = "body", *, anchor: str = "top",
             color: str | None = None, backdrop: str | None = None) -> None:
        self.backdrop = backdrop or self.text_backdrop
        if any(item.role == "math" for item in items) and shape is not None:
            self._body_with_math(shape, items, size, role, color=color)
            return
        self._paragraphs(shape, items, size, role, anchor=anchor, color=color)

    def _body_with_math(self, shape: Any, items: list[TextItem], size: float, role: str, *,
                        color: str | None) -> None:
        """Text and display formulas stacked at the heights the planner measured: text runs go in
        the body box (and text boxes below each formula), each formula is its own equation shape."""
        from cardgen.render.deck_math import add_equation, math_box

        text_role = self.deck.role(role)
        x, top, w, h = _box(shape)
        frame = Frame(w, h)
        left_in, top_in, right_in, bottom_in = INSETS
        groups: list[list[TextItem]] = []
        for item in items:
            if item.role == "math" or not groups or groups[-1][0].role == "math":
                groups.append([item])
            else:
                groups[-1].append(item)
        y = top
        previous: TextItem | None = None
        first_box = True
        ink = color or self.text_override or self.color("text") or "#000000"
        for index, group in enumerate(groups):
            s = item_size(group[0], size)
            gap = spacing_before(group[0], previous, s)
            last = index == len(groups) - 1
            if group[0].role == "math":
                item = group[0]
                indent = item.indent(s)
                width = (frame.inner_w - indent) * WIDTH_RESERVE
                height = items_height([item], size, text_role, frame, self.lang, self.faces.mono)
                box = math_box(item.tex, s, width, max(1.0, height - s * 0.3))
                y += gap if not first_box else 0.0
                if first_box:
                    y += top_in
                if box is not None:
                    ex = x + left_in + indent + (width - box.width) / 2
                    ey = y + (height - box.height) / 2
                    add_equation(self.parts, self._slide_of(shape), item.tex, item.source, (ex, ey, box.width, box.height), ink, self.math_mode)
                y += height
                first_box = False
                previous = item
                continue
            text_h = items_height(group, size, text_role, frame, self.lang, self.faces.mono)
            target = shape if first_box else self._slide_of(shape).shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
            if not first_box:
                target.name = "Text"
            y += 0.0 if first_box else gap
            t_in = top_in if first_box else 0.0
            # the box reaches a little into the gap below it (never to the next formula's ink), so a
            # last line's descenders stay inside it in every renderer
            slack = bottom_in if last else min(bottom_in, s * 0.2)
            target.left, target.top = Pt(x), Pt(y)
            target.width, target.height = Pt(w), Pt(max(1.0, text_h + t_in + slack))
            self._paragraphs(target, group, size, role, anchor="top", color=color,
                             insets=(left_in, t_in, right_in, 0.0))
            y += text_h + t_in
            first_box = False
            previous = group[-1]

    def _with_formulas(self, runs: Iterable[Run]) -> Iterable[Run]:
        """Plain runs that show a formula's inexact reading (a title repeated on the closing slide)
        get that formula back, so its scripts are set raised and lowered."""
        if not self.formulas:
            return runs
        out = []
        for run in runs:
            if run.math or run.code or not any(key in run.text for key in self.formulas):
                out.append(run)
                continue
            for piece, tex in formula_pieces(run.text, self.formulas):
                out.append(replace(run, text=piece, math=bool(tex), tex=tex))
        return out

    @staticmethod
    def _slide_of(shape: Any) -> Any:
        return shape.part.slide

    def _paragraphs(self, shape: Any, items: list[TextItem], size: float, role: str = "body", *, anchor: str = "top",
                    color: str | None = None, insets: tuple[float, float, float, float] = INSETS) -> None:
        text_role = self.deck.role(role)
        tf = shape.text_frame
        prepare_frame(tf, anchor, insets)
        previous = None
        code_colors = code_palette(self.deck.color("code_background"))
        for index, item in enumerate(items):
            paragraph = tf.paragraphs[0] if index == 0 else tf.add_paragraph()
            s = item_size(item, size)
            paragraph_format(paragraph, line=s * text_role.line_height, before=spacing_before(item, previous, s),
                             indent=item.indent(s), hanging=item.hanging(s), bullet=item.bullet,
                             numbered=item.number, level=item.level,
                             bullet_color=self.color("accent"))
            base = color or self.text_override or self.color("text")
            if item.role == "muted":
                base = color or self.text_override or self.color("muted")
            if item.label:
                add_run(paragraph, f"{item.label}: ", self.faces, s, bold=True,
                        color=self.text_override or self.color("callout"))
            if item.role == "code":
                self._code_runs(paragraph, item, s, code_colors, base)
            else:
                write_runs(paragraph, self._with_formulas(_clean_runs(item.runs)), self.faces, s, color=base,
                           link_color=None if self.inherit else self.color("accent"),
                           bold=item.role == "heading", italic=item.role == "quote", math=self.math_mode)
            previous = item

    def _code_runs(self, paragraph: Any, item: TextItem, size: float, palette: dict[str, str], base: str | None) -> None:
        text = "".join(r.text for r in item.runs)
        for piece, kind in highlight(text, item.language):
            colour = palette.get(kind) or base or self.color("code_text")
            if colour and not self.inherit:
                colour = ensure_contrast(colour, self.backdrop)
            add_run(paragraph, piece, self.faces, size, code=True, color=colour, bold=kind == "keyword")

    def _background(self, slide: Any, plan: SlidePlan) -> None:
        if plan.background_image:
            self._background_picture(slide, plan.background_image)
            self.text_override = "#ffffff"
            self.text_backdrop_override = "#000000"  # white text over the picture's dark scrim
        elif plan.background_color:
            colour = css_color(plan.background_color)
            if colour:
                slide.background.fill.solid()
                slide.background.fill.fore_color.rgb = rgb(colour)
                self.text_override = readable_on(colour)
                self.text_backdrop_override = colour
            else:
                self.warnings.append(f"slide background colour {plan.background_color!r} is not a colour cardgen knows")

    def _background_picture(self, slide: Any, path: str) -> None:
        from cardgen import imaging

        w, h = int(pt_to_px(self.geometry.width, 150)), int(pt_to_px(self.geometry.height, 150))
        try:
            img = imaging.focal_crop(imaging.open_image(path, target_size=(w, h)), (w, h), "center")
        except Exception as exc:  # an unreadable background must not stop the deck
            self.warnings.append(f"slide background image {path}: {exc}")
            return
        data, _ = imaging.to_pptx_compatible(img, prefer="jpeg", quality=85)
        pic = self.parts.add_picture(slide.shapes, data, 0, 0, self.prs.slide_width, self.prs.slide_height)
        scrim = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, self.prs.slide_height)
        set_alpha_fill(scrim, "#000000", 0.45)
        scrim.line.fill.background()
        tree = slide.shapes._spTree
        for element in (scrim._element, pic._element):
            tree.remove(element)
            tree.insert(2, element)

    def slide_number(self, slide: Any) -> None:
        w, h = self.geometry.width, self.geometry.height
        m = self.boxes["body"][0]
        box = slide.shapes.add_textbox(Pt(w - m - 80), Pt(h - 36), Pt(80), Pt(26))
        box.name = "Slide Number"
        prepare_frame(box.text_frame, "middle")
        paragraph = box.text_frame.paragraphs[0]
        paragraph_format(paragraph, line=14.4, align="right")
        slide_number_field(paragraph, self.faces, 12, self.text_override or self.color("muted"), self.count)

    def notes(self, slide: Any, notes: list[str]) -> None:
        text = "\n\n".join(_clean(n) for n in notes if n and n.strip())
        if text:
            write_notes(self.parts.notes_slide(slide), text)

    def remove_empty_placeholders(self, slide: Any) -> None:
        """Placeholders left without text (a shape's text all blank), and picture placeholders left
        without a picture, are removed: viewers would show their prompts ("Click to add text")."""
        for mark, element in placeholder_elements(slide):
            if element.tag == _SP:  # a text-holding shape (python-pptx: `has_text_frame`)
                if not any((t.text or "").strip() for t in element.iterfind(_SHAPE_TEXTS, _NS)):
                    element.getparent().remove(element)
            elif mark.type == PP_PLACEHOLDER.PICTURE and element.tag != _PIC:
                element.getparent().remove(element)

    # ---------------------------------------------------------------- pictures

    def picture(self, slide: Any, data: bytes, box: tuple[float, float, float, float], *, fill_placeholder: bool = True,
                size: tuple[int, int], alt: str = "") -> Any:
        """Insert `data` (pixel `size`) fitted inside `box` (pt) without distortion, into the picture
        placeholder when the slide has one; `alt` is the description screen readers announce."""
        x, y, w, h = box
        scale = min(w / size[0], h / size[1])
        pw, ph_ = size[0] * scale, size[1] * scale
        px, py = x + (w - pw) / 2, y + (h - ph_) / 2
        holder = find_placeholder(slide, (PP_PLACEHOLDER.PICTURE,)) if fill_placeholder else None
        if holder is not None:
            pic = self.parts.insert_picture(holder, data)
            pic.crop_left = pic.crop_right = pic.crop_top = pic.crop_bottom = 0.0
            pic.left, pic.top, pic.width, pic.height = Pt(px), Pt(py), Pt(pw), Pt(ph_)
        else:
            pic = self.parts.add_picture(slide.shapes, data, Pt(px), Pt(py), Pt(pw), Pt(ph_))
        set_alt_text(pic, alt)
        return pic

    def qr_code(self, slide: Any, url: str, xy: tuple[float, float], side: float) -> Any:
        """A QR code for `url` (black on white, 4-module quiet zone: scanners need the contrast on every
        template), linked to the same address."""
        from cardgen.qr import qr_png

        pic = self.parts.add_picture(slide.shapes, qr_png(url), Pt(xy[0]), Pt(xy[1]), Pt(side), Pt(side))
        pic.name = "QR code"
        pic.click_action.hyperlink.address = url
        set_alt_text(pic, f"QR code for {url}")
        return pic

    def caption_on(self, slide: Any, text: str, box: tuple[float, float, float, float], size: float = 10) -> None:
        """A small credit line on a dark translucent strip along the bottom of a picture."""
        from cardgen.text.fit import fit_text
        from cardgen.text.style import Box, TextStyle

        x, y, w, h = box
        fitted = fit_text(text, Box((w - 28) * 0.95, 2 * size * 1.2), TextStyle(size=size, min_size=8, max_lines=2,
                                                                                 conservative=True))
        strip_h = len(fitted.lines) * fitted.size * 1.2 + 12
        strip = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(x), Pt(y + h - strip_h), Pt(w), Pt(strip_h))
        set_alpha_fill(strip, "#000000", 0.55)
        strip.line.fill.background()
        strip.shadow.inherit = False
        strip.name = "Image credit"
        tf = strip.text_frame
        prepare_frame(tf, "middle", insets=(14, 4, 14, 4))
        paragraph = tf.paragraphs[0]
        paragraph_format(paragraph, line=fitted.size * 1.2, align="right")
        add_run(paragraph, _clean(" ".join(fitted.lines) if not fitted.truncated else fitted.text.replace("\n", " ")),
                self.faces, fitted.size, italic=True, color="#ffffff")


# --------------------------------------------------------------------------- slide kinds


class DeckBuilder:
    """One page's deck: plans → slides."""

    def __init__(self, writer: DeckWriter, page: Page, images: PageImages) -> None:
        self.w = writer
        self.page = page
        self.images = images

    def write(self, plans: list[SlidePlan]) -> None:
        for plan in plans:
            getattr(self, f"_{plan.kind}")(plan)

    def _finish(self, slide: Any, plan: SlidePlan, number: bool = True) -> None:
        self.w.remove_empty_placeholders(slide)
        if number:
            self.w.slide_number(slide)
        self.w.notes(slide, plan.notes)

    def _cover(self, plan: SlidePlan) -> None:
        w = self.w
        slide = w.new_slide("Title Slide", plan)
        tx, ty, tw, th = w.boxes["cover_title"]
        mx, my, mw, mh = w.boxes["cover_meta"]
        if plan.hero:
            frame_t, frame_m = w.geometry.cover_title_with_hero, w.geometry.cover_meta_with_hero
            tw, mw = frame_t.w, frame_m.w
        (tx, ty, tw, th), (mx, my, mw, mh) = cover_boxes((tx, ty, tw, th), (mx, my, mw, mh), plan,
                                                         w.deck.role("cover_title").line_height)
        w.title(slide, plan.title, plan.title_size, box=(tx, ty, tw, th), role="cover_title", anchor="top")
        meta = find_placeholder(slide, BODY_TYPES)
        if meta is None:
            meta = slide.shapes.add_textbox(Pt(mx), Pt(my), Pt(mw), Pt(mh))
        else:
            meta.left, meta.top, meta.width, meta.height = Pt(mx), Pt(my), Pt(mw), Pt(mh)
        items = cover_meta_items(plan.meta, plan.meta_bold)
        w.body(meta, items, plan.meta_size, role="cover_meta")
        if plan.hero:
            self._hero(slide, plan)
        self._finish(slide, plan, number=False)

    def _hero(self, slide: Any, plan: SlidePlan) -> None:
        w = self.w
        x = w.geometry.width * w.geometry.hero_split
        box = (x, 0.0, w.geometry.width - x, w.geometry.height)
        hero = title_hero(self.images, w.geometry, w.template)
        data = self.images.encoded(hero, "slide")
        w.picture(slide, data, box, fill_placeholder=True, size=hero.image.size, alt=hero_alt(self.page))
        if plan.caption and not hero.is_placeholder:  # a credit belongs to a real image
            w.caption_on(slide, plan.caption, box)

    def _summary(self, plan: SlidePlan) -> None:
        self._text_slide(plan, role="summary")

    def _content(self, plan: SlidePlan) -> None:
        self._text_slide(plan, role="body")

    def _text_slide(self, plan: SlidePlan, role: str) -> None:
        w = self.w
        slide = w.titled_slide("Title and Content", plan)
        body = find_placeholder(slide, BODY_TYPES)
        if body is None:
            body = slide.shapes.add_textbox(*(Pt(v) for v in w.body_box(plan)))
            body.name = "Text"
        w.body(body, plan.items, plan.size, role=role)
        self._finish(slide, plan)

    def _section(self, plan: SlidePlan) -> None:
        w = self.w
        slide = w.new_slide("Section Header", plan)
        w.title(slide, plan.title, plan.title_size, role="cover_title", box=w.boxes["section_title"])
        body = find_placeholder(slide, BODY_TYPES)
        if body is not None and plan.items:
            body.left, body.top, body.width, body.height = (Pt(v) for v in w.boxes["section_body"])
            w.body(body, plan.items, plan.size, role="cover_meta")
        self._finish(slide, plan, number=False)

    def _closing(self, plan: SlidePlan) -> None:
        self._text_with_qr(plan, role="summary")

    def _table(self, plan: SlidePlan) -> None:
        from cardgen.render.deck_table import CELL_PAD_Y, column_widths, row_height

        w = self.w
        slide = w.titled_slide("Title Only", plan)
        table = cast(Table, plan.table)  # a table slide has its table
        role = w.deck.role("table")
        x, y, bw, _ = w.body_box(plan)
        widths = column_widths(table, bw, plan.size)
        rows = [table.header, *plan.rows] if plan.header else list(plan.rows)
        lang = self.page.language or None
        heights = [row_height(r, widths, plan.size, role, lang, plan.header and i == 0) for i, r in enumerate(rows)]
        shape = slide.shapes.add_table(len(rows), len(widths), Pt(x), Pt(y), Pt(sum(widths)), Pt(sum(heights)))
        grid = shape.table
        grid.first_row = plan.header
        grid.horz_banding = False
        look = w.look
        link = look.of(plan.kind, plan.running).colors["accent"]
        for col, width in enumerate(widths):
            grid.columns[col].width = Pt(width)
        for r, row in enumerate(rows):
            grid.rows[r].height = Pt(heights[r])
            header = plan.header and r == 0
            stripe = (r if plan.header else r + 1) % 2 == 0
            for col in range(len(widths)):
                cell = grid.cell(r, col)
                cell.margin_left = cell.margin_right = Pt(7.2)
                cell.margin_top = cell.margin_bottom = Pt(CELL_PAD_Y / 2)
                fill = look.table_header if header else (w.deck.color("table_stripe") if stripe else w.deck.color("background"))
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(fill)
                tf = cell.text_frame
                tf.word_wrap = True
                paragraph = tf.paragraphs[0]
                align = (table.align[col] if col < len(table.align) else None) or "left"
                paragraph_format(paragraph, line=plan.size * role.line_height, align=align)
                runs = row[col] if col < len(row) else ()
                colour = look.table_header_text if header else look.table_text
                write_runs(paragraph, _clean_runs(runs, breaks=False), w.faces, plan.size, color=colour, bold=header,
                           link_color=colour if header else link)
        self._finish(slide, plan)

    def _code(self, plan: SlidePlan) -> None:
        w = self.w
        slide = w.titled_slide("Title Only", plan)
        x, y, bw, bh = w.body_box(plan)
        box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(x), Pt(y), Pt(bw), Pt(plan.panel_height or bh))
        box.name = "Code"
        box.fill.solid()
        box.fill.fore_color.rgb = rgb(w.deck.color("code_background"))
        box.line.fill.background()
        box.shadow.inherit = False
        w.body(box, plan.items, plan.size, role="code", color=w.look.code_text, backdrop=w.look.code_background)
        frame = box.text_frame  # the code sits further in than other text: the panel needs room
        frame.margin_left = frame.margin_right = Pt(INSETS[0] + CODE_PAD_X)
        frame.margin_top = frame.margin_bottom = Pt(INSETS[1] + CODE_PAD_Y)
        self._finish(slide, plan)

    def _picture(self, plan: SlidePlan) -> None:
        from cardgen import imaging
        from cardgen.imaging.original import original_bytes

        w = self.w
        figure = cast(Figure, plan.figure)  # a picture slide has its figure
        slide = w.new_slide("Picture with Caption", plan)
        w.title(slide, plan.title, plan.title_size, box=w.boxes["picture_title"])
        box = w.boxes["picture"]
        try:
            target = (round(pt_to_px(box[2], HERO_DPI)), round(pt_to_px(box[3], HERO_DPI)))
            path = Path(cast(str, figure.path))
            img = self._figure_pixels(path, target)
            data = original_bytes(img)
            if data is None:
                data, _ = imaging.to_pptx_compatible(img)
            w.picture(slide, data, box, size=img.size,
                      alt=figure.alt or figure.caption_text or figure.title or plan.title)
        except Exception as exc:  # a broken figure becomes a text slide, never a crash
            w.warnings.append(f"figure {figure.src}: {exc}")
            body = slide.shapes.add_textbox(*(Pt(v) for v in box))
            w.body(body, [TextItem((Run(plan.caption or figure.src),))], w.deck.role("body").min_size)
        self._caption(slide, plan)
        self._finish(slide, plan)

    def _figure_pixels(self, path: Path, target: tuple[int, int]) -> Image.Image:
        """A picture slide's pixels, no longer than `target`'s long side: the featured image from the
        decode the page's outputs share (a file at full resolution is decoded once per page), any
        other figure decoded here."""
        from cardgen import imaging

        side = max(target)
        if path == self.images.page.featured_image:
            img = self.images.source(target)
            if img is None:  # unreadable: the page's warning says why
                raise ImageError("cannot decode the featured image", path=path)
            if max(img.size) <= side:
                return img
            img = img.copy()  # shared: scaled down as a copy of its own
        else:
            img = imaging.open_image(path, target_size=target, keep_alpha=True)
        img.thumbnail((side, side))
        return img

    def _caption(self, slide: Any, plan: SlidePlan) -> None:
        w = self.w
        if not plan.caption:
            return
        holder = find_placeholder(slide, BODY_TYPES)
        if holder is None:
            holder = slide.shapes.add_textbox(*(Pt(v) for v in w.boxes["picture_caption"]))
        w.body(holder, [TextItem((Run(plan.caption, href=plan.video.url if plan.video and plan.video.url else None),))],
               plan.size, role="caption", color=w.text_override or w.color("muted"))
        for paragraph in holder.text_frame.paragraphs:
            paragraph_format(paragraph, line=plan.size * w.deck.role("caption").line_height, align="center")

    def _video(self, plan: SlidePlan) -> None:
        from cardgen import imaging

        w = self.w
        video = cast(Video, plan.video)  # a video slide has its video
        slide = w.new_slide("Picture with Caption", plan)
        w.title(slide, plan.title, plan.title_size, box=w.boxes["picture_title"])
        art = video_art(imaging.placeholder(video.title or plan.title, (800, 450), None))
        data, _ = imaging.to_pptx_compatible(art, prefer="jpeg")
        pic = w.picture(slide, data, w.boxes["picture"], size=art.size,
                        alt=f"Video: {video.title or plan.title}")
        if video.url:
            pic.click_action.hyperlink.address = video.url
        self._caption(slide, plan)
        self._finish(slide, plan)

    def _links(self, plan: SlidePlan) -> None:
        self._text_with_qr(plan, role="body")

    def _text_with_qr(self, plan: SlidePlan, role: str) -> None:
        """Title, text and, when the plan has a URL, its QR code beside it (`qr_columns`)."""
        w = self.w
        slide = w.titled_slide("Title and Content", plan)
        x, y, bw, bh = w.boxes["body"]
        body = find_placeholder(slide, BODY_TYPES)
        width = w.geometry.links_body.w if plan.qr_url else bw
        side = w.geometry.qr_side
        tx, qx = qr_columns(x, bw, width, side, is_rtl(self.page.language))
        if body is None:
            body = slide.shapes.add_textbox(Pt(tx), Pt(y), Pt(width), Pt(bh))
        else:
            body.left, body.top, body.width, body.height = Pt(tx), Pt(y), Pt(width), Pt(bh)
        if plan.items:
            w.body(body, plan.items, plan.size, role=role)
        if plan.qr_url:
            w.qr_code(slide, plan.qr_url, (qx, y), side)
            label = slide.shapes.add_textbox(Pt(qx - 20), Pt(y + side + 6), Pt(side + 40), Pt(44))
            prepare_frame(label.text_frame)
            paragraph = label.text_frame.paragraphs[0]
            paragraph_format(paragraph, line=14.4, align="center")
            add_run(paragraph, i18n_labels(self.page.language, w.template.labels)["scan_to_open"], w.faces, 12,
                    color=w.text_override or w.color("muted"))
        self._finish(slide, plan)


# --------------------------------------------------------------------------- entry point


FORMATS = ("pptx", "pdf")


def render_deck(
    page: Page,
    output: Path | str | None = None,
    *,
    template: str | Path | Template = "default",
    pptx_template: Path | str | None = None,
    aspect: str = "16:9",
    show_image: bool = False,
    notes: bool = True,
    images: PageImages | None = None,
    math: str = "picture",
    fmt: str | None = None,
    handout: bool = False,
) -> RenderResult:
    """Write `page` as a talk deck: an editable pptx, or (`fmt="pdf"`, an output ending in .pdf, or
    `handout=True`) the same slides as a PDF; returns the file written, warnings and slide facts.

    `math`: "picture" (equations as SVG pictures with a PNG fallback) or "native" (editable Office
    Math with the picture as fallback); see `cardgen.render.deck_math`."""
    from cardgen.render.deck_math import MODES

    if math not in MODES:
        raise UsageError(f"--math must be one of {', '.join(MODES)}, got {math!r}")
    from cardgen.render.assets import PageImages
    from cardgen.templates import load_template
    from cardgen.text.fonts import pptx_typefaces

    tpl = load_template(template)
    tpl = replace(tpl, deck=tpl.deck.for_language(page.language))  # room for tall scripts
    path = Path(output) if output is not None else None
    fmt = _deck_format(fmt, path, handout)
    suffix = f".{fmt}"
    if path is None:
        path = Path(f"{page.slug}{suffix}")
    elif path.suffix.lower() != suffix:
        path = path / f"{page.slug}{suffix}" if path.is_dir() or not path.suffix else path.with_suffix(suffix)
    prs = open_master(tpl, aspect, Path(pptx_template) if pptx_template else None)
    if is_rtl(page.language):
        mirror_decorations(prs)
    warnings: list[str] = []
    if pptx_template and aspect != "16:9":
        warnings.append("--aspect is ignored with --pptx-template: the template sets the slide size")
    latin, east_asian = pptx_typefaces(page.language)
    faces = Typefaces(latin=tpl.fonts.body or latin, east_asian=east_asian, mono=tpl.fonts.mono)
    writer = DeckWriter(prs, tpl, faces, inherit_colors=pptx_template is not None)
    writer.math_mode = math
    formula_runs = inline_math_runs([*page.document.blocks, *(b for s in page.slides for b in s.blocks)],
                                    page.title_runs, page.summary_runs)
    if formula_runs:  # the typesetter is imported for pages with math only
        from cardgen.math import inline_formulas

        writer.formulas = inline_formulas(formula_runs)
    writer.lang = page.language or None
    images = images or PageImages(page)
    has_image = page.featured_image is not None and images.has_image
    shown = show_image or not page.image.preview_only
    own_slide = has_image and shown and not fits_title_panel(images, writer.geometry)
    planner = Planner(page, tpl.deck, writer.geometry, show_image=show_image, mono=tpl.fonts.mono,
                      has_hero=not own_slide, has_image=has_image, picture_slide=own_slide)
    planner.words = i18n_labels(page.language, tpl.labels)
    plans = planner.plan()
    if not notes:
        for plan in plans:
            plan.notes = []
    info: dict[str, object] = {}
    if fmt == "pdf":
        from cardgen.layout.social import image_surface
        from cardgen.render.deck_pdf import DeckPdf, write_pdf

        drawer = DeckPdf(page, tpl.deck, writer.geometry, writer.boxes, writer.look, images,
                         family=tpl.fonts.body or None, mono=tpl.fonts.mono, surface=image_surface(tpl))
        drawer.words = planner.words
        info["pages"] = write_pdf(page, plans, drawer, path, handout=handout)
        warnings += drawer.warnings
    else:
        DeckBuilder(writer, page, images).write(plans)
        _properties(prs, page)
        tag_slides(prs.slides, page.language)
        atomic_write(path, package_bytes(prs))
    warnings += planner.warnings + writer.warnings + [x for x in images.warnings if x not in warnings]
    kinds = [plan.kind for plan in plans]
    info.update(slides=len(plans), kinds=kinds, continued=sum("(" in p.title for p in plans))
    return RenderResult(outputs=(path,), warnings=tuple(dict.fromkeys(warnings)), info=info)


def _deck_format(fmt: str | None, path: Path | None, handout: bool) -> str:
    """pptx or pdf: `fmt` when given, else the output's extension; a handout is always a PDF."""
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise UsageError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
        if handout and fmt != "pdf":
            raise UsageError("--handout makes a PDF: use --format pdf (or an output ending in .pdf)")
        return fmt
    if handout or (path is not None and path.suffix.lower() == ".pdf"):
        return "pdf"
    return "pptx"


def _properties(prs: Any, page: Page) -> None:
    from cardgen.fields import authors_line

    props = prs.core_properties
    props.title = _clean(page.title_plain)[:250]
    props.author = _clean(authors_line(page, 10))[:250]
    props.keywords = _clean(", ".join(page.tags))[:250]
    props.subject = _clean(page.description)[:250]
    props.category = _clean(", ".join(page.categories))[:250]
    props.last_modified_by = "cardgen"
    props.revision = 1
    if page.language:
        from cardgen.i18n import office_tag

        props.language = office_tag(page.language)
    when = page.date if isinstance(page.date, dt.datetime) else (
        dt.datetime.combine(page.date, dt.time()) if isinstance(page.date, dt.date) else FIXED_DATE)
    when = when.replace(tzinfo=None)
    props.created = when
    props.modified = when


# --------------------------------------------------------------------------- small helpers


def set_alt_text(shape: Any, text: str) -> None:
    """The picture's description (`descr`), what PowerPoint shows as alt text."""
    if text:
        shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", _clean(text)[:1000])


def _clean(text: str, *, breaks: bool = False) -> str:
    """Text safe for XML 1.0 (what lxml accepts): no control characters, surrogates or U+FFFE/U+FFFF;
    line breaks become spaces, unless `breaks` keeps "\n" (a body line break: `write_runs` breaks
    the line there)."""
    text = _NOT_XML.sub("", str(text))
    return text.translate(_KEEP_BREAKS if breaks else _NO_BREAKS)


#: Characters XML 1.0 refuses (C0 controls but the whitespace ones, surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NO_BREAKS = str.maketrans("\n\r\t\v\f", "     ")
_KEEP_BREAKS = str.maketrans("\r\t\v\f", "    ")


def _clean_runs(runs: Iterable[Run], *, breaks: bool = True) -> tuple[Run, ...]:
    """Runs made safe for XML; with `breaks`, their hard line breaks (Markdown's `\\` or two spaces,
    `<br>`) kept (table cells are measured as one run of text: theirs become spaces)."""
    return tuple(replace(r, text=_clean(r.text, breaks=breaks and not (r.math or r.code))) for r in runs)
