"""End-to-end benchmark: batch throughput, cold CLI start, memory, cache, side by side with pandoc.

    python bench/run.py [--pages 50,200] [--jobs 2] [--keep DIR] [--against OTHER_CHECKOUT] [--rounds N]

Builds a synthetic Hugo site of N project pages from the shared corpus and the samples (real-size
featured images: 2, 6 and 12 MP JPEGs, cycled), then measures in one run:
  - `cardgen batch` pages/s (all outputs, --jobs 2), CPU seconds of its processes, peak RSS,
    per-output ms (from manifest.json),
  - the cached rerun,
  - cold `cardgen deck` and `cardgen build` wall time for one page (new process each time),
  - pandoc writing only the decks for the same pages (same parallelism), and the time ratio.
With --against, another checkout of cardgen (run with its source first on the path) is measured on
the same sites right after this one, page count by page count, for before/after rows from one run;
--rounds N runs each checkout N times, alternating which goes first, and reports medians (a shared
machine's load comes and goes within minutes).
Prints a table. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import pandoc_decks

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "samples"
CARDGEN = [sys.executable, "-m", "cardgen"]  # the program as the console script runs it


def make_images(folder: Path) -> list[Path]:
    """Textured JPEGs of 2, 6 and 12 MP (noise + gradients: realistic decode and saliency cost)."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    out = []
    for name, (w, h) in {"2mp": (1732, 1155), "6mp": (3000, 2000), "12mp": (4243, 2828)}.items():
        path = folder / f"{name}.jpg"
        if not path.exists():
            y, x = np.mgrid[0:h, 0:w].astype(np.float32)
            base = np.stack([x / w * 180 + 40, y / h * 120 + 60, (x + y) / (w + h) * 200 + 30], axis=-1)
            blob = np.exp(-(((x - w * 0.7) ** 2 + (y - h * 0.35) ** 2) / (2 * (w * 0.08) ** 2)))[..., None] * 160
            noise = rng.normal(0, 18, ((h + 3) // 4, (w + 3) // 4, 3)).astype(np.float32)
            noise = np.kron(noise, np.ones((4, 4, 1), dtype=np.float32))[:h, :w]
            arr = np.clip(base + blob + noise, 0, 255).astype(np.uint8)
            Image.fromarray(arr).save(path, quality=88)
        out.append(path)
    return out


def source_pages() -> list[Path]:
    pages = sorted(p for p in CORPUS.glob("*/index.md")) if CORPUS.is_dir() else []
    pages += sorted(SAMPLES.glob("*/index.md"))
    return pages


def make_site(root: Path, n: int, images: list[Path]) -> list[Path]:
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "project").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://bench.example.org/"\ntitle = "Bench Lab"\n')
    sources = source_pages()
    pages = []
    for i in range(n):
        src = sources[i % len(sources)]
        bundle = root / "content" / "project" / f"p{i:03d}-{src.parent.name}"
        bundle.mkdir()
        (bundle / "index.md").write_bytes(src.read_bytes())
        shutil.copyfile(images[i % len(images)], bundle / "featured.jpg")
        pages.append(bundle / "index.md")
    return pages


_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n"
)


def timed(cmd: list[str], **kw) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) of its largest process and CPU seconds (user + system) of one
    command's process tree.

    A small wrapper process runs the command, so the figures cover that command's processes only
    (getrusage's children figures would otherwise include every earlier child of this script)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], check=False, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - start
    try:
        peak, cpu = done.stdout.strip().splitlines()[-1].split()
        return wall, int(peak), float(cpu)
    except (ValueError, IndexError):
        return wall, 0, 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="50,200")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--against", type=Path, help="another checkout of cardgen to measure in the same run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each checkout, alternating (the table gives medians)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="cardgen-bench-"))
    trees = {"this": REPO} | ({"other": args.against.resolve()} if args.against else {})
    # In a child process: this one must stay small, or its pages would count in the children's peak RSS
    # (a forked child shares the parent's memory until it execs).
    subprocess.run([sys.executable, __file__, "--make-images", str(work / "images")], check=True)
    images = make_images(work / "images")
    rows = []
    for n in [int(x) for x in args.pages.split(",")]:
        site = work / f"site{n}"
        pages = make_site(site, n, images)
        pandoc = pandoc_decks(pages, work / f"pandoc{n}", args.jobs)[0] if shutil.which("pandoc") else None
        runs: dict[str, list[dict[str, float | None]]] = {label: [] for label in trees}
        for round_no in range(max(1, args.rounds)):
            order = list(trees.items()) if round_no % 2 == 0 else list(trees.items())[::-1]
            for label, tree in order:  # alternating, so a busier spell of the machine slows both alike
                runs[label].append(_batch_run(site, work / f"out{n}-{label}", tree, args.jobs, n))
        for label in trees:
            rows.append({
                **({"cardgen": label} if args.against else {}),
                "pages": n,
                **{key: _median([run[key] for run in runs[label]]) for key in runs[label][0]},
                "pandoc decks s": pandoc,
                "ratio": (_median([run["batch s"] for run in runs[label]]) / pandoc) if pandoc else None,
            })
    one = work / "site50" / "content" / "project"
    page = sorted(one.glob("*/index.md"))[0] if one.is_dir() else SAMPLES / "mlphys" / "index.md"
    colds: dict[tuple[str, str], float] = {}
    for label, tree in trees.items():
        env = {**os.environ, "PYTHONPATH": str(tree)}
        for kind, cmd in {"deck": ["deck", str(page), "-o", str(work / "cold.pptx")],
                          "build": ["build", str(page), "-o", str(work / "cold")]}.items():
            colds[label, kind] = statistics.median(timed([*CARDGEN, *cmd], env=env, cwd=work)[0] for _ in range(5))

    print(f"\ncardgen end-to-end benchmark ({os.cpu_count()} CPUs, jobs={args.jobs}, work dir {work})\n")
    keys = list(rows[0].keys())
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(_fmt(row[k]) for k in keys) + " |")
    for label in trees:
        name = f" ({label})" if args.against else ""
        print(f"\ncold CLI wall time{name} (median of 5): deck {colds[label, 'deck']:.3f} s, build {colds[label, 'build']:.3f} s")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def _batch_run(site: Path, out: Path, tree: Path, jobs: int, n: int) -> dict[str, float | None]:
    """One cold batch of `site` with the cardgen of `tree`, then its cached rerun."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    shutil.rmtree(out, ignore_errors=True)
    batch = [*CARDGEN, "--quiet", "batch", str(site), "-o", str(out), "--jobs", str(jobs), "--event", "Bench Day"]
    wall, rss, cpu = timed(batch, env=env, cwd=out.parent)  # not the repo: `-m` puts the cwd first on the path
    manifest = json.loads((out / "manifest.json").read_text())
    per: dict[str, list[float]] = {"deck": [], "social": [], "card": []}
    for record in manifest["pages"]:  # seconds per output, as the workers recorded them
        for fmt, secs in (record.get("timings") or {}).items():
            per[fmt].append(secs * 1000)
    rerun = timed(batch, env=env, cwd=out.parent)[0]
    return {"batch s": wall, "batch CPU s": cpu, "pages/s": n / wall, "failed": manifest["summary"]["failed"],
            "peak RSS MB": rss / 1024, "cached rerun s": rerun,
            **{f"{k} ms (median)": statistics.median(v) if v else None for k, v in per.items()}}


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--make-images":
        make_images(Path(sys.argv[2]))
    else:
        main()
