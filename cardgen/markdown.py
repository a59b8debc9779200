"""Markdown body → `Document` blocks (markdown-it-py + plugins + Hugo shortcodes).

Parsing happens once per page; renderers only read the resulting frozen dataclasses. The aim is what a
reader of the rendered Hugo page sees, not what the Markdown says literally:

- CommonMark + GFM tables, strikethrough, task lists and bare-URL autolinks; footnotes; math as the
  theme's MathJax/KaTeX finds it — `$…$`, `\\(…\\)`, `$$…$$`, `\\[…\\]`, also written in backticks, wrapped
  in `{{< math >}}`/`{{< katex >}}` or as bare `\\begin{equation}` — becomes `Run(math=True)` /
  `MathBlock`, with the page's macros expanded (see `cardgen.mathsyntax`).
- Images alone on their line become `Figure`s (inside text they are their alt text); a table whose
  rows are only images (plus caption rows) is a layout grid and becomes figures too.
- Raw HTML is reduced to its text (`Html`), with `<img>` → `Figure`, `<figcaption>` → caption,
  YouTube/Vimeo `<iframe>` → `Video`; inline tags keep links and emphasis.
- Shortcodes: figure → Figure; callout/alert/notice → Callout (Markdown inside); youtube, vimeo,
  bilibili, video, audio → Video; gallery → Gallery of the bundle's album folder; speaker_note →
  SpeakerNote; fragment, math, details, … → their content; cite, ref/relref, mention, tweet, gist →
  text or links; toc, icon, slide → nothing. Unknown ones keep their content (or their name and
  arguments) as text and add a warning.
- Image paths resolve inside the page bundle or the site, never outside it (see `resolve_image`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, cast
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
    Paragraph,
    Quote,
    Run,
    SpeakerNote,
    Table,
    ThematicBreak,
    Video,
)
from cardgen.mathsyntax import (
    bracket_math_plugin,
    display_environment,
    math_block,
    math_in_text,
    math_run,
    prose_citations,
)
from cardgen.safepath import MAX_IMAGE_BYTES, inside, is_dir, is_file, short
from cardgen.shortcodes import Shortcode, read_shortcode, shortcodes_plugin

if TYPE_CHECKING:
    from cardgen.math.tex import Macro

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp")
_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%]+)\"?\s*[>%]\}\}")
_TASK = re.compile(r"^\[([ xX])\]\s+")
_DROPPED = frozenset({"toc", "icon", "slide", "comment", "spacer", "br"})
_FLATTENED = frozenset(
    {
        "fragment",
        "hl",
        "mark",
        "spoiler",
        "details",
        "toggle",
        "columns",
        "column",
        "blockquote",
        "staticref",
        "button",
        "cta",
        "math",
        "katex",
    }
)


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark + GFM tables/strikethrough + footnotes + dollar math + Hugo shortcodes."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    md.use(bracket_math_plugin)
    md.use(shortcodes_plugin)
    return md


@dataclass
class Context:
    """Where the page lives (to resolve image paths safely) and the warnings collected so far."""

    base_dir: Path | None
    site_root: Path | None
    warnings: list[str] = field(default_factory=list)
    depth: int = 0  # shortcodes inside shortcodes, to stop runaway nesting
    macros: tuple[Macro, ...] = ()  # math macros of the page (`cardgen.math.Macro`), from front matter and body

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


#: Shortcodes nested deeper than this keep their inner text as is (real pages nest two or three).
MAX_DEPTH = 8


# --- public API -------------------------------------------------------------------------------------


def parse_document(body: str, *, base_dir: Path | None = None, site_root: Path | None = None,
                   macros: tuple[Macro, ...] = ()) -> Document:
    """The page body as blocks, footnotes and warnings. `macros` are math macros the front matter
    configures; those the body defines (anywhere: MathJax reads them all first) are added."""
    ctx = Context(Path(base_dir) if base_dir else None, Path(site_root) if site_root else None)
    ctx.macros = page_macros(body, macros)
    tokens = tokenize(body)
    blocks = convert_blocks(tokens, ctx)
    footnotes = _footnotes(tokens, ctx)
    return Document(blocks=tuple(blocks), footnotes=footnotes, warnings=tuple(ctx.warnings), macros=ctx.macros)


def page_macros(body: str, front_matter_macros: tuple[Macro, ...] = ()) -> tuple[Macro, ...]:
    """Math macros in force on a page: the front matter's, then every definition in the body."""
    if "\\" not in body:
        return tuple(front_matter_macros)
    from cardgen.math import parse_macros

    return tuple(front_matter_macros) + parse_macros(body)


