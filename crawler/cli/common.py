"""What every command shares: its settings, its one-line errors, the run lock, the report of a run."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from crawler.declared_settings import setting
from crawler.printable import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
INTERRUPTED = "interrupted"
"""In a crawl's counts: the exit status of a crawl a signal stopped (130 for SIGINT, 143 for SIGTERM)."""
EXIT_BROKEN_PIPE = 141
"""The reader of the output went away (`newsmd parse DIR | head -1`): 128 + SIGPIPE, as a shell reports it."""
HANDFUL = 10
"""Up to this many URLs, ``newsmd get`` starts without AutoThrottle's initial delay (crawls keep it)."""
LOG_PROGRESS_INTERVAL = 300
"""Seconds between progress lines when stderr is not a terminal (cron, systemd, a log file)."""


def command_settings(args: argparse.Namespace, crawls: bool = True) -> Any:
    """Project settings, then ``newsmd.toml`` (``--config``), then ``-s`` overrides; Scrapy's
    own settings object for a command that crawls, else the same values read without Scrapy."""
    from crawler.config import (
        ConfigError,
        apply_config,
        check_settings,
        unknown_setting,
    )

    settings: Any
    if crawls:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        from scrapy.utils.project import get_project_settings

        settings = get_project_settings()
    else:
        from crawler import settings as project_settings
        from crawler.plain_settings import PlainSettings

        settings = PlainSettings(project_settings)
    for override in args.set:
        name, separator, value = override.partition("=")
        if not separator or not name.strip():
            usage_error(f"-s expects NAME=VALUE, got {override!r}")
        problem = unknown_setting(name.strip())
        if problem:
            usage_error(problem)
        settings.set(name.strip(), value, priority="cmdline")
    if args.config:
        settings.set("NEWSMD_CONFIG", args.config, priority="cmdline")
    if getattr(args, "layout", None):
        settings.set("LAYOUT", args.layout, priority="cmdline")
    if getattr(args, "images", None):
        settings.set("IMAGES", args.images, priority="cmdline")
    if getattr(args, "undated", None):
        settings.set("UNDATED_ARTICLES", args.undated, priority="cmdline")
    if getattr(args, "format", None):
        settings.set("OUTPUT_FORMAT", args.format, priority="cmdline")
    if getattr(args, "redis", None):  # the shared queue and state of several machines
        settings.set("REDIS_URL", args.redis, priority="cmdline")
    if getattr(args, "state", None):
        settings.set("STATE_URL", args.state, priority="cmdline")
    if getattr(args, "allow_host", None):
        configured = setting(settings, "FOLLOW_LINK_HOSTS") or []
        configured = configured.split(",") if isinstance(configured, str) else list(configured)
        settings.set("FOLLOW_LINK_HOSTS", [*configured, *args.allow_host], priority="cmdline")
    try:
        apply_config(settings)
        check_settings(settings)
    except ConfigError as error:
        usage_error(str(error))
    return settings


def usage_error(message: str) -> NoReturn:
    """One line on stderr, exit status 2: bad usage stops the command before it does anything."""
    print_error(message)
    raise SystemExit(EXIT_USAGE)


def print_warning(message: str) -> None:
    print(f"newsmd: warning: {printable(message)}", file=sys.stderr, flush=True)


def print_error(message: str) -> None:
    print(f"newsmd: error: {printable(message)}", file=sys.stderr)


def warn_about_time_zone(settings: Any, output: str | Path) -> None:
    """One line when ``output`` is in a Hugo site whose time zone would misread the articles' dates."""
    from crawler.output.hugo_site import time_zone_warning

    warning = None if setting(settings, "DATE_FORMAT") == "offset" else time_zone_warning(output, setting(settings, "TIME_ZONE"))
    if warning:
        print(f"newsmd: warning: {warning} [time_zone]", file=sys.stderr, flush=True)


def usable_output(output: str | Path, settings: Any) -> None:
    """Make the output folder (or check the store's bucket), or stop with one line and exit status 2
    (bad usage, for every command)."""
    from crawler.output.output_store import S3Store, StoreError, configure, is_store_url

    if is_store_url(output):
        configure(settings)
        try:
            S3Store(str(output)).check()
        except StoreError as error:
            usage_error(str(error))
        return
    try:
        Path(output).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        usage_error(f"cannot use {output} as the output folder: {error.strerror or error}")


def crawl_settings(args: argparse.Namespace, crawls: bool = True) -> Any:
    """Settings for a command that fetches: ``-s`` overrides, the output root, a quiet log unless
    ``-v``; Scrapy's settings object, or with ``crawls`` off the same values read without Scrapy."""
    settings = command_settings(args, crawls)
    if args.output is not None:
        settings.set("OUTPUT_DIR", args.output, priority="cmdline")
    usable_output(setting(settings, "OUTPUT_DIR"), settings)
    if not any(item.startswith("LOG_LEVEL=") for item in args.set):
        # Quiet: Scrapy's own log shows nothing; its errors come as one line each (OneLineErrors).
        settings.set("LOG_LEVEL", "INFO" if args.verbose else "CRITICAL", priority="cmdline")
    if not sys.stderr.isatty() and not any(item.startswith("PROGRESS_INTERVAL=") for item in args.set):
        settings.set("PROGRESS_INTERVAL", LOG_PROGRESS_INTERVAL, priority="cmdline")  # a log file, not a person
    return settings


