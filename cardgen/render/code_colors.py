"""Syntax colours for code on slides: Pygments tokens → a small palette that reads on the panel."""

from __future__ import annotations

from cardgen.colors import readable_on


def code_palette(background: str) -> dict[str, str]:
    if readable_on(background) == "#ffffff":  # dark panel: the light-on-dark palette
        return {"keyword": "#ff7b72", "string": "#a5d6ff", "comment": "#8b949e", "number": "#79c0ff",
                "name": "", "builtin": "#d2a8ff"}
    return {"keyword": "#cf222e", "string": "#0a3069", "comment": "#6e7781", "number": "#0550ae",
            "name": "", "builtin": "#8250df"}


def highlight(text: str, language: str | None) -> list[tuple[str, str]]:
    """(piece, kind) for one code line with Pygments; the whole line as plain text when unknown."""
    if not language:
        return [(text, "")]
    try:
        from pygments import lex
        from pygments.lexers import get_lexer_by_name
        from pygments.token import Comment, Keyword, Name, Number, String
        from pygments.util import ClassNotFound
    except ImportError:  # pragma: no cover
        return [(text, "")]
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return [(text, "")]
    out: list[tuple[str, str]] = []
    for token, piece in lex(text, lexer):
        kind = ("keyword" if token in Keyword else "string" if token in String else "comment" if token in Comment
                else "number" if token in Number else "builtin" if token in Name.Builtin else "")
        if out and out[-1][1] == kind:
            out[-1] = (out[-1][0] + piece, kind)
        elif piece:
            out.append((piece, kind))
    return out or [(text, "")]
