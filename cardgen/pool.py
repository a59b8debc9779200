"""Worker processes with a time limit per task: a stuck or crashed task costs that task, not the run.

`concurrent.futures.ProcessPoolExecutor` cannot stop a running task and breaks entirely when one
worker dies. Here every worker is a process with its own pipe: a task that runs past its time limit
gets its worker killed (and replaced), a worker that dies (segfault, out of memory) is reported as
that task's failure, and the other tasks carry on.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

#: Seconds a stopped worker gets to clean up before it is killed.
GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class Outcome:
    """How one task ended: `ok` (value set), `error` (the exception's one-line text), `timeout` or
    `crashed` (the worker process died)."""

    status: str
    value: Any = None
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def workers_for(jobs: int, tasks: int) -> int:
    """--jobs N, or one process per CPU core for 0; never more processes than tasks."""
    workers = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(workers, tasks))


def can_fork() -> bool:
    """Whether workers start by fork (and so inherit what the parent holds in memory)."""
    return bool(_context().get_start_method() == "fork")


def _context() -> Any:
    # fork is cheap (the parent has imported cardgen already) and safe here: cardgen starts no
    # threads (`watch`'s file watcher is native code the forked workers never touch, and glibc
    # keeps malloc usable across fork). Elsewhere, spawn.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _serve(conn: Connection) -> None:
    """Worker loop: receive (function, argument), send back ("ok", value) or ("error", text).

    Ctrl-C is the parent's to handle; SIGTERM (how the parent stops a worker) unwinds like an
    exception, so half-written temporary files are removed on the way out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    # What the worker inherited (modules, preloaded models and fonts) lives as long as it does: out
    # of the cycle collector with it, or every full collection walks it again (~50 ms each).
    gc.freeze()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, arg = job
        try:
            reply: tuple[str, Any] = ("ok", fn(arg))
        except Exception as exc:  # noqa: BLE001 - reported to the parent as this task's failure
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            where = f" at {os.path.basename(last[0].filename)}:{last[0].lineno}" if last else ""
            reply = ("error", f"{type(exc).__name__}: {exc}{where}")
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result
            conn.send(("error", f"result could not be sent back: {type(exc).__name__}: {exc}"))


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.key: Any = None
        self.started = 0.0
        self.deadline: float | None = None

    def stop(self, how: str = "idle") -> None:
        """`idle`: ask it to leave; `term`: SIGTERM, then SIGKILL after a grace period; `dead`: reap."""
        if how == "idle":
            try:
                self.conn.send(None)
            except OSError:
                pass
        elif how == "term" and self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=GRACE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=GRACE_SECONDS)
        self.conn.close()


def run_tasks(
    tasks: Iterable[tuple[Any, Callable[[Any], Any], Any, float | None]],
    workers: int,
    preload: Callable[[], None] | None = None,
    stopped: Callable[[Any], None] | None = None,
) -> Generator[tuple[Any, Outcome], None, None]:
    """Run `(key, function, argument, time limit in s or None)` tasks in up to `workers` processes;
    yield `(key, Outcome)` as each finishes (in completion order). Closing the iterator early stops
    and reaps every worker.

    `stopped(key)` is called for each task whose worker was stopped or died before the task was done
    (its time limit, a crash, or the iteration ending early: an interrupt), once that worker is gone:
    the place to remove what it was in the middle of writing.

    `tasks` is read lazily: a task is taken when a worker is free, and while every worker is busy the
    next `workers` are taken ahead, so a generator that prepares tasks (reads pages) does it while
    the workers render. `preload` (imports, caches every task uses) runs once here, after the first
    task is taken and before the first worker is forked, so the workers share what it loaded
    instead of each loading it again; with spawn it is not run."""
    ctx = _context()
    source = iter(tasks)
    queue: deque[tuple[Any, Callable[[Any], Any], Any, float | None]] = deque()
    exhausted = False

    def take() -> bool:
        nonlocal exhausted
        if not exhausted:
            try:
                queue.append(next(source))
            except StopIteration:
                exhausted = True
        return not exhausted

    take()
    if preload is not None and queue and ctx.get_start_method() == "fork":
        preload()
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    limit = max(1, workers)
    try:
        while queue or busy or not exhausted:
            while len(busy) < limit and (queue or take()):
                worker = idle.pop() if idle else _Worker(ctx)
                key, fn, arg, timeout = queue.popleft()
                worker.key, worker.started = key, time.monotonic()
                worker.deadline = worker.started + timeout if timeout else None
                worker.conn.send((fn, arg))
                busy.append(worker)
            while busy and len(queue) < limit and take():
                pass  # ahead, while the workers work
            if not busy:
                continue
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
            now = time.monotonic()
            for worker in list(busy):
                seconds = now - worker.started
                if worker.conn in ready:
                    try:
                        status, value = worker.conn.recv()
                    except (EOFError, OSError):
                        status, value = "crashed", None
                    if status != "crashed":
                        busy.remove(worker)
                        idle.append(worker)
                        if status == "ok":
                            yield worker.key, Outcome("ok", value=value, seconds=seconds)
                        else:
                            yield worker.key, Outcome("error", message=str(value), seconds=seconds)
                        continue
                if worker.process.sentinel in ready or worker.conn in ready:
                    busy.remove(worker)
                    worker.process.join(timeout=5)
                    code = worker.process.exitcode
                    worker.stop("dead")
                    if stopped is not None:
                        stopped(worker.key)
                    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    yield worker.key, Outcome("crashed", message=f"the worker process died ({how})", seconds=seconds)
                elif worker.deadline is not None and now >= worker.deadline:
                    busy.remove(worker)
                    worker.stop("term")
                    if stopped is not None:
                        stopped(worker.key)
                    yield worker.key, Outcome("timeout", message=f"stopped after {seconds:.0f} s (time limit)",
                                              seconds=seconds)
    finally:
        for worker in busy:
            worker.stop("term")
        for worker in idle:
            worker.stop("idle")
        if stopped is not None:
            for worker in busy:
                stopped(worker.key)
