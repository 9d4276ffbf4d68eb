"""``newsmd get``: article URLs fetched and written."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.cli.common import (
    HANDFUL,
    PRINTED_ARTICLES,
    crawl_settings,
    log_to_stderr,
    report,
    run_locked,
    run_locked_crawl,
    usage_error,
)


def get_plain(urls: list[str], settings: Any) -> dict[str, int]:
    """``newsmd get`` without Scrapy (``crawler.crawling.plain_get``); the same lines and counts as a crawl."""
    from crawler.crawling.plain_get import PlainRun, get_pages
    from crawler.crawling.run_summary import crawl_summary

    log_to_stderr(settings)
    run = PlainRun(settings)
    report(run.signals)
    get_pages(urls, run)
    counts, line = crawl_summary(run.stats)
    print(line, file=sys.stderr)
    return counts


def get_command(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from crawler.extraction.urls import given_http_url

    urls = list(dict.fromkeys(args.urls))
    not_urls = [url for url in urls if given_http_url(url) is None]
    if not_urls:
        usage_error(f"{not_urls[0]}: not an absolute http(s) URL [bad_url]")
    if args.output != "-":
        return get_into(args, urls)
    if args.images == "download":
        usage_error("-o - prints the articles: downloaded images need a folder (-o DIR)")
    PRINTED_ARTICLES.append(True)
    args.output = tempfile.mkdtemp(prefix="newsmd-get-")  # written there as ever, printed, then gone
    try:
        return get_into(args, urls)
    finally:
        shutil.rmtree(args.output, ignore_errors=True)


def get_into(args: argparse.Namespace, urls: list[str]) -> int:
    plain = crawl_settings(args, crawls=False)
    if len(urls) <= HANDFUL and plain.get("IMAGES") != "download" and not plain.getbool("GET_WITH_SCRAPY"):
        return run_locked(plain, args.wait, lambda: get_plain(urls, plain), len(urls))
    from crawler.crawling.spiders.url import UrlSpider

    settings = crawl_settings(args)
    if len(urls) <= HANDFUL and not any(item.startswith("AUTOTHROTTLE_START_DELAY=") for item in args.set):
        settings.set("AUTOTHROTTLE_START_DELAY", 0, priority="cmdline")  # a few pages: no reason to wait first
        if not any(item.startswith("EXTRACT_PROCESSES=") for item in args.set):
            settings.set("EXTRACT_PROCESSES", 0, priority="cmdline")  # starting a worker costs more than a few pages
    return run_locked_crawl(UrlSpider, settings, args.wait, urls=urls)
