"""Crawl extensions: a progress line every few seconds on long runs; a JOBDIR that survives SIGKILL."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.crawling.run_summary import crawl_summary
from crawler.declared_settings import setting
from crawler.signals import crawl_progress, killed_run_recovered

logger = logging.getLogger(__name__)


class ProgressLine:
    """Every ``PROGRESS_INTERVAL`` seconds (0 turns it off), log and signal the counts so far."""

    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        interval = setting(crawler.settings, "PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.report)
        self.task.start(self.interval, now=False)

    def report(self) -> None:
        stats = self.crawler.stats
        pages = int(stats.get_value("response_received_count", 0))
        line = f"{crawl_summary(stats)[1]} ({pages} pages fetched, {time.monotonic() - self.started:.0f}s)"
        logger.info("progress: %s", line)
        self.crawler.signals.send_catch_log(crawl_progress, line=line)

    def spider_closed(self, spider: Any) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()


class KilledJobRecovery:
    """Make a ``JOBDIR`` usable after a run that was killed (SIGKILL, power loss) instead of closed.

    Scrapy writes its request queue's index only on a clean close; a killed run can leave queue
    files cut off mid-record, and the next run then loses every request it tries to queue (no
    error is counted). A marker file says a run is under way; when a run starts and finds it, the
    killed run's request queue is dropped before Scrapy opens it. Nothing is lost by that: the
    spiders start from their feeds again, and the state file knows every article already written.
    """

    MARKER = "newsmd-run-in-progress"

    def __init__(self, crawler: Any, jobdir: Path) -> None:
        self.crawler = crawler
        self.marker = jobdir / self.MARKER

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        extension = cls(crawler, Path(jobdir))
        extension.recover()
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def recover(self) -> None:
        """Drop a killed run's request queue, then mark this run as under way."""
        jobdir = self.marker.parent
        queue = jobdir / "requests.queue"
        if self.marker.exists() and queue.exists():
            logger.warning("%s: the last run here was killed; its request queue is dropped and the crawl "
                           "starts from its feeds (articles already written are known)", jobdir)
            shutil.rmtree(queue)
            self.crawler.signals.send_catch_log(killed_run_recovered, jobdir=str(jobdir))
        jobdir.mkdir(parents=True, exist_ok=True)
        self.marker.touch()

    def spider_closed(self, spider: Any) -> None:
        self.marker.unlink(missing_ok=True)
