"""Where a batch's wall time goes: one `cardgen batch` of the corpus site (or SITE) in this process,
with the phases timed as they run: start (imports, discovery, the first page read), the preload before
the workers fork, the pages (each worker's busy and idle time) and the event pack's steps.

    python bench/bench_phases.py [SITE] [--jobs 2]

A site's fixed costs (start, preload, pack) against its per-page work: the part more workers or
faster pages cannot shrink. Not a test: one run, on a machine that may be busy.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_batch import make_site

T0 = time.perf_counter()
TIMED = ("preload_renderers", "process_page", "build_event_pack", "pack_step_task")


def _timed(name: str, fn: Callable[..., Any], log: Path) -> Callable[..., Any]:
    @functools.wraps(fn)  # picklable by name: workers receive it as batch.<name>
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter() - T0
        try:
            return fn(*args, **kwargs)
        finally:
            label = args[0][0] if name == "pack_step_task" else ""
            with log.open("a") as out:  # one short line per call: appends from the workers do not interleave
                out.write(f"{os.getpid()}\t{name}\t{start:.3f}\t{time.perf_counter() - T0:.3f}\t{label}\n")

    return run


def main() -> None:
    from cardgen import collector

    collector.command_started()  # as the `cardgen` program starts (cardgen/__main__.py)
    import cardgen.batch as batch
    import cardgen.cli as cli

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, help="a Hugo site (default: the corpus site bench_batch builds)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cardgen-bench-phases-") as tmp:
        work = Path(tmp)
        site = args.site
        if site is None:
            site = work / "site"
            make_site(site)
        log = work / "phases.tsv"
        for name in TIMED:
            setattr(batch, name, _timed(name, getattr(batch, name), log))
        ended: list[float] = []
        cli.leave = lambda code: ended.append(time.perf_counter() - T0)  # type: ignore[assignment]  # keep the process
        sys.argv = ["cardgen", "--quiet", "batch", str(site), "-o", str(work / "out"), "--jobs", str(args.jobs),
                    "--event", "Bench Day", "--force"]
        begun = time.perf_counter() - T0
        cli.run()
        rows = [line.split("\t") for line in log.read_text().splitlines()]
    total = ended[0] - begun
    calls = [(pid, name, float(a) - begun, float(b) - begun, label) for pid, name, a, b, label in rows]
    pages = [c for c in calls if c[1] == "process_page"]
    first = min(c[2] for c in pages)
    last = max(c[3] for c in pages)
    print(f"\n{len(pages)} pages, --jobs {args.jobs}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n")
    print("| phase | from s | to s | seconds | share |")
    print("|---|---:|---:|---:|---:|")

    def row(name: str, a: float, b: float) -> None:
        print(f"| {name} | {a:.2f} | {b:.2f} | {b - a:.2f} | {100 * (b - a) / total:.0f} % |")

    preload = [c for c in calls if c[1] == "preload_renderers"]
    row("start (imports, discovery, first page read)", 0.0, preload[0][2] if preload else first)
    if preload:
        row("preload before the workers fork", preload[0][2], preload[0][3])
    row("pages", first, last)
    for c in sorted((c for c in calls if c[1] == "pack_step_task"), key=lambda c: c[2]):
        row(f"  event pack: {c[4]}", c[2], c[3])
    pack = [c for c in calls if c[1] == "build_event_pack"]
    if pack:
        row("event pack", pack[0][2], pack[0][3])
    row("whole run", 0.0, total)
    print("\n| worker | pages | busy s | idle between first and last page s |")
    print("|---|---:|---:|---:|")
    for pid in sorted({c[0] for c in pages}):
        mine = [c for c in pages if c[0] == pid]
        busy = sum(b - a for _, _, a, b, _ in mine)
        print(f"| {pid} | {len(mine)} | {busy:.2f} | {(last - first) - busy:.2f} |")


if __name__ == "__main__":
    main()
