"""A parsed page as plain data (for `cardgen inspect --json`) and as a readable outline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cardgen import document as d
from cardgen.page import Page
from cardgen.units import MM_PER_INCH


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _runs_links(runs: d.Inline) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    for run in runs:
        if run.href:
            if links and links[-1]["href"] == run.href:
                links[-1]["text"] += run.text
            else:
                links.append({"text": run.text, "href": run.href})
    return links


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def block_outline(block: d.Block) -> dict[str, Any]:
    """One block as a small dict: its type plus the facts worth seeing at a glance."""
    kind = type(block).__name__.lower()
    out: dict[str, Any] = {"type": kind}
    if isinstance(block, d.Heading):
        out.update(level=block.level, text=block.text)
    elif isinstance(block, d.Paragraph):
        out["text"] = _short(block.text)
        if links := _runs_links(block.runs):
            out["links"] = links
    elif isinstance(block, d.ListBlock):
        out.update(ordered=block.ordered, items=len(block.items), first=_short(block.items[0].text, 60) if block.items else "")
    elif isinstance(block, d.Table):
        out.update(columns=len(block.header), rows=len(block.rows))
    elif isinstance(block, d.CodeBlock):
        out.update(language=block.language, lines=block.code.count("\n") + 1)
    elif isinstance(block, d.MathBlock):
        out["tex"] = _short(block.tex, 60)
    elif isinstance(block, d.Figure):
        out.update(src=block.src, caption=_short(block.caption_text, 80), path=block.path)
    elif isinstance(block, d.Callout):
        out.update(kind=block.kind, blocks=len(block.children))
    elif isinstance(block, d.Video):
        out.update(provider=block.provider, url=block.url or block.id_or_src)
    elif isinstance(block, d.Html):
        out["text"] = _short(block.text, 60)
    elif isinstance(block, d.Gallery):
        out.update(album=block.album, images=len(block.figures))
    elif isinstance(block, (d.Quote, d.SpeakerNote)):
        out["blocks"] = len(block.children)
    return out


def page_to_dict(page: Page) -> dict[str, Any]:
    blocks = page.document.blocks
    return {
        "path": str(page.path),
        "title": page.title_plain,
        "title_markdown": page.title,
        "subtitle": page.subtitle,
        "description": page.description,
        "description_source": page.description_source,
        "authors": [
            {"name": a.name, "slug": a.slug, "role": a.role, "affiliation": a.affiliation} for a in page.authors
        ],
        "tags": list(page.tags),
        "categories": list(page.categories),
        "date": _date(page.date),
        "lastmod": _date(page.lastmod),
        "publish_date": _date(page.publish_date),
        "draft": page.draft,
        "language": page.language,
        "url": page.url,
        "external_link": page.external_link,
        "main_url": _main_url(page),
        "image": {
            "featured": str(page.featured_image) if page.featured_image else None,
            "caption": page.image.caption,
            "focal_point": page.image.focal_point.value,
            "focal_point_name": page.image.focal_point.display,
            "preview_only": page.image.preview_only,
            "alt_text": page.image.alt_text,
            "filename": page.image.filename,
            **_print_resolution(page),
        },
        "links": [{"name": k.name, "url": k.url, "kind": k.kind, "icon": k.icon} for k in page.links],
        "body_links": [link for b in blocks if isinstance(b, d.Paragraph) for link in _runs_links(b.runs)],
        "site": (
            {"root": str(page.site.root), "title": page.site.title, "base_url": page.site.base_url}
            if page.site
            else None
        ),
        "blocks": [block_outline(b) for b in blocks],
        "block_counts": _counts(blocks),
        "slides": [
            {
                "blocks": [block_outline(b) for b in s.blocks],
                "notes": len(s.notes),
                "background_image": s.background_image,
                "background_color": s.background_color,
                "hidden": s.hidden,
            }
            for s in page.slides
        ],
        "slides_path": str(page.slides_path) if page.slides_path else None,
        "is_slides_page": page.is_slides_page,
        "warnings": list(page.warnings),
    }


def _counts(blocks: tuple[d.Block, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for block in blocks:
        name = type(block).__name__.lower()
        counts[name] = counts.get(name, 0) + 1
    return counts


#: Print sizes `inspect` reports the image resolution for (the card's picture covers the trim + bleed).
_PRINT_CHECKS = {"A6 card": (111.0, 154.0), "A5 card": (154.0, 216.0)}


def _print_resolution(page: Page) -> dict[str, Any]:
    """Pixel size of the featured image and its best-case dpi on printed cards (warn below 200)."""
    if page.featured_image is None:
        return {}
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # only the header is read
            with Image.open(page.featured_image) as im:
                size = im.size
                if im.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF orientation turns the picture
                    size = (size[1], size[0])
    except Image.DecompressionBombError as exc:
        return {"pixels": None, "problem": f"refused as a decompression bomb ({exc})"}
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError):
        return {"pixels": None}
    dpi = {}
    for name, (w_mm, h_mm) in _PRINT_CHECKS.items():
        scale = max(w_mm / size[0], h_mm / size[1])  # cover: the crop keeps w_mm/scale × h_mm/scale px
        dpi[name] = round(MM_PER_INCH / scale)
    return {"pixels": list(size), "print_dpi": dpi}


def format_page(page: Page) -> str:
    """A short human-readable outline of a page (what `cardgen inspect` prints)."""
    data = page_to_dict(page)
    img = data["image"]
    lines = [
        f"{data['title']}",
        *([f"  subtitle     {data['subtitle']}"] if data["subtitle"] else []),
        f"  file         {data['path']}",
        f"  authors      {', '.join(a['name'] for a in data['authors']) or '—'}",
        f"  date         {data['date'] or '—'}",
        f"  tags         {', '.join(data['tags']) or '—'}",
        f"  language     {data['language'] or '—'}",
        f"  url          {data['url'] or '—'}",
        f"  main url     {data['main_url']['url'] or '—'}"
        + (f"  (from {data['main_url']['source']}; closing slide, QR codes, card back)" if data["main_url"]["url"] else ""),
        f"  description  ({data['description_source'] or 'none'}) {_short(data['description'], 90)}",
        f"  image        {img['featured'] or 'none (placeholder art)'}",
        f"               focal point {img['focal_point_name']}, preview_only {str(img['preview_only']).lower()}"
        + (f", caption {_short(img['caption'], 50)!r}" if img["caption"] else ""),
    ]
    if img.get("problem"):
        lines.append(f"               ! {img['problem']}")
    if img.get("print_dpi"):
        w, h = img["pixels"]
        dpis = ", ".join(f"{v} dpi on an {k}" for k, v in img["print_dpi"].items())
        lines.append(f"               {w}×{h} px: {dpis}")
        low = [k for k, v in img["print_dpi"].items() if v < 200]
        if low:
            lines.append(f"               ! below 200 dpi on the {' and '.join(low)}: use a larger image for print")
    if data["links"]:
        lines.append("  links")
        lines += [f"    {k['name']:<16} {k['url']}" for k in data["links"]]
    if data["blocks"]:
        counts = ", ".join(f"{n} {k}" for k, n in data["block_counts"].items())
        lines.append(f"  body         {counts}")
        for b in data["blocks"]:
            detail = b.get("text") or b.get("src") or b.get("url") or b.get("first") or b.get("kind") or ""
            if b["type"] == "heading":
                detail = "#" * b["level"] + " " + detail
            lines.append(f"    {b['type']:<14} {_short(str(detail), 80)}")
    if data["slides"]:
        lines.append(f"  slides       {len(data['slides'])} ({data['slides_path']})")
        for i, s in enumerate(data["slides"], 1):
            head = next((b.get("text", "") for b in s["blocks"] if b["type"] == "heading"), "")
            flags = " hidden" if s["hidden"] else ""
            flags += f" notes:{s['notes']}" if s["notes"] else ""
            flags += " background" if s["background_image"] or s["background_color"] else ""
            lines.append(f"    {i:>3}. {_short(head, 60) or '(' + str(len(s['blocks'])) + ' blocks)'}{flags}")
    if data["warnings"]:
        lines.append(f"  warnings     {len(data['warnings'])}")
        lines += [f"    ! {w}" for w in data["warnings"]]
    return "\n".join(lines)


def _main_url(page: Page) -> dict[str, str]:
    from cardgen.fields import main_url_choice

    url, source = main_url_choice(page)
    return {"url": url, "source": source}
