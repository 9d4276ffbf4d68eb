"""The source registry: which parser handles a URL.

Adding a source is one module here (an ``ArticlePage`` subclass, see ``crawler.extraction.sources.page``)
plus its entry in ``PARSERS`` and a fixture folder under ``tests/fixtures/``. Earlier entries win;
``GENERIC`` handles every other http(s) URL.
"""

from __future__ import annotations

from crawler.errors import ExtractionError
from crawler.extraction.sources.base import ParsedPage, SourceParser
from crawler.extraction.sources.generic import GenericParser
from crawler.extraction.sources.netease import NetEasePage
from crawler.extraction.sources.page import PageParser
from crawler.extraction.sources.qq import TencentPage
from crawler.extraction.sources.sina import SinaPage
from crawler.extraction.sources.toutiao import ToutiaoPage
from crawler.extraction.sources.weixin import WeChatPage
from crawler.extraction.urls import given_http_url

PARSERS: list[SourceParser] = [PageParser(page) for page in (WeChatPage, TencentPage, NetEasePage, SinaPage, ToutiaoPage)]
GENERIC = GenericParser(site_sources=[parser.name for parser in PARSERS])

__all__ = ["GENERIC", "PARSERS", "ParsedPage", "SourceParser", "parser_for", "source_names"]


def source_names() -> dict[str, str]:
    """Each supported source's short name (its folder, category and tag) and its own name (腾讯新闻)."""
    return {parser.name: parser.display_name for parser in PARSERS}


def parser_for(url: str) -> SourceParser:
    """The site parser for ``url``, else the generic one; ``ExtractionError`` for a non-http(s) URL."""
    if given_http_url(url) is None:
        raise ExtractionError(url, "bad_url", "not an absolute http(s) URL")
    for parser in PARSERS:
        if parser.matches(url):
            return parser
    return GENERIC
