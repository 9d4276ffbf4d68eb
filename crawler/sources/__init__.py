"""The source registry: which parser handles a URL.

Adding a source is one module here (a class with ``name``, ``matches(url)`` and
``parse(url, html)``) plus its entry in ``PARSERS`` and a fixture folder under ``tests/fixtures/``.
Earlier entries win.
"""

from __future__ import annotations

from crawler.errors import ExtractionError
from crawler.sources.base import ParsedPage, SourceParser
from crawler.sources.qq import TencentNewsParser
from crawler.urls import absolute_http_url

PARSERS: list[SourceParser] = [TencentNewsParser()]

__all__ = ["PARSERS", "ParsedPage", "SourceParser", "parser_for"]


def parser_for(url: str) -> SourceParser:
    """The registered parser for ``url``; ``ExtractionError`` when none handles it."""
    if absolute_http_url(url) is None or not url.strip().lower().startswith(("http://", "https://")):
        raise ExtractionError(url, "bad_url", "not an absolute http(s) URL")
    for parser in PARSERS:
        if parser.matches(url):
            return parser
    raise ExtractionError(url, "unsupported_source", "no parser for this site")