def parse_inline(text: str) -> Inline:
    """Inline Markdown (a title, summary or caption) as styled runs; HTML stripped, entities decoded."""
    return _inline(text, Context(None, None))


def _inline(text: str, ctx: Context) -> Inline:
    if not text:
        return ()
    if ctx.depth >= MAX_DEPTH:
        ctx.warn("shortcodes nested too deeply; the innermost are kept as text")
        return merge_runs([Run(str(text))])
    ctx.depth += 1
    try:
        tokens = markdown_parser().parseInline(_prepare(str(text)))
        return merge_runs([run for token in tokens for run in inline_runs(token.children or [], ctx)])
    finally:
        ctx.depth -= 1


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
            runs = _strip_heading_attributes(merge_runs(inline_runs(tokens[i + 1].children or [], ctx)))
            if runs:
                blocks.append(Heading(int(token.tag[1]), runs))
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
            blocks.append(_quote(convert_blocks(tokens[i + 1 : end], ctx)))
            i = end + 1
        elif kind == "table_open":
            end = _closing(tokens, i)
            figures = _figure_table(tokens[i : end + 1], ctx)
            if figures:
                blocks.extend(figures)
            else:
                blocks.append(_table(tokens[i : end + 1], ctx))
            i = end + 1
        elif kind in ("fence", "code_block"):
            info = (token.info or "").strip().split()
            language = info[0].strip("{}.") if info else None
            blocks.append(CodeBlock(token.content.rstrip("\n"), language or None))
            i += 1
        elif kind in ("math_block", "math_block_label"):
            blocks.append(math_block(token.content, ctx.macros, ctx.warn))
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
    """A paragraph, split where Hugo's output would show something else than text.

    Lines holding only images become figures, a line holding only display math (`$$…$$`, also in
    backticks as MathJax pages write it) becomes a math block, and bare `\\begin{equation}…\\end{…}`
    environments (Blackfriday pages rendered them through MathJax) become math blocks too.
    """
    content = inline.content or ""
    if "\\begin{" in content:
        pieces = _split_environments(content)
        if len(pieces) > 1 or pieces[0][0] == "math":
            blocks: list[Block] = []
            for kind, text in pieces:
                if kind == "math":
                    blocks.append(math_block(text, ctx.macros, ctx.warn))
                elif text.strip():
                    children = [c for t in markdown_parser().parseInline(text, {}) for c in t.children or []]
                    blocks.extend(_paragraph_children(children, ctx))
            return blocks
    return _paragraph_children(inline.children or [], ctx)


_ENVIRONMENT = re.compile(r"^[ \t]*(\\begin\{([A-Za-z]+\*?)\}.*?\\end\{\2\})[ \t]*$", re.M | re.S)


def _split_environments(content: str) -> list[tuple[str, str]]:
    """("text" | "math", source) pieces; environments inside code spans or `$…$` are left alone."""
    pieces: list[tuple[str, str]] = []
    pos = 0
    for m in _ENVIRONMENT.finditer(content):
        before = content[: m.start()]
        if before.count("`") % 2 or before.replace("\\$", "").count("$") % 2:
            continue
        pieces.append(("text", content[pos : m.start()]))
        pieces.append(("math", m.group(1)))
        pos = m.end()
    pieces.append(("text", content[pos:]))
    return [(k, t) for k, t in pieces if k == "math" or t.strip()] or [("text", content)]


_BREAKS = ("softbreak", "hardbreak")
_HTML_IMG = re.compile(r"<img\b", re.I)
#: Shortcodes that are a block of their own even when written inside a paragraph.
_BLOCK_SHORTCODES = frozenset(
    {
        "figure",
        "youtube",
        "vimeo",
        "bilibili",
        "video",
        "audio",
        "gallery",
        "callout",
        "alert",
        "notice",
        "speaker_note",
    }
)


def _blank(token: Token) -> bool:
    return token.type in _BREAKS or (token.type == "text" and not token.content.strip())


