"""A run's counts (Scrapy's stats or ``RunStats``), its summary line and exit verdict, and the
article step every run shares: ``extract`` under the run's settings, with its fallbacks and
undated articles counted."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crawler.article import Article
from crawler.declared_settings import setting
from crawler.extraction.extract import extract
from crawler.signals import article_failed

SUMMARY_FIELDS = ("discovered", "written", "updated", "unchanged", "skipped", "failed")


class RunStats:
    """The part of Scrapy's stats collector newsmd's counts use, for a run without Scrapy."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def get_value(self, name: str, default: int = 0) -> int:
        return self.values.get(name, default)

    def inc_value(self, name: str, count: int = 1) -> None:
        self.values[name] = self.values.get(name, 0) + count


def count(stats: Any, outcome: str, reason: str) -> None:
    """Count one ``newsmd/<outcome>`` (a summary field) and its ``newsmd/<outcome>/<reason>``."""
    stats.inc_value(f"newsmd/{outcome}")
    stats.inc_value(f"newsmd/{outcome}/{reason}")


def report_failure(crawler: Any, logger: logging.Logger | logging.LoggerAdapter[logging.Logger], url: str,
                   reason: str, detail: str, outcome: str = "failed") -> None:
    """Count a page's failure (``outcome`` ``failed``, or ``feed_failed`` for a feed's), log one line
    naming the URL and reason, and tell the run's listeners (``crawler``: Scrapy's or a ``PlainRun``)."""
    count(crawler.stats, outcome, reason)
    logger.warning("%s: %s [%s]", url, detail, reason)
    crawler.signals.send_catch_log(article_failed, url=url, reason=reason, detail=detail)


def crawl_summary(stats: Any) -> tuple[dict[str, int], str]:
    """The run's counts and its one summary line; spider exceptions count as failures, feed
    failures are added to the line when there are any."""
    counts = {name: int(stats.get_value(f"newsmd/{name}", 0)) for name in SUMMARY_FIELDS}
    counts["failed"] += int(stats.get_value("spider_exceptions/count", 0))
    counts["feed_failed"] = int(stats.get_value("newsmd/feed_failed", 0))
    counts["known_failures"] = int(stats.get_value("newsmd/known_failures", 0))
    counts["queued"] = int(stats.get_value("newsmd/queued", 0))
    counts["new_failed"] = counts["failed"] - int(stats.get_value("newsmd/failed_again", 0))
    line = " / ".join(f"{counts[name]} {name}" for name in SUMMARY_FIELDS)
    line += f" / {counts['feed_failed']} feed failed" if counts["feed_failed"] else ""
    line += f" / {counts['queued']} queued" if counts["queued"] else ""
    return counts, line + (f" / {counts['known_failures']} known failures" if counts["known_failures"] else "")


def run_failed(counts: dict[str, int]) -> bool:
    """Whether a run with these counts failed (exit status 1): a feed failed, or an article failed
    that had not failed before (one that fails again, or is skipped as a known failure, does not
    fail every later run of a schedule)."""
    return bool(counts["new_failed"] or counts["feed_failed"])


def extract_options(settings: Any) -> dict[str, Any]:
    """``extract``'s keyword arguments under the run's settings (``UNDATED_ARTICLES``,
    ``DOWNLOAD_MAXSIZE``, ``EXTRACT_TIME_LIMIT``)."""
    return {"undated": setting(settings, "UNDATED_ARTICLES"), "max_bytes": setting(settings, "DOWNLOAD_MAXSIZE"),
            "time_limit": setting(settings, "EXTRACT_TIME_LIMIT")}


def counted(article: Article, url: str, stats: Any, logger: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> Article:
    """``article``, its fields read by the generic parser counted as ``newsmd/fallback/<field>`` and
    logged, and counted as ``newsmd/undated`` when it is written without a date."""
    for fallback in article.fallbacks:
        stats.inc_value(f"newsmd/fallback/{fallback}")
        logger.info("%s: %s read by the generic parser [fallback]", url,
                    "the page" if fallback == "page" else f"the {fallback} field")
    if article.published is None:
        stats.inc_value("newsmd/undated")
        logger.warning("%s: no publication time; written without a date [undated]", url)
    return article


def read_article(url: str, body: bytes, headers: Mapping[Any, Any] | None, settings: Any, stats: Any,
                 logger: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> Article:
    """``extract`` under the run's settings (``extract_options``), ``counted``."""
    return counted(extract(url, body, headers, **extract_options(settings)), url, stats, logger)
