"""``scrapy crawl qq -a channels=finance,tech [-a pages=N] [-a hot=1] [-a force=1]``.

Discovers articles from Tencent's channel feeds (and optionally the hot list), follows each to its
article page and writes it through the pipelines. Incremental: an article whose feed version is
already in the state file is not fetched again; ``force`` fetches and rewrites everything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.article import CrawlContext
from crawler.crawling.middlewares import requested_url
from crawler.crawling.spiders.base import (
    CONTEXT,
    DOCUMENT,
    FALLBACK_URL,
    ITEM,
    ITEM_VERSION,
    ArticleSpider,
    flag,
)
from crawler.declared_settings import setting
from crawler.extraction.sources import qq_feed
from crawler.extraction.sources.qq import SOURCE


class QQSpider(ArticleSpider):
    """Tencent News: channel feeds (``web_feed/getPCList``) and the hot list, incremental."""

    name = "qq"

    def __init__(self, channels: str = "news", pages: str | int = 1, hot: str = "0", force: str = "0",
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channels = [channel.strip() for channel in str(channels).split(",") if channel.strip()]
        self.pages = max(1, int(pages))
        self.hot = flag(hot)
        self.force = flag(force)
        self.scheduled: set[str] = set()
        self.device_id = qq_feed.new_device_id()
        self.seen_in_channel: dict[str, set[str]] = {}
        self.stale_pages: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> QQSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.force = spider.force or setting(crawler.settings, "FORCE_REWRITE")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        self.open_state()
        feed_url = self.settings.get("QQ_FEED_URL", qq_feed.FEED_URL)
        for channel in self.channels:
            yield self._feed_request(feed_url, channel, 1)
        if self.hot:
            yield Request(self.settings.get("QQ_HOT_URL", qq_feed.HOT_URL), callback=self.parse_hot,
                          errback=self.on_download_error, meta={DOCUMENT: True}, dont_filter=True)

    def _feed_request(self, feed_url: str, channel: str, page: int) -> Request:
        return Request(
            feed_url, method="POST", body=qq_feed.feed_request_body(channel, page, self.device_id),
            headers=qq_feed.feed_headers(channel), callback=self.parse_feed, errback=self.on_download_error,
            cb_kwargs={"channel": channel, "page": page}, meta={DOCUMENT: True}, dont_filter=True,
        )

    def parse_feed(self, response: Response, channel: str, page: int) -> Iterator[Request]:
        """Feed page ``page`` (from 1) of ``channel``: schedule its articles, then ask for the next
        page, unless the feed has ended or several pages in a row brought nothing new."""
        stats = self.crawler.stats
        try:
            entries = qq_feed.parse_channel_feed(response.body)
        except qq_feed.FeedError as error:
            yield from self.retry_document(response, "bad_feed", f"channel {channel} page {page}: {error}")
            return
        if not entries:
            stats.inc_value("newsmd/feed/empty_page")
            if page == 1:
                self.warn(response.url, "empty_channel", f"channel {channel}: its first feed page is empty "
                          "(is the channel name right?)")
            else:
                self.logger.info("channel %s: the feed ends at page %d", channel, page - 1)
            return
        seen = self.seen_in_channel.setdefault(channel, set())
        new_ids = {entry.article_id for entry in entries} - seen
        seen |= new_ids
        self.stale_pages[channel] = 0 if new_ids else self.stale_pages.get(channel, 0) + 1
        if not new_ids:
            stats.inc_value("newsmd/feed/repeated_page")
        yield from self._follow(entries)
        if page >= self.pages:
            return
        stale_limit = setting(self.settings, "QQ_FEED_STALE_PAGES")
        if self.stale_pages[channel] >= stale_limit:
            stats.inc_value("newsmd/feed/stopped_early")
            self.warn(response.url, "stopped_early", f"channel {channel}: stopped at page {page} of {self.pages}: "
                      f"its last {stale_limit} pages brought no article not seen before")
            return
        feed_url = requested_url(response.request) if response.request else response.url  # not the mirror's address
        yield self._feed_request(feed_url, channel, page + 1)

    def parse_hot(self, response: Response) -> Iterator[Request]:
        """The hot list: schedule its new articles."""
        try:
            entries = qq_feed.parse_hot_list(response.body)
        except qq_feed.FeedError as error:
            yield from self.retry_document(response, "bad_feed", f"hot list: {error}")
            return
        yield from self._follow(entries)

    def _follow(self, entries: list[qq_feed.FeedEntry]) -> Iterator[Request]:
        state = self.open_state()
        template = self.settings.get("QQ_ARTICLE_URL", qq_feed.ARTICLE_URL)
        for entry in entries:
            if entry.article_id in self.scheduled:
                continue
            self.scheduled.add(entry.article_id)
            if entry.kind != "article":
                self.count("skipped", entry.kind)
                continue
            self.crawler.stats.inc_value("newsmd/discovered")
            known = state.get(SOURCE, entry.article_id)
            if known and entry.unchanged_since(known.feed_version) and not self.force and known.file_intact():
                self.count("unchanged", "not_fetched")
                if entry.update_time and known.feed_version != entry.version:
                    state.record(SOURCE, entry.article_id, entry.version, known.content_hash, known.path)
                continue
            url = template.format(entry.article_id)
            if self.known_failure(url, entry.version) or not self.reserve_fetch():
                continue
            yield Request(
                url, callback=self.parse_article, errback=self.on_download_error,
                meta={ITEM: url, ITEM_VERSION: entry.version, FALLBACK_URL: qq_feed.FALLBACK_ARTICLE_URL.format(entry.article_id),
                      CONTEXT: CrawlContext(item=url, feed_version=entry.version, recorded=known.path if known else "")},
                dont_filter=True,  # a request lost in flight at a kill is in JOBDIR's seen set
            )
