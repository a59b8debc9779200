"""`cardgen watch`: a first build, one status line per rebuild on save, Ctrl-C exits 130 without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cardgen.watch import Rebuild, status_line, watched_paths

from conftest import interruptible, write

TIMEOUT = 60


class Watcher:
    """`cardgen watch …` in a subprocess whose stdout lines we can wait for."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "cardgen.cli", "watch", *args], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, predicate, count: int = 1) -> list[str]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            found = [line for line in self.lines if predicate(line)]
            if len(found) >= count:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"no such line; got {self.lines!r}, stderr {self.proc.stderr.read()!r}")

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        self._reader.join(timeout=5)
        return self.proc.returncode, self.proc.stderr.read()


def _site(root: Path) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Lab"\n')
    for slug in ("a", "b"):
        write(root / "content" / "project" / slug / "index.md", f"---\ntitle: Project {slug}\nsummary: S.\n---\nText.\n")
    return root


def test_watching_a_page_rebuilds_on_save_and_ctrl_c_exits_130(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    page = site / "content" / "project" / "a" / "index.md"
    out = tmp_path / "out"
    watcher = Watcher([str(page), "-o", str(out), "--formats", "social"], tmp_path)
    try:
        watcher.wait_for(lambda line: "✓ a: social" in line)
        watcher.wait_for(lambda line: line.startswith("watching"))
        first = (out / "a-og.png").stat().st_mtime_ns
        page.write_text(page.read_text().replace("Project a", "Project a, renamed"), encoding="utf-8")
        (rebuilt,) = watcher.wait_for(lambda line: "✓ a: social" in line and "index.md" in line)
        assert "content/project/a/index.md" in rebuilt
        assert (out / "a-og.png").stat().st_mtime_ns > first
        assert "renamed" in (out / "a-social.html").read_text()
    finally:
        code, err = watcher.stop()
    assert code == 130
    assert "Traceback" not in err and err.strip() == "cardgen: interrupted"
    status = [line for line in watcher.lines if "✓" in line or "✗" in line]
    assert len(status) == 2  # one line per build: the first and the one save


def test_watching_a_site_rebuilds_only_the_changed_page(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    out = site / "_out"  # inside the site: its own writes must not trigger rebuilds
    watcher = Watcher([str(site), "-o", str(out), "--formats", "social", "-j", "1"], tmp_path)
    try:
        watcher.wait_for(lambda line: "✓ 2 built, 0 unchanged, 0 failed" in line)
        watcher.wait_for(lambda line: line.startswith("watching"))
        page = site / "content" / "project" / "b" / "index.md"
        page.write_text(page.read_text() + "\nMore text.\n", encoding="utf-8")
        watcher.wait_for(lambda line: "✓ 1 built, 1 unchanged, 0 failed" in line)
        time.sleep(1.5)  # no rebuild follows from the outputs just written
        assert len([line for line in watcher.lines if "✓" in line]) == 2
        (site / "content" / "project" / "a" / "index.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        (failed,) = watcher.wait_for(lambda line: "✗" in line)
        assert "1 failed" in failed and "a: " in failed and "invalid YAML" in failed
    finally:
        code, _ = watcher.stop()
    assert code == 130


def test_a_broken_save_is_a_failed_line_and_the_watch_goes_on(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    page = site / "content" / "project" / "a" / "index.md"
    watcher = Watcher([str(page), "-o", str(tmp_path / "out"), "--formats", "social"], tmp_path)
    try:
        watcher.wait_for(lambda line: line.startswith("watching"))
        page.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        (failed,) = watcher.wait_for(lambda line: "✗" in line)
        assert "invalid YAML" in failed
        page.write_text("---\ntitle: Fixed\n---\nText.\n", encoding="utf-8")
        watcher.wait_for(lambda line: "✓" in line, count=2)
    finally:
        code, _ = watcher.stop()
    assert code == 130


def test_watched_paths_cover_the_page_config_and_template_but_not_the_output(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    write(site / "config" / "_default" / "params.toml", "[cardgen]\n")
    (site / "mytpl").mkdir()
    page = site / "content" / "project" / "a" / "index.md"
    paths, ignore = watched_paths(page, site / "out", site / "mytpl")
    root = site.resolve()
    assert {p.relative_to(root).as_posix() for p in paths} == {"content/project/a", "hugo.toml", "config/_default", "mytpl"}
    assert (root / "out") in ignore and (root / "static" / "og") in ignore
    paths, _ = watched_paths(site, site / "out", None)
    assert {p.relative_to(root).as_posix() for p in paths} == {"content", "hugo.toml", "config/_default"}


def test_status_line_names_what_changed() -> None:
    line = status_line(Rebuild(True, "a: deck", 1.234, (Path("/s/content/a/index.md"),)), Path("/s"))
    assert line.endswith("✓ a: deck in 1.2 s (content/a/index.md)")
    assert "✗ boom in 0.0 s" in status_line(Rebuild(False, "boom", 0.01))
