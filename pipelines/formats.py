"""The output formats: how an article becomes the text of its file (``OUTPUT_FORMAT``, ``--format``).

``markdown`` (the default): Hugo front matter for Mainroad and the Markdown body, the reference
format byte for byte. ``jsonl``: the article record as one line of JSON (a file per article, so
runs stay incremental; ``cat DIR/*/*.jsonl`` is a JSON Lines stream, and ``parse`` prints lines).

A third format is one more class here with its ``name``, file ``suffix`` and ``render``.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from crawler.article import Article
from crawler.output.front_matter import render as render_markdown


class OutputFormat(Protocol):
    """How an article is written: its file name's suffix and its text."""

    name: str
    suffix: str

    def render(self, article: Article, options: Any) -> str:
        """The whole file for ``article`` under ``options`` (``OutputOptions``), ending in a newline."""
        ...


class MarkdownFormat:
    """Hugo (Mainroad) front matter and Markdown: ``crawler.output.front_matter.render``."""

    name, suffix = "markdown", ".md"

    def render(self, article: Article, options: Any) -> str:
        return render_markdown(options.localized(article), options.defaults, options.source_front_matter.get(article.source),
                               options.date_format, options.extra_fields, options.time_zone)


class JsonLinesFormat:
    """The article record as one JSON line: every field, the time in ISO 8601 with its offset."""

    name, suffix = "jsonl", ".jsonl"

    def render(self, article: Article, options: Any) -> str:
        return json.dumps(article_record(article), ensure_ascii=False, sort_keys=False) + "\n"


def article_record(article: Article) -> dict[str, Any]:
    """The fields of ``article`` as JSON values (no crawl context: it is not the article's); the body
    keeps the images' URLs, ``image_files`` names the ones stored beside the record."""
    return {
        "source": article.source, "article_id": article.article_id, "canonical_url": article.canonical_url,
        "url": article.url, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "summary": article.summary, "author": article.author, "lang": article.lang, "tags": list(article.tags),
        "site_name": article.site_name, "thumbnail": article.thumbnail, "images": list(article.images),
        "body_markdown": article.body_markdown, "image_files": dict(article.image_files),
    }


FORMATS: dict[str, OutputFormat] = {output.name: output for output in (MarkdownFormat(), JsonLinesFormat())}
"""Every output format by name: ``--format`` and ``OUTPUT_FORMAT`` choose among them."""