def _display_math(token: Token) -> str | None:
    """The TeX of a token that is display math on its own: `$$…$$`, or the same in backticks."""
    if token.type == "math_inline_double":
        return token.content.strip()
    if token.type == "code_inline":
        content = token.content.strip()
        if len(content) > 4 and content.startswith("$$") and content.endswith("$$"):
            return content[2:-2].strip()
        return display_environment(content)
    if token.type == "shortcode_inline":
        sc = token.meta["shortcode"]
        inner = (sc.inner or "").strip()
        if sc.name.lower() in ("math", "katex") and len(inner) > 4 and inner.startswith("$$") and inner.endswith("$$"):
            return inner[2:-2].strip()
    return None


_DISPLAYS = re.compile(r"\s*(?:\$\$.+?\$\$\s*)+", re.S)


def _display_pieces(token: Token) -> list[str]:
    """One TeX per display: a code span may hold several (`` `$$a$$ $$b$$` ``), as MathJax shows them."""
    content = token.content.strip() if token.type == "code_inline" else ""
    if _DISPLAYS.fullmatch(content):
        return [m.strip() for m in re.findall(r"\$\$(.+?)\$\$", content, re.S)]
    return [_display_math(token) or ""]


def _paragraph_children(children: list[Token], ctx: Context) -> list[Block]:
    meaningful = [c for c in children if not _blank(c)]
    if (
        len(meaningful) == 1
        and meaningful[0].type == "shortcode_inline"
        and _display_math(meaningful[0]) is None
    ):
        return shortcode_blocks(meaningful[0].meta["shortcode"], ctx)
    lines: list[list[Token]] = [[]]
    for child in children:
        lines[-1].append(child)
        if child.type in _BREAKS:
            lines.append([])
    blocks: list[Block] = []
    text: list[Token] = []

    def flush() -> None:
        runs = merge_runs(inline_runs(text, ctx))
        if "".join(r.text for r in runs).strip():
            blocks.append(Paragraph(runs))
        text.clear()

    for line in lines:
        solid = [c for c in line if not _blank(c)]
        if solid and all(c.type == "image" for c in solid):
            flush()
            blocks.extend(_image_figure(c, ctx) for c in solid)
        elif solid and all(c.type == "html_inline" and _HTML_IMG.match(c.content) for c in solid):
            # `<img …>` whose attributes run onto a second line is inline HTML, not an HTML block
            flush()
            for c in solid:
                blocks.extend(b for b in html_blocks(c.content, ctx) if isinstance(b, Figure))
        elif len(solid) == 1 and _display_math(solid[0]) is not None:
            flush()
            for tex in _display_pieces(solid[0]):
                blocks.append(math_block(tex, ctx.macros, ctx.warn))
        elif (
            len(solid) == 1
            and solid[0].type == "shortcode_inline"
            and solid[0].meta["shortcode"].name.lower() in _BLOCK_SHORTCODES
        ):
            flush()
            blocks.extend(shortcode_blocks(solid[0].meta["shortcode"], ctx))
        else:
            text.extend(line)
    flush()
    return blocks


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
            runs = cast(Paragraph, inner.pop(0)).runs
        checked = None
        if runs and not runs[0].code:
            m = _TASK.match(runs[0].text)
            if m:
                checked = m.group(1) != " "
                runs = merge_runs(
                    [
                        Run(
                            runs[0].text[m.end() :],
                            runs[0].bold,
                            runs[0].italic,
                            False,
                            runs[0].strike,
                            runs[0].href,
                        ),
                        *runs[1:],
                    ]
                )
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


_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*\n?", re.I)


def _quote(children: list[Block]) -> Quote | Callout:
    """A block quote, or a GitHub-style alert (`> [!NOTE]`, which Hugo ≥ 0.132 renders as a callout)."""
    first = children[0] if children else None
    if isinstance(first, Paragraph) and first.runs and not first.runs[0].code:
        m = _ALERT.match(first.runs[0].text)
        if m:
            runs = merge_runs([replace(first.runs[0], text=first.runs[0].text[m.end() :]), *first.runs[1:]])
            rest = ([Paragraph(runs)] if runs else []) + children[1:]
            return Callout(m.group(1).lower(), tuple(rest))
    return Quote(tuple(children))


