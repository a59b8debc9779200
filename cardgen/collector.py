"""When Python's cycle collector runs in cardgen's processes.

Starting a command makes a few hundred thousand objects that live as long as the process: modules,
fonts, language models, slide masters. Every full collection walks all of them again (30–90 ms
each; a corpus batch's main process made four, ~0.3 s on its critical path, and a one-page `deck`
one of ~30 ms), and finds nothing to free among them. So:

- the `cardgen` program starts with the collector off (`command_started`): a one-page command ends
  within seconds, and what it makes lives until it writes its files anyway;
- a command that runs on (batch, watch) turns it back on (`running_on`), with what is loaded so far
  frozen (`gc.freeze`: out of every later collection), so collections walk only what comes after;
- a batch loads what every page needs before it forks its workers (`loading`): no collection
  meanwhile, and all of it frozen afterwards, in this process and in the workers forked from it
  (which freeze what they inherit again: `pool`), until the run ends (`thawed_after`).

Reference counting frees everything that is not in a cycle whatever the collector does; freezing
only keeps cycles among frozen objects until they are thawed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def command_started() -> None:
    """The first thing the `cardgen` program does: no cycle collection while it imports and runs."""
    gc.disable()


def running_on() -> None:
    """A command that runs on (a batch, watch): collect cycles again from here on, but not among
    what the process holds already. Does nothing where the collector is on (the library used from
    another program, which keeps its own schedule)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


@contextmanager
def loading() -> Iterator[None]:
    """Around loading what stays for the rest of the run (a batch's imports, fonts and models before
    its workers fork): no collection meanwhile, and everything the process holds frozen after it,
    until the run ends (`thawed_after`). The collector's on/off state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def thawed_after() -> Iterator[None]:
    """Around a run that freezes what it loads (`loading`): when it ends, however it ends, frozen
    objects are collected as usual again."""
    try:
        yield
    finally:
        gc.unfreeze()
