"""The event showcase deck: event title, agenda, one slide per project with picture, authors and QR code."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from test_deck import checker, pictures, texts

from cardgen.loader import load_page
from cardgen.render.showcase import render_showcase

from conftest import SAMPLES

PROJECTS = sorted((SAMPLES / "site" / "content" / "project").glob("*/index.md"))


def showcase(tmp_path: Path, **options):
    pages = [load_page(p) for p in PROJECTS]
    pages = [p for p in pages if not p.draft]
    out = tmp_path / "showcase.pptx"
    result = render_showcase(pages, out, **options)
    return pages, result, Presentation(str(out))


def test_one_slide_per_project_after_title_and_agenda(tmp_path):
    pages, result, prs = showcase(tmp_path, event="Open Lab Day 2026")
    slides = list(prs.slides)
    assert texts(slides[0])[0] == "Open Lab Day 2026"
    agenda = "\n".join(texts(slides[1]))
    for page in pages:
        assert page.title_plain in agenda
    project_slides = slides[2:2 + len(pages)]
    for page, slide in zip(pages, project_slides, strict=True):
        assert texts(slide)[0] == page.title_plain
        assert pictures(slide), "every project shows its picture (or placeholder art)"
        names = {s.name for s in slide.shapes}
        if page.main_url:
            assert "QR code" in names
        if page.authors:
            assert page.author_names[0] in "\n".join(texts(slide))
    assert result.info["projects"] == len(pages)


def test_showcase_never_overflows(tmp_path):
    _, result, _ = showcase(tmp_path, event="Open Lab Day 2026")
    assert checker(result.outputs[0]) == []


def test_showcase_is_deterministic(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    showcase(a)
    showcase(b)
    assert (a / "showcase.pptx").read_bytes() == (b / "showcase.pptx").read_bytes()
