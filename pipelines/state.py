"""The pipeline that records each article in the crawl's state once its file is written."""

from __future__ import annotations

from typing import Any

from crawler.article import Article, CrawlContext
from crawler.crawling.state import crawl_state
from crawler.signals import article_done


class StatePipeline:
    """After the writer: record what the article's ``CrawlContext`` says (its version under its ID,
    its feed or sitemap link) with the written file's path and hash, and forget its past failures.

    An article without a context (``newsmd get``) or not written (a failed write) records nothing;
    a suspect answer is recorded without a hash, so the next run fetches it again.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        context = item.crawl if isinstance(item, Article) else None
        if context is None:
            return item
        if context.written is not None:
            self._record(item, context)
        self.crawler.signals.send_catch_log(article_done, context=context)
        return item

    def _record(self, item: Article, context: CrawlContext) -> None:
        state = crawl_state(self.crawler)
        path, content_hash = context.written.shown, "" if context.suspect else context.written.content_hash
        if context.link_url:
            state.record_link(context.link_url, context.link_version, path, content_hash)
        if context.feed_version is not None and context.id_source in ("", item.source):
            state.record(item.source, item.article_id, context.feed_version, content_hash, path)
        if context.item:
            state.clear_failure(context.item)
