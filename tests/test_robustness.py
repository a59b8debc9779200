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


# --- hostile sites: nothing lost, nothing escapes, nothing hangs ----------------------------------------
# Each case is built on the fly in tmp_path. Anything that could hang runs in a subprocess with a
# timeout and a memory cap, so a regression fails the test instead of stopping the suite.

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from cardgen.batch import run_batch  # noqa: E402
from cardgen.cli import main as cli  # noqa: E402


def _site(root: Path, pages: dict[str, str] | None = None) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Lab"\n')
    (root / "content" / "project").mkdir(parents=True, exist_ok=True)
    for rel, text in (pages or {"good/index.md": "---\ntitle: Good page\nsummary: Fine.\n---\nBody.\n"}).items():
        write(root / "content" / "project" / rel, text)
    return root


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _statuses(out: Path) -> dict[str, str]:
    return {r["slug"]: r["status"] for r in _manifest(out)["pages"]}


def _cardgen(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, capped at 3 GB of address space and `timeout` seconds."""
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
            "from cardgen.cli import main; sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_page_named_dots_stays_inside_the_output_and_user_files_survive(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"...md": "---\ntitle: Dots\n---\nx\n", "good/index.md": "---\ntitle: G\n---\nx\n"})
    out = tmp_path / "box" / "out"
    write(out / "user.txt", "mine")
    before = _files(tmp_path / "box")
    for _ in range(2):  # the second run is where the crop store cleanup used to remove the output folder
        run_batch(site, out, jobs=1, glob="project/**/*.md", formats=("social", "card"))
        (site / "content" / "project" / "...md").write_text("---\ntitle: Dots again\n---\nx\n")
    assert (out / "user.txt").read_text() == "mine"
    assert {p for p in _files(tmp_path / "box") if not p.startswith("out")} == {p for p in before if not p.startswith("out")}
    slugs = _statuses(out)
    assert ".." not in slugs and all(status in ("built", "cached") for status in slugs.values())
    for record in _manifest(out)["pages"]:
        for item in record["outputs"]:
            assert (out / item["path"]).resolve().is_relative_to(out.resolve())


@pytest.mark.parametrize("key", ["url", "slug"])
def test_social_hugo_never_writes_outside_static_og(tmp_path: Path, key: str) -> None:
    site = _site(tmp_path / "site", {"p/index.md": f"---\ntitle: Up\n{key}: ../../../../../../{tmp_path.name}/escaped\n---\nx\n"})
    assert cli(["-q", "social", str(site / "content" / "project" / "p" / "index.md"), "--hugo"]) == 0
    written = [p for p in tmp_path.rglob("*.png")]
    assert written and all(p.resolve().is_relative_to((site / "static" / "og").resolve()) for p in written)


def test_social_hugo_refuses_a_static_og_symlinked_out_of_the_site(tmp_path: Path, capsys) -> None:
    site = _site(tmp_path / "site", {"p/index.md": "---\ntitle: Up\n---\nx\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "static").mkdir()
    (site / "static" / "og").symlink_to(elsewhere)
    assert cli(["social", str(site / "content" / "project" / "p" / "index.md"), "--hugo"]) == 1
    assert not list(elsewhere.rglob("*")) and "refusing to write" in capsys.readouterr().err


def test_pages_symlinked_out_of_the_site_are_refused_and_named(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.md", "---\ntitle: SECRET TITLE\n---\nsecret body\n")
    site = _site(tmp_path / "site")
    (site / "content" / "project" / "link").mkdir()
    (site / "content" / "project" / "link" / "index.md").symlink_to(secret)
    (site / "content" / "project" / "x.md").symlink_to(secret)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("social",)) == 1
    pages = {r["slug"]: r for r in _manifest(out)["pages"]}
    assert pages["good"]["status"] == "built"
    for slug in ("link", "x"):
        assert pages[slug]["status"] == "failed" and "outside" in pages[slug]["error"]
    assert not any(b"SECRET" in p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix == ".html")
    with pytest.raises(CardgenError, match="outside the site"):
        load_page(site / "content" / "project" / "x.md")


def test_site_logo_and_bundle_files_are_not_followed_out_of_the_site(tmp_path: Path) -> None:
    from cardgen.batch import input_key
    from cardgen.site import load_site

    site = _site(tmp_path / "site")
    (site / "assets" / "media").mkdir(parents=True)
    (site / "assets" / "media" / "logo.png").symlink_to(tiny_png(tmp_path / "outside-logo.png"))
    load_site.cache_clear()
    page = load_page(site / "content" / "project" / "good" / "index.md")
    assert page.site is not None and page.site.logo is None
    huge = tmp_path / "huge.bin"
    with open(huge, "wb") as handle:
        handle.truncate(2 << 30)  # sparse 2 GB: hashing it would take seconds and read outside the site
    (site / "content" / "project" / "good" / "data.bin").symlink_to(huge)
    os.mkfifo(site / "content" / "project" / "good" / "pipe.dat")
    import time

    started = time.perf_counter()
    key = input_key(page, "t", {})
    assert len(key) == 64 and time.perf_counter() - started < 5


def test_fifos_and_devices_never_hang_and_fail_only_their_page(tmp_path: Path) -> None:
    """A FIFO as a page, as a bundle's index.md and as a config file, and a page linked to /dev/zero:
    one batch (in a subprocess with a timeout and a memory cap) finishes and names each bad page."""
    site = _site(tmp_path / "site")
    project = site / "content" / "project"
    os.mkfifo(project / "fifo.md")
    (project / "f").mkdir()
    os.mkfifo(project / "f" / "index.md")
    (site / "config" / "_default").mkdir(parents=True)
    os.mkfifo(site / "config" / "_default" / "params.toml")
    (project / "zero.md").symlink_to("/dev/zero")
    out = tmp_path / "out"
    result = _cardgen("batch", str(site), "-o", str(out), "-j", "1", "--formats", "social", timeout=90)
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert _statuses(out) == {"good": "built", "fifo": "failed", "f": "failed", "zero": "failed"}
    assert "params.toml: is a FIFO" in result.stderr  # the config: a warning, the site still builds
    errors = {r["slug"]: r["error"] for r in _manifest(out)["pages"]}
    assert "FIFO" in errors["fifo"] and "FIFO" in errors["f"] and "/dev/zero" in errors["zero"]


def test_build_of_a_fifo_page_is_a_one_line_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "page.md")
    result = _cardgen("build", str(tmp_path / "page.md"), "-o", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "not a regular file" in result.stderr


def test_a_stuck_page_is_stopped_by_the_page_timeout_and_the_rest_is_built(tmp_path: Path, monkeypatch) -> None:
    import time

    import cardgen.batch as batch

    site = _site(tmp_path / "site", {"good/index.md": "---\ntitle: G\n---\nx\n", "stuck/index.md": "---\ntitle: S\n---\nx\n"})
    real = batch._render_task

    def render(task, record):  # runs in the (forked) worker
        if task.slug == "stuck":
            time.sleep(600)
        return real(task, record)

    monkeypatch.setattr(batch, "_render_task", render)
    out = tmp_path / "out"
    started = time.perf_counter()
    assert run_batch(site, out, jobs=2, formats=("social",), page_timeout=3) == 1
    assert time.perf_counter() - started < 60
    pages = {r["slug"]: r for r in _manifest(out)["pages"]}
    assert pages["good"]["status"] == "built"
    assert pages["stuck"]["status"] == "failed" and "timed out" in pages["stuck"]["error"]
    assert not list(out.rglob("*.part"))


def test_a_crashing_worker_fails_its_page_only(tmp_path: Path, monkeypatch) -> None:
    import cardgen.batch as batch

    site = _site(tmp_path / "site", {"good/index.md": "---\ntitle: G\n---\nx\n", "boom/index.md": "---\ntitle: B\n---\nx\n"})
    real = batch._render_task

    def render(task, record):
        if task.slug == "boom":
            os._exit(9)  # as an out-of-memory kill would
        return real(task, record)

    monkeypatch.setattr(batch, "_render_task", render)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("social",)) == 1
    pages = {r["slug"]: r for r in _manifest(out)["pages"]}
    assert pages["good"]["status"] == "built" and "worker process died" in pages["boom"]["error"]


def test_pages_that_used_to_stop_the_batch_are_isolated(tmp_path: Path) -> None:
    deep = "[" * 3000 + "]" * 3000
    site = _site(tmp_path / "site", {
        "deep/index.md": f"---\ntitle: Deep\nsummary: {deep}\n---\nx\n",
        "longauthor/index.md": "---\ntitle: LA\nauthors: [" + "a" * 300 + "]\n---\nx\n",
        "longslides/index.md": "---\ntitle: LS\nslides: " + "b" * 300 + "\n---\nx\n",
        "ipv6/index.md": '---\ntitle: U\nurl_code: "//[::1"\nexternal_link: "//[::1"\nlinks:\n  - name: x\n    url: "http://[::1"\n---\nx\n',
        "good/index.md": "---\ntitle: G\n---\nx\n",
    })
    (site / "content" / "authors").mkdir()
    (site / "content" / "slides").mkdir()
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=2, formats=("social",)) == 1
    pages = {r["slug"]: r for r in _manifest(out)["pages"]}
    assert pages["deep"]["status"] == "failed" and "nested deeper" in pages["deep"]["error"]
    for slug in ("longauthor", "longslides", "ipv6", "good"):
        assert pages[slug]["status"] == "built" and not pages[slug]["errors"], pages[slug]
    assert any("not a usable URL" in w for w in pages["ipv6"]["warnings"])
    assert "internal error" not in json.dumps(_manifest(out))


def test_a_config_of_the_wrong_shape_is_a_warning(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (site / "hugo.toml").write_text('baseURL = "https://x.org/"\nlanguages = 5\nparams = "no"\n')
    from cardgen.site import load_site

    load_site.cache_clear()
    page = load_page(site / "content" / "project" / "good" / "index.md")
    assert any("languages: expected a table" in w for w in page.warnings)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("social",)) == 0


def test_a_broken_site_config_is_reported_not_ignored(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (site / "hugo.toml").write_text('baseURL = "https://x.org/\ntitle = \n')
    from cardgen.site import load_site

    load_site.cache_clear()
    page = load_page(site / "content" / "project" / "good" / "index.md")
    assert any("hugo.toml: invalid TOML" in w for w in page.warnings)


def test_disk_full_is_reported_per_output_and_the_manifest_is_written(tmp_path: Path, monkeypatch) -> None:
    import errno

    import cardgen.output as output

    real = output.os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(".pptx"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", replace)
    site = _site(tmp_path / "site")
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("deck", "social")) == 1
    record = _manifest(out)["pages"][0]
    assert "no space left on device" in record["errors"]["deck"] and record["errors"]["deck"].count("\n") == 0
    assert any(o["path"].endswith("-og.png") or o["path"].endswith("-og.jpg") for o in record["outputs"])
    assert not list(out.rglob("*.part"))


def test_a_long_external_link_costs_only_its_qr_code(tmp_path: Path) -> None:
    long_link = "https://example.org/" + "q" * 2600
    site = _site(tmp_path / "site", {"long/index.md": f"---\ntitle: QR\nexternal_link: {long_link}\n---\nx\n",
                                     "good/index.md": "---\ntitle: G\n---\nx\n"})
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=2, event="Day") == 0
    manifest = _manifest(out)
    pages = {r["slug"]: r for r in manifest["pages"]}
    assert pages["long"]["status"] == "built" and not pages["long"]["errors"]
    assert any("too long for a QR code" in w for w in pages["long"]["warnings"])
    assert not manifest["event_pack"]["errors"]
    assert {"showcase.pptx", "contact-sheet.png"} <= {Path(o["path"]).name for o in manifest["event_pack"]["outputs"]}


def test_colliding_slugs_get_suffixes_and_a_warning(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {rel: f"---\ntitle: Page {rel}\n---\nBody\n" for rel in
                                     ("a/x/index.md", "x/index.md", "x-2/index.md", "event/index.md")})
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("social",), event="E") == 0
    pages = _manifest(out)["pages"]
    slugs = [r["slug"] for r in pages]
    assert len(set(slugs)) == len(slugs) == 4 and "event" not in slugs
    assert sum(any("already taken" in w for w in r["warnings"]) for r in pages) == 2
    titles = {r["slug"]: r["source"] for r in pages}
    assert titles["x-2"].endswith("x-2/index.md"), "a page keeps its own name; the duplicate gets a free one"


def test_the_cache_never_trusts_a_damaged_output_of_the_same_size(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    out = tmp_path / "out"
    run_batch(site, out, jobs=1, formats=("card",))
    pdf = next(out.rglob("good-card.pdf"))
    data = bytearray(pdf.read_bytes())
    data[200:210] = b"XXXXXXXXXX"
    pdf.write_bytes(bytes(data))
    run_batch(site, out, jobs=1, formats=("card",))
    assert _statuses(out)["good"] == "built"
    record = _manifest(out)["pages"][0]
    import hashlib

    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == record["outputs"][0]["sha256"]


def test_usage_errors_exit_2_with_one_line(tmp_path: Path, capsys) -> None:
    site = _site(tmp_path / "site")
    page = site / "content" / "project" / "good" / "index.md"
    afile = write(tmp_path / "afile", "x")
    cases = [
        ["batch", str(site), "-o", str(afile)],
        ["build", str(page), "-o", str(afile)],
        ["build", str(page), "-o", str(afile / "sub")],
        ["batch", str(site), "-o", str(tmp_path / "o"), "--section", "projct"],
        ["batch", str(site), "-o", str(tmp_path / "o"), "--glob", "../../**/*.md"],
        ["batch", str(site), "-o", str(tmp_path / "o"), "--page-timeout", "-1"],
        ["batch", str(site), "-o", str(site / "content" / "out")],
        ["inspect", str(tmp_path / "missing.md")],
    ]
    for args in cases:
        capsys.readouterr()
        assert cli(args) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "internal error" not in err, (args, err)
    assert not (tmp_path / "o").exists()


def test_utf16_pages_load(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.md"
        raw = "---\ntitle: Ünïcode page\n---\nBody.\n".encode(encoding)
        if encoding == "utf-16-be":
            raw = b"\xfe\xff" + raw
        path.write_bytes(raw)
        assert load_page(path).title == "Ünïcode page"


def test_an_impossible_date_is_a_warning_naming_the_field(tmp_path: Path) -> None:
    page = load_page(write(tmp_path / "d.md", "---\ntitle: D\ndate: 2020-02-30\n---\nx\n"))
    assert page.date is None and any(": date: '2020-02-30' is not a date" in w for w in page.warnings)


def _png_header(path: Path, width: int, height: int) -> Path:
    """A tiny PNG file declaring a huge size (what a decompression bomb looks like)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00\x00", 9)) + chunk(b"IEND", b""))
    return path


def test_decompression_bombs_are_reported_in_one_line(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "bomb" / "index.md"
    write(bomb, "---\ntitle: Bomb\n---\nx\n")
    _png_header(bomb.parent / "featured.png", 20000, 20000)
    big = tmp_path / "big" / "index.md"
    write(big, "---\ntitle: Big\n---\nx\n")
    _png_header(big.parent / "featured.png", 10000, 10000)
    assert cli(["inspect", str(bomb)]) == 0
    out, err = capsys.readouterr()
    assert "decompression bomb" in out and "Traceback" not in err
    assert cli(["inspect", str(big)]) == 0
    err = capsys.readouterr().err
    assert "warnings.warn" not in err and "Image.py" not in err


def test_svg_featured_images_are_drawn_and_undrawable_ones_named(tmp_path: Path) -> None:
    from cardgen.render.assets import PageImages

    bundle = tmp_path / "svg"
    write(bundle / "index.md", "---\ntitle: Vector\n---\nx\n")
    write(bundle / "featured.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                                   '<rect width="200" height="100" fill="#ff0000"/></svg>')
    page = load_page(bundle / "index.md")
    hero = PageImages(page).hero((400, 200))
    assert not hero.is_placeholder and hero.image.getpixel((200, 100))[:3] == (255, 0, 0)

    linked = tmp_path / "linked"
    write(linked / "index.md", "---\ntitle: Linked\n---\nx\n")
    write(linked / "featured.svg", f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                                   f'<image xlink:href="{tiny_png(tmp_path / "outside.png")}"/></svg>')
    images = PageImages(load_page(linked / "index.md"))
    assert images.hero((400, 200)).is_placeholder and any("refers to other files" in w for w in images.warnings)

    heic = tmp_path / "heic"
    write(heic / "index.md", "---\ntitle: Heic\n---\nx\n")
    (heic / "featured.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    assert any("cannot draw HEIC" in w for w in load_page(heic / "index.md").warnings)


# --- huge inputs: capped once in the loader, linear everywhere --------------------------------------------


def test_what_the_layout_considers_is_capped_with_warnings(tmp_path: Path) -> None:
    from cardgen import limits

    words = " ".join(["alpha", "beta", "gamma"] * 70000)
    page = load_page(write(tmp_path / "big.md", "---\ntitle: Big\nsummary: \"" + words[:1_000_000] + "\"\ntags: ["
                           + ", ".join(f"t{i}" for i in range(20000)) + "]\n---\n" + "y" * 20000 + "\n"))
    assert len(page.description) <= limits.MAX_SUMMARY_CHARS + 1
    assert len(page.tags) == limits.MAX_LIST_ITEMS
    assert max(len(w) for b in page.document.blocks for r in b.runs for w in r.text.split()) <= limits.MAX_WORD_CHARS + 1
    for field in ("summary", "tags", "body"):
        assert any(f": {field}: " in w for w in page.warnings), field


def test_chinese_japanese_and_thai_paragraphs_are_not_long_words(tmp_path: Path) -> None:
    """Scripts written without spaces break between phrases: a long Chinese, Japanese or Thai
    paragraph keeps every character (no "…" after 100), and only a real unbroken word is cut."""
    chinese = "本项目提供图像编辑等功能，也可用于视频处理和风格迁移。" * 12
    japanese = "自己調整型のマリオネットを製作し、展示会で発表しました。" * 10
    thai = "การเรียนรู้ของเครื่องสำหรับฟิสิกส์" * 8
    page = load_page(write(tmp_path / "p" / "index.md", f"---\ntitle: T\n---\n{chinese}\n\n{japanese}\n\n{thai}\n\n{'z' * 300}\n"))
    texts = [b.text for b in page.document.blocks]
    assert texts[:3] == [chinese, japanese, thai]
    assert texts[3] == "z" * 100 + "…"
    assert sum("words longer than" in w for w in page.warnings) == 1


def test_long_words_split_in_linear_time() -> None:
    import time

    from cardgen.text.breaking import wrap_lines
    from cardgen.text.style import TextStyle

    started = time.perf_counter()
    lines = wrap_lines("x" * 20000, 300.0, TextStyle(), 12.0)
    assert len(lines) > 50 and time.perf_counter() - started < 10


def test_an_emphasis_bomb_parses_quickly() -> None:
    import time

    from cardgen.markdown import parse_document

    started = time.perf_counter()
    parse_document("*a **b " * 8000)
    assert time.perf_counter() - started < 15


HUGE_PAGES = {
    "summary-1mb": lambda: "---\ntitle: S\nsummary: \"" + ("lorem ipsum dolor " * 60000)[:1_000_000] + "\"\n---\nx\n",
    "tags-20000": lambda: "---\ntitle: T\ntags: [" + ", ".join(f"tag{i}" for i in range(20000)) + "]\n---\nx\n",
    "word-20000": lambda: "---\ntitle: W\nsummary: \"" + "x" * 20000 + "\"\n---\n" + "y" * 20000 + "\n",
    "base64-code": lambda: "---\ntitle: B\n---\n```python\n" + "QUJD" * 5000 + "\n```\n",
    "emphasis-160kb": lambda: "---\ntitle: E\n---\n" + "*a **b " * 23000 + "\n",
    "body-5mb": lambda: "---\ntitle: Body\n---\n" + ("\n\n".join(["lorem ipsum dolor sit amet " * 20] * 10000))[:5_000_000],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HUGE_PAGES))
def test_huge_pages_build_in_bounded_time_and_memory(tmp_path: Path, name: str) -> None:
    page = write(tmp_path / name / "index.md", HUGE_PAGES[name]())
    result = _cardgen("-q", "build", str(page), "-o", str(tmp_path / "out"), timeout=150)
    assert result.returncode == 0, result.stderr
    assert {p.suffix for p in (tmp_path / "out").iterdir()} >= {".pptx", ".pdf"}


def test_one_page_that_breaks_the_showcase_is_left_out_of_it_not_the_pack(tmp_path: Path, monkeypatch) -> None:
    import cardgen.render.showcase as showcase

    real = showcase.render_showcase

    def fragile(pages, output, **kwargs):  # runs in the event pack's worker process
        if any("Fragile" in p.title for p in pages):
            raise RuntimeError("this page breaks the showcase")
        return real(pages, output, **kwargs)

    monkeypatch.setattr(showcase, "render_showcase", fragile)
    site = _site(tmp_path / "site", {f"p{i}/index.md": f"---\ntitle: {'Fragile' if i == 2 else 'Fine'} {i}\n---\nx\n"
                                     for i in range(4)})
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("deck",), event="Day") == 1
    pack = _manifest(out)["event_pack"]
    assert "showcase.pptx" in {Path(o["path"]).name for o in pack["outputs"]}
    assert pack["left_out"]["showcase_deck"] == [str(site / "content" / "project" / "p2" / "index.md")]
    assert "p2" in pack["errors"]["showcase_deck"]
    from pptx import Presentation

    titles = [s.shapes.title.text for s in Presentation(str(out / "event" / "showcase.pptx")).slides if s.shapes.title]
    assert not any("Fragile" in t for t in titles) and sum("Fine" in t for t in titles) == 3


def test_body_images_that_are_fifos_links_out_or_huge_are_refused(tmp_path: Path, monkeypatch) -> None:
    import cardgen.markdown as markdown
    import cardgen.safepath as safepath
    from cardgen.document import Figure

    site = _site(tmp_path / "site", {"p/index.md": "---\ntitle: F\n---\n![a](pipe.png)\n\n![b](out.png)\n\n![c](big.png)\n"})
    bundle = site / "content" / "project" / "p"
    os.mkfifo(bundle / "pipe.png")
    (bundle / "out.png").symlink_to(tiny_png(tmp_path / "outside.png"))
    tiny_png(bundle / "big.png")
    monkeypatch.setattr(markdown, "MAX_IMAGE_BYTES", 10)
    assert safepath.MAX_IMAGE_BYTES > 10
    page = load_page(bundle / "index.md")
    figures = [b for b in page.document.blocks if isinstance(b, Figure)]
    assert len(figures) == 3 and all(f.path is None for f in figures)
    assert any("more than the" in w for w in page.warnings) and any("outside the site" in w for w in page.warnings)
