"""``scrapy crawl url -a urls=URL[,URL...]``: fetch the given article URLs and write them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request

from crawler.crawling.spiders.base import ArticleSpider
from crawler.errors import ExtractionError
from crawler.extraction.sources import parser_for


class UrlSpider(ArticleSpider):
    """Fetch each URL in ``urls`` (comma-separated) and write it through the pipelines."""

    name = "url"
    discovers = False

    def __init__(self, urls: str | list[str] = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = urls.split(",") if isinstance(urls, str) else list(urls)
        self.urls = [url.strip() for url in given if url.strip()]
        if not self.urls:
            raise ValueError("no URL given: use -a urls=URL[,URL...]")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            self.crawler.stats.inc_value("newsmd/discovered")
            try:
                parser_for(url)
            except ExtractionError as error:
                self.report_failure(url, error.reason, error.detail)
                continue
            yield Request(url, callback=self.parse_article, errback=self.on_download_error)
