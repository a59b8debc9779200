"""Drawing a card side on a PDF page (SPEC §3.3): the front, the back, QR code, marks.

The card is vector PDF written with fpdf2: real text in the bundled fonts (embedded and subset; each
run drawn in the font the text engine picked for it, so CJK and symbols never become tofu), the
featured image as high-quality JPEG at up to 300 dpi, a vector QR code on the back. Print geometry:
the page is trim + bleed (+ a mark area when crop marks are asked for), with TrimBox and BleedBox set
on every page. Text stays inside the trim minus a 4 mm safe margin; `CardPdf.texts` records where each
block landed so tests can check it.

The drawing functions take an origin (the trim's top-left corner on the PDF page) and the bleed to
paint on each side, so the same code draws a single card and each cell of an imposed sheet
(`cardgen.render.card_sheet`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgen import fields
from cardgen.colors import rgb as _rgb
from cardgen.document import ListBlock, Paragraph, Quote, plain
from cardgen.errors import UsageError
from cardgen.page import FocalPoint, Page
from cardgen.units import PT_PER_MM, mm_to_px

if TYPE_CHECKING:
    from fpdf import FPDF

    from cardgen.layouts.card import CardLayout
    from cardgen.render.assets import PageImages
    from cardgen.templates import Template
    from cardgen.text.fit import FittedText
    from cardgen.text.line import Piece

#: name → (width, height) in mm, portrait. Business cards follow ISO 7810 ID-1-ish 85×55.
SIZES: dict[str, tuple[float, float]] = {
    "a6": (105.0, 148.0),
    "a5": (148.0, 210.0),
    "postcard": (101.6, 152.4),
    "5x7": (127.0, 177.8),
    "business": (55.0, 85.0),
}
US_SIZES = ("postcard", "5x7")
ORIENTATIONS = ("portrait", "landscape")
BLEED_MM = 3.0
US_BLEED_MM = 3.175  # 0.125 in
SAFE_MM = 4.0
MARK_AREA_MM = 6.0  # room for crop marks beyond the bleed
MARK_GAP_MM = 1.0  # crop marks start this far outside the bleed, so trimming never shows them
TARGET_DPI = 300
LOW_DPI = 200
QR_MIN_MM = 20.0
QR_QUIET = 4  # modules of quiet zone, as ISO/IEC 18004 asks
MIN_PT = 5.5  # nothing smaller is printed: below this, text is shortened instead


@dataclass(frozen=True)
class Sides:
    """Bleed painted on each side of a card (mm); inner edges of an imposed sheet get 0."""

    left: float = 0.0
    top: float = 0.0
    right: float = 0.0
    bottom: float = 0.0

    @classmethod
    def all(cls, value: float) -> Sides:
        return cls(value, value, value, value)


@dataclass(frozen=True)
class PlacedText:
    """One text block as drawn, relative to the card's trim (mm)."""

    side: str  # "front" or "back"
    name: str
    box: tuple[float, float, float, float]  # x, y, w, h of the lines' extent
    lines: tuple[str, ...]
    size: float  # pt
    truncated: bool = False


@dataclass
class CardPdf:
    """What building a card PDF produced (bytes not yet written)."""

    data: bytes
    trim: tuple[float, float]
    bleed: float
    texts: list[PlacedText] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    qr: dict[str, Any] | None = None  # where the QR was drawn and its matrix


# --------------------------------------------------------------------------- geometry


def card_size(size: str = "a6", orientation: str = "portrait") -> tuple[float, float]:
    """Trim (width, height) in mm; landscape swaps so the width is the long side."""
    name = (size or "a6").strip().lower()
    if name not in SIZES:
        raise UsageError(f"--size: expected one of {', '.join(SIZES)}, got {size!r}")
    orient = (orientation or "portrait").strip().lower()
    if orient not in ORIENTATIONS:
        raise UsageError(f"--orientation: expected portrait or landscape, got {orientation!r}")
    short, long = sorted(SIZES[name])
    return (long, short) if orient == "landscape" else (short, long)


def default_bleed(size: str) -> float:
    """3 mm, or 0.125 in for the US sizes (what US print shops ask for)."""
    return US_BLEED_MM if (size or "").strip().lower() in US_SIZES else BLEED_MM


