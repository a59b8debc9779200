"""Hugo shortcodes (`{{< name args >}}`, `{{% name %}}…{{% /name %}}`) as a markdown-it plugin.

Hugo expands shortcodes before Markdown sees the page, so they can sit anywhere: alone on a line
(figure, callout, youtube), inside a paragraph (icon, cite), or around Markdown (callout, fragment).
The plugin turns each one into a `shortcode` token carrying its name, arguments and raw inner text;
`cardgen.markdown` maps the known ones to document blocks and keeps unknown ones as text.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

#: Shortcodes whose closing tag is expected; the rest are self-closing unless a closing tag follows.
PAIRED = frozenset(
    {
        "callout",
        "alert",
        "notice",
        "speaker_note",
        "fragment",
        "math",
        "spoiler",
        "details",
        "toggle",
        "hl",
        "mark",
        "blockquote",
        "columns",
        "column",
        "cta",
        "staticref",
        "button",
        "list_children_inner",
    }
)
SELF_CLOSING = frozenset(
    {
        "figure",
        "youtube",
        "vimeo",
        "video",
        "audio",
        "gallery",
        "slide",
        "cite",
        "icon",
        "toc",
        "relref",
        "ref",
        "tweet",
        "x",
        "gist",
        "instagram",
        "gdocs",
        "mention",
        "table",
        "list_children",
        "diagram",
        "bilibili",
    }
)

_NAME = re.compile(r"\s*(/?)\s*([A-Za-z0-9_][\w\-./]*)")
_CLOSING_TEMPLATE = r"\{{\{{\s*[<%]\s*/\s*{name}\s*[>%]\s*\}}\}}"


@dataclass(frozen=True)
class Shortcode:
    """One shortcode call: `{{< figure src="a.png" >}}` → name "figure", named {"src": "a.png"}."""

    name: str
    delimiter: str  # "<" or "%"
    positional: tuple[str, ...] = ()
    named: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    inner: str | None = None  # text between opening and closing tags, None when self-closing
    source: str = ""  # the opening tag as written
    closed: bool = True  # False when a paired shortcode has no closing tag

    def arg(self, name: str, position: int | None = None, default: str = "") -> str:
        """A named argument, or the positional one at `position` when not given by name."""
        if name in self.named:
            return self.named[name]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return default

    @property
    def text(self) -> str:
        """The call without its delimiters, for unknown shortcodes kept as text."""
        parts = [self.name, *self.positional, *(f"{k}={v}" for k, v in self.named.items())]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int  # index just after "}}"
    closing: bool
    name: str
    args: str
    delimiter: str
    self_closed: bool


#: A tag longer than this is not a tag (keeps unclosed `{{<` in long pages linear).
MAX_TAG_LENGTH = 8000
_TAG_STOP = re.compile(r"""["'`]|[>%]\}\}|\n[ \t]*\n""")
_QUOTE_END = {
    '"': re.compile(r'(?:[^"\\]|\\.)*"', re.S),
    "'": re.compile(r"(?:[^'\\]|\\.)*'", re.S),
    "`": re.compile(r"[^`]*`"),
}


def scan_tag(src: str, pos: int) -> _Tag | None:
    """Parse the tag starting at `src[pos:]` (which must start with `{{<` or `{{%`), or None.

    Quoted arguments may contain `>}}`; a blank line outside quotes ends any sane tag.
    """
    if not src.startswith(("{{<", "{{%"), pos):
        return None
    delimiter = src[pos + 2]
    m = _NAME.match(src, pos + 3)
    if m is None:
        return None
    closing, name = bool(m.group(1)), m.group(2)
    limit = min(len(src), pos + MAX_TAG_LENGTH)
    i = m.end()
    while True:
        stop = _TAG_STOP.search(src, i, limit)
        if stop is None or stop.group(0).startswith("\n"):
            return None
        found = stop.group(0)
        if found in _QUOTE_END:
            quoted = _QUOTE_END[found].match(src, stop.end(), limit)
            if quoted is None:
                return None
            i = quoted.end()
            continue
        args = src[m.end() : stop.start()].strip()
        self_closed = args.endswith("/")
        if self_closed:
            args = args[:-1].rstrip()
        return _Tag(pos, stop.end(), closing, name, args, delimiter, self_closed)