def _table_cells(tokens: list[Token]) -> list[list[list[Token]]]:
    """Rows (header first) of cells, each cell its inline children."""
    rows: list[list[list[Token]]] = []
    for j, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open") and rows:
            inline = tokens[j + 1]
            rows[-1].append(list(inline.children or []) if inline.type == "inline" else [])
    return rows


def _figure_table(tokens: list[Token], ctx: Context) -> list[Figure]:
    """Figures of a table used as a layout grid: rows of images, each optionally followed by a row of
    captions (a common trick for side-by-side images with captions). Empty when it is a real table."""
    rows = _table_cells(tokens)

    def images(row: list[list[Token]]) -> bool:
        cells = [[c for c in cell if not _blank(c)] for cell in row]
        return any(cells) and all(all(c.type == "image" for c in cell) for cell in cells)

    pairs: list[tuple[list[list[Token]], list[list[Token]] | None]] = []  # (images, captions)
    r = 0
    while r < len(rows):
        row = rows[r]
        if not images(row):
            if not any(not _blank(c) for cell in row for c in cell):
                r += 1  # an empty header row
                continue
            return []  # text that is not a caption: a real table
        captions = rows[r + 1] if r + 1 < len(rows) and not images(rows[r + 1]) else None
        pairs.append((row, captions))
        r += 2 if captions is not None else 1
    figures: list[Figure] = []
    for row, captions in pairs:
        for col, cell in enumerate(row):
            caption = merge_runs(inline_runs(captions[col], ctx)) if captions and col < len(captions) else ()
            for token in (c for c in cell if c.type == "image"):
                figure = _image_figure(token, ctx)
                figures.append(replace(figure, caption=caption or figure.caption))
    return figures


_HEADING_ATTRIBUTES = re.compile(r"\s*\{\s*[#.][^{}]*\}\s*$")


def _strip_heading_attributes(runs: Inline) -> Inline:
    """`## Title {#custom-id}`: Goldmark's heading attributes are not part of the text."""
    if runs and not runs[-1].code and _HEADING_ATTRIBUTES.search(runs[-1].text):
        last = runs[-1]
        runs = merge_runs([*runs[:-1], replace(last, text=_HEADING_ATTRIBUTES.sub("", last.text))])
    return runs


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


_HTML_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")
_HTML_STYLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "cite": "italic",
    "s": "strike",
    "del": "strike",
    "strike": "strike",
    "code": "code",
    "kbd": "code",
    "tt": "code",
}
#: GFM's extended autolinks (bare `https://…` and `www.…` in text), trailing punctuation excluded.
_BARE_URL = re.compile(r"(?<![\w/@.])(?:https?://|www\.)[^\s<>]*[^\s<>?!.,:;*_~'\"(\[\]]")
_ESCAPED_SHORTCODE = re.compile(r"\{\{([<%])/\*\s*(.*?)\s*\*/([>%])\}\}", re.S)


