"""One crawl at a time per state file and job folder (cron runs overlap, Scrapyd schedules twice).

A crawl holds an exclusive ``flock`` on ``<state file>.lock`` and, with ``JOBDIR``, on
``<JOBDIR>/newsmd.lock`` for as long as it runs; the kernel drops the locks when the process
ends, even by SIGKILL, so a killed run never leaves a stale lock behind. With a shared state
(``STATE_URL=postgresql://…``) the lock lives in the database instead: one discoverer per source
at a time, on any machine; workers and ``get`` take none.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.crawling.state import open_state, shared_state_url, state_path, unusable

EXIT_LOCKED = 75
"""Exit status of a run refused because another run holds its lock (``EX_TEMPFAIL``: try later)."""


class RunLocked(Exception):
    """Another run holds the lock; the message names the lock file."""


def lock_files(settings: Any) -> list[Path]:
    """The lock files of a crawl with these settings: beside its SQLite state file, and in its ``JOBDIR``."""
    files = []
    if not shared_state_url(settings):
        state = state_path(settings)
        files.append(state.with_name(state.name + ".lock"))
    if settings.get("JOBDIR"):
        files.append(Path(settings.get("JOBDIR")) / "newsmd.lock")
    return files


@contextmanager
def _database_lock(settings: Any, source: str | None, wait: bool) -> Iterator[None]:
    url = shared_state_url(settings)
    if not url or source is None:
        yield
        return
    from crawler.crawling.state_postgres import DatabaseRunLock

    lock = DatabaseRunLock(url, f"newsmd-discoverer:{source}")
    try:
        if not lock.acquire(wait):
            raise RunLocked(f"{source}: another newsmd run is discovering this source (the lock is in the shared "
                            "state database); this run stops (use --wait to wait for it)")
        yield
    finally:
        lock.release()


@contextmanager
def run_lock(settings: Any, wait: bool = False, source: str | None = None) -> Iterator[None]:
    """Hold the crawl's locks for the ``with`` block; ``RunLocked`` at once if another run holds one
    (or, with ``wait``, block until it ends). ``source``: what a discoverer discovers (its spider),
    locked in the shared state database when there is one."""
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
        with _database_lock(settings, source, wait):
            yield
    finally:
        for descriptor in held:
            os.close(descriptor)


@contextmanager
def exclusive_run(settings: Any, wait: bool = False, source: str | None = None) -> Iterator[None]:
    """What every crawl entry point does before it starts: hold the run's locks (``RunLocked``), then
    open its state once (``StateFileError`` for a damaged, locked or unreachable one), before any fetch."""
    with run_lock(settings, wait=wait, source=source):
        open_state(settings).close()
        yield
