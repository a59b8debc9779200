"""Decks as PDF (SPEC §3.1): the pptx deck's slide plans drawn with fpdf2, one page per slide.

For conference laptops and sharing: no LibreOffice, no PowerPoint. The same planner output that the
pptx writer fills into its master is drawn here into the same boxes (read from the same master), with
the same line breaks (`deck_fit` measures, this module draws what it measured), embedded subset fonts,
live links, the QR code as vectors and pictures at their full resolution. `handout=True` makes A4
portrait notes pages instead: the slide scaled on top, its speaker notes below.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cardgen.document import Run
from cardgen.i18n import is_rtl
from cardgen.render.deck_fit import (
    INSETS,
    WIDTH_RESERVE,
    TextItem,
    indentation_width,
    item_size,
    spacing_before,
)
from cardgen.render.deck_look import DeckLook, LayoutLook
from cardgen.render.deck_plan import Geometry, SlidePlan, cover_boxes, cover_meta_items, labels, qr_columns
from cardgen.render.pdf import fixed_date
from cardgen.render.pdf_canvas import Canvas, Piece
from cardgen.render.pdf_fonts import Fonts, output
from cardgen.text.bidi import base_rtl
from cardgen.text.breaking import wrap_lines
from cardgen.text.style import TextStyle
from cardgen.units import pt_to_px

if TYPE_CHECKING:
    from PIL import Image

    from cardgen.layouts.deck import DeckLayout, TextRole
    from cardgen.page import Page
    from cardgen.render.assets import PageImages

Box = tuple[float, float, float, float]
A4 = (595.28, 841.89)  # pt
HANDOUT_MARGIN = 42.0
NOTES_SIZE = 11.0
SCRIM = 0.45  # black over a slide's background picture, as the pptx writer lays it


@dataclass
class SlideContext:
    canvas: Canvas
    look: LayoutLook
    override: str | None  # text colour forced by the slide's own background (picture or colour)

    def colour(self, role: str) -> str:
        return self.override or self.look.colors[role]


class DeckPdf:
    """Draws slide plans: one instance per document."""

    def __init__(self, page: Page, deck: DeckLayout, geometry: Geometry, boxes: dict[str, Box], look: DeckLook,
                 images: PageImages, *, family: str | None, mono: str, surface: str = "#ffffff") -> None:
        self.page = page
        self.surface = surface  # behind a picture shown whole on the title slide (the template's surface)
        self.deck = deck
        self.geo = geometry
        self.boxes = boxes
        self.look = look
        self.images = images
        self.family = family
        self.mono = mono
        self.lang = page.language or None
        self.words = labels(page.language)
        self.warnings: list[str] = []

    # ------------------------------------------------------------------ one slide

    def draw(self, canvas: Canvas, plan: SlidePlan, number: int) -> None:
        look = self.look.of(plan.kind, plan.running)
        ctx = SlideContext(canvas, look, None)
        canvas.rect(0, 0, self.geo.width, self.geo.height, look.background)
        for x, y, w, h, colour in look.decorations:
            canvas.rect(x, y, w, h, colour)
        self._background(ctx, plan)
        getattr(self, f"_{plan.kind}")(ctx, plan)
        if plan.kind not in ("cover", "section"):
            w, h = self.geo.width, self.geo.height
            m = self.boxes["body"][0]
            self._lines(ctx, [Piece(str(number), colour=ctx.colour("muted"))], 12, (w - m - 80, h - 36, 80, 26),
                        anchor="middle", align="right", line=14.4)

    def _background(self, ctx: SlideContext, plan: SlidePlan) -> None:
        from cardgen.colors import readable_on
        from cardgen.render.deck_media import css_color

        if plan.background_image:
            from cardgen import imaging

            w, h = int(pt_to_px(self.geo.width, 150)), int(pt_to_px(self.geo.height, 150))
            try:
                img = imaging.focal_crop(imaging.open_image(plan.background_image, target_size=(w, h)), (w, h), "center")
            except Exception as exc:  # an unreadable background must not stop the deck
                self.warnings.append(f"slide background image {plan.background_image}: {exc}")
                return
            ctx.canvas.image(img.convert("RGB"), 0, 0, self.geo.width, self.geo.height)
            ctx.canvas.rect(0, 0, self.geo.width, self.geo.height, "#000000", SCRIM)
            ctx.override = "#ffffff"
        elif plan.background_color:
            colour = css_color(plan.background_color)
            if colour:
                ctx.canvas.rect(0, 0, self.geo.width, self.geo.height, colour)
                ctx.override = readable_on(colour)

    # ------------------------------------------------------------------ kinds

    def _title(self, ctx: SlideContext, plan: SlidePlan, box: Box, role: str = "title", anchor: str = "bottom") -> None:
        if plan.running:
            box = self.boxes["running_title"]
            pieces = [Piece(plan.title, colour=ctx.colour("muted"))]
            self._wrapped(ctx, pieces, plan.title_size, box, self.deck.role("running").line_height, anchor="top")
            return
        pieces = [Piece(plan.title, bold=True, colour=ctx.colour("title"))]
        self._wrapped(ctx, pieces, plan.title_size, box, self.deck.role(role).line_height, anchor=anchor,
                      bold=True)

    def _cover(self, ctx: SlideContext, plan: SlidePlan) -> None:
        tx, ty, tw, th = self.boxes["cover_title"]
        mx, my, mw, mh = self.boxes["cover_meta"]
        if plan.hero:
            tw, mw = self.geo.cover_title_with_hero.w, self.geo.cover_meta_with_hero.w
        (tx, ty, tw, th), (mx, my, mw, mh) = cover_boxes((tx, ty, tw, th), (mx, my, mw, mh), plan,
                                                         self.deck.role("cover_title").line_height)
        self._title(ctx, plan, (tx, ty, tw, th), role="cover_title", anchor="top")
        items = cover_meta_items(plan.meta, plan.meta_bold)
        self._items(ctx, items, plan.meta_size, (mx, my, mw, mh), "cover_meta")
        if plan.hero:
            self._hero(ctx, plan)

    def _hero(self, ctx: SlideContext, plan: SlidePlan) -> None:
        from cardgen.render.deck_media import hero_alt, hero_frame, hero_pixels

        x = self.geo.width * self.geo.hero_split
        box = (x, 0.0, self.geo.width - x, self.geo.height)
        size = hero_pixels(self.geo)
        source = self.images.source_size()
        if source:  # as sharp as the file allows: up to twice the pptx's 150 dpi, never upscaled
            scale = min(2.0, max(1.0, min(source[0] / size[0], source[1] / size[1])))
            size = (round(size[0] * scale), round(size[1] * scale))
        hero = self.images.hero(size, frame_px=hero_frame(self.geo), surface=self.surface)  # decided as the pptx's
        ctx.canvas.image(hero.image.convert("RGB"), *box, alt=hero_alt(self.page))
        if plan.caption:
            self._credit(ctx, plan.caption, box)

    def _credit(self, ctx: SlideContext, text: str, box: Box, size: float = 10.0) -> None:
        x, y, w, h = box
        strip = size * 1.2 + 12
        ctx.canvas.rect(x, y + h - strip, w, strip, "#000000", 0.55)
        self._lines(ctx, [Piece(text, italic=True, colour="#ffffff")], size, (x, y + h - strip, w, strip),
                    anchor="middle", align="right", insets=(14, 4, 14, 4), line=size * 1.2)

    def _summary(self, ctx: SlideContext, plan: SlidePlan) -> None:
        self._text_slide(ctx, plan, "summary")

    def _content(self, ctx: SlideContext, plan: SlidePlan) -> None:
        self._text_slide(ctx, plan, "body")

    def _text_slide(self, ctx: SlideContext, plan: SlidePlan, role: str) -> None:
        self._title(ctx, plan, self.boxes["title"])
        box = self.boxes["running_body"] if plan.running else self.boxes["body"]
        self._items(ctx, plan.items, plan.size, box, role)

    def _section(self, ctx: SlideContext, plan: SlidePlan) -> None:
        self._title(ctx, plan, self.boxes["section_title"], role="cover_title")
        if plan.items:
            self._items(ctx, plan.items, plan.size, self.boxes["section_body"], "cover_meta")

    def _closing(self, ctx: SlideContext, plan: SlidePlan) -> None:
        self._text_with_qr(ctx, plan, "summary")

    def _links(self, ctx: SlideContext, plan: SlidePlan) -> None:
        self._text_with_qr(ctx, plan, "body")

    def _text_with_qr(self, ctx: SlideContext, plan: SlidePlan, role: str) -> None:
        self._title(ctx, plan, self.boxes["title"])
        x, y, bw, bh = self.boxes["body"]
        width = self.geo.links_body.w if plan.qr_url else bw
        side = self.geo.qr_side
        tx, qx = qr_columns(x, bw, width, side, is_rtl(self.lang))
        self._items(ctx, plan.items, plan.size, (tx, y, width, bh), role)
        if plan.qr_url:
            ctx.canvas.qr(plan.qr_url, qx, y, side)
            self._lines(ctx, [Piece(self.words["scan_to_open"], colour=ctx.colour("muted"))], 12,
                        (qx - 20, y + side + 6, side + 40, 44), align="center", line=14.4)

    def _code(self, ctx: SlideContext, plan: SlidePlan) -> None:
        self._title(ctx, plan, self.boxes["title"])
        x, y, w, h = self.boxes["running_body"] if plan.running else self.boxes["body"]
        h = plan.panel_height or h
        ctx.canvas.rect(x, y, w, h, self.look.code_background)
        from cardgen.render.deck_plan import CODE_PAD_X, CODE_PAD_Y

        pad = (INSETS[0] + CODE_PAD_X, INSETS[1] + CODE_PAD_Y, INSETS[2] + CODE_PAD_X, INSETS[3] + CODE_PAD_Y)
        self._items(ctx, plan.items, plan.size, (x, y, w, h), "code", insets=pad)

    def _table(self, ctx: SlideContext, plan: SlidePlan) -> None:
        from cardgen.render.deck_table import CELL_PAD_Y, column_widths, row_height

        self._title(ctx, plan, self.boxes["title"])
        table = plan.table
        assert table is not None
        role = self.deck.role("table")
        x, y, bw, _ = self.boxes["running_body"] if plan.running else self.boxes["body"]
        widths = column_widths(table, bw, plan.size)
        rows = [table.header, *plan.rows] if plan.header else list(plan.rows)
        top = y
        for r, row in enumerate(rows):
            header = plan.header and r == 0
            height = row_height(row, widths, plan.size, role, self.lang, header)
            index = r if plan.header else r + 1
            fill = (self.look.table_header if header else
                    self.deck.color("table_stripe") if index % 2 == 0 else self.deck.color("background"))
            colour = self.look.table_header_text if header else self.look.table_text
            cx = x
            for col, width in enumerate(widths):
                ctx.canvas.rect(cx, top, width, height, fill)
                runs = row[col] if col < len(row) else ()
                align = (table.align[col] if col < len(table.align) else None) or "left"
                pieces = self._pieces(runs, colour, bold=header, link=colour if header else self.look.layouts[
                    "Title Only"].colors["accent"] if "Title Only" in self.look.layouts else ctx.colour("accent"))
                self._wrapped(ctx, pieces, plan.size, (cx, top, width, height), role.line_height, anchor="top",
                              align=align, insets=(7.2, CELL_PAD_Y / 2, 7.2, CELL_PAD_Y / 2), bold=header,
                              reserve=0.95)
                cx += width
            top += height

    def _picture(self, ctx: SlideContext, plan: SlidePlan) -> None:
        from PIL import Image

        self._title(ctx, plan, self.boxes["picture_title"])
        figure = plan.figure
        assert figure is not None
        x, y, w, h = self.boxes["picture"]
        try:
            with Image.open(cast(str, figure.path)) as probe:  # no path fails here: the caption is shown
                size = probe.size
                simple = probe.format in ("PNG", "JPEG") and probe.mode in ("RGB", "L", "RGBA", "P")
            source: Any = str(figure.path) if simple else _decoded(cast(str, figure.path))
            scale = min(w / size[0], h / size[1])
            pw, ph = size[0] * scale, size[1] * scale
            ctx.canvas.image(source, x + (w - pw) / 2, y + (h - ph) / 2, pw, ph,
                             alt=figure.alt or figure.caption_text or figure.title or plan.title)
        except Exception as exc:  # a broken figure becomes its caption, never a crash
            self.warnings.append(f"figure {figure.src}: {exc}")
            self._items(ctx, [TextItem((Run(plan.caption or figure.src),))], self.deck.role("body").min_size,
                        (x, y, w, h), "body")
        self._caption(ctx, plan)

    def _caption(self, ctx: SlideContext, plan: SlidePlan) -> None:
        if not plan.caption:
            return
        href = plan.video.url if plan.video and plan.video.url else None
        pieces = [Piece(plan.caption, colour=ctx.colour("muted"), href=href)]
        self._wrapped(ctx, pieces, plan.size, self.boxes["picture_caption"], self.deck.role("caption").line_height,
                      anchor="top", align="center")

    def _video(self, ctx: SlideContext, plan: SlidePlan) -> None:
        from cardgen import imaging
        from cardgen.render.deck_media import video_art

        self._title(ctx, plan, self.boxes["picture_title"])
        assert plan.video is not None
        art = video_art(imaging.placeholder(plan.video.title or plan.title, (800, 450), None))
        x, y, w, h = self.boxes["picture"]
        scale = min(w / art.width, h / art.height)
        pw, ph = art.width * scale, art.height * scale
        px, py = x + (w - pw) / 2, y + (h - ph) / 2
        ctx.canvas.image(art, px, py, pw, ph, alt=f"Video: {plan.video.title or plan.title}")
        if plan.video.url:
            ctx.canvas.link(px, py, pw, ph, plan.video.url)
        self._caption(ctx, plan)

    # ------------------------------------------------------------------ text

    def _pieces(self, runs: Iterable[Run], colour: str, *, link: str, bold: bool = False, italic: bool = False,
                mono: bool = False) -> list[Piece]:
        out = []
        for run in runs:
            if not run.text:
                continue
            href = run.href if run.href and run.href.startswith(("http://", "https://", "mailto:")) else None
            out.append(Piece(run.text, bold=bold or run.bold, italic=italic or run.italic, mono=mono or run.code,
                             colour=link if href else colour, href=href, underline=bool(href),
                             tex=run.tex if run.math else None))
        return out

    def _item_pieces(self, ctx: SlideContext, item: TextItem, colour: str, backdrop: str) -> list[Piece]:
        from cardgen.render.code_colors import code_palette, highlight

        if item.role == "code":
            palette = code_palette(self.look.code_background)
            text = "".join(r.text for r in item.runs)
            return [Piece(piece, mono=True, bold=kind == "keyword", colour=_readable(palette.get(kind) or colour,
                                                                                      backdrop))
                    for piece, kind in highlight(text, item.language)]
        pieces = []
        if item.label:
            pieces.append(Piece(f"{item.label}: ", bold=True, colour=ctx.colour("callout")))
        pieces += self._pieces(item.runs, colour, link=ctx.colour("accent"), bold=item.role == "heading",
                               italic=item.role == "quote")
        return pieces

    def _items(self, ctx: SlideContext, items: list[TextItem], size: float, box: Box, role: str, *,
               insets: tuple[float, float, float, float] = INSETS) -> None:
        """A slide body as `deck_fit` measured it: same sizes, spacing, indents and line breaks."""
        text_role = self.deck.role(role)
        x, y, w, _ = box
        inner_w = w - insets[0] - insets[2]
        top = y + insets[1]
        previous = None
        for item in items:
            s = item_size(item, size)
            lead = s * text_role.line_height
            top += spacing_before(item, previous, s)
            if item.role == "math":
                top += self._equation(ctx, item, s, (x, top, w, box[3]), text_role, insets)
                previous = item
                continue
            if role == "code":
                base = self.look.code_text if not ctx.override else ctx.override
            else:
                base = ctx.colour("muted") if item.role == "muted" else ctx.colour("text")
            backdrop = self.look.code_background if role == "code" else (
                "#000000" if ctx.override == "#ffffff" else ctx.look.background)
            pieces = self._item_pieces(ctx, item, base, backdrop)
            indent = item.indent(s)
            left = x + insets[0]
            marker = _marker(item)
            rtl = is_rtl(self.lang)  # a right-to-left page: markers and text mirrored, flush right
            if marker:
                marker_piece = [Piece(marker, colour=ctx.colour("accent") if item.bullet else base)]
                if rtl:
                    ctx.canvas.line(marker_piece, left + inner_w - indent, top + _baseline(lead, s), s,
                                    align="right", width=item.hanging(s))
                else:
                    ctx.canvas.line(marker_piece, left + indent - item.hanging(s), top + _baseline(lead, s), s)
            width = (inner_w - indent) * WIDTH_RESERVE
            bold = item.role == "heading" or _mostly_bold(item.runs)
            lines = (_break(pieces, width, s, bold, self.mono, self.lang, keep_newlines=True) if item.role == "code"
                     else _break_lines(pieces, width, s, bold, self.lang))
            for line in lines:
                if rtl:
                    ctx.canvas.line(line, left, top + _baseline(lead, s), s, align="right", width=inner_w - indent)
                else:
                    ctx.canvas.line(line, left + indent, top + _baseline(lead, s), s)
                top += lead
            previous = item

    def _equation(self, ctx: SlideContext, item: TextItem, size: float, box: Box, text_role: TextRole,
                  insets: tuple[float, float, float, float]) -> float:
        """A display formula as vectors (its SVG drawn into the PDF), centred in the height the planner
        budgeted for it; returns that height."""
        from cardgen.render.deck_fit import Frame, items_height
        from cardgen.render.deck_math import display_equation, math_box

        x, top, w, h = box
        frame = Frame(w, h)
        indent = item.indent(size)
        width = (frame.inner_w - indent) * WIDTH_RESERVE
        height = items_height([item], size, text_role, frame, self.lang, self.mono)
        fitted = math_box(item.tex, size, width, max(1.0, height - size * 0.3))
        if fitted is None:  # not drawable: its readable text instead
            self._items(ctx, [TextItem(item.runs, level=item.level)], size, (x, top - insets[1], w, h), "body",
                        insets=insets)
            return height
        colour = ctx.colour("text")
        equation = display_equation(item.tex)
        ex = x + insets[0] + indent + (width - fitted.width) / 2
        ey = top + (height - fitted.height) / 2
        try:
            ctx.canvas.image(io.BytesIO(equation.svg(colour).encode("utf-8")), ex, ey, fitted.width, fitted.height,
                             alt=item.text)
        except Exception:  # fpdf2 refuses an SVG feature: the 300 dpi picture the pptx also carries
            ctx.canvas.image(io.BytesIO(equation.png(colour, zoom=4.0)), ex, ey, fitted.width, fitted.height,
                             alt=item.text)
        return height

    def _wrapped(self, ctx: SlideContext, pieces: list[Piece], size: float, box: Box, line_height: float, *,
                 anchor: str = "top", align: str = "left", bold: bool = False,
                 insets: tuple[float, float, float, float] = INSETS, reserve: float = WIDTH_RESERVE) -> None:
        x, y, w, h = box
        width = (w - insets[0] - insets[2]) * reserve
        lines = _break(pieces, width, size, bold, None, self.lang)
        self._place(ctx, lines, size, box, line_height * size, anchor, align, insets)

    def _lines(self, ctx: SlideContext, pieces: list[Piece], size: float, box: Box, *, anchor: str = "top",
               align: str = "left", insets: tuple[float, float, float, float] = INSETS, line: float) -> None:
        self._place(ctx, [pieces], size, box, line, anchor, align, insets)

    def _place(self, ctx: SlideContext, lines: list[list[Piece]], size: float, box: Box, lead: float, anchor: str,
               align: str, insets: tuple[float, float, float, float]) -> None:
        x, y, w, h = box
        inner_h = h - insets[1] - insets[3]
        used = lead * len(lines)
        top = y + insets[1] + {"top": 0.0, "middle": (inner_h - used) / 2, "bottom": inner_h - used}[anchor]
        for line in lines:
            ctx.canvas.line(line, x + insets[0], top + _baseline(lead, size), size, align=align,
                            width=w - insets[0] - insets[2])
            top += lead


# --------------------------------------------------------------------------- line breaking


def _baseline(lead: float, size: float) -> float:
    """Baseline within a line slot: ascenders and descenders stay inside (as the card PDF places it)."""
    return (lead - size) / 2 + 0.8 * size


def _marker(item: TextItem) -> str:
    if item.number is not None:
        return f"{item.number}."
    return item.bullet or ""


def _mostly_bold(runs: Sequence[Run]) -> bool:
    total = sum(len(r.text) for r in runs) or 1
    return sum(len(r.text) for r in runs if r.bold) / total > 0.3


def _break_lines(pieces: list[Piece], width: float, size: float, bold: bool, lang: str | None) -> list[list[Piece]]:
    """`_break` for body text with hard line breaks ("\n"): each line of the source broken on its
    own, an empty one kept as an empty line (as the planner counts them)."""
    text = "".join(p.text for p in pieces)
    if "\n" not in text:
        return _break(pieces, width, size, bold, None, lang)
    out: list[list[Piece]] = []
    start = 0
    for part in text.split("\n"):
        segment = _slice(pieces, start, start + len(part))
        out.extend(_break(segment, width, size, bold, None, lang) or [[]])
        start += len(part) + 1
    return out


def _break(pieces: list[Piece], width: float, size: float, bold: bool, family: str | None, lang: str | None,
           keep_newlines: bool = False) -> list[list[Piece]]:
    """`pieces` cut into lines. The planner measured the slide in the widest face a viewer may
    substitute (`conservative`), so its line counts are an upper bound: a line of one style is cut
    with the metrics of the font the PDF embeds, as far as PowerPoint would run it (never more lines
    than planned). A line that mixes styles (bold words, inline code: wider faces than the one it is
    measured in) keeps the planner's widths, whose slack covers them."""
    text = "".join(p.text for p in pieces)
    if not keep_newlines:
        text = text.replace("\n", " ")
        pieces = [replace(p, text=p.text.replace("\n", " ")) for p in pieces]
    mixed = any(p.bold != bold or p.mono != (family is not None) for p in pieces if p.text.strip())
    style = TextStyle(family=family, size=size, bold=bold, conservative=mixed, lang=lang)
    if keep_newlines:  # code: the indentation takes room on the first line (as deck_fit counts it)
        width -= indentation_width(text, size, family)
    lines = wrap_lines(text, max(10.0, width), style, size) if text.strip() else []
    out: list[list[Piece]] = []
    pos = 0
    for line in lines:
        # The breaker decides where lines end; the text drawn is the source's own (its spaces kept, and
        # a code line's indentation).
        while pos < len(text) and text[pos].isspace() and (out or not keep_newlines):
            pos += 1
        start = pos
        extra = ""
        for index, ch in enumerate(ch for ch in line if not ch.isspace()):
            probe = pos
            while probe < len(text) and text[probe].isspace():
                probe += 1
            if probe < len(text) and text[probe] == ch:
                pos = probe + 1
            else:  # a hyphen the breaker added inside a long word
                extra = "".join(c for c in line if not c.isspace())[index:]
                break
        sliced = _slice(pieces, start, pos)
        last = sliced[-1] if sliced else None
        # a URL or code cut across lines gets no hyphen: it would read as part of the address
        if extra and not (last is not None and (last.href or last.mono) and extra == "-"):
            last = last or Piece("")
            sliced.append(Piece(extra, last.bold, last.italic, last.mono, last.colour))
        out.append(_typeset_math(sliced))
    return out


