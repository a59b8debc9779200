"""When the cycle collector runs: off while the `cardgen` program starts and renders one page, back on
(with what was loaded frozen) for a batch or watch, and never left changed for a program that uses
the library."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cardgen import collector
from cardgen.pool import can_fork

from conftest import small_site

_PROGRAM = """
import atexit, builtins, gc, sys
seen = {}
real_import = builtins.__import__
def spy(name, *args, **kwargs):
    seen.setdefault(name, gc.isenabled())
    return real_import(name, *args, **kwargs)
builtins.__import__ = spy
atexit.register(lambda: print(seen.get("typer"), gc.isenabled()))
sys.argv = ["cardgen", "--version"]
from cardgen.__main__ import run
run()
"""


@pytest.fixture
def collector_state() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
        else:
            gc.disable()


def test_the_program_imports_and_runs_with_the_collector_off() -> None:
    done = subprocess.run([sys.executable, "-c", _PROGRAM], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    version, collector_state = done.stdout.splitlines()
    assert version.startswith("cardgen ")
    assert collector_state == "False False"  # off when typer was imported, still off at the end


def test_running_on_collects_again_but_not_what_is_loaded(collector_state: None) -> None:
    gc.disable()
    collector.running_on()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 1000
    gc.unfreeze()
    collector.running_on()  # the collector was on: a program's own schedule is left alone
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_loading_freezes_what_it_loaded_and_restores_the_collector(collector_state: None) -> None:
    for enabled in (True, False):
        gc.enable() if enabled else gc.disable()
        with collector.thawed_after():
            with collector.loading():
                assert not gc.isenabled()
                kept = [{"loaded": i} for i in range(100)]
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() >= len(kept)
        assert gc.get_freeze_count() == 0


@pytest.mark.skipif(not can_fork(), reason="the preload is for workers forked from the batch process")
def test_a_batch_preloads_with_the_collector_off_and_thaws_when_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      collector_state: None) -> None:
    from cardgen import batch

    during: dict[str, object] = {}
    preload = batch.preload_renderers
    finish = batch._finish

    def spy_preload(*args: object, **kwargs: object) -> None:
        during["preload collects"] = gc.isenabled()
        preload(*args, **kwargs)  # type: ignore[arg-type]

    def spy_finish(*args: object, **kwargs: object) -> None:
        during.setdefault("frozen while pages finish", gc.get_freeze_count())
        finish(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "preload_renderers", spy_preload)
    monkeypatch.setattr(batch, "_finish", spy_finish)
    site = small_site(tmp_path / "site", 2)
    events = list(batch.iter_batch(site, tmp_path / "out", jobs=2, formats="card", event="Day"))
    assert isinstance(events[-1], batch.Finished) and events[-1].exit_code == 0
    assert during["preload collects"] is False
    assert isinstance(during["frozen while pages finish"], int) and during["frozen while pages finish"] > 1000
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_batch_command_turns_the_collector_back_on(tmp_path: Path, collector_state: None) -> None:
    from cardgen.cli import main

    site = small_site(tmp_path / "site", 1)
    gc.disable()  # as the program starts
    assert main(["--quiet", "batch", str(site), "-o", str(tmp_path / "out"), "--jobs", "1", "--formats", "social"]) == 0
    assert gc.isenabled()