def check_bleed(bleed_mm: float | None, size: str) -> float:
    if bleed_mm is None:
        return default_bleed(size)
    if not 0 <= bleed_mm <= 10:
        raise UsageError(f"--bleed: expected millimetres from 0 to 10, got {bleed_mm:g}")
    return float(bleed_mm)


# --------------------------------------------------------------------------- PDF writer


def fixed_date(page: Page) -> dt.datetime:
    """The PDF's creation date: the page date (so the same page gives the same bytes), else the epoch."""
    value = page.date
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def new_pdf(title: str, date: dt.datetime, page_size: tuple[float, float]) -> FPDF:
    """An fpdf2 document in mm with deterministic metadata and print-at-100 % preferences."""
    from fpdf import FPDF, ViewerPreferences

    pdf = FPDF(unit="mm", format=page_size)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creation_date(date)
    pdf.set_title(title)
    pdf.set_creator("cardgen")
    pdf.set_producer("cardgen")
    pdf.viewer_preferences = ViewerPreferences(print_scaling="None")
    return pdf


def set_boxes(
    pdf: FPDF, trim: tuple[float, float, float, float], bleed: tuple[float, float, float, float]
) -> None:
    """TrimBox and BleedBox of the current page, given as (left, top, right, bottom) in mm from the top.

    fpdf2 has no API for them, but it serialises every public attribute of a page object as a key of the
    page dictionary (`media_box` → /MediaBox), so setting `trim_box`/`bleed_box` writes real entries.
    """
    page = pdf.pages[pdf.page]
    height = pdf.h

    def box(rect: tuple[float, float, float, float]) -> str:
        left, top, right, bottom = rect
        values = (left, height - bottom, right, height - top)
        return "[" + " ".join(f"{v * PT_PER_MM:.3f}" for v in values) + "]"

    page.trim_box = box(trim)  # type: ignore[attr-defined]
    page.bleed_box = box(bleed)  # type: ignore[attr-defined]


