"""Tencent News (new.qq.com / news.qq.com / view.inews.qq.com / <channel>.qq.com/a/).

Three page templates are supported:

* current (2023+, ``/rain/a/<ID>``): the body is ``window.DATA.originContent.text`` with
  ``<!--IMG_n-->`` placeholders resolved through ``originAttribute``; the server-rendered
  ``.rich_media_content`` is the fallback when the data is missing or incomplete;
* 2018-2021 ``/omn/<date>/<ID>.html``: ``window.DATA`` for metadata, ``div.content-article`` for
  the body, videos pushed into ``window.DATA.videoArr`` by inline scripts;
* the older channel template (``<channel>.qq.com/a/<date>/<n>.htm``): ``ARTICLE_INFO`` in page
  JavaScript, body in ``#Cnt-Main-Article-QQ``.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml.html import HtmlElement

from crawler.errors import ExtractionError
from crawler.extraction.dates import parse_page_time
from crawler.extraction.html import (
    body_of,
    new_element,
    parse_document,
    previous_element,
    remove,
    select,
    select_one,
    text_of,
)
from crawler.extraction.markdown import DEFAULT_ALT
from crawler.extraction.sources.base import (
    BEIJING,
    Identity,
    clean_text,
    drop_hidden_elements,
    drop_link_lists,
    meta_content,
    page_tags,
    tag_list,
)
from crawler.extraction.sources.page import ArticlePage
from crawler.extraction.urls import absolute_http_url, host_of

SOURCE = "qq"
CANONICAL_TEMPLATE = "https://new.qq.com/rain/a/{}"

_ID = r"[A-Z]{0,4}\d{8}[A-Z0-9]{6,8}"
_ID_PATHS = (
    re.compile(rf"^/(?:rain/)?a/({_ID})/?$"),
    re.compile(rf"^/omn/[A-Za-z0-9]+/({_ID})\.html?$"),
    re.compile(rf"^/omn/({_ID})/?$"),
)
_CHANNEL_PATH = re.compile(r"^/a/(\d{8})/(\d{6})\.html?$")
_ARTICLE_HOSTS = frozenset({"new.qq.com", "news.qq.com", "view.inews.qq.com", "xw.qq.com"})
_VIDEO_ID = re.compile(r"^\d{8}V")
_TITLE_SUFFIX = re.compile(r"(?:_[^_]{1,8})?_腾讯(?:新闻|网)\s*$")
_WINDOW_DATA = re.compile(r"window\.DATA\s*=\s*(?=\{)")
_VIDEO_PUSH = re.compile(r"window\.DATA\.videoArr\.push\(\s*(?=\{)")
_ARTICLE_INFO = re.compile(r"ARTICLE_INFO\s*=\s*(?:window\.ARTICLE_INFO\s*\|\|\s*)?\{(.*?)\}", re.S)
_JS_STRING_FIELD = r"""\b{}\s*:\s*(['"])(.*?)\1"""
_PLACEHOLDER = re.compile(r"<!--\s*IMG_(\d+)\s*-->")
_THIN_PAGE_CHARS = 300


def article_id_from_url(url: str) -> str | None:
    """The Tencent article ID in ``url`` (any known variant), or ``None``."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _ID_PATHS:
        match = pattern.match(path)
        if match:
            return match.group(1)
    match = _CHANNEL_PATH.match(path)
    return match.group(1) + match.group(2) if match else None


def canonical_url(url: str, article_id: str | None = None) -> str:
    """``https://new.qq.com/rain/a/<ID>`` for any variant; old channel pages keep their own URL."""
    parts = urlsplit(url)
    if _CHANNEL_PATH.match(parts.path):
        return urlunsplit(("https", parts.netloc.lower(), parts.path, "", ""))
    article_id = article_id or article_id_from_url(url)
    if not article_id:
        raise ExtractionError(url, "not_article", "no Tencent article ID in the URL")
    return CANONICAL_TEMPLATE.format(article_id)


def body_image_url(url: str, base: str = "") -> str | None:
    """Absolute URL of a body image; Tencent's CDN (``*.gtimg.com``) always over https."""
    absolute = absolute_http_url(url, base)
    if absolute is None:
        return None
    if absolute.startswith("http://") and host_of(absolute).endswith(".gtimg.com"):
        absolute = "https://" + absolute[len("http://"):]
    return absolute


def _json_object_at(text: str, start: int) -> dict[str, Any] | None:
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _window_data(html: str) -> dict[str, Any] | None:
    match = _WINDOW_DATA.search(html)
    return _json_object_at(html, match.end()) if match else None


def _text_field(data: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    return ""


def _js_field(block: str, name: str) -> str:
    match = re.search(_JS_STRING_FIELD.format(re.escape(name)), block, re.S)
    return clean_text(match.group(2)) if match else ""


def _set_image(image: HtmlElement, src: str, alt: str) -> None:
    image.attrib.clear()
    image.set("src", src)
    image.set("alt", alt)


class TencentPage(ArticlePage):
    """A Tencent News article page (all three templates): ``window.DATA`` and ``ARTICLE_INFO`` read once."""

    source = SOURCE
    display_name = "腾讯新闻"

    @classmethod
    def matches(cls, url: str) -> bool:
        """Tencent News hosts, and ``<channel>.qq.com/a/<date>/<n>.htm`` pages."""
        host = host_of(url)
        if host in _ARTICLE_HOSTS:
            return True
        return host.endswith(".qq.com") and article_id_from_url(url) is not None

    @classmethod
    def identity_of(cls, url: str) -> Identity | None:
        article_id = article_id_from_url(url)
        return Identity(SOURCE, article_id, canonical_url(url, article_id)) if article_id else None

    @cached_property
    def data(self) -> dict[str, Any]:
        """The page's ``window.DATA`` (current and 2018-2021 templates)."""
        return _window_data(self.html) or {}

    @cached_property
    def info(self) -> str:
        """The page's ``ARTICLE_INFO`` script block (channel template)."""
        match = _ARTICLE_INFO.search(self.html)
        return match.group(1) if match else ""

    @cached_property
    def article_id(self) -> str | None:
        for candidate in (_text_field(self.data, "cms_id", "cmsId"), _js_field(self.info, "id")):
            if re.fullmatch(_ID, candidate):
                return candidate
        return article_id_from_url(self.url)

    def refuse(self) -> None:
        url_id = article_id_from_url(self.url)
        if url_id and _VIDEO_ID.match(url_id):
            raise ExtractionError(self.url, "video", "a video item, not an article")

    def body(self) -> HtmlElement | None:
        body = self._body_from_data(self.url, self.data)
        if body is None:
            body = self._rendered_body(self.url, self.document)
        if body is not None:
            self._caption_images(body)
        if body is None or not self.article_id:
            raise self._not_an_article(self.url, self.document, has_id=bool(self.article_id))
        if _VIDEO_ID.match(self.article_id):
            raise ExtractionError(self.url, "video", "a video item, not an article")
        if not text_of(body).strip():
            if body.find(".//img") is not None and body.find(".//a[@data-video]") is not None:
                raise ExtractionError(self.url, "video", "a video item without article text")
            raise ExtractionError(self.url, "empty_body", "the article body is empty")
        return body

    def identity(self) -> Identity | None:
        return Identity(SOURCE, self.article_id, canonical_url(self.url, self.article_id)) if self.article_id else None

    def title(self) -> str | None:
        title = _text_field(self.data, "title") or _js_field(self.info, "title")
        if not title:
            heading = select_one(self.document, "#article-title, .LEFT > h1, .qq_article h1, h1")
            title = clean_text(text_of(heading)) if heading is not None else ""
        if not title:
            page_title = self.document.find(".//title")
            title = meta_content(self.document, "og:title") or clean_text(page_title.text if page_title is not None else "")
        return _TITLE_SUFFIX.sub("", title).strip() or None

    def published(self) -> datetime | None:
        candidates = [
            _text_field(self.data, "pubtime"),
            meta_content(self.document, "article:published_time"),
            _js_field(self.info, "pubtime"),
        ]
        for selector in (".media-meta > span", ".a_time"):
            element = select_one(self.document, selector)
            if element is not None:
                candidates.append(clean_text(text_of(element)))
        for candidate in candidates:
            published = parse_page_time(candidate, BEIJING)
            if published:
                return published
        return None

    def cover(self) -> str | None:
        return body_image_url(meta_content(self.document, "og:image"))

    def author(self) -> str | None:
        return (_text_field(self.data, "media") or meta_content(self.document, "article:author")
                or _js_field(self.info, "media") or self._rendered_author(self.document) or None)

    def tags(self, title: str) -> list[str]:
        return tag_list(_text_field(self.data, "tags"), title) or page_tags(self.document, title)

    @staticmethod
    def _rendered_author(document: HtmlElement) -> str:
        element = select_one(document, "#article-author .media-name, .a_source, .LeftTool .author div")
        return clean_text(text_of(element)) if element is not None else ""

    @staticmethod
    def _not_an_article(url: str, document: HtmlElement, has_id: bool) -> ExtractionError:
        if not has_id:
            return ExtractionError(
                url, "not_article", "no article ID in the URL or the page (a list or channel page?)"
            )
        visible = clean_text(text_of(document, " "))
        if len(visible) < _THIN_PAGE_CHARS:
            return ExtractionError(
                url, "thin_page", "no article body: the answer is empty, thin or 'access denied'"
            )
        return ExtractionError(
            url, "unsupported_page", "not a Tencent News article page (no article body found)"
        )

    # --- body -----------------------------------------------------------------------------

    @staticmethod
    def _body_from_data(url: str, data: dict[str, Any]) -> HtmlElement | None:
        """The current template's ``originContent.text`` with images resolved, if complete."""
        content = data.get("originContent")
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str) or not text.strip():
            return None
        attributes = data.get("originAttribute")
        attributes = attributes if isinstance(attributes, dict) else {}
        unresolved = False

        def image(match: re.Match[str]) -> str:
            nonlocal unresolved
            record = attributes.get(f"IMG_{match.group(1)}")
            record = record if isinstance(record, dict) else {}
            src = None
            for key in ("url", "imgurl1000", "origUrl", "compressUrl", "imgurl0"):
                value = record.get(key)
                if isinstance(value, str) and (src := body_image_url(value, url)):
                    break
            if src is None:
                unresolved = True
                return ""
            caption = record.get("desc")
            alt = clean_text(caption) if isinstance(caption, str) else ""
            return f'<img src="{html_lib.escape(src, quote=True)}" alt="{html_lib.escape(alt or DEFAULT_ALT, quote=True)}">'

        resolved = _PLACEHOLDER.sub(image, text)
        if unresolved:
            return None
        return body_of(parse_document(resolved, url))

    def _rendered_body(self, url: str, document: HtmlElement) -> HtmlElement | None:
        body = select_one(document, ".content-article .rich_media_content, .rich_media_content")
        if body is not None:
            for image in body.iter("img"):
                src = body_image_url(image.get("data-src") or image.get("src") or "", url)
                _set_image(image, src or "", clean_text(image.get("alt")) or DEFAULT_ALT)
            return body
        body = select_one(document, "#Cnt-Main-Article-QQ")
        if body is None:
            body = select_one(document, "div.content-article")
        if body is None:
            return None
        self._embed_videos(body)
        for element in select(body, ".introduction, #Status, #backqqcom, .videoPlayerWrap"):
            remove(element)
        drop_hidden_elements(body)
        drop_link_lists(body)
        for image in body.iter("img"):
            if image.xpath("ancestor::a[@data-video]"):
                continue
            _set_image(image, body_image_url(image.get("src") or "", url) or "", DEFAULT_ALT)
        return body

    @staticmethod
    def _embed_videos(body: HtmlElement) -> None:
        """Replace ``videoArr.push({...})`` scripts with a poster image linking to the video."""
        for script in list(body.iter("script")):
            code = script.text or ""
            match = _VIDEO_PUSH.search(code)
            video = _json_object_at(code, match.end()) if match else None
            vid = video.get("vid") if video else None
            poster = body_image_url(str(video.get("img") or "")) if video else None
            if video is None or not isinstance(vid, str) or not re.fullmatch(r"[A-Za-z0-9]+", vid) or not poster:
                continue
            title = clean_text(str(video.get("title") or "")) or "视频"
            link = new_element(body, "a", href=f"https://v.qq.com/x/page/{vid}.html", **{"data-video": vid})
            link.append(new_element(body, "img", src=poster, alt=title))
            paragraph = new_element(body, "p")
            paragraph.append(link)
            paragraph.tail = script.tail
            script.getparent().replace(script, paragraph)

    @staticmethod
    def _caption_images(body: HtmlElement) -> None:
        """Use an image's caption as its alt text and drop the caption element.

        Captions are ``figcaption`` (current template), ``i.desc`` beside the image (2018-2021)
        and a ``p.image_desc`` line after the image's paragraph (channel template).
        """
        for caption in select(body, "figcaption, i.desc, p.image_desc"):
            text = clean_text(text_of(caption))
            container = caption.getparent() if caption.tag != "p" else previous_element(caption)
            image = container.find(".//img") if container is not None else None
            if image is not None and text:
                image.set("alt", text)
            if image is not None or not text:
                remove(caption)
