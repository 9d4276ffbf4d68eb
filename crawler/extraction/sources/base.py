"""What a source parser is, and the page helpers parsers share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.extraction.encoding import strip_control_chars
from crawler.extraction.html import remove, text_of
from crawler.extraction.urls import absolute_http_url

_WHITESPACE = re.compile(r"\s+")
_CJK_WORDS = re.compile(r"[\u3400-\u9fff\w]+(?: [\u3400-\u9fff\w]+)+")
_SITE_LOGO = re.compile(r"(?i)(?:^|[/_-])(?:logo|favicon|default[_-]?share|share[_-]?icon)[^/]*$")
_HIDDEN_STYLE = re.compile(
    r"(?i)display\s*:\s*none|visibility\s*:\s*hidden|(?<![-\w])height\s*:\s*0(?:px)?\s*;\s*overflow\s*:\s*hidden"
)
BEIJING = ZoneInfo("Asia/Shanghai")
"""Time zone of Chinese portals' page times (Beijing time, no zone written)."""


@dataclass
class ParsedPage:
    """What a source parser pulls out of a page; ``crawler.extraction.extract`` turns it into an Article.

    ``body`` is the article body as an lxml element in which every image is an
    ``<img src alt>`` with the URL and alt text to publish. ``published`` is ``None`` when the
    page writes its time only relative to when it was served (``published_text``, e.g.
    ``3小时前``, read in ``zone``) or gives none at all.
    """

    source: str
    article_id: str
    canonical_url: str
    title: str
    published: datetime | None
    body: HtmlElement
    thumbnail: str = ""
    lang: str = "zh-CN"
    author: str = ""
    tags: list[str] = field(default_factory=list)
    site_name: str = ""


@dataclass(frozen=True)
class Identity:
    """Where an article's file goes: its source, its ID, its one canonical URL."""

    source: str
    article_id: str
    canonical_url: str


class SourceParser(Protocol):
    """A source as the registry sees it (``crawler.extraction.sources.page.PageParser``): plain objects, no Scrapy."""

    @property
    def name(self) -> str:
        """The source's short name: its files' folder and category."""
        ...

    @property
    def display_name(self) -> str:
        """The source's own name as readers know it (腾讯新闻)."""
        ...

    def matches(self, url: str) -> bool:
        """Whether this parser handles pages at ``url``."""
        ...

    def read(self, url: str, html: str, served_at: datetime | None = None) -> tuple[ParsedPage, list[str]]:
        """Read ``html`` served at ``url`` (``served_at``: when, for relative times): the page's fields
        and those the generic finders filled; ``ExtractionError`` when it is not an article."""
        ...

    def parse(self, url: str, html: str) -> ParsedPage:
        """``read``'s page alone."""
        ...

    def identity(self, url: str) -> Identity | None:
        """The source, article ID and canonical URL this site gives ``url`` (``None``: not an article URL)."""
        ...

    def adopt(self, url: str, page: ParsedPage) -> ParsedPage | None:
        """The generic parser's ``page`` of ``url`` made this source's (its identity, without the
        values the source refuses); ``None`` when ``url`` is no article URL of the source."""
        ...


def clean_text(text: str | None) -> str:
    """One line of text: control characters dropped, whitespace runs collapsed, ends trimmed."""
    return _WHITESPACE.sub(" ", strip_control_chars(text or "")).strip()


def meta_content(document: HtmlElement, *names: str) -> str:
    """The ``content`` of the first ``<meta property|name=...>`` among ``names`` that has one."""
    for name in names:
        for attribute in ("property", "name"):
            for meta in document.iter("meta"):
                if meta.get(attribute) == name and meta.get("content"):
                    return clean_text(meta.get("content"))
    return ""


_TAG_SEPARATORS = re.compile(r"[,，;；|、]")
MAX_TAG_LENGTH = 16
MAX_TAGS = 10


def tag_list(text: str, title: str = "") -> list[str]:
    """The tags in a keyword list (``a,b，c``; CJK words also by spaces), or none when the list is
    no list of tags: it holds the title, or an entry as long as a sentence."""
    text = clean_text(text)
    if not text or (title and title in text):
        return []
    tags = [clean_text(tag) for tag in _TAG_SEPARATORS.split(text)]
    if len(tags) == 1 and _CJK_WORDS.fullmatch(text):
        tags = text.split(" ")
    tags = list(dict.fromkeys(tag for tag in tags if tag))
    return [] if any(len(tag) > MAX_TAG_LENGTH for tag in tags) else tags[:MAX_TAGS]