def run_locked(settings: Any, wait: bool, run: Callable[[], dict[str, int]], urls: int = 0,
                source: str | None = None) -> int:
    """Run ``run`` (a crawl, returning its counts) under the run lock, after checking its state file;
    return the exit status. With ``urls`` (the pages asked for), fewer handled is a failure."""
    from crawler.crawling.run_lock import EXIT_LOCKED, RunLocked, exclusive_run
    from crawler.crawling.run_summary import run_failed
    from crawler.crawling.state import StateFileError, UnusablePath

    warn_about_time_zone(settings, setting(settings, "OUTPUT_DIR"))
    try:
        with exclusive_run(settings, wait=wait, source=source):
            counts = run()
    except RunLocked as error:
        print_error(f"{error} [locked]")
        return EXIT_LOCKED
    except UnusablePath as error:
        print_error(str(error))
        return EXIT_USAGE
    except StateFileError as error:
        print_error(f"{error} [state_file]")
        return EXIT_FAILED
    if counts.get(INTERRUPTED):
        return counts[INTERRUPTED]
    if counts["written"] + counts["updated"] + counts["unchanged"] < urls:
        return EXIT_FAILED
    return EXIT_FAILED if run_failed(counts) else EXIT_OK


def run_locked_crawl(spider_class: Any, settings: Any, wait: bool, **spider_args: Any) -> int:
    """Run the spider under its run lock (``run_locked``); return the exit status."""
    urls = len(spider_args["urls"]) if spider_class.name == "url" else 0
    source = spider_class.name if spider_class.discovers else None
    return run_locked(settings, wait, lambda: run_crawl(spider_class, settings, **spider_args), urls, source)


class OneLineErrors(logging.Handler):
    """Without ``-v``: an error Scrapy logs is one line, no traceback. A failed page is already
    reported by newsmd in its own line, so Scrapy's lines about the same fault are left out: the
    retries given up, robots.txt that could not be fetched, images (reported as ``image_failed``)."""

    REPORTED_ELSEWHERE = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                          "scrapy.pipelines.media", "scrapy.pipelines.files")

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(self.REPORTED_ELSEWHERE):
            return
        message = record.getMessage().strip()
        first_line = message.splitlines()[0] if message else record.name
        print(f"newsmd: error: {printable(first_line)} (newsmd -v shows more)", file=sys.stderr, flush=True)


def report(signals: Any) -> None:
    """Connect the lines a run prints (each file written, each failure and warning) to its signals."""
    from crawler import signals as newsmd

    def on_written(article: Any, result: Any) -> None:
        if PRINTED_ARTICLES:  # get -o -: the article itself, as parse prints it
            sys.stdout.write(result.path.read_text(encoding="utf-8"))
            sys.stdout.flush()
            return
        print(f"{result.outcome} {result.shown}", flush=True)

    def on_failed(url: str, reason: str, detail: str) -> None:
        print_error(f"{url}: {detail} [{reason}]")

    def on_image_failed(url: str, image_url: str, detail: str) -> None:
        print_warning(f"{url}: {detail} [image_failed]")

    def on_warning(url: str, reason: str, detail: str) -> None:
        print_warning(f"{url}: {detail} [{reason}]")

    def on_progress(line: str) -> None:
        print(f"progress: {line}", file=sys.stderr, flush=True)

    def on_killed_run(jobdir: str) -> None:
        print(f"newsmd: warning: {jobdir}: the last run here was killed; starting again from the feeds "
              "(articles already written are known) [killed_run]", file=sys.stderr, flush=True)

    for handler, signal in ((on_progress, newsmd.crawl_progress), (on_killed_run, newsmd.killed_run_recovered),
                            (on_image_failed, newsmd.image_failed), (on_warning, newsmd.crawl_warning),
                            (on_written, newsmd.article_written), (on_failed, newsmd.article_failed)):
        signals.connect(handler, signal=signal, weak=False)  # Scrapy holds receivers weakly by default


def one_line_errors(settings: Any) -> bool:
    """Without ``-v`` (``LOG_LEVEL`` CRITICAL): errors only, one line each (``OneLineErrors``); whether so."""
    quiet = settings.get("LOG_LEVEL") == "CRITICAL"
    if quiet:
        logging.getLogger().addHandler(OneLineErrors())
    return quiet


def log_to_stderr(settings: Any) -> None:
    """A run without Scrapy (which logs for itself): ``one_line_errors``, else the log at its level."""
    if not one_line_errors(settings):
        logging.basicConfig(level=settings.get("LOG_LEVEL"), stream=sys.stderr,
                            format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")


def run_crawl(spider_class: Any, settings: Any, **spider_args: Any) -> dict[str, int]:
    """Run one spider to the end, printing each file written and each failure; return counts."""
    from scrapy.crawler import CrawlerProcess

    from crawler.crawling.interrupt import SignalRecorder
    from crawler.crawling.run_summary import crawl_summary

    one_line_errors(settings)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class)
    report(crawler.signals)
    process.crawl(crawler, **spider_args)
    signals = SignalRecorder(process)
    process.start()
    counts, line = crawl_summary(crawler.stats)
    print(line + signals.summary_note(), file=sys.stderr)
    if signals.exit_status is not None:
        counts[INTERRUPTED] = signals.exit_status
    return counts


PRINTED_ARTICLES: list[bool] = []
"""Set by ``get -o -``: each article written is printed (the Markdown) instead of its path."""


def crawl_with_mirror(args: argparse.Namespace, spider_class: Any, settings: Any, **spider_args: Any) -> int:
    """Run the spider under its run lock; with ``--mirror DIR``, against a local server of the snapshot."""
    from crawler.crawling.mirror import MirrorServer

    if args.mirror is None:
        return run_locked_crawl(spider_class, settings, args.wait, **spider_args)
    if not Path(args.mirror).is_dir():
        print_error(f"no snapshot folder {args.mirror}")
        return EXIT_USAGE
    with MirrorServer(args.mirror) as mirror:
        settings.set("MIRROR", mirror.mirror_setting(), priority="cmdline")
        return run_locked_crawl(spider_class, settings, args.wait, **spider_args)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return number
