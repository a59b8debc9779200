from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from cardgen.batch import discover, run_batch, unique_slugs
from cardgen.errors import UsageError
from cardgen.pool import can_fork

from conftest import SAMPLES, interruptible, small_site, write


def test_discover_bundles_single_files_and_language_sections(tmp_path: Path) -> None:
    root = tmp_path / "s"
    write(root / "hugo.toml", 'title = "x"\n')
    write(root / "content" / "project" / "a" / "index.md", "---\ntitle: A\n---\n")
    write(root / "content" / "project" / "a" / "sub" / "notes.md", "resource, not a page")
    write(root / "content" / "project" / "b.md", "---\ntitle: B\n---\n")
    write(root / "content" / "project" / "_index.md", "---\ntitle: list\n---\n")
    write(root / "content" / "ja" / "project" / "c" / "index.md", "---\ntitle: C\n---\n")
    write(root / "content" / "post" / "d" / "index.md", "---\ntitle: D\n---\n")
    pages, site_root = discover(root)
    rel = [str(p.relative_to(root / "content")) for p in pages]
    assert rel == ["ja/project/c/index.md", "project/a/index.md", "project/b.md"]
    assert site_root == root.resolve()


def test_slugs_are_unique_and_deterministic() -> None:
    paths = [Path("en/project/x/index.md"), Path("ja/project/x/index.md"), Path("project/y.md")]
    assert unique_slugs(paths) == ["x", "x-2", "y"]


