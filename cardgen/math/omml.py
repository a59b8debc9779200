"""MathML → Office Math (OMML) with mathml2omml (the maintained Allote.Software fork; Microsoft's
MML2OMML.XSL is not redistributable). The result is checked to be well-formed XML."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

OMML_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"


class OmmlError(ValueError):
    pass


@lru_cache(maxsize=4096)
def to_omml(mathml: str, *, display: bool) -> str:
    """`<m:oMath>` (inline) or `<m:oMathPara>` (display) with the `m:` namespace declared."""
    import mathml2omml

    try:
        body = str(mathml2omml.convert(mathml))
    except Exception as exc:
        raise OmmlError(f"{type(exc).__name__}: {exc}") from None
    body = body.replace("<m:oMath>", f'<m:oMath xmlns:m="{OMML_NS}">', 1)
    if display:
        body = (f'<m:oMathPara xmlns:m="{OMML_NS}"><m:oMathParaPr><m:jc m:val="centerGroup"/></m:oMathParaPr>'
                + body.replace(f' xmlns:m="{OMML_NS}"', "", 1) + "</m:oMathPara>")
    try:
        etree.fromstring(body)
    except etree.XMLSyntaxError as exc:
        raise OmmlError(f"malformed OMML: {exc}") from None
    return body


__all__ = ["OMML_NS", "OmmlError", "to_omml"]
