"""Downloader middlewares: a local mirror for configured hosts (tests, demo, offline), a guard on
redirects, retry with backoff."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.internet.error import ConnectionRefusedError, DNSLookupError

from crawler.crawling.fetch_rules import (
    REDIRECT_STATUSES,
    backoff_seconds,
    mirrored_url,
    normalized_mirror,
    redirect_refusal,
)
from crawler.declared_settings import setting

_ORIGINAL_URL = "newsmd_original_url"
_UNREACHABLE = (CannotResolveHostError, DownloadConnectionRefusedError, DNSLookupError, ConnectionRefusedError)
"""A host that cannot be reached at all: no such name, nothing listening."""
_FIRST_URL = "newsmd_first_url"


def mirrored_from(request: Request) -> str | None:
    """The real URL a request rewritten to the mirror stands for (``None``: not a mirror request)."""
    return request.meta.get(_ORIGINAL_URL)


def requested_url(request: Request) -> str:
    """The URL the spider asked for, before any redirect or the mirror's rewrite."""
    return request.meta.get(_FIRST_URL) or request.meta.get(_ORIGINAL_URL, request.url)


class MirrorMiddleware:
    """Fetch ``MIRROR``-ed hosts from their mirror, then give the response its real URL back.

    The setting maps a host to a base URL, e.g. ``{"news.qq.com": "http://127.0.0.1:8123"}``:
    ``https://news.qq.com/rain/a/X?y`` is fetched as ``http://127.0.0.1:8123/rain/a/X?y``, and the
    spider sees a response for ``https://news.qq.com/rain/a/X?y``, so parsing and
    canonicalisation work exactly as on the live site. A request a ``--resume`` folder saved with
    another run's mirror address goes to this run's mirror (or, without one, to the real site).
    """

    def __init__(self, mirror: dict[str, str]) -> None:
        self.mirror = normalized_mirror(mirror)

    @classmethod
    def from_crawler(cls, crawler: Any) -> MirrorMiddleware:
        return cls(setting(crawler.settings, "MIRROR"))

    def process_request(self, request: Request) -> Request | None:
        target = mirrored_url(request.url, self.mirror)
        if target is not None:  # a real URL (a copy of a rewritten request may carry a new one: its own)
            return request.replace(url=target, meta={**request.meta, _ORIGINAL_URL: request.url}, dont_filter=True)
        original = request.meta.get(_ORIGINAL_URL)
        if original is None:
            return None
        # rewritten before: by this run, or by the run a --resume folder saved (another mirror address)
        target = mirrored_url(original, self.mirror) or original
        return None if target == request.url else request.replace(url=target, dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        original = request.meta.get(_ORIGINAL_URL)
        if original and response.url == request.url and response.url != original:
            return response.replace(url=original)
        return response


class RedirectRefused(IgnoreRequest):
    """A redirect the crawl does not follow; ``reason`` is the failure reason counted for the page."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class RedirectGuardMiddleware:
    """Stop redirect loops and redirects that leave the site, with a reason the spider reports.

    A page whose redirects go on past ``REDIRECT_MAX_TIMES`` fails as ``too_many_redirects``; one
    redirected to another site (another registrable domain than the link's) fails as
    ``offsite_redirect`` unless ``FOLLOW_OFFSITE_REDIRECTS`` is on. Scrapy's own redirect
    middleware (after this one) follows the rest.
    """

    def __init__(self, max_redirects: int, follow_offsite: bool) -> None:
        self.max_redirects = max_redirects
        self.follow_offsite = follow_offsite

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectGuardMiddleware:
        settings = crawler.settings
        return cls(setting(settings, "REDIRECT_MAX_TIMES"), setting(settings, "FOLLOW_OFFSITE_REDIRECTS"))

    def process_request(self, request: Request) -> None:
        request.meta[_FIRST_URL] = requested_url(request)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        target = urljoin(response.url, location.decode("latin-1").strip())
        refusal = redirect_refusal(target, requested_url(request), request.meta.get("redirect_times", 0) + 1,
                                   self.max_redirects, self.follow_offsite)
        if refusal is not None:
            raise RedirectRefused(*refusal)
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (5xx, 429, timeouts, resets), waiting before each retry; a host whose name
    does not resolve, or that refuses the connection, is not retried.

    The wait doubles from ``RETRY_BACKOFF_BASE`` seconds, capped at ``RETRY_BACKOFF_MAX``; a
    ``Retry-After`` header in seconds (429, 503) is honoured up to the same cap. Retries are still
    bounded by ``RETRY_TIMES``.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = setting(settings, "RETRY_BACKOFF_BASE")
        self.backoff_max = setting(settings, "RETRY_BACKOFF_MAX")

    def backoff(self, retry: Request, response: Response | None = None) -> float:
        """Seconds to wait before sending ``retry`` (its ``retry_times`` is already counted)."""
        retry_after = (response.headers.get(b"Retry-After") or b"").decode("latin-1") if response is not None else ""
        return backoff_seconds(retry.meta.get("retry_times", 1), self.backoff_base, self.backoff_max, retry_after)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(self.backoff(result, response))
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        if isinstance(exception, _UNREACHABLE):
            return None  # no such host, or nothing listening there: a retry would only wait to fail again
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(self.backoff(result))
        return result

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("newsmd/retry/backoff_seconds", round(seconds))
            await asyncio.sleep(seconds)
