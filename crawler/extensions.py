"""Crawl extensions: a progress line every few seconds on long runs."""

from __future__ import annotations

import logging
import time
from typing import Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.signals import crawl_progress
from crawler.spiders.base import crawl_summary

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
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL", 5.0)
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