def page_tags(document: HtmlElement, title: str = "") -> list[str]:
    """The page's own tags: its ``article:tag`` metas, else its ``keywords`` meta (see ``tag_list``)."""
    tagged = [clean_text(meta.get("content")) for meta in document.iter("meta") if meta.get("property") == "article:tag"]
    return tag_list(",".join(tagged), title) if any(tagged) else tag_list(meta_content(document, "keywords"), title)


LAZY_IMAGE_ATTRIBUTES = ("data-original", "data-src", "src")
"""Where pages keep an image's real URL: lazy-loading attributes first, ``src`` (often a placeholder) last."""


def image_source(image: HtmlElement, attributes: tuple[str, ...] = LAZY_IMAGE_ATTRIBUTES) -> str:
    """The real URL of an lxml ``<img>``: the first attribute that is not a ``data:`` placeholder."""
    for name in attributes:
        value = str(image.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return ""


def cover_image(url: str, base: str) -> str:
    """The absolute cover image URL, or ``""`` when there is none or it is the site-wide logo.

    Without a cover of its own the article's first body image is used, which beats a logo.
    """
    cover = absolute_http_url(url, base) or ""
    return "" if _SITE_LOGO.search(urlsplit(cover).path) else cover


LINK_DENSE = 0.5
"""Share of a block's text in links above which it is a link list (related articles, promotions)."""
MIN_LIST_LINKS = 2
"""Fewest links in what is taken for a link list: one linked word closing a short last sentence
(a stock name) is the article's."""
MAX_LIST_HEADING = 12
"""Longest text (characters) read as the heading of a link list (延伸阅读, 相关新闻, 证券要闻)."""


def _link_share(block: HtmlElement) -> tuple[str, float]:
    """A block's text, and the share of it that is link text."""
    text = clean_text(text_of(block))
    link_text = sum(len(clean_text(text_of(link))) for link in block.iter("a"))
    return text, (link_text / len(text) if text else 0.0)


def _links(block: HtmlElement) -> int:
    return sum(1 for _ in block.iter("a"))


def _has_media(block: HtmlElement) -> bool:
    return next(block.iter("img", "video", "iframe", "embed"), None) is not None


def drop_leading_link_blocks(body: HtmlElement) -> None:
    """Remove the link lists a page puts above its article text (相关新闻 and its links): from the
    start, up to the first block of prose, the blocks that are mostly links and the short headings
    and empty blocks before the last of them. Images on the way are the article's and stay."""
    run: list[HtmlElement] = []
    last_list, links = -1, 0
    for block in body:
        if not isinstance(block.tag, str) or _has_media(block):
            continue
        text, share = _link_share(block)
        if text and share >= LINK_DENSE:
            last_list, links = len(run), links + _links(block)
        elif text and len(text) > MAX_LIST_HEADING:
            break
        run.append(block)
        if (block.tail or "").strip():
            break
    if links >= MIN_LIST_LINKS:
        for block in run[:last_list + 1]:
            remove(block)


def drop_trailing_link_blocks(body: HtmlElement) -> None:
    """Remove the link lists a page appends to its article body, and their headings: from the end,
    the blocks that are mostly link text, the short headings above them, and empty blocks, up to
    the last block of the article's own text (or an image of its own)."""
    links = 0
    trailing: list[HtmlElement] = []
    for block in reversed(list(body)):
        if (block.tail or "").strip():
            break  # text of the article's own after this block
        if not isinstance(block.tag, str):
            trailing.append(block)
            continue
        text, share = _link_share(block)
        if text and share >= LINK_DENSE:
            links += _links(block)
        elif text and not (links and len(text) <= MAX_LIST_HEADING):
            break
        elif not text and _has_media(block):
            break
        trailing.append(block)
    if links >= MIN_LIST_LINKS:
        for block in trailing:
            remove(block)


def drop_link_lists(body: HtmlElement) -> None:
    """Remove the link lists above and below the article text (``drop_leading_link_blocks``,
    ``drop_trailing_link_blocks``)."""
    drop_leading_link_blocks(body)
    drop_trailing_link_blocks(body)


def drop_hidden_elements(root: HtmlElement) -> None:
    """Remove elements styled invisible (``display:none``, zero height with overflow hidden): pixels, logos.

    A lazy image styled ``height:0`` alone is only waiting for its script, and stays.
    """
    for element in [element for element in root.iterdescendants() if _HIDDEN_STYLE.search(element.get("style") or "")]:
        remove(element)
