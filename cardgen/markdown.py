"""Markdown body → `Document` blocks (markdown-it-py + plugins + Hugo shortcodes).

Parsing happens once per page; renderers only read the resulting frozen dataclasses. Raw HTML is
reduced to text, math is kept as LaTeX source, shortcodes map to blocks (`figure` → `Figure`,
`callout` → `Callout`, …) and unknown ones stay as text with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cardgen.document import (
    Block,
    Callout,
    CodeBlock,
    Document,
    Figure,
    Gallery,
    Heading,
    Html,
    Inline,
    ListBlock,
    ListItem,
    MathBlock,
    Paragraph,
    Quote,
    Run,
    SpeakerNote,
    Table,
    ThematicBreak,
    Video,
)
from cardgen.shortcodes import Shortcode, read_shortcode, shortcodes_plugin

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp")
_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%]+)\"?\s*[>%]\}\}")
_TASK = re.compile(r"^\[([ xX])\]\s+")
_DROPPED = frozenset({"toc", "icon", "slide", "comment", "spacer", "br"})
_FLATTENED = frozenset({"fragment", "hl", "mark", "spoiler", "details", "toggle", "columns", "column",
                        "blockquote", "staticref", "button", "cta", "math"})


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark + GFM tables/strikethrough + footnotes + dollar math + Hugo shortcodes."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    md.use(shortcodes_plugin)
    return md


@dataclass
class Context:
    """Where the page lives (to resolve image paths safely) and the warnings collected so far."""

    base_dir: Path | None
    site_root: Path | None
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


# --- public API -------------------------------------------------------------------------------------


def parse_document(body: str, *, base_dir: Path | None = None, site_root: Path | None = None) -> Document:
    """The page body as blocks, footnotes and warnings."""
    ctx = Context(Path(base_dir) if base_dir else None, Path(site_root) if site_root else None)
    tokens = tokenize(body)
    blocks = convert_blocks(tokens, ctx)
    footnotes = _footnotes(tokens, ctx)
    return Document(blocks=tuple(blocks), footnotes=footnotes, warnings=tuple(ctx.warnings))


def parse_inline(text: str) -> Inline:
    """Inline Markdown (a title, summary or caption) as styled runs; HTML stripped, entities decoded."""
    if not text:
        return ()
    ctx = Context(None, None)
    tokens = markdown_parser().parseInline(_prepare(str(text)))
    runs: list[Run] = []
    for token in tokens:
        runs.extend(inline_runs(token.children or [], ctx))
    return merge_runs(runs)


def tokenize(body: str) -> list[Token]:
    return markdown_parser().parse(_prepare(body))


# --- blocks --------------------------------------------------------------------------------------------


def convert_blocks(tokens: list[Token], ctx: Context) -> list[Block]:
    """Top-level block tokens (a flat markdown-it stream) → blocks."""
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            runs = inline_runs(tokens[i + 1].children or [], ctx)
            blocks.append(Heading(int(token.tag[1]), merge_runs(runs)))
            i += 3
        elif kind == "paragraph_open":
            blocks.extend(_paragraph(tokens[i + 1], ctx))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, i)
            blocks.append(_list(tokens[i : end + 1], ctx))
            i = end + 1
        elif kind == "blockquote_open":
            end = _closing(tokens, i)
            blocks.append(Quote(tuple(convert_blocks(tokens[i + 1 : end], ctx))))
            i = end + 1
        elif kind == "table_open":
            end = _closing(tokens, i)
            blocks.append(_table(tokens[i : end + 1], ctx))
            i = end + 1
        elif kind in ("fence", "code_block"):
            info = (token.info or "").strip().split()
            language = info[0].strip("{}.") if info else None
            blocks.append(CodeBlock(token.content.rstrip("\n"), language or None))
            i += 1
        elif kind in ("math_block", "math_block_label"):
            blocks.append(MathBlock(token.content.strip()))
            i += 1
        elif kind == "hr":
            blocks.append(ThematicBreak())
            i += 1
        elif kind == "html_block":
            blocks.extend(html_blocks(token.content, ctx))
            i += 1
        elif kind == "shortcode":
            blocks.extend(shortcode_blocks(token.meta["shortcode"], ctx))
            i += 1
        elif kind == "footnote_block_open" or kind.endswith("_open"):
            i = _closing(tokens, i) + 1
        else:
            i += 1
    return blocks


def _closing(tokens: list[Token], start: int) -> int:
    """Index of the token closing `tokens[start]` (same nesting level)."""
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _paragraph(inline: Token, ctx: Context) -> list[Block]:
    children = inline.children or []
    meaningful = [c for c in children if not (c.type in ("softbreak", "hardbreak") or (c.type == "text" and not c.content.strip()))]
    if meaningful and all(c.type == "image" for c in meaningful):
        return [_image_figure(c, ctx) for c in meaningful]
    if len(meaningful) == 1 and meaningful[0].type == "shortcode_inline":
        return shortcode_blocks(meaningful[0].meta["shortcode"], ctx)
    runs = merge_runs(inline_runs(children, ctx))
    if not "".join(r.text for r in runs).strip():
        return []
    return [Paragraph(runs)]


def _list(tokens: list[Token], ctx: Context) -> ListBlock:
    ordered = tokens[0].type == "ordered_list_open"
    start = int(tokens[0].attrGet("start") or 1) if ordered else 1
    items: list[ListItem] = []
    i = 1
    while i < len(tokens) - 1:
        if tokens[i].type != "list_item_open":
            i += 1
            continue
        end = _closing(tokens, i)
        inner = convert_blocks(tokens[i + 1 : end], ctx)
        runs: Inline = ()
        if inner and isinstance(inner[0], Paragraph):
            runs = inner.pop(0).runs
        checked = None
        if runs and not runs[0].code:
            m = _TASK.match(runs[0].text)
            if m:
                checked = m.group(1) != " "
                runs = merge_runs([Run(runs[0].text[m.end():], runs[0].bold, runs[0].italic, False, runs[0].strike,
                                       runs[0].href), *runs[1:]])
        items.append(ListItem(runs, tuple(inner), checked))
        i = end + 1
    return ListBlock(tuple(items), ordered, start)


def _table(tokens: list[Token], ctx: Context) -> Table:
    header: list[Inline] = []
    rows: list[tuple[Inline, ...]] = []
    align: list[str | None] = []
    row: list[Inline] = []
    in_head = False
    for j, token in enumerate(tokens):
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            if in_head:
                style = token.attrGet("style") or ""
                m = re.search(r"text-align:\s*(left|center|right)", str(style))
                align.append(m.group(1) if m else None)
            inline = tokens[j + 1]
            row.append(merge_runs(inline_runs(inline.children or [], ctx)) if inline.type == "inline" else ())
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(tuple(row))
    return Table(tuple(header), tuple(rows), tuple(align))


def _footnotes(tokens: list[Token], ctx: Context) -> tuple[tuple[str, Inline], ...]:
    notes: list[tuple[str, Inline]] = []
    for i, token in enumerate(tokens):
        if token.type == "footnote_open":
            end = _closing(tokens, i)
            label = str((token.meta or {}).get("label", len(notes) + 1))
            runs: list[Run] = []
            for inner in tokens[i:end]:
                if inner.type == "inline":
                    runs.extend(r for r in inline_runs(inner.children or [], ctx))
            notes.append((label, merge_runs(runs)))
    return tuple(notes)


# --- inline ----------------------------------------------------------------------------------------------


def inline_runs(children: list[Token], ctx: Context) -> list[Run]:
    """Inline tokens → runs, tracking bold/italic/strike/link state."""
    runs: list[Run] = []
    bold = italic = strike = 0
    href: list[str] = []
    html_bold = 0

    def add(text: str, *, code: bool = False, math: bool = False) -> None:
        if text:
            runs.append(Run(text, bold + html_bold > 0, italic > 0, code, strike > 0, href[-1] if href else None, math))

    for token in children:
        kind = token.type
        if kind == "text":
            add(token.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold = max(0, bold - 1)
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic = max(0, italic - 1)
        elif kind == "s_open":
            strike += 1
        elif kind == "s_close":
            strike = max(0, strike - 1)
        elif kind == "link_open":
            href.append(str(token.attrGet("href") or ""))
        elif kind == "link_close":
            if href:
                href.pop()
        elif kind == "code_inline":
            content = token.content
            if len(content) > 2 and content.startswith("$") and content.endswith("$"):
                add(content.strip("$").strip(), math=True)
            else:
                add(content, code=True)
        elif kind in ("math_inline", "math_inline_double"):
            add(token.content.strip(), math=True)
        elif kind == "image":
            alt = token.content or "".join(c.content for c in token.children or [])
            add(alt)
        elif kind == "html_inline":
            tag = token.content.lower()
            if re.match(r"<br\s*/?>", tag):
                add("\n")
            elif re.match(r"<(b|strong)\b", tag):
                html_bold += 1
            elif re.match(r"</(b|strong)\s*>", tag):
                html_bold = max(0, html_bold - 1)
            else:
                add(strip_html(token.content))
        elif kind == "footnote_ref":
            add(f"[{(token.meta or {}).get('id', 0) + 1}]")
        elif kind == "shortcode_inline":
            runs.extend(shortcode_runs(token.meta["shortcode"], ctx))
    return runs


def merge_runs(runs: list[Run] | tuple[Run, ...]) -> Inline:
    """Join neighbouring runs with identical styling and trim the ends."""
    merged: list[Run] = []
    for run in runs:
        if not run.code and not run.math:
            text = re.sub(r"[ \t]{2,}", " ", run.text)
            if merged and merged[-1].text.endswith((" ", "\n")) and text.startswith(" "):
                text = text.lstrip(" ")
            run = Run(text, run.bold, run.italic, run.code, run.strike, run.href, run.math)
        if not run.text:
            continue
        if merged and _same_style(merged[-1], run):
            last = merged[-1]
            merged[-1] = Run(last.text + run.text, last.bold, last.italic, last.code, last.strike, last.href, last.math)
        else:
            merged.append(run)
    if merged:
        first = merged[0]
        merged[0] = Run(first.text.lstrip(), first.bold, first.italic, first.code, first.strike, first.href, first.math)
        last = merged[-1]
        merged[-1] = Run(last.text.rstrip(), last.bold, last.italic, last.code, last.strike, last.href, last.math)
    return tuple(r for r in merged if r.text)


def _same_style(a: Run, b: Run) -> bool:
    return (a.bold, a.italic, a.code, a.strike, a.href, a.math) == (b.bold, b.italic, b.code, b.strike, b.href, b.math)


# --- shortcodes ---------------------------------------------------------------------------------------


def shortcode_blocks(sc: Shortcode, ctx: Context) -> list[Block]:
    """A block-level shortcode as blocks (see module docstring for the mapping)."""
    name = sc.name.lower()
    if not sc.closed:
        ctx.warn(f"{sc.source} is never closed; its content is kept as normal text")
    if name == "figure":
        return [_shortcode_figure(sc, ctx)]
    if name in ("callout", "alert", "notice"):
        kind = sc.arg("type", 0, "note") or "note"
        return [Callout(kind.lower(), tuple(_inner_blocks(sc, ctx)))]
    if name == "speaker_note":
        return [SpeakerNote(tuple(_inner_blocks(sc, ctx)))]
    if name in ("youtube", "vimeo", "bilibili", "video", "audio"):
        return [_video(sc)]
    if name == "gallery":
        return [_gallery(sc, ctx)]
    if name == "math" and sc.inner is not None and "$" not in sc.inner:
        return [MathBlock(sc.inner.strip())]
    if name in _FLATTENED:
        return _inner_blocks(sc, ctx)
    if name in _DROPPED:
        return []
    runs = merge_runs(shortcode_runs(sc, ctx))
    return [Paragraph(runs)] if runs else []


def shortcode_runs(sc: Shortcode, ctx: Context) -> list[Run]:
    """An inline shortcode as runs of text."""
    name = sc.name.lower()
    if name in _DROPPED:
        return []
    if name in ("relref", "ref"):
        target = sc.arg("path", 0)
        return [Run(target)] if target else []
    if name == "cite":
        target = sc.arg("page", 0)
        return [Run(f"[{target.rstrip('/').rsplit('/', 1)[-1]}]")] if target else []
    if name in ("youtube", "vimeo", "video"):
        video = _video(sc)
        return [Run(video.title or video.url or video.id_or_src, href=video.url)]
    if name == "figure":
        caption = sc.arg("caption") or sc.arg("alt")
        return list(parse_inline(caption)) if caption else []
    if name in _FLATTENED or name in ("callout", "alert", "notice", "speaker_note"):
        return list(parse_inline(sc.inner or ""))
    if name == "mention":
        return [Run(sc.arg("name", 0))]
    ctx.warn(f"unknown shortcode {{{{{sc.delimiter} {sc.name} {sc.delimiter}}}}} kept as text")
    text = sc.text if sc.inner is None else sc.inner
    return list(parse_inline(text)) if sc.inner is not None else [Run(text)]


def _inner_blocks(sc: Shortcode, ctx: Context) -> list[Block]:
    if not sc.inner:
        return []
    return convert_blocks(tokenize(sc.inner), ctx)


def _shortcode_figure(sc: Shortcode, ctx: Context) -> Figure:
    src = sc.arg("src", 0) or sc.arg("library")
    caption = sc.arg("caption")
    title = sc.arg("title")
    alt = sc.arg("alt") or to_text(caption) or title
    return Figure(src, parse_inline(caption or title), alt, title, resolve_image(src, ctx))


def _image_figure(token: Token, ctx: Context) -> Figure:
    src = str(token.attrGet("src") or "")
    alt = token.content or "".join(c.content for c in token.children or [])
    title = str(token.attrGet("title") or "")
    caption = parse_inline(title) if title else ()
    return Figure(src, caption, alt, title, resolve_image(src, ctx))


def _video(sc: Shortcode) -> Video:
    name = sc.name.lower()
    if name == "youtube":
        vid = sc.arg("id", 0)
        return Video("youtube", vid, f"https://www.youtube.com/watch?v={vid}" if vid else None, sc.arg("title"))
    if name == "vimeo":
        vid = sc.arg("id", 0)
        return Video("vimeo", vid, f"https://vimeo.com/{vid}" if vid else None, sc.arg("title"))
    if name == "bilibili":
        vid = sc.arg("id", 0)
        return Video("bilibili", vid, f"https://www.bilibili.com/video/{vid}" if vid else None, sc.arg("title"))
    src = sc.arg("src", 0)
    url = src if src.startswith(("http://", "https://")) else None
    return Video("file", src, url, sc.arg("title") or sc.arg("caption"))


def _gallery(sc: Shortcode, ctx: Context) -> Gallery:
    album = sc.arg("album", 0, "gallery") or "gallery"
    figures: list[Figure] = []
    if ctx.base_dir is not None:
        folder = ctx.base_dir / album
        if _inside(folder, _jail(ctx)) and folder.is_dir():
            for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
                if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file() and _inside(path, _jail(ctx)):
                    figures.append(Figure(f"{album}/{path.name}", (), path.stem, "", str(path)))
    if not figures:
        ctx.warn(f"gallery album {album!r}: no images found in the page bundle")
    return Gallery(album, tuple(figures))


# --- raw HTML ------------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table",
                         "section", "figure", "figcaption", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[tuple[str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style", "iframe", "noscript"):
            self._skip += 1
        elif tag == "img":
            values = dict(attrs)
            self.images.append((values.get("src") or "", values.get("alt") or ""))
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "iframe", "noscript"):
            self._skip = max(0, self._skip - 1)
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _extract(html: str) -> _TextExtractor:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 — malformed HTML must never stop a page
        parser.parts = [re.sub(r"<[^>]*>", " ", html)]
    return parser


def strip_html(html: str) -> str:
    """Text of an HTML fragment: tags and comments dropped, entities decoded, spaces collapsed."""
    text = "".join(_extract(html).parts)
    return re.sub(r"[ \t\r\f\v\u00a0]+", " ", text).strip(" ")


def html_blocks(html: str, ctx: Context) -> list[Block]:
    """A raw HTML block: local `<img>`s become figures, the rest its text (comments dropped)."""
    parser = _extract(html)
    blocks: list[Block] = []
    for src, alt in parser.images:
        if src:
            blocks.append(Figure(src, (), alt, "", resolve_image(src, ctx)))
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(parser.parts))
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    if text:
        blocks.append(Html(text))
    return blocks


def to_text(markdown: str) -> str:
    """Plain text of inline Markdown (used for alt texts)."""
    return "".join(r.text for r in parse_inline(markdown)) if markdown else ""


# --- image paths -------------------------------------------------------------------------------------------


def _jail(ctx: Context) -> Path | None:
    return ctx.site_root or ctx.base_dir


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def resolve_image(src: str, ctx: Context) -> str | None:
    """The local file a body image refers to, as the theme finds it; None when remote, missing or unsafe.

    Looks in the page bundle, then the site's `assets/media/`, `assets/` and `static/`. A path that
    resolves outside the site root (or the bundle when there is no site) is refused with a warning.
    """
    src = (src or "").strip()
    if not src:
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
        if src.lower().startswith(("http:", "https:", "//")):
            ctx.warn(f"remote image {src} skipped (cardgen never downloads)")
        return None
    clean = unquote(src.split("#", 1)[0].split("?", 1)[0])
    jail = _jail(ctx)
    candidates: list[Path] = []
    if clean.startswith("/"):
        rel = clean.lstrip("/")
        if ctx.site_root is not None:
            candidates += [ctx.site_root / "static" / rel, ctx.site_root / "assets" / rel]
    else:
        if ctx.base_dir is not None:
            candidates.append(ctx.base_dir / clean)
        if ctx.site_root is not None:
            candidates += [ctx.site_root / "assets" / "media" / clean, ctx.site_root / "static" / clean]
    for candidate in candidates:
        if not _inside(candidate, jail):
            ctx.warn(f"image {src!r} refused: outside the site")
            return None
        if candidate.is_file():
            return str(candidate)
    if candidates:
        ctx.warn(f"image {src!r} not found")
    return None


# --- source preparation ----------------------------------------------------------------------------------


def _prepare(body: str) -> str:
    """Resolve `{{< relref >}}` in link targets (Hugo expands it before Markdown) and drop NULs."""
    body = body.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")
    return _REF.sub(lambda m: m.group(1), body)


__all__ = ["parse_document", "parse_inline", "read_shortcode", "strip_html", "tokenize", "convert_blocks"]
