"""``newsmd worker`` / ``scrapy crawl worker -s REDIS_URL=…``: fetch the articles discoverers put
in the shared queue (``crawler.crawling.shared_queue``), write and record them; leave once the queue has
been empty for ``WORKER_IDLE_SECONDS``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.crawling.shared_queue import SharedQueueScheduler, redis_url
from crawler.crawling.spiders.base import ArticleSpider
from crawler.declared_settings import setting


class WorkerSpider(ArticleSpider):
    """A worker: no requests of its own; its scheduler takes article requests from the shared queue,
    whose callbacks (``parse_article``, ``on_download_error``) every ``ArticleSpider`` has."""

    name = "worker"
    discovers = False
    custom_settings = {"SCHEDULER": "crawler.crawling.shared_queue.SharedQueueScheduler"}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorkerSpider:
        if not redis_url(crawler.settings):
            raise NotConfigured("a worker needs the shared queue: set REDIS_URL (redis://host:6379/0)")
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        self.open_state()
        return
        yield

    def on_idle(self) -> None:
        """Stay while the queue has had work within ``WORKER_IDLE_SECONDS``."""
        scheduler = getattr(getattr(self.crawler.engine, "_slot", None), "scheduler", None)
        idle_limit = setting(self.settings, "WORKER_IDLE_SECONDS")
        if isinstance(scheduler, SharedQueueScheduler) and scheduler.idle_for() < idle_limit:
            raise DontCloseSpider
