"""LaTeX source as pages write it → LaTeX that the converter understands.

What MathJax/KaTeX on a Hugo Academic page accept and latex2mathml does not, handled here:

- the escapes Markdown forced on authors before Hugo had math passthrough: `\\_` for `_`,
  `\\\\\\\\` for a row break, `\\\\{` for `\\{` (Blackfriday and Goldmark both eat one backslash);
- the display environments around the math (`equation`, `align`, `gather`, `multline`, starred),
  which become `aligned`-style rows; `\\label`, `\\nonumber`, `\\notag` vanish, `\\tag{x}` stays as text;
- macros: `\\newcommand`/`\\renewcommand`/`\\def`/`\\DeclareMathOperator` from the page or its front
  matter (`math.macros`, KaTeX/MathJax/reveal options), expanded here with arguments;
- the `physics` package commands decks rely on (`\\qty`, `\\abs`, `\\norm`, `\\dv`, `\\pdv`, `\\expval`,
  `\\mel`, `\\ketbra`, …; `\\ket`/`\\bra`/`\\braket` latex2mathml knows itself);
- `\\cite{key}`, `\\ref{key}`, `\\eqref{key}` as readable text ("[key]", "(key)").

Expansion is bounded (depth and length), so a recursive macro cannot hang or blow up a build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 24
MAX_LENGTH = 20_000


@dataclass(frozen=True)
class Macro:
    """`\\name` taking `nargs` arguments (#1…#9); `default` is the optional first argument's default."""

    name: str  # with the backslash
    body: str
    nargs: int = 0
    default: str | None = None


class MacroError(ValueError):
    """A macro that expands without end (or past MAX_LENGTH)."""


# --- the physics package and other commands latex2mathml lacks ------------------------------------------

_BUILTIN_SOURCE = r"""
\newcommand{\abs}[1]{\left\lvert #1\right\rvert}
\newcommand{\norm}[1]{\left\lVert #1\right\rVert}
\newcommand{\expval}[1]{\left\langle #1\right\rangle}
\newcommand{\ev}[1]{\left\langle #1\right\rangle}
\newcommand{\mel}[3]{\left\langle #1\middle\vert #2\middle\vert #3\right\rangle}
\newcommand{\ketbra}[2]{\left\vert #1\right\rangle\!\left\langle #2\right\vert}
\newcommand{\op}[2]{\left\vert #1\right\rangle\!\left\langle #2\right\vert}
\newcommand{\dv}[2]{\frac{\mathrm{d} #1}{\mathrm{d} #2}}
\newcommand{\pdv}[2]{\frac{\partial #1}{\partial #2}}
\newcommand{\vb}[1]{\mathbf{#1}}
\newcommand{\vu}[1]{\hat{\mathbf{#1}}}
\newcommand{\va}[1]{\vec{\mathrm{#1}}}
\newcommand{\vectorbold}[1]{\mathbf{#1}}
\newcommand{\vectorarrow}[1]{\vec{\mathrm{#1}}}
\newcommand{\vectorunit}[1]{\hat{\mathbf{#1}}}
\newcommand{\dotproduct}{\cdot}
\newcommand{\vdot}{\cdot}
\newcommand{\crossproduct}{\times}
\newcommand{\cp}{\times}
\newcommand{\divergence}{\nabla\cdot}
\newcommand{\gradient}{\nabla}
\newcommand{\derivative}[2]{\frac{\mathrm{d} #1}{\mathrm{d} #2}}
\newcommand{\partialderivative}[2]{\frac{\partial #1}{\partial #2}}
\newcommand{\ip}[2]{\left\langle #1\middle\vert #2\right\rangle}
\newcommand{\innerproduct}[2]{\left\langle #1\middle\vert #2\right\rangle}
\newcommand{\outerproduct}[2]{\left\vert #1\right\rangle\!\left\langle #2\right\vert}
\newcommand{\expectationvalue}[1]{\left\langle #1\right\rangle}
\newcommand{\matrixelement}[3]{\left\langle #1\middle\vert #2\middle\vert #3\right\rangle}
\newcommand{\absolutevalue}[1]{\left\lvert #1\right\rvert}
\newcommand{\trace}{\operatorname{tr}}
\newcommand{\Trace}{\operatorname{Tr}}
\newcommand{\comm}[2]{\left[#1, #2\right]}
\newcommand{\commutator}[2]{\left[#1, #2\right]}
\newcommand{\acomm}[2]{\left\{#1, #2\right\}}
\newcommand{\anticommutator}[2]{\left\{#1, #2\right\}}
\newcommand{\differential}{\mathrm{d}}
\newcommand{\dd}{\mathrm{d}}
\newcommand{\real}{\operatorname{Re}}
\newcommand{\imaginary}{\operatorname{Im}}
\newcommand{\Res}{\operatorname{Res}}
\newcommand{\identity}{\mathbb{1}}
\newcommand{\grad}{\nabla}
\newcommand{\curl}{\nabla\times}
\newcommand{\laplacian}{\nabla^2}
\newcommand{\order}[1]{\mathcal{O}\left(#1\right)}
\newcommand{\Tr}{\operatorname{Tr}}
\newcommand{\tr}{\operatorname{tr}}
\newcommand{\diag}{\operatorname{diag}}
\newcommand{\sgn}{\operatorname{sgn}}
\newcommand{\rank}{\operatorname{rank}}
\newcommand{\argmax}{\operatorname*{arg\,max}}
\newcommand{\argmin}{\operatorname*{arg\,min}}
\newcommand{\P}{¶}
\newcommand{\dag}{\dagger}
\newcommand{\ddag}{\ddagger}
\newcommand{\R}{\mathbb{R}}
\newcommand{\N}{\mathbb{N}}
\newcommand{\Z}{\mathbb{Z}}
\newcommand{\C}{\mathbb{C}}
\newcommand{\Q}{\mathbb{Q}}
\newcommand{\bm}[1]{\boldsymbol{#1}}
\newcommand{\mathbbm}[1]{\mathbb{#1}}
\newcommand{\mathds}[1]{\mathbb{#1}}
\newcommand{\nolimits}{}
"""

_DEFINITION = re.compile(
    r"\\(?:re)?newcommand\*?\s*|\\providecommand\*?\s*|\\DeclareMathOperator\*?\s*|\\def\s*(?=\\)"
)


def parse_macros(source: str) -> tuple[Macro, ...]:
    """Every macro defined in `source` (a math block, a page body, a front-matter string)."""
    return tuple(m for m, _, _ in _definitions(source))


def strip_definitions(tex: str) -> str:
    """`tex` without its macro definitions (they typeset as nothing)."""
    out, pos = [], 0
    for _, start, end in _definitions(tex):
        out.append(tex[pos:start])
        pos = end
    out.append(tex[pos:])
    return "".join(out)


def only_definitions(tex: str) -> bool:
    """Math that only sets up macros (MathJax pages put them in a first `$$ … $$` block)."""
    rest = strip_definitions(tex)
    return bool(_definitions(tex)) and not _WORDS_TO_DROP.sub("", rest).strip()


def _definitions(source: str) -> list[tuple[Macro, int, int]]:
    found: list[tuple[Macro, int, int]] = []
    pos = 0
    while True:
        m = _DEFINITION.search(source, pos)
        if m is None:
            return found
        keyword = m.group(0).strip()
        parsed = _definition(source, m.end(), keyword)
        if parsed is None:
            pos = m.end()
            continue
        macro, end = parsed
        found.append((macro, m.start(), end))
        pos = end


def _definition(source: str, pos: int, keyword: str) -> tuple[Macro, int] | None:
    name, pos = _read_name(source, pos)
    if not name:
        return None
    if keyword.startswith("\\def"):
        params = re.match(r"(?:#\d)*", source[pos:])
        nargs = len(params.group(0)) // 2 if params else 0
        pos += len(params.group(0)) if params else 0
        body, pos = _read_group(source, _skip_space(source, pos))
        return (Macro(name, body, nargs), pos) if body is not None else None
    if keyword.startswith("\\DeclareMathOperator"):
        body, pos = _read_group(source, _skip_space(source, pos))
        if body is None:
            return None
        star = keyword.endswith("*")
        if re.fullmatch(r"[A-Za-z ]+", body.strip()):
            body = rf"\operatorname{'*' if star else ''}{{{body.strip()}}}"
        return Macro(name, body), pos
    nargs, default = 0, None
    pos = _skip_space(source, pos)
    if source.startswith("[", pos):
        end = source.find("]", pos)
        if end < 0:
            return None
        count = source[pos + 1 : end].strip()
        nargs = int(count) if count.isdigit() else 0
        pos = _skip_space(source, end + 1)
        if source.startswith("[", pos):
            end = _matching(source, pos, "[", "]")
            if end < 0:
                return None
            default = source[pos + 1 : end]
            pos = _skip_space(source, end + 1)
    body, pos = _read_group(source, pos)
    if body is None:
        return None
    return Macro(name, body, min(nargs, 9), default), pos


def _read_name(source: str, pos: int) -> tuple[str, int]:
    pos = _skip_space(source, pos)
    braced = source.startswith("{", pos)
    if braced:
        pos = _skip_space(source, pos + 1)
    m = re.compile(r"\\(?:[A-Za-z]+|.)").match(source, pos)
    if m is None:
        return "", pos
    pos = m.end()
    if braced:
        pos = _skip_space(source, pos)
        if not source.startswith("}", pos):
            return "", pos
        pos += 1
    return m.group(0), pos


def _skip_space(source: str, pos: int) -> int:
    while pos < len(source) and source[pos] in " \t\r\n":
        pos += 1
    return pos


def _matching(source: str, pos: int, open_: str = "{", close: str = "}") -> int:
    """Index of the `close` matching `source[pos] == open_`, honouring backslash escapes; -1 if none."""
    depth = 0
    i = pos
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _read_group(source: str, pos: int) -> tuple[str | None, int]:
    if not source.startswith("{", pos):
        return None, pos
    end = _matching(source, pos)
    if end < 0:
        return None, pos
    return source[pos + 1 : end], end + 1


def _read_argument(source: str, pos: int) -> tuple[str, int] | None:
    """One macro argument: a braced group, a control sequence or one character."""
    pos = _skip_space(source, pos)
    if pos >= len(source):
        return None
    if source[pos] == "{":
        body, end = _read_group(source, pos)
        return (body, end) if body is not None else None
    m = re.compile(r"\\(?:[A-Za-z]+|.)").match(source, pos)
    if m:
        return m.group(0), m.end()
    return source[pos], pos + 1


# --- macros from front matter --------------------------------------------------------------------------


def macros_from_front_matter(meta: Mapping[str, Any]) -> tuple[Macro, ...]:
    """Macros a page configures for its math renderer: `math.macros`, `katex.macros`,
    `mathjax.tex.macros`, and the same under `slides.reveal_options` / `reveal_options` (reveal.js math
    plugin options). Values are KaTeX-style (`"\\\\RR": "\\\\mathbb{R}"`) or MathJax-style
    (`RR: ["\\\\mathbb{#1}", 1]`)."""
    found: list[Macro] = []
    for table in _macro_tables(meta, 0):
        for key, value in table.items():
            name = str(key).strip()
            if not name:
                continue
            name = name if name.startswith("\\") else "\\" + name
            if not re.fullmatch(r"\\(?:[A-Za-z]+|.)", name):
                continue
            if isinstance(value, str):
                nargs = max((int(d) for d in re.findall(r"#(\d)", value)), default=0)
                found.append(Macro(name, value, nargs))
            elif isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
                nargs = int(value[1]) if len(value) > 1 and str(value[1]).isdigit() else 0
                default = str(value[2]) if len(value) > 2 else None
                found.append(Macro(name, value[0], min(nargs, 9), default))
    return tuple(found)


_MACRO_PARENTS = re.compile(r"math|katex|tex|reveal|slides|markup|params", re.I)


def _macro_tables(meta: Any, depth: int) -> Iterable[Mapping[str, Any]]:
    if depth > 4 or not isinstance(meta, Mapping):
        return
    for key, value in meta.items():
        if str(key).lower() == "macros" and isinstance(value, Mapping):
            yield value
        elif _MACRO_PARENTS.search(str(key)) and isinstance(value, Mapping):
            yield from _macro_tables(value, depth + 1)


# --- expansion -----------------------------------------------------------------------------------------


def builtin_macros() -> tuple[Macro, ...]:
    return _BUILTINS


_BUILTINS = parse_macros(_BUILTIN_SOURCE)
_CONTROL = re.compile(r"\\(?:[A-Za-z]+|.)")


def expand(tex: str, macros: Iterable[Macro] = ()) -> str:
    """`tex` with the page's macros (later definitions win) and the built-in ones expanded."""
    table = {m.name: m for m in _BUILTINS}
    table.update({m.name: m for m in macros})
    return _expand(tex, table, 0)


def _expand(tex: str, table: Mapping[str, Macro], depth: int) -> str:
    if depth > MAX_DEPTH:
        raise MacroError("macros nest too deeply (a macro that uses itself?)")
    out: list[str] = []
    pos = 0
    changed = False
    while True:
        m = _CONTROL.search(tex, pos)
        if m is None:
            out.append(tex[pos:])
            break
        out.append(tex[pos : m.start()])
        macro = table.get(m.group(0))
        if macro is None:
            out.append(m.group(0))
            pos = m.end()
            continue
        args: list[str] = []
        cursor = m.end()
        if macro.default is not None:
            probe = _skip_space(tex, cursor)
            if tex.startswith("[", probe):
                end = _matching(tex, probe, "[", "]")
                if end > 0:
                    args.append(tex[probe + 1 : end])
                    cursor = end + 1
            if not args:
                args.append(macro.default)
        while len(args) < macro.nargs:
            arg = _read_argument(tex, cursor)
            if arg is None:
                break
            args.append(arg[0])
            cursor = arg[1]
        body = macro.body
        for index, value in enumerate(args, start=1):
            body = body.replace(f"#{index}", value)
        needs_space = re.fullmatch(r".*\\[A-Za-z]+", body, re.S) and cursor < len(tex) and tex[cursor].isalpha()
        out.append("{" + body + "}" if macro.nargs == 0 and body.startswith("\\operatorname") else body)
        if needs_space:
            out.append(" ")
        pos = cursor
        changed = True
        if sum(len(x) for x in out) > MAX_LENGTH:
            raise MacroError("macros expand to more than 20,000 characters")
    result = "".join(out)
    return _expand(result, table, depth + 1) if changed else result


# --- normalising what pages write ------------------------------------------------------------------------

_WORDS_TO_DROP = re.compile(r"\\(?:nonumber|notag|displaybreak|allowdisplaybreaks)\b(?:\[\d\])?")
_LABEL = re.compile(r"\\label\s*\{[^{}]*\}")
_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_CITE = re.compile(r"\\(cite[pt]?|citep?\*?|ref|eqref|autoref|cref|Cref)\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")
_ENV = re.compile(
    r"\\begin\{(equation|displaymath|math|align|alignat|flalign|gather|multline|eqnarray|split)(\*?)\}"
    r"(?:\{\d+\})?(.*)\\end\{\1\2\}",
    re.S,
)
_ROWS_ENVS = {"align", "alignat", "flalign", "eqnarray"}
_CENTRED_ENVS = {"gather", "multline"}


def normalise(tex: str) -> str:
    """Page math → the LaTeX we typeset (before macro expansion). See the module docstring."""
    tex = tex.strip()
    tex = unescape_markdown(tex)
    tex = _LABEL.sub("", tex)
    tex = _WORDS_TO_DROP.sub("", tex)
    tex = _TAG.sub(lambda m: r"\qquad\text{(" + m.group(1) + ")}", tex)
    tex = _CITE.sub(_citation, tex)
    tex = re.sub(r"\\newline\b", r"\\\\", tex)
    tex = re.sub(r"\\(?:begin|end)\{(?:split)\}", "", tex) if "\\begin{split}" in tex and "\\begin{equation" in tex else tex
    m = _ENV.fullmatch(tex)
    if m:
        env, inner = m.group(1), m.group(3).strip()
        if env in _ROWS_ENVS or (("\\\\" in inner or "&" in inner) and env not in _CENTRED_ENVS):
            tex = r"\begin{aligned}" + inner.replace("&=&", "&=") + r"\end{aligned}"
        elif env in _CENTRED_ENVS and "\\\\" in inner:
            tex = r"\begin{gathered}" + inner.replace("&", "") + r"\end{gathered}"
        else:
            tex = inner
    tex = _physics_qty(tex)
    return tex.strip()


def unescape_markdown(tex: str) -> str:
    r"""Undo the escapes written for a Markdown renderer that ate one backslash: `\_` → `_`,
    `\\\\` → `\\`, `\\{` → `\{`, `\\,` → `\,`, `\[` → `[` and `\(` → `(` (TeX itself never writes these
    inside a formula: `\_` is a text underscore, `\[` and `\(` open display and inline math)."""
    tex = tex.replace("\\\\\\\\", "\x00ROW\x00")
    tex = re.sub(r"\\\\([{}|,;:!#%$])", r"\\\1", tex)
    tex = re.sub(r"(?<!\\)\\_", "_", tex)
    tex = re.sub(r"(?<!\\)\\\*", "*", tex)
    tex = re.sub(r"(?<!\\)\\([][()])", r"\1", tex)
    return tex.replace("\x00ROW\x00", "\\\\")


def _citation(m: re.Match[str]) -> str:
    command, keys = m.group(1), m.group(2).strip()
    if command in ("ref", "autoref", "cref", "Cref"):
        return r"\text{" + keys + "}"
    if command == "eqref":
        return r"\text{(" + keys + ")}"
    return r"\text{[" + re.sub(r"\s*,\s*", ", ", keys) + "]}"


_QTY = re.compile(r"\\(?:qty|quantity)\s*(?=[(\[|{])")
_CLOSERS = {"(": ")", "[": "]", "{": "}", "|": "|"}


def _physics_qty(tex: str) -> str:
    r"""`\qty(…)` → `\left(…\right)`: the physics package's auto-sized delimiters."""
    for _ in range(50):
        m = _QTY.search(tex)
        if m is None:
            return tex
        start = m.end()
        opener = tex[start]
        end = tex.find("|", start + 1) if opener == "|" else _matching(tex, start, opener, _CLOSERS[opener])
        if end < 0:
            return tex[: m.start()] + tex[m.end() :]
        left = r"\{" if opener == "{" else opener
        right = r"\}" if opener == "{" else _CLOSERS[opener]
        tex = tex[: m.start()] + r"\left" + left + tex[start + 1 : end] + r"\right" + right + tex[end + 1 :]
    return tex


def citations_as_text(text: str) -> str:
    """`\\cite{key}` and `\\ref{key}` written in prose (outside math) as readable text."""
    return _CITE.sub(lambda m: _citation(m)[6:-1], text)


__all__ = [
    "Macro",
    "MacroError",
    "builtin_macros",
    "citations_as_text",
    "expand",
    "macros_from_front_matter",
    "normalise",
    "only_definitions",
    "parse_macros",
    "strip_definitions",
    "unescape_markdown",
]
