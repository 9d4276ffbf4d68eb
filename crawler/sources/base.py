"""What a source parser is, and the page helpers parsers share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag

from crawler.encoding import strip_control_chars

_WHITESPACE = re.compile(r"\s+")
BEIJING = ZoneInfo("Asia/Shanghai")
"""Time zone of Chinese portals' page times (Beijing time, no zone written)."""


@dataclass
class ParsedPage:
    """What a source parser pulls out of a page; ``crawler.extract`` turns it into an Article.

    ``body`` is the article body as an HTML element in which every image is an
    ``<img src alt>`` with the URL and alt text to publish.
    """

    source: str
    article_id: str
    canonical_url: str
    title: str
    published: datetime
    body: Tag
    thumbnail: str = ""
    lang: str = "zh-CN"
    author: str = ""


class SourceParser(Protocol):
    """A per-source parser: a plain object from (url, html) to a ``ParsedPage``, no Scrapy."""

    name: str

    def matches(self, url: str) -> bool:
        """Whether this parser handles pages at ``url``."""
        ...

    def parse(self, url: str, html: str) -> ParsedPage:
        """Parse ``html`` served at ``url``; raise ``ExtractionError`` when it is not an article."""
        ...


def clean_text(text: str | None) -> str:
    """One line of text: control characters dropped, whitespace runs collapsed, ends trimmed."""
    return _WHITESPACE.sub(" ", strip_control_chars(text or "")).strip()


def meta_content(soup: BeautifulSoup, *names: str) -> str:
    """The ``content`` of the first ``<meta property|name=...>`` among ``names`` that has one."""
    for name in names:
        for attribute in ("property", "name"):
            tag = soup.find("meta", attrs={attribute: name})
            if isinstance(tag, Tag) and tag.get("content"):
                return clean_text(str(tag["content"]))
    return ""


def parse_local_time(value: str, zone: ZoneInfo) -> datetime | None:
    """Parse ``YYYY-MM-DD HH:MM[:SS]`` (also with ``/`` or ``T``) as a time in ``zone``."""
    match = re.search(
        r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?", value or ""
    )
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
