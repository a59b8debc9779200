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
        # CJK titles carry line breaks where we measured them (PowerPoint shows them as \v)
        assert texts(slide)[0].replace("\v", "") == page.title_plain
        assert pictures(slide), "every project shows its picture (or placeholder art)"
        names = {s.name for s in slide.shapes}
        if page.main_url:
            assert "QR code" in names
        if page.authors:
            assert page.author_names[0] in "\n".join(texts(slide))
    assert result.info["projects"] == len(pages)


def test_project_slide_uses_the_slide(tmp_path):
    """Picture on the right half from edge to edge, text column on the left: title above authors above
    summary, the QR code at the foot — no half-empty slide."""
    pages, _, prs = showcase(tmp_path, event="Open Lab Day 2026")
    width, height = prs.slide_width, prs.slide_height
    for page, slide in zip(pages, list(prs.slides)[2:], strict=False):
        shapes = {s.name: s for s in slide.shapes}
        picture = max(pictures(slide), key=lambda p: p.width * p.height)
        assert picture.width * picture.height >= 0.3 * width * height
        assert picture.left + picture.width >= width * 0.99
        title = next(s for s in slide.shapes if s.is_placeholder and s.has_text_frame)
        assert title.left + title.width <= picture.left
        if "Summary" in shapes:
            summary = shapes["Summary"]
            assert summary.top >= title.top + title.height
            assert min(r.font.size.pt for p in summary.text_frame.paragraphs for r in p.runs) >= 16
        if page.qr_url:
            qr = shapes["QR code"]
            assert qr.top + qr.height <= height and qr.width.pt >= 100
            assert "Summary" not in shapes or shapes["Summary"].top + shapes["Summary"].height <= qr.top


def test_showcase_never_overflows(tmp_path):
    _, result, _ = showcase(tmp_path, event="Open Lab Day 2026")
    assert checker(result.outputs[0]) == []


def test_showcase_is_deterministic(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    showcase(a)
    showcase(b)
    assert (a / "showcase.pptx").read_bytes() == (b / "showcase.pptx").read_bytes()


def test_a_right_to_left_title_in_the_agenda_keeps_the_lists_direction(tmp_path):
    """The agenda numbers every project at the left: an Arabic title among them is one more item
    (its words still read right to left), not a paragraph flipped to the right with its number."""
    import re
    import zipfile

    from conftest import write

    arabic = write(tmp_path / "ar" / "index.md", "---\ntitle: تكوين الفرق البحثية\nsummary: ملخص قصير.\n---\nنص.\n")
    english = write(tmp_path / "en" / "index.md", "---\ntitle: Machine learning for physics\n---\nText.\n")
    out = tmp_path / "showcase.pptx"
    render_showcase([load_page(english), load_page(arabic)], out, event="Open Lab Day")
    with zipfile.ZipFile(out) as z:
        agenda = z.read("ppt/slides/slide2.xml").decode()
        project = z.read("ppt/slides/slide4.xml").decode()
    items = [p for p in re.findall(r"<a:p>.*?</a:p>", agenda, re.S) if "buAutoNum" in p]
    assert len(items) == 2
    assert all('rtl="1"' not in p and 'algn="l"' in p for p in items), items
    title = next(p for p in re.findall(r"<a:p>.*?</a:p>", project, re.S) if "تكوين" in p)
    assert 'rtl="1"' in title  # the Arabic project's own slide is right to left


def test_a_long_title_is_set_smaller_rather_than_cut(tmp_path):
    """An 84-character title takes three lines of its narrow column, whole, above a smaller summary
    (it was cut after two lines with "…" while the column had room)."""
    from conftest import write

    title = "MTrack: Tracking Multi-Person Moving Trajectories and Vital Signs with Radio Signals"
    page = write(tmp_path / "mtrack" / "index.md", f"---\ntitle: \"{title}\"\nauthors: [Donghe Zhang]\n"
                 "summary: A multi-antenna system that resolves people by angle and time of flight.\n"
                 "url_project: https://example.org/mtrack/\n---\nText.\n")
    out = tmp_path / "showcase.pptx"
    render_showcase([load_page(page)], out, event="Open Lab Day")
    slide = list(Presentation(str(out)).slides)[2]
    shapes = {s.name: s for s in slide.shapes}
    shown = shapes["Title"].text_frame.text.replace("\v", " ").replace("\n", " ")
    assert " ".join(shown.split()) == title
    title_size = max(r.font.size.pt for p in shapes["Title"].text_frame.paragraphs for r in p.runs)
    summary_size = max(r.font.size.pt for p in shapes["Summary"].text_frame.paragraphs for r in p.runs)
    assert title_size >= 20 and summary_size < title_size
    assert checker(out) == []
