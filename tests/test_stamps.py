"""File stamps, and the batch rerun that trusts them: an unchanged site is not read again, and any
edit, however disguised, is still seen."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import cardgen.batch as batch
import cardgen.loader as loader
from cardgen import stamps
from cardgen.batch import run_batch

from conftest import small_site, tiny_png, write


def _settled() -> None:
    """Let the files just written age past the racy window, so their stamps prove something."""
    time.sleep(0.12)


def test_a_stamp_sees_a_same_size_edit_even_with_the_old_mtime_restored(tmp_path: Path) -> None:
    page = write(tmp_path / "index.md", "---\ntitle: A\n---\nText.\n")
    _settled()
    taken = stamps.take([page, tmp_path / "missing.md", tmp_path], tmp_path)
    _settled()
    assert stamps.unchanged(taken, tmp_path)
    st = page.stat()
    page.write_text("---\ntitle: B\n---\nText.\n", encoding="utf-8")
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert page.stat().st_size == st.st_size and page.stat().st_mtime_ns == st.st_mtime_ns
    assert not stamps.unchanged(taken, tmp_path), "the change time moved"


def test_a_file_appearing_where_one_was_missing_or_in_a_folder_breaks_the_stamps(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    _settled()
    taken = stamps.take([folder, tmp_path / "authors" / "a" / "_index.md"], tmp_path)
    _settled()
    assert stamps.unchanged(taken, tmp_path)
    write(folder / "new.png", "x")
    assert not stamps.unchanged(taken, tmp_path)
    taken = stamps.take([folder, tmp_path / "authors" / "a" / "_index.md"], tmp_path)
    _settled()
    write(tmp_path / "authors" / "a" / "_index.md", "---\nname: A\n---\n")
    assert not stamps.unchanged(taken, tmp_path)


def test_a_stamp_as_new_as_the_moment_it_was_taken_proves_nothing(tmp_path: Path) -> None:
    """Same clock tick as a later edit: an edit then could leave every time as it was (git's "racy
    clean"); such a stamp is not trusted, an older one is."""
    page = write(tmp_path / "index.md", "x")
    fresh = stamps.take([page], tmp_path)
    assert not stamps.unchanged(fresh, tmp_path)
    assert stamps.proven(fresh, stamps.take([page], tmp_path)) == set()
    later = {**fresh, "at": fresh["at"] + 10**9}  # as if taken a second after the write
    assert stamps.unchanged(later, tmp_path)
    assert stamps.proven(later, stamps.take([page], tmp_path)) == {str(page)}
    whole_seconds = f"100644:1:1:{5 * 10**9}:{5 * 10**9}"
    assert stamps._racy(whole_seconds, 6 * 10**9) and not stamps._racy(whole_seconds, 8 * 10**9)


def test_malformed_stamps_are_never_trusted(tmp_path: Path) -> None:
    page = write(tmp_path / "index.md", "x")
    for bad in (None, [], {}, {"at": "1", "files": {}}, {"at": 1, "files": {}}, {"at": 1, "files": {str(page): 3}}):
        assert not stamps.unchanged(bad, tmp_path)
        assert stamps.proven(bad, stamps.take([page])) == set()


def test_a_symlink_out_of_the_site_is_stamped_by_name_only(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside" / "secret.txt", "secret")
    site = tmp_path / "site"
    site.mkdir()
    link = site / "featured.png"
    link.symlink_to(outside)
    assert stamps.stamp(link, site) == f"link-out:{outside}"
    inner = site / "inner.txt"
    inner.write_text("x")
    (site / "alias.txt").symlink_to(inner)
    assert stamps.stamp(site / "alias.txt", site).startswith(f"link:{inner}:")


# --- the batch --------------------------------------------------------------------------------------


def _site(root: Path, n: int = 3) -> Path:
    small_site(root, n, authors="[ann]", body="Text {i}.\n")
    write(root / "content" / "project" / "draft" / "index.md", "---\ntitle: Later\ndraft: true\n---\nSoon.\n")
    _settled()
    return root


def _summary(out: Path) -> dict[str, int]:
    return json.loads((out / "manifest.json").read_text())["summary"]  # type: ignore[no-any-return]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every page load and every output hash of the batches run in the test."""
    seen: dict[str, list[str]] = {"loads": [], "hashes": []}
    load, record = loader.load_page, batch.file_record
    monkeypatch.setattr(loader, "load_page", lambda path, **kw: seen["loads"].append(Path(path).parent.name) or load(path, **kw))
    monkeypatch.setattr(batch, "file_record", lambda path, base: seen["hashes"].append(Path(path).name) or record(path, base))
    return seen


def _rerun_until_settled(site: Path, out: Path, seen: dict[str, list[str]], **options: object) -> None:
    """Reruns after a build renew the stamps the build took while its files were still fresh."""
    for _ in range(2):
        _settled()
        assert run_batch(site, out, jobs=1, **options) == 0  # type: ignore[arg-type]
    seen["loads"].clear()
    seen["hashes"].clear()


def test_an_unchanged_site_is_cached_without_reading_a_page_or_hashing_an_output(
        tmp_path: Path, counted: dict[str, list[str]]) -> None:
    site, out = _site(tmp_path / "site"), tmp_path / "out"
    assert run_batch(site, out, jobs=1, event="Open Lab") == 0
    built = json.loads((out / "manifest.json").read_text())
    _rerun_until_settled(site, out, counted, event="Open Lab")
    assert run_batch(site, out, jobs=1, event="Open Lab") == 0
    again = json.loads((out / "manifest.json").read_text())
    assert again["summary"] | {"seconds": 0} == built["summary"] | {"seconds": 0, "built": 0, "cached": 3}
    assert counted == {"loads": [], "hashes": []}
    assert [r["outputs"] for r in again["pages"]] == [r["outputs"] for r in built["pages"]]
    assert again["event_pack"]["outputs"] == built["event_pack"]["outputs"]
    draft = next(r for r in again["pages"] if r["slug"] == "draft")
    assert draft["status"] == "skipped" and any("draft" in w for w in draft["warnings"])


@pytest.mark.slow
def test_every_kind_of_edit_is_still_seen_after_stamped_reruns(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    site, out = _site(tmp_path / "site"), tmp_path / "out"
    assert run_batch(site, out, jobs=1) == 0
    project = site / "content" / "project"

    def rerun() -> None:
        _rerun_until_settled(site, out, counted)

    # a page edited in place, same size, old mtime restored
    rerun()
    page = project / "p0" / "index.md"
    st = page.stat()
    page.write_text(page.read_text().replace("Text 0.", "Word 0."))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    run_batch(site, out, jobs=1)
    assert (_summary(out)["built"], _summary(out)["cached"]) == (1, 2)
    assert counted["loads"].count("p0") == 1

    # a file added to a bundle; an author profile appearing; the site config edited
    rerun()
    write(project / "p1" / "extra.csv", "a,b\n")
    run_batch(site, out, jobs=1)
    assert (_summary(out)["built"], _summary(out)["cached"]) == (1, 2)
    rerun()
    write(site / "content" / "authors" / "ann" / "_index.md", "---\ntitle: Ann Lee\n---\n")
    run_batch(site, out, jobs=1)
    assert _summary(out)["built"] == 3
    rerun()
    write(site / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Lab!"\n')
    run_batch(site, out, jobs=1)
    assert _summary(out)["built"] == 3

    # the draft published, then drafts asked for (another context)
    rerun()
    draft = project / "draft" / "index.md"
    draft.write_text(draft.read_text().replace("draft: true", "draft: false"))
    run_batch(site, out, jobs=1)
    assert _summary(out)["built"] == 1 and _summary(out)["skipped"] == 0


def test_drafts_asked_for_are_built_though_their_skip_was_stamped(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    site, out = _site(tmp_path / "site"), tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("card",)) == 0
    _rerun_until_settled(site, out, counted, formats=("card",))
    assert run_batch(site, out, jobs=1, formats=("card",), include_drafts=True) == 0
    assert _summary(out)["built"] == 1 and _summary(out)["skipped"] == 0


def test_a_damaged_output_with_its_stamp_disguised_is_rebuilt(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    site, out = _site(tmp_path / "site", n=1), tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("card",)) == 0
    _rerun_until_settled(site, out, counted, formats=("card",))
    pdf = next(out.rglob("p0-card.pdf"))
    st = pdf.stat()
    data = bytearray(pdf.read_bytes())
    data[200:210] = b"XXXXXXXXXX"
    pdf.write_bytes(bytes(data))
    os.utime(pdf, ns=(st.st_atime_ns, st.st_mtime_ns))
    run_batch(site, out, jobs=1, formats=("card",))
    assert _summary(out)["built"] == 1
    assert b"XXXXXXXXXX" not in pdf.read_bytes()


def test_one_changed_page_rebuilds_the_event_pack_with_every_page(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    """The pages taken by their stamps are read when the pack needs them."""
    from pptx import Presentation

    site, out = _site(tmp_path / "site"), tmp_path / "out"
    assert run_batch(site, out, jobs=1, formats=("deck",), event="Open Lab") == 0
    _rerun_until_settled(site, out, counted, formats=("deck",), event="Open Lab")
    page = site / "content" / "project" / "p2" / "index.md"
    page.write_text(page.read_text().replace("Project number 2", "Project number two"))
    assert run_batch(site, out, jobs=1, formats=("deck",), event="Open Lab") == 0
    assert sorted(counted["loads"]) == ["p0", "p1", "p2"]
    showcase = Presentation(str(out / "event" / "showcase.pptx"))
    text = " ".join(s.text_frame.text for slide in showcase.slides for s in slide.shapes if s.has_text_frame)
    assert all(f"Project number {n}" in text for n in ("0", "1", "two"))


def test_files_the_loader_looked_for_and_did_not_find_are_watched(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    """A linked deck, an `image.filename` in the site's media and an author profile (however the entry
    is written) that appear after a build change the page."""
    site = tmp_path / "site"
    write(site / "hugo.toml", 'title = "Lab"\n')
    project = site / "content" / "project"
    write(project / "a" / "index.md", "---\ntitle: A\nslides: talk\n---\nText.\n")
    write(project / "b" / "index.md", "---\ntitle: B\nimage:\n  filename: wide.png\n---\nText.\n")
    write(project / "c" / "index.md", "---\ntitle: C\nauthors:\n  - name: ' ann '\n---\nText.\n")
    _settled()
    out = tmp_path / "out"
    run_batch(site, out, jobs=1, formats=("deck",))
    _rerun_until_settled(site, out, counted, formats=("deck",))
    write(site / "content" / "slides" / "talk" / "index.md", "---\ntitle: Talk\n---\n# One\n\n---\n\n# Two\n")
    tiny_png(site / "assets" / "media" / "wide.png", (640, 320))
    write(site / "content" / "authors" / "ann" / "_index.md", "---\ntitle: Ann Lee\n---\n")
    run_batch(site, out, jobs=1, formats=("deck",))
    pages = {r["slug"]: r["status"] for r in json.loads((out / "manifest.json").read_text())["pages"]}
    assert pages == {"a": "built", "b": "built", "c": "built"}


def test_a_page_edited_while_the_batch_reads_it_is_built_again_next_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs show what was read; an edit right after the reading (before the key and the stamps
    are taken) must not leave them cached under the edited page's key."""
    site, out = _site(tmp_path / "site", n=1), tmp_path / "out"
    page = site / "content" / "project" / "p0" / "index.md"
    load = loader.load_page

    def load_then_edit(path: Path, **kw: object) -> object:
        loaded = load(path, **kw)  # type: ignore[arg-type]
        if Path(path) == page:
            page.write_text(page.read_text().replace("Text 0.", "Word 0."))
        return loaded

    monkeypatch.setattr(loader, "load_page", load_then_edit)
    run_batch(site, out, jobs=1, formats=("card",))
    monkeypatch.setattr(loader, "load_page", load)
    _settled()
    run_batch(site, out, jobs=1, formats=("card",))
    assert _summary(out)["built"] == 1


@pytest.mark.parametrize("damage", [[], "x", {"key": 1, "outputs": "no", "warnings": 3},
                                    {"skipped": 5, "context": [], "inputs": "x"}])
def test_a_damaged_cache_entry_costs_only_its_shortcut(tmp_path: Path, damage: object) -> None:
    site, out = _site(tmp_path / "site", n=1), tmp_path / "out"
    run_batch(site, out, jobs=1, formats=("card",))
    cache_file = out / ".cardgen-cache.json"
    data = json.loads(cache_file.read_text())
    for name in list(data["pages"]):
        data["pages"][name] = damage
    cache_file.write_text(json.dumps(data))
    assert run_batch(site, out, jobs=1, formats=("card",)) == 0
    assert _summary(out)["built"] == 1 and _summary(out)["failed"] == 0
