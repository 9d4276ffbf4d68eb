"""One crawl at a time per state file and job folder (cron runs overlap, Scrapyd schedules twice).

A crawl holds an exclusive ``flock`` on ``<state file>.lock`` and, with ``JOBDIR``, on
``<JOBDIR>/newsmd.lock`` for as long as it runs; the kernel drops the locks when the process
ends, even by SIGKILL, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.state import ArticleState, state_path, unusable

EXIT_LOCKED = 75
"""Exit status of a run refused because another run holds its lock (``EX_TEMPFAIL``: try later)."""


class RunLocked(Exception):
    """Another run holds the lock; the message names the lock file."""


def lock_files(settings: Any) -> list[Path]:
    """The lock files of a crawl with these settings: beside its state file, and in its ``JOBDIR``."""
    state = state_path(settings)
    files = [state.with_name(state.name + ".lock")]
    if settings.get("JOBDIR"):
        files.append(Path(settings.get("JOBDIR")) / "newsmd.lock")
    return files


@contextmanager
def run_lock(settings: Any, wait: bool = False) -> Iterator[None]:
    """Hold the crawl's locks for the ``with`` block; ``RunLocked`` at once if another run holds one
    (or, with ``wait``, block until it ends)."""
    held: list[int] = []
    try:
        for path in lock_files(settings):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise unusable(path, error, "the run's lock file") from None
            held.append(descriptor)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise RunLocked(f"{path}: another newsmd run is using this output or job folder; "
                                "this run stops (use --wait to wait for it)") from None
        yield
    finally:
        for descriptor in held:
            os.close(descriptor)


@contextmanager
def exclusive_run(settings: Any, wait: bool = False) -> Iterator[None]:
    """What every crawl entry point does before it starts: hold the run's locks (``RunLocked``), then
    open its state file once (``StateFileError`` for a damaged or locked one), before any fetch."""
    with run_lock(settings, wait=wait):
        ArticleState(state_path(settings)).close()
        yield
