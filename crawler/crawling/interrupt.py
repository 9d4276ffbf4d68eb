"""A crawl stopped by a signal says so: the summary line ends in ``interrupted by SIGINT`` and the
exit status is 128 + the signal (130 for Ctrl-C, 143 for SIGTERM), for ``newsmd crawl`` and
``scrapy crawl`` alike, so that cron or systemd never takes a stopped run for a finished one."""

from __future__ import annotations

import signal
from typing import Any


class SignalRecorder:
    """Records the signals that stop a Scrapy process, around Scrapy's own graceful shutdown."""

    def __init__(self, process: Any) -> None:
        self.received: list[int] = []
        for name in ("_signal_shutdown", "_signal_kill"):  # what Scrapy installs for SIGINT and SIGTERM
            original = getattr(process, name)

            def recording(signum: int, frame: Any, original: Any = original) -> None:
                self.received.append(signum)
                original(signum, frame)

            setattr(process, name, recording)

    @property
    def exit_status(self) -> int | None:
        """128 + the first signal received, ``None`` when the crawl ran to its end."""
        return 128 + self.received[0] if self.received else None

    def summary_note(self) -> str:
        """What the summary line adds for a stopped crawl (``""`` for one that ran to its end)."""
        return f" / interrupted by {signal.Signals(self.received[0]).name}" if self.received else ""
