"""Math in page bodies, as the theme's MathJax/KaTeX sees it: a markdown-it plugin for the bracket
delimiters and the parser's helpers that turn math source into document nodes.

`$…$` and `$$…$$` come from mdit-py-plugins' dollarmath. This adds `\\(…\\)` (inline) and `\\[…\\]`
(display), also in the doubled form `\\\\(…\\\\)` that Blackfriday-era pages write so that one
backslash survives Markdown. Without the rule, CommonMark's backslash escapes would turn `\\(x\\)`
into "(x)" before anyone could see it was math.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cardgen.document import MathBlock, Run

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

    from cardgen.math.tex import Macro

_PAIRS = (("\\\\(", "\\\\)", False), ("\\\\[", "\\\\]", True), ("\\(", "\\)", False), ("\\[", "\\]", True))


def bracket_math_plugin(md: MarkdownIt) -> None:
    """Add `\\(…\\)` / `\\[…\\]` as `math_inline` / `math_inline_double` tokens (dollarmath's names)."""
    md.inline.ruler.before("escape", "bracket_math", _bracket_math)


def _bracket_math(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "\\":
        return False
    for opener, closer, display in _PAIRS:
        if not src.startswith(opener, pos):
            continue
        start = pos + len(opener)
        end = src.find(closer, start)
        if end < 0 or not src[start:end].strip():
            return False
        if not silent:
            token = state.push("math_inline_double" if display else "math_inline", "math", 0)
            token.content = src[start:end]
            token.markup = opener
        state.pos = end + len(closer)
        return True
    return False


def math_run(source: str, macros: tuple[Macro, ...], warn) -> Run:  # type: ignore[no-untyped-def]
    """Inline math → a run whose text reads as the formula (Unicode) and whose `tex` is what to typeset.
    LaTeX that cannot be typeset stays as its source in a monospace run, with a warning."""
    from cardgen.math import typeset, warning

    equation = typeset(source, display=False, macros=macros)
    if not equation.ok:
        warn(warning(equation))
        return Run(source.strip(), code=True)
    return Run(equation.text or " ", math=True, tex=equation.tex)


def math_block(source: str, macros: tuple[Macro, ...], warn) -> MathBlock:  # type: ignore[no-untyped-def]
    """Display math → a block keeping the source (alt text, notes) and the expanded TeX to typeset."""
    from cardgen.math import only_definitions, typeset, warning

    source = source.strip()
    if only_definitions(source):
        return MathBlock(source, definitions_only=True)
    equation = typeset(source, display=True, macros=macros)
    if not equation.ok:
        warn(warning(equation))
        return MathBlock(source, error=equation.error)
    return MathBlock(source, expanded=equation.tex, text=equation.text)


_TEXT_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$|\\\\?\((.+?)\\\\?\)|\\\\?\[(.+?)\\\\?\]", re.S)
_ENVIRONMENT = re.compile(r"\\begin\{(equation|align|alignat|gather|multline|eqnarray|displaymath|aligned|cases|"
                          r"[pbBvV]?matrix|array|split)(\*?)\}.*\\end\{\1\2\}", re.S)


def math_in_text(text: str, macros: tuple[Macro, ...], warn) -> str:  # type: ignore[no-untyped-def]
    """Plain text (from raw HTML, which MathJax reads too) with its formulas as readable Unicode."""
    if "$" not in text and "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        source = next(g for g in m.groups() if g is not None)
        return math_run(source, macros, warn).text

    return _TEXT_MATH.sub(one, text)


def display_environment(code: str) -> str | None:
    """The source of a code span that is really display math (`` `\\begin{align}…\\end{align}` ``,
    `` `\\[…\\]` ``: decks wrap math in backticks to keep Markdown off it), else None."""
    code = code.strip()
    if _ENVIRONMENT.fullmatch(code):
        return code
    if len(code) > 4 and code.startswith("\\[") and code.endswith("\\]"):
        return code[2:-2]
    return None


def prose_citations(text: str) -> str:
    """`\\cite{key}` / `\\ref{key}` written in prose (MathJax pages use them outside math too)."""
    if "\\" not in text:
        return text
    from cardgen.math import citations_as_text

    return citations_as_text(text)


def inline_math_runs(blocks, *inlines) -> list[Run]:  # type: ignore[no-untyped-def]
    """Every inline math run in `blocks` (nested blocks, list items, table cells, captions) and in the
    extra run tuples (a page's title and summary)."""
    found: list[Run] = [r for runs in inlines for r in runs if r.math]
    stack = list(blocks)
    while stack:
        block = stack.pop()
        for name in ("runs", "caption"):
            found.extend(r for r in getattr(block, name, ()) or () if isinstance(r, Run) and r.math)
        for item in getattr(block, "items", ()) or ():
            found.extend(r for r in item.runs if r.math)
            stack.extend(item.children)
        stack.extend(getattr(block, "children", ()) or ())
        stack.extend(getattr(block, "figures", ()) or ())
        for row in (getattr(block, "header", None) and [block.header]) or []:
            found.extend(r for cell in row for r in cell if r.math)
        for row in getattr(block, "rows", ()) or ():
            found.extend(r for cell in row for r in cell if r.math)
    return found


__all__ = ["bracket_math_plugin", "inline_math_runs", "display_environment", "math_block", "math_in_text", "math_run", "prose_citations"]
