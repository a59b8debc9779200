"""Shared by the bench scripts: the repository path, the sample page and median timers."""

from __future__ import annotations

import datetime as dt
import statistics
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
