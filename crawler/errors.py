"""The one error type extraction raises for pages it cannot turn into an article."""

from __future__ import annotations


class ExtractionError(ValueError):
    """A page is not an article we can extract.

    ``reason`` is a short stable code (``video``, ``empty_body``, ``not_article``,
    ``access_denied``, ``unsupported_page``, ``unsupported_source``, ``bad_url``, ...) used as the
    Scrapy stats key; ``detail`` is a human sentence. ``str(error)`` is one line naming the URL.
    """

    def __init__(self, url: str, reason: str, detail: str) -> None:
        from crawler.reasons import REASONS

        if reason not in REASONS:
            raise ValueError(f"unknown failure reason {reason!r}: add it to crawler.reasons")
        self.url = url
        self.reason = reason
        self.detail = detail
        super().__init__(f"{url}: {detail} [{reason}]")