def inline_runs(children: list[Token], ctx: Context) -> list[Run]:
    """Inline tokens → runs, tracking bold/italic/strike/code/link state (Markdown or inline HTML)."""
    runs: list[Run] = []
    style = {"bold": 0, "italic": 0, "strike": 0, "code": 0}
    href: list[tuple[str, int]] = []  # (target, len(runs) when the link opened)

    def add(text: str, *, code: bool = False, math: bool = False, link: str | None = None) -> None:
        if text:
            target = link or (href[-1][0] if href else None)
            runs.append(
                Run(
                    text,
                    style["bold"] > 0,
                    style["italic"] > 0,
                    code or style["code"] > 0,
                    style["strike"] > 0,
                    target or None,
                    math,
                )
            )

    def add_math(source: str) -> None:
        if source.strip():
            run = math_run(source, ctx.macros, ctx.warn)
            target = href[-1][0] if href else None
            runs.append(replace(run, href=target) if target else run)

    def add_text(text: str) -> None:
        """Text with GFM bare-URL autolinks (only outside links and code)."""
        text = _ESCAPED_SHORTCODE.sub(
            lambda m: "{{" + m.group(1) + " " + m.group(2) + " " + m.group(3) + "}}", text
        )
        if href or style["code"] or ("://" not in text and "www." not in text):
            add(text)
            return
        pos = 0
        for m in _BARE_URL.finditer(text):
            url = m.group(0)
            while url.endswith(")") and url.count(")") > url.count("("):
                url = url[:-1]
            add(text[pos : m.start()])
            add(url, link=url if "://" in url else "http://" + url)
            pos = m.start() + len(url)
        add(text[pos:])

    def open_link(target: str) -> None:
        href.append((target, len(runs)))

    def close_link() -> None:
        if not href:
            return
        target, start = href.pop()
        if target and not "".join(r.text for r in runs[start:]).strip():
            # An icon-only link ([<i class="fab fa-github"></i>](url)) would vanish: show where it goes.
            add(re.sub(r"^[a-z]+://(www\.)?|^mailto:", "", target).rstrip("/"), link=target)

    for token in children:
        kind = token.type
        if kind == "text":
            add_text(prose_citations(token.content))
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind in ("strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close"):
            name = {"strong": "bold", "em": "italic", "s": "strike"}[kind.rsplit("_", 1)[0]]
            style[name] = style[name] + 1 if kind.endswith("_open") else max(0, style[name] - 1)
        elif kind == "link_open":
            open_link(str(token.attrGet("href") or ""))
        elif kind == "link_close":
            close_link()
        elif kind == "code_inline":
            content = token.content
            if len(content) > 2 and content.startswith("$") and content.endswith("$"):
                add_math(content.strip("$"))
            elif display_environment(content) is not None:
                add_math(display_environment(content) or "")
            else:
                add(content, code=True)
        elif kind in ("math_inline", "math_inline_double"):
            add_math(token.content)
        elif kind == "image":
            add(token.content or "".join(c.content for c in token.children or []))
        elif kind == "html_inline":
            _html_inline(token.content, style, add, open_link, close_link)
        elif kind == "footnote_ref":
            add(f"[{(token.meta or {}).get('id', 0) + 1}]")
        elif kind == "shortcode_inline":
            runs.extend(shortcode_runs(token.meta["shortcode"], ctx))
    while href:
        close_link()
    return runs