def _formula_pieces(text: str, formulas: dict[str, str]) -> list[tuple[str, str]]:
    """`text` cut into (plain text, "") and (reading, tex) pieces at the formulas it shows."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    keys = sorted(formulas, key=len, reverse=True)
    while pos < len(text):
        found = min(((text.find(k, pos), k) for k in keys if text.find(k, pos) >= 0), default=None)
        if found is None:
            break
        start, key = found
        if start > pos:
            pieces.append((text[pos:start], ""))
        pieces.append((key, formulas[key]))
        pos = start + len(key)
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], ""))
    return pieces


class Writer:
    """Draws on one fpdf2 document: fonts registered once per file, text as per-font segments."""

    def __init__(self, pdf: FPDF, lang: str | None = None, text_only: bool = False) -> None:
        self.pdf = pdf
        self.lang = lang
        self.text_only = text_only  # tests render text alone to check the safe margin in pixels
        self.texts: list[PlacedText] = []
        self.warnings: list[str] = []
        self._fonts: dict[Path, str] = {}
        from cardgen.i18n import is_rtl

        self.rtl = is_rtl(lang)  # a right-to-left page: text columns are set flush right
        # Inline formulas whose plain-text reading is not exact ("ϕ_T"): drawn as typeset vector
        # paths wherever a line shows that reading (see `cardgen.math.inline_formulas`).
        self.formulas: dict[str, str] = {}

    def font(self, path: Path) -> str:
        name = self._fonts.get(path)
        if name is None:
            name = f"F{len(self._fonts)}-{path.stem.split('.')[0]}"
            self.pdf.add_font(name, "", str(path))
            # Subsetting a CFF font (Noto CJK) would otherwise recompute every glyph's bounds from its
            # charstrings when the subset is saved (~0.3 s per card); the original bounding box is kept,
            # a superset of the subset's, which is all a PDF reader uses it for.
            added = self.pdf.fonts.get(name.lower()) or self.pdf.fonts.get(name)
            if getattr(added, "ttfont", None) is not None:
                added.ttfont.recalcBBoxes = False
            self._fonts[path] = name
        return name

    def fill(self, colour: str) -> None:
        self.pdf.set_fill_color(*_rgb(colour))

    def rect(self, x: float, y: float, w: float, h: float, colour: str, opacity: float = 1.0) -> None:
        if self.text_only or w <= 0 or h <= 0:
            return
        self.fill(colour)
        if opacity < 1.0:
            with self.pdf.local_context(fill_opacity=opacity):
                self.pdf.rect(x, y, w, h, style="F")
        else:
            self.pdf.rect(x, y, w, h, style="F")

    def line(self, x: float, y: float, text: str, size: float, colour: str, bold: bool = False) -> None:
        """One line of text with its baseline at y (mm), each run in the font that has its glyphs;
        inline formulas as vector paths on the same baseline."""
        if self.formulas and not self.text_only:
            pieces = _formula_pieces(text, self.formulas)
            if len(pieces) > 1 or pieces[0][1]:
                for piece, tex in pieces:
                    x = self._formula(x, y, tex, size, colour) if tex else self._text(x, y, piece, size, colour, bold)
                return
        self._text(x, y, text, size, colour, bold)

    def _formula(self, x: float, y: float, tex: str, size: float, colour: str) -> float:
        """Draw `tex` with its baseline at y (mm) from x; returns the x after it."""
        import io

        from cardgen.math import check_drawing, typeset

        eq = check_drawing(typeset(tex, display=False))
        em = size / PT_PER_MM
        self.pdf.image(io.BytesIO(eq.svg(colour).encode("utf-8")), x=x, y=y - eq.ascent * em,
                       w=eq.width * em, h=eq.height * em)
        return x + eq.width * em

    def _text(self, x: float, y: float, text: str, size: float, colour: str, bold: bool = False) -> float:
        from cardgen.text.fonts import segments
        from cardgen.text.line import needs_layout, place_line
        from cardgen.text.measure import text_width

        self.pdf.set_text_color(*_rgb(colour))
        if needs_layout(text):
            for piece in place_line(text, None, bold, False, self.lang).pieces:
                if piece.text.strip():
                    self.pdf.set_font(self.font(piece.path), size=size)
                    self._piece(x + piece.x * size / PT_PER_MM, y, piece, size)
            return x + text_width(text, size, bold=bold, lang=self.lang) / PT_PER_MM
        for chunk, path in segments(text, None, bold=bold, lang=self.lang):
            self.pdf.set_font(self.font(path), size=size)
            if chunk.strip():
                self.pdf.text(x, y, chunk)
            x += text_width(chunk, size, bold=bold, lang=self.lang) / PT_PER_MM
        return x

    def _piece(self, x: float, y: float, piece: Piece, size: float) -> None:
        """A laid-out piece with its baseline's left end at (x, y). Shaped pieces go through fpdf2's
        HarfBuzz shaping (`text()` does not shape), in a margin-less cell whose baseline fpdf2 puts
        at 0.5 h + 0.3 size below its top (fpdf.FPDF._render_styled_text_line)."""
        if not piece.shaped:
            self.pdf.text(x, y, piece.text)
            return
        size_mm = size / PT_PER_MM
        margin = self.pdf.c_margin
        self.pdf.c_margin = 0
        self.pdf.set_text_shaping(True, direction="rtl" if piece.rtl else "ltr", language=self.lang or None)
        try:
            self.pdf.set_xy(x, y - 0.8 * size_mm)
            self.pdf.cell(w=piece.width * size_mm, h=size_mm, text=piece.text, align="L")
        finally:
            self.pdf.set_text_shaping(False)
            self.pdf.c_margin = margin

    def block(
        self,
        side: str,
        name: str,
        fitted: FittedText,
        origin: tuple[float, float],
        xy: tuple[float, float],
        colour: str,
        bold: bool = False,
        width: float | None = None,
    ) -> float:
        """Draw fitted lines from the top-left `xy` (mm, relative to the trim at `origin`); returns the
        height used. Baselines sit so that ascenders and descenders stay inside each line's slot. On a
        right-to-left page, lines end at the right edge of the `width` column."""
        from cardgen.text.measure import text_width

        lead = fitted.line_height / PT_PER_MM
        size_mm = fitted.size / PT_PER_MM
        first = (lead - size_mm) / 2 + 0.8 * size_mm
        for i, text in enumerate(fitted.lines):
            x = origin[0] + xy[0]
            if self.rtl and width is not None:
                x += width - text_width(text, fitted.size, bold=bold, lang=self.lang) / PT_PER_MM
            self.line(x, origin[1] + xy[1] + first + i * lead, text, fitted.size, colour, bold)
        height = len(fitted.lines) * lead
        used = fitted.width / PT_PER_MM
        left = xy[0] + (width - used if self.rtl and width is not None else 0.0)
        self.texts.append(
            PlacedText(side, name, (left, xy[1], used, height), fitted.lines, fitted.size, fitted.truncated)
        )
        return height


def fit(
    text: str,
    box_mm: tuple[float, float],
    size: float,
    min_size: float,
    *,
    max_lines: int | None = None,
    bold: bool = False,
    line_height: float = 1.3,
    lang: str | None = None,
) -> FittedText:
    """`fit_text` in print units: box in mm, sizes in pt."""
    from cardgen.text.fit import Box, TextStyle, fit_text

    size = max(size, MIN_PT)
    style = TextStyle(
        size=size,
        min_size=min(max(min_size, MIN_PT), size),
        max_lines=max_lines,
        bold=bold,
        line_height=line_height,
        lang=lang,
        step=0.5,
    )
    return fit_text(text, Box(box_mm[0] * PT_PER_MM, max(0.0, box_mm[1]) * PT_PER_MM), style)


def fit_url(url: str, width_mm: float, size: float, lang: str | None = None) -> FittedText:
    """A URL on one line, shortened in the middle (host and last path part stay readable)."""
    from cardgen.text.measure import text_width

    limit = 60
    text = fields.display_url(url, limit)
    while limit > 12 and text_width(text, size, lang=lang) > width_mm * PT_PER_MM:
        limit -= 2
        text = fields.display_url(url, limit)
    return fit(text, (width_mm, size * 1.4 / PT_PER_MM), size, size, max_lines=1, lang=lang)


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class CardSpec:
    """Everything the drawing functions need about one card."""

    page: Page
    layout: CardLayout
    trim: tuple[float, float]
    images: PageImages
    bleed: float = 3.0  # nominal bleed: pictures are cut for it even where an imposed sheet clips it

    @property
    def landscape(self) -> bool:
        return self.trim[0] > self.trim[1]

    @property
    def scale(self) -> float:
        """Type scale relative to A6 (sizes in the template are for a 105 mm wide card)."""
        return max(0.62, min(1.6, min(self.trim) / 105.0))

    @property
    def margin(self) -> float:
        """Text inset from the trim: the 4 mm safe margin, more on bigger cards for breathing room."""
        return max(SAFE_MM, round(0.065 * min(self.trim), 1))


def body_text(page: Page, limit: int = 1200) -> list[str]:
    """The first paragraphs of the body (lists become 'item; item'), up to about `limit` characters,
    leaving out those the front shows as the summary (unless nothing else is left)."""
    from cardgen.text.plain import to_plain

    paragraphs: list[str] = []
    total = 0
    for block in page.document.blocks:
        if isinstance(block, Paragraph):
            if _mostly_link(block.runs):
                continue  # "For more detail, visit here.": the link itself is on the back already
            text = plain(block.runs)
        elif isinstance(block, ListBlock):
            text = "; ".join(plain(item.runs).strip() for item in block.items if plain(item.runs).strip())
        elif isinstance(block, Quote):
            text = " ".join(plain(b.runs) for b in block.children if isinstance(b, Paragraph))
        else:
            continue
        text = " ".join(to_plain(text).split())
        if not text:
            continue
        paragraphs.append(text)
        total += len(text)
        if total >= limit:
            break
    shown = " ".join(page.description.split())
    fresh = [p for p in paragraphs if p not in shown]  # the front already prints the summary
    if fresh:
        return fresh
    if not paragraphs and page.description:
        paragraphs.append(page.description)
    return paragraphs


def _mostly_link(runs: tuple) -> bool:
    """A short paragraph that is mostly link text (it only points elsewhere; useless on paper)."""
    total = len(plain(runs).strip())
    linked = sum(len(r.text.strip()) for r in runs if r.href)
    return 0 < total < 120 and linked > 0 and (linked >= total * 0.5 or total < 40)


def print_links(page: Page, qr_url: str, limit: int = 5) -> list[tuple[str, str]]:
    """(label, URL) of the page's absolute links, the QR target first."""
    from cardgen.i18n import labels

    words = labels(page.language)
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in page.links:
        url = link.url.strip()
        if not url.startswith(("http://", "https://")) or url.rstrip("/") in seen:
            continue
        seen.add(url.rstrip("/"))
        rows.append((fields.link_label(link) or words.text("link"), url))
    if qr_url and qr_url.rstrip("/") not in seen:
        rows.insert(0, (words.text("project_page"), qr_url))
    return rows[:limit]


