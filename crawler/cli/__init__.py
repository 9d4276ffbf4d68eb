"""The ``newsmd`` command.

``newsmd parse PAGE.html --url URL [-o DIR]``
    Turn a saved page into Markdown: print it, or write ``DIR/<source>/<ID>.md``.
``newsmd get URL [URL ...] [-o DIR]``
    Fetch pages through Scrapy (same parser, same pipelines) and write them (default ``output/``).
``newsmd crawl qq --channels finance,tech [...]``, ``newsmd crawl --feed URL``, ``--sitemap URL``
    Discover and write articles; incremental and resumable (scheduled runs); with ``--redis``, put
    them in the shared queue instead.
``newsmd worker --redis URL``
    Fetch and write the articles discoverers put in the shared queue.
``newsmd site init DIR``, ``site setup DIR``, ``site sync STORE FOLDER``
    Create a Hugo site for the output, set up an existing one, bring a store's articles into one.
``newsmd state rebuild DIR``
    Make a new state file from the article files in an output folder.

They take ``-s NAME=VALUE`` to override a setting (``FRONT_MATTER_DEFAULTS``, ``MIRROR`` take JSON
objects). Exit status: 0 when every page became a file, 1 when any page failed, 2 on bad usage, 75
when another run holds the output or job folder, 130/143 when a signal stopped a crawl.

The command's code is one module per command (``parse``, ``get``, ``crawl`` with ``worker``,
``site``, ``state``) beside ``common`` (settings, one-line errors, the run lock, a run's report);
this module holds the parser, ``main`` and ``run``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from crawler.cli.common import EXIT_BROKEN_PIPE, EXIT_FAILED, positive_int, print_error
from crawler.cli.crawl import crawl_command, worker_command
from crawler.cli.get import get_command
from crawler.cli.log_time import stamp_stderr_lines
from crawler.cli.parse import parse_command
from crawler.cli.site import site_init_command, site_setup_command, site_sync_command
from crawler.cli.state import state_rebuild_command
from crawler.declared_settings import choices
from crawler.printable import printable_log_records


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
    from crawler.extraction.sources.qq_feed import CHANNELS

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
    parse.set_defaults(handler=parse_command)

    get = commands.add_parser("get", help="fetch article URLs and write them")
    get.add_argument("urls", nargs="+", metavar="URL",
                     help="article URLs (http or https) of a supported source or any news site")
    get.add_argument("-o", "--output", help="output root (default: OUTPUT_DIR, output/); - prints the articles")
    get.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    get.set_defaults(handler=get_command)

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
    crawl.add_argument("--pages", type=positive_int, help="feed pages per channel (default: 1)")
    crawl.add_argument("--hot", action="store_true", help="also follow the hot list")
    crawl.add_argument("--force", action="store_true", help="fetch and rewrite every article")
    crawl.add_argument("--retry-failed", action="store_true",
                       help="try again the articles earlier runs gave up on (known failures)")
    crawl.add_argument("--resume", metavar="DIR", help="job folder: a killed crawl started again resumes")
    crawl.add_argument("--mirror", metavar="DIR", help="crawl a local snapshot folder instead of the site")
    crawl.add_argument("-o", "--output", help="output root, e.g. SITE/content/posts (default: OUTPUT_DIR, output/)")
    crawl.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    crawl.set_defaults(handler=crawl_command)

    worker = commands.add_parser("worker", help="fetch and write the articles discoverers put in the shared queue")
    worker.add_argument("--idle", type=float, metavar="SECONDS",
                        help="leave once the queue has been empty this long (default: WORKER_IDLE_SECONDS, 60)")
    worker.add_argument("--mirror", metavar="DIR", help="fetch from a local snapshot folder instead of the sites")
    worker.add_argument("-o", "--output", help="output root, e.g. SITE/content/posts (default: OUTPUT_DIR, output/)")
    worker.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    worker.set_defaults(handler=worker_command)
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
    site_init.set_defaults(handler=site_init_command)
    site_setup = site_commands.add_parser(
        "setup", help="add timeZone and ignoreFiles to an existing site's config, nothing else")
    site_setup.add_argument("directory", help="the existing Hugo site's folder")
    site_setup.set_defaults(handler=site_setup_command)
    site_sync = site_commands.add_parser(
        "sync", help="bring new and changed articles (and images) from a store into a site's content folder")
    site_sync.add_argument("store", metavar="STORE", help="the store the crawl wrote to, s3://bucket/prefix")
    site_sync.add_argument("folder", metavar="FOLDER", help="the site's content folder, e.g. SITE/content/posts")
    site_sync.add_argument("--config", metavar="FILE", help="newsmd.toml to use (S3_ENDPOINT_URL)")
    site_sync.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                           help="override a setting (S3_ENDPOINT_URL=…)")
    site_sync.set_defaults(handler=site_sync_command)

    state = commands.add_parser("state", help="the incremental-crawl state file")
    state_commands = state.add_subparsers(dest="state_command", required=True)
    state_rebuild = state_commands.add_parser(
        "rebuild", help="make a new state file from the article files of an output folder (the old one is kept aside)")
    state_rebuild.add_argument("directory", help="the output folder (OUTPUT_DIR)")
    state_rebuild.add_argument("--state", metavar="FILE", help="the state file (default: DIR/.newsmd-state.sqlite)")
    state_rebuild.set_defaults(handler=state_rebuild_command)

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
        print_error("interrupted; the files written so far are complete")
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
