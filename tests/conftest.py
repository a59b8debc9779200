"""Shared test fixtures: paths to the seed page, the corpus and the samples; small site builders."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The seed page: the shared copy when it is there, else the copy in tests/fixtures (same bytes).
SEED = SHARED / "seeds" / "mlphys-project.md"
if not SEED.is_file():
    SEED = FIXTURES / "seed" / "mlphys-project.md"
CORPUS = SHARED / "corpus"
SAMPLES = REPO / "samples"


#: For tests that read a corpus page: they skip in a clone without the shared folder.
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")


def corpus_pages() -> list[Path]:
    """Every page of the shared corpus (project pages and slides decks), sorted."""
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.rglob("index.md"))


def corpus_ids(pages: list[Path]) -> list[str]:
    return [str(p.parent.relative_to(CORPUS)) for p in pages]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def tiny_png(path: Path, size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 60, 40)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A minimal Hugo site: config, one author profile, content/project/."""
    root = tmp_path / "site"
    write(root / "hugo.toml", """
        baseURL = "https://lab.example.org/"
        title = "Example Lab"
        defaultContentLanguage = "en"
        """)
    write(root / "content" / "authors" / "admin" / "_index.md", """
        ---
        title: Ada Lovelace
        role: Professor
        organizations:
          - name: University of Examples
        ---
        """)
    write(root / "content" / "authors" / "grace-hopper" / "_index.md", """
        ---
        title: Grace Hopper
        ---
        """)
    (root / "content" / "project").mkdir(parents=True)
    return root


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "mlphys" / "index.md"
    dest.parent.mkdir(parents=True)
    shutil.copyfile(SEED, dest)
    return dest


def small_site(root: Path, n: int = 3, *, authors: str = "[A, B]", body: str = "## Part\n\nText {i}.\n") -> Path:
    """A Hugo site of `n` project bundles p0…, each with a title, authors, a summary and a featured PNG."""
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Lab"\n')
    for i in range(n):
        bundle = root / "content" / "project" / f"p{i}"
        write(bundle / "index.md", f"---\ntitle: Project number {i}\nauthors: {authors}\nsummary: Summary {i}.\n---\n"
              + body.format(i=i))
        tiny_png(bundle / "featured.png", (320, 200), (40 * i, 120, 200))
    return root


def interruptible() -> None:
    """`preexec_fn` for a child process a test interrupts with SIGINT: Ctrl-C's default action, as in
    a terminal, even when the test run itself was started with SIGINT ignored (a background job of a
    non-interactive shell passes that on, and Python then never raises KeyboardInterrupt)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