def parse_args(args: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """`src="a b" width=3 note` → (("note",), {"src": "a b", "width": "3"}); never raises."""
    try:
        lexer = shlex.shlex(args.replace("`", '"'), posix=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        words = list(lexer)
    except ValueError:
        words = args.split()
    positional: list[str] = []
    named: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if sep and re.fullmatch(r"[A-Za-z_][\w\-]*", key):
            named[key] = value
        else:
            positional.append(word)
    return tuple(positional), named


def _find_closing(src: str, name: str, start: int) -> tuple[int, int] | None:
    """(start, end) of the closing tag matching `name` after `start`, honouring nesting."""
    closing = re.compile(_CLOSING_TEMPLATE.format(name=re.escape(name)))
    opening = re.compile(r"\{\{\s*[<%]\s*" + re.escape(name) + r"(?=[\s>%/])")
    depth = 1
    pos = start
    while True:
        close = closing.search(src, pos)
        if close is None:
            return None
        nested = opening.search(src, pos, close.start())
        if nested is not None:
            tag = scan_tag(src, nested.start())
            if tag is not None and not tag.closing and not tag.self_closed:
                depth += 1
            pos = nested.end()
            continue
        depth -= 1
        if depth == 0:
            return close.start(), close.end()
        pos = close.end()


def read_shortcode(src: str, pos: int) -> tuple[Shortcode, int] | None:
    """The shortcode starting at `pos` and the index just after it (after its closing tag if paired)."""
    tag = scan_tag(src, pos)
    if tag is None or tag.closing:
        return None
    positional, named = parse_args(tag.args)
    base = Shortcode(tag.name, tag.delimiter, positional, named, None, src[tag.start : tag.end])
    if tag.self_closed or (tag.name in SELF_CLOSING and tag.name not in PAIRED):
        return base, tag.end
    found = _find_closing(src, tag.name, tag.end)
    if found is None:
        if tag.name in PAIRED:
            return Shortcode(
                base.name, base.delimiter, positional, named, None, base.source, closed=False
            ), tag.end
        return base, tag.end
    inner = src[tag.end : found[0]]
    return Shortcode(base.name, base.delimiter, positional, named, inner, base.source), found[1]


# --- markdown-it rules --------------------------------------------------------------------------


def _block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Shortcodes that fill their lines (one or several on a line, possibly spanning lines)."""
    pos = state.bMarks[start_line] + state.tShift[start_line]
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    src = state.src
    if not src.startswith(("{{<", "{{%"), pos):
        return False
    found: list[Shortcode] = []
    end = pos
    while True:
        read = read_shortcode(src, pos)
        if read is None:
            return False
        found.append(read[0])
        end = read[1]
        line_end = src.find("\n", end)
        rest = src[end : len(src) if line_end < 0 else line_end]
        # Text after the shortcode makes the line a paragraph (Hugo's output would put it inline).
        if not rest.strip():
            break
        if not rest.lstrip().startswith(("{{<", "{{%")):
            return False
        pos = end + len(rest) - len(rest.lstrip())
    last_line = start_line
    while last_line < end_line and state.eMarks[last_line] < end:
        last_line += 1
    if last_line >= end_line:  # ends outside this container (a list item, a quote): leave it inline
        return False
    if silent:
        return True
    for shortcode in found:
        token = state.push("shortcode", "", 0)
        token.meta = {"shortcode": shortcode}
        token.map = [start_line, last_line + 1]
        token.block = True
    state.line = last_line + 1
    return True


def _inline_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(("{{<", "{{%"), state.pos):
        return False
    found = read_shortcode(state.src, state.pos)
    if found is None:
        return False
    shortcode, end = found
    if not silent:
        token = state.push("shortcode_inline", "", 0)
        token.meta = {"shortcode": shortcode}
    state.pos = end
    return True


def shortcodes_plugin(md: MarkdownIt) -> None:
    """Recognise Hugo shortcodes as `shortcode` (block) and `shortcode_inline` tokens."""
    md.block.ruler.before(
        "fence", "hugo_shortcode", _block_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.inline.ruler.before("text", "hugo_shortcode", _inline_rule)
    # No terminator change needed: markdown-it's text rule already stops at "{".
