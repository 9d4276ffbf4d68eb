"""The fallback parser for any news site: trafilatura for the body, page metadata for the rest.

Title, date, cover image, language and canonical URL come from the page's JSON-LD
(``NewsArticle`` and kin), then OpenGraph and ``article:*`` meta, then ``<h1>``/``<title>``;
htmldate finds a date when no metadata gives one. The body is trafilatura's main-text HTML (images
kept in place), converted by the same Markdown code as every source.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import tldextract
import trafilatura
from bs4 import BeautifulSoup, Tag
from htmldate import find_date

from crawler.dates import UTC, parse_page_time
from crawler.errors import ExtractionError
from crawler.sources.base import BEIJING, ParsedPage, clean_text, cover_image, meta_content
from crawler.urls import absolute_http_url, host_of

_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle", "WebPage"})
_OFFLINE_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_READABLE_ID = re.compile(r"^(?=.*\d)[A-Za-z0-9_-]{8,64}$")
_TITLE_SUFFIX = re.compile(r"\s*[_|\-–—]\s*[^_|\-–—]{1,20}$")


def source_name(url: str) -> str:
    """The short source name of a site: its registrable name (``www.example.co.uk`` -> ``example``)."""
    host = host_of(url)
    name = _OFFLINE_SUFFIXES(host).domain or host.split(".")[0]
    return re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-") or "web"


def article_id_for(canonical: str) -> str:
    """A file-name-safe ID: the URL's last path segment when it looks like an ID, else a hash."""
    stem = urlsplit(canonical).path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    if _READABLE_ID.match(stem):
        return stem
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _json_ld_articles(soup: BeautifulSoup) -> Iterator[dict[str, Any]]:
    def walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node:
                yield from walk(item, depth + 1)
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(kind in _ARTICLE_TYPES for kind in kinds if isinstance(kind, str)):
                yield node
            yield from walk(node.get("@graph"), depth + 1)

    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            yield from walk(json.loads(script.get_text() or "null"))
        except (ValueError, RecursionError):
            continue


def _first_text(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list) and value:
        return _first_text(value[0])
    if isinstance(value, dict):
        return _first_text(value.get("url") or value.get("name") or value.get("@id"))
    return ""


def _time_element_text(soup: BeautifulSoup) -> str:
    """Text of the page's first time-like element (``<time>``, ``.time``, ``.date``): maybe ``3小时前``."""
    for element in soup.select("time, [class*=time], [class*=date], [id*=time], [id*=date]")[:20]:
        text = clean_text(element.get_text(" "))
        if text and len(text) <= 40 and any(char.isdigit() for char in text):
            return text
    return ""


def _normalise_lang(value: str) -> str:
    value = value.replace("_", "-").strip()
    if not value:
        return ""
    parts = value.split("-")
    return "-".join([parts[0].lower(), *(part.upper() if len(part) == 2 else part for part in parts[1:])])


class GenericParser:
    """Any news article page; the registry's fallback when no site parser matches."""

    name = "generic"

    def matches(self, url: str) -> bool:
        return absolute_http_url(url) is not None

    def parse(self, url: str, html: str) -> ParsedPage:
        """Parse an article page of any site; ``ExtractionError`` when it has no article."""
        soup = BeautifulSoup(html, "lxml")
        ld = next(_json_ld_articles(soup), {})
        lang = _normalise_lang(_first_text(ld.get("inLanguage")) or str(soup.html.get("lang", "") if soup.html else "")
                               or meta_content(soup, "og:locale", "language", "content-language"))
        zone = BEIJING if lang.startswith("zh") or host_of(url).endswith((".cn", ".hk", ".tw")) else UTC
        body = self._body(url, html)
        title = self._title(soup, ld)
        if not title:
            raise ExtractionError(url, "no_title", "the page has no article title")
        published = self._published(soup, ld, html, zone)
        canonical = self._canonical(url, soup, ld)
        cover = cover_image(_first_text(ld.get("image")) or meta_content(soup, "og:image", "twitter:image"), url)
        author = _first_text(ld.get("author")) or meta_content(soup, "article:author", "author")
        return ParsedPage(
            source=source_name(canonical), article_id=article_id_for(canonical), canonical_url=canonical,
            title=title, published=published, zone=zone, body=body,
            published_text="" if published else _time_element_text(soup), thumbnail=cover, lang=lang or "zh-CN", author=author,
        )

    @staticmethod
    def _body(url: str, html: str) -> Tag:
        try:
            main = trafilatura.extract(html, url=url, output_format="html", include_images=True, include_links=True,
                                       include_tables=True, include_comments=False)
        except (ValueError, TypeError, RecursionError) as error:
            raise ExtractionError(url, "unsupported_page", f"main text extraction failed: {error}") from None
        if not main:
            raise ExtractionError(url, "empty_body", "no main text found on the page")
        fragment = BeautifulSoup(main, "lxml")
        body = fragment.body or fragment
        for heading in body.find_all(["h1"]):
            heading.decompose()  # the title is in the front matter
        return body  # type: ignore[return-value]

    @staticmethod
    def _title(soup: BeautifulSoup, ld: dict[str, Any]) -> str:
        title = _first_text(ld.get("headline")) or meta_content(soup, "og:title", "twitter:title")
        if not title:
            heading = soup.find("h1")
            title = clean_text(heading.get_text()) if isinstance(heading, Tag) else ""
        if not title and soup.title:
            title = _TITLE_SUFFIX.sub("", clean_text(soup.title.get_text()))
        return title

    @staticmethod
    def _published(soup: BeautifulSoup, ld: dict[str, Any], html: str, zone: ZoneInfo) -> datetime | None:
        for candidate in (_first_text(ld.get("datePublished")),
                          meta_content(soup, "article:published_time", "og:release_date", "publishdate", "pubdate",
                                       "PubDate", "publish_time", "ptime", "weibo:article:create_at"),
                          _first_text(ld.get("dateCreated"))):
            published = parse_page_time(candidate, zone)
            if published:
                return published
        try:
            found = find_date(html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S", extensive_search=True)
        except (ValueError, TypeError):
            found = None
        return parse_page_time(found or "", zone)

    @staticmethod
    def _canonical(url: str, soup: BeautifulSoup, ld: dict[str, Any]) -> str:
        link = soup.find("link", attrs={"rel": "canonical"})
        for candidate in (_first_text(ld.get("url")), str(link.get("href", "")) if isinstance(link, Tag) else "",
                          meta_content(soup, "og:url")):
            absolute = absolute_http_url(candidate, url)
            if absolute and _OFFLINE_SUFFIXES(host_of(absolute)).top_domain_under_public_suffix == \
                    _OFFLINE_SUFFIXES(host_of(url)).top_domain_under_public_suffix:
                return absolute
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
