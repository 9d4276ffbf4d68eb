"""``scrapy crawl`` with an exit status cron can alert on: 1 when any article failed (or the state
file is damaged), 75 when another run holds the output or job folder, 130/143 when a signal stopped it."""

from __future__ import annotations

import argparse
import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler.config import ConfigError, apply_config, check_settings
from crawler.crawling.interrupt import SignalRecorder
from crawler.crawling.run_lock import EXIT_LOCKED, RunLocked, exclusive_run
from crawler.crawling.run_summary import crawl_summary, run_failed
from crawler.crawling.state import StateFileError, UnusablePath
from crawler.printable import printable_log_records

logger = logging.getLogger("newsmd")


def _refused(line: str) -> None:
    """A crawl refused before it starts: the line on stderr, and in the log (Scrapyd's job log is the
    log file, where a job refused as locked would otherwise look like one that ran and finished)."""
    print(f"newsmd: error: {line}", file=sys.stderr)
    if logging.getLogger().handlers:
        logger.error(line)


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl``; the exit status is non-zero when the crawl counted a failure."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process and self.settings is not None
        printable_log_records()
        try:
            effective = self.settings.copy()
            apply_config(effective)  # newsmd.toml may move the output folder, and with it the state file
            check_settings(effective)
            discovers = getattr(self.crawler_process.spider_loader.load(args[0]), "discovers", True)
            with exclusive_run(effective, source=args[0] if discovers else None):
                crawler: Crawler = self._create_crawler(args[0])
                self.crawler_process.crawl(crawler, **opts.spargs)
                signals = SignalRecorder(self.crawler_process)
                self.crawler_process.start()
        except UnusablePath as error:
            _refused(str(error))
            self.exitcode = 2
            return
        except (RunLocked, StateFileError, ConfigError) as error:
            reason = {RunLocked: "locked", StateFileError: "state_file"}.get(type(error), "config")
            _refused(f"{error} [{reason}]")
            self.exitcode = {RunLocked: EXIT_LOCKED, ConfigError: 2}.get(type(error), 1)
            return
        failed = run_failed(crawl_summary(crawler.stats)[0]) if crawler.stats else False
        if signals.exit_status is not None:
            print(f"newsmd: the crawl was{signals.summary_note().removeprefix(' /')}; "
                  "the files written so far are complete", file=sys.stderr)
            self.exitcode = signals.exit_status
        elif self.crawler_process.bootstrap_failed or failed:
            self.exitcode = 1
