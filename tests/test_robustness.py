"""Hostile input: random front matter and bodies through load → every renderer, path escapes, bad images.

Property-based tests use hypothesis; a handled failure is a `CardgenError` with a one-line message, any
other exception is a bug.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cardgen.errors import CardgenError
from cardgen.loader import load_page

from conftest import tiny_png, write

FIELDS = [
    "title", "summary", "abstract", "description", "authors", "tags", "categories", "date", "lastmod",
    "external_link", "image", "links", "url_code", "url_pdf", "slides", "draft", "projects", "weight",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet="日本語한국어中文éß🙂$*_`[]{}<>&#%\\/\n ", max_size=60),
    st.just("x" * 5000),
    st.just("../../etc/passwd"),
    st.just("https://example.org/remote.png"),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["caption", "focal_point", "preview_only", "filename", "alt_text",
                                         "name", "url", "icon", "icon_pack"]), inner, max_size=4),
    ),
    max_leaves=8,
)
front_matter = st.dictionaries(st.sampled_from(FIELDS), values, max_size=10)

BODY_PIECES = [
    "# Title\n", "## Section\n", "### Sub\n", "Some *text* and **bold** and `code`.\n", "- a\n  - b\n    - c\n",
    "1. one\n2. two\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "```python\nprint('x')\n```\n", "> quote\n",
    "---\n", "![alt](../../etc/passwd)\n", "![remote](https://example.org/x.png)\n",
    '{{< figure src="featured.png" caption="A **caption**" >}}\n', "{{% callout note %}}\nInside *callout*\n{{% /callout %}}\n",
    "{{< youtube dQw4w9WgXcQ >}}\n", "{{< unknown a=1 >}}\n", "{{% callout %}}\nunclosed\n", "{{< figure src=",
    "$$x^2$$\n", "$a+b$\n", "<div><b>html</b> &amp; &nbsp; <img src='/x.png'></div>\n", "<!-- hide -->\n",
    "{{% speaker_note %}}\nnote\n{{% /speaker_note %}}\n", "日本語の段落です。とても長い文章が続きます。\n", "\x00\x01\n",
]
bodies = st.lists(
    st.one_of(st.sampled_from(BODY_PIECES), st.text(max_size=80)), max_size=12
).map("\n".join)


def _render_everything(page_path: Path, out: Path) -> None:
    from cardgen.render.assets import PageImages
    from cardgen.render.card import render_card
    from cardgen.render.deck import render_deck
    from cardgen.render.social import render_social

    page = load_page(page_path)
    images = PageImages(page)
    render_social(page, out, preset="og", images=images)
    render_deck(page, out / "deck.pptx", images=images)
    render_card(page, out / "card.pdf", images=images)


def _write_page(folder: Path, meta: dict, body: str) -> Path:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) if meta else ""
    page = folder / "index.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"---\n{text}---\n{body}", encoding="utf-8", errors="surrogatepass")
    return page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=front_matter, body=bodies)
def test_random_pages_load_without_unhandled_errors(tmp_path_factory, meta: dict, body: str) -> None:
    folder = tmp_path_factory.mktemp("page")
    page = _write_page(folder, meta, body)
    try:
        loaded = load_page(page)
    except CardgenError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(loaded.title_plain, str) and loaded.title_plain
    assert loaded.featured_image is None or loaded.featured_image.resolve().is_relative_to(folder.resolve())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=front_matter, body=bodies)
def test_random_pages_render_every_output(tmp_path_factory, meta: dict, body: str) -> None:
    folder = tmp_path_factory.mktemp("page")
    page = _write_page(folder, meta, body)
    tiny_png(folder / "featured.png", (300, 200))
    try:
        _render_everything(page, folder / "out")
    except CardgenError as exc:
        assert "\n" not in str(exc)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=front_matter, body=bodies)
@example(meta={"authors": "\x08"}, body="")  # a control character once reached the deck's core properties
@example(meta={"title": "a\ufffeb", "tags": ["\x00x"], "summary": "\x1f"}, body="\x0b")
@example(meta={"image": "x" * 5000}, body="")  # a file name longer than the OS allows
def test_many_random_pages_render_every_output(tmp_path_factory, meta: dict, body: str) -> None:
    folder = tmp_path_factory.mktemp("page")
    page = _write_page(folder, meta, body)
    try:
        _render_everything(page, folder / "out")
    except CardgenError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=400))
def test_random_bytes_as_a_page_fail_cleanly(tmp_path_factory, raw: bytes) -> None:
    page = tmp_path_factory.mktemp("raw") / "index.md"
    page.write_bytes(raw)
    try:
        load_page(page)
    except CardgenError as exc:
        assert "\n" not in str(exc)


# --- paths never escape the site -------------------------------------------------------------------------


def test_image_filename_cannot_escape_the_bundle_or_site(site: Path, tmp_path: Path) -> None:
    secret = tiny_png(tmp_path / "secret.png")
    bundle = site / "content" / "project" / "p"
    page = write(bundle / "index.md", f"""
        ---
        title: Escape
        image:
          filename: ../../../../{secret.name}
        ---
        Body.
        """)
    loaded = load_page(page)
    assert loaded.featured_image is None
    assert any("refused" in w or "outside" in w for w in loaded.warnings)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_featured_image_out_of_the_site_is_refused(site: Path, tmp_path: Path) -> None:
    secret = tiny_png(tmp_path / "outside.png")
    bundle = site / "content" / "project" / "p"
    page = write(bundle / "index.md", "---\ntitle: Link\n---\nBody.\n")
    (bundle / "featured.png").symlink_to(secret)
    assert load_page(page).featured_image is None


def test_figure_src_outside_the_site_is_refused(site: Path, tmp_path: Path) -> None:
    from cardgen.document import Figure

    tiny_png(tmp_path / "etc.png")
    page = write(site / "content" / "project" / "p" / "index.md", """
        ---
        title: Figures
        ---
        ![escape](../../../../etc.png)

        {{< figure src="/../../../etc.png" caption="up" >}}

        ![remote](https://example.org/x.png)
        """)
    loaded = load_page(page)
    figures = [b for b in loaded.document.blocks if isinstance(b, Figure)]
    assert figures, "the figures are kept as blocks (with their captions)"
    assert all(f.path is None for f in figures)


def test_remote_image_filename_is_skipped_with_a_warning(site: Path) -> None:
    page = write(site / "content" / "project" / "p" / "index.md", """
        ---
        title: Remote
        image:
          filename: https://example.org/hero.jpg
        ---
        """)
    loaded = load_page(page)
    assert loaded.featured_image is None
    assert any("remote" in w for w in loaded.warnings)


# --- bad images never stop a render ----------------------------------------------------------------------


def _bad_images(folder: Path) -> dict[str, Path]:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    good = folder / "good.jpg"
    Image.new("RGB", (400, 300), (10, 120, 200)).save(good, quality=90)
    made["truncated"] = folder / "truncated.jpg"
    made["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    made["garbage"] = folder / "garbage.png"
    made["garbage"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    made["empty"] = folder / "empty.jpg"
    made["empty"].write_bytes(b"")
    made["cmyk"] = folder / "cmyk.jpg"
    Image.new("CMYK", (400, 300), (0, 80, 160, 10)).save(made["cmyk"])
    made["16bit"] = folder / "deep.png"
    Image.new("I;16", (400, 300), 40000).save(made["16bit"])
    made["alpha"] = folder / "alpha.png"
    Image.new("RGBA", (400, 300), (200, 30, 30, 90)).save(made["alpha"])
    frames = [Image.new("P", (120, 90), i * 40) for i in range(3)]
    made["animated"] = folder / "anim.gif"
    frames[0].save(made["animated"], save_all=True, append_images=frames[1:], duration=100, loop=0)
    made["webp"] = folder / "photo.webp"
    Image.new("RGB", (400, 300), (90, 160, 60)).save(made["webp"])
    return made


@pytest.mark.parametrize("kind", ["truncated", "garbage", "empty", "cmyk", "16bit", "alpha", "animated", "webp"])
def test_every_renderer_survives_awkward_featured_images(tmp_path: Path, kind: str) -> None:
    source = _bad_images(tmp_path / "images")[kind]
    bundle = tmp_path / "p"
    page = write(bundle / "index.md", "---\ntitle: Awkward image\nsummary: Still renders.\n---\nBody.\n")
    (bundle / f"featured{source.suffix}").write_bytes(source.read_bytes())
    out = tmp_path / "out"
    _render_everything(page, out)
    assert (out / "deck.pptx").stat().st_size > 0 and (out / "card.pdf").stat().st_size > 0
    assert list(out.glob("*-og.*"))


def test_huge_strings_are_fitted_not_overflowing(tmp_path: Path) -> None:
    words = " ".join(["supercalifragilistic"] * 400)
    page = write(tmp_path / "p" / "index.md", f"---\ntitle: \"{words[:3000]}\"\nsummary: \"{words}\"\n---\n{words}\n")
    out = tmp_path / "out"
    _render_everything(page, out)
    from pptx import Presentation

    deck = Presentation(str(out / "deck.pptx"))
    assert len(deck.slides) >= 2


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    import hashlib

    bundle = tmp_path / "p"
    page = write(bundle / "index.md", "---\ntitle: Keep me\nimage:\n  focal_point: Top\n---\nBody text.\n")
    tiny_png(bundle / "featured.png", (640, 480))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bundle.iterdir()}
    _render_everything(page, tmp_path / "out")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bundle.iterdir()}
    assert before == after


def test_no_network_modules_are_imported_by_a_render(tmp_path: Path) -> None:
    """Rendering never opens a socket: a page full of remote URLs renders with the network disabled."""
    import socket

    page = write(tmp_path / "p" / "index.md", """
        ---
        title: Remote everything
        image:
          filename: https://example.org/a.jpg
        links:
          - name: Code
            url: https://github.com/example/x
        ---
        ![remote](https://example.org/b.png)

        {{< figure src="https://example.org/c.png" caption="remote" >}}
        """)
    real = socket.socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    socket.socket = refuse  # type: ignore[misc]
    try:
        _render_everything(page, tmp_path / "out")
    finally:
        socket.socket = real  # type: ignore[misc]
    assert list((tmp_path / "out").glob("*-og.*"))
