"""A site's page described by CSS selectors: what most portal pages need, in one place.

A portal module subclasses ``PortalPage`` and fills in its class attributes: which hosts and
URL pattern it handles (the pattern's first group is the article ID), where the title, time,
author and body are, and which body elements are site furniture to drop.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.errors import ExtractionError
from crawler.extraction.dates import parse_page_time
from crawler.extraction.html import remove, select, select_one, text_of
from crawler.extraction.sources.base import (
    BEIJING,
    LAZY_IMAGE_ATTRIBUTES,
    Identity,
    clean_text,
    cover_image,
    drop_hidden_elements,
    drop_link_lists,
    image_source,
    meta_content,
)
from crawler.extraction.sources.page import ArticlePage
from crawler.extraction.urls import absolute_http_url, host_of


def _select_text(root: HtmlElement, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        found = select_one(root, selector)
        if found is not None:
            text = clean_text(text_of(found, " "))
            if text:
                return text
    return ""


class PortalPage(ArticlePage):
    """A page of a selector-described site; subclasses set the class attributes."""

    source: ClassVar[str]
    hosts: ClassVar[tuple[str, ...]]
    """Host names handled, each with its subdomains (``163.com`` covers ``www.163.com``)."""
    article_url: ClassVar[re.Pattern[str]]
    """Matched against the whole URL; group 1 is the article ID."""
    body_selectors: ClassVar[tuple[str, ...]]
    title_selectors: ClassVar[tuple[str, ...]] = ("h1",)
    title_meta: ClassVar[tuple[str, ...]] = ("og:title",)
    title_suffix: ClassVar[re.Pattern[str] | None] = None
    time_meta: ClassVar[tuple[str, ...]] = ("article:published_time",)
    time_selectors: ClassVar[tuple[str, ...]] = ()
    author_meta: ClassVar[tuple[str, ...]] = ("article:author",)
    author_selectors: ClassVar[tuple[str, ...]] = ()
    drop_selectors: ClassVar[tuple[str, ...]] = ()
    image_attributes: ClassVar[tuple[str, ...]] = LAZY_IMAGE_ATTRIBUTES
    cover_meta: ClassVar[tuple[str, ...]] = ("og:image",)
    not_article_selectors: ClassVar[dict[str, str]] = {}
    """Elements that mark a page of the site that is not an article (selector -> what it is)."""
    site_images: ClassVar[re.Pattern[str] | None] = None
    """Where the site keeps its site-wide images (default share images, badges): no article's
    cover, nor an image of its body."""
    zone: ClassVar[ZoneInfo] = BEIJING
    page_lang: ClassVar[str] = "zh-CN"

    @classmethod
    def matches(cls, url: str) -> bool:
        host = host_of(url)
        on_site = any(host == name or host.endswith("." + name) for name in cls.hosts)
        return on_site and cls.article_url.search(url) is not None

    @classmethod
    def article_id_in(cls, url: str) -> str | None:
        match = cls.article_url.search(url)
        return next((group for group in match.groups() if group), None) if match else None

    @classmethod
    def identity_of(cls, url: str) -> Identity | None:
        article_id = cls.article_id_in(url)
        return Identity(cls.source, article_id, url.split("#", 1)[0]) if article_id else None

    def refuse(self) -> None:
        if meta_content(self.document, "og:type").lower().startswith("video"):
            raise ExtractionError(self.url, "video", "the page declares itself a video (og:type)")
        for selector, what in self.not_article_selectors.items():
            if select_one(self.document, selector) is not None:
                raise ExtractionError(self.url, "not_article", f"{what}, not an article ({selector})")

    def body(self) -> HtmlElement | None:
        body = next((found for selector in self.body_selectors
                     if (found := select_one(self.document, selector)) is not None), None)
        return self.clean_body(body) if body is not None else None

    def title(self) -> str | None:
        title = _select_text(self.document, self.title_selectors) or meta_content(self.document, *self.title_meta)
        return (self.title_suffix.sub("", title) if self.title_suffix else title) or None

    def identity(self) -> Identity | None:
        canonical = self.canonical_url()
        article_id = self.article_id_in(canonical) or self.article_id_in(self.url)
        return Identity(self.source, article_id, canonical) if article_id else None

    def canonical_url(self) -> str:
        links = self.document.xpath('//link[@rel="canonical"]/@href')
        for candidate in (meta_content(self.document, "og:url"), str(links[0]) if links else ""):
            absolute = absolute_http_url(candidate, self.url)
            if absolute and self.matches(absolute):
                return absolute.split("#", 1)[0]
        return self.url.split("#", 1)[0]

    def published_text(self) -> str:
        return meta_content(self.document, *self.time_meta) or _select_text(self.document, self.time_selectors)

    def published(self) -> datetime | None:
        return parse_page_time(self.published_text(), self.zone)

    def author(self) -> str | None:
        return meta_content(self.document, *self.author_meta) or _select_text(self.document, self.author_selectors) or None

    def cover(self) -> str | None:
        return cover_image(meta_content(self.document, *self.cover_meta), self.url) or None

    @classmethod
    def acceptable_cover(cls, url: str) -> bool:
        return not (cls.site_images and cls.site_images.search(url))

    def lang(self) -> str:
        return self.page_lang

    def clean_body(self, body: HtmlElement) -> HtmlElement:
        """The body without hidden elements, the site's furniture, link lists and site-wide images;
        every image's real URL in its ``src``."""
        drop_hidden_elements(body)
        for selector in self.drop_selectors:
            for junk in select(body, selector):
                remove(junk)
        drop_link_lists(body)
        for image in list(body.iter("img")):
            image.set("src", image_source(image, self.image_attributes))
            if self.site_images and self.site_images.search(image.get("src")):
                remove(image)
        return body
