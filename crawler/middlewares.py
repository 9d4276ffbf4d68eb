"""Downloader middleware serving configured hosts from a local mirror (tests, demo, offline)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

_ORIGINAL_URL = "newsmd_original_url"


class MirrorMiddleware:
    """Fetch ``MIRROR``-ed hosts from their mirror, then give the response its real URL back.

    The setting maps a host to a base URL, e.g. ``{"news.qq.com": "http://127.0.0.1:8123"}``:
    ``https://news.qq.com/rain/a/X?y`` is fetched as ``http://127.0.0.1:8123/rain/a/X?y``, and the
    spider sees a response for ``https://news.qq.com/rain/a/X?y``, so parsing and
    canonicalisation work exactly as on the live site.
    """

    def __init__(self, mirror: dict[str, str]) -> None:
        self.mirror = {host.lower(): base.rstrip("/") for host, base in mirror.items()}

    @classmethod
    def from_crawler(cls, crawler: Any) -> MirrorMiddleware:
        return cls(crawler.settings.getdict("MIRROR"))

    def process_request(self, request: Request) -> Request | None:
        if not self.mirror:
            return None
        parts = urlsplit(request.url)
        base = self.mirror.get((parts.hostname or "").lower())
        if base is None:
            return None
        target = base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        meta = {**request.meta, _ORIGINAL_URL: request.url}
        return request.replace(url=target, meta=meta, dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        original = request.meta.get(_ORIGINAL_URL)
        if original and response.url == request.url and response.url != original:
            return response.replace(url=original)
        return response
