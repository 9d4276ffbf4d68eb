"""What every newsmd spider shares: turning a response into an Article, counting failures."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.article import Article
from crawler.crawling.middlewares import RedirectRefused, requested_url
from crawler.crawling.run_summary import (
    count,
    counted,
    crawl_summary,
    extract_options,
    report_failure,
)
from crawler.crawling.state import ArticleState, close_crawl_state, crawl_state
from crawler.declared_settings import setting
from crawler.errors import ExtractionError
from crawler.extraction.extract_pool import ExtractPool
from crawler.reasons import PERMANENT_REASONS
from crawler.signals import article_done, crawl_warning

ITEM = "newsmd_item"
"""Request meta key: the URL a feed gave for an article; its failures are remembered under it."""
ITEM_VERSION = "newsmd_item_version"
"""Request meta key: the feed's version of the article; a known failure listed with another is tried again."""
FALLBACK_URL = "newsmd_fallback_url"
"""Request meta key: another URL of the same article (Tencent's view.inews page), fetched once
when the first answer is empty or a wall ("access denied")."""
_RETRY_AT_FALLBACK = frozenset({"thin_page", "empty_body", "truncated"})
_FALLBACK_TRIED = "newsmd_fallback_tried"
CONTEXT = "newsmd_context"
"""Request meta key: the ``CrawlContext`` the article will carry to the state pipeline."""
_GONE = ("HTTP 404", "HTTP 410")
DOCUMENT = "newsmd_document"
"""Request meta key marking a feed page, feed or sitemap (not an article): its failures are feed failures."""
_DOCUMENT_RETRIED = "newsmd_document_retried"


def flag(value: Any) -> bool:
    """A spider argument read as a switch (``1``, ``true``, ``yes``, ``on``)."""
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


