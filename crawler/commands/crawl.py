"""``scrapy crawl`` with an exit status cron can alert on: 1 when any article failed."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler.spiders.base import crawl_summary


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl``; the exit status is non-zero when the crawl counted a failure."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler: Crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        failed = crawl_summary(crawler.stats)[0]["failed"] if crawler.stats else 0
        if self.crawler_process.bootstrap_failed or failed:
            self.exitcode = 1
