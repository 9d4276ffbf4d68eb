"""Each line newsmd prints to a log file (stderr not a terminal) starts with the local time, so a
cron job's log says when each run said what. ``NEWSMD_LOG_TIME``: ``auto`` (the default), ``always``
or ``never``."""

from __future__ import annotations

import os
import re
import sys
import time
from typing import TextIO

_STAMPED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
"""A line that already starts with a time (Scrapy's own log under ``-v``) gets no second one."""


class TimestampedLines:
    """A text stream that writes to ``stream``, each line starting with the local time."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.at_line_start = True

    def write(self, text: str) -> int:
        pieces = []
        for line in text.splitlines(keepends=True):
            if self.at_line_start and not _STAMPED.match(line):
                pieces.append(time.strftime("%Y-%m-%d %H:%M:%S "))
            pieces.append(line)
            self.at_line_start = line.endswith("\n")
        self.stream.write("".join(pieces))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, fileno, isatty, encoding: the stream's own
        return getattr(self.stream, name)


def stamp_stderr_lines() -> None:
    """Put the time before each line on stderr when it goes to a log (``NEWSMD_LOG_TIME``)."""
    wanted = os.environ.get("NEWSMD_LOG_TIME", "auto").strip().lower()
    if isinstance(sys.stderr, TimestampedLines) or wanted == "never":
        return
    if wanted == "always" or not sys.stderr.isatty():
        sys.stderr = TimestampedLines(sys.stderr)
