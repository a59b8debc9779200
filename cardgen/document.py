"""The body of a page as data: blocks and inline runs, produced once by `cardgen.markdown`.

Renderers read these frozen dataclasses and never re-parse Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

# --- inline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A stretch of inline text with uniform styling. `href` is set for link text.

    Inline math has `math=True`: its `text` is the formula as readable Unicode (𝐱ᵢ, α², ∑) for every
    output that only sets text, and `tex` the LaTeX to typeset (macros expanded, escapes undone).
    """

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    href: str | None = None
    math: bool = False
    tex: str = ""


Inline = tuple[Run, ...]


def plain(runs: Inline) -> str:
    """The text of some runs, without styling."""
    return "".join(r.text for r in runs)


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    runs: Inline

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class Paragraph:
    runs: Inline

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class ListItem:
    """One list item: its own inline text plus nested blocks (usually a nested `ListBlock`)."""

    runs: Inline
    children: tuple[Block, ...] = ()
    checked: bool | None = None  # GFM task list state, None when not a task

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    align: tuple[str | None, ...] = ()  # "left" | "center" | "right" | None per column


@dataclass(frozen=True)
class CodeBlock:
    code: str
    language: str | None = None


@dataclass(frozen=True)
class MathBlock:
    """Display math. `tex` is the source as written (alt text, speaker notes); `expanded` the LaTeX to
    typeset (page macros expanded, Markdown escapes undone, environments unwrapped) and `text` its
    linear Unicode reading. `error` says why it cannot be typeset (renderers then show `tex` in a
    monospace run); `definitions_only` marks a block that only defines macros and shows nothing."""

    tex: str
    expanded: str = field(default="", compare=False)
    text: str = field(default="", compare=False)
    error: str = ""
    definitions_only: bool = False


@dataclass(frozen=True)
class Quote:
    children: tuple[Block, ...]


@dataclass(frozen=True)
class Figure:
    """An image in the body: Markdown image, `figure` shortcode or a `gallery` entry.

    `src` is as written; `path` is the resolved local file inside the site (None when remote,
    missing or refused).
    """

    src: str
    caption: Inline = ()
    alt: str = ""
    title: str = ""
    path: str | None = None

    @property
    def caption_text(self) -> str:
        return plain(self.caption)


@dataclass(frozen=True)
class Callout:
    kind: str  # note, warning, tip, …
    children: tuple[Block, ...]


@dataclass(frozen=True)
class Video:
    """`youtube` / `video` shortcode or an embedded iframe; `url` is a watchable link when known."""

    provider: str  # "youtube", "vimeo", "file"
    id_or_src: str
    url: str | None = None
    title: str = ""


@dataclass(frozen=True)
class ThematicBreak:
    pass


@dataclass(frozen=True)
class Html:
    """Raw HTML reduced to its text (the markup itself is dropped)."""

    text: str


@dataclass(frozen=True)
class SpeakerNote:
    """`{{% speaker_note %}}` content: goes to the notes page, not on the slide."""

    children: tuple[Block, ...]


@dataclass(frozen=True)
class Gallery:
    """`{{< gallery >}}`: images of an album, when they can be found in the bundle."""

    album: str
    figures: tuple[Figure, ...] = ()


Block = Union[
    Heading,
    Paragraph,
    ListBlock,
    Table,
    CodeBlock,
    MathBlock,
    Quote,
    Figure,
    Callout,
    Video,
    ThematicBreak,
    Html,
    SpeakerNote,
    Gallery,
]


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...] = ()
    footnotes: tuple[tuple[str, Inline], ...] = ()  # (label, text)
    warnings: tuple[str, ...] = ()
    macros: tuple[Any, ...] = ()  # `cardgen.math.Macro`s the page defines (body and front matter)


@dataclass(frozen=True)
class Slide:
    """One slide of a Wowchemy slides page (a section between thematic breaks)."""

    blocks: tuple[Block, ...]
    notes: tuple[Block, ...] = ()
    background_image: str | None = None  # as written in `{{< slide background-image= >}}`
    background_image_path: str | None = None  # resolved local file, when found
    background_color: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    hidden: bool = False
