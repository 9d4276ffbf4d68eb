"""The article record every parser produces and every pipeline consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    """One news article, ready to be rendered as a Markdown file.

    Attributes:
        source: short name of the source (``qq`` for Tencent News); used in the output path,
            the ``categories``/``tags`` front matter and the trailing source link.
        article_id: the source's stable article ID; used as the file name.
        canonical_url: the one URL that stands for this article, whatever variant was fetched.
        title: the headline, without the site suffix.
        published: publication time, timezone-aware, in the source's own zone; ``None`` only for
            a page without one that the ``undated`` policy lets through.
        body_markdown: the article body as Markdown, one block per paragraph.
        summary: plain-text lead (see ``crawler.summary``), ending in ``...``.
        thumbnail: absolute URL of the cover image, or ``""``.
        images: absolute URLs of the body images, in page order.
        lang: BCP 47 language tag of the article (``zh-CN``).
        author: the media outlet or author name, when the page gives one.
        tags: the source's own tags for the article (its keywords), when the page gives them.
        site_name: the site's own name, for a source without a parser of its own (its category
            and source link); ``""`` for supported sites, which go by ``source``.
        url: the URL the page was fetched from.
        fallbacks: the fields the site parser could not read and the generic parser did
            (``page`` for all of them, ``published``), for the crawl's counts.
    """

    source: str
    article_id: str
    canonical_url: str
    title: str
    published: datetime | None
    body_markdown: str
    summary: str = ""
    thumbnail: str = ""
    images: list[str] = field(default_factory=list)
    lang: str = "zh-CN"
    author: str = ""
    tags: list[str] = field(default_factory=list)
    site_name: str = ""
    url: str = ""
    fallbacks: list[str] = field(default_factory=list)

    @property
    def source_label(self) -> str:
        """How the article names its source in its category, tags and source link."""
        return self.site_name or self.source
