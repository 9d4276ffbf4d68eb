"""``newsmd crawl`` (a discoverer) and ``newsmd worker``."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.cli.common import (
    EXIT_USAGE,
    crawl_settings,
    crawl_with_mirror,
    print_error,
    usage_error,
)
from crawler.declared_settings import setting


def crawl_spider(args: argparse.Namespace) -> tuple[Any, dict[str, Any]] | None:
    """The spider and its arguments the crawl options ask for, or ``None`` (after a message) if unclear."""
    from crawler.crawling.spiders.links import FeedSpider, SitemapSpider, parse_since
    from crawler.crawling.spiders.qq import QQSpider
    from crawler.crawling.spiders.qq_sitemap import SITEMAP_URL, QQSitemapSpider
    from crawler.extraction.sources.qq_feed import CHANNELS, is_known_channel
    from crawler.extraction.urls import given_http_url

    qq_sitemap = bool(args.source) and args.sitemap is not None
    chosen = [name for name, value in (("a source", args.source), ("--feed", args.feed),
                                       ("--sitemap", args.sitemap is not None and not qq_sitemap)) if value]
    if len(chosen) != 1:
        print_error("give one of: a source (qq, with --sitemap [URL] for its sitemap), --feed URL, --sitemap URL"
               + (f"; got {', '.join(chosen)}" if chosen else ""))
        return None
    if qq_sitemap:
        given = [option for option, value in (("--channels", args.channels), ("--pages", args.pages), ("--hot", args.hot))
                 if value]
        if given:
            print_error(f"{', '.join(given)} select channel feeds, not the sitemap: leave them out with --sitemap")
            return None
        args.sitemap = args.sitemap or SITEMAP_URL
    elif args.source:
        channels = args.channels or "news"
        unknown = [channel for channel in channels.split(",") if not is_known_channel(channel.strip())]
        if unknown or not channels.strip():
            print_error(f"unknown channel {', '.join(map(repr, unknown)) or repr(channels)}: choose from "
                   f"{', '.join(CHANNELS)}, or give a full channel id such as news_news_{CHANNELS[1]}")
            return None
        if args.since:
            print_error("--since works with --sitemap only")
            return None
        return QQSpider, {"channels": channels, "pages": args.pages or 1, "hot": "1" if args.hot else "0"}
    document = args.feed or args.sitemap
    if given_http_url(document) is None:
        print_error(f"{'--feed' if args.feed else '--sitemap'} needs an http(s) URL, not {document!r}")
        return None
    try:
        parse_since(args.since or "")
    except ValueError as error:
        print_error(str(error))
        return None
    channel_options = [option for option, value in (("--channels", args.channels), ("--pages", args.pages),
                                                     ("--hot", args.hot)) if value]
    if channel_options:
        print_error(f"{', '.join(channel_options)} select Tencent channel feeds: they do nothing with "
               f"{'--feed' if args.feed else '--sitemap'}")
        return None
    if args.feed:
        if args.since:
            print_error("--since works with --sitemap only (a feed lists its own recent entries)")
            return None
        return FeedSpider, {"url": args.feed}
    return QQSitemapSpider if qq_sitemap else SitemapSpider, {"url": args.sitemap, "since": args.since or ""}


def crawl_command(args: argparse.Namespace) -> int:
    spider = crawl_spider(args)
    if spider is None:
        return EXIT_USAGE
    spider_class, spider_args = spider
    settings = crawl_settings(args)
    if args.force:
        settings.set("FORCE_REWRITE", True, priority="cmdline")
    if args.retry_failed:
        settings.set("RETRY_FAILED", True, priority="cmdline")
    if args.resume:
        settings.set("JOBDIR", args.resume, priority="cmdline")
    return crawl_with_mirror(args, spider_class, settings, **spider_args)


def worker_command(args: argparse.Namespace) -> int:
    from crawler.crawling.spiders.worker import WorkerSpider

    settings = crawl_settings(args)
    if not setting(settings, "REDIS_URL"):
        usage_error("newsmd worker takes its articles from the shared queue: give --redis URL (or REDIS_URL)")
    if args.idle is not None:
        settings.set("WORKER_IDLE_SECONDS", args.idle, priority="cmdline")
    return crawl_with_mirror(args, WorkerSpider, settings)