class ArticleSpider(Spider):
    """Base for spiders whose leaves are article pages."""

    article_state: ArticleState | None = None
    pages_reader: ExtractPool | None = None
    discovers = True
    """Whether the spider discovers articles (feeds, sitemaps): one run of it per source at a time
    on a shared state. ``get`` and workers only fetch what they are given."""

    def open_state(self) -> ArticleState:
        """The incremental-crawl state file of this crawl, opened on first use."""
        if self.article_state is None:
            self.article_state = crawl_state(self.crawler)
        return self.article_state

    def closed(self, reason: str) -> None:
        self.logger.warning("summary: %s (%s)", crawl_summary(self.crawler.stats)[1], reason)
        close_crawl_state(self.crawler)
        if self.pages_reader is not None:
            self.pages_reader.close()

    def extract_pool(self) -> ExtractPool:
        """Where this crawl reads its pages: ``EXTRACT_PROCESSES`` worker processes (0: this one)."""
        if self.pages_reader is None:
            self.pages_reader = ExtractPool(setting(self.settings, "EXTRACT_PROCESSES"))
        return self.pages_reader

    async def parse_article(self, response: Response) -> AsyncIterator[Article | Request]:
        """Extract the article; a page that is not one is logged, counted and skipped. An empty or
        'access denied' answer is fetched once more at the article's ``FALLBACK_URL``, if it has one."""
        try:
            article = await self.extract_article(response)
        except ExtractionError as error:
            fallback = response.meta.get(FALLBACK_URL)
            if error.reason in _RETRY_AT_FALLBACK and fallback and not response.meta.get(_FALLBACK_TRIED):
                self.crawler.stats.inc_value("newsmd/retry/fallback_url")
                yield response.request.replace(  # type: ignore[union-attr]
                    url=fallback, meta={**response.meta, _FALLBACK_TRIED: True}, dont_filter=True)
                return
            self.report_failure(error.url, error.reason, error.detail, meta=response.meta)
            return
        yield article

    async def extract_article(self, response: Response) -> Article:
        """``extract`` under the run's settings (in a worker process), its fallbacks and undated
        article counted, the request's crawl context (``CONTEXT``) attached for the state pipeline."""
        article = await self.extract_pool().extract(response.url, response.body, response.headers,
                                                    **extract_options(self.settings))
        counted(article, response.url, self.crawler.stats, self.logger)
        context = response.meta.get(CONTEXT)
        if context is not None:
            article.crawl = dataclasses.replace(context)
            if "partial" in response.flags:  # ended by the connection closing: a cut-off answer would look the same
                self.crawler.stats.inc_value("newsmd/suspect_answer")
                article.crawl.suspect = True
        return article

    def on_download_error(self, failure: Failure) -> None:
        """Errback: an HTTP error status or a network failure for a feed or article page."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        url = requested_url(request)
        document, meta = bool(request.meta.get(DOCUMENT)), request.meta
        if isinstance(failure.value, RedirectRefused):
            self.report_failure(url, failure.value.reason, failure.value.detail, document=document, meta=meta)
        elif response is not None:
            self.report_failure(url, "http_error", f"HTTP {response.status}", document=document, meta=meta)
        else:
            message = failure.getErrorMessage() or repr(failure.value)
            too_large = "larger than download max size" in message or "DOWNLOAD_MAXSIZE" in message  # or a bomb
            reason = "too_large" if too_large else "download_error"
            self.report_failure(url, reason, message, document=document, meta=meta)

    def retry_document(self, response: Response, reason: str, detail: str) -> Iterator[Request]:
        """A feed page or document whose answer could not be read: fetched once more, like an
        article page, then counted as a feed failure."""
        request = response.request
        if request is not None and not request.meta.get(_DOCUMENT_RETRIED):
            self.crawler.stats.inc_value("newsmd/retry/document")
            yield request.replace(meta={**request.meta, _DOCUMENT_RETRIED: True}, dont_filter=True)
            return
        self.report_failure(requested_url(request) if request is not None else response.url, reason, detail,
                            document=True)

    def count(self, outcome: str, reason: str) -> None:
        """Count one ``newsmd/<outcome>`` (a summary field) and its ``newsmd/<outcome>/<reason>``."""
        count(self.crawler.stats, outcome, reason)

    def reserve_fetch(self) -> bool:
        """Take one of the run's ``MAX_ARTICLES_PER_RUN`` article fetches; ``False`` (counted) when none is left."""
        stats = self.crawler.stats
        limit = setting(self.settings, "MAX_ARTICLES_PER_RUN")
        if limit and stats.get_value("newsmd/scheduled", 0) >= limit:
            self.count("skipped", "over_limit")
            return False
        stats.inc_value("newsmd/scheduled")
        return True

    def warn(self, url: str, reason: str, detail: str) -> None:
        """Log one warning line naming the URL and reason, and tell listeners (not a failure)."""
        self.logger.warning("%s: %s [%s]", url, detail, reason)
        self.crawler.signals.send_catch_log(crawl_warning, url=url, reason=reason, detail=detail)

    def known_failure(self, url: str, version: str = "") -> bool:
        """Whether the article at ``url`` is skipped as a known failure: it failed for good, or a
        passing fault has failed it ``FAILED_RETRY_RUNS`` runs in a row, and its feed lists it as
        it did then (an updated entry is tried again; so is everything with ``--retry-failed``)."""
        if setting(self.settings, "RETRY_FAILED"):
            return False
        known = self.open_state().failure(url)
        if known is None or (version and known.version != version):
            return False
        if not (known.permanent or known.attempts >= setting(self.settings, "FAILED_RETRY_RUNS")):
            return False
        self.crawler.stats.inc_value("newsmd/known_failures")
        self.crawler.stats.inc_value(f"newsmd/known_failures/{known.reason}")
        return True

    def remember_failure(self, item: str, version: str, reason: str, detail: str) -> None:
        """Record an article's failure in the state file; one that failed before is counted as such."""
        state = self.open_state()
        if state.failure(item) is not None:
            self.crawler.stats.inc_value("newsmd/failed_again")
        permanent = reason in PERMANENT_REASONS or (reason == "http_error" and detail.startswith(_GONE))
        state.record_failure(item, reason, permanent, version)

    def report_failure(self, url: str, reason: str, detail: str, document: bool = False,
                       meta: Mapping[str, Any] | None = None) -> None:
        """Log one line naming the URL and reason, count it (an article's, or with ``document`` a
        feed's, failure), remember it under the feed's URL for the article (``meta[ITEM]``), and
        tell listeners."""
        if meta and meta.get(ITEM):
            self.remember_failure(meta[ITEM], meta.get(ITEM_VERSION, ""), reason, detail)
        report_failure(self.crawler, self.logger, url, reason, detail, "feed_failed" if document else "failed")
        if meta and meta.get(CONTEXT) is not None:
            self.crawler.signals.send_catch_log(article_done, context=meta[CONTEXT])