# --------------------------------------------------------------------------- front


def _paint(w: Writer, card: CardSpec, origin: tuple[float, float], bleed: Sides, colour: str) -> None:
    """The card's background, trim plus its bleed on every side that has one."""
    width, height = card.trim
    w.rect(origin[0] - bleed.left, origin[1] - bleed.top, width + bleed.left + bleed.right,
           height + bleed.top + bleed.bottom, colour)


def draw_front(w: Writer, card: CardSpec, origin: tuple[float, float], bleed: Sides) -> None:
    """The front: picture band into the bleed, credit line, kicker, title, authors, summary, URL."""
    layout, (width, height) = card.layout, card.trim
    x0, y0 = origin
    _paint(w, card, origin, bleed, layout.background)
    b = card.bleed
    if card.landscape:
        band = round(width * layout.band, 2)
        picture = (x0 - bleed.left, y0 - bleed.top, band + bleed.left, height + bleed.top + bleed.bottom)
        full = (x0 - b, y0 - b, band + b, height + 2 * b)
        w.rect(x0 + band, y0 - bleed.top, layout.accent_bar, height + bleed.top + bleed.bottom, layout.accent)
        text_box = (
            band + layout.accent_bar + card.margin,
            card.margin,
            width - band - layout.accent_bar - 2 * card.margin,
            height - 2 * card.margin,
        )
    else:
        band = round(height * layout.band, 2)
        picture = (x0 - bleed.left, y0 - bleed.top, width + bleed.left + bleed.right, band + bleed.top)
        full = (x0 - b, y0 - b, width + 2 * b, band + b)
        w.rect(x0 - bleed.left, y0 + band, width + bleed.left + bleed.right, layout.accent_bar, layout.accent)
        top = band + layout.accent_bar + card.margin * 0.9
        text_box = (card.margin, top, width - 2 * card.margin, height - top - card.margin)
    visible = (0.0, 0.0, band, height) if card.landscape else (0.0, 0.0, width, band)
    _picture(w, card, picture, origin, visible, full)
    _front_text(w, card, origin, text_box)