def _typeset_math(line: list[Piece]) -> list[Piece]:
    """Inline formulas whole on the line set as the pptx sets them: italic letters, bold vectors,
    raised and lowered scripts (`inline_segments`); a formula cut across lines keeps its reading."""
    from cardgen.render.deck_math import segments_for

    out: list[Piece] = []
    for piece in line:
        if not piece.tex:  # no formula: the piece as it is
            out.append(piece)
            continue
        segments = segments_for(piece.text, piece.tex)
        if not segments:
            out.append(replace(piece, tex=None))
            continue
        out += [replace(piece, text=seg.text, bold=piece.bold or seg.bold, italic=seg.italic, script=seg.script,
                        tex=None) for seg in segments]
    return out


def _slice(pieces: list[Piece], start: int, end: int) -> list[Piece]:
    out, pos = [], 0
    for piece in pieces:
        lo, hi = pos, pos + len(piece.text)
        pos = hi
        a, b = max(lo, start), min(hi, end)
        if a < b:  # a formula cut across lines is no longer the formula
            out.append(replace(piece, text=piece.text[a - lo:b - lo], tex=piece.tex if (a, b) == (lo, hi) else None))
    return out


def _readable(colour: str, background: str) -> str:
    from cardgen.colors import ensure_contrast

    return ensure_contrast(colour, background)


