"""The pipeline that renders each Article and writes it as ``<OUTPUT_DIR>/<source>/<ID>.md``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crawler.article import Article
from crawler.front_matter import render
from crawler.signals import article_written
from pipelines.storage import WriteResult, article_path, write_atomic

logger = logging.getLogger(__name__)


def write_article(
    article: Article, root: Path, defaults: Mapping[str, Any] | None = None, force: bool = False
) -> WriteResult:
    """Render ``article`` and write it atomically below ``root``; shared by CLI and pipeline."""
    path = article_path(root, article.source, article.article_id)
    return write_atomic(path, render(article, defaults), force=force)


class MarkdownWriterPipeline:
    """Write every scraped ``Article`` (``OUTPUT_DIR``, ``FRONT_MATTER_DEFAULTS``, ``FORCE_REWRITE``).

    Counts ``newsmd/written``, ``newsmd/updated``, ``newsmd/unchanged`` and
    ``newsmd/failed/write`` in the crawl stats; a failed write is logged and the crawl goes on.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.root = Path(crawler.settings.get("OUTPUT_DIR", "output"))
        self.defaults = crawler.settings.getdict("FRONT_MATTER_DEFAULTS") or None
        self.force = crawler.settings.getbool("FORCE_REWRITE")

    @classmethod
    def from_crawler(cls, crawler: Any) -> MarkdownWriterPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        stats = self.crawler.stats
        try:
            result = write_article(item, self.root, self.defaults, self.force)
        except (OSError, ValueError) as error:
            stats.inc_value("newsmd/failed")
            stats.inc_value("newsmd/failed/write")
            logger.error("%s: could not write the article: %s [write]", item.url or item.canonical_url, error)
            return item
        stats.inc_value(f"newsmd/{result.outcome}")
        logger.info("%s %s (%s)", result.outcome, result.path, item.url or item.canonical_url)
        self.crawler.signals.send_catch_log(article_written, article=item, result=result)
        return item