def _picture(
    w: Writer,
    card: CardSpec,
    rect: tuple[float, float, float, float],
    origin: tuple[float, float],
    visible: tuple[float, float, float, float],
    full: tuple[float, float, float, float] | None = None,
) -> None:
    """The featured image (or placeholder art) filling `rect` (mm, page coordinates, bleed included)
    and its credit line inside the `visible` part (trim coordinates).

    The picture is always cut for the card with its full bleed (`full`) and clipped to `rect`, so a
    card on an imposed sheet shows the same crop as the single card (and a batch reuses that crop)."""
    x, y, rw, rh = rect
    fx, fy, fw, fh = full or rect
    if not w.text_only:
        hero = _hero(w, card, (fw, fh))
        buffer = io.BytesIO()
        hero.image.convert("RGB").save(buffer, "JPEG", quality=90, optimize=True, subsampling=0)
        if (fx, fy, fw, fh) == (x, y, rw, rh):
            w.pdf.image(buffer, x, y, rw, rh)
        else:
            with w.pdf.rect_clip(x, y, rw, rh):
                w.pdf.image(buffer, fx, fy, fw, fh)
    caption = card.page.image.caption_text.strip()
    if caption:
        _credit(w, card, caption, origin, visible)


def _hero(w: Writer, card: CardSpec, size_mm: tuple[float, float]) -> Any:
    """Crop at 300 dpi, or at the source's own resolution when it has fewer pixels (no upscaling)."""
    px = (mm_to_px(size_mm[0], TARGET_DPI), mm_to_px(size_mm[1], TARGET_DPI))
    full = card.images.source_size()
    if full is not None:
        widest = min(full[0], full[1] * px[0] / px[1])
        smart = card.page.image.focal_point == FocalPoint.SMART
        headroom = 0.9 if smart else 1.0  # a smart crop may keep 0.9x the largest window
        factor = min(1.0, widest * headroom / px[0])
        px = (px[0] * factor, px[1] * factor)
    hero = card.images.hero((max(8, round(px[0])), max(8, round(px[1]))))
    dpi = hero.dpi(size_mm)
    if dpi is not None and dpi < LOW_DPI:
        w.warnings.append(
            f"{card.page.path}: featured image prints at {dpi:.0f} dpi on this card "
            f"(below {LOW_DPI}; use a larger image for sharp print)"
        )
    return hero


