from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from cardgen.document import Paragraph
from cardgen.errors import PageError
from cardgen.i18n.detect import detect_language
from cardgen.loader import load_page, normalize_focal_point

from conftest import SEED, corpus_ids, corpus_pages, tiny_png, write


def test_seed_page_fields() -> None:
    page = load_page(SEED)
    assert page.title_plain == "MLPhys: Foundation of Machine Learning Physics"
    assert page.author_names == ("Hajime Nagahara", "Yuta Nakashima", "Noriko Takemura")
    assert page.image.focal_point == "smart"  # empty → Smart
    assert page.image.preview_only is False
    assert page.description_source == "summary"
    assert page.description.startswith("Throughout its long history")
    assert page.date == dt.datetime(2020, 7, 1, 10, 12, 37, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    paragraphs = [b for b in page.document.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 3
    links = [r for r in paragraphs[2].runs if r.href]
    assert [r.text for r in links] == ["visit here"]
    assert links[0].href == "https://mlphys.scphys.kyoto-u.ac.jp/en/"
    assert page.tags == () and page.links == ()


@pytest.mark.parametrize("page_path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_every_corpus_page_loads(page_path: Path) -> None:
    page = load_page(page_path)
    assert page.title_plain
    for warning in page.warnings:
        assert "\n" not in warning


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "smart"), (None, "smart"), ("Smart", "smart"), ("TOPLEFT", "topleft"), ("bottomRight", "bottomright"),
     ("top-left", "topleft"), ("Center", "center")],
)
def test_focal_point_is_case_insensitive(value, expected) -> None:
    assert normalize_focal_point(value) == (expected, None)


def test_unknown_focal_point_warns_and_uses_default(tmp_path: Path) -> None:
    page_path = write(tmp_path / "p" / "index.md", """
        ---
        title: T
        image:
          focal_point: Middle
        ---
        """)
    page = load_page(page_path, default_focal_point="center")
    assert page.image.focal_point == "center"
    assert any("image.focal_point" in w and "'Middle'" in w for w in page.warnings)


def test_summary_fallback_chain(tmp_path: Path) -> None:
    abstract = write(tmp_path / "a" / "index.md", "---\ntitle: A\nabstract: From *abstract*\n---\nBody para.\n")
    body = write(tmp_path / "b" / "index.md", "---\ntitle: B\n---\n## Heading\n\nFirst **body** paragraph.\n\nSecond.\n")
    description = write(tmp_path / "c" / "index.md", "---\ntitle: C\ndescription: From description\n---\n")
    assert (load_page(abstract).description, load_page(abstract).description_source) == ("From abstract", "abstract")
    assert (load_page(body).description, load_page(body).description_source) == ("First body paragraph.", "body")
    assert load_page(description).description_source == "description"


def test_toml_page_with_image_table_and_links(tmp_path: Path) -> None:
    page_path = write(tmp_path / "t" / "index.md", '''
        +++
        title = "TOML *page*"
        authors = ["A B"]
        tags = ["x", "x", "y"]
        date = 2019-05-01
        url_code = "https://github.com/x/y"
        url_pdf = "files/paper.pdf"
        [image]
        caption = "Photo by [**Someone**](https://unsplash.com)"
        focal_point = "TopRight"
        preview_only = true
        [[links]]
        name = "Follow"
        url = "https://twitter.com/x"
        icon_pack = "fab"
        icon = "twitter"
        +++
        Body.
        ''')
    page = load_page(page_path)
    assert page.title_plain == "TOML page"
    assert page.tags == ("x", "y")
    assert page.date == dt.date(2019, 5, 1)
    assert page.image.focal_point == "topright" and page.image.preview_only
    assert page.image.caption_text == "Photo by Someone"
    kinds = [(k.kind, k.name) for k in page.links]
    assert ("custom", "Follow") in kinds and ("code", "Code") in kinds and ("pdf", "PDF") in kinds


def test_json_page(tmp_path: Path) -> None:
    page_path = write(tmp_path / "j" / "index.md", '{\n"title": "JSON page",\n"authors": ["Z"]\n}\nHello.\n')
    page = load_page(page_path)
    assert page.title_plain == "JSON page" and page.author_names == ("Z",)


def test_legacy_string_image_and_null_fields_do_not_crash(tmp_path: Path) -> None:
    page_path = write(tmp_path / "l" / "index.md", """
        ---
        title: Legacy
        image: header.jpg
        links:
        authors:
        tags: ~
        date: not a date
        ---
        """)
    page = load_page(page_path)
    assert page.image.filename == "header.jpg"
    assert any("legacy" in w for w in page.warnings)
    assert any("date:" in w for w in page.warnings)
    assert page.authors == () and page.tags == ()


