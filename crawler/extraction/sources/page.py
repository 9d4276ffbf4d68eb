"""Page objects: one article page, read once, with one public method per field.

A source is a subclass of ``ArticlePage``: class methods say which URLs are its (``matches``,
``identity_of``); the instance holds the parsed tree, its ``<meta>`` and JSON-LD once and answers
``title()``, ``published()``, ``body()``, ``author()``, ``cover()``, ``tags()``, ``identity()``.
A field method returns ``None`` when the page gives the site's template nothing for it; ``read``
then asks the generic finders (``crawler.extraction.sources.finders``) for that field, on the same tree, for
the fields the site lets them fill (``GENERIC_FIELDS``), and names each such fallback. A page that
is not an article is refused by ``refuse()`` or ``body()`` with its reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.errors import ExtractionError
from crawler.extraction.dates import parse_page_time
from crawler.extraction.html import parse_document
from crawler.extraction.sources import finders
from crawler.extraction.sources.base import BEIJING, Identity, ParsedPage, page_tags

FIELDS_WITH_FALLBACK = frozenset({"title", "published", "author", "cover"})
"""The fields a site's page may leave to the generic finders."""


class ArticlePage:
    """One page of a source; subclasses override the fields they read better than the generic finders."""

    source: ClassVar[str]
    display_name: ClassVar[str] = ""
    """The source's own name as readers know it (腾讯新闻), shown by the site for its category and tag."""
    zone: ClassVar[ZoneInfo] = BEIJING
    """Time zone of the page's times written without one."""
    GENERIC_FIELDS: ClassVar[frozenset[str]] = FIELDS_WITH_FALLBACK
    """The fields the generic finders fill when the site's own method finds nothing. A site leaves
    out a field whose generic value it knows to be wrong (163's ``article:author`` is 网易)."""

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.html = html

    # --- which URLs --------------------------------------------------------------------------

    @classmethod
    def matches(cls, url: str) -> bool:
        """Whether pages at ``url`` are this source's."""
        raise NotImplementedError

    @classmethod
    def identity_of(cls, url: str) -> Identity | None:
        """The source, article ID and canonical URL the site gives ``url`` (``None``: not an article URL)."""
        raise NotImplementedError

    # --- the page, read once -----------------------------------------------------------------

    @cached_property
    def document(self) -> HtmlElement:
        return parse_document(self.html, self.url)

    @cached_property
    def meta(self) -> finders.PageMeta:
        return finders.PageMeta(self.document)

    @cached_property
    def ld(self) -> dict[str, Any]:
        return finders.json_ld_article(self.document)

    # --- fields ------------------------------------------------------------------------------

    def refuse(self) -> None:
        """Raise ``ExtractionError`` when the page is no article (a video, a list), before any field."""

    def body(self) -> HtmlElement | None:
        """The article body, cleaned, every image an ``<img src alt>``; ``None``: not this template."""
        return None

    def title(self) -> str | None:
        return None

    def identity(self) -> Identity | None:
        """This page's source, article ID and canonical URL (``None``: no article ID)."""
        return self.identity_of(self.url)

    def published(self) -> datetime | None:
        return None

    def published_text(self) -> str:
        """The page's time as written, asked for when ``published()`` found none: a time relative to
        when the page was served (``3小时前``)."""
        return ""

    def author(self) -> str | None:
        return None

    def cover(self) -> str | None:
        return None

    def tags(self, title: str) -> list[str]:
        return page_tags(self.document, title)

    def lang(self) -> str:
        return "zh-CN"

    def site_name(self, title: str) -> str:
        """A generic site's own name; ``""`` for a supported source (its name is the source's)."""
        return ""

    @classmethod
    def acceptable_cover(cls, url: str) -> bool:
        """Whether ``url`` may be the article's cover (a site's site-wide images may not)."""
        return True