def _credit(
    w: Writer,
    card: CardSpec,
    caption: str,
    origin: tuple[float, float],
    visible: tuple[float, float, float, float],
) -> None:
    """The image caption as a small credit line at the picture's bottom right, on a dark scrim."""
    left, top, right, bottom = visible
    m = card.margin
    size = 5.5 * max(0.85, card.scale)
    fitted = fit(
        caption, (right - left - 2 * m, size * 1.35 / PT_PER_MM), size, size, max_lines=1, lang=w.lang
    )
    pad_x, pad_y = 1.2, 0.5
    text_w = fitted.width / PT_PER_MM
    strip_h = fitted.line_height / PT_PER_MM + 2 * pad_y
    inset = m if bottom >= card.trim[1] - 0.01 else min(m, 2.5)  # the band's edge is inside the card
    x = right - m - text_w
    y = bottom - inset - strip_h
    w.rect(
        origin[0] + x - pad_x,
        origin[1] + y,
        text_w + 2 * pad_x,
        strip_h,
        "#000000",
        card.layout.caption_scrim,
    )
    w.block("front", "credit", fitted, origin, (x, y + pad_y), "#ffffff")
    if fitted.truncated:
        w.warnings.append(f"{card.page.path}: image caption shortened to fit the card's credit line")


def _front_text(
    w: Writer, card: CardSpec, origin: tuple[float, float], box: tuple[float, float, float, float]
) -> None:
    layout, page, s = card.layout, card.page, card.scale
    x, y, bw, bh = box
    lang, lh = w.lang, layout.line_height
    bottom = y + bh
    kicker = fields.site_line(page) or fields.date_line(page)
    footer = page.main_url
    if not footer and kicker != fields.date_line(page):
        footer = fields.date_line(page)
    meta = max(MIN_PT, layout.meta_size * s)
    if footer:
        foot = (
            fit_url(footer, bw, meta, lang)
            if footer == page.main_url
            else fit(footer, (bw, meta * 1.4 / PT_PER_MM), meta, meta * 0.8, max_lines=1, lang=lang)
        )
        foot_h = foot.line_height / PT_PER_MM
        w.block("front", "footer", foot, origin, (x, bottom - foot_h), layout.muted_color, width=bw)
        bottom -= foot_h + 2.0 * s
    if kicker:
        kicker = kicker.upper() if layout.kicker_uppercase and not _is_cjk(kicker) else kicker
        kick = fit(kicker, (bw, meta * 1.4 / PT_PER_MM), meta, MIN_PT, max_lines=1, bold=True, lang=lang)
        y += w.block("front", "kicker", kick, origin, (x, y), layout.kicker_color, bold=True, width=bw) + 1.2 * s
    title_size = layout.title_size * s
    title = fit(
        page.title_plain or page.slug,
        (bw, (bottom - y) * 0.5),
        title_size,
        layout.title_min_size * s,
        max_lines=layout.title_max_lines,
        bold=True,
        line_height=1.15,
        lang=lang,
    )
    if title.truncated:
        w.warnings.append(f"{page.path}: title: shortened with an ellipsis to fit the card")
    if title.missing:
        w.warnings.append(f"{page.path}: title: no font has {''.join(title.missing)!r}")
    y += w.block("front", "title", title, origin, (x, y), layout.title_color, bold=True, width=bw) + 1.6 * s
    authors = fields.authors_line(page, max_names=3)
    if authors and bottom - y > meta / PT_PER_MM * 1.4:
        auth = fit(
            authors,
            (bw, min(bottom - y, meta * 2 * 1.35 / PT_PER_MM)),
            meta + 0.5,
            meta * 0.85,
            max_lines=2,
            lang=lang,
        )
        y += w.block("front", "authors", auth, origin, (x, y), layout.muted_color, width=bw) + 2.4 * s
    summary = page.description
    if summary and bottom - y > layout.summary_min_size * s * lh / PT_PER_MM:
        summ = fit(
            summary,
            (bw, bottom - y),
            layout.summary_size * s,
            layout.summary_min_size * s,
            line_height=lh,
            lang=lang,
        )
        w.block("front", "summary", summ, origin, (x, y), layout.text_color, width=bw)
        if summ.truncated:
            w.warnings.append(f"{page.path}: summary: shortened with an ellipsis to fit the card")
        if summ.missing:
            w.warnings.append(f"{page.path}: summary: no font has {''.join(summ.missing)!r}")


