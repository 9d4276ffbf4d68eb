"""``scrapy crawl qq_sitemap [-a url=SITEMAP_URL] [-a since=DATE]``: Tencent's own sitemap, for backfill.

Tencent's sitemap index (``news.qq.com/sitemap/index.xml``) lists ``sitemap_<n>.xml`` children of
``news.qq.com/rain/a/<ID>`` URLs. The crawl shares the channel crawl's state: an article either
crawl wrote is not fetched again (until the sitemap's ``lastmod`` for it changes), and an article
written here is one the channel feeds take as current.
"""

from __future__ import annotations

from typing import Any

from crawler.article import CrawlContext
from crawler.crawling.links import Link
from crawler.crawling.spiders.links import SitemapSpider
from crawler.extraction.sources.qq import SOURCE, article_id_from_url

SITEMAP_URL = "https://news.qq.com/sitemap/index.xml"


class QQSitemapSpider(SitemapSpider):
    """Tencent News from its sitemap: the ``sitemap`` spider, with the ``qq`` crawl's knowledge of articles."""

    name = "qq_sitemap"

    def __init__(self, url: str = SITEMAP_URL, *args: Any, **kwargs: Any) -> None:
        super().__init__(url or SITEMAP_URL, *args, **kwargs)

    def written_before(self, link: Link) -> bool:
        article_id = article_id_from_url(link.url)
        known = self.open_state().get(SOURCE, article_id) if article_id else None
        if known is None or not known.file_intact():
            return False
        self.open_state().record_link(link.url, link.version, known.path, known.content_hash)
        return True

    def context_for(self, link: Link) -> CrawlContext:
        # No feed update time: the channel feeds take the article as current when they first list it.
        return CrawlContext(item=link.url, link_url=link.url, link_version=link.version,
                            feed_version=f"|{link.version}|", id_source=SOURCE)
