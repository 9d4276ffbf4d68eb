"""``extract(url, body)``: a fetched page in, an ``Article`` out. No Scrapy needed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.article import Article
from crawler.encoding import decode_html
from crawler.errors import ExtractionError
from crawler.markdown import html_to_markdown
from crawler.sources import parser_for
from crawler.summary import summarize


def extract(url: str, body: bytes | str, headers: Mapping[Any, Any] | None = None) -> Article:
    """Turn the page ``body`` served at ``url`` into an ``Article``.

    ``headers`` (a dict or Scrapy ``Headers``) helps decode the bytes. Raises
    ``ExtractionError`` (with ``url``, ``reason`` and ``detail``) when the page is not an
    article of a supported source.
    """
    parser = parser_for(url)
    html = body if isinstance(body, str) else decode_html(body, headers)
    page = parser.parse(url, html)
    converted = html_to_markdown(page.body, base_url=url)
    if not converted.paragraphs:
        raise ExtractionError(url, "empty_body", "the article body has no text")
    return Article(
        source=page.source,
        article_id=page.article_id,
        canonical_url=page.canonical_url,
        title=page.title,
        published=page.published,
        body_markdown=converted.markdown,
        summary=summarize(converted.paragraphs),
        thumbnail=page.thumbnail or (converted.images[0] if converted.images else ""),
        images=converted.images,
        lang=page.lang,
        author=page.author,
        url=url,
    )
