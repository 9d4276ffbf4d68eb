"""The shared queue of article requests in Redis (``REDIS_URL``), on scrapy-redis.

A discoverer (``newsmd crawl`` with ``REDIS_URL``) puts each article request it would fetch in the
queue instead (``SharedQueueMiddleware``); workers (``newsmd worker``, the ``worker`` spider) take
them with ``SharedQueueScheduler`` and fetch, write and record them, each with its own politeness.

Keys (prefix ``REDIS_KEY_PREFIX``, default ``newsmd``):

- ``<prefix>:requests``: hash, article URL -> the serialized request; an article is in the queue
  or in a worker's hands while it is here, so one queued twice in a run is queued once;
- ``<prefix>:queue``: list of article URLs waiting;
- ``<prefix>:working:<worker>``: list of the URLs a worker has taken and not finished;
- ``<prefix>:received``: hash, article URL -> the page a worker received for it and has not
  finished (``ReceivedPageMiddleware``): a worker killed while reading or writing the article
  leaves it there, and the worker that takes the article next reads it instead of fetching it again;
- ``<prefix>:alive:<worker>``: set while the worker lives (it expires ``WORKER_HEARTBEAT_SECONDS``
  after the worker's last heartbeat, sent every third of that). A dead worker's list goes back to
  the queue: nothing is lost.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat

from crawler.article import CrawlContext
from crawler.crawling.spiders.base import CONTEXT, ITEM
from crawler.crawling.state import crawl_state
from crawler.declared_settings import setting
from crawler.signals import article_done

logger = logging.getLogger(__name__)

_ENQUEUE = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[1])
    return 1
end
return 0
"""
_FINISH = """
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""


def redis_url(settings: Any) -> str:
    """``REDIS_URL``: the shared queue's server, ``""`` for none (one machine)."""
    return str(setting(settings, "REDIS_URL"))


