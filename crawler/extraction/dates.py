"""Publication times written on pages: ISO 8601, Chinese portal formats and relative times.

Portals write times without a zone (``2019年11月25日 18:57``, ``2024-08-18 15:54``) or relative
to the moment the page was served (``3小时前``, ``昨天 10:20``, ``刚刚``). A time without a zone is
read in the source's zone; a relative one is resolved against the response time, never the
clock of the crawl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from crawler.extraction.encoding import header_value

UTC = ZoneInfo("UTC")

_WHITESPACE = re.compile(r"\s+")
_FULL_DATE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
    r"(?:\s*T?\s*(?P<hour>\d{1,2})\s*[:：时]\s*(?P<minute>\d{2})(?:\s*[:：分]\s*(?P<second>\d{2}))?)?"
)
_SHORT_YEAR_DATE = re.compile(
    r"(?<![\d-])(?P<year>\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\d-])"
    r"(?:\s*(?P<hour>\d{1,2})[:：](?P<minute>\d{2})(?:[:：](?P<second>\d{2}))?)?"
)
"""A byline's ``18-03-08 23:16`` (Baidu's): year, month, day, the century left out."""
_MONTH_DAY = re.compile(
    r"(?<![\d-])(?P<month>\d{1,2})\s*[-/月]\s*(?P<day>\d{1,2})\s*日?\s+"
    r"(?P<hour>\d{1,2})[:：](?P<minute>\d{2})(?:[:：](?P<second>\d{2}))?"
)
_AGO = re.compile(
    r"(?P<count>\d+)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|"
    r"seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s*(?:前|之前|ago)", re.IGNORECASE
)
_NAMED_DAY = re.compile(r"(?P<day>今天|昨天|前天|today|yesterday)\s*(?P<hour>\d{1,2})[:：](?P<minute>\d{2})", re.IGNORECASE)
_JUST_NOW = re.compile(r"刚刚|just now", re.IGNORECASE)
_UNIT_SECONDS = {
    "秒": 1, "second": 1, "分钟": 60, "分": 60, "minute": 60, "min": 60, "小时": 3600, "个小时": 3600,
    "hour": 3600, "hr": 3600, "天": 86400, "日": 86400, "day": 86400, "周": 604800, "星期": 604800,
    "week": 604800,
}
_DAYS_BACK = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}


def parse_rfc2822(value: str) -> datetime | None:
    """An e-mail style time (HTTP ``Date``, RSS ``pubDate``), UTC when it has no zone, or ``None``."""
    try:
        found = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


EARLIEST_PUBLICATION_YEAR = 1995
"""No news page on the web is older: an earlier date is a placeholder (``0001-01-01``) or a misreading."""


def plausible_publication(published: datetime, served_at: datetime) -> bool:
    """A publication time a page can really have: not before 1995, not more than a day after it was served."""
    return published.year >= EARLIEST_PUBLICATION_YEAR and published <= served_at + timedelta(days=1)


def response_time(headers: Mapping[Any, Any] | None) -> datetime | None:
    """When the page was served: its HTTP ``Date`` header; ``None`` without one (a saved page): the
    clock of the run is no reference for a page's ``3小时前``."""
    return parse_rfc2822(header_value(headers, "Date"))


def _build(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           second: int = 0) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def parse_iso(value: str, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 time; one without an offset is taken in ``zone``."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _absolute(text: str, zone: ZoneInfo) -> datetime | None:
    match = _FULL_DATE.search(text)
    century = 0
    if not match:
        match, century = _SHORT_YEAR_DATE.search(text), 2000
    if not match:
        return None
    parts = {key: int(value) for key, value in match.groupdict().items() if value is not None}
    return _build(zone, century + parts["year"], parts["month"], parts["day"], parts.get("hour", 0),
                  parts.get("minute", 0), parts.get("second", 0))


def _relative(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    local_now = now.astimezone(zone).replace(microsecond=0)
    if match := _AGO.search(text):
        unit = match.group("unit").lower()
        seconds = _UNIT_SECONDS.get(unit) or _UNIT_SECONDS.get(unit.rstrip("s"), 0)
        return local_now - timedelta(seconds=int(match.group("count")) * seconds)
    if match := _NAMED_DAY.search(text):
        date = local_now - timedelta(days=_DAYS_BACK.get(match.group("day").lower(), 0))
        return _build(zone, date.year, date.month, date.day, int(match.group("hour")), int(match.group("minute")))
    if match := _MONTH_DAY.search(text):
        month, day = int(match.group("month")), int(match.group("day"))
        second = int(match.group("second") or 0)
        found = _build(zone, local_now.year, month, day, int(match.group("hour")), int(match.group("minute")), second)
        if found and found > local_now + timedelta(days=1):  # "12-31 23:00" read on January 1st
            found = _build(zone, local_now.year - 1, month, day, found.hour, found.minute, second)
        return found
    if _JUST_NOW.search(text):
        return local_now
    return None


def parse_page_time(text: str, zone: ZoneInfo, now: datetime | None = None) -> datetime | None:
    """The time ``text`` names, timezone-aware, or ``None``.

    Absolute times (ISO 8601, ``2019-11-25 18:57``, ``2019年11月25日 18:57``, ``19-11-25 18:57``) need no ``now``;
    relative ones (``3小时前``, ``昨天 10:20``, ``11-25 18:57``, ``刚刚``) are resolved against
    ``now``, the response time, and give ``None`` without it.
    """
    text = _WHITESPACE.sub(" ", text or "").strip()
    if not text:
        return None
    found = parse_iso(text, zone) or _absolute(text, zone)
    if found is None and now is not None:
        found = _relative(text, zone, now)
    return found
