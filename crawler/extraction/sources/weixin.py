"""WeChat official-account articles (``mp.weixin.qq.com/s/...``); many Tencent stories come from there."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

from lxml.etree import SubElement
from lxml.html import Element, HtmlElement

from crawler.errors import ExtractionError
from crawler.extraction.html import select_one, text_of
from crawler.extraction.sources import weixin_script
from crawler.extraction.sources.base import (
    BEIJING,
    Identity,
    clean_text,
    image_source,
    meta_content,
)
from crawler.extraction.sources.page import ArticlePage
from crawler.extraction.urls import absolute_http_url, host_of

SOURCE = "weixin"
_CREATE_TIME = re.compile(r"""\b(?:ct|create_time)\s*[=:]\s*(['"])(\d{9,11})\1""")
_SHORT_PATH = re.compile(r"^/s/([A-Za-z0-9_-]{8,64})$")
_SHOW_TYPE = re.compile(r"""\bitem_show_type\s*=\s*(['"])(\d+)\1""")
VIDEO_POST = "5"
"""``item_show_type`` of a video post: a player and a title, no text body."""
SCRIPT_POSTS = frozenset({"8", "10"})
"""``item_show_type`` of picture posts (8) and text posts (10): their text, and a picture post's
pictures, are in the page's script data; the markup holds empty slots the page's script fills."""
UNTITLED_POST = "分享图片"
"""The title WeChat gives a picture share that has no headline of its own (2018 share pages)."""
HEADLINE_LIMIT = 40
"""Longest title (characters) taken from a post's text when it has no headline."""
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_PAUSE = re.compile(r"[，、；：,;:]")
_EXPIRED_NOTICE = re.compile(r"过期")


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
    display_name = "微信公众号"

    @classmethod
    def matches(cls, url: str) -> bool:
        return host_of(url) == "mp.weixin.qq.com"

    @classmethod
    def identity_of(cls, url: str) -> Identity | None:
        article_id = article_id_from_url(url)
        return Identity(SOURCE, article_id, url.split("#", 1)[0]) if article_id else None

    @cached_property
    def show_type(self) -> str:
        show_type = _SHOW_TYPE.search(self.html)
        return show_type.group(2) if show_type else ""

    @cached_property
    def post_text(self) -> str:
        """A picture or text post's text, from the page's script data (``""`` for an article)."""
        return weixin_script.post_text(self.html) if self.show_type in SCRIPT_POSTS else ""

    def refuse(self) -> None:
        if self.show_type == VIDEO_POST:
            raise ExtractionError(self.url, "video", "a WeChat video post, not an article")
        message = select_one(self.document, ".weui-msg__title")
        if message is not None and select_one(self.document, "#js_content, #js_article") is None:
            notice = clean_text(text_of(message))  # WeChat's own notice page in place of the article
            reason = "expired_link" if _EXPIRED_NOTICE.search(notice) else "unavailable"
            raise ExtractionError(self.url, reason, f"WeChat shows no article but a notice: {notice}")

    def body(self) -> HtmlElement | None:
        if self.show_type in SCRIPT_POSTS:
            return self._script_post_body()
        body = select_one(self.document, "#js_content")
        if body is None:
            raise ExtractionError(self.url, "unsupported_page", "not a WeChat article page (no #js_content)")
        body.attrib.pop("style", None)
        for image in body.iter("img"):
            image.set("src", image_source(image, ("data-src", "src")))
        return body

    def _script_post_body(self) -> HtmlElement:
        """A picture or text post: its pictures (a picture post's swiper, shown above the text),
        then its text, a paragraph per line."""
        pictures = weixin_script.picture_urls(self.html) or [
            image_source(image, ("data-src", "src")) for image in self.document.cssselect("#img_list img")]
        body = Element("div")
        for url in pictures:
            if absolute_http_url(url, self.url):
                SubElement(SubElement(body, "p"), "img", src=url, alt="")
        for line in self.post_text.split("\n"):
            if line.strip():
                SubElement(body, "p").text = line.strip()
        if not len(body):
            raise ExtractionError(self.url, "empty_body", "a WeChat post with neither text nor pictures")
        return body

    def title(self) -> str | None:
        heading = select_one(self.document, "#activity-name")
        title = (meta_content(self.document, "og:title", "twitter:title")
                 or (clean_text(text_of(heading)) if heading is not None else ""))
        if self.show_type not in SCRIPT_POSTS:
            return title or None
        title = title or clean_text(weixin_script.post_title(self.html))
        text = clean_text(self.post_text)
        headline = clean_text(weixin_script.js_string(title)).rstrip("…. ")  # a text's meta keeps its \\n
        if not headline or headline == UNTITLED_POST or text.startswith(headline):
            return headline_of(self.post_text) or None  # the title field holds the text, not a headline
        return title

    def identity(self) -> Identity | None:
        canonical = absolute_http_url(meta_content(self.document, "og:url"), self.url) or self.url
        if host_of(canonical) != "mp.weixin.qq.com":
            canonical = self.url
        article_id = article_id_from_url(canonical) or article_id_from_url(self.url)
        return Identity(SOURCE, article_id, canonical.split("#", 1)[0]) if article_id else None

    def published(self) -> datetime | None:
        created = _CREATE_TIME.search(self.html)
        return datetime.fromtimestamp(int(created.group(2)), BEIJING) if created else None

    def cover(self) -> str | None:
        return absolute_http_url(meta_content(self.document, "og:image"), self.url)

    def author(self) -> str | None:
        account = select_one(self.document, "#js_name")
        name = clean_text(text_of(account)) if account is not None else ""
        if not name and self.show_type in SCRIPT_POSTS:
            name = clean_text(weixin_script.post_account(self.html))
        return name or None

    def tags(self, title: str) -> list[str]:
        return []


def headline_of(text: str) -> str:
    """A title for a post that has none: its first sentence, cut at the last pause (comma) within
    ``HEADLINE_LIMIT`` characters when longer, else at the limit."""
    first = _SENTENCE_END.split(clean_text(text.strip().split("\n", 1)[0]), maxsplit=1)[0].strip()
    if len(first) <= HEADLINE_LIMIT:
        return first
    pauses = [match.start() for match in _PAUSE.finditer(first, 0, HEADLINE_LIMIT)]
    return first[:pauses[-1]] if pauses else first[:HEADLINE_LIMIT]