def read_page(page: ArticlePage, served_at: datetime | None = None) -> tuple[ParsedPage, list[str]]:
    """Ask ``page`` for each field, the generic finders for those it finds nothing for; return the
    parsed page and the names of the fields the finders filled. ``served_at`` resolves a relative
    time. Raises ``ExtractionError`` for a page that is not an article."""
    page.refuse()
    if finders.list_page(page.document):
        raise ExtractionError(page.url, "not_article", "a list or section page: mostly headline links, no prose")
    if finders.paywalled(page.document, page.ld):
        raise ExtractionError(page.url, "paywalled", "a subscriber-only article: the page shows a teaser, not the whole text")
    body = page.body()
    if body is None:
        raise ExtractionError(page.url, "unsupported_page", f"not a {page.source} article page (no article body)")
    fallbacks: list[str] = []

    def field(name: str, own: Any, generic: Callable[[], Any]) -> Any:
        if own or name not in page.GENERIC_FIELDS:
            return own
        found = generic()
        if found:
            fallbacks.append(name)
        return found or own

    title = field("title", page.title(), lambda: finders.title(page.url, page.document, page.meta, page.ld))
    if not title:
        raise ExtractionError(page.url, "no_title", "the page has no article title")
    identity = page.identity()
    if identity is None:
        raise ExtractionError(page.url, "not_article", f"no {page.source} article ID in the URL")
    published = page.published() or parse_page_time(page.published_text(), page.zone, served_at)
    published = field("published", published,
                      lambda: finders.published(page.html, page.meta, page.ld, page.zone, search_markup=False))
    cover = field("cover", page.cover(), lambda: finders.cover(page.url, page.meta, page.ld))
    return ParsedPage(
        source=identity.source, article_id=identity.article_id, canonical_url=identity.canonical_url, title=title,
        published=published, body=body,
        thumbnail=cover if cover and page.acceptable_cover(cover) else "",
        lang=page.lang(),
        author=field("author", page.author(), lambda: finders.author(page.url, page.document, page.meta, page.ld)) or "",
        tags=page.tags(title), site_name=page.site_name(title),
    ), fallbacks


class PageParser:
    """A source as the registry sees it: the URLs that are its and the page class that reads them."""

    def __init__(self, page_class: type[ArticlePage], **page_options: Any) -> None:
        self.page_class = page_class
        self.page_options = page_options

    @property
    def name(self) -> str:
        return self.page_class.source

    @property
    def display_name(self) -> str:
        return self.page_class.display_name or self.page_class.source

    def matches(self, url: str) -> bool:
        return self.page_class.matches(url)

    def identity(self, url: str) -> Identity | None:
        return self.page_class.identity_of(url)

    def adopt(self, url: str, page: ParsedPage) -> ParsedPage | None:
        """A page the generic parser read at ``url`` for this source (its template unknown): under the
        source's identity, so its file is the same, and without the values this source refuses (the
        fields it keeps from the generic finders, its site-wide images as the cover). ``None`` when
        ``url`` is no article URL of the source."""
        identity = self.identity(url)
        if identity is None:
            return None
        refused = FIELDS_WITH_FALLBACK - self.page_class.GENERIC_FIELDS
        cover_refused = "cover" in refused or not (page.thumbnail and self.page_class.acceptable_cover(page.thumbnail))
        return dataclasses.replace(
            page, source=identity.source, article_id=identity.article_id, canonical_url=identity.canonical_url,
            author="" if "author" in refused else page.author, thumbnail="" if cover_refused else page.thumbnail)

    def page(self, url: str, html: str) -> ArticlePage:
        return self.page_class(url, html, **self.page_options)

    def read(self, url: str, html: str, served_at: datetime | None = None) -> tuple[ParsedPage, list[str]]:
        """The page's fields, and those the generic finders filled (see ``read_page``)."""
        return read_page(self.page(url, html), served_at)

    def parse(self, url: str, html: str) -> ParsedPage:
        """The page's fields; ``ExtractionError`` when it is not an article."""
        return self.read(url, html)[0]
