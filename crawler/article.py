"""The article record every parser produces and every pipeline consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class CrawlContext:
    """What a crawl knows of an article beside its page, carried with the item from the request
    that fetched it to the state pipeline that records it (through a shared queue too).

    Attributes:
        item: the URL a feed gave for the article; its failures are remembered under it.
        feed_version: the version to record under the article's ID (a feed's update time), or
            ``None`` to record none by ID.
        id_source: record by ID only an article of this source (``""``: any).
        link_version: with ``link_url``, the feed or sitemap link to record (its update stamp).
        link_url: the feed or sitemap link the article came from, ``""`` for none.
        suspect: the answer ended by the connection closing (no length): nothing is recorded as
            written, so the next run fetches it again.
        written: the writer's result (path, outcome, hash), set once the file is written.
        taken: the article URL under which a worker took the request from the shared queue, ``""``
            for a request of this process.
        recorded: where the state had the article written when it was requested (a path or a
            store location), ``""`` nowhere (new to the state), ``None`` not looked up: with a
            store, a new article's object is put without asking the store about it first.
    """

    item: str = ""
    feed_version: str | None = None
    id_source: str = ""
    link_url: str = ""
    link_version: str = ""
    suspect: bool = False
    written: Any = None
    taken: str = ""
    recorded: str | None = None


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
        summary: plain-text lead (see ``crawler.extraction.summary``), ending in ``...``.
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
        crawl: the crawl's context of the article (``CrawlContext``), ``None`` outside a crawl.
        image_files: the images stored beside the article (``--images download``): URL -> file
            name in its bundle; rendering points the body's images and the cover at them.
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
    crawl: CrawlContext | None = field(default=None, compare=False, repr=False)
    image_files: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def source_label(self) -> str:
        """How the article names its source in its category, tags and source link."""
        return self.site_name or self.source
