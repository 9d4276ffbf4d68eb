"""``extract(url, body)``: a fetched page in, an ``Article`` out. No Scrapy needed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from html import unescape
from typing import Any

from crawler.article import Article
from crawler.errors import ExtractionError
from crawler.extraction.dates import UTC, plausible_publication, response_time
from crawler.extraction.encoding import decode_html
from crawler.extraction.html import parse_document
from crawler.extraction.markdown import html_to_markdown, without_leading_title
from crawler.extraction.sources import GENERIC, ParsedPage, SourceParser, parser_for
from crawler.extraction.summary import summarize
from crawler.extraction.time_limit import TimeLimitExceeded
from crawler.extraction.time_limit import time_limit as limited_to
from crawler.extraction.urls import given_http_url
from crawler.reasons import TEMPLATE_REASONS

MAX_PAGE_BYTES = 10 * 1024 * 1024
"""Largest page ``extract`` accepts by default (the crawl passes its ``DOWNLOAD_MAXSIZE``)."""
_BINARY_SIGNATURES = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"RIFF")

UNDATED_POLICIES = ("skip", "write")
"""What to do with an article whose page gives no publication time: skip it, or write it undated."""


def _refuse_non_html(url: str, body: bytes, max_bytes: int) -> None:
    if max_bytes and len(body) > max_bytes:
        raise ExtractionError(url, "too_large", f"the page is {len(body)} bytes, over the {max_bytes}-byte cap")
    head = body[:1024].lstrip()
    if head.startswith(_BINARY_SIGNATURES) or b"\x00" in head:
        raise ExtractionError(url, "not_html", "the answer is binary data (PDF, image, archive), not an HTML page")


_DOCUMENT_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
_DOCUMENT_END = re.compile(r"</html\s*>", re.IGNORECASE)


def _refuse_cut_off(url: str, html: str) -> None:
    """A whole document (it opens ``<html>``) that never closes it was cut off in transfer."""
    if _DOCUMENT_START.match(html[:4096]) and not _DOCUMENT_END.search(html):
        raise ExtractionError(url, "truncated", "the page ends before its </html>: the answer was cut off")


FALLBACK_REASONS = TEMPLATE_REASONS
"""A site parser's refusals that mean "not the template I know": the generic parser reads such a
page instead (video, list and thin pages stay refused)."""


def _read(parser: SourceParser, url: str, html: str, served_at: datetime | None) -> tuple[ParsedPage, list[str]]:
    """The site parser's page and the fields the generic finders filled; or, when the site parser
    does not know the template, the generic parser's page under the site's identity (its file stays
    the same)."""
    try:
        return parser.read(url, html, served_at)
    except ExtractionError as error:
        if parser is GENERIC or error.reason not in FALLBACK_REASONS or parser.identity(url) is None:
            raise
        try:
            page, _ = GENERIC.read(url, html, served_at)
        except ExtractionError:
            raise error from None
        adopted = parser.adopt(url, page)
        if adopted is None:
            raise error from None
        return adopted, ["page"]


_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
_MESSAGE_LINK = re.compile(r"""\bmsg_link\s*=\s*(?:xml\s*\?[^:]*:\s*)?(["'])(https?://(?:(?!\1).)+)\1""")


def page_url(body: bytes | str, headers: Mapping[Any, Any] | None = None) -> str | None:
    """The URL a saved page names for itself, if an absolute http(s) one: ``<link rel=canonical>``,
    ``og:url``, the browser's ``<!-- saved from url=(0055)https://… -->`` line, WeChat's ``msg_link``."""
    html = body if isinstance(body, str) else decode_html(body, headers)
    document = parse_document(html)
    saved_from = _SAVED_FROM.search(html[:4096])
    message_link = _MESSAGE_LINK.search(html)
    for candidate in (*document.xpath('//link[@rel="canonical"]/@href'),
                      *document.xpath('//meta[@property="og:url" or @name="og:url"]/@content'),
                      saved_from.group(1) if saved_from else "",
                      unescape(message_link.group(2)) if message_link else ""):
        url = given_http_url(str(candidate))
        if url:
            return url
    return None


def extract(url: str, body: bytes | str, headers: Mapping[Any, Any] | None = None, *,
            undated: str = "skip", max_bytes: int = MAX_PAGE_BYTES, time_limit: float = 0) -> Article:
    """Turn the page ``body`` served at ``url`` into an ``Article``.

    ``headers`` (a dict or Scrapy ``Headers``) helps decode the bytes, and their ``Date`` is the
    response time that relative page times (``3小时前``) are resolved against; without it (a saved
    page) such a time is no date at all. A page with no
    publication time raises ``ExtractionError`` (reason ``no_date``) unless ``undated`` is
    ``"write"``; then the article's ``published`` is ``None``. Raises ``ExtractionError`` (with
    ``url``, ``reason`` and ``detail``) when the page is not an article of a supported source,
    is binary (``not_html``), is over ``max_bytes`` (``too_large``; 0 for no cap) or is a
    document cut off before its end (``truncated``). With ``time_limit`` (seconds, in the main
    thread), a page that takes longer to read is refused as ``too_slow``.
    """
    if undated not in UNDATED_POLICIES:
        raise ValueError(f"undated must be one of {', '.join(UNDATED_POLICIES)}, not {undated!r}")
    try:
        with limited_to(time_limit):
            return _extract(url, body, headers, undated, max_bytes)
    except TimeLimitExceeded:
        raise ExtractionError(url, "too_slow", f"reading the page took over {time_limit:g} s "
                              "(EXTRACT_TIME_LIMIT)") from None


def _extract(url: str, body: bytes | str, headers: Mapping[Any, Any] | None, undated: str, max_bytes: int) -> Article:
    parser = parser_for(url)
    if isinstance(body, bytes):
        _refuse_non_html(url, body, max_bytes)
    html = body if isinstance(body, str) else decode_html(body, headers)
    _refuse_cut_off(url, html)
    served_at = response_time(headers)
    page, fallbacks = _read(parser, url, html, served_at)
    published = page.published
    if published is not None and not plausible_publication(published, served_at or datetime.now(UTC)):
        published = None  # a placeholder, a misreading or a date in the future: the page is undated
    if published is None and undated == "skip":
        raise ExtractionError(url, "no_date", "the page has no publication time")
    try:
        converted = html_to_markdown(page.body, base_url=url)
    except RecursionError:
        raise ExtractionError(url, "too_deep", "the article body nests too deep to convert") from None
    body_markdown = without_leading_title(converted.markdown, page.title)
    paragraphs = converted.paragraphs[1:] if body_markdown != converted.markdown else converted.paragraphs
    if not paragraphs:
        raise ExtractionError(url, "empty_body", "the article body has no text")
    return Article(
        source=page.source,
        article_id=page.article_id,
        canonical_url=page.canonical_url,
        title=page.title,
        published=published,
        body_markdown=body_markdown,
        summary=summarize(paragraphs),
        thumbnail=page.thumbnail or (converted.images[0] if converted.images else ""),
        images=converted.images,
        lang=page.lang,
        author=page.author,
        tags=page.tags,
        site_name=page.site_name,
        url=url,
        fallbacks=fallbacks,
    )