# --- featured image ------------------------------------------------------------------------------


def test_featured_image_name_is_case_insensitive(tmp_path: Path) -> None:
    bundle = tmp_path / "p"
    write(bundle / "index.md", "---\ntitle: T\n---\n")
    tiny_png(bundle / "My-FEATURED.PNG")
    assert load_page(bundle / "index.md").featured_image == bundle / "My-FEATURED.PNG"


def test_several_featured_images_pick_first_by_name_with_warning(tmp_path: Path) -> None:
    bundle = tmp_path / "p"
    write(bundle / "index.md", "---\ntitle: T\n---\n")
    tiny_png(bundle / "featured.png")
    tiny_png(bundle / "featured-old.jpg")
    page = load_page(bundle / "index.md")
    assert page.featured_image == bundle / "featured-old.jpg"
    assert any("several featured images" in w for w in page.warnings)


def test_featured_glob_does_not_cross_folders(tmp_path: Path) -> None:
    bundle = tmp_path / "p"
    write(bundle / "index.md", "---\ntitle: T\n---\n")
    tiny_png(bundle / "gallery" / "featured.png")
    (bundle / "featured.txt.bak").write_bytes(b"not an image")
    assert load_page(bundle / "index.md").featured_image is None


def test_no_featured_image_is_normal(tmp_path: Path) -> None:
    page = load_page(write(tmp_path / "p" / "index.md", "---\ntitle: T\n---\n"))
    assert page.featured_image is None
    assert not any("image" in w for w in page.warnings)


def test_image_filename_in_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "p"
    write(bundle / "index.md", "---\ntitle: T\nimage:\n  filename: cover.png\n---\n")
    tiny_png(bundle / "cover.png")
    assert load_page(bundle / "index.md").featured_image == bundle / "cover.png"


def test_image_filename_from_site_assets_media(site: Path) -> None:
    tiny_png(site / "assets" / "media" / "shared.jpg")
    page_path = write(site / "content" / "project" / "single.md", "---\ntitle: T\nimage:\n  filename: shared.jpg\n---\n")
    page = load_page(page_path)
    assert page.bundle_dir is None
    assert page.featured_image == site / "assets" / "media" / "shared.jpg"


def test_image_filename_escaping_the_site_is_refused(site: Path, tmp_path: Path) -> None:
    tiny_png(tmp_path / "secret.png")
    page_path = write(
        site / "content" / "project" / "p" / "index.md",
        "---\ntitle: T\nimage:\n  filename: ../../../../secret.png\n---\n",
    )
    page = load_page(page_path)
    assert page.featured_image is None
    assert any("refused" in w for w in page.warnings)


def test_symlinked_featured_image_out_of_bundle_is_refused(tmp_path: Path) -> None:
    outside = tiny_png(tmp_path / "outside.png")
    bundle = tmp_path / "p"
    write(bundle / "index.md", "---\ntitle: T\n---\n")
    os.symlink(outside, bundle / "featured.png")
    assert load_page(bundle / "index.md").featured_image is None


# --- site context --------------------------------------------------------------------------------


def test_author_slugs_resolve_to_profile_titles(site: Path) -> None:
    page_path = write(site / "content" / "project" / "p" / "index.md",
                      "---\ntitle: T\nauthors: [admin, Grace Hopper, Unknown Person]\n---\n")
    page = load_page(page_path)
    assert page.author_names == ("Ada Lovelace", "Grace Hopper", "Unknown Person")
    assert page.authors[0].slug == "admin" and page.authors[0].affiliation == "University of Examples"
    assert page.authors[1].slug == "grace-hopper"
    assert page.authors[2].slug is None


def test_site_title_and_public_url(site: Path) -> None:
    page_path = write(site / "content" / "project" / "My-Project" / "index.md", "---\ntitle: T\n---\n")
    page = load_page(page_path)
    assert page.site is not None and page.site.title == "Example Lab"
    assert page.url == "https://lab.example.org/project/my-project/"
    assert page.main_url == page.url
    assert page.links[-1].kind == "page"


def test_config_default_folder_and_language_dirs(tmp_path: Path) -> None:
    root = tmp_path / "s"
    write(root / "config" / "_default" / "hugo.yaml", "baseURL: https://x.org/\ntitle: X\ndefaultContentLanguage: en\n")
    write(root / "config" / "_default" / "params.yaml", "appearance:\n  color: '#123456'\n")
    ja = write(root / "content" / "ja" / "project" / "p" / "index.md", "---\ntitle: 日本語\n---\n")
    en = write(root / "content" / "en" / "project" / "q" / "index.md", "---\ntitle: English\n---\n")
    page = load_page(ja)
    assert page.url == "https://x.org/ja/project/p/"
    assert page.language == "ja"
    assert load_page(en).url == "https://x.org/project/q/"


