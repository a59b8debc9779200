"""Wowchemy slides pages: split at thematic breaks as CommonMark sees them, slide attributes, notes, hide."""

from __future__ import annotations

from pathlib import Path

from cardgen.document import CodeBlock, Heading, MathBlock, Paragraph
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


def test_breaks_inside_lists_quotes_and_shortcodes_do_not_split(tmp_path: Path) -> None:
    body = (
        "## One\n\n> quoted\n> ***\n> more\n\n"
        "{{% callout note %}}\nabove\n\n---\n\nbelow\n{{% /callout %}}\n\n"
        "---\n## Two\n---\n\n---\n\n## Three\n"
    )
    slides, _ = parse_slides(body, base_dir=tmp_path)
    assert [s.blocks[0].text for s in slides] == ["One", "Two", "Three"]  # the empty section is dropped


def test_inline_slide_attributes_and_hidden_visibility(tmp_path: Path) -> None:
    body = (
        '## A {{< slide background-color="navy" class="x" >}}\n\n---\n\n'
        '{{< slide visibility="hidden" >}}\n\n## B\n\n---\n\n'
        '{{< slide background-image="../../../outside.png" >}}\n\n## C\n\n---\n\n'
        '{{< slide background-image="https://example.org/bg.jpg" >}}\n\n## D\n'
    )
    a, b, c, d = parse_slides(body, base_dir=tmp_path / "deck", site_root=tmp_path / "deck")[0]
    assert a.background_color == "navy" and a.attrs["class"] == "x" and a.blocks[0].text == "A"
    assert b.hidden and not a.hidden
    assert c.background_image == "../../../outside.png" and c.background_image_path is None
    assert d.background_image_path is None


def test_speaker_notes_with_angle_delimiters_and_fragments_in_lists(tmp_path: Path) -> None:
    body = (
        "## Title\n\n- {{% fragment %}}first{{% /fragment %}}\n- {{% fragment %}}**second**{{% /fragment %}}\n\n"
        "{{< speaker_note >}}\nSay *this*.\n{{< /speaker_note >}}\n"
    )
    (slide,) = parse_slides(body, base_dir=tmp_path)[0]
    heading, items = slide.blocks
    assert [i.text for i in items.items] == ["first", "second"] and items.items[1].runs[0].bold
    assert len(slide.notes) == 1 and slide.notes[0].text == "Say this."


def test_corpus_decks_in_detail() -> None:
    lecture = load_page(CORPUS / "slides" / "ml-stat-mech-1" / "index.md").slides
    assert len(lecture) == 38  # 37 thematic breaks in the body
    assert isinstance(lecture[0].blocks[0], MathBlock) and "\\DeclareMathOperator" in lecture[0].blocks[0].tex
    assert lecture[0].blocks[1].text == "Machine Learning and Statistical Mechanics"
    assert not any(s.hidden for s in lecture)
    qm = load_page(CORPUS / "slides" / "rl4qm-msml" / "index.md").slides
    assert len(qm) == 26
    schrodinger = next(
        s for s in qm if isinstance(s.blocks[0], Heading) and s.blocks[0].text.startswith("Schrödinger")
    )
    assert any(isinstance(b, MathBlock) and "\\overbrace" in b.tex for b in schrodinger.blocks)
    demo = load_page(CORPUS / "slides" / "cartografies-colaboratives" / "index.md").slides
    custom = next(s for s in demo if s.background_image)
    assert custom.background_image == "/img/boards.jpg" and custom.blocks[0].text == "Custom Slide"
    notes = next(s for s in demo if s.notes)
    assert "Only the speaker can read these notes" in repr(notes.notes)
    fragments = next(s for s in demo if isinstance(s.blocks[0], Heading) and s.blocks[0].text == "Fragments")
    assert [b.text for b in fragments.blocks if isinstance(b, Paragraph)][-3:] == ["One", "Two", "Three"]
    code = next(b for s in demo for b in s.blocks if isinstance(b, CodeBlock) and "fragment" in b.code)
    assert "{{%/* fragment */%}}" in code.code  # escaped shortcodes inside code stay as written


def test_notes_nested_in_lists_and_callouts_go_to_the_notes(tmp_path: Path) -> None:
    body = (
        "## T\n\n- point\n\n  {{% speaker_note %}}\n  about the point\n  {{% /speaker_note %}}\n\n"
        "{{% callout note %}}\nvisible\n\n{{% speaker_note %}}\nabout the callout\n{{% /speaker_note %}}\n"
        "{{% /callout %}}\n"
    )
    (slide,) = parse_slides(body, base_dir=tmp_path)[0]
    assert [b.text for b in slide.notes] == ["about the point", "about the callout"]
    assert "about" not in repr(slide.blocks) and "visible" in repr(slide.blocks)
