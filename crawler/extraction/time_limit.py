"""A wall-clock bound on a piece of work in the main thread, for extraction that can run away."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """The work ran past its bound. A ``BaseException``, like ``KeyboardInterrupt``: library code
    that catches ``Exception`` (trafilatura does, around most of its steps) cannot swallow it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` in the block once ``seconds`` have passed (``SIGALRM``).

    No bound when ``seconds`` is 0, off the main thread, or where there is no ``SIGALRM``. Code
    inside a single long C call (an lxml parse) is stopped when that call returns.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
