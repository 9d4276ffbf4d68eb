"""What newsmd prints is one safe line: control characters that pages, feeds and ``Location``
headers carry (ESC, BEL, backspace, line breaks) are shown escaped (``\\x1b``), never sent raw to a
terminal or a log, in newsmd's own lines and in every log record (``-v``, a log file)."""

from __future__ import annotations

import logging
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` as one line, its control characters escaped (a line break too)."""
    return _CONTROL.sub(_escaped, str(text).replace("\n", "\\n"))


def printable_log_records() -> None:
    """Escape the control characters of every log record's message and arguments from now on; line
    breaks stay, for tracebacks."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "printable", False):
        return

    def escaped(value: Any) -> Any:
        return _TERMINAL_CONTROL.sub(_escaped, value) if isinstance(value, str) else value

    def printable_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.msg = escaped(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(escaped(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: escaped(value) for key, value in record.args.items()}
        return record

    printable_record.printable = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(printable_record)