def _is_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


# --------------------------------------------------------------------------- back


def draw_back(w: Writer, card: CardSpec, origin: tuple[float, float], bleed: Sides) -> dict[str, Any] | None:
    """The back: title, the first paragraphs of the body, links and a QR code to the page.

    Returns where the QR code went (None when the page has no absolute URL)."""
    layout, page, s = card.layout, card.page, card.scale
    width, height = card.trim
    x0, y0 = origin
    m = card.margin
    _paint(w, card, origin, bleed, layout.back_background)
    url = page.qr_url
    qr_info = None
    qr_side = 0.0
    bottom = height - m
    if url:
        matrix, module, qr_side = qr_layout(url, card)
        trim_xy = (width - m - qr_side, height - m - qr_side)
        draw_qr(w, matrix, module, (x0 + trim_xy[0], y0 + trim_xy[1]), layout)
        qr_info = {
            "url": url,
            "xy": (x0 + trim_xy[0], y0 + trim_xy[1]),
            "trim_xy": trim_xy,
            "side": qr_side,
            "module": module,
            "modules": len(matrix),
            "matrix": matrix,
        }
    elif not page.main_url:  # (a URL too long for a QR code has its warning from the loader)
        w.warnings.append(
            f"{page.path}: card back: no QR code (no absolute URL in external_link, the site's "
            "baseURL, url_project, the body's project link or links)"
        )
    y = m
    title_color = layout.back_title_color
    if layout.back_header:
        head_h = _back_header(w, card, origin, bleed)
        y = head_h + m * 0.9
    else:
        title = fit(
            page.title_plain or page.slug,
            (width - 2 * m, height * 0.2),
            10.5 * s,
            8 * s,
            max_lines=2,
            bold=True,
            line_height=1.2,
            lang=w.lang,
        )
        y += w.block("back", "title", title, origin, (m, y), title_color, bold=True, width=width - 2 * m)
        rule_x = x0 + (width - m - 10 * s if w.rtl else m)
        w.rect(rule_x, y0 + y + 2.2 * s, 10 * s, 0.6, layout.accent)
        y += 5.0 * s
    links_top = _links(w, card, origin, url, qr_side)
    if card.landscape and qr_side:
        # A column beside the QR code keeps lines to a readable length on wide cards.
        body = (m, y, width - 2 * m - qr_side - 4.0 * s, links_top - 3.0 * s - y)
    else:
        body = (m, y, width - 2 * m, min(links_top, bottom - qr_side) - 3.0 * s - y)
    _body(w, card, origin, body)
    return qr_info


def _back_header(w: Writer, card: CardSpec, origin: tuple[float, float], bleed: Sides) -> float:
    """An accent band with the title across the top of the back (templates with `back_header`)."""
    layout, s, m = card.layout, card.scale, card.margin
    width = card.trim[0]
    title = fit(
        card.page.title_plain or card.page.slug,
        (width - 2 * m, card.trim[1] * 0.2),
        11 * s,
        8 * s,
        max_lines=2,
        bold=True,
        line_height=1.2,
        lang=w.lang,
    )
    band = m + title.height / PT_PER_MM + m * 0.8
    w.rect(
        origin[0] - bleed.left,
        origin[1] - bleed.top,
        width + bleed.left + bleed.right,
        band + bleed.top,
        layout.header_color,
    )
    w.block("back", "title", title, origin, (m, m), layout.on_header, bold=True, width=width - 2 * m)
    return band


def qr_layout(url: str, card: CardSpec) -> tuple[list[list[int]], float, float]:
    """(matrix, module mm, tile side mm) for `url`: a symbol of ≥ 20 mm (more on bigger cards, so it
    scans from arm's length) plus its quiet zone of 4 modules on each side."""
    import segno

    matrix = [list(row) for row in segno.make(url, error="m", micro=False).matrix]
    symbol = max(QR_MIN_MM, min(26.0, round(min(card.trim) * 0.2, 1)))
    module = symbol / len(matrix)
    return matrix, module, module * (len(matrix) + 2 * QR_QUIET)


