"""Spiders that find article links in documents: ``feed`` (RSS, Atom, JSON Feed) and ``sitemap``.

``scrapy crawl feed -a url=FEED_URL`` and ``scrapy crawl sitemap -a url=SITEMAP_URL [-a since=DATE]``.
Incremental like the Tencent crawl: a link whose update stamp is the one last written is not
fetched again (a link without a stamp only once); ``force`` fetches everything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.article import CrawlContext
from crawler.crawling.address_guard import PAGE_MADE
from crawler.crawling.link_scope import LinkScope
from crawler.crawling.links import Link, LinkDocumentError, parse_feed, parse_sitemap
from crawler.crawling.middlewares import requested_url
from crawler.crawling.spiders.base import (
    CONTEXT,
    DOCUMENT,
    ITEM,
    ITEM_VERSION,
    ArticleSpider,
    flag,
)
from crawler.declared_settings import setting
from crawler.errors import ExtractionError
from crawler.extraction.dates import UTC, parse_page_time
from crawler.extraction.sources import parser_for

MAX_SITEMAP_DEPTH = 3


def parse_since(value: str) -> datetime | None:
    """The ``since`` argument: an ISO date or time (UTC when it has no zone), or ``None`` when empty."""
    if not str(value).strip():
        return None
    since = parse_page_time(str(value), UTC)
    if since is None:
        raise ValueError(f"since must be an ISO date such as 2026-11-01, not {value!r}")
    return since


class LinkSpider(ArticleSpider):
    """Base of document-driven spiders: fetch ``url``, follow the article links it lists."""

    def __init__(self, url: str = "", force: str = "0", since: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document_urls = [part.strip() for part in str(url).split(",") if part.strip()]
        if not self.document_urls:
            raise ValueError(f"no URL given: use -a url=URL[,URL...] for the {self.name} spider")
        self.force = flag(force)
        self.since = parse_since(since)
        self.scheduled: set[str] = set()
        self.scheduled_sitemaps: set[str] = set()
        self.scope = LinkScope()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> LinkSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.force = spider.force or setting(crawler.settings, "FORCE_REWRITE")
        spider.scope = LinkScope.from_setting(setting(crawler.settings, "FOLLOW_LINK_HOSTS"))
        return spider

    async def start(self) -> AsyncIterator[Request]:
        self.open_state()
        for url in self.document_urls:
            yield self.document_request(url)

    def document_request(self, url: str, depth: int = 0) -> Request:
        return Request(url, callback=self.parse_document, errback=self.on_download_error,
                       cb_kwargs={"depth": depth}, meta={DOCUMENT: True}, dont_filter=True)

    def parse_document(self, response: Response, depth: int = 0) -> Iterator[Request]:
        """Read the feed or sitemap; a broken one is reported and counted."""
        try:
            yield from self.read_document(response, depth)
        except LinkDocumentError as error:
            yield from self.retry_document(response, error.reason, error.detail)

    def read_document(self, response: Response, depth: int) -> Iterator[Request]:
        raise NotImplementedError

    def in_scope(self, link: Link, response: Response) -> bool:
        """Whether the document at ``response`` may send the crawl to ``link``; a refusal is counted and reported."""
        refusal = self.scope.refusal(link.url, requested_url(response.request) if response.request else response.url)
        if refusal is not None:
            self.refuse(link.url, *refusal)
        return refusal is None

    def refuse(self, url: str, reason: str, detail: str) -> None:
        """A link (or links) not followed: counted as skipped and reported in one warning line."""
        self.count("skipped", reason)
        self.warn(url, reason, detail)

    def capped(self, links: list[Link], response: Response) -> list[Link]:
        """The document's first ``MAX_LINKS_PER_DOCUMENT`` links; a longer one is reported."""
        limit = self.link_limit()
        if len(links) <= limit:
            return links
        self.refuse(response.url, "too_many_links", f"lists more than {limit} links; the first {limit} are followed "
                    "(MAX_LINKS_PER_DOCUMENT)")
        return links[:limit]

    def link_limit(self) -> int:
        return setting(self.settings, "MAX_LINKS_PER_DOCUMENT")

    def too_old(self, link: Link) -> bool:
        modified = link.modified()
        return self.since is not None and modified is not None and modified < self.since

    def follow(self, links: list[Link], response: Response) -> Iterator[Request]:
        """Schedule the article links not written before (or updated since), within the run's cap."""
        state = self.open_state()
        for link in links:
            if link.url in self.scheduled:
                continue
            self.scheduled.add(link.url)
            self.crawler.stats.inc_value("newsmd/discovered")
            if not self.in_scope(link, response):
                continue
            if self.too_old(link):
                self.count("skipped", "before_since")
                continue
            known = state.link(link.url)
            if (known is not None and (known.version == link.version or not link.version) and not self.force
                    and known.file_intact()) or (known is None and not self.force and self.written_before(link)):
                self.count("unchanged", "not_fetched")
                continue
            if self.known_failure(link.url, link.version):
                continue
            meta = {ITEM: link.url, ITEM_VERSION: link.version, PAGE_MADE: response.url, CONTEXT: self.context_for(link)}
            try:
                parser_for(link.url)
            except ExtractionError as error:
                self.report_failure(link.url, error.reason, error.detail, meta=meta)
                continue
            if not self.reserve_fetch():
                continue
            yield Request(link.url, callback=self.parse_article, errback=self.on_download_error, meta=meta,
                          dont_filter=True)

    def written_before(self, link: Link) -> bool:
        """Whether a link this spider never recorded is an article another crawl wrote (and its file
        is intact): none here; a source's own spider knows its articles by ID."""
        return False

    def context_for(self, link: Link) -> CrawlContext:
        """What the state pipeline records once the article at ``link`` is written: the link and its stamp."""
        return CrawlContext(item=link.url, link_url=link.url, link_version=link.version)


class FeedSpider(LinkSpider):
    """``scrapy crawl feed -a url=FEED_URL``: the articles of an RSS 2.0, Atom or JSON Feed."""

    name = "feed"

    def read_document(self, response: Response, depth: int) -> Iterator[Request]:
        yield from self.follow(self.capped(parse_feed(response.body, response.url, self.link_limit()), response), response)


class SitemapSpider(LinkSpider):
    """``scrapy crawl sitemap -a url=SITEMAP_URL [-a since=DATE]``: sitemap indexes, urlsets, news sitemaps.

    ``since`` skips pages, and child sitemaps, whose ``lastmod`` is older.
    """

    name = "sitemap"

    def read_document(self, response: Response, depth: int) -> Iterator[Request]:
        sitemap = parse_sitemap(response.body, response.url, self.link_limit())
        for child in self.capped(sitemap.sitemaps, response):
            if self.too_old(child) or child.url in self.scheduled:
                continue
            self.scheduled.add(child.url)
            if not self.in_scope(child, response):
                continue
            if len(self.scheduled_sitemaps) >= setting(self.settings, "MAX_CHILD_SITEMAPS"):
                self.refuse(child.url, "too_many_sitemaps", "not followed: this run has followed "
                            f"{len(self.scheduled_sitemaps)} child sitemaps (MAX_CHILD_SITEMAPS)")
                continue
            self.scheduled_sitemaps.add(child.url)
            if depth + 1 > MAX_SITEMAP_DEPTH:
                self.report_failure(child.url, "sitemap_too_deep", f"sitemap indexes nested over {MAX_SITEMAP_DEPTH} deep",
                                    document=True)
                continue
            yield self.document_request(child.url, depth + 1)
        yield from self.follow(self.capped(sitemap.pages, response), response)
