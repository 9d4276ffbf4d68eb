"""Fetching a few pages without Scrapy (``newsmd get``): the crawl's downloader rules, kept.

Starting Scrapy costs several times what one page takes, so ``newsmd get`` of a handful of URLs
fetches them here, one at a time, with the same settings a crawl reads: robots.txt obeyed
(``ROBOTSTXT_OBEY``, Protego as in Scrapy), ``USER_AGENT``, ``MIRROR``, the redirect guard
(``REDIRECT_MAX_TIMES``, ``FOLLOW_OFFSITE_REDIRECTS``), retries with backoff (``RETRY_TIMES``,
``RETRY_HTTP_CODES``, ``RETRY_BACKOFF_BASE``/``MAX``, ``Retry-After``), ``DOWNLOAD_TIMEOUT`` and
``DOWNLOAD_MAXSIZE``.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from crawler.crawling.fetch_rules import (
    REDIRECT_STATUSES,
    backoff_seconds,
    mirrored_url,
    normalized_mirror,
    redirect_refusal,
)
from crawler.declared_settings import setting

logger = logging.getLogger(__name__)
UNREACHABLE = "unreachable"
"""Inside the fetcher: a host that cannot be reached at all (reported to the user as ``download_error``)."""
_CHUNK = 64 * 1024
_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^'\"()\]]+)")


class FetchFailed(Exception):
    """A page that could not be fetched: ``reason`` (one of ``crawler.reasons``) and ``detail``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class FetchOptions:
    """The downloader settings a plain fetch obeys (see the module's docstring)."""

    user_agent: str
    robots_user_agent: str
    obey_robots: bool
    timeout: float
    max_bytes: int
    retry_times: int
    retry_statuses: frozenset[int]
    backoff_base: float
    backoff_max: float
    max_redirects: int
    follow_offsite: bool
    mirror: dict[str, str]

    @classmethod
    def from_settings(cls, settings: Any) -> FetchOptions:
        user_agent = settings.get("USER_AGENT") or "newsmd"
        return cls(
            user_agent=user_agent,
            robots_user_agent=settings.get("ROBOTSTXT_USER_AGENT") or user_agent,
            obey_robots=setting(settings, "ROBOTSTXT_OBEY"),
            timeout=setting(settings, "DOWNLOAD_TIMEOUT"),
            max_bytes=setting(settings, "DOWNLOAD_MAXSIZE"),
            retry_times=setting(settings, "RETRY_TIMES") if settings.getbool("RETRY_ENABLED", True) else 0,
            retry_statuses=frozenset(int(code) for code in settings.getlist("RETRY_HTTP_CODES")),
            backoff_base=setting(settings, "RETRY_BACKOFF_BASE"),
            backoff_max=setting(settings, "RETRY_BACKOFF_MAX"),
            max_redirects=setting(settings, "REDIRECT_MAX_TIMES"),
            follow_offsite=setting(settings, "FOLLOW_OFFSITE_REDIRECTS"),
            mirror=normalized_mirror(setting(settings, "MIRROR")),
        )


