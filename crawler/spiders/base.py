"""What every newsmd spider shares: turning a response into an Article, counting failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.article import Article
from crawler.errors import ExtractionError
from crawler.extract import extract
from crawler.middlewares import RedirectRefused, requested_url
from crawler.signals import article_failed, crawl_warning
from crawler.state import ArticleState, state_path

SUMMARY_FIELDS = ("discovered", "written", "updated", "unchanged", "skipped", "failed")
DOCUMENT = "newsmd_document"
"""Request meta key marking a feed page, feed or sitemap (not an article): its failures are feed failures."""
_DOCUMENT_RETRIED = "newsmd_document_retried"


def crawl_summary(stats: Any) -> tuple[dict[str, int], str]:
    """The run's counts and its one summary line; spider exceptions count as failures, feed
    failures are added to the line when there are any."""
    counts = {name: int(stats.get_value(f"newsmd/{name}", 0)) for name in SUMMARY_FIELDS}
    counts["failed"] += int(stats.get_value("spider_exceptions/count", 0))
    counts["feed_failed"] = int(stats.get_value("newsmd/feed_failed", 0))
    line = " / ".join(f"{counts[name]} {name}" for name in SUMMARY_FIELDS)
    return counts, line + (f" / {counts['feed_failed']} feed failed" if counts["feed_failed"] else "")


def run_failed(counts: dict[str, int]) -> bool:
    """Whether a run with these counts failed (exit status 1): an article or a feed failed."""
    return bool(counts["failed"] or counts["feed_failed"])


def flag(value: Any) -> bool:
    """A spider argument read as a switch (``1``, ``true``, ``yes``, ``on``)."""
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


class ArticleSpider(Spider):
    """Base for spiders whose leaves are article pages."""

    article_state: ArticleState | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suspect_answers: set[tuple[str, str]] = set()

    def open_state(self) -> ArticleState:
        """The incremental-crawl state file of this crawl, opened on first use."""
        if self.article_state is None:
            self.article_state = ArticleState(state_path(self.crawler.settings))
        return self.article_state

    def closed(self, reason: str) -> None:
        self.logger.warning("summary: %s (%s)", crawl_summary(self.crawler.stats)[1], reason)
        if self.article_state is not None:
            self.article_state.close()

    def parse_article(self, response: Response) -> Iterator[Article]:
        """Extract the article; a page that is not one is logged, counted and skipped."""
        try:
            yield self.extract_article(response)
        except ExtractionError as error:
            self.report_failure(error.url, error.reason, error.detail)

    def extract_article(self, response: Response) -> Article:
        """``extract`` under the ``UNDATED_ARTICLES`` policy; an article written undated is counted."""
        article = extract(response.url, response.body, response.headers,
                          undated=self.settings.get("UNDATED_ARTICLES", "skip"),
                          max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE", 0))
        for fallback in article.fallbacks:
            self.crawler.stats.inc_value(f"newsmd/fallback/{fallback}")
            self.logger.info("%s: %s read by the generic parser [fallback]", response.url,
                             "the page" if fallback == "page" else f"the {fallback} field")
        if "partial" in response.flags:  # ended by the connection closing: a cut-off answer would look the same
            self.crawler.stats.inc_value("newsmd/suspect_answer")
            self.suspect_answers.add((article.source, article.article_id))
        if article.published is None:
            self.crawler.stats.inc_value("newsmd/undated")
            self.logger.warning("%s: no publication time; written without a date [undated]", response.url)
        return article

    def recorded_hash(self, article: Article, content_hash: str) -> str:
        """The file hash to record for a written article: none when its answer was suspect (no length,
        ended by the connection closing), so the next run fetches it again instead of trusting it."""
        key = (article.source, article.article_id)
        if key in self.suspect_answers:
            self.suspect_answers.discard(key)
            return ""
        return content_hash

    def on_download_error(self, failure: Failure) -> None:
        """Errback: an HTTP error status or a network failure for a feed or article page."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        url = requested_url(request)
        document = bool(request.meta.get(DOCUMENT))
        if isinstance(failure.value, RedirectRefused):
            self.report_failure(url, failure.value.reason, failure.value.detail, document=document)
        elif response is not None:
            self.report_failure(url, "http_error", f"HTTP {response.status}", document=document)
        else:
            message = failure.getErrorMessage() or repr(failure.value)
            reason = "too_large" if "larger than download max size" in message else "download_error"
            self.report_failure(url, reason, message, document=document)

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
        self.crawler.stats.inc_value(f"newsmd/{outcome}")
        self.crawler.stats.inc_value(f"newsmd/{outcome}/{reason}")

    def reserve_fetch(self) -> bool:
        """Take one of the run's ``MAX_ARTICLES_PER_RUN`` article fetches; ``False`` (counted) when none is left."""
        stats = self.crawler.stats
        limit = self.settings.getint("MAX_ARTICLES_PER_RUN", 0)
        if limit and stats.get_value("newsmd/scheduled", 0) >= limit:
            self.count("skipped", "over_limit")
            return False
        stats.inc_value("newsmd/scheduled")
        return True

    def warn(self, url: str, reason: str, detail: str) -> None:
        """Log one warning line naming the URL and reason, and tell listeners (not a failure)."""
        self.logger.warning("%s: %s [%s]", url, detail, reason)
        self.crawler.signals.send_catch_log(crawl_warning, url=url, reason=reason, detail=detail)

    def report_failure(self, url: str, reason: str, detail: str, document: bool = False) -> None:
        """Log one line naming the URL and reason, count it (an article's, or with ``document`` a
        feed's, failure), and tell listeners."""
        self.count("feed_failed" if document else "failed", reason)
        self.logger.warning("%s: %s [%s]", url, detail, reason)
        self.crawler.signals.send_catch_log(article_failed, url=url, reason=reason, detail=detail)
