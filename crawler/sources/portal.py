"""A site parser described by CSS selectors: what most portal parsers need, in one place.

A portal module subclasses ``PortalParser`` and fills in its class attributes: which hosts and
URL pattern it handles (the pattern's first group is the article ID), where the title, time,
author and body are, and which body elements are site furniture to drop.
"""

from __future__ import annotations

import re
from typing import ClassVar
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.dates import parse_page_time
from crawler.errors import ExtractionError
from crawler.html import parse_document, remove, select, select_one, text_of
from crawler.sources.base import (
    BEIJING,
    LAZY_IMAGE_ATTRIBUTES,
    Identity,
    ParsedPage,
    clean_text,
    cover_image,
    drop_hidden_elements,
    drop_link_lists,
    image_source,
    meta_content,
    page_tags,
)
from crawler.urls import absolute_http_url, host_of


def _select_text(root: HtmlElement, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        found = select_one(root, selector)
        if found is not None:
            text = clean_text(text_of(found, " "))
            if text:
                return text
    return ""


class PortalParser:
    """Base of selector-described site parsers; subclasses set the class attributes."""

    name: ClassVar[str]
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
    lang: ClassVar[str] = "zh-CN"

    def matches(self, url: str) -> bool:
        host = host_of(url)
        on_site = any(host == name or host.endswith("." + name) for name in self.hosts)
        return on_site and self.article_url.search(url) is not None

    def article_id(self, url: str) -> str | None:
        match = self.article_url.search(url)
        return next((group for group in match.groups() if group), None) if match else None

    def identity(self, url: str) -> Identity | None:
        article_id = self.article_id(url)
        return Identity(self.name, article_id, url.split("#", 1)[0]) if article_id else None

    def parse(self, url: str, html: str) -> ParsedPage:
        """Parse an article page of this site; ``ExtractionError`` when it is not one."""
        document = parse_document(html, url)
        if meta_content(document, "og:type").lower().startswith("video"):
            raise ExtractionError(url, "video", "the page declares itself a video (og:type)")
        for selector, what in self.not_article_selectors.items():
            if select_one(document, selector) is not None:
                raise ExtractionError(url, "not_article", f"{what}, not an article ({selector})")
        body = next((found for selector in self.body_selectors
                     if (found := select_one(document, selector)) is not None), None)
        if body is None:
            raise ExtractionError(url, "unsupported_page", f"not a {self.name} article page (no article body)")
        title = self._title(document)
        if not title:
            raise ExtractionError(url, "no_title", "the page has no article title")
        canonical = self._canonical(url, document)
        article_id = self.article_id(canonical) or self.article_id(url)
        if not article_id:
            raise ExtractionError(url, "not_article", f"no {self.name} article ID in the URL")
        time_text = meta_content(document, *self.time_meta) or _select_text(document, self.time_selectors)
        return ParsedPage(
            source=self.name, article_id=article_id, canonical_url=canonical, title=title,
            published=parse_page_time(time_text, self.zone), published_text=time_text, zone=self.zone,
            body=self._clean_body(body), thumbnail=self._cover(document, url),
            lang=self.lang,
            author=meta_content(document, *self.author_meta) or _select_text(document, self.author_selectors),
            tags=page_tags(document, title),
        )

    def _cover(self, document: HtmlElement, url: str) -> str:
        cover = cover_image(meta_content(document, *self.cover_meta), url)
        return "" if self.site_images and self.site_images.search(cover) else cover

    def _title(self, document: HtmlElement) -> str:
        title = _select_text(document, self.title_selectors) or meta_content(document, *self.title_meta)
        return self.title_suffix.sub("", title) if self.title_suffix else title

    def _canonical(self, url: str, document: HtmlElement) -> str:
        links = document.xpath('//link[@rel="canonical"]/@href')
        for candidate in (meta_content(document, "og:url"), str(links[0]) if links else ""):
            absolute = absolute_http_url(candidate, url)
            if absolute and self.matches(absolute):
                return absolute.split("#", 1)[0]
        return url.split("#", 1)[0]

    def _clean_body(self, body: HtmlElement) -> HtmlElement:
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
