"""WeChat official-account articles (``mp.weixin.qq.com/s/...``); many Tencent stories come from there."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from lxml.html import HtmlElement

from crawler.errors import ExtractionError
from crawler.html import select_one, text_of
from crawler.sources.base import (
    BEIJING,
    Identity,
    clean_text,
    image_source,
    meta_content,
)
from crawler.sources.page import ArticlePage
from crawler.urls import absolute_http_url, host_of

SOURCE = "weixin"
_CREATE_TIME = re.compile(r'\b(?:var ct|create_time)\s*=\s*"(\d{9,11})"')
_SHORT_PATH = re.compile(r"^/s/([A-Za-z0-9_-]{8,64})$")
_SHOW_TYPE = re.compile(r'\bitem_show_type\s*=\s*"(\d+)"')
VIDEO_POST = "5"
"""``item_show_type`` of a video post: a player and a title, no text body."""


def article_id_from_url(url: str) -> str | None:
    """The short ID of ``/s/<id>`` links, else a hash of the ``__biz``/``mid``/``idx`` query."""
    parts = urlsplit(url)
    match = _SHORT_PATH.match(parts.path.rstrip("/"))
    if match:
        return match.group(1)
    query = parse_qs(parts.query)
    key = "|".join(query.get(name, [""])[0] for name in ("__biz", "mid", "idx"))
    return hashlib.sha256(key.encode()).hexdigest()[:16] if key.strip("|") else None


class WeChatPage(ArticlePage):
    """An article on ``mp.weixin.qq.com``: body ``#js_content``, time from the page's ``ct``."""

    source = SOURCE

    @classmethod
    def matches(cls, url: str) -> bool:
        return host_of(url) == "mp.weixin.qq.com"

    @classmethod
    def identity_of(cls, url: str) -> Identity | None:
        article_id = article_id_from_url(url)
        return Identity(SOURCE, article_id, url.split("#", 1)[0]) if article_id else None

    def refuse(self) -> None:
        show_type = _SHOW_TYPE.search(self.html)
        if show_type and show_type.group(1) == VIDEO_POST:
            raise ExtractionError(self.url, "video", "a WeChat video post, not an article")

    def body(self) -> HtmlElement | None:
        body = select_one(self.document, "#js_content")
        message = select_one(self.document, ".weui-msg__title")
        if body is None and message is not None:  # WeChat's own notice page in place of the article
            raise ExtractionError(self.url, "expired_link",
                                  f"WeChat shows no article but a notice: {clean_text(text_of(message))}")
        if body is None:
            raise ExtractionError(self.url, "unsupported_page", "not a WeChat article page (no #js_content)")
        body.attrib.pop("style", None)
        for image in body.iter("img"):
            image.set("src", image_source(image, ("data-src", "src")))
        return body

    def title(self) -> str | None:
        heading = select_one(self.document, "#activity-name")
        return (meta_content(self.document, "og:title", "twitter:title")
                or (clean_text(text_of(heading)) if heading is not None else "") or None)

    def identity(self) -> Identity | None:
        canonical = absolute_http_url(meta_content(self.document, "og:url"), self.url) or self.url
        if host_of(canonical) != "mp.weixin.qq.com":
            canonical = self.url
        article_id = article_id_from_url(canonical) or article_id_from_url(self.url)
        return Identity(SOURCE, article_id, canonical.split("#", 1)[0]) if article_id else None

    def published(self) -> datetime | None:
        created = _CREATE_TIME.search(self.html)
        return datetime.fromtimestamp(int(created.group(1)), BEIJING) if created else None

    def cover(self) -> str | None:
        return absolute_http_url(meta_content(self.document, "og:image"), self.url)

    def author(self) -> str | None:
        account = select_one(self.document, "#js_name")
        return (clean_text(text_of(account)) if account is not None else "") or None

    def tags(self, title: str) -> list[str]:
        return []
