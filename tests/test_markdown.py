"""Markdown body → Document: blocks, inline runs, Hugo shortcodes, raw HTML, math, safe image paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardgen.document import (
    Callout,
    CodeBlock,
    Document,
    Figure,
    Gallery,
    Heading,
    Html,
    ListBlock,
    MathBlock,
    Paragraph,
    Quote,
    Run,
    SpeakerNote,
    Table,
    ThematicBreak,
    Video,
)
from cardgen.frontmatter import split_front_matter
from cardgen.loader import load_page
from cardgen.markdown import parse_document, parse_inline
from cardgen.shortcodes import parse_args, read_shortcode
from cardgen.slides import parse_slides
from cardgen.text.plain import to_plain

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, needs_corpus, tiny_png


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
    assert any(r.math and r.tex == "x^2" and r.text == "x²" for r in doc.blocks[9].runs)
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


def test_an_img_tag_over_two_lines_is_a_figure() -> None:
    """`<img …>` with its attributes on a second line is inline HTML in CommonMark (an HTML block's
    opening tag must end on its first line): alone on its line it is still the picture, not its alt
    text as a paragraph (img-rf-fingerprinting-wide writes its diagrams so)."""
    doc = parse_document(
        'Intro text.\n\n<img src="featured.png" alt="Simply Easy Learning" width="600"\n         height="240">\n\n'
        'Text with an <img src="icon.png" alt="icon"> inside.\n'
    )
    intro, figure, inline = doc.blocks
    assert isinstance(figure, Figure) and (figure.src, figure.alt) == ("featured.png", "Simply Easy Learning")
    assert isinstance(inline, Paragraph) and inline.text == "Text with an icon inside."


@pytest.mark.parametrize("page", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_every_corpus_page_parses(page: Path) -> None:
    loaded = load_page(page)
    assert loaded.title_plain
    # A body with any text must give blocks; real pages may have an empty body (img-small-225px) or one
    # that holds only an HTML comment (ggasym): those give none, and that is right.
    body = split_front_matter(page.read_text(encoding="utf-8"), page).body
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip()
    assert loaded.document.blocks or loaded.slides or not body


@needs_corpus
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


def test_image_lines_and_display_math_split_a_paragraph_like_hugo_shows_them() -> None:
    doc = parse_document(
        'Intro line\n![chart](chart.png "The chart")\nafter the image.\n\n'
        "Energy is\n`$$\nE = mc^2\n$$`\nas shown.\n"
    )
    assert kinds(doc) == ["Paragraph", "Figure", "Paragraph", "Paragraph", "MathBlock", "Paragraph"]
    assert doc.blocks[1].caption_text == "The chart" and doc.blocks[1].alt == "chart"
    assert doc.blocks[2].text == "after the image." and doc.blocks[4] == MathBlock("E = mc^2")
    inline = parse_document("An ![icon](i.png) inside text.").blocks
    assert kinds(Document(inline)) == ["Paragraph"] and inline[0].text == "An icon inside text."


def test_bare_latex_environments_become_math_blocks() -> None:
    doc = parse_document(
        "We consider,\n\\begin{equation}\n  s_t = f(s_{t-1}, a_{t-1}),\n\\end{equation}\nwith $s$ a state.\n\n"
        "Code `\\begin{x}` stays.\n"
    )
    assert kinds(doc) == ["Paragraph", "MathBlock", "Paragraph", "Paragraph"]
    assert doc.blocks[1].tex.startswith("\\begin{equation}") and "s_{t-1}" in doc.blocks[1].tex
    assert any(r.math and r.text == "s" for r in doc.blocks[2].runs)


def test_math_shortcode_and_backtick_math() -> None:
    doc = parse_document(
        "{{< math >}}$$\nF = ma\n$$ {{< /math >}}\n\n- {{< math >}}$F_l${{< /math >}}: force\n\n"
        "Inline `$x_1$` and `$$y$$`.\n"
    )
    assert doc.blocks[0] == MathBlock("F = ma")
    item = doc.blocks[1].items[0]
    assert item.runs[0].math and item.runs[0].tex == "F_l" and item.text == "Fₗ: force"
    assert [(r.tex, r.text) for r in doc.blocks[2].runs if r.math] == [("x_1", "x₁"), ("y", "y")]


def test_a_table_of_images_with_captions_becomes_figures() -> None:
    doc = parse_document(
        "| ![](a.gif) | ![](b.gif) |\n|:--:|:--:|\n| *First* | *Second* |\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"
    )
    first, second, table = doc.blocks
    assert (first.src, first.caption_text, second.src, second.caption_text) == (
        "a.gif",
        "First",
        "b.gif",
        "Second",
    )
    assert isinstance(table, Table) and table.header[0][0].text == "A"


def test_inline_html_keeps_links_and_emphasis() -> None:
    (para,) = parse_document(
        'A <a href="https://x.org/?a=1&amp;b=2">site</a>, <em>em</em>, <code>c</code>, <span>s</span>.'
    ).blocks
    runs = {r.text: r for r in para.runs}
    assert runs["site"].href == "https://x.org/?a=1&b=2"
    assert runs["em"].italic and runs["c"].code and para.text == "A site, em, c, s."


def test_icon_only_links_show_their_target_and_bare_urls_link() -> None:
    (para,) = parse_document(
        '[<i class="fab fa-github"></i>](https://github.com/jhrcook/x) see https://example.org/a_(b). '
        "and www.example.com."
    ).blocks
    linked = [(r.text, r.href) for r in para.runs if r.href]
    assert linked == [
        ("github.com/jhrcook/x", "https://github.com/jhrcook/x"),
        ("https://example.org/a_(b)", "https://example.org/a_(b)"),
        ("www.example.com", "http://www.example.com"),
    ]
    assert para.text.endswith("see https://example.org/a_(b). and www.example.com.")


def test_cjk_bold_that_commonmark_rejects_is_still_bold() -> None:
    (para,) = parse_document("この変換は**逆運動学（IK）**を用いて行います。").blocks
    assert [(r.text, r.bold) for r in para.runs] == [
        ("この変換は", False),
        ("逆運動学（IK）", True),
        ("を用いて行います。", False),
    ]
    assert parse_document("`a **b** c`").blocks[0].runs[0].text == "a **b** c"  # code stays literal


def test_heading_attributes_are_not_text() -> None:
    (heading,) = parse_document("## Results {#results .wide}\n").blocks
    assert heading == Heading(2, heading.runs) and heading.text == "Results"


def test_html_figure_with_caption_and_embedded_video() -> None:
    doc = parse_document(
        '<figure>\n<img alt="Graph" src="g.png" width="300"/>\n<figcaption>A <b>simple</b> graph.</figcaption>\n'
        "</figure>\n\n"
        '<iframe width="560" src="https://www.youtube.com/embed/I7xbdYrJLJo" title="Demo"></iframe>\n\n'
        '<img src="https://example.org/remote.png">\n'
    )
    figure, video = doc.blocks
    assert (figure.src, figure.alt, figure.caption_text) == ("g.png", "Graph", "A simple graph.")
    assert video == Video("youtube", "I7xbdYrJLJo", "https://www.youtube.com/watch?v=I7xbdYrJLJo", "Demo")
    assert any("remote image" in w for w in doc.warnings)


def test_unknown_shortcodes_keep_their_content_and_warn_once_with_the_right_delimiters() -> None:
    doc = parse_document(
        "{{% details title=More %}}\n**Hidden** part\n\n- one\n{{% /details %}}\n\n"
        '{{< putbib "key" >}}\n\n{{< putbib "other" >}}\n\n{{% sidebar %}}\nSide *note*\n{{% /sidebar %}}\n'
    )
    assert kinds(doc) == ["Paragraph", "ListBlock", "Paragraph", "Paragraph", "Paragraph"]
    assert doc.blocks[2].text == "putbib key" and doc.blocks[4].text == "Side note"
    assert doc.warnings == (
        "unknown shortcode {{< putbib >}} kept as text",
        "unknown shortcode {{% sidebar %}} kept as text",
    )


def test_nested_shortcodes_and_markdown_inside_callouts() -> None:
    doc = parse_document(
        "{{% callout warning %}}\n## Careful\n\n- **bold** item\n\n"
        '{{< figure src="x.png" caption="Inner *fig*" >}}\n\n'
        "{{% callout note %}}\nNested\n{{% /callout %}}\n{{% /callout %}}\n"
    )
    (callout,) = doc.blocks
    assert callout.kind == "warning"
    heading, items, figure, inner = callout.children
    assert heading.text == "Careful" and items.items[0].runs[0].bold
    assert figure.caption_text == "Inner fig"
    assert isinstance(inner, Callout) and inner.kind == "note" and inner.children[0].text == "Nested"


def test_embedded_posts_and_citations_become_links() -> None:
    doc = parse_document(
        '{{< tweet user="lab" id="1325474361407660034" >}}\n\nSee {{< cite doi="10.1000/xyz" >}} and '
        '{{< cite page="/publication/preprint" >}}.\n'
    )
    assert doc.blocks[0].runs[0].href == "https://x.com/lab/status/1325474361407660034"
    runs = doc.blocks[1].runs
    assert (
        runs[1].href == "https://doi.org/10.1000/xyz"
        and doc.blocks[1].text == "See doi:10.1000/xyz and [preprint]."
    )
    assert not doc.warnings


def test_symlinks_leaving_the_site_are_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    bundle = site / "content" / "project" / "p"
    bundle.mkdir(parents=True)
    secret = tiny_png(tmp_path / "outside" / "secret.png")
    (bundle / "link.png").symlink_to(secret)
    (bundle / "album").mkdir()
    (bundle / "album" / "escape.png").symlink_to(secret)
    tiny_png(bundle / "album" / "ok.png")
    doc = parse_document(
        '![x](link.png)\n\n{{< figure src="../../../../etc/passwd" >}}\n\n{{< gallery album="album" >}}\n',
        base_dir=bundle,
        site_root=site,
    )
    link, passwd, gallery = doc.blocks
    assert link.path is None and passwd.path is None
    assert [Path(f.path).name for f in gallery.figures] == ["ok.png"]
    assert sum("refused: outside the site" in w for w in doc.warnings) == 2


def test_without_a_site_images_stay_inside_the_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "page"
    tiny_png(bundle / "in.png")
    tiny_png(tmp_path / "out.png")
    doc = parse_document(
        "![a](in.png)\n\n![b](../out.png)\n\n![c](/abs.png)\n", base_dir=bundle, site_root=None
    )
    assert [b.path for b in doc.blocks] == [str(bundle / "in.png"), None, None]


@needs_corpus
def test_corpus_pages_in_detail() -> None:
    tumor = load_page(CORPUS / "tumor-modeling-toml" / "index.md").document.blocks
    figures = [b for b in tumor if isinstance(b, Figure)]
    assert (
        len(figures) == 7 and figures[0].caption_text == "Figure 1: Tumor growth towards nutrient rich artery"
    )
    assert any(r.math for b in tumor if isinstance(b, Paragraph) for r in b.runs)
    gp = load_page(CORPUS / "gp-stable-unstable" / "index.md").document.blocks
    assert sum(isinstance(b, MathBlock) for b in gp) >= 20
    assert not any(isinstance(b, Paragraph) and b.text.startswith("\\begin{") for b in gp)
    tools = load_page(CORPUS / "tools-comparison" / "index.md").document.blocks
    tasks = [i for b in tools if isinstance(b, ListBlock) for i in b.items]
    assert tasks and all(i.checked is True for i in tasks) and not tasks[0].text.startswith("[x]")
    ja = load_page(CORPUS / "ja-selfrionette" / "index.md").document.blocks
    callout = next(b for b in ja if isinstance(b, Callout))
    assert callout.kind == "note" and "動画" in callout.children[0].text
    assert any(isinstance(b, Figure) and b.caption_text == "デバイス外観" for b in ja)
    assert any(r.bold and r.text == "逆運動学（IK）" for b in ja if isinstance(b, Paragraph) for r in b.runs)
    itijoho = load_page(CORPUS / "ja-itijoho" / "index.md").document.blocks
    assert any(isinstance(b, Video) and b.provider == "youtube" for b in itijoho)
    beauxi = load_page(CORPUS / "web-beauxi" / "index.md").document.blocks
    figure = next(b for b in beauxi if isinstance(b, Figure))
    assert (
        figure.caption_text == "A caption"
        and next(b for b in beauxi if isinstance(b, Gallery)).album == "beauxi"
    )
    html_list = beauxi[-1]  # a raw <ul> (never closed) of <li><strong>…</strong> items
    assert isinstance(html_list, ListBlock) and len(html_list.items) == 4
    assert html_list.items[2].runs[0] == Run("Multi-language:", bold=True)
    laser = load_page(CORPUS / "zh-laser-power" / "index.md").document.blocks
    assert kinds(Document(laser)) == ["Paragraph", "Paragraph", "Figure", "Figure", "Paragraph"]
    registration = load_page(CORPUS / "image-registration" / "index.md")
    assert any("{{< putbib >}}" in w for w in registration.warnings)


_PIECES = st.sampled_from(
    [
        "{{< ",
        "{{% ",
        " >}}",
        " %}}",
        "{{< /",
        "{{% /",
        "figure src=",
        "callout note",
        "callout",
        "gallery",
        "youtube x",
        "math",
        "slide",
        "speaker_note",
        '"a b"',
        "'q'",
        "=",
        "\n",
        "\n\n",
        "---",
        "***",
        "- ",
        "1. ",
        "> ",
        "| a | b |\n|---|---|\n",
        "```\n",
        "$$",
        "$",
        "`",
        "*",
        "**",
        "_",
        "[",
        "](",
        ")",
        "![",
        "<div>",
        "</div>",
        "<!-- hide -->",
        "<img src=x.png>",
        "&amp;",
        "\\begin{equation}",
        "\\end{equation}",
        "[^1]",
        "[^1]: note",
        "日本語",
        "🚀",
        " ",
        "word",
        "https://x.org",
        "../../etc/passwd",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_markdown_parses_without_exceptions(body: str) -> None:
    doc = parse_document(body)
    assert all(isinstance(w, str) for w in doc.warnings)
    slides, warnings = parse_slides(body)
    assert all(isinstance(s.blocks, tuple) for s in slides)
    parse_inline(body)
    to_plain(body)


def test_several_shortcodes_on_one_line_and_runaway_input() -> None:
    doc = parse_document(
        '{{< figure src="a.png" >}} {{< figure src="b.png" >}}\n{{< youtube x >}}{{< youtube y >}}\n'
    )
    assert [type(b).__name__ for b in doc.blocks] == ["Figure", "Figure", "Video", "Video"]
    same_line = parse_document("{{% fragment %}}a{{% /fragment %}} {{% fragment %}}b{{% /fragment %}} " * 3)
    assert [b.text for b in same_line.blocks] == ["a", "b"] * 3
    deep = parse_document("{{% callout %}}" * 300 + "x" + "{{% /callout %}}" * 300)
    assert any("nested too deeply" in w for w in deep.warnings)
    unclosed = parse_document('x {{< figure caption="' * 200)
    assert unclosed.blocks[0].text.startswith("x {{< figure")


def test_impossible_paths_are_warnings_not_errors(tmp_path: Path) -> None:
    doc = parse_document(
        f'![x]({"a" * 5000}.png)\n\n{{{{< gallery album="{"b" * 5000}" >}}}}\n',
        base_dir=tmp_path,
        site_root=None,
    )
    assert [b.path for b in doc.blocks if isinstance(b, Figure)] == [None]
    assert len(doc.warnings) == 2 and all(len(w) < 200 for w in doc.warnings)


def test_the_shortcode_plugin_works_on_a_plain_markdown_it() -> None:
    from markdown_it import MarkdownIt

    from cardgen.shortcodes import shortcodes_plugin

    md = MarkdownIt("commonmark").use(shortcodes_plugin)
    tokens = md.parse('{{< youtube id="abc" >}}\n\nText {{< icon name="x" >}} here.\n')
    block = next(t for t in tokens if t.type == "shortcode")
    assert block.meta["shortcode"].name == "youtube" and block.meta["shortcode"].arg("id", 0) == "abc"
    inline = next(
        c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "shortcode_inline"
    )
    assert inline.meta["shortcode"].named == {"name": "x"}


def test_github_style_alerts_are_callouts() -> None:
    alert, quote = parse_document("> [!WARNING]\n> Be **careful**.\n\n> [x] is not an alert\n").blocks
    assert isinstance(alert, Callout) and alert.kind == "warning" and alert.children[0].text == "Be careful."
    assert isinstance(quote, Quote) and quote.children[0].text == "[x] is not an alert"


def test_raw_html_lists_become_lists() -> None:
    listed, nested = parse_document(
        '<ol>\n<li>One <a href="https://x.org">x</a></li>\n<li><b>Two</b></li>\n</ol>\n\n<ul><li>a<ul><li>b</li></ul></li></ul>\n'
    ).blocks
    assert (
        isinstance(listed, ListBlock)
        and listed.ordered
        and [i.text for i in listed.items] == ["One x", "Two"]
    )
    assert listed.items[0].runs[1].href == "https://x.org" and listed.items[1].runs[0].bold
    assert nested == Html("a\nb")  # nested HTML lists stay text


def test_a_code_span_of_several_displays_is_one_equation_each() -> None:
    """`` `$$a$$ $$b$$` `` (backticks keep Markdown off the TeX): MathJax shows two displays, so do we,
    with no `$$` left in either."""
    body = "Before.\n\n`$$\\begin{align} h &= J \\\\ &= 2 \\end{align}$$\n$$U(J)=e^{-iJ}$$`\n\nAfter.\n"
    blocks = parse_document(body).blocks
    maths = [b for b in blocks if isinstance(b, MathBlock)]
    assert len(maths) == 2
    assert "align" in maths[0].tex and maths[1].tex.strip() == "U(J)=e^{-iJ}"
    assert all("$" not in m.tex for m in maths)