def test_batch_builds_every_page_and_the_event_pack_then_caches(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["built"] == 3 and manifest["summary"]["failed"] == 0
    for record in manifest["pages"]:
        names = {Path(o["path"]).name for o in record["outputs"]}
        slug = record["slug"]
        assert f"{slug}.pptx" in names and f"{slug}-card.pdf" in names
        assert any(n.startswith(f"{slug}-og.") for n in names)
        for o in record["outputs"]:
            assert (out / o["path"]).stat().st_size == o["bytes"]
    event_files = {Path(o["path"]).name for o in manifest["event_pack"]["outputs"]}
    assert {"cards-a4.pdf", "showcase.pptx", "contact-sheet.png"} <= event_files

    first = {o["path"]: o["sha256"] for r in manifest["pages"] for o in r["outputs"]}
    assert run_batch(site, out, jobs=1) == 0
    again = json.loads((out / "manifest.json").read_text())
    assert again["summary"]["cached"] == 3 and again["summary"]["built"] == 0

    # --force rebuilds and gives the same bytes (deterministic output)
    assert run_batch(site, out, jobs=1, force=True) == 0
    forced = json.loads((out / "manifest.json").read_text())
    assert {o["path"]: o["sha256"] for r in forced["pages"] for o in r["outputs"]} == first


def test_event_pack_reuses_crops_and_is_skipped_when_nothing_changed(tmp_path: Path, monkeypatch) -> None:
    site = small_site(tmp_path / "site")
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Day one") == 0
    sheet = out / "event" / "cards-a4.pdf"
    stamp = sheet.stat().st_mtime_ns
    assert run_batch(site, out, jobs=1, event="Day one") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["event_pack"].get("cached") is True
    assert sheet.stat().st_mtime_ns == stamp, "an unchanged site does not rebuild the event pack"

    # A new event name rebuilds the pack from the crops the pages were built with: no image decodes.
    import cardgen.imaging.cache as cache_module

    def no_decode(*args, **kwargs):
        raise AssertionError("the event pack decoded an image instead of reusing stored crops")

    monkeypatch.setattr(cache_module, "open_image", no_decode)
    assert run_batch(site, out, jobs=1, event="Day two") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest["event_pack"]["errors"]
    assert sheet.stat().st_mtime_ns != stamp


def test_event_pack_uses_the_layout_that_fits_the_chosen_sheet(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", n=3)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats="card", sheet="tabloid") == 0
    sheet = out / "event" / "cards-tabloid.pdf"
    data = sheet.read_bytes()
    assert not (out / "event" / "cards-a4.pdf").exists()
    # tabloid is 279.4 × 431.8 mm (792 × 1224 pt) and holds 4 A6 cards: one sheet, fronts and backs
    assert b"/Count 2\n" in data and b"/MediaBox [0 0 792.00 1224.00]" in data


def test_card_sheet_draws_the_cards_the_pages_laid_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cardgen.render.card_sheet as card_sheet

    def no_layout(*args: object) -> None:
        raise AssertionError("the card sheet laid a card out again")

    # Forked from this process, the pack's worker sees the patch: the sheet may only draw the sides the
    # page workers sent back (its pages' own cards, made in workers forked before the patch matters).
    site = small_site(tmp_path / "site", n=3)
    out = tmp_path / "out"
    monkeypatch.setattr(card_sheet, "card_scene", no_layout)
    assert run_batch(site, out, jobs=1, formats="card") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest["event_pack"]["errors"]
    assert b"/Count 4\n" in (out / "event" / "cards-a4.pdf").read_bytes()  # 3 cards, 2 per sheet: 2 sheets


def test_event_pack_refuses_an_unknown_sheet_before_building(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", n=1)
    with pytest.raises(UsageError, match="--sheet"):
        run_batch(site, tmp_path / "out", jobs=1, sheet="a7")
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_one_bad_page_and_one_bad_image_do_not_stop_the_batch(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", n=3)
    (site / "content" / "project" / "p1" / "index.md").write_text("---\ntitle: [broken\n---\n")
    (site / "content" / "project" / "p2" / "featured.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    out = tmp_path / "out"
    code = run_batch(site, out, jobs=2)
    manifest = json.loads((out / "manifest.json").read_text())
    by_slug = {r["slug"]: r for r in manifest["pages"]}
    assert by_slug["p1"]["status"] == "failed" and "invalid YAML" in by_slug["p1"]["error"]
    assert by_slug["p0"]["status"] == "built"
    # a corrupt image is not fatal: placeholder art plus a warning naming the file
    assert by_slug["p2"]["status"] == "built"
    assert any("featured.png" in w for w in by_slug["p2"]["warnings"])
    assert code == 1
    assert not list(out.rglob("*.part"))


def test_markdown_without_front_matter_is_not_a_page(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", n=1)
    write(site / "content" / "project" / "README.md", "# Notes for editors\n\nNot a page.\n")
    out = tmp_path / "out"
    run_batch(site, out, jobs=1, formats="social")
    statuses = {r["slug"]: r["status"] for r in json.loads((out / "manifest.json").read_text())["pages"]}
    assert statuses == {"README": "skipped", "p0": "built"}


def test_drafts_are_skipped_unless_asked(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", n=1)
    write(site / "content" / "project" / "draft" / "index.md", "---\ntitle: Draft\ndraft: true\n---\n")
    out = tmp_path / "out"
    run_batch(site, out, jobs=1, formats="social")
    statuses = {r["slug"]: r["status"] for r in json.loads((out / "manifest.json").read_text())["pages"]}
    assert statuses == {"draft": "skipped", "p0": "built"}
    run_batch(site, out, jobs=1, formats="social", include_drafts=True)
    statuses = {r["slug"]: r["status"] for r in json.loads((out / "manifest.json").read_text())["pages"]}
    assert statuses["draft"] == "built"


@pytest.mark.slow
def test_batch_on_the_sample_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLES / "site", site)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=2, event="Open Lab Day 2026") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["failed"] == 0
    assert sorted(o["path"] for o in manifest["event_pack"]["outputs"]) == [
        "event/cards-a4.pdf", "event/contact-sheet.png", "event/index.html", "event/showcase.pptx"]


def _stopped_mid_write(folder: Path) -> None:
    """What a worker stopped in the middle of `atomic_write` leaves: a temporary file, then a long wait."""
    import time

    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".p.pptx.abcd1234.part").write_bytes(b"half")
    time.sleep(60)


def _interrupt_after(seconds: int) -> None:
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(seconds)


@pytest.mark.skipif(not can_fork(), reason="the stand-in task reaches the workers by fork")
@pytest.mark.parametrize("where", ["pages", "event pack"])
def test_an_interrupt_removes_what_stopped_workers_were_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                where: str) -> None:
    import signal

    import cardgen.batch as batch
    from cardgen.batch import iter_batch

    if where == "pages":
        monkeypatch.setattr(batch, "_render_task", lambda task, record: _stopped_mid_write(Path(task.out_dir)))
    else:
        monkeypatch.setattr(batch, "_pack_paths", lambda name, args: _stopped_mid_write(tmp_path / "out" / "event"))
    out = tmp_path / "out"
    events = iter_batch(small_site(tmp_path / "site", n=2), out, jobs=2, event="Day")
    previous = signal.getsignal(signal.SIGALRM)
    try:
        with pytest.raises(KeyboardInterrupt):
            for event in events:
                if type(event).__name__ == ("Planned" if where == "pages" else "PackStarted"):
                    _interrupt_after(2)  # the workers are in the middle of their writes by then
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not list(out.rglob("*.part"))


@pytest.mark.slow
def test_interrupted_batch_leaves_no_partial_files_and_resumes(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    site = small_site(tmp_path / "site", n=60)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cardgen", "-q", "batch", str(site), "-o", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=interruptible)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out / ".cardgen-cache.json").exists():
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert proc.returncode == 130
    assert not list(out.rglob("*.part"))
    for pdf in out.rglob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), f"{pdf} is incomplete"

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["failed"] == 0
    assert manifest["summary"]["built"] + manifest["summary"]["cached"] == 60
    assert manifest["summary"]["cached"] >= 1, "pages finished before the interrupt are not rebuilt"


def test_hugo_mode_publishes_social_images_into_the_site_also_for_unchanged_pages(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", n=2)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats="social", hugo=True) == 0
    published = sorted(p.relative_to(site).as_posix() for p in (site / "static" / "og").rglob("*.*"))
    assert published == ["static/og/project/p0.jpg", "static/og/project/p1.jpg"]
    assert (site / "layouts" / "partials" / "cardgen_og_image.html").is_file()
    assert (site / "static/og/project/p0.jpg").read_bytes() == (out / "p0" / "p0-og.jpg").read_bytes()
    # CI: the output folder comes from a cache, the site is a fresh checkout
    shutil.rmtree(site / "static")
    assert run_batch(site, out, jobs=1, formats="social", hugo=True) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["cached"] == 2
    assert (site / "static/og/project/p1.jpg").is_file()


def test_event_pack_embeds_the_pictures_the_pages_encoded(tmp_path: Path) -> None:
    """The showcase shows each project's title picture as the bytes its own deck embedded (kept in the
    crop store), not a decode of the stored crop encoded again."""
    import zipfile

    site = small_site(tmp_path / "site", n=2)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0

    def media(path: Path) -> set[bytes]:
        with zipfile.ZipFile(path) as z:
            return {z.read(n) for n in z.namelist() if n.startswith("ppt/media/") and n.endswith((".jpg", ".jpeg"))}

    showcase = media(out / "event" / "showcase.pptx")
    for slug in ("p0", "p1"):
        page_pictures = media(out / slug / f"{slug}.pptx")
        assert page_pictures & showcase, f"{slug}: the showcase re-encoded the title picture"


def test_event_pack_reuses_the_encoded_placeholder_art(tmp_path: Path) -> None:
    """A page without a picture gets placeholder art; the JPEG its deck embedded is kept in the crop
    store and the showcase embeds those bytes instead of encoding the art again."""
    import zipfile

    from PIL import Image

    site = small_site(tmp_path / "site", n=2)
    (site / "content" / "project" / "p1" / "featured.png").unlink()
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0

    def jpegs(path: Path) -> set[bytes]:
        with zipfile.ZipFile(path) as z:
            return {z.read(n) for n in z.namelist() if n.startswith("ppt/media/") and n.endswith((".jpg", ".jpeg"))}

    [stored] = (out / ".cardgen-crops" / "p1").glob("*.slide.jpg")
    assert stored.read_bytes() in jpegs(out / "p1" / "p1.pptx") & jpegs(out / "event" / "showcase.pptx")
    marker = io.BytesIO()
    Image.new("RGB", (880, 1125), (1, 2, 3)).save(marker, "JPEG")
    stored.write_bytes(marker.getvalue())
    shutil.rmtree(out / "event")
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0
    assert marker.getvalue() in jpegs(out / "event" / "showcase.pptx")


def test_stored_placeholder_art_is_not_drawn_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Art an output encoded into the store is opened from there by the next reader (the event pack),
    not drawn again; its embedded bytes are the same."""
    from cardgen import load_page
    from cardgen.render.assets import PageImages

    site = small_site(tmp_path / "site", n=1)
    (site / "content" / "project" / "p0" / "featured.png").unlink()
    page = load_page(site / "content" / "project" / "p0" / "index.md")
    store = tmp_path / "store"
    store.mkdir()
    first = PageImages(page, store=store, persist=True)
    drawn = first.hero((880, 1125))
    slide = first.encoded(drawn, "slide")

    def no_drawing(self: PageImages, size: tuple[int, int]) -> None:
        raise AssertionError("placeholder art drawn again")

    monkeypatch.setattr(PageImages, "placeholder", no_drawing)
    again = PageImages(page, store=store, persist=True).hero((880, 1125))
    assert again.is_placeholder and again.image.size == (880, 1125)
    assert PageImages(page, store=store, persist=True).encoded(again, "slide") == slide
    with pytest.raises(AssertionError, match="drawn again"):
        PageImages(page, store=store, persist=True).hero((600, 400))  # never encoded: drawn


def test_workers_render_the_page_the_batch_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page is read and parsed once, in the batch process; its workers get the loaded page."""
    import os

    from cardgen import loader

    site = small_site(tmp_path / "site", n=2)
    log = tmp_path / "loads.txt"
    original = loader.load_page

    def logged(path: Path, *args: object, **kwargs: object) -> object:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {Path(path).parent.name}\n")
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_page", logged)
    assert run_batch(site, tmp_path / "out", jobs=2, event="Open Lab Day") == 0
    loads = [line.split() for line in log.read_text().splitlines()]
    assert sorted(name for _, name in loads) == ["p0", "p1"]
    assert {pid for pid, _ in loads} == {str(os.getpid())}


def test_contact_sheet_uses_the_thumbnails_the_pages_kept(tmp_path: Path) -> None:
    """Each page keeps the contact sheet's thumbnail of its social image, named by that file's digest;
    the sheet pastes it instead of decoding the image again."""
    import hashlib

    import numpy as np
    from PIL import Image

    from cardgen.render.assets import preview_path
    from cardgen.render.contact_sheet import MARGIN, THUMB_W

    site = small_site(tmp_path / "site", n=1)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0
    og = next((out / "p0").glob("p0-og.*"))
    thumb = preview_path(out / ".cardgen-crops" / "p0", hashlib.sha256(og.read_bytes()).hexdigest())
    assert Image.open(thumb).size == (THUMB_W, 210)
    Image.new("RGB", (THUMB_W, 210), (255, 0, 0)).save(thumb, "JPEG", quality=95)
    shutil.rmtree(out / "event")
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0
    sheet = Image.open(out / "event" / "contact-sheet.png").convert("RGB")
    top = MARGIN + 72  # under the event title
    patch = np.asarray(sheet.crop((MARGIN + 50, top + 50, MARGIN + 350, top + 150)), dtype=np.int16)
    assert np.abs(patch - np.array([255, 0, 0])).max() <= 3


def test_slide_qr_png_is_the_shared_matrix() -> None:
    """Slides place the QR symbol as a PNG drawn from the one matrix cards and deck PDFs use (never a
    micro QR, which phone scanners often do not read), with the four-module quiet zone."""
    import io

    import numpy as np
    from PIL import Image

    from cardgen.qr import QUIET_MODULES, qr_matrix, qr_png

    url = "https://x.io/"  # short enough that segno would pick a micro QR unless told not to
    modules = np.array(qr_matrix(url))
    img = np.asarray(Image.open(io.BytesIO(qr_png(url, scale=3))).convert("L"))
    side = (len(modules) + 2 * QUIET_MODULES) * 3
    assert img.shape == (side, side) and len(modules) >= 21
    inner = img[QUIET_MODULES * 3:-QUIET_MODULES * 3:3, QUIET_MODULES * 3:-QUIET_MODULES * 3:3]
    assert np.array_equal(inner == 0, modules)
    assert (img[: QUIET_MODULES * 3] == 255).all()


def test_event_pack_recuts_a_damaged_stored_crop(tmp_path: Path) -> None:
    """A stored crop is its facts plus the encoding that holds its pixels (written once); one cut off
    mid-file is cut again from the source, and the pack embeds whole pictures and has no error."""
    import zipfile

    from PIL import Image

    site = small_site(tmp_path / "site", n=2)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0
    store = out / ".cardgen-crops"
    pixels = [p.parent / json.loads(p.read_text())["pixels"] for p in store.rglob("*.json") if p.name.count(".") == 1]
    assert pixels and all(p.is_file() and p.name.endswith((".slide.jpg", ".print.jpg")) for p in pixels)
    assert not [p for p in store.rglob("*.jpg") if p.name.count(".") == 1]  # no second copy of the pixels
    encodings = [p for p in store.rglob("*.*.jpg") if ".thumb." not in p.name]
    assert set(pixels) <= set(encodings)
    for path in encodings:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    shutil.rmtree(out / "event")
    assert run_batch(site, out, jobs=1, event="Open Lab Day") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["cached"] == 2
    assert not manifest["event_pack"]["errors"]
    assert (out / "event" / "cards-a4.pdf").is_file()
    with zipfile.ZipFile(out / "event" / "showcase.pptx") as deck:
        pictures = [n for n in deck.namelist() if n.startswith("ppt/media/") and n.endswith((".jpg", ".jpeg"))]
        assert pictures
        for name in pictures:  # the cut-off encodings were not embedded: every picture decodes whole
            data = deck.read(name)
            assert data.endswith(b"\xff\xd9")
            Image.open(io.BytesIO(data)).load()


def test_workers_drop_page_memo_tables_after_each_page() -> None:
    """Every memo table named in PAGE_CACHES exists (a rename must not silently keep it growing), and
    a worker's release empties them."""
    import importlib

    from cardgen.batch import PAGE_CACHES, release_page_memory
    from cardgen.text.measure import _em_width, text_width

    for module, name in PAGE_CACHES:
        assert hasattr(getattr(importlib.import_module(module), name), "cache_clear"), f"{module}.{name}"
    text_width("A line measured for this page", 12)
    assert _em_width.cache_info().currsize > 0
    release_page_memory()
    assert _em_width.cache_info().currsize == 0


def _frozen_objects(_: object) -> int:
    import gc

    return gc.get_freeze_count()


def test_workers_start_with_what_was_preloaded_frozen_out_of_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a worker inherits (and every page's survivors, once a worker is big) is kept out of full
    collections, which would otherwise walk it after every page; the batch process is left alone."""
    import gc

    from cardgen import batch
    from cardgen.pool import run_tasks

    gc.unfreeze()
    try:
        [(_, outcome)] = list(run_tasks([("k", _frozen_objects, None, 30.0)], 1, preload=lambda: None))
        assert outcome.ok and outcome.value > 1000
        assert gc.get_freeze_count() == 0  # the batch process itself is left as it was
        monkeypatch.setattr(batch, "GC_ABOVE_MIB", 0)
        batch.release_page_memory()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_rerun_trusts_an_unchanged_image_stamp_and_notices_a_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached rerun does not read featured images whose size, inode, mtime and ctime are unchanged;
    an image rewritten in place with the same size and its old mtime restored is still rebuilt (its
    ctime moved)."""
    import os
    import time

    import cardgen.batch as batch

    site = small_site(tmp_path / "site", n=2)
    out = tmp_path / "out"
    time.sleep(0.12)  # a stamp as new as its reading proves nothing (`stamps`): let the files age
    assert run_batch(site, out, jobs=1) == 0
    for page in (site / "content" / "project").glob("*/index.md"):
        st = page.stat()  # the same times set again: the change time moves, so the pages are read
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))  # again; their images need not be
    time.sleep(0.12)
    reads: list[str] = []
    original = batch.read_capped
    monkeypatch.setattr(batch, "read_capped", lambda path, *a, **k: reads.append(Path(path).name) or original(path, *a, **k))
    assert run_batch(site, out, jobs=1) == 0
    assert json.loads((out / "manifest.json").read_text())["summary"]["cached"] == 2
    assert "featured.png" not in reads and "index.md" in reads

    image = site / "content" / "project" / "p1" / "featured.png"
    st = image.stat()
    time.sleep(0.01)
    data = bytearray(image.read_bytes())
    data[-20] ^= 0xFF  # same size, other bytes (inside the IEND-preceding data)
    image.write_bytes(bytes(data))
    os.utime(image, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert image.stat().st_size == st.st_size and image.stat().st_mtime_ns == st.st_mtime_ns
    run_batch(site, out, jobs=1)
    summary = json.loads((out / "manifest.json").read_text())["summary"]
    assert summary["cached"] == 1 and summary["cached"] + summary["built"] + summary["failed"] == 2


def test_workers_start_with_the_master_and_locale_data_the_parent_loaded(tmp_path: Path) -> None:
    """The slide master is read and the pages' locale data loaded once, before the workers are
    forked, not again in each worker (~100 ms CPU a worker). In a fresh interpreter: what earlier
    tests left in this one's caches must not count."""
    import subprocess
    import sys
    import textwrap

    site = small_site(tmp_path / "site", n=4)
    log = tmp_path / "reads.log"
    script = textwrap.dedent(f"""
        import babel.localedata
        from pathlib import Path
        from cardgen.batch import run_batch
        from cardgen.render import deck

        log = Path({str(log)!r})
        geometry, load = deck.read_geometry, babel.localedata.load

        def counted_geometry(prs):
            with log.open("a") as f:  # the workers write here too: they are forked from this process
                f.write("master\\n")
            return geometry(prs)

        def counted_load(name, merge_inherited=True):
            if name not in babel.localedata._cache:
                with log.open("a") as f:
                    f.write(f"locale {{name}}\\n")
            return load(name, merge_inherited)

        deck.read_geometry = counted_geometry
        babel.localedata.load = counted_load
        raise SystemExit(run_batch(Path({str(site)!r}), Path({str(tmp_path / "out")!r}), jobs=2, formats="deck"))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    reads = log.read_text().splitlines()
    assert reads.count("master") == 1, reads  # the preload's; none in the two workers
    assert reads.count("locale en") == 1, reads


@pytest.mark.skipif(not can_fork(), reason="the counting encoder reaches the workers by fork")
def test_event_pack_draws_the_qr_codes_the_pages_encoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's QR symbol is encoded once, by the worker that builds the page; the card sheet and
    the showcase (processes of their own) draw it from the matrix the page sent back."""
    import functools
    import os

    from cardgen import qr

    site = small_site(tmp_path / "site", n=2)
    log = tmp_path / "encodes.txt"
    original = qr._encoded.__wrapped__

    @functools.cache  # once per process and URL, as the real one
    def logged(url: str) -> qr.Matrix:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {url}\n")
        return original(url)

    monkeypatch.setattr(qr, "_encoded", logged)
    out = tmp_path / "out"
    assert run_batch(site, out, jobs=2, event="Open Lab Day") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest["event_pack"]["errors"]
    assert (out / "event" / "cards-a4.pdf").is_file() and (out / "event" / "showcase.pptx").is_file()
    urls = [line.split()[1] for line in log.read_text().splitlines()]
    # two pages, two encodings (the sheet and the showcase encoding them again would make six)
    assert sorted(urls) == ["https://lab.example.org/project/p0/", "https://lab.example.org/project/p1/"]


def test_qr_known_matrices_are_drawn_without_encoding_and_bad_ones_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    from cardgen import qr

    url = "https://lab.example.org/project/p9/"
    real = qr._encoded(url)
    other = qr._encoded("https://example.com/other")
    monkeypatch.setattr(qr, "_encoded", lambda u: (_ for _ in ()).throw(AssertionError(f"encoded {u}")))
    bad = {"https://x.example/": "111\n111\n111", "https://y.example/": qr.packed(real).replace("0", "2", 1)}
    with qr.known({url: qr.packed(real), **bad}):
        assert qr.qr_matrix(url) == real
        with pytest.raises(AssertionError, match="encoded https://x.example/"):
            qr.qr_matrix("https://x.example/")
    with pytest.raises(AssertionError, match="encoded"):
        qr.qr_matrix(url)  # forgotten after the block
    assert len(other) >= 21


def test_the_cache_is_saved_after_the_first_page_then_throttled_and_on_an_interruption(tmp_path: Path,
                                                                                       monkeypatch) -> None:
    import cardgen.batch as batch
    from cardgen.batch import PageDone, iter_batch

    writes: list[int] = []
    real = batch._write_cache
    monkeypatch.setattr(batch, "_write_cache", lambda out, cache: (writes.append(len(cache)), real(out, cache)))
    monkeypatch.setattr(batch, "SAVE_EVERY", 1e9)
    site, out = small_site(tmp_path / "site", n=4), tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats="social") == 0
    # the first page, the rest once the pages are done, the event pack: not one write per page
    assert len(writes) == 3 and writes[0] >= 1

    writes.clear()
    events = iter_batch(site, tmp_path / "again", jobs=1, formats="social")
    done = 0
    for event in events:
        if isinstance(event, PageDone):
            done += 1
            if done == 2:
                break
    events.close()  # as Ctrl-C does: the pages finished so far are in the cache
    saved = json.loads((tmp_path / "again" / ".cardgen-cache.json").read_text())["pages"]
    assert len(writes) == 2 and len([k for k, v in saved.items() if isinstance(v, dict) and "key" in v]) == 2


def _square(n: int) -> int:
    return n * n


def test_workers_take_tasks_as_they_go_so_preparing_them_overlaps_the_work() -> None:
    """run_tasks reads its tasks lazily (one ahead per worker): the batch reads page 5 while pages
    1–3 are being rendered or are done, not all pages before the first worker starts."""
    from cardgen.pool import run_tasks

    results: list[int] = []
    taken_after: list[int] = []  # how many results were out when each task was taken

    def tasks():
        for n in range(6):
            taken_after.append(len(results))
            yield n, _square, n, 30.0

    preloaded: list[int] = []
    for key, outcome in run_tasks(tasks(), 1, preload=lambda: preloaded.append(len(taken_after))):
        assert outcome.ok and outcome.value == key * key
        results.append(key)
    assert sorted(results) == list(range(6))
    assert preloaded in ([1], [])  # after the first task was taken (not run at all without fork)
    assert taken_after[:2] == [0, 0] and taken_after[5] >= 3, taken_after


def _sleep(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def _die(code: int) -> None:
    import os

    os._exit(code)


def test_the_pool_names_the_tasks_whose_workers_it_stopped() -> None:
    """`stopped` hears of a task stopped by its time limit, one whose worker died, and those left
    running when the iteration ends early; not of tasks that finished or raised."""
    from cardgen.pool import run_tasks

    stopped: list[str] = []
    tasks = [("quick", _square, 3, 30.0), ("slow", _sleep, 60.0, 1.0), ("dies", _die, 3, 30.0),
             ("raises", _square, "x", 30.0)]
    outcomes = dict(run_tasks(tasks, 4, stopped=stopped.append))
    assert {k: o.status for k, o in outcomes.items()} == {"quick": "ok", "slow": "timeout", "dies": "crashed",
                                                          "raises": "error"}
    assert sorted(stopped) == ["dies", "slow"]

    stopped.clear()
    running = run_tasks([("first", _square, 2, 30.0), ("long", _sleep, 60.0, None)], 2, stopped=stopped.append)
    assert next(running)[0] == "first"
    running.close()  # as an interrupt does
    assert stopped == ["long"]


def test_every_page_sent_to_reading_gets_one_progress_event(tmp_path: Path) -> None:
    from cardgen.batch import PageDone, Planned, iter_batch

    site = small_site(tmp_path / "site", n=3)
    write(site / "content" / "project" / "draft" / "index.md", "---\ntitle: Draft\ndraft: true\n---\nText.\n")
    write(site / "content" / "project" / "broken" / "index.md", "---\ntitle: [broken\n---\n")
    events = list(iter_batch(site, tmp_path / "out", jobs=2, formats="social"))
    [planned] = [e for e in events if isinstance(e, Planned)]
    done = [e for e in events if isinstance(e, PageDone)]
    assert planned.pages == planned.render == 5
    assert [e.done for e in done] == [1, 2, 3, 4, 5] and all(e.total == 5 for e in done)
    assert sorted(e.record.status for e in done) == ["built", "built", "built", "failed", "skipped"]


def test_preload_hints_name_the_fonts_and_math_the_pages_will_need(tmp_path: Path) -> None:
    from cardgen.batch import preload_hints
    from cardgen.text.fonts import cjk_path

    content = tmp_path / "content"
    latin = write(content / "latin" / "index.md", "---\ntitle: Plain\n---\nCafé, naïve façade: Latin only.\n")
    mixed = write(content / "mixed" / "index.md", "---\ntitle: 機械学習\n---\nمرحبا and $x^2$.\n")
    outside = write(tmp_path / "elsewhere.md", "---\ntitle: 漢字\n---\n")
    linked = content / "linked" / "index.md"
    linked.parent.mkdir()
    linked.symlink_to(outside)

    plain = preload_hints([latin], content)
    assert plain.fonts == () and not plain.math  # Noto Sans draws é, ï, ç: nothing beyond the basics
    both = preload_hints([latin, mixed], content)
    names = {font.name for font in both.fonts}
    assert {cjk_path(False), cjk_path(True)} <= set(both.fonts)
    assert {"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"} <= names and both.math
    assert preload_hints([linked], content) == preload_hints([], content)  # a page outside is not read


def test_render_cost_grows_with_formulas_and_the_featured_image(tmp_path: Path) -> None:
    from cardgen.batch import render_cost

    content = tmp_path / "content"
    text = "---\ntitle: T\n---\nWords only.\n"
    plain = write(content / "plain" / "index.md", text)
    maths = "---\ntitle: M\n---\n" + "Energy $E = mc^2$ and\n$$\\int_0^1 x\\,dx$$\n" * 20
    heavy = write(content / "maths" / "index.md", maths)
    photo = write(content / "photo" / "index.md", text)
    (photo.parent / "featured.jpg").write_bytes(b"\xff" * 2_000_000)
    outside = tmp_path / "big.jpg"
    outside.write_bytes(b"\xff" * 2_000_000)
    linked = write(content / "linked" / "index.md", text)
    (linked.parent / "featured.jpg").symlink_to(outside)

    base = render_cost(plain, text, content)
    assert render_cost(heavy, maths, content) > base + 400  # 40 formulas
    assert render_cost(photo, text, content) > base + 50
    assert render_cost(linked, text, content) == base  # an image outside the content folder is not looked at


def test_a_parallel_batch_starts_the_heaviest_pages_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cardgen.batch as batch

    site = tmp_path / "site"
    write(site / "hugo.toml", 'title = "x"\n')
    for name in ("alpha", "beta"):
        write(site / "content" / "project" / name / "index.md", f"---\ntitle: {name}\n---\nPlain words.\n")
    formulas = "".join(f"$x_{k}^2$ " for k in range(30))
    write(site / "content" / "project" / "zeta" / "index.md", f"---\ntitle: Zeta\n---\n{formulas}\n")
    read: list[str] = []
    real_read = batch._read

    def spy(record: batch.PageRecord, path: Path, *args: object, **kwargs: object) -> object:
        read.append(path.parent.name)
        return real_read(record, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_read", spy)
    assert run_batch(site, tmp_path / "out", jobs=2, formats="deck") == 0
    assert read == ["zeta", "alpha", "beta"]  # the formulas first; alike pages keep their order
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [Path(r["source"]).parent.name for r in manifest["pages"]] == ["alpha", "beta", "zeta"]

    read.clear()
    assert run_batch(site, tmp_path / "one", jobs=1, formats="deck") == 0
    assert read == ["alpha", "beta", "zeta"]  # one worker: the site's order

    # A draft is only read (and skipped): it goes last, whatever its formulas, unless drafts are built.
    write(site / "content" / "project" / "omega" / "index.md", f"---\ntitle: Omega\ndraft: true\n---\n{formulas * 2}\n")
    read.clear()
    assert run_batch(site, tmp_path / "two", jobs=2, formats="deck") == 0
    assert read == ["zeta", "alpha", "beta", "omega"]
    read.clear()
    assert run_batch(site, tmp_path / "drafts", jobs=2, formats="deck", include_drafts=True) == 0
    assert read == ["omega", "zeta", "alpha", "beta"]


def test_drafts_are_told_from_their_front_matter() -> None:
    from cardgen.batch import _looks_like_draft

    assert _looks_like_draft("---\ntitle: T\ndraft: true\n---\nBody.\n")
    assert _looks_like_draft("+++\ntitle = 'T'\ndraft = true\n+++\n")
    assert _looks_like_draft("\ufeff---\r\nDraft: yes  # for now\r\n---\r\n")
    assert not _looks_like_draft("---\ntitle: T\ndraft: false\n---\nA draft: true story.\n")
    assert not _looks_like_draft("---\ntitle: T\n---\ndraft: true\n")  # body, not front matter
    assert not _looks_like_draft("draft: true\n")  # no front matter at all


@pytest.mark.skipif(not can_fork(), reason="preloading is for workers forked from the batch")
def test_preload_parses_the_hinted_faces_before_the_workers_fork(tmp_path: Path) -> None:
    import cardgen.render.pdf_fonts as pdf_fonts
    from cardgen.batch import PreloadHints, preload_renderers
    from cardgen.text.fonts import cjk_path

    broken = write(tmp_path / "broken.ttf", "not a font")
    pdf_fonts._parsed.pop(cjk_path(True), None)
    preload_renderers(None, (), PreloadHints(fonts=(broken, cjk_path(True)), math=True))  # a bad guess is skipped
    assert cjk_path(True) in pdf_fonts._parsed and broken not in pdf_fonts._parsed