@dataclass(frozen=True)
class FetchedPage:
    """A page's answer: its real URL after any redirects (not the mirror's), body and headers."""

    url: str
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class PlainFetcher:
    """Fetch pages one at a time under ``FetchOptions``; ``fetch`` raises ``FetchFailed``."""

    def __init__(self, options: FetchOptions, sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = options.user_agent
        self.robots: dict[str, Protego | None] = {}
        self.unreachable: dict[str, str] = {}
        """Sites whose robots.txt could not be reached at all (no such host, connection refused):
        their pages fail at once in this run, with the same detail."""

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str) -> FetchedPage:
        """The 2xx answer for ``url``, after following the redirects the guard allows."""
        try:
            return self._follow(url, obey_robots=self.options.obey_robots)
        except FetchFailed as error:
            if error.reason == UNREACHABLE:
                raise FetchFailed("download_error", error.detail) from None
            raise

    def _follow(self, url: str, obey_robots: bool) -> FetchedPage:
        requested, redirects = url, 0
        while True:
            if obey_robots and not self._allowed(url):
                raise FetchFailed("download_error", "Forbidden by robots.txt")
            answer = self._answer(url)
            location = answer.headers.get("Location", "").strip()
            if answer.status in REDIRECT_STATUSES and location:
                redirects += 1
                target = urljoin(url, location)
                refusal = redirect_refusal(target, requested, redirects, self.options.max_redirects,
                                           self.options.follow_offsite)
                if refusal is not None:
                    raise FetchFailed(*refusal)
                url = target
                continue
            if not 200 <= answer.status < 300:
                raise FetchFailed("http_error", f"HTTP {answer.status}")
            return FetchedPage(url, answer.body, answer.headers)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self.robots:
            self.robots[site] = self._robots(site, site + "/robots.txt")
        if site in self.unreachable:
            raise FetchFailed("download_error", self.unreachable[site])
        rules = self.robots[site]
        return rules is None or rules.can_fetch(url, self.options.robots_user_agent)

    def _robots(self, site: str, url: str) -> Protego | None:
        """The site's robots.txt rules; ``None`` (everything allowed, as in Scrapy) when it has none
        or it cannot be fetched. A site that cannot be reached at all is remembered as such."""
        try:
            page = self._follow(url, obey_robots=False)
        except FetchFailed as error:
            if error.reason == UNREACHABLE:
                self.unreachable[site] = error.detail
            logger.info("%s: %s; fetching as if it allowed everything", url, error.detail)
            return None
        return Protego.parse(page.body.decode("utf-8", errors="replace"))

    def _answer(self, url: str) -> _Answer:
        """One URL's answer, retried with backoff on network faults and retryable statuses."""
        target = mirrored_url(url, self.options.mirror) or url
        tries = self.options.retry_times + 1
        for attempt in range(1, tries + 1):
            try:
                answer = self._download(target)
            except requests.RequestException as error:
                detail = _network_detail(error, self.options.timeout)
                if unreachable_host(error):  # no such host, or nothing listening: retrying changes nothing
                    logger.info("%s: %s; not retried (the host cannot be reached)", url, detail)
                    raise FetchFailed(UNREACHABLE, detail) from None
                if attempt == tries:
                    logger.info("gave up retrying %s (failed %d times): %s", url, tries, detail)
                    raise FetchFailed("download_error", detail) from None
                self._wait(url, attempt, detail)
                continue
            if answer.status in self.options.retry_statuses and attempt < tries:
                self._wait(url, attempt, f"HTTP {answer.status}", answer.headers.get("Retry-After", ""))
                continue
            return answer
        raise AssertionError("unreachable")

    def _wait(self, url: str, attempt: int, detail: str, retry_after: str = "") -> None:
        seconds = backoff_seconds(attempt, self.options.backoff_base, self.options.backoff_max, retry_after)
        logger.info("retrying %s (failed %d times: %s) in %.1f s", url, attempt, detail, seconds)
        self.sleep(seconds)

    def _download(self, url: str) -> _Answer:
        cap, timeout = self.options.max_bytes, self.options.timeout
        deadline = time.monotonic() + timeout
        with self.session.get(url, stream=True, allow_redirects=False, timeout=timeout) as response:
            # DOWNLOAD_TIMEOUT bounds the whole answer, as in a crawl: a server that sends a byte a
            # second never times out a read, so the answer is closed under it when time is up
            watchdog = threading.Timer(max(deadline - time.monotonic(), 0), _abort, (response,))
            watchdog.daemon = True
            watchdog.start()
            try:
                return self._body(response, cap, deadline, timeout)
            except (requests.RequestException, OSError, AttributeError, ValueError):
                if time.monotonic() >= deadline:
                    raise requests.Timeout(f"took longer than {timeout} seconds") from None
                raise
            finally:
                watchdog.cancel()

    @staticmethod
    def _body(response: requests.Response, cap: int, deadline: float, timeout: float) -> _Answer:
        declared = response.headers.get("Content-Length", "")
        if cap and declared.isdigit() and int(declared) > cap:
            raise FetchFailed("too_large", f"the answer is {declared} bytes, over the {cap}-byte cap "
                              "(DOWNLOAD_MAXSIZE)")
        chunks, size = [], 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if cap and size > cap:
                raise FetchFailed("too_large", f"the answer is over the {cap}-byte cap (DOWNLOAD_MAXSIZE)")
            if time.monotonic() > deadline:
                raise requests.Timeout(f"took longer than {timeout} seconds")
            chunks.append(chunk)
        if time.monotonic() > deadline:  # cut short by the watchdog: not the whole answer
            raise requests.Timeout(f"took longer than {timeout} seconds")
        return _Answer(response.status_code, response.headers, b"".join(chunks))


def _abort(response: requests.Response) -> None:
    """End an answer that another thread is still reading: shut its socket down (closing it alone
    does not wake a read blocked on it)."""
    connection = getattr(response.raw, "connection", None) or getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    response.close()


def unreachable_host(error: BaseException) -> bool:
    """Whether a network error means the host cannot be reached at all: its name does not resolve,
    or nothing listens there (connection refused), as opposed to a timeout or a reset."""
    seen: set[int] = set()
    pending: list[Any] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror | ConnectionRefusedError):
            return True
        if isinstance(current, BaseException):
            pending.extend([current.__cause__, current.__context__, getattr(current, "reason", None), *current.args])
    return False


def _network_detail(error: requests.RequestException, timeout: float) -> str:
    """A network fault in one line: the system's own words where there are some."""
    if isinstance(error, requests.Timeout):
        return f"the server took longer than {timeout} seconds to answer"
    found = _OS_ERROR.search(str(error))
    if found:
        return f"connection failed: {found.group(1).strip()}."
    lines = str(error).strip().splitlines()
    return (lines[-1] if lines else type(error).__name__)[:300]
