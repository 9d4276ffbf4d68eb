"""``newsmd get`` of a handful of URLs without starting Scrapy.

Pages are fetched by ``PlainFetcher`` (the crawl's downloader rules), read by the crawl's
``read_article`` and written by the crawl's own ``MarkdownWriterPipeline``, which is given a
``PlainRun`` in place of a Scrapy crawler: the same files, counts, report lines and exit status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawler.crawling.fetch import FetchedPage, FetchFailed, FetchOptions, PlainFetcher
from crawler.crawling.run_summary import RunStats, read_article, report_failure
from crawler.errors import ExtractionError
from crawler.extraction.sources import parser_for
from pipelines.markdown_writer import MarkdownWriterPipeline

logger = logging.getLogger("crawler.get")


class PlainSignals:
    """Scrapy's signal manager as far as newsmd's pipeline and reports use it."""

    def __init__(self) -> None:
        self.handlers: dict[object, list[Callable[..., Any]]] = {}

    def connect(self, receiver: Callable[..., Any], signal: object, **options: Any) -> None:
        self.handlers.setdefault(signal, []).append(receiver)

    def send_catch_log(self, signal: object, **kwargs: Any) -> None:
        for receiver in self.handlers.get(signal, []):
            receiver(**kwargs)


@dataclass
class PlainRun:
    """What the crawl's pipeline reads of a Scrapy crawler (settings, stats, signals), for a run without one."""

    settings: Any
    stats: RunStats = field(default_factory=RunStats)
    signals: PlainSignals = field(default_factory=PlainSignals)


def get_pages(urls: list[str], run: PlainRun, fetcher: PlainFetcher | None = None) -> None:
    """Fetch, read and write each URL in turn; every failure is reported and the next URL goes on."""
    fetcher = fetcher or PlainFetcher(FetchOptions.from_settings(run.settings))
    writer = MarkdownWriterPipeline(run)
    writer.open_spider()
    try:
        for url in urls:
            run.stats.inc_value("newsmd/discovered")
            try:
                parser_for(url)
                page: FetchedPage = fetcher.fetch(url)
                article = read_article(page.url, page.body, page.headers, run.settings, run.stats, logger)
            except ExtractionError as error:
                report_failure(run, logger, error.url, error.reason, error.detail)
            except FetchFailed as error:
                report_failure(run, logger, url, error.reason, error.detail)
            else:
                writer.write(article)
    finally:
        writer.close_spider()
        fetcher.close()
