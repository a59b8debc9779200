"""Which words go on a card's back: highlights from the page's structure, links worth printing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgen.content import highlights
from cardgen.fields import back_links
from cardgen.loader import load_page

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, write


def page_of(tmp_path: Path, body: str, front: str = "summary: The front's summary sentence, printed on the front.\n"):
    return load_page(write(tmp_path / "content" / "project" / "p" / "index.md", f"---\ntitle: Topic\n{front}---\n{body}"))


def test_sections_give_their_heading_and_first_sentence(tmp_path: Path) -> None:
    page = page_of(tmp_path, "## Goals\n\nWe measure the drift of ice sheets. A second sentence stays off.\n\n"
                             "## Methods\n\n- Radar soundings over three winters\n- Models\n")
    got = highlights(page)
    assert [(h.heading, h.text, h.kind) for h in got] == [
        ("Goals", "We measure the drift of ice sheets.", "section"),
        ("Methods", "Radar soundings over three winters", "section"),
    ]


def test_list_items_and_lead_sentences_fill_in_document_order(tmp_path: Path) -> None:
    page = page_of(tmp_path, "Our lab builds open tools for archaeology. They are free.\n\n"
                             "- Standardise lithic trait recording\n- Collect novel lithic data sets\n"
                             "- Share every measurement openly\n")
    got = highlights(page)
    assert [h.kind for h in got] == ["lead", "item", "item", "item"]
    assert got[0].text == "Our lab builds open tools for archaeology."


def test_nothing_the_front_prints_is_repeated(tmp_path: Path) -> None:
    page = page_of(tmp_path, "The front's summary sentence, printed on the front.\n\n"
                             "“The front’s summary sentence” printed on the front\n\nA fresh sentence for the back.\n")
    assert [h.text for h in highlights(page)] == ["A fresh sentence for the back."]


@pytest.mark.parametrize(
    "body",
    [
        "[論文URL](https://doi.org/10.1145/1)\n",
        "For more detail, [visit here](https://lab.org/).\n",
        "- [Source](https://github.com/x/y)\n- [Website](https://x.org/)\n",
        "## References\n\nputbib dblp-journals pace13 and more words here.\n",
        "## Model\n\nThe energy is $E = mc^2$ for every particle we follow.\n",
        "## 30-second video\n\n{{< youtube abc123 >}}\n\nWatch this video and read the details below.\n",
        "## Tools\n\nThe tools are shown below:\n",
    ],
)
def test_labels_apparatus_math_videos_and_lead_ins_are_left_out(tmp_path: Path, body: str) -> None:
    assert highlights(page_of(tmp_path, body)) == ()


def test_at_most_five_and_sections_are_preferred(tmp_path: Path) -> None:
    body = "".join(f"- List item number {i} with words\n" for i in range(6))
    body += "\n" + "".join(f"## Part {i}\n\nSection {i} has its own first sentence.\n\n" for i in range(4))
    got = highlights(page_of(tmp_path, body))
    assert len(got) == 5
    assert sum(h.kind == "section" for h in got) == 4 and got[0].kind == "item"  # reading order kept


def test_slides_page_highlights_come_from_its_slides() -> None:
    path = CORPUS / "slides" / "ml-stat-mech-1" / "index.md"
    if not path.exists():
        pytest.skip("corpus missing")
    got = highlights(load_page(path))
    assert len(got) >= 3 and all(h.heading for h in got)
    assert not any("\\" in h.as_text() for h in got)


def test_seed_has_nothing_beyond_its_front() -> None:
    page = load_page(SEED)
    assert highlights(page) == () and back_links(page) == ()


def test_back_links_have_addresses_and_leave_out_the_main_url(tmp_path: Path) -> None:
    page = page_of(tmp_path, "Body.\n", front="url_code: https://github.com/x/y\nurl_pdf: paper.pdf\n"
                                               "url_project: https://x.org/\nlinks:\n- name: Talk\n  url: https://y.org/t\n")
    assert page.main_url == "https://x.org/"
    rows = back_links(page)
    assert [url for _, url in rows] == ["https://y.org/t", "https://github.com/x/y"]  # relative paper.pdf: no address
    assert all(label for label, _ in rows)


@pytest.mark.parametrize("path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_corpus_highlights_are_short_fresh_and_few(path: Path) -> None:
    page = load_page(path)
    got = highlights(page)
    assert len(got) <= 5
    summary = "".join(ch for ch in page.description.casefold() if ch.isalnum())
    for h in got:
        assert 0 < len(h.text) <= 200
        key = "".join(ch for ch in h.text.casefold() if ch.isalnum())
        assert key not in summary


def test_words_ending_like_an_abbreviation_still_end_a_sentence(tmp_path: Path) -> None:
    """"algorithms." ends in "ms." but is not an abbreviation: the first sentence alone is the highlight."""
    page = page_of(tmp_path, "## Motivation\n\nLinear algebra is the engine behind most optimization algorithms. "
                             "During my dissertation work, I met two highly structured linear systems that we wanted "
                             "to solve more efficiently, and that led to the methods described on this page in detail.\n")
    (got,) = highlights(page)
    assert got.text == "Linear algebra is the engine behind most optimization algorithms."


def test_a_sentence_leading_into_a_dropped_equation_is_not_printed(tmp_path: Path) -> None:
    """A card has no room for display math: "… equations of the form" before one would hang."""
    page = page_of(tmp_path, "## Equations\n\nWe solve positive semidefinite matrix equations of the form\n\n"
                             "$$PXP + QXQ = G,$$\n\nThese systems arise in optics.\n\n"
                             "## Results\n\nWe compare our method with\n\n$$x = y$$\n\nOur method is faster.\n")
    got = {h.heading: h.text for h in highlights(page)}
    assert got == {"Equations": "These systems arise in optics.", "Results": "Our method is faster."}


def test_highlights_are_worked_out_once_per_page_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses
    import gc

    import cardgen.content as content

    calls: list[str] = []
    work = content._highlights
    monkeypatch.setattr(content, "_highlights", lambda page, limit: (calls.append(page.title_plain), work(page, limit))[1])
    monkeypatch.setattr("cardgen.memo._memo", {})
    path = write(tmp_path / "p" / "index.md", "---\ntitle: T\n---\n## Method\n\nWe fit a model to the data.\n")
    page = load_page(path)
    first = highlights(page)
    assert highlights(page) is first and calls == ["T"]  # card front, back and summary slide ask again
    assert highlights(page, 2) == first and calls == ["T", "T"]  # another limit: its own answer
    other = dataclasses.replace(page, title_plain="U", document=dataclasses.replace(page.document, blocks=()))
    del page
    gc.collect()
    assert highlights(other) == () and calls[-1] == "U"  # a new page (even at a reused id) is worked out
