"""The fetching rules both ways of fetching follow (Scrapy's downloader middlewares and the plain
fetcher of ``newsmd get``): the mirror's rewrite, which redirects are refused, the retry backoff."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extraction.urls import registrable_domain

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def mirrored_url(url: str, mirror: dict[str, str]) -> str | None:
    """Where ``url`` is fetched from when its host is mirrored (``MIRROR``: host -> base URL), else ``None``.

    ``https://news.qq.com/rain/a/X?y`` with ``{"news.qq.com": "http://127.0.0.1:8123"}`` is
    ``http://127.0.0.1:8123/rain/a/X?y``; the page keeps its real URL for parsing.
    """
    if not mirror:
        return None
    parts = urlsplit(url)
    base = mirror.get((parts.hostname or "").lower())
    if base is None:
        return None
    return base.rstrip("/") + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def normalized_mirror(mirror: dict[str, str]) -> dict[str, str]:
    """``MIRROR`` with lower-case hosts, as ``mirrored_url`` looks them up."""
    return {host.lower(): base for host, base in mirror.items()}


def redirect_refusal(target: str, requested: str, redirects: int, max_redirects: int,
                     follow_offsite: bool) -> tuple[str, str] | None:
    """Why the redirect to ``target`` (the ``redirects``-th for the page first asked for at
    ``requested``) is not followed, as ``(reason, detail)``; ``None`` to follow it.

    Past ``max_redirects`` it is a loop (``too_many_redirects``); to another registrable domain it
    leaves the site (``offsite_redirect``) unless ``follow_offsite``.
    """
    if redirects > max_redirects:
        return "too_many_redirects", f"more than {max_redirects} redirects (a redirect loop?), the last to {target}"
    if not follow_offsite and registrable_domain(target) != registrable_domain(requested):
        return "offsite_redirect", f"redirected to another site: {target}"
    return None


def backoff_seconds(retry_number: int, base: float, cap: float, retry_after: str = "") -> float:
    """Seconds to wait before retry ``retry_number`` (1 for the first): doubling from ``base``, or the
    answer's ``Retry-After`` in seconds when longer, at most ``cap``."""
    delay = base * 2 ** (retry_number - 1)
    retry_after = retry_after.strip()
    if retry_after.isdigit():
        delay = max(delay, float(retry_after))
    return min(delay, cap)