def _html_inline(tag: str, style: dict[str, int], add: Callable[[str], None], open_link: Callable[[str], None],
                 close_link: Callable[[], None]) -> None:
    """One inline HTML tag: styling and links are kept, `<br>` breaks the line, the rest is dropped."""
    m = _HTML_TAG.match(tag)
    if m is None:  # a comment, a processing instruction, …
        if not tag.startswith("<!--"):
            add(strip_html(tag))
        return
    closing, name = bool(m.group(1)), m.group(2).lower()
    if name == "br":
        add("\n")
    elif name in _HTML_STYLE:
        key = _HTML_STYLE[name]
        style[key] = (
            max(0, style[key] - 1) if closing else style[key] + (0 if tag.rstrip().endswith("/>") else 1)
        )
    elif name == "a":
        if closing:
            close_link()
        else:
            found = re.search(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", tag, re.I)
            open_link(html.unescape(next((g for g in found.groups() if g is not None), "")) if found else "")
    elif name == "img":
        alt = re.search(r"""alt\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag, re.I)
        if alt:
            add(html.unescape(alt.group(1) or alt.group(2) or ""))


def merge_runs(runs: list[Run] | tuple[Run, ...]) -> Inline:
    """Join neighbouring runs with identical styling and trim the ends."""
    merged: list[Run] = []
    for run in _literal_strong(runs):
        if not run.code and not run.math:
            text = re.sub(r"[ \t]{2,}", " ", run.text)
            if merged and merged[-1].text.endswith((" ", "\n")) and text.startswith(" "):
                text = text.lstrip(" ")
            run = replace(run, text=text)
        if not run.text:
            continue
        if merged and _same_style(merged[-1], run):
            merged[-1] = replace(merged[-1], text=merged[-1].text + run.text)
        else:
            merged.append(run)
    if merged:
        merged[0] = replace(merged[0], text=merged[0].text.lstrip())
        merged[-1] = replace(merged[-1], text=merged[-1].text.rstrip())
    return tuple(r for r in merged if r.text)


#: `**…**` with no `**` inside: each opening looks only as far as the next `**`, so a text full of
#: unmatched `**` is scanned in linear time (`.+?` alone made an emphasis bomb quadratic).
_LITERAL_STRONG = re.compile(r"\*\*(?=\S)((?:(?!\*\*).)+?)(?<=\S)\*\*")


def _literal_strong(runs: list[Run] | tuple[Run, ...]) -> list[Run]:
    """`**bold**` that CommonMark leaves as text: its flanking rules reject `**` next to punctuation
    when the other side is a letter, which is the normal case in CJK text (`は**逆運動学（IK）**を`).
    Authors meant bold (their editor preview showed it), so render it bold."""
    out: list[Run] = []
    for run in runs:
        if run.code or run.math or run.bold or "**" not in run.text:
            out.append(run)
            continue
        pos = 0
        for m in _LITERAL_STRONG.finditer(run.text):
            out.append(replace(run, text=run.text[pos : m.start()]))
            out.append(replace(run, text=m.group(1), bold=True))
            pos = m.end()
        out.append(replace(run, text=run.text[pos:]))
    return out


def _same_style(a: Run, b: Run) -> bool:
    if a.math or b.math:  # each formula stays one run: its `tex` goes with its text
        return False
    return (a.bold, a.italic, a.code, a.strike, a.href, a.math) == (
        b.bold,
        b.italic,
        b.code,
        b.strike,
        b.href,
        b.math,
    )


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
    if name in ("math", "katex") and sc.inner is not None and "$" not in sc.inner and "\\(" not in sc.inner:
        return [math_block(sc.inner, ctx.macros, ctx.warn)]
    if name in _FLATTENED:
        return _inner_blocks(sc, ctx)
    if name in _DROPPED:
        return []
    if sc.inner is not None and name not in _INLINE_SHORTCODES:
        _warn_unknown(sc, ctx)
        return _inner_blocks(sc, ctx)
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
        doi = sc.arg("doi")
        if doi:
            return [Run(f"doi:{doi}", href=f"https://doi.org/{doi}")]
        target = sc.arg("page", 0)
        return [Run(f"[{target.rstrip('/').rsplit('/', 1)[-1]}]")] if target else []
    if name in ("youtube", "vimeo", "video"):
        video = _video(sc)
        return [Run(video.title or video.url or video.id_or_src, href=video.url)]
    if name == "figure":
        caption = sc.arg("caption") or sc.arg("alt")
        return list(_inline(caption, ctx)) if caption else []
    if name == "speaker_note":
        return []  # notes never show on the slide or page
    if name in _FLATTENED or name in ("callout", "alert", "notice"):
        return list(_inline(sc.inner or "", ctx))
    if name == "mention":
        return [Run(sc.arg("name", 0))]
    if name in ("tweet", "x", "gist", "instagram"):
        url = _embed_url(sc)
        return [Run(url, href=url)] if url else []
    _warn_unknown(sc, ctx)
    return list(_inline(sc.inner, ctx)) if sc.inner is not None else [Run(sc.text)]


#: Shortcodes with a meaning of their own inline (the rest of the known ones map to blocks).
_INLINE_SHORTCODES = frozenset({"relref", "ref", "cite", "mention", "tweet", "x", "gist", "instagram"})


def _embed_url(sc: Shortcode) -> str:
    """The public page of an embedded post (Hugo's built-in `tweet`, `x`, `gist`, `instagram`)."""
    name = sc.name.lower()
    if name in ("tweet", "x"):
        post = sc.arg("id", 1 if len(sc.positional) > 1 else 0)
        user = sc.arg("user", 0) if len(sc.positional) > 1 or "user" in sc.named else "i"
        return f"https://x.com/{user}/status/{post}" if post else ""
    if name == "gist":
        user, gist = sc.arg("user", 0), sc.arg("id", 1)
        return f"https://gist.github.com/{user}/{gist}" if user and gist else ""
    post = sc.arg("id", 0)
    return f"https://www.instagram.com/p/{post}/" if post else ""


def _warn_unknown(sc: Shortcode, ctx: Context) -> None:
    close = ">" if sc.delimiter == "<" else "%"
    ctx.warn(f"unknown shortcode {{{{{sc.delimiter} {sc.name} {close}}}}} kept as text")


def _inner_blocks(sc: Shortcode, ctx: Context) -> list[Block]:
    if not sc.inner:
        return []
    if ctx.depth >= MAX_DEPTH:
        ctx.warn("shortcodes nested too deeply; the innermost are kept as text")
        return [Paragraph(merge_runs([Run(sc.inner)]))]
    ctx.depth += 1
    try:
        return convert_blocks(tokenize(sc.inner), ctx)
    finally:
        ctx.depth -= 1


def _shortcode_figure(sc: Shortcode, ctx: Context) -> Figure:
    src = sc.arg("src", 0) or sc.arg("library")
    caption = sc.arg("caption")
    title = sc.arg("title")
    alt = sc.arg("alt") or to_text(caption) or title
    return Figure(src, _inline(caption or title, ctx), alt, title, resolve_image(src, ctx))


def _image_figure(token: Token, ctx: Context) -> Figure:
    src = str(token.attrGet("src") or "")
    alt = token.content or "".join(c.content for c in token.children or [])
    title = str(token.attrGet("title") or "")
    caption = _inline(title, ctx) if title else ()
    return Figure(src, caption, alt, title, resolve_image(src, ctx))


def _video(sc: Shortcode) -> Video:
    name = sc.name.lower()
    if name == "youtube":
        vid = sc.arg("id", 0)
        return Video(
            "youtube", vid, f"https://www.youtube.com/watch?v={vid}" if vid else None, sc.arg("title")
        )
    if name == "vimeo":
        vid = sc.arg("id", 0)
        return Video("vimeo", vid, f"https://vimeo.com/{vid}" if vid else None, sc.arg("title"))
    if name == "bilibili":
        vid = sc.arg("id", 0)
        return Video(
            "bilibili", vid, f"https://www.bilibili.com/video/{vid}" if vid else None, sc.arg("title")
        )
    src = sc.arg("src", 0)
    url = src if src.startswith(("http://", "https://")) else None
    return Video("file", src, url, sc.arg("title") or sc.arg("caption"))


def _gallery(sc: Shortcode, ctx: Context) -> Gallery:
    album = sc.arg("album", 0, "gallery") or "gallery"
    figures: list[Figure] = []
    if ctx.base_dir is not None:
        folder = ctx.base_dir / album
        if inside(folder, _jail(ctx)) and is_dir(folder):
            try:
                entries = sorted(folder.iterdir(), key=lambda p: p.name.lower())
            except OSError:
                entries = []
            for path in entries:
                if path.suffix.lower() in IMAGE_SUFFIXES and is_file(path) and inside(path, _jail(ctx)):
                    figures.append(Figure(f"{album}/{path.name}", (), path.stem, "", str(path)))
    if not figures:
        ctx.warn(f"gallery album {short(album)!r}: no images found in the page bundle")
    return Gallery(album, tuple(figures))


# --- raw HTML ------------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Text, images, iframes and the `<figcaption>` of an HTML fragment (comments are dropped)."""

    _BREAKS = frozenset(
        [
            "br",
            "p",
            "div",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "table",
            "section",
            "figure",
            "figcaption",
            "blockquote",
            "pre",
        ]
    )
    _HIDDEN = frozenset({"script", "style", "iframe", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[tuple[str, str]] = []
        self.iframes: list[tuple[str, str]] = []  # (src, title)
        self.caption: list[str] = []
        self._skip = 0
        self._in_caption = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "iframe":
            self.iframes.append((values.get("src", ""), values.get("title", "")))
        if tag in self._HIDDEN:
            self._skip += 1
        elif tag == "img":
            self.images.append((values.get("src", ""), values.get("alt", "")))
        elif tag == "figcaption":
            self._in_caption += 1
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in self._HIDDEN:
            self._skip = max(0, self._skip - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._skip = max(0, self._skip - 1)
        elif tag == "figcaption":
            self._in_caption = max(0, self._in_caption - 1)
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self.caption if self._in_caption else self.parts).append(data)


def _extract(source: str) -> _TextExtractor:
    parser = _TextExtractor()
    try:
        parser.feed(source)
        parser.close()
    except Exception:  # noqa: BLE001 — malformed HTML must never stop a page
        parser.parts = [re.sub(r"<[^>]*>", " ", source)]
    return parser


def _squash(text: str) -> str:
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def strip_html(source: str) -> str:
    """Text of an HTML fragment: tags and comments dropped, entities decoded, spaces collapsed."""
    text = "".join(_extract(source).parts)
    return re.sub(r"[ \t\r\f\v\u00a0]+", " ", text).strip(" ")


_EMBEDS = (
    (
        re.compile(r"youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
        "youtube",
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"player\.vimeo\.com/video/(\d+)"), "vimeo", "https://vimeo.com/{}"),
)


_HTML_LIST = re.compile(r"^\s*<(ul|ol)\b[^>]*>(.*?)(?:</\1\s*>\s*)?$", re.S | re.I)


def _html_list(source: str, ctx: Context) -> ListBlock | None:
    """A plain `<ul>`/`<ol>` block as a list (items keep bold and links); None for anything else."""
    m = _HTML_LIST.match(source)
    if m is None or re.search(r"<(ul|ol|img|iframe|table)\b", m.group(2), re.I):
        return None
    pieces = re.split(r"<li\b[^>]*>", m.group(2), flags=re.I)
    if len(pieces) < 2 or strip_html(pieces[0]).strip():
        return None
    items = []
    for piece in pieces[1:]:
        runs = _inline(re.sub(r"</li\s*>", " ", piece, flags=re.I).replace("\n", " "), ctx)
        if runs:
            items.append(ListItem(runs))
    return ListBlock(tuple(items), ordered=m.group(1).lower() == "ol") if items else None


def html_blocks(source: str, ctx: Context) -> list[Block]:
    """A raw HTML block: local `<img>`s become figures (with the `<figcaption>`), YouTube/Vimeo
    iframes videos, a simple `<ul>` a list, the rest its text. Comments vanish; remote images are
    skipped (never fetched)."""
    listed = _html_list(source, ctx)
    if listed is not None:
        return [listed]
    parser = _extract(source)
    blocks: list[Block] = []
    caption = _squash("".join(parser.caption))
    local = [(src, alt) for src, alt in parser.images if src.strip()]
    for src, alt in local:
        path = resolve_image(src, ctx)
        if _is_remote(src):
            continue
        runs = _inline(caption, ctx) if caption and len(local) == 1 else ()
        blocks.append(Figure(src, runs, alt or caption, "", path))
    if caption and not any(isinstance(b, Figure) for b in blocks):
        parser.parts.append("\n" + caption)
    for src, title in parser.iframes:
        for pattern, provider, url in _EMBEDS:
            found = pattern.search(src)
            if found:
                blocks.append(Video(provider, found.group(1), url.format(found.group(1)), title))
                break
    text = math_in_text(_squash("".join(parser.parts)), ctx.macros, ctx.warn)
    if text:
        blocks.append(Html(text))
    return blocks


def _is_remote(src: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:|^//", src.strip(), re.I))


def to_text(markdown: str) -> str:
    """Plain text of inline Markdown (used for alt texts)."""
    return "".join(r.text for r in parse_inline(markdown)) if markdown else ""


# --- image paths -------------------------------------------------------------------------------------------


def _jail(ctx: Context) -> Path | None:
    return ctx.site_root or ctx.base_dir


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
            ctx.warn(f"remote image {short(src)} skipped (cardgen never downloads)")
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
        if not inside(candidate, jail):
            ctx.warn(f"image {short(src)!r} refused: outside the site")
            return None
        if is_file(candidate):
            if _too_big(candidate):
                ctx.warn(f"image {short(src)!r} refused: more than the {MAX_IMAGE_BYTES // 1_000_000} MB cardgen reads")
                return None
            return str(candidate)
    if candidates:
        ctx.warn(f"image {short(src)!r} not found")
    elif clean.startswith("/"):
        ctx.warn(f"image {short(src)!r} is relative to the site root, which is unknown")
    return None


def _too_big(path: Path) -> bool:
    try:
        return path.stat().st_size > MAX_IMAGE_BYTES
    except OSError:
        return True


# --- source preparation ----------------------------------------------------------------------------------


def _prepare(body: str) -> str:
    """Resolve `{{< relref >}}` in link targets (Hugo expands it before Markdown) and drop NULs."""
    body = body.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")
    return _REF.sub(lambda m: m.group(1), body)


__all__ = ["parse_document", "parse_inline", "read_shortcode", "strip_html", "tokenize", "convert_blocks"]
