"""Markdown body → Document: blocks, inline runs, Hugo shortcodes, raw HTML, math, safe image paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgen.document import (
    Callout,
    CodeBlock,
    Figure,
    Gallery,
    Heading,
    Html,
    ListBlock,
    MathBlock,
    Paragraph,
    Quote,
    SpeakerNote,
    Table,
    ThematicBreak,
    Video,
)
from cardgen.loader import load_page
from cardgen.markdown import parse_document, parse_inline
from cardgen.shortcodes import parse_args, read_shortcode
from cardgen.text.plain import to_plain

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, tiny_png


def kinds(doc) -> list[str]:
    return [type(b).__name__ for b in doc.blocks]


def test_seed_body_has_three_paragraphs_and_the_visit_link() -> None:
    page = load_page(SEED)
    paragraphs = [b for b in page.document.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 3
    link = [r for r in paragraphs[-1].runs if r.href]
    assert link[0].text == "visit here" and link[0].href == "https://mlphys.scphys.kyoto-u.ac.jp/en/"


def test_common_markdown_blocks() -> None:
    doc = parse_document(
        "# Top\n\nSome **bold**, *italic*, `code` and ~~gone~~.\n\n- a\n  - nested\n- [x] done\n\n"
        "1. one\n2. two\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n> quoted\n\n---\n\n"
        "$$\nE = mc^2\n$$\n\nInline $x^2$ math.[^1]\n\n[^1]: A footnote.\n"
    )
    assert kinds(doc) == [
        "Heading",
        "Paragraph",
        "ListBlock",
        "ListBlock",
        "Table",
        "CodeBlock",
        "Quote",
        "ThematicBreak",
        "MathBlock",
        "Paragraph",
    ]
    para = doc.blocks[1]
    styles = {r.text.strip(): r for r in para.runs}
    assert styles["bold"].bold and styles["italic"].italic and styles["code"].code and styles["gone"].strike
    bullets = doc.blocks[2]
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert (
        isinstance(bullets.items[0].children[0], ListBlock)
        and bullets.items[0].children[0].items[0].text == "nested"
    )
    assert bullets.items[1].checked is True and bullets.items[1].text == "done"
    assert doc.blocks[3].ordered
    table = doc.blocks[4]
    assert isinstance(table, Table) and table.align == ("left", "right") and len(table.rows) == 1
    assert doc.blocks[5] == CodeBlock("print(1)", "python")
    assert isinstance(doc.blocks[6], Quote)
    assert doc.blocks[8] == MathBlock("E = mc^2")
    assert any(r.math and r.text == "x^2" for r in doc.blocks[9].runs)
    assert doc.footnotes and doc.footnotes[0][1][0].text == "A footnote."


def test_shortcodes_map_to_blocks(tmp_path: Path) -> None:
    tiny_png(tmp_path / "diagram.png")
    tiny_png(tmp_path / "album" / "b.png")
    tiny_png(tmp_path / "album" / "a.png")
    body = (
        '{{< figure src="diagram.png" caption="The **setup**" alt="Setup" >}}\n\n'
        "{{% callout warning %}}\nMind the *gap*.\n{{% /callout %}}\n\n"
        "{{< youtube dQw4w9WgXcQ >}}\n\n"
        '{{< video src="clip.mp4" controls="yes" >}}\n\n'
        '{{< gallery album="album" >}}\n\n'
        "{{% speaker_note %}}\nSay hello.\n{{% /speaker_note %}}\n\n"
        "{{% toc %}}\n\n"
        'Text with {{< icon name="github" pack="fab" >}} an icon and {{< mystery a=1 >}} inside.\n'
    )
    doc = parse_document(body, base_dir=tmp_path, site_root=None)
    figure, callout, video, clip, gallery, note, para = doc.blocks
    assert isinstance(figure, Figure) and figure.path == str(tmp_path / "diagram.png")
    assert figure.caption_text == "The setup" and figure.alt == "Setup"
    assert isinstance(callout, Callout) and callout.kind == "warning"
    assert callout.children[0].text == "Mind the gap."
    assert video == Video("youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "")
    assert isinstance(clip, Video) and clip.provider == "file" and clip.id_or_src == "clip.mp4"
    assert isinstance(gallery, Gallery) and [Path(f.path).name for f in gallery.figures] == ["a.png", "b.png"]
    assert isinstance(note, SpeakerNote) and note.children[0].text == "Say hello."
    assert isinstance(para, Paragraph)
    assert para.text == "Text with an icon and mystery a=1 inside."
    assert any("mystery" in w for w in doc.warnings)


def test_shortcode_arguments_and_nesting() -> None:
    assert parse_args("src=\"a b.png\" width=300 title='x' pos") == (
        ("pos",),
        {"src": "a b.png", "width": "300", "title": "x"},
    )
    src = "{{% callout note %}}\nOuter {{% callout tip %}}inner{{% /callout %}} end\n{{% /callout %}}"
    sc, end = read_shortcode(src, 0)
    assert sc.name == "callout" and end == len(src) and "inner" in sc.inner
    assert read_shortcode('{{< figure caption="a >}} b" src="x.png" >}}', 0)[0].named["caption"] == "a >}} b"


def test_unclosed_and_broken_shortcodes_do_not_crash() -> None:
    doc = parse_document("{{% callout note %}}\nnever closed\n\n{{< figure src=\n\nplain")
    assert doc.blocks and any("never closed" in w for w in doc.warnings)


def test_raw_html_becomes_text_and_comments_vanish() -> None:
    doc = parse_document("<div class='x'><strong>Bold</strong> &amp; text<br>more</div>\n\n<!-- hidden -->\n")
    assert [type(b).__name__ for b in doc.blocks] == ["Html"]
    assert doc.blocks[0].text == "Bold & text\nmore"


def test_inline_markdown_and_plain_text() -> None:
    runs = parse_inline("Image credit: [**Unsplash**](https://unsplash.com)")
    assert runs[-1].bold and runs[-1].href == "https://unsplash.com"
    assert to_plain("A *very* <b>bold</b> &amp; `coded` title 🚀&nbsp;!") == "A very bold & coded title 🚀 !"
    assert to_plain('{{< icon name="x" >}}Title') == "Title"


def test_image_paths_stay_inside_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    bundle = site / "content" / "project" / "p"
    tiny_png(site / "static" / "img" / "ok.png")
    tiny_png(site / "assets" / "media" / "lib.png")
    tiny_png(tmp_path / "secret.png")
    bundle.mkdir(parents=True)
    doc = parse_document(
        "![a](/img/ok.png)\n\n![b](lib.png)\n\n![c](../../../../secret.png)\n\n![d](https://x.org/a.png)\n",
        base_dir=bundle,
        site_root=site,
    )
    paths = [b.path for b in doc.blocks]
    assert paths[0] == str(site / "static" / "img" / "ok.png")
    assert paths[1] == str(site / "assets" / "media" / "lib.png")
    assert paths[2] is None and paths[3] is None
    assert any("outside the site" in w for w in doc.warnings)
    assert any("remote image" in w for w in doc.warnings)


def test_relref_in_link_target_and_html_img() -> None:
    doc = parse_document(
        'See [the paper]({{< relref "publication/x" >}}).\n\n<p align=center><img src="a.png" height=300></p>\n'
    )
    link = [r for r in doc.blocks[0].runs if r.href]
    assert link[0].href == "publication/x"
    assert isinstance(doc.blocks[1], Figure) and doc.blocks[1].src == "a.png"


@pytest.mark.parametrize("page", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_every_corpus_page_parses(page: Path) -> None:
    loaded = load_page(page)
    assert loaded.title_plain
    assert loaded.document.blocks or loaded.slides or page.parent.name == "ggasym"


def test_corpus_features_come_through() -> None:
    beauxi = load_page(CORPUS / "web-beauxi" / "index.md").document.blocks
    assert any(isinstance(b, Callout) for b in beauxi) and any(isinstance(b, Gallery) for b in beauxi)
    assert any(isinstance(b, Figure) and b.caption_text for b in beauxi)
    ja = load_page(CORPUS / "ja-selfrionette" / "index.md").document.blocks
    assert any(isinstance(b, Video) and b.provider == "youtube" for b in ja)
    assert sum(isinstance(b, MathBlock) for b in ja) >= 3
    assert any(isinstance(b, ThematicBreak) for b in ja) and any(isinstance(b, Heading) for b in ja)
    tools = load_page(CORPUS / "tools-comparison" / "index.md").document.blocks
    assert any(isinstance(b, ListBlock) for b in tools)
    assert not any(isinstance(b, Html) and "<" in b.text for b in beauxi)