def _decoded(path: str | Path) -> Image.Image:
    from cardgen import imaging

    image = imaging.open_image(path, keep_alpha=True)
    return image.convert("RGBA") if image.mode in ("RGBA", "LA", "P") else image.convert("RGB")


# --------------------------------------------------------------------------- document


def write_pdf(page: Page, plans: list[SlidePlan], drawer: DeckPdf, path: Path, *, handout: bool) -> int:
    """Draw `plans` into a PDF at `path` (atomically); returns the number of pages."""
    from fpdf import FPDF

    from cardgen.fields import authors_line
    from cardgen.output import atomic_write

    geo = drawer.geo
    size = A4 if handout else (geo.width, geo.height)
    pdf = FPDF(unit="pt", format=size)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creation_date(fixed_date(page, undated=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
    pdf.set_title(page.title_plain or page.slug)
    pdf.set_author(authors_line(page, 10))
    pdf.set_subject(page.description[:250])
    pdf.set_keywords(", ".join(page.tags))
    pdf.set_creator("cardgen")
    pdf.set_producer("cardgen")
    if page.language:
        pdf.set_lang(page.language)
    fonts = Fonts(pdf)
    for number, plan in enumerate(plans, 1):
        pdf.add_page()
        pdf.start_section(plan.title or page.title_plain or page.slug)
        if handout:
            _handout_page(pdf, fonts, drawer, plan, number)
        else:
            canvas = Canvas(pdf, fonts, family=drawer.family, mono=drawer.mono, lang=drawer.lang)
            drawer.draw(canvas, plan, number)
    atomic_write(path, output(pdf))
    return pdf.pages_count


def _handout_page(pdf: Any, fonts: Fonts, drawer: DeckPdf, plan: SlidePlan, number: int) -> None:
    """A4 portrait: the slide scaled to the page width on top (framed), its speaker notes below; notes too
    long for the page continue on the next one."""
    geo = drawer.geo
    width = A4[0] - 2 * HANDOUT_MARGIN
    scale = width / geo.width
    canvas = Canvas(pdf, fonts, family=drawer.family, mono=drawer.mono, lang=drawer.lang,
                    origin=(HANDOUT_MARGIN, HANDOUT_MARGIN), scale=scale)
    drawer.draw(canvas, plan, number)
    flat = Canvas(pdf, fonts, family=drawer.family, mono=drawer.mono, lang=drawer.lang)
    flat.frame(HANDOUT_MARGIN, HANDOUT_MARGIN, width, geo.height * scale, "#8c959f")
    top = HANDOUT_MARGIN + geo.height * scale + 24
    notes = [n for n in plan.notes if n and n.strip()]
    page_rtl = is_rtl(drawer.lang)
    heading = f"{number}  {plan.title}"  # on a right-to-left page the number is read first, at the right
    flat.line([Piece(heading, bold=True, colour="#1f2328")], HANDOUT_MARGIN, top + 11, 12,
              align="right" if page_rtl else "left", width=width)
    top += 24
    lead = NOTES_SIZE * 1.35
    bottom = A4[1] - HANDOUT_MARGIN
    for note in notes or [""]:
        for paragraph in note.split("\n"):
            pieces = [Piece(paragraph, colour="#1f2328")]
            # a paragraph runs the way its first strong letter says (an English note on an Arabic page
            # starts at the left), every line of it flush to that side
            align = "right" if base_rtl(paragraph, default=page_rtl) else "left"
            for line in _break(pieces, width, NOTES_SIZE, False, None, drawer.lang) or [[]]:
                if top + lead > bottom:
                    pdf.add_page()
                    top = HANDOUT_MARGIN
                flat.line(line, HANDOUT_MARGIN, top + _baseline(lead, NOTES_SIZE), NOTES_SIZE, align=align, width=width)
                top += lead
        top += lead * 0.5


__all__ = ["DeckPdf", "write_pdf"]
