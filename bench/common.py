"""Shared by the bench scripts: the repository path, the sample page, median timers and the pandoc peer."""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PHOTO = REPO / "samples" / "mlphys" / "featured.jpg"  # 12 MP
TITLE = "MLPhys: Foundation of Machine Learning Physics"


def sample_page(folder: Path, image: Path | None, n: int = 0, *, web: bool = False):
    """The seed's content as a Page (no parsing cost in the timings); `n` > 0 numbers title and bundle,
    `web` adds a code link and a public URL (cards draw them, with a QR code)."""
    from cardgen.page import Author, Link, Page, Site

    title = f"{TITLE} {n}" if n else TITLE
    base = "https://mlphys.example.org/" if web else ""
    return Page(
        path=folder / (f"p{n}" if web else "") / "index.md",
        title=title,
        title_runs=(),
        title_plain=title,
        description="Physics meets machine learning: a transformative research area integrating two fields.",
        description_source="summary",
        summary_runs=(),
        authors=(Author("Hajime Nagahara"), Author("Yuta Nakashima"), Author("Noriko Takemura")),
        date=dt.date(2020, 7, 1),
        featured_image=image,
        links=(Link("Code", "https://github.com/example/mlphys", "code", "fab", "github"),) if web else (),
        bundle_dir=folder,
        site=Site(root=folder, title="Kyoto ML Physics", base_url=base),
        url=f"{base}project/mlphys-{n}/" if web else "",
    )


def timed(fn: Callable[[], object], repeat: int, *, warm: bool = True) -> tuple[float, object]:
    """Median milliseconds of `repeat` calls (after one untimed call when `warm`) and the last result."""
    if warm:
        fn()  # imports and caches
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def median_ms(fn: Callable[[], object], repeat: int, *, warm: bool = True) -> float:
    return timed(fn, repeat, warm=warm)[0]


def pandoc_decks(pages: list[Path], out: Path, jobs: int) -> tuple[float, float]:
    """pandoc writing one pptx per page, `jobs` at a time: wall and CPU seconds."""
    out.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs: list[subprocess.Popen[bytes]] = []
    for i, page in enumerate(pages):
        while len([p for p in procs if p.poll() is None]) >= jobs:
            time.sleep(0.005)
        procs.append(subprocess.Popen(["pandoc", str(page), "-o", str(out / f"{i}.pptx")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=page.parent))
    for p in procs:
        p.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