def test_external_link_is_the_main_url(site: Path) -> None:
    page_path = write(site / "content" / "project" / "p" / "index.md",
                      "---\ntitle: T\nexternal_link: https://elsewhere.org/x\n---\n")
    page = load_page(page_path)
    assert page.main_url == "https://elsewhere.org/x"
    assert page.links[0].kind == "external"


def test_slides_key_resolves_the_deck(site: Path) -> None:
    write(site / "content" / "slides" / "talk" / "index.md",
          "---\nslides:\n  theme: black\n---\n# One\n\n---\n\n## Two\n")
    page_path = write(site / "content" / "project" / "p" / "index.md", "---\ntitle: T\nslides: talk\n---\nBody\n")
    page = load_page(page_path)
    assert page.slides_path == site / "content" / "slides" / "talk" / "index.md"
    assert len(page.slides) == 2


def test_dangling_slides_key_warns(tmp_path: Path) -> None:
    page = load_page(write(tmp_path / "p" / "index.md", "---\ntitle: T\nslides: example-slides\n---\n"))
    assert page.slides == ()
    assert any("slides" in w and "not found" in w for w in page.warnings)


def test_slides_page_without_title_uses_its_first_heading(tmp_path: Path) -> None:
    path = write(tmp_path / "slides" / "deck" / "index.md", "---\nslides:\n  theme: x\n---\n# Big Idea\n\n---\n\nMore\n")
    page = load_page(path)
    assert page.is_slides_page and page.title_plain == "Big Idea"


# --- bad input -----------------------------------------------------------------------------------


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_text("")
    with pytest.raises(PageError, match="empty file"):
        load_page(path)


def test_page_without_front_matter_still_loads(tmp_path: Path) -> None:
    path = write(tmp_path / "my-notes" / "index.md", "Just *text*.\n")
    page = load_page(path)
    assert page.title_plain == "My notes"
    assert page.description == "Just text."


@pytest.mark.parametrize(("text", "lang"), [("日本語のテキスト", "ja"), ("한국어", "ko"), ("中文文本", "zh-Hans"),
                                           ("機器學習與物理", "zh-Hant"), ("", "")])
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_a_slides_page_is_in_the_language_of_its_slides(tmp_path: Path) -> None:
    """A title too short to tell ("Quantum Circuits" alone reads as Latin) is decided by the slides'
    headings and bullet points, without their code, math or addresses."""
    path = write(tmp_path / "qc" / "index.md", """
        ---
        slides:
          theme: white
        ---

        # Quantum Circuits

        - [austen.uk/slides/quantum-circuits-1](https://austen.uk/slides/quantum-circuits-1)

        ---

        ## What is a quantum circuit?

        - A way to describe operations on a quantum state, usually of several qubits
          - each gate acts on one or two of them at a time
        - Measured at the end: $|\\psi\\rangle = \\sum_i c_i |i\\rangle$

        ---

        ## Why they are hard to simulate

        - The state grows exponentially with the number of qubits
        """)
    page = load_page(path)
    assert page.slides and not page.document.blocks
    assert detect_language(page.title_plain)[0] != "en"  # what the title alone would say
    assert page.language == "en"


def test_description_fallback_skips_link_only_and_math_only_paragraphs(tmp_path: Path) -> None:
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Links first
        ---
        https://x.com/someone/status/1325474361407660034

        $$E = mc^2$$

        [Slides](https://example.org/slides)

        The real first sentence of this project.
        """)
    page = load_page(path)
    assert page.description == "The real first sentence of this project."
    assert page.description_source == "body"


def test_the_starter_pages_example_links_are_left_out(tmp_path: Path) -> None:
    """Wowchemy's starter project ships "Follow" → twitter.com/Twitter and "Originally published on
    Medium" → medium.com; sites leave them in (ko-awesome-cloud-hpc). Cards and decks list only the
    links that lead somewhere of the project's, with a warning for each one left out."""
    path = write(tmp_path / "p" / "index.md", """
        ---
        title: Awesome Cloud HPC
        links:
          - icon_pack: fab
            icon: twitter
            name: Follow
            url: 'https://twitter.com/Twitter'
          - name: Originally published on Medium
            url: 'https://medium.com'
          - icon: brands/github
            name: Github
            url: https://github.com/kjrstory/awesome-cloud-hpc
        ---
        Body.
        """)
    page = load_page(path)
    assert [link.url for link in page.links if link.kind == "custom"] == ["https://github.com/kjrstory/awesome-cloud-hpc"]
    assert sum("theme's example link" in w for w in page.warnings) == 2
