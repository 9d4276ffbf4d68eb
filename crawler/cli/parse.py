"""``newsmd parse``: saved pages to articles."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from crawler.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    command_settings,
    print_error,
    usable_output,
    usage_error,
    warn_about_time_zone,
)
from crawler.declared_settings import setting
from crawler.errors import ExtractionError
from crawler.extraction.markdown import LINK_TEXT

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
"""The saved pages ``newsmd parse DIR`` reads, in the folder and every folder below it."""


def read_at_most(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(limit)


def saved_pages(args: argparse.Namespace) -> list[tuple[str, bytes]] | None:
    """The pages ``newsmd parse`` was given: a file, ``-`` (stdin) or a folder's pages (recursively);
    ``None`` after a message."""
    from crawler.extraction.extract import MAX_PAGE_BYTES

    limit = MAX_PAGE_BYTES + 1  # enough to tell a page over the cap (too_large): never the whole of /dev/zero
    if args.page == "-":
        return [("<stdin>", sys.stdin.buffer.read(limit))]
    page = Path(args.page)
    if page.is_dir():
        if args.url or (args.output is None and args.format != "jsonl"):  # JSON lines, unlike Markdown files, make one stream
            print_error(f"{page} is a folder: give -o DIR or --format jsonl (each page names its own URL; --url is for one page)")
            return None
        files = sorted(path for path in page.rglob("*") if path.suffix.lower() in PAGE_SUFFIXES and path.is_file())
        if not files:
            print_error(f"no pages in {page} ({', '.join(PAGE_SUFFIXES)}, in it or in its folders)")
            return []
    else:
        files = [page]
    try:
        return [(str(path), read_at_most(path, limit)) for path in files]
    except OSError as error:
        print_error(f"cannot read {error.filename}: {error.strerror or error}")
        return None


NAMELESS_PAGE = "https://saved-page.invalid/"
"""What a saved page that names no URL is read as (the generic parser; ``.invalid`` is never a site)."""
GUESSED_IMAGE = re.compile(r"!\[" + LINK_TEXT + r"\]\(" + re.escape(NAMELESS_PAGE) + r"[^)]*\)\n*")
GUESSED_LINK = re.compile(r"\[(" + LINK_TEXT + r")\]\(" + re.escape(NAMELESS_PAGE) + r"[^)]*\)")


def without_a_url(article: Any) -> Any:
    """A saved page's article when the page names no URL: no source link (no URL to give), and its
    file named by its site's own name and a slug of its title (``ifeng/nv-tong-…-1a2b3c4d.md``)."""
    import dataclasses
    import hashlib

    from slugify import slugify

    from crawler.extraction.sources.generic import article_id_for

    site = slugify(article.site_name, separator="-", max_length=40) if article.site_name else ""
    body = GUESSED_IMAGE.sub("", article.body_markdown)  # a relative link resolved against no real page
    body = GUESSED_LINK.sub(r"\1", body)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:8]
    images = [url for url in article.images if not url.startswith(NAMELESS_PAGE)]
    thumbnail = "" if article.thumbnail.startswith(NAMELESS_PAGE) else article.thumbnail
    return dataclasses.replace(article, source=site or "saved", site_name="", canonical_url="", body_markdown=body,
                               images=images, thumbnail=thumbnail, url="",
                               article_id=article_id_for(f"saved:{article.title}:{digest}", article.title))


def parse_command(args: argparse.Namespace) -> int:
    from crawler.extraction.extract import extract, page_url
    from crawler.extraction.urls import given_http_url
    from pipelines.markdown_writer import OutputOptions, write_article

    if args.url and given_http_url(args.url) is None:
        usage_error(f"{args.url}: not an absolute http(s) URL [bad_url]")
    pages = saved_pages(args)
    if pages is None:
        return EXIT_USAGE
    if not pages:
        return EXIT_FAILED
    settings = command_settings(args, crawls=False)
    if args.output is not None:
        usable_output(args.output, settings)
    options = OutputOptions.from_settings(settings, args.output)
    if args.output is not None:
        warn_about_time_zone(settings, args.output)
    status = EXIT_OK
    for name, body in pages:
        url = args.url or page_url(body)
        try:
            article = extract(url or NAMELESS_PAGE, body, undated=setting(settings, "UNDATED_ARTICLES"),
                              time_limit=setting(settings, "EXTRACT_TIME_LIMIT"))
        except ExtractionError as error:
            print_error(str(error).replace(NAMELESS_PAGE, name))
            status = EXIT_FAILED
            continue
        if not url:
            article = without_a_url(article)
        if args.output is None:
            sys.stdout.write(options.render(article))
            continue
        try:
            result = write_article(article, options)
        except (OSError, ValueError) as error:
            print_error(f"{url}: could not write the article: {error}")
            status = EXIT_FAILED
            continue
        print(f"{result.outcome} {result.shown}")
    return status
