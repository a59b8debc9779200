"""Corpus-site batch next to pandoc, in one run: wall and CPU seconds of `cardgen batch` (decks, social
images, cards and the event pack) with --jobs 1 and 2, and of pandoc writing only the decks.

    python bench/bench_batch.py [--rounds 3] [--jobs 1,2] [--limit N] [--against OTHER_CHECKOUT]

The site is the shared corpus plus the samples, each page a bundle with its own images, as a lab's
site would be. Rounds alternate between the tools (and, with --against, between this checkout and
another one, run with its source first on the path), so a loaded machine slows all of them alike;
the table gives medians and the ratios to pandoc. CPU time is what the process tree used (user +
system), which a busy machine inflates far less than wall time. Not a test.
"""

from __future__ import annotations

import argparse
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


def make_site(root: Path, limit: int = 0) -> list[Path]:
    (root / "content" / "project").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://bench.example.org/"\ntitle = "Bench Lab"\n')
    bundles = sorted(p.parent for p in CORPUS.glob("*/index.md")) if CORPUS.is_dir() else []
    bundles += sorted(p.parent for p in SAMPLES.glob("*/index.md"))
    if limit:
        bundles = bundles[::max(1, len(bundles) // limit)][:limit]
    pages = []
    for bundle in bundles:
        target = root / "content" / "project" / bundle.name
        shutil.copytree(bundle, target)
        pages.append(target / "index.md")
    return pages


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the command's processes) of one command."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(r.ru_utime + r.ru_stime)\n"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, cwd=cwd,
                          check=False)
    wall = time.perf_counter() - start
    return wall, float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--limit", type=int, default=0, help="only this many pages, spread over the corpus")
    parser.add_argument("--against", type=Path, help="another checkout of cardgen to run in the same rounds")
    args = parser.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    trees = {"this": REPO} | ({"other": args.against.resolve()} if args.against else {})
    has_pandoc = shutil.which("pandoc") is not None
    with tempfile.TemporaryDirectory(prefix="cardgen-bench-batch-") as tmp:
        work = Path(tmp)
        pages = make_site(work / "site", args.limit)
        samples: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            for label, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": str(tree)}
                for j in jobs:
                    out = work / f"out-{label}-{j}"
                    shutil.rmtree(out, ignore_errors=True)
                    cmd = [sys.executable, "-m", "cardgen", "--quiet", "batch", str(work / "site"), "-o", str(out),
                           "--jobs", str(j), "--event", "Bench Day", "--force"]
                    samples.setdefault(f"cardgen {label} --jobs {j}", []).append(run(cmd, env=env, cwd=work))
            if has_pandoc:
                for j in jobs:
                    shutil.rmtree(work / "pandoc", ignore_errors=True)
                    samples.setdefault(f"pandoc decks only, {j} at a time", []).append(
                        pandoc_decks(pages, work / "pandoc", j))

    print(f"\n{len(pages)} pages, {args.rounds} rounds, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n")
    print(f"| {'run':<34} | wall s (median) | CPU s (median) | wall / pandoc | CPU / pandoc |")
    print(f"|{'-' * 36}|----------------:|---------------:|--------------:|-------------:|")
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        j = name.rsplit(" ", 1)[-1] if "--jobs" in name else ""
        peer = samples.get(f"pandoc decks only, {j} at a time") if j else None
        if peer:
            pw = statistics.median(w for w, _ in peer)
            pc = statistics.median(c for _, c in peer)
            print(f"| {name:<34} | {wall:15.2f} | {cpu:14.2f} | {wall / pw:13.2f} | {cpu / pc:12.2f} |")
        else:
            print(f"| {name:<34} | {wall:15.2f} | {cpu:14.2f} | {'':13} | {'':12} |")


if __name__ == "__main__":
    main()
