"""The source registry: which parser handles a URL.

Adding a source is one module here (a class with ``name``, ``matches(url)``, ``parse(url, html)``
and ``identity(url)``) plus its entry in ``PARSERS`` and a fixture folder under ``tests/fixtures/``.
Earlier entries win; ``GENERIC`` handles every other http(s) URL.
"""

from __future__ import annotations

from crawler.errors import ExtractionError
from crawler.sources.base import ParsedPage, SourceParser
from crawler.sources.generic import GenericParser
from crawler.sources.netease import NetEaseParser
from crawler.sources.qq import TencentNewsParser
from crawler.sources.sina import SinaParser
from crawler.sources.toutiao import ToutiaoParser
from crawler.sources.weixin import WeChatParser
from crawler.urls import given_http_url

PARSERS: list[SourceParser] = [WeChatParser(), TencentNewsParser(), NetEaseParser(), SinaParser(), ToutiaoParser()]
GENERIC = GenericParser(site_sources=[parser.name for parser in PARSERS])

__all__ = ["GENERIC", "PARSERS", "ParsedPage", "SourceParser", "parser_for"]


def parser_for(url: str) -> SourceParser:
    """The site parser for ``url``, else the generic one; ``ExtractionError`` for a non-http(s) URL."""
    if given_http_url(url) is None:
        raise ExtractionError(url, "bad_url", "not an absolute http(s) URL")
    for parser in PARSERS:
        if parser.matches(url):
            return parser
    return GENERIC
