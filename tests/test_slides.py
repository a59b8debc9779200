"""Wowchemy slides pages: split at thematic breaks as CommonMark sees them, slide attributes, notes, hide."""

from __future__ import annotations

from pathlib import Path

from cardgen.document import CodeBlock, Heading, Paragraph
from cardgen.loader import load_page
from cardgen.slides import parse_slides

from conftest import CORPUS, tiny_png, write


def test_split_only_at_real_thematic_breaks(tmp_path: Path) -> None:
    body = (
        "# One\n\nintro\n\n---\n\n## Two\n\n```\n---\nnot a break\n```\n\n***\n\nSetext heading\n---\n\n___\n\n"
        "## Four\n"
    )
    slides, warnings = parse_slides(body, base_dir=tmp_path)
    assert len(slides) == 4
    assert isinstance(slides[1].blocks[1], CodeBlock) and "---" in slides[1].blocks[1].code
    assert isinstance(slides[2].blocks[0], Heading) and slides[2].blocks[0].text == "Setext heading"
    assert not warnings


def test_slide_attributes_notes_fragments_and_hide(tmp_path: Path) -> None:
    tiny_png(tmp_path / "bg.png")
    body = (
        '{{< slide background-image="bg.png" background-color="#101820" >}}\n\n## Styled\n\n'
        "{{% fragment %}}Revealed later{{% /fragment %}}\n\n"
        "{{% speaker_note %}}\n- remember this\n{{% /speaker_note %}}\n\n---\n\n"
        "<!-- hide -->\n\n## Hidden\n\n---\n\n## Last\n"
    )
    slides, _ = parse_slides(body, base_dir=tmp_path)
    first, hidden, last = slides
    assert first.background_image == "bg.png" and first.background_image_path == str(tmp_path / "bg.png")
    assert first.background_color == "#101820"
    assert any(isinstance(b, Paragraph) and b.text == "Revealed later" for b in first.blocks)
    assert first.notes and "remember this" in repr(first.notes)
    assert hidden.hidden and not first.hidden and not last.hidden


def test_corpus_decks_split_into_many_slides() -> None:
    deck = load_page(CORPUS / "slides" / "ml-stat-mech-1" / "index.md")
    assert deck.is_slides_page and 30 <= len(deck.slides) <= 45
    assert deck.title_plain == "Machine Learning and Statistical Mechanics"
    chips = load_page(CORPUS / "slides" / "chips-workshop" / "index.md")
    assert len(chips.slides) >= 2


def test_project_page_links_its_slides_deck(site: Path) -> None:
    write(site / "content" / "slides" / "talk" / "index.md", "---\ntitle: Talk\n---\n# A\n\n---\n\n# B\n")
    page = write(site / "content" / "project" / "p" / "index.md", "---\ntitle: P\nslides: talk\n---\nBody.\n")
    loaded = load_page(page)
    assert [s.blocks[0].text for s in loaded.slides] == ["A", "B"]
    assert loaded.document.blocks[0].text == "Body."