def _links(w: Writer, card: CardSpec, origin: tuple[float, float], url: str, qr_side: float) -> float:
    """Links with labels at the bottom left, beside the QR code; returns the top of the list (mm)."""
    layout, s, m = card.layout, card.scale, card.margin
    width, height = card.trim
    gap = 4.0 * s if qr_side else 0.0
    col_w = width - 2 * m - qr_side - gap
    rows = print_links(card.page, url)
    size = max(MIN_PT, layout.meta_size * s)
    row_h = size * 1.3 / PT_PER_MM
    if col_w < 28 or not rows:  # too narrow for a readable address: the QR code carries it alone
        return height - m
    available = qr_side if qr_side else height * 0.3
    fit_rows = max(1, int((available + 0.5) // (2 * row_h + 1.0)))
    rows = rows[:fit_rows]
    y = height - m - len(rows) * (2 * row_h + 1.0) + 1.0
    top = y
    for label, short in rows:
        lab = fit(label, (col_w, row_h), size, size * 0.85, max_lines=1, bold=True, lang=w.lang)
        y += w.block("back", "link", lab, origin, (m, y), layout.back_text_color, bold=True)
        address = fit_url(short, col_w, size, w.lang)
        y += w.block("back", "link", address, origin, (m, y), layout.back_link_color) + 1.0
    return top


def _body(
    w: Writer, card: CardSpec, origin: tuple[float, float], box: tuple[float, float, float, float]
) -> None:
    """The first paragraphs, all at one size: the largest that fits, else the last one ellipsised."""
    layout, s = card.layout, card.scale
    x, y, bw, bh = box
    paragraphs = body_text(card.page)
    if not paragraphs or bh < 5:
        return
    size, floor = max(MIN_PT, layout.body_size * s), max(MIN_PT, layout.body_min_size * s)
    lh = layout.line_height
    gap = 0.5  # paragraph gap, in lines
    while True:
        fitted = [fit(p, (bw, 1000.0), size, size, line_height=lh, lang=w.lang) for p in paragraphs]
        lines = sum(len(f.lines) for f in fitted) + gap * (len(fitted) - 1)
        if lines * size * lh / PT_PER_MM <= bh or size <= floor:
            break
        size = max(floor, size - 0.25)
    lead = size * lh / PT_PER_MM
    truncated = False
    for para in paragraphs:
        room = box[1] + bh - y
        if room < lead:
            truncated = True
            break
        piece = fit(para, (bw, room), size, size, line_height=lh, lang=w.lang)
        y += w.block("back", "body", piece, origin, (x, y), layout.back_text_color, width=bw) + gap * lead
        if piece.truncated:
            truncated = True
            break
    if truncated:
        w.warnings.append(f"{card.page.path}: card back: description shortened with an ellipsis to fit")


def draw_qr(
    w: Writer, matrix: list[list[int]], module: float, xy: tuple[float, float], layout: CardLayout
) -> None:
    """A vector QR code: a light tile (the quiet zone) and one filled rectangle per run of dark modules."""
    if w.text_only:
        return
    count = len(matrix)
    side = module * (count + 2 * QR_QUIET)
    x, y = xy
    w.rect(x, y, side, side, layout.qr_tile)
    w.fill(layout.qr_color)
    ox, oy = x + QR_QUIET * module, y + QR_QUIET * module
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            w.pdf.rect(ox + start * module, oy + r * module, (c - start) * module, module, style="F")


# --------------------------------------------------------------------------- marks


def crop_marks(w: Writer, trim: tuple[float, float, float, float], offset: float, length: float) -> None:
    """Thin registration-black lines at the trim corners, starting `offset` mm outside the trim."""
    if w.text_only or length <= 0:
        return
    left, top, right, bottom = trim
    pdf = w.pdf
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.25 / PT_PER_MM)
    for x in (left, right):
        pdf.line(x, top - offset, x, top - offset - length)
        pdf.line(x, bottom + offset, x, bottom + offset + length)
    for y in (top, bottom):
        pdf.line(left - offset, y, left - offset - length, y)
        pdf.line(right + offset, y, right + offset + length, y)


# --------------------------------------------------------------------------- single card


def card_spec(page: Page, trim: tuple[float, float], tpl: Template, images: PageImages | None,
              bleed: float = 3.0) -> CardSpec:
    from cardgen.render.assets import PageImages

    layout = tpl.card
    if images is None:
        images = PageImages(page, palette=layout.placeholder_palette or None)
    return CardSpec(page, layout, trim, images, bleed)
