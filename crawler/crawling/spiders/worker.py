"""``newsmd worker`` / ``scrapy crawl worker -s REDIS_URL=…``: fetch the articles discoverers put
in the shared queue (``crawler.crawling.shared_queue``), write and record them; the queue's
scheduler lets it leave once the queue has been empty for ``WORKER_IDLE_SECONDS``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured

from crawler.crawling.shared_queue import redis_url
from crawler.crawling.spiders.base import ArticleSpider


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
        return super().from_crawler(crawler, *args, **kwargs)

    async def start(self) -> AsyncIterator[Request]:
        self.open_state()
        return
        yield