class SharedQueue:
    """The queue's operations on one Redis server (``url``) under ``prefix``."""

    def __init__(self, url: str, prefix: str = "newsmd") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.requests_key, self.queue_key = f"{prefix}:requests", f"{prefix}:queue"
        self.received_key = f"{prefix}:received"
        self._enqueue = self.redis.register_script(_ENQUEUE)
        self._finish = self.redis.register_script(_FINISH)

    @classmethod
    def from_settings(cls, settings: Any) -> SharedQueue:
        return cls(redis_url(settings), setting(settings, "REDIS_KEY_PREFIX"))

    def put(self, url: str, payload: bytes) -> bool:
        """Queue the article at ``url``; ``False`` when it is already queued or being fetched."""
        return bool(self._enqueue(keys=[self.requests_key, self.queue_key], args=[url, payload]))

    def take(self, worker: str) -> tuple[str, bytes] | None:
        """The next article (its URL and request), moved to ``worker``'s list in the same step."""
        while True:
            raw = self.redis.lmove(self.queue_key, self.working_key(worker), "LEFT", "RIGHT")
            if raw is None:
                return None
            url = raw.decode() if isinstance(raw, bytes) else str(raw)
            payload = self.redis.hget(self.requests_key, url)
            if isinstance(payload, bytes):
                return url, payload
            self.redis.lrem(self.working_key(worker), 1, url)  # finished by a worker thought dead

    def finish(self, worker: str, url: str) -> None:
        """``worker`` is done with the article at ``url`` (written, refused or failed: recorded)."""
        self._finish(keys=[self.working_key(worker), self.requests_key, self.received_key], args=[url])

    def keep_received(self, url: str, page: bytes) -> None:
        """Keep the page received for the article at ``url`` until the article is finished (the
        first one kept stays: a later page of the same article is a fallback's)."""
        self.redis.hsetnx(self.received_key, url, page)

    def received(self, url: str) -> bytes | None:
        """The page a worker received for the article at ``url`` and did not finish, if any."""
        page = self.redis.hget(self.received_key, url)
        return page if isinstance(page, bytes) else None

    def working_key(self, worker: str) -> str:
        return f"{self.prefix}:working:{worker}"

    def alive_key(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def heartbeat(self, worker: str, lifetime: float) -> None:
        self.redis.set(self.alive_key(worker), b"1", px=max(1, int(lifetime * 1000)))

    def leave(self, worker: str) -> None:
        """A worker leaving: what it took and did not finish goes back to the queue, first."""
        self._requeue(self.working_key(worker))
        self.redis.delete(self.alive_key(worker))

    def recover(self) -> int:
        """Put the articles of workers that died back at the head of the queue; how many."""
        moved = 0
        for key in self.redis.scan_iter(match=self.working_key("*")):
            worker = key.decode().rsplit(":", 1)[-1]
            if not self.redis.exists(self.alive_key(worker)):
                moved += self._requeue(key.decode())
        return moved

    def _requeue(self, working_key: str) -> int:
        moved = 0
        while self.redis.lmove(working_key, self.queue_key, "RIGHT", "LEFT") is not None:
            moved += 1
        return moved

    def waiting(self) -> int:
        """Articles queued or in a worker's hands."""
        return int(self.redis.hlen(self.requests_key))


def new_worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def article_request(request: Any) -> bool:
    """Whether ``request`` fetches an article a feed listed (not a feed page, not a retry)."""
    return isinstance(request, Request) and request.meta.get(CONTEXT) is not None and bool(request.meta.get(ITEM))


class SharedQueueMiddleware:
    """Spider middleware of a discoverer: with ``REDIS_URL``, the article requests its spider yields
    go to the shared queue instead of this process's scheduler (counted as ``newsmd/queued``, or as
    ``newsmd/unchanged/queued_already`` when the queue holds them already). A spider that does not
    discover (a worker retrying an article at its fallback URL) keeps its requests."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.queue = SharedQueue.from_settings(crawler.settings) if redis_url(crawler.settings) else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedQueueMiddleware:
        middleware = cls(crawler)
        if middleware.queue is not None:
            moved = middleware.queue.recover()
            if moved:
                logger.info("%d article(s) of stopped workers put back in the shared queue", moved)
        return middleware

    async def process_spider_output(self, response: Any, result: AsyncIterator[Any],
                                    spider: Spider | None = None) -> AsyncIterator[Any]:
        queue = self.queue if getattr(self.crawler.spider, "discovers", False) else None
        async for element in result:
            if queue is None or not article_request(element):
                yield element
                continue
            self._put(queue, element)

    def _put(self, queue: SharedQueue, request: Request) -> None:
        payload = picklecompat.dumps(request.to_dict(spider=self.crawler.spider))
        stats = self.crawler.stats
        if queue.put(request.meta[ITEM], payload):
            stats.inc_value("newsmd/queued")
        else:
            stats.inc_value("newsmd/unchanged")
            stats.inc_value("newsmd/unchanged/queued_already")


class SharedQueueScheduler:
    """A worker's scheduler: its requests come from the shared queue; the requests its own spider
    makes (a retry, a fallback URL) stay in this process, first. It keeps the worker open while the
    queue has had work within ``WORKER_IDLE_SECONDS``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.queue = SharedQueue.from_settings(crawler.settings)
        self.worker = new_worker_name()
        self.local: list[Request] = []
        self.lifetime = setting(crawler.settings, "WORKER_HEARTBEAT_SECONDS")
        self.idle_limit = setting(crawler.settings, "WORKER_IDLE_SECONDS")
        self.beats: Any = None
        self.last_taken = time.monotonic()
        self.spider: Spider | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedQueueScheduler:
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.crawler.signals.connect(self.on_article_done, signal=article_done)
        self.crawler.signals.connect(self.on_idle, signal=signals.spider_idle)
        from twisted.internet import task

        self.queue.redis.ping()
        self.beats = task.LoopingCall(self._beat)  # beats on while every download slot waits on a slow site
        self.beats.start(self.lifetime / 3, now=True)

    def close(self, reason: str) -> None:
        if self.beats is not None and self.beats.running:
            self.beats.stop()
        self.queue.leave(self.worker)

    def has_pending_requests(self) -> bool:
        return bool(self.local)

    def enqueue_request(self, request: Request) -> bool:
        self.local.append(request)
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.pop(0)
        taken = self.queue.take(self.worker)
        if taken is None:
            return None
        self.last_taken = time.monotonic()
        url, payload = taken
        request = request_from_dict(picklecompat.loads(payload), spider=self.spider)
        request.meta[CONTEXT].taken = url
        self.crawler.stats.inc_value("newsmd/taken")
        return request

    def on_idle(self) -> None:
        """Stay while the queue holds articles or has had one within ``WORKER_IDLE_SECONDS``."""
        if self.queue.waiting() or time.monotonic() - self.last_taken < self.idle_limit:
            raise DontCloseSpider

    def on_article_done(self, context: CrawlContext) -> None:
        """The article of a request this worker took is done: its record committed to the state,
        then off the queue for good (killed in between, it is fetched again and found unchanged)."""
        if context.taken:
            crawl_state(self.crawler).commit()
            self.queue.finish(self.worker, context.taken)

    def _beat(self) -> None:
        try:
            self.queue.heartbeat(self.worker, self.lifetime)
            if self.queue.recover():
                logger.info("articles of a stopped worker put back in the shared queue")
        except Exception as error:  # redis.RedisError: the next beat tries again; the crawl goes on
            logger.error("the shared queue cannot be reached: %s [queue]", error)

    def __len__(self) -> int:
        return len(self.local)


class ReceivedPageMiddleware:
    """Downloader middleware of a worker (first in line, so it sees the page the spider gets: after
    redirects and decompression): the page of a request taken from the shared queue is kept in
    Redis until the article is finished, and a request whose article a killed worker had received
    is answered from there, not fetched again."""

    RECEIVED = "received"
    """The flag of a page answered from the queue."""

    def __init__(self, crawler: Any) -> None:
        if not redis_url(crawler.settings):
            raise NotConfigured("no shared queue")
        self.crawler = crawler
        self.queue = SharedQueue.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReceivedPageMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        taken = _taken(request)
        kept = self._unless_unreachable(self.queue.received, taken) if taken else None
        if kept is None:
            return None
        page = picklecompat.loads(kept)
        if page["request_url"] != request.url:
            return None
        self.crawler.stats.inc_value("newsmd/received_again")
        headers = Headers(page["headers"])
        response_class = responsetypes.from_args(headers=headers, url=page["url"], body=page["body"])
        return response_class(url=page["url"], status=page["status"], headers=headers, body=page["body"],
                              flags=[*page["flags"], self.RECEIVED], request=request)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        taken = _taken(request)
        if taken and self.RECEIVED not in response.flags:
            first_url = (request.meta.get("redirect_urls") or [request.url])[0]
            self._unless_unreachable(self.queue.keep_received, taken, picklecompat.dumps({
                "request_url": first_url, "url": response.url, "status": response.status, "flags": response.flags,
                "headers": {key: value for key, value in response.headers.items()}, "body": response.body}))
        return response

    @staticmethod
    def _unless_unreachable(operation: Any, *arguments: Any) -> Any:
        """``operation(*arguments)``; ``None`` when Redis cannot be reached: the page is fetched, or not
        kept, and the article goes on (the heartbeat reports the queue's outage)."""
        from redis.exceptions import RedisError

        try:
            return operation(*arguments)
        except RedisError as error:
            logger.warning("the shared queue cannot keep or give received pages: %s [queue]", error)
            return None


def _taken(request: Request) -> str:
    context = request.meta.get(CONTEXT)
    return context.taken if isinstance(context, CrawlContext) else ""
