"""Plain text of titles, summaries and captions: Markdown and HTML stripped, entities decoded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardgen.loader import load_page
from cardgen.text.plain import to_plain

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, needs_corpus


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**Bold** and *italic* and `code`", "Bold and italic and code"),
        ("~~old~~ new", "old new"),
        ("Image credit: [**Unsplash**](https://unsplash.com)", "Image credit: Unsplash"),
        ("AT&amp;T&nbsp;labs &lt;3", "AT&T labs <3"),
        ("<font color=red>Red</font> <b>bold</b><br>next", "Red bold next"),
        ("Tom &amp;amp; Jerry", "Tom &amp; Jerry"),  # decoded once, like a browser
        ("Rocket 🚀 and flag 🇯🇵 stay", "Rocket 🚀 and flag 🇯🇵 stay"),
        ("  spread\n  over\tlines  ", "spread over lines"),
        ('{{< icon name="github" pack="fab" >}} Code', "Code"),
        ("{{% callout note %}}Inside{{% /callout %}}", "Inside"),
        ("Energy $E = mc^2$ counts", "Energy E = mc² counts"),
        ("Snake\\_case and \\*stars\\*", "Snake_case and *stars*"),
        ("<!-- a comment -->Visible", "Visible"),
        ("", ""),
    ],
)
def test_to_plain(source: str, expected: str) -> None:
    assert to_plain(source) == expected


def test_cjk_titles_keep_their_text_and_full_width_punctuation() -> None:
    assert to_plain("セルフリオネット / Selfrionette") == "セルフリオネット / Selfrionette"
    assert to_plain("指先の**力入力（IK）**を使う") == "指先の力入力（IK）を使う"
    assert to_plain("我们的项目：**多天线**系统") == "我们的项目：多天线系统"


def test_control_characters_are_removed() -> None:
    assert to_plain("a\x00b\x07c") == "a\ufffdbc"
    assert to_plain("d\x7fe\x85f\x9fg\x1bh") == "defgh"  # DEL, C1 (NEL, APC) and ESC
    assert to_plain("i\tj\nk\u00a0l\u200bm") == "i j k l\u200bm"  # tab and newline are spaces; format characters stay


@pytest.mark.parametrize("page", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_corpus_titles_and_descriptions_are_plain(page) -> None:
    loaded = load_page(page)
    for text in (loaded.title_plain, loaded.description):
        assert "**" not in text and "{{" not in text and "<b>" not in text and "&amp;" not in text
        assert text == text.strip() and "  " not in text and "\n" not in text


def test_seed_title_and_summary() -> None:
    page = load_page(SEED)
    assert page.title_plain == "MLPhys: Foundation of Machine Learning Physics"
    assert page.description.startswith("Throughout its long history, physics")
    assert page.description.endswith("to integrate these two major fields.")


@needs_corpus
def test_corpus_caption_with_bold_link() -> None:
    page = load_page(CORPUS / "tools-comparison" / "index.md")
    assert to_plain(page.image.caption) == "Image credit: Unsplash"
    assert [r.href for r in page.image.caption_runs] == [None, "https://unsplash.com"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_to_plain_never_fails_and_is_collapsed(text: str) -> None:
    plain = to_plain(text)
    assert plain == plain.strip()
    assert "  " not in plain and "\n" not in plain and "\t" not in plain
